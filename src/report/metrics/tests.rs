//! Hand-computed KPIs. Times are hours after T0, Monday 2026-11-16 09:00 UTC, unless a case
//! says otherwise; the business calendar is UTC Mon–Fri 09–17 unless it is Paris's.

use super::*;
use crate::report::calendar::{Calendar, Period};
use crate::ticket::assemble::{self, Settings};
use crate::ticket::build::{self, Mail, Team, Transition};
use crate::ticket::hlc::Hlc;
use crate::ticket::op::{Change, Op, Status, Target};

const H: i64 = 3600;
/// Monday 2026-11-16 09:00 UTC.
const T0: i64 = 1_794_819_600;
const MAYA: &str = "maya@acme.example";
const TOMAS: &str = "tomas@acme.example";

fn team(settings: Settings) -> Team {
    Team {
        addresses: ["support@acme.example", MAYA, TOMAS]
            .map(String::from)
            .into_iter()
            .collect(),
        settings,
        ..Team::default()
    }
}

fn people() -> HashSet<String> {
    [MAYA, TOMAS].map(String::from).into_iter().collect()
}

/// A message `id` at `h` hours, replying to `parent`; from the customer or from `by`.
fn msg(id: &str, h: f64, parent: Option<&str>, by: Option<&str>) -> Mail {
    let mut hash = [0u8; 16];
    hash[..id.len().min(16)].copy_from_slice(&id.as_bytes()[..id.len().min(16)]);
    Mail {
        hash,
        message_id: id.into(),
        in_reply_to: parent.map(String::from).into_iter().collect(),
        references: parent.map(String::from).into_iter().collect(),
        from: by.unwrap_or("ana@client.example").into(),
        to: vec![
            by.map_or("support@acme.example", |_| "ana@client.example")
                .into(),
        ],
        subject: format!("Ticket {}", &id[..1]),
        date: T0 + (h * H as f64) as i64,
        team: by.is_some(),
        accounts: vec!["support".into()],
        ..Mail::default()
    }
}

fn op(target: Target, h: f64, actor: &str, change: Change) -> Op {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let at = Hlc {
        wall_ms: ((T0 + (h * H as f64) as i64) * 1000) as u64,
        counter: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        node: 7,
    };
    Op::new(target, actor, at, change)
}

fn status(anchor: &str, h: f64, actor: &str, s: Status) -> Op {
    op(
        Target::Anchor(anchor.into()),
        h,
        actor,
        Change::Status { status: s },
    )
}

/// Tickets and their timelines, through the real pipeline (threading, merges, splits).
fn tickets(mut mail: Vec<Mail>, ops: &[Op], team: &Team, now: i64) -> Vec<(Ticket, Timeline)> {
    assemble::canonical_order(&mut mail);
    let convs = assemble::group(&mail, ops, team);
    let built = build::build(&mail, &convs, ops, team, now);
    let anchored = build::by_anchor(ops);
    built
        .into_iter()
        .zip(&convs)
        .map(|(t, c)| {
            let msgs: Vec<&Mail> = c.members.iter().map(|&i| &mail[i]).collect();
            let ops = build::ops_of(&msgs, &anchored);
            let tl = Timeline::of(&msgs, &ops, &team.settings, now).unwrap();
            (t, tl)
        })
        .collect()
}

/// What a case expects of one ticket: first response and resolution as (calendar, business)
/// hours, replies before resolution, first-contact resolution, reopens, agent.
#[derive(Debug, PartialEq)]
struct Want {
    response: Option<(f64, f64)>,
    resolution: Option<(f64, f64)>,
    replies: Option<u32>,
    fcr: bool,
    reopens: u32,
    agent: Option<&'static str>,
}

fn got(m: &TicketMetrics) -> Want {
    let hours =
        |s: Option<Span>| s.map(|s| (s.secs as f64 / 3600.0, s.business_secs as f64 / 3600.0));
    Want {
        response: hours(m.first_response),
        resolution: hours(m.resolution),
        replies: m.replies_before_resolution,
        fcr: m.first_contact_resolution,
        reopens: m.reopens,
        agent: m.agent.as_deref().map(|a| match a {
            MAYA => MAYA,
            TOMAS => TOMAS,
            "support@acme.example" => "support@acme.example",
            _ => "someone else",
        }),
    }
}

