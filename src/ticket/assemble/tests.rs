use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::ticket::catalog::Catalog;
use crate::ticket::hlc::Hlc;

const H: i64 = 3600;

fn team() -> Team {
    Team {
        addresses: ["support@acme.example".to_string()].into_iter().collect(),
        settings: Settings::default(),
        ..Team::default()
    }
}

fn msg(id: &str, date: i64, refs: &[&str], subject: &str, from: &str) -> Mail {
    Mail {
        hash: *blake3::hash(format!("{id}/{date}").as_bytes())
            .as_bytes()
            .first_chunk()
            .unwrap_or(&[0; 16]),
        message_id: id.into(),
        references: refs.iter().map(|r| r.to_string()).collect(),
        from: from.into(),
        to: vec!["support@acme.example".into()],
        subject: subject.into(),
        date,
        team: from == "support@acme.example",
        ..Mail::default()
    }
}

fn op(target: Target, at: u64, change: Change) -> Op {
    let at = Hlc {
        wall_ms: at,
        counter: 0,
        node: 7,
    };
    Op::new(target, "maya@acme.example", at, change)
}

/// Conversations as sorted lists of Message-IDs, for comparing.
fn groups(mail: &[Mail], ops: &[Op]) -> Vec<Vec<String>> {
    let mut mail = mail.to_vec();
    canonical_order(&mut mail);
    let mut out: Vec<Vec<String>> = group(&mail, ops, &team())
        .into_iter()
        .map(|c| {
            let mut ids: Vec<String> = c
                .members
                .iter()
                .map(|&i| mail[i].message_id.clone())
                .collect();
            ids.sort();
            ids
        })
        .collect();
    out.sort();
    out
}

fn thread() -> Vec<Mail> {
    vec![
        msg("a", 0, &[], "Login fails", "ana@client.example"),
        msg("b", H, &["a"], "Re: Login fails", "support@acme.example"),
        msg(
            "c",
            2 * H,
            &["a", "b"],
            "Re: Login fails",
            "ana@client.example",
        ),
        msg("x", 3 * H, &[], "Invoice", "bob@other.example"),
    ]
}

#[test]
fn merge_split_and_undo_move_messages_between_conversations() {
    let mail = thread();
    let merge = op(Target::Pair("x".into(), "a".into()), 10, Change::Merge);
    assert_eq!(groups(&mail, &[]), vec![vec!["a", "b", "c"], vec!["x"]]);
    assert_eq!(
        groups(&mail, std::slice::from_ref(&merge)),
        vec![vec!["a", "b", "c", "x"]]
    );
    let undo = op(
        Target::Pair("x".into(), "a".into()),
        20,
        Change::Undo {
            op: merge.id.clone(),
        },
    );
    assert_eq!(
        groups(&mail, &[merge.clone(), undo]),
        vec![vec!["a", "b", "c"], vec!["x"]]
    );
    let split = op(Target::Anchor("c".into()), 30, Change::Split);
    assert_eq!(
        groups(&mail, &[merge.clone(), split.clone()]),
        vec![vec!["a", "b", "x"], vec!["c"]]
    );
    // Order is by HLC: a merge after the split brings it back.
    let merge_back = op(Target::Pair("c".into(), "a".into()), 40, Change::Merge);
    assert_eq!(
        groups(&mail, &[merge_back, split, merge]),
        vec![vec!["a", "b", "c", "x"]]
    );
}

#[test]
fn the_ticket_keeps_its_name_when_its_first_message_arrives_late() {
    let all = thread();
    let late: Vec<Mail> = all[1..].to_vec();
    let name = |mail: &[Mail]| {
        let mut mail = mail.to_vec();
        canonical_order(&mut mail);
        let t = assemble(&mail, &[], &team(), 10 * H);
        t.into_iter()
            .find(|t| t.message_ids.contains(&"b".to_string()))
            .map(|t| (t.root, t.full_id))
    };
    assert_eq!(name(&late), name(&all));
    assert_eq!(name(&all).map(|n| n.0), Some("a".to_string()));
}

