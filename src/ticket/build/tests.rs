use super::*;
use crate::ticket::hlc::Hlc;
use crate::ticket::op::Target;

const H: i64 = 3600;

fn team() -> Team {
    Team {
        addresses: ["support@acme.example".to_string()].into_iter().collect(),
        settings: Settings::default(),
        ..Team::default()
    }
}

fn customer(id: &str, date: i64) -> Mail {
    Mail {
        message_id: id.into(),
        from: "ana@client.example".into(),
        to: vec!["support@acme.example".into()],
        subject: "Login problem".into(),
        date,
        ..Mail::default()
    }
}

fn reply(id: &str, date: i64) -> Mail {
    Mail {
        message_id: id.into(),
        from: "support@acme.example".into(),
        to: vec!["ana@client.example".into()],
        team: true,
        subject: "Re: Login problem".into(),
        date,
        ..Mail::default()
    }
}

fn op(anchor: &str, at_secs: i64, change: Change) -> Op {
    let at = Hlc {
        wall_ms: (at_secs * 1000) as u64,
        counter: 0,
        node: 1,
    };
    Op::new(
        Target::Anchor(anchor.into()),
        "maya@acme.example",
        at,
        change,
    )
}

fn conv(members: &[usize]) -> Conversation {
    Conversation {
        members: members.to_vec(),
        root: format!("root-{}", members[0]),
    }
}

fn one(mail: Vec<Mail>, ops: Vec<Op>, now: i64) -> Ticket {
    let all: Vec<usize> = (0..mail.len()).collect();
    build(&mail, &[conv(&all)], &ops, &team(), now).remove(0)
}