/// A case of [`per_ticket_metrics`]: name, mail, ops, calendar, what to expect.
type Case<'a> = (&'a str, Vec<Mail>, Vec<Op>, &'a Calendar, Want);

#[test]
fn per_ticket_metrics() {
    let utc = Calendar::default();
    let paris = Calendar::new(
        "Europe/Paris",
        &["mon", "tue", "wed", "thu", "fri"].map(String::from),
        9,
        17,
    )
    .unwrap();
    let support = Some("support@acme.example");
    let cases: Vec<Case> = vec![
        (
            "answered from support@ and closed: first contact, credited to who closed",
            vec![
                msg("a1", 0.0, None, None),
                msg("a2", 2.0, Some("a1"), support),
            ],
            vec![status("a1", 3.0, MAYA, Status::Closed)],
            &utc,
            Want {
                response: Some((2.0, 2.0)),
                resolution: Some((3.0, 3.0)),
                replies: Some(1),
                fcr: true,
                reopens: 0,
                agent: Some(MAYA),
            },
        ),
        (
            "reopened by the customer and closed again",
            vec![
                msg("b1", 0.0, None, None),
                msg("b2", 1.0, Some("b1"), Some(TOMAS)),
                msg("b3", 5.0, Some("b2"), None),
                msg("b4", 6.0, Some("b3"), Some(TOMAS)),
            ],
            vec![
                status("b1", 2.0, MAYA, Status::Closed),
                status("b1", 7.0, TOMAS, Status::Closed),
            ],
            &utc,
            Want {
                response: Some((1.0, 1.0)),
                resolution: Some((7.0, 7.0)),
                replies: Some(2),
                fcr: false,
                reopens: 1,
                agent: Some(TOMAS),
            },
        ),
        (
            "reopened by a person, still open: no resolution",
            vec![
                msg("c1", 0.0, None, None),
                msg("c2", 1.0, Some("c1"), Some(MAYA)),
            ],
            vec![
                status("c1", 2.0, MAYA, Status::Closed),
                status("c1", 3.0, TOMAS, Status::Open),
            ],
            &utc,
            Want {
                response: Some((1.0, 1.0)),
                resolution: None,
                replies: None,
                fcr: false,
                reopens: 1,
                agent: Some(MAYA),
            },
        ),
        (
            "two replies before the close: not first contact",
            vec![
                msg("d1", 0.0, None, None),
                msg("d2", 1.0, Some("d1"), support),
                msg("d3", 2.0, Some("d2"), support),
            ],
            vec![status("d1", 2.5, TOMAS, Status::Closed)],
            &utc,
            Want {
                response: Some((1.0, 1.0)),
                resolution: Some((2.5, 2.5)),
                replies: Some(2),
                fcr: false,
                reopens: 0,
                agent: Some(TOMAS),
            },
        ),
        (
            "unanswered",
            vec![msg("e1", 0.0, None, None)],
            vec![],
            &utc,
            Want {
                response: None,
                resolution: None,
                replies: None,
                fcr: false,
                reopens: 0,
                agent: None,
            },
        ),
        (
            // Friday 16:00 UTC to Monday 10:00 UTC: 66 wall hours, 2 business hours.
            "answered over a weekend",
            vec![
                msg("f1", -65.0, None, None),
                msg("f2", 1.0, Some("f1"), support),
            ],
            vec![],
            &utc,
            Want {
                response: Some((66.0, 2.0)),
                resolution: None,
                replies: None,
                fcr: false,
                reopens: 0,
                agent: Some("support@acme.example"),
            },
        ),
        (
            // Friday 2026-10-23 16:00 CEST (14:00 UTC) to Monday 2026-10-26 10:00 CET (09:00 UTC):
            // the clocks went back on Sunday, so 67 wall hours; 1 + 1 business hours.
            "answered over the Paris DST weekend",
            vec![
                msg("g1", -571.0, None, None),
                msg("g2", -504.0, Some("g1"), support),
            ],
            vec![],
            &paris,
            Want {
                response: Some((67.0, 2.0)),
                resolution: None,
                replies: None,
                fcr: false,
                reopens: 0,
                agent: Some("support@acme.example"),
            },
        ),
    ];
    for (name, mail, ops, cal, want) in cases {
        let t = tickets(mail, &ops, &team(Settings::default()), T0 + 100 * H);
        assert_eq!(t.len(), 1, "{name}");
        let m = ticket_metrics(&t[0].1, cal, &people());
        assert_eq!(got(&m), want, "{name}");
    }
}

