//! Templates (saved replies) end to end: `siphon template …` on a fresh workspace (the starter
//! set, add/show/rm, a starter removed staying removed, a typo in a variable refused), and a
//! template filled in for a ticket of the demo workspace, with and without the person known.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::Workspace;
use serde_json::Value;
use siphon::account::Config;
use siphon::engine::{Engine, Paths, Template};
use siphon::ticket::op::{Kind, Status};

const STARTERS: [&str; 5] = [
    "Bug acknowledged",
    "Closing",
    "Feature request logged",
    "How-to answer",
    "Need more details",
];

fn names(w: &Workspace) -> Vec<String> {
    let list: Value = serde_json::from_str(&w.ok(&["template", "list", "--json"])).unwrap();
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|t| t["name"].as_str().expect("a name").to_string())
        .collect()
}

fn stderr(w: &Workspace, args: &[&str]) -> String {
    let out = w.run(args);
    assert!(!out.status.success(), "siphon {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_cli_lists_adds_shows_replaces_and_removes_templates() {
    let w = Workspace::new();
    assert_eq!(names(&w), STARTERS);
    let human = w.ok(&["template", "list"]);
    for name in STARTERS {
        assert!(human.contains(name), "{human}");
    }
    assert!(human.contains("sets kind bug, status pending"), "{human}");

    let shown = w.ok(&["template", "show", "bug acknowledged"]);
    assert!(shown.contains("Template: Bug acknowledged"), "{shown}");
    assert!(shown.contains("Hi {{customer.first_name}},"), "{shown}");

    let body = w.path().join("refund.txt");
    std::fs::write(
        &body,
        "Hi {{ customer.first_name }},\n\nYour refund is on its way.\n\n{{agent.first_name}}\n",
    )
    .unwrap();
    let body = body.to_str().unwrap();
    let add = [
        "template",
        "add",
        "Refund sent",
        "--body-file",
        body,
        "--subject",
        "Your refund ({{ticket.subject}})",
        "--set-status",
        "closed",
        "--set-kind",
        "question",
        "--tag",
        "billing",
        "--tag",
        "refund",
    ];
    // Changes are recorded under the person's name: none yet.
    let err = stderr(&w, &add);
    assert!(err.contains("siphon me set"), "{err}");
    w.ok(&[
        "me",
        "set",
        "--name",
        "Maya Chen",
        "--email",
        "maya@acme.example",
    ]);
    assert!(w.ok(&add).contains("Saved the template \"Refund sent\""));

    let t: Template =
        serde_json::from_str(&w.ok(&["template", "show", "REFUND SENT", "--json"])).unwrap();
    assert_eq!(
        t,
        Template {
            name: "Refund sent".into(),
            subject: Some("Your refund ({{ticket.subject}})".into()),
            body: std::fs::read_to_string(body).unwrap(),
            set_status: Some(Status::Closed),
            set_kind: Some(Kind::Question),
            tags: vec!["billing".into(), "refund".into()],
        }
    );
    let mut want: Vec<String> = STARTERS.iter().map(|s| s.to_string()).collect();
    want.push("Refund sent".into());
    assert_eq!(names(&w), want);

    // Adding a name that exists replaces it (the body from standard input this time).
    let mut child = w
        .cmd()
        .args(["template", "add", "Refund sent", "--body-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Refunded, {{customer.name}}.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Replaced"));
    let t: Template =
        serde_json::from_str(&w.ok(&["template", "show", "Refund sent", "--json"])).unwrap();
    assert_eq!(t.body, "Refunded, {{customer.name}}.\n");
    assert_eq!((t.subject, t.set_status, t.tags.len()), (None, None, 0));
    assert_eq!(names(&w), want);

    w.ok(&["template", "rm", "refund sent"]);
    let err = stderr(&w, &["template", "show", "Refund sent"]);
    assert!(
        err.contains("no template named \"Refund sent\"; see siphon template list"),
        "{err}"
    );
    assert!(stderr(&w, &["template", "rm", "Refund sent"]).contains("no template named"));

    // A starter removed stays removed (every command is a new process: it is in the log).
    assert!(
        w.ok(&["template", "rm", "Closing"])
            .contains("Removed the template \"Closing\"")
    );
    assert_eq!(
        names(&w),
        [
            "Bug acknowledged",
            "Feature request logged",
            "How-to answer",
            "Need more details"
        ]
    );
    assert!(stderr(&w, &["template", "show", "Closing"]).contains("no template named"));
    // Saved again under its name, it is the team's own.
    let bye = w.path().join("bye.txt");
    std::fs::write(&bye, "Bye for now, {{customer.first_name}}!\n").unwrap();
    w.ok(&[
        "template",
        "add",
        "Closing",
        "--body-file",
        bye.to_str().unwrap(),
    ]);
    assert_eq!(names(&w), STARTERS);
    assert!(
        w.ok(&["template", "show", "closing"])
            .contains("Bye for now")
    );

    // A variable that does not exist is refused, naming those that do; nothing is saved.
    let typo = w.path().join("typo.txt");
    std::fs::write(&typo, "Hi {{customer.firstname}},\n").unwrap();
    let err = stderr(
        &w,
        &[
            "template",
            "add",
            "Typo",
            "--body-file",
            typo.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("{{customer.firstname}} is not a variable"),
        "{err}"
    );
    assert!(err.contains("{{customer.first_name}}"), "{err}");
    assert!(err.contains("{{account.name}}"), "{err}");
    let err = stderr(
        &w,
        &[
            "template",
            "add",
            "Typo",
            "--body-file",
            bye.to_str().unwrap(),
            "--subject",
            "{{ticket.title}}",
        ],
    );
    assert!(err.contains("{{ticket.title}} is not a variable"), "{err}");
    assert!(
        stderr(
            &w,
            &["template", "add", " ", "--body-file", bye.to_str().unwrap()]
        )
        .contains("a template needs a name")
    );
    assert_eq!(names(&w), STARTERS);
}

#[test]
fn a_template_is_filled_in_from_a_demo_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::resolve(Some(dir.path().to_path_buf())).unwrap();
    let mut e = Engine::new(paths.clone(), "test");
    assert!(e.import_demo().unwrap().imported);
    // Daniel Okafor's PDF export crash, handled by the Brindle team; Maya Chen uses the demo.
    let ticket = e
        .find_ticket("CAKvPXuM1kh6RijlSNhxnTuuquIPLZ@mail.hollowoak.example")
        .unwrap();

    let f = e.template_fill(&ticket.id, "Bug acknowledged").unwrap();
    assert_eq!(f.missing, Vec::<String>::new(), "{}", f.body);
    assert!(f.unknown.is_empty());
    assert!(f.body.starts_with("Hi Daniel,\n"), "{}", f.body);
    assert!(f.body.ends_with("\nMaya\nBrindle\n"), "{}", f.body);
    assert_eq!(f.subject, None);
    assert_eq!(
        (f.template.set_kind, f.template.set_status),
        (Some(Kind::Bug), Some(Status::Pending))
    );

    e.template_save(Template {
        name: "Everything".into(),
        subject: Some("Re: {{ ticket.subject }} [#{{ticket.id}}]".into()),
        body: "{{customer.name}} <{{customer.email}}> / {{agent.name}} <{{agent.email}}> / {{account.name}}"
            .into(),
        set_status: None,
        set_kind: None,
        tags: Vec::new(),
    })
    .unwrap();
    // By a Message-ID of the ticket as well as by its id.
    let f = e
        .template_fill(
            "<CAKvPXuM1kh6RijlSNhxnTuuquIPLZ@mail.hollowoak.example>",
            "everything",
        )
        .unwrap();
    assert_eq!(
        f.subject.as_deref(),
        Some(
            format!(
                "Re: Brindle closes every time I export our client book to PDF [#{}]",
                ticket.id
            )
            .as_str()
        )
    );
    assert_eq!(
        f.body,
        "Daniel Okafor <daniel@hollowoak.example> / Maya Chen <maya@brindle.example> / Brindle"
    );
    assert!(f.missing.is_empty());
    // The template is not applied by filling it in: the ticket is as it was.
    assert_eq!(e.find_ticket(&ticket.id).unwrap().kind, ticket.kind);

    // Without `me`, the agent's values are missing: shown as placeholders, and listed.
    let mut config = Config::load(&paths.config_file).unwrap();
    config.me = None;
    config.save(&paths.config_file).unwrap();
    let f = e.template_fill(&ticket.id, "Bug acknowledged").unwrap();
    assert_eq!(f.missing, ["agent.first_name"]);
    assert!(f.body.starts_with("Hi Daniel,\n"), "{}", f.body);
    assert!(
        f.body.ends_with("\n{{agent.first_name}}\nBrindle\n"),
        "{}",
        f.body
    );
    let f = e.template_fill(&ticket.id, "Everything").unwrap();
    assert_eq!(f.missing, ["agent.name", "agent.email"]);
    assert_eq!(
        f.body,
        "Daniel Okafor <daniel@hollowoak.example> / {{agent.name}} <{{agent.email}}> / Brindle"
    );
    assert_eq!(
        siphon::send::template::unfilled(&f.body),
        ["agent.name", "agent.email"]
    );

    let err = e.template_fill(&ticket.id, "No such").unwrap_err();
    assert_eq!(err.kind(), "usage");
    assert!(
        err.to_string().contains("no template named \"No such\""),
        "{err}"
    );
}
