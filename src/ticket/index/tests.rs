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

/// A full id that does not share a long prefix with its neighbours (as real ones do not).
fn scattered(i: usize) -> String {
    format!(
        "{:016x}",
        (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    )
}

fn scattered_ticket(i: usize, s: &Spec) -> Ticket {
    let mut t = ticket(i, s);
    t.full_id = scattered(i);
    t.id = t.full_id.clone();
    if t.status == Shown::Snoozed {
        t.snoozed_until = Some(s.activity);
    }
    t
}

/// Checks every read of an index against the tickets it should hold.
fn agrees(ix: &Index, live: &BTreeMap<String, Ticket>, conds: &[Cond], gone: &[[u8; 16]]) {
    let tickets: Vec<&Ticket> = live.values().collect();
    for c in conds {
        let mut want: Vec<&Ticket> = tickets.iter().copied().filter(|t| holds(c, t)).collect();
        want.sort_by(|a, b| {
            b.last_activity
                .cmp(&a.last_activity)
                .then(a.full_id.cmp(&b.full_id))
        });
        let want_ids: Vec<String> = want.iter().map(|t| t.full_id.clone()).collect();
        let p = to_pick(c);
        assert_eq!(ix.pick_ids(&p).unwrap(), want_ids, "{c:?}");
        let mut want_hashes: Vec<[u8; 16]> = want.iter().flat_map(|t| t.hashes.clone()).collect();
        want_hashes.sort_unstable();
        let mut hashes = ix.pick_messages(&p).unwrap();
        hashes.sort_unstable();
        assert_eq!(hashes, want_hashes, "{c:?}");
    }
    // Automated mail (the Not tickets view), from its own lists.
    let mut automated: Vec<&Ticket> = tickets.iter().copied().filter(|t| t.not_a_ticket).collect();
    automated.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then(a.full_id.cmp(&b.full_id))
    });
    assert_eq!(
        ix.pick_ids(&Pick::Automated).unwrap(),
        automated
            .iter()
            .map(|t| t.full_id.clone())
            .collect::<Vec<_>>()
    );
    // The Open view, through the list merge.
    let mut open: Vec<&Ticket> = tickets
        .iter()
        .copied()
        .filter(|t| !t.not_a_ticket && t.status == Shown::Open)
        .collect();
    open.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then(a.full_id.cmp(&b.full_id))
    });
    let listed: Vec<String> = ix
        .list(&Query::default(), None)
        .unwrap()
        .into_iter()
        .map(|t| t.full_id)
        .collect();
    assert_eq!(
        listed,
        open.iter().map(|t| t.full_id.clone()).collect::<Vec<_>>()
    );
    // Every ticket, its displayed id as short as its neighbours allow, and its messages.
    let full: Vec<&str> = live.keys().map(String::as_str).collect();
    let short = crate::ticket::build::short_ids(&full);
    assert_eq!(ix.with_prefix("").unwrap(), full);
    for (t, id) in tickets.iter().zip(&short) {
        let got = ix
            .get(&t.full_id)
            .unwrap()
            .expect("a live ticket reads back");
        assert_eq!(&got.id, id);
        let mut want = (*t).clone();
        want.id = id.clone();
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        // A prefix finds exactly the ids it starts, saved or changed since.
        for prefix in [id.as_str(), &t.full_id[..t.full_id.len().min(2)]] {
            let starting: Vec<&str> = full
                .iter()
                .copied()
                .filter(|f| f.starts_with(prefix))
                .collect();
            assert_eq!(ix.with_prefix(prefix).unwrap(), starting, "{prefix}");
        }
        for h in &t.hashes {
            assert_eq!(ix.holder_of(h).unwrap(), Some(t.full_id.clone()));
        }
    }
    for h in gone {
        assert_eq!(ix.holder_of(h).unwrap(), None);
    }
    // Tag counts for the sidebar, from the lists' lengths.
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    for t in tickets.iter().filter(|t| !t.not_a_ticket) {
        let distinct: std::collections::BTreeSet<&String> = t.tags.iter().collect();
        for g in distinct {
            *tags.entry(g.clone()).or_default() += 1;
        }
    }
    assert_eq!(
        ix.field_counts(ListField::Tag, &ANY).unwrap(),
        tags.into_iter().collect::<Vec<_>>()
    );
    // Snoozes due at 20.
    let mut due: Vec<String> = tickets
        .iter()
        .filter(|t| t.status == Shown::Snoozed && t.snoozed_until.is_some_and(|u| u <= 20))
        .map(|t| t.full_id.clone())
        .collect();
    due.sort();
    assert_eq!(ix.due(20).unwrap(), due);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Changes laid over the saved index read exactly as an index written whole would: in the
    /// process that made them, after reopening (from the journal), and after the index is
    /// written whole again because enough changed.
    #[test]
    fn changes_read_the_same_laid_over_reopened_and_compacted(
        specs in proptest::collection::vec(spec(), 0..60),
        edits in proptest::collection::vec(
            proptest::collection::vec((0usize..80, proptest::option::of(spec())), 1..6),
            1..8,
        ),
        conds in proptest::collection::vec(cond(), 1..4),
        compact_at in 3usize..200,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ix = Index::open(dir.path()).compacting_at(compact_at);
        let mut live: BTreeMap<String, Ticket> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| (scattered(i), scattered_ticket(i, s)))
            .collect();
        ix.load(live.values().cloned().collect(), &[7; 32]).unwrap();
        let mut gone: Vec<[u8; 16]> = Vec::new();
        for batch in &edits {
            let mut removed = Vec::new();
            let mut added = Vec::new();
            for (i, spec) in batch {
                let fid = scattered(*i);
                match spec {
                    Some(s) => {
                        let t = scattered_ticket(*i, s);
                        live.insert(fid, t.clone());
                        added.retain(|a: &Ticket| a.full_id != t.full_id);
                        added.push(t);
                    }
                    None => {
                        if let Some(t) = live.remove(&fid) {
                            gone.extend(t.hashes.iter().copied());
                        }
                        added.retain(|a: &Ticket| a.full_id != fid);
                        removed.push(fid);
                    }
                }
            }
            ix.replace(&removed, added).unwrap();
        }
        let held: std::collections::HashSet<[u8; 16]> =
            live.values().flat_map(|t| t.hashes.iter().copied()).collect();
        gone.retain(|h| !held.contains(h));
        agrees(&ix, &live, &conds, &gone);
        let reopened = Index::open(dir.path());
        prop_assert_eq!(reopened.built().unwrap().map(|b| b.fingerprint), Some([7; 32]));
        agrees(&reopened, &live, &conds, &gone);
        // Written whole on the next change.
        let reopened = reopened.compacting_at(0);
        reopened.replace(&[], Vec::new()).unwrap();
        let mut no_change = reopened.clone();
        no_change.compact_at = usize::MAX;
        agrees(&no_change, &live, &conds, &gone);
        agrees(&Index::open(dir.path()), &live, &conds, &gone);
    }
}