#[test]
fn snoozes_wake_at_their_time_and_are_no_reopen() {
    let ops = vec![op(
        Target::Anchor("s1".into()),
        2.0,
        MAYA,
        Change::Snooze {
            until: Some(T0 + 26 * H),
        },
    )];
    let mail = vec![
        msg("s1", 0.0, None, None),
        msg("s2", 1.0, Some("s1"), Some(MAYA)),
    ];
    let t = tickets(mail.clone(), &ops, &team(Settings::default()), T0 + 48 * H);
    let tl = &t[0].1;
    let steps: Vec<(i64, Shown, Shown)> = tl
        .transitions
        .iter()
        .map(|x: &Transition| ((x.at - T0) / H, x.from, x.to))
        .collect();
    assert_eq!(
        steps,
        [
            (1, Shown::Open, Shown::Pending),
            (2, Shown::Pending, Shown::Snoozed),
            (26, Shown::Snoozed, Shown::Open)
        ]
    );
    assert_eq!(tl.transitions[2].cause, Cause::Woke);
    assert_eq!(tl.shown_before(T0 + 3 * H), Some(Shown::Snoozed));
    assert_eq!(tl.shown_before(T0 + 27 * H), Some(Shown::Open));
    let m = ticket_metrics(tl, &Calendar::default(), &people());
    assert_eq!((m.reopens, m.resolution), (0, None));
    // Before the snooze runs out, it is still snoozed and has not woken.
    let t = tickets(mail, &ops, &team(Settings::default()), T0 + 10 * H);
    assert_eq!(
        (t[0].1.shown, t[0].1.transitions.len()),
        (Shown::Snoozed, 2)
    );
}

#[test]
fn the_first_sync_cutoff_closes_without_a_resolution() {
    let settings = Settings {
        archive_before: Some(T0 + 10 * H),
        ..Settings::default()
    };
    let t = tickets(
        vec![msg("z1", 0.0, None, None)],
        &[],
        &team(settings),
        T0 + 20 * H,
    );
    let tl = &t[0].1;
    assert_eq!(tl.shown, Shown::Closed);
    assert!(
        !tl.closed_in(T0, T0 + 20 * H),
        "the cutoff is nobody's close"
    );
    assert_eq!(
        ticket_metrics(tl, &Calendar::default(), &people()).resolution,
        None
    );
}