/// (name, mail, ops, now, expected status)
type Case = (&'static str, Vec<Mail>, Vec<Op>, i64, Shown);

#[test]
fn status_replay_table() {
    let cases: Vec<Case> = vec![
        ("new", vec![customer("a", 0)], vec![], H, Shown::Open),
        (
            "team replied",
            vec![customer("a", 0), reply("b", H)],
            vec![],
            2 * H,
            Shown::Pending,
        ),
        (
            "customer answered",
            vec![customer("a", 0), reply("b", H), customer("c", 2 * H)],
            vec![],
            3 * H,
            Shown::Open,
        ),
        (
            "closed",
            vec![customer("a", 0), reply("b", H)],
            vec![op(
                "a",
                2 * H,
                Change::Status {
                    status: Status::Closed,
                },
            )],
            3 * H,
            Shown::Closed,
        ),
        (
            "a customer reply reopens a closed ticket",
            vec![customer("a", 0), reply("b", H), customer("c", 3 * H)],
            vec![op(
                "b",
                2 * H,
                Change::Status {
                    status: Status::Closed,
                },
            )],
            4 * H,
            Shown::Open,
        ),
        (
            "snoozed",
            vec![customer("a", 0)],
            vec![op(
                "a",
                H,
                Change::Snooze {
                    until: Some(10 * H),
                },
            )],
            5 * H,
            Shown::Snoozed,
        ),
        (
            "a snooze wakes at its time",
            vec![customer("a", 0), reply("b", H / 2)],
            vec![op(
                "a",
                H,
                Change::Snooze {
                    until: Some(10 * H),
                },
            )],
            11 * H,
            Shown::Open,
        ),
        (
            "a customer reply ends a snooze",
            vec![customer("a", 0), customer("c", 2 * H)],
            vec![op(
                "a",
                H,
                Change::Snooze {
                    until: Some(10 * H),
                },
            )],
            5 * H,
            Shown::Open,
        ),
        (
            "an op anchored on any message of the ticket applies",
            vec![customer("a", 0), reply("b", H), customer("c", 2 * H)],
            vec![op(
                "c",
                3 * H,
                Change::Status {
                    status: Status::Closed,
                },
            )],
            4 * H,
            Shown::Closed,
        ),
    ];
    for (name, mail, ops, now, want) in cases {
        assert_eq!(one(mail, ops, now).status, want, "case: {name}");
    }
}

#[test]
fn without_the_team_setting_a_reply_leaves_the_ticket_open() {
    let mut t = team();
    t.settings.reply_makes_pending = false;
    let mail = vec![customer("a", 0), reply("b", H)];
    assert_eq!(
        build(&mail, &[conv(&[0, 1])], &[], &t, 2 * H)[0].status,
        Shown::Open
    );
}

#[test]
fn derived_fields() {
    let mut first = customer("a", 0);
    first.has_attachments = true;
    let mail = vec![reply("b", 3 * H), first, customer("c", 5 * H)];
    let ops = vec![
        op(
            "a",
            6 * H,
            Change::Status {
                status: Status::Closed,
            },
        ),
        op(
            "a",
            6 * H + 1,
            Change::Kind {
                kind: Some(Kind::Bug),
            },
        ),
        op(
            "c",
            6 * H + 2,
            Change::TagAdd {
                tag: "login".into(),
            },
        ),
        op(
            "c",
            6 * H + 3,
            Change::Assign {
                to: Some("sam@acme.example".into()),
            },
        ),
    ];
    let t = one(mail, ops, 7 * H);
    assert_eq!(t.message_ids, vec!["a", "b", "c"]);
    assert_eq!(t.customer.as_deref(), Some("ana@client.example"));
    assert_eq!(t.organisation.as_deref(), Some("client.example"));
    assert_eq!(t.created, 0);
    assert_eq!(t.first_response_secs, Some(3 * H));
    assert_eq!(t.resolution_secs, Some(6 * H));
    assert_eq!((t.customer_messages, t.team_messages), (2, 1));
    assert_eq!(t.last_customer_message, Some(5 * H));
    assert_eq!(t.last_team_message, Some(3 * H));
    assert!(t.has_attachments);
    assert_eq!(t.kind, Some(Kind::Bug));
    assert_eq!(t.tags, vec!["login"]);
    assert_eq!(t.assignee.as_deref(), Some("sam@acme.example"));
    assert_eq!(t.last_activity, 6 * H + 3);
}

#[test]
fn the_team_writing_first_makes_an_outbound_ticket_for_the_recipient() {
    let t = one(vec![reply("b", 0)], vec![], H);
    assert_eq!(t.customer.as_deref(), Some("ana@client.example"));
    assert_eq!(t.first_response_secs, None);
    assert_eq!(t.status, Shown::Pending);
}

#[test]
fn automated_conversations_are_not_tickets() {
    let mut bounce = customer("x", 0);
    bounce.from = "MAILER-DAEMON@mx.client.example".into();
    bounce.automated = true;
    assert!(one(vec![bounce], vec![], H).not_a_ticket);
    assert!(!one(vec![customer("a", 0)], vec![], H).not_a_ticket);
    assert!(is_automated("mailer-daemon@x", None, None, None, None));
    assert!(is_automated("a@x", Some("auto-replied"), None, None, None));
    assert!(!is_automated("a@x", Some("no"), None, None, None));
    assert!(is_automated("news@x", None, Some("bulk"), None, None));
    assert!(is_automated("news@x", None, None, Some("<l.x>"), None));
}

#[test]
fn short_ids_grow_only_where_they_would_collide() {
    let full = ["abcdefgh", "abcdefxy", "abcdzzzz", "qrstuvwx"];
    assert_eq!(
        short_ids(&full),
        vec!["abcdefg", "abcdefx", "abcdzz", "qrstuv"]
    );
    let mail = vec![customer("a", 0), customer("z", 0)];
    let tickets = build(&mail, &[conv(&[0]), conv(&[1])], &[], &team(), H);
    assert_eq!(tickets[0].id.len(), 6);
    assert_ne!(tickets[0].id, tickets[1].id);
    assert_eq!(tickets[0].full_id, full_id("root-0"));
}

#[test]
fn conversations_that_went_quiet_before_the_cutoff_arrive_closed() {
    let mut t = team();
    t.settings.archive_before = Some(10 * H);
    let old = vec![customer("a", 0), reply("b", H)];
    let got = build(&old, &[conv(&[0, 1])], &[], &t, 20 * H).remove(0);
    assert_eq!(got.status, Shown::Closed);
    assert_eq!(
        got.resolution_secs, None,
        "closed by the cutoff, not by a person"
    );
    assert!(!got.unread);
    // The customer writes again after the cutoff: the ticket reopens.
    let again = vec![customer("a", 0), reply("b", H), customer("c", 11 * H)];
    let got = build(&again, &[conv(&[0, 1, 2])], &[], &t, 20 * H).remove(0);
    assert_eq!(got.status, Shown::Open);
    assert!(got.unread);
}