/// A journal record cut short (a crash while appending) is ignored, and the next change writes
/// over it; a journal of another generation is ignored.
#[test]
fn a_torn_journal_loses_only_its_last_record() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        status: 0,
        assignee: None,
        tags: vec![],
        kind: None,
        unread: true,
        automated: false,
        activity: 5,
    };
    let ix = Index::open(dir.path());
    let base: Vec<Ticket> = (0..10).map(|i| scattered_ticket(i, &spec)).collect();
    ix.load(base.clone(), &[1; 32]).unwrap();
    let mut read = scattered_ticket(3, &spec);
    read.unread = false;
    ix.replace(&[], vec![read.clone()]).unwrap();
    let journal = journal::path(&dir.path().join(FILE));
    let whole = std::fs::metadata(&journal).unwrap().len();
    let mut closed = scattered_ticket(4, &spec);
    closed.status = Shown::Closed;
    ix.replace(&[], vec![closed.clone()]).unwrap();
    // Cut the second record in half.
    let len = std::fs::metadata(&journal).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&journal)
        .unwrap();
    f.set_len(whole + (len - whole) / 2).unwrap();
    drop(f);
    let again = Index::open(dir.path());
    assert!(!again.get(&read.full_id).unwrap().unwrap().unread);
    assert_eq!(
        again.get(&closed.full_id).unwrap().unwrap().status,
        Shown::Open,
        "the torn record is not applied"
    );
    // The next change goes after the whole records, and both read back.
    again.replace(&[], vec![closed.clone()]).unwrap();
    let third = Index::open(dir.path());
    assert!(!third.get(&read.full_id).unwrap().unwrap().unread);
    assert_eq!(
        third.get(&closed.full_id).unwrap().unwrap().status,
        Shown::Closed
    );
    // A rebuild starts a new generation: the old journal no longer applies.
    third.load(base, &[1; 32]).unwrap();
    assert!(!journal.exists());
    let rebuilt = Index::open(dir.path());
    assert!(rebuilt.get(&read.full_id).unwrap().unwrap().unread);
    assert_eq!(
        rebuilt.get(&closed.full_id).unwrap().unwrap().status,
        Shown::Open
    );
}

/// The same ticket changed again and again adds journal records but no overlay tickets: the
/// journal's size alone brings the index to be written whole, so it never grows without end.
#[test]
fn a_journal_of_repeated_changes_is_folded_in_once_large() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        status: 0,
        assignee: None,
        tags: vec![],
        kind: None,
        unread: true,
        automated: false,
        activity: 5,
    };
    let ix = Index::open(dir.path()).journal_at_most(4096);
    ix.load(
        (0..5).map(|i| scattered_ticket(i, &spec)).collect(),
        &[2; 32],
    )
    .unwrap();
    let journal = journal::path(&dir.path().join(FILE));
    let mut largest = 0;
    let mut t = scattered_ticket(1, &spec);
    for round in 0..200 {
        t.unread = round % 2 == 0;
        ix.replace(&[], vec![t.clone()]).unwrap();
        largest = largest.max(std::fs::metadata(&journal).map_or(0, |m| m.len()));
    }
    assert!(largest > 0, "changes were journaled");
    assert!(
        largest <= 4096 + 2048,
        "the journal grew to {largest} bytes"
    );
    let reopened = Index::open(dir.path());
    assert_eq!(reopened.get(&t.full_id).unwrap().unwrap().unread, t.unread);
}