#[test]
fn a_reply_dated_before_the_message_it_answers_does_not_start_the_ticket() {
    // The customer's clock runs two hours behind: the reply "c" is dated before "a", which it
    // cites. The ticket still starts with "a": its subject, customer, name and first message.
    let mut mail = thread();
    mail[2].date = -2 * H;
    mail[2].from = "ana.other@client.example".into();
    canonical_order(&mut mail);
    assert_eq!(mail[0].message_id, "c", "dates alone put the reply first");
    let tickets = assemble(&mail, &[], &team(), 10 * H);
    let t = tickets
        .iter()
        .find(|t| t.message_ids.contains(&"a".to_string()))
        .unwrap();
    assert_eq!(t.message_ids, ["a", "b", "c"]);
    assert_eq!(t.subject, "Login fails");
    assert_eq!(t.customer.as_deref(), Some("ana@client.example"));
    assert_eq!(t.created, 0);
    let on_time = assemble(
        &{
            let mut m = thread();
            canonical_order(&mut m);
            m
        },
        &[],
        &team(),
        10 * H,
    );
    let same = on_time.iter().find(|o| o.root == t.root).unwrap();
    assert_eq!((&same.full_id, &same.subject), (&t.full_id, &t.subject));
}

#[test]
fn citations_in_a_circle_fall_back_to_date_order() {
    // Forged headers: "p" cites "q" and "q" cites "p". Neither can go first by citation.
    let mut mail = vec![
        msg("p", 0, &["q"], "Loop", "ana@client.example"),
        msg("q", H, &["p"], "Re: Loop", "ana@client.example"),
    ];
    canonical_order(&mut mail);
    let tickets = assemble(&mail, &[], &team(), 10 * H);
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].message_ids, ["p", "q"]);
}

#[test]
fn a_split_message_and_duplicate_ids_get_names_of_their_own() {
    let mut mail = thread();
    let split = op(Target::Anchor("b".into()), 10, Change::Split);
    let mut twin = msg("a", 5 * H, &[], "Login fails", "carl@third.example");
    twin.hash = [9; 16];
    mail.push(twin);
    canonical_order(&mut mail);
    let tickets = assemble(&mail, &[split], &team(), 10 * H);
    let mut roots: Vec<String> = tickets.iter().map(|t| t.root.clone()).collect();
    roots.sort();
    let before = roots.len();
    roots.dedup();
    assert_eq!(before, roots.len(), "two tickets share a name: {roots:?}");
    assert!(roots.iter().any(|r| r == "b"), "{roots:?}");
}

#[test]
fn setting_ops_fold_last_writer_wins() {
    let set = |at, v: &str| {
        op(
            Target::Setting(REPLY_MAKES_PENDING.into()),
            at,
            Change::Setting { value: v.into() },
        )
    };
    let ops = [set(2, "false"), set(1, "true")];
    assert!(!Settings::from_ops(&ops).reply_makes_pending);
    assert!(Settings::default().reply_makes_pending);
    let cutoff = op(
        Target::Setting(ARCHIVE_BEFORE.into()),
        1,
        Change::Setting {
            value: "1000".into(),
        },
    );
    assert_eq!(Settings::from_ops([&cutoff]).archive_before, Some(1000));
}

/// Tickets keyed by name, for comparing whole results.
fn by_root(tickets: Vec<Ticket>) -> BTreeMap<String, Ticket> {
    tickets.into_iter().map(|t| (t.root.clone(), t)).collect()
}

