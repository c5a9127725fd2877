use proptest::prelude::*;

use super::*;
use crate::ticket::op::Target;

fn at(wall_ms: u64, node: u64) -> Hlc {
    Hlc {
        wall_ms,
        counter: 0,
        node,
    }
}

fn op(wall: u64, node: u64, actor: &str, change: Change) -> Op {
    Op::new(Target::Anchor("m1@x".into()), actor, at(wall, node), change)
}

#[test]
fn last_writer_wins_per_field_by_time_then_actor() {
    let ops = [
        op(
            10,
            1,
            "maya@acme.example",
            Change::Status {
                status: Status::Pending,
            },
        ),
        op(
            20,
            2,
            "sam@acme.example",
            Change::Status {
                status: Status::Closed,
            },
        ),
        op(
            15,
            1,
            "maya@acme.example",
            Change::Kind {
                kind: Some(Kind::Bug),
            },
        ),
    ];
    let d = fold(&ops);
    assert_eq!(d.status.value, Some(Status::Closed));
    assert_eq!(d.kind.value, Some(Kind::Bug));
}

#[test]
fn concurrent_add_survives_a_remove_that_did_not_see_it() {
    let add1 = op(
        10,
        1,
        "maya@acme.example",
        Change::TagAdd {
            tag: "billing".into(),
        },
    );
    let remove = op(
        20,
        2,
        "sam@acme.example",
        Change::TagRemove {
            tag: "billing".into(),
            seen: vec![add1.id.clone()],
        },
    );
    // Maya adds it again at the same time on her machine, unaware of Sam's remove.
    let add2 = op(
        20,
        1,
        "maya@acme.example",
        Change::TagAdd {
            tag: "billing".into(),
        },
    );
    assert_eq!(
        fold(&[add1.clone(), remove.clone()]).tag_names(),
        Vec::<&str>::new()
    );
    assert_eq!(fold(&[add1, remove, add2]).tag_names(), vec!["billing"]);
}

#[test]
fn notes_only_grow_and_keep_their_order() {
    let ops = [
        op(
            30,
            1,
            "maya@acme.example",
            Change::Note {
                text: "second".into(),
            },
        ),
        op(
            10,
            2,
            "sam@acme.example",
            Change::Note {
                text: "first".into(),
            },
        ),
    ];
    let d = fold(&ops);
    let texts: Vec<&str> = d.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, vec!["first", "second"]);
}

#[test]
fn ops_serialise_with_their_version() {
    let o = op(
        10,
        1,
        "Maya@Acme.example",
        Change::Assign {
            to: Some("sam@acme.example".into()),
        },
    );
    let json = serde_json::to_string(&o).unwrap();
    assert!(json.contains("\"v\":1"), "{json}");
    assert!(json.contains("\"actor\":\"maya@acme.example\""), "{json}");
    assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), o);
}

fn arb_change() -> impl Strategy<Value = Change> {
    let tag = prop::sample::select(vec!["a", "b"]).prop_map(String::from);
    prop_oneof![
        prop::sample::select(vec![Status::Open, Status::Pending, Status::Closed])
            .prop_map(|status| Change::Status { status }),
        prop::option::of(prop::sample::select(vec![
            Kind::Bug,
            Kind::Feature,
            Kind::Question
        ]))
        .prop_map(|kind| Change::Kind { kind }),
        prop::option::of(prop::sample::select(vec!["maya@x", "sam@x"]).prop_map(String::from))
            .prop_map(|to| Change::Assign { to }),
        tag.clone().prop_map(|tag| Change::TagAdd { tag }),
        (tag, prop::collection::vec(0u64..12, 0..3)).prop_map(|(tag, seen)| Change::TagRemove {
            tag,
            // Cite adds by the ids ops in this test get (wall.0.node, node 1 or 2).
            seen: seen
                .iter()
                .map(|w| format!("{}.0.{:x}", w, 1 + w % 2))
                .collect(),
        }),
        "[a-z]{1,5}".prop_map(|text| Change::Note { text }),
    ]
}

fn arb_ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec((0u64..12, arb_change()), 0..24).prop_map(|raw| {
        let mut seen = std::collections::HashSet::new();
        raw.into_iter()
            .map(|(wall, change)| {
                let node = 1 + wall % 2;
                let actor = if node == 1 { "maya@x" } else { "sam@x" };
                op(wall, node, actor, change)
            })
            // One op per id: an id names exactly one change.
            .filter(|o| seen.insert(o.id.clone()))
            .collect()
    })
}

proptest! {
    #[test]
    fn any_order_with_duplicates_folds_to_the_same_state(
        ops in arb_ops(),
        seed in any::<u64>(),
        dup in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let want = fold(&ops);
        let mut shuffled = ops.clone();
        for i in &dup {
            if !ops.is_empty() {
                shuffled.push(ops[i.index(ops.len())].clone());
            }
        }
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(fold(&shuffled), want);
    }
}