#[test]
fn merges_and_splits_reshape_the_timeline() {
    // Two threads from the same customer, merged: one ticket, answered from its first message.
    let mail = vec![
        msg("m1", 0.0, None, None),
        msg("n1", 1.0, None, None),
        msg("n2", 3.0, Some("n1"), Some(MAYA)),
    ];
    let merge = op(
        Target::Pair("n1".into(), "m1".into()),
        4.0,
        MAYA,
        Change::Merge,
    );
    let close = status("m1", 5.0, MAYA, Status::Closed);
    let t = tickets(
        mail.clone(),
        &[merge.clone(), close.clone()],
        &team(Settings::default()),
        T0 + 9 * H,
    );
    assert_eq!(t.len(), 1);
    let m = ticket_metrics(&t[0].1, &Calendar::default(), &people());
    assert_eq!(
        got(&m),
        Want {
            response: Some((3.0, 3.0)),
            resolution: Some((5.0, 5.0)),
            replies: Some(1),
            fcr: true,
            reopens: 0,
            agent: Some(MAYA)
        }
    );
    // Unmerged, the first thread has no reply, and the close (on m1) is its alone.
    let t = tickets(mail, &[close], &team(Settings::default()), T0 + 9 * H);
    assert_eq!(t.len(), 2);
    let first = t.iter().find(|(tk, _)| tk.message_ids == ["m1"]).unwrap();
    let m = ticket_metrics(&first.1, &Calendar::default(), &people());
    assert_eq!(
        (m.first_response, m.resolution.map(|s| s.secs)),
        (None, Some(5 * H))
    );

    // A follow-up split out of a closed ticket: the old one stays closed (no reopen), the new
    // one is open and unanswered.
    let mail = vec![
        msg("p1", 0.0, None, None),
        msg("p2", 1.0, Some("p1"), Some(TOMAS)),
        msg("p3", 30.0, Some("p2"), None),
    ];
    let ops = [
        status("p1", 2.0, TOMAS, Status::Closed),
        op(Target::Anchor("p3".into()), 31.0, TOMAS, Change::Split),
    ];
    let t = tickets(mail.clone(), &ops, &team(Settings::default()), T0 + 40 * H);
    assert_eq!(t.len(), 2);
    for (tk, tl) in &t {
        let m = ticket_metrics(tl, &Calendar::default(), &people());
        if tk.message_ids == ["p3"] {
            assert_eq!(
                (tl.shown, m.first_response, m.reopens),
                (Shown::Open, None, 0)
            );
        } else {
            assert_eq!(
                (tl.shown, m.resolution.map(|s| s.secs), m.reopens),
                (Shown::Closed, Some(2 * H), 0)
            );
        }
    }
    // Without the split, the follow-up reopened it.
    let t = tickets(mail, &ops[..1], &team(Settings::default()), T0 + 40 * H);
    let m = ticket_metrics(&t[0].1, &Calendar::default(), &people());
    assert_eq!(
        (t[0].1.shown, m.reopens, m.resolution),
        (Shown::Open, 1, None)
    );
}

#[test]
fn tickets_spanning_weeks() {
    // X: created Monday of week 47, answered at once, closed Wednesday of week 49.
    // Y: created in week 48, never answered. Z: created in week 49 and closed the same day,
    // reopened by the customer in week 50.
    let d = 24.0;
    let mail = vec![
        msg("x1", 0.0, None, None),
        msg("x2", 1.0, Some("x1"), Some(MAYA)),
        msg("y1", 7.0 * d + 2.0, None, None),
        msg("z1", 14.0 * d, None, None),
        msg("z2", 14.0 * d + 2.0, Some("z1"), Some(TOMAS)),
        msg("z3", 21.0 * d, Some("z2"), None),
    ];
    let ops = [
        status("x1", 16.0 * d, MAYA, Status::Closed),
        status("z1", 14.0 * d + 3.0, TOMAS, Status::Closed),
    ];
    let all = tickets(
        mail,
        &ops,
        &team(Settings::default()),
        T0 + 30.0 as i64 * 24 * H,
    );
    let cal = Calendar::default();
    let metrics: Vec<TicketMetrics> = all
        .iter()
        .map(|(_, tl)| ticket_metrics(tl, &cal, &people()))
        .collect();
    let entries = || {
        all.iter()
            .zip(&metrics)
            .map(|((ticket, timeline), metrics)| Entry {
                ticket,
                timeline,
                metrics,
            })
    };
    let week = |w: &str| {
        let (s, e) = Period::week(w).unwrap().bounds(&cal);
        period_metrics(entries(), s, e)
    };
    let c = |active, created, closed, open_at_end| Counts {
        active,
        created,
        closed,
        open_at_end,
    };
    let cases = [
        ("2026-W46", c(0, 0, 0, 0)),
        ("2026-W47", c(1, 1, 0, 1)),
        // X is untouched but still open: in the backlog, not active.
        ("2026-W48", c(1, 1, 0, 2)),
        ("2026-W49", c(2, 1, 2, 1)),
        ("2026-W50", c(1, 0, 0, 2)),
    ];
    for (w, want) in cases {
        assert_eq!(week(w).totals, want, "{w}");
    }
    let w49 = week("2026-W49");
    // X: one reply, closed, never reopened — resolved at first contact.
    assert_eq!(
        (
            w49.resolution.count,
            w49.first_contact_resolutions,
            w49.reopened
        ),
        (1, 1, 0)
    );
    // Z was resolved in week 49 but reopened since: its resolution no longer stands.
    assert_eq!(w49.resolution.median_hours, Some(16.0 * 24.0));
    assert_eq!(week("2026-W50").reopened, 1);
    assert_eq!(
        (
            week("2026-W47").first_response.count,
            week("2026-W47").first_response.median_hours
        ),
        (1, Some(1.0))
    );
    // The whole span at once. Groups: most active first, then most still open, then by name.
    let (s, e) = Period::days("2026-11-16", "2026-12-13")
        .unwrap()
        .bounds(&cal);
    let all_weeks = period_metrics(entries(), s, e);
    assert_eq!(all_weeks.totals, c(3, 3, 2, 2));
    assert_eq!(
        all_weeks
            .by_agent
            .iter()
            .map(|g| (g.name.as_str(), g.counts.closed))
            .collect::<Vec<_>>(),
        [(NONE, 0), (TOMAS, 1), (MAYA, 1)]
    );
    assert_eq!(
        all_weeks.top_organisations,
        [Ranked {
            name: "client.example".into(),
            tickets: 3
        }]
    );
}

