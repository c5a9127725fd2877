use super::*;
use proptest::prelude::*;

/// What varies between the tickets of these tests.
#[derive(Clone, Debug)]
struct Spec {
    status: u8,
    assignee: Option<u8>,
    tags: Vec<u8>,
    kind: Option<u8>,
    unread: bool,
    automated: bool,
    activity: i64,
}

const KINDS: [Kind; 4] = [Kind::Bug, Kind::Feature, Kind::Question, Kind::Other];
const TAGS: [&str; 3] = ["vip", "refund", "Beta"];
const PEOPLE: [&str; 2] = ["maya@acme.example", "leo@acme.example"];

fn ticket(i: usize, s: &Spec) -> Ticket {
    let full_id = format!("t{i:015}");
    Ticket {
        id: full_id.clone(),
        full_id: full_id.clone(),
        root: format!("{i}@example"),
        message_ids: vec![format!("{i}@example")],
        hashes: vec![hash(i, 0), hash(i, 1)],
        subject: format!("ticket {i}"),
        customer: Some(format!("c{i}@client.example")),
        organisation: Some("client.example".into()),
        created: 0,
        last_activity: s.activity,
        last_customer_message: None,
        last_team_message: None,
        first_response_secs: None,
        resolution_secs: None,
        customer_messages: 1,
        team_messages: 0,
        has_attachments: false,
        not_a_ticket: s.automated,
        status: ANY[s.status as usize % 4],
        snoozed_until: None,
        assignee: s.assignee.map(|a| PEOPLE[a as usize % 2].to_string()),
        tags: s
            .tags
            .iter()
            .map(|t| TAGS[*t as usize % 3].to_string())
            .collect(),
        kind: s.kind.map(|k| KINDS[k as usize % 4]),
        priority: None,
        impact: None,
        notes: 0,
        accounts: vec!["support".into()],
        unread: s.unread,
    }
}

/// A condition, as data (a [`Pick`] holds functions).
#[derive(Clone, Debug)]
enum Cond {
    All,
    Status(u8),
    Tag(u8),
    Assignee(Option<u8>),
    Kind(u8),
    Unread,
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
}

fn to_pick(c: &Cond) -> Pick<'static> {
    match c.clone() {
        Cond::All => Pick::All,
        Cond::Status(s) => Pick::Status(ANY[s as usize % 4]),
        Cond::Tag(t) => Pick::Field(
            ListField::Tag,
            Box::new(move |v| v.eq_ignore_ascii_case(TAGS[t as usize % 3])),
        ),
        Cond::Assignee(None) => Pick::Field(ListField::Assignee, Box::new(|v| v.is_empty())),
        Cond::Assignee(Some(a)) => Pick::Field(
            ListField::Assignee,
            Box::new(move |v| v == PEOPLE[a as usize % 2]),
        ),
        Cond::Kind(k) => Pick::Field(
            ListField::Kind,
            Box::new(move |v| v == kind_name(KINDS[k as usize % 4])),
        ),
        Cond::Unread => Pick::Field(ListField::Unread, Box::new(|_| true)),
        Cond::And(cs) => Pick::And(cs.iter().map(to_pick).collect()),
        Cond::Or(cs) => Pick::Or(cs.iter().map(to_pick).collect()),
        Cond::Not(c) => Pick::Not(Box::new(to_pick(&c))),
    }
}

/// The meaning of a condition, ticket by ticket.
fn holds(c: &Cond, t: &Ticket) -> bool {
    !t.not_a_ticket
        && match c {
            Cond::All => true,
            Cond::Status(s) => t.status == ANY[*s as usize % 4],
            Cond::Tag(x) => t
                .tags
                .iter()
                .any(|g| g.eq_ignore_ascii_case(TAGS[*x as usize % 3])),
            Cond::Assignee(a) => t.assignee.as_deref() == a.map(|a| PEOPLE[a as usize % 2]),
            Cond::Kind(k) => t.kind == Some(KINDS[*k as usize % 4]),
            Cond::Unread => t.unread,
            Cond::And(cs) => cs.iter().all(|c| holds(c, t)),
            Cond::Or(cs) => cs.iter().any(|c| holds(c, t)),
            Cond::Not(c) => !holds(c, t),
        }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..4,
        proptest::option::of(0u8..2),
        proptest::collection::vec(0u8..3, 0..3),
        proptest::option::of(0u8..4),
        any::<bool>(),
        proptest::bool::weighted(0.15),
        0i64..50,
    )
        .prop_map(
            |(status, assignee, tags, kind, unread, automated, activity)| Spec {
                status,
                assignee,
                tags,
                kind,
                unread,
                automated,
                activity,
            },
        )
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        Just(Cond::All),
        (0u8..4).prop_map(Cond::Status),
        (0u8..3).prop_map(Cond::Tag),
        proptest::option::of(0u8..2).prop_map(Cond::Assignee),
        (0u8..4).prop_map(Cond::Kind),
        Just(Cond::Unread),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Cond::And),
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Cond::Or),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

proptest! {
    /// Picking from the lists, as saved (frozen) or as changed in memory (thawed), gives the
    /// tickets that meet the condition, newest activity first, and their messages.
    #[test]
    fn picks_are_exactly_the_tickets_that_meet_the_condition(
        specs in proptest::collection::vec(spec(), 0..150),
        conds in proptest::collection::vec(cond(), 1..6),
    ) {
        let tickets: Vec<Ticket> = specs.iter().enumerate().map(|(i, s)| ticket(i, s)).collect();
        let dir = tempfile::tempdir().unwrap();
        let thawed = Index::open(dir.path());
        thawed.load(tickets.clone(), &[0; 32]).unwrap();
        let frozen = Index::open(dir.path());
        for c in &conds {
            let mut want: Vec<&Ticket> = tickets.iter().filter(|t| holds(c, t)).collect();
            want.sort_by(|a, b| b.last_activity.cmp(&a.last_activity).then(a.full_id.cmp(&b.full_id)));
            let want_ids: Vec<String> = want.iter().map(|t| t.full_id.clone()).collect();
            let mut want_hashes: Vec<[u8; 16]> = want.iter().flat_map(|t| t.hashes.clone()).collect();
            want_hashes.sort_unstable();
            for ix in [&thawed, &frozen] {
                let p = to_pick(c);
                prop_assert_eq!(ix.pick_ids(&p).unwrap(), want_ids.clone(), "{:?}", c);
                prop_assert_eq!(ix.pick_count(&p).unwrap(), want.len());
                let mut hashes = ix.pick_messages(&p).unwrap();
                hashes.sort_unstable();
                prop_assert_eq!(hashes, want_hashes.clone());
                let page: Vec<String> =
                    ix.pick(&p, 3).unwrap().into_iter().map(|t| t.full_id).collect();
                prop_assert_eq!(page, want_ids.iter().take(3).cloned().collect::<Vec<_>>());
                for t in &tickets {
                    for h in &t.hashes {
                        prop_assert_eq!(ix.holder_of(h).unwrap(), Some(t.full_id.clone()));
                    }
                }
            }
        }
    }
}

fn hash(i: usize, n: u8) -> [u8; 16] {
    let mut h = [n; 16];
    h[..8].copy_from_slice(&(i as u64).to_be_bytes());
    h
}