/// Replays `mail` into a catalog in batches, rethreading only each batch's closure, and returns the
/// tickets it ends up with.
fn incrementally(mail: &[Mail], cuts: &[usize], ops: &[Op]) -> BTreeMap<String, Ticket> {
    let mut cat = Catalog::new();
    let mut current: BTreeMap<String, Ticket> = BTreeMap::new();
    let mut ticket_of: HashMap<[u8; 16], String> = HashMap::new();
    let mut start = 0;
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (mail.len() + 1)).collect();
    bounds.push(mail.len());
    bounds.sort_unstable();
    for end in bounds {
        if end < start {
            continue;
        }
        let new: Vec<usize> = mail[start..end]
            .iter()
            .map(|m| cat.insert(m.clone()))
            .collect();
        start = end;
        let slots = cat.closure(new, ops, &team());
        for &s in &slots {
            if let Some(root) = ticket_of.get(&cat.get(s).hash) {
                current.remove(root);
            }
        }
        for t in cat.tickets(&slots, ops, &team(), 100 * H) {
            for h in &t.hashes {
                ticket_of.insert(*h, t.root.clone());
            }
            current.insert(t.root.clone(), t);
        }
    }
    current
}

#[test]
fn incremental_threading_equals_a_full_rebuild_on_a_generated_mailbox() {
    let spec = siphon_testkit::corpus::Spec {
        messages: 3_000,
        seed: 5,
        ..Default::default()
    };
    let t = team();
    let mut mail: Vec<Mail> = siphon_testkit::corpus::generate(&spec)
        .map(|m| {
            let hash = crate::store::content_hash(&m.raw);
            let r = crate::mail::parse(&m.raw, &hash, None).record;
            mail_from_record(hash, &r, &t, false, vec![], false)
        })
        .collect();
    assert_eq!(mail.len(), 3_000);
    let mut sorted = mail.clone();
    canonical_order(&mut sorted);
    let full = by_root(assemble(&sorted, &[], &t, 100 * H));
    // Arrival order is not date order: Sent after INBOX, older mail found later.
    mail.reverse();
    mail[..1_000].rotate_left(333);
    let got = incrementally(&mail, &[1, 17, 400, 1_000, 2_222], &[]);
    assert_eq!(got.len(), full.len());
    assert!(
        got == full,
        "incremental threading differs from a full rebuild"
    );
}

fn small_mail() -> impl Strategy<Value = Vec<Mail>> {
    let subjects = [
        "Login fails",
        "Re: Login fails",
        "Invoice",
        "Re: Invoice",
        "",
    ];
    let people = [
        "ana@client.example",
        "bob@other.example",
        "support@acme.example",
    ];
    prop::collection::vec(
        (
            0usize..12,
            0i64..(90 * 24),
            prop::collection::vec(0usize..12, 0..3),
            0usize..subjects.len(),
            0usize..people.len(),
        ),
        1..24,
    )
    .prop_map(move |rows| {
        rows.into_iter()
            .enumerate()
            .map(|(n, (id, hours, refs, s, p))| {
                let refs: Vec<String> = refs.iter().map(|r| format!("m{r}")).collect();
                let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
                let mut m = msg(&format!("m{id}"), hours * H, &refs, subjects[s], people[p]);
                m.hash = *blake3::hash(&n.to_le_bytes())
                    .as_bytes()
                    .first_chunk()
                    .unwrap_or(&[0; 16]);
                m
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn incremental_equals_full_for_any_arrival_order(
        mail in small_mail(),
        cuts in prop::collection::vec(0usize..30, 0..4),
        merge in prop::option::of((0usize..12, 0usize..12)),
        split in prop::option::of(0usize..12),
    ) {
        let mut ops = Vec::new();
        if let Some((a, b)) = merge {
            ops.push(op(Target::Pair(format!("m{a}"), format!("m{b}")), 5, Change::Merge));
        }
        if let Some(s) = split {
            ops.push(op(Target::Anchor(format!("m{s}")), 6, Change::Split));
        }
        let mut sorted = mail.clone();
        canonical_order(&mut sorted);
        let full = by_root(assemble(&sorted, &ops, &team(), 100 * H));
        let got = incrementally(&mail, &cuts, &ops);
        prop_assert_eq!(got, full);
    }
}