#[test]
fn percentiles_interpolate_like_a_spreadsheet() {
    let cases: [(&[f64], f64, Option<f64>); 7] = [
        (&[], 50.0, None),
        (&[5.0], 50.0, Some(5.0)),
        (&[5.0], 90.0, Some(5.0)),
        (&[1.0, 2.0, 3.0, 4.0], 50.0, Some(2.5)),
        (&[1.0, 2.0, 3.0, 4.0], 90.0, Some(3.7)),
        (&[1.0, 2.0, 3.0, 4.0, 100.0], 50.0, Some(3.0)),
        (&[1.0, 2.0, 3.0, 4.0, 100.0], 90.0, Some(61.6)),
    ];
    for (values, p, want) in cases {
        let got = percentile(values, p);
        assert!(
            match (got, want) {
                (Some(g), Some(w)) => (g - w).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            },
            "p{p} of {values:?}: {got:?}, want {want:?}"
        );
    }
}

#[test]
fn dimensions_count_kind_priority_tag_and_account() {
    let mail = vec![msg("k1", 0.0, None, None), msg("l1", 1.0, None, None)];
    let ops = [
        op(
            Target::Anchor("k1".into()),
            2.0,
            MAYA,
            Change::Kind {
                kind: Some(crate::ticket::op::Kind::Bug),
            },
        ),
        op(
            Target::Anchor("k1".into()),
            2.0,
            MAYA,
            Change::TagAdd {
                tag: "export".into(),
            },
        ),
        op(
            Target::Anchor("l1".into()),
            2.0,
            MAYA,
            Change::TagAdd {
                tag: "export".into(),
            },
        ),
        op(
            Target::Anchor("l1".into()),
            2.0,
            MAYA,
            Change::TagAdd { tag: "vip".into() },
        ),
    ];
    let all = tickets(mail, &ops, &team(Settings::default()), T0 + 5 * H);
    let cal = Calendar::default();
    let metrics: Vec<TicketMetrics> = all
        .iter()
        .map(|(_, tl)| ticket_metrics(tl, &cal, &people()))
        .collect();
    let entries = all
        .iter()
        .zip(&metrics)
        .map(|((ticket, timeline), metrics)| Entry {
            ticket,
            timeline,
            metrics,
        });
    let m = period_metrics(entries, T0, T0 + 24 * H);
    let names = |g: &[Group]| {
        g.iter()
            .map(|g| (g.name.clone(), g.counts.active))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&m.by_kind),
        [("bug".to_string(), 1), (NONE.to_string(), 1)]
    );
    assert_eq!(names(&m.by_priority), [(NONE.to_string(), 2)]);
    assert_eq!(
        names(&m.by_tag),
        [("export".to_string(), 2), ("vip".to_string(), 1)]
    );
    assert_eq!(names(&m.by_account), [("support".to_string(), 2)]);
    assert_eq!(
        m.recurring_tags,
        [Ranked {
            name: "export".into(),
            tickets: 2
        }]
    );
}
