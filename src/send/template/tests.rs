use super::*;
use crate::ticket::hlc::Hlc;

fn all_values() -> Values {
    Values {
        customer_name: Some("Marie Dupont".into()),
        customer_email: Some("marie@atelier.example".into()),
        ticket_id: Some("k3x9p2".into()),
        ticket_subject: Some("Export crashes".into()),
        agent_name: Some("Maya Chen".into()),
        agent_email: Some("maya@brindle.example".into()),
        account_name: Some("Brindle Support".into()),
    }
}

#[test]
fn render_fills_every_variable() {
    let v = all_values();
    let cases: &[(&str, &str)] = &[
        ("Hi {{customer.first_name}},", "Hi Marie,"),
        (
            "{{customer.name}} <{{customer.email}}>",
            "Marie Dupont <marie@atelier.example>",
        ),
        (
            "#{{ticket.id}}: {{ticket.subject}}",
            "#k3x9p2: Export crashes",
        ),
        (
            "{{agent.first_name}} ({{agent.name}}, {{agent.email}})",
            "Maya (Maya Chen, maya@brindle.example)",
        ),
        ("{{account.name}}", "Brindle Support"),
        ("no variables at all", "no variables at all"),
        ("", ""),
        ("{{customer.first_name}}{{agent.first_name}}", "MarieMaya"),
    ];
    for (text, want) in cases {
        let r = render(text, &v);
        assert_eq!(r.text, *want, "{text}");
        assert!(
            r.missing.is_empty() && r.unknown.is_empty(),
            "{text}: {r:?}"
        );
    }
    // Every variable has a value here: none is left out of the table's reach.
    for var in Var::ALL {
        assert!(v.get(var).is_some(), "{}", var.name());
        assert_eq!(Var::parse(var.name()), Some(var));
    }
}

#[test]
fn whitespace_inside_the_braces_is_tolerated() {
    let v = all_values();
    for text in [
        "{{ customer.name }}",
        "{{customer.name }}",
        "{{  customer.name}}",
        "{{\tcustomer.name\t}}",
    ] {
        assert_eq!(render(text, &v).text, "Marie Dupont", "{text:?}");
    }
}

#[test]
fn missing_and_blank_values_stay_as_placeholders_and_are_listed() {
    let blank = Values {
        customer_name: Some("   ".into()),
        agent_name: Some("\n\t".into()),
        account_name: Some(String::new()),
        ..Values::default()
    };
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "Hi {{customer.first_name}},",
            "Hi {{customer.first_name}},",
            &["customer.first_name"],
        ),
        (
            "Hi {{ customer.first_name }},",
            "Hi {{customer.first_name}},",
            &["customer.first_name"],
        ),
        (
            "{{agent.first_name}} / {{account.name}} / {{agent.first_name}}",
            "{{agent.first_name}} / {{account.name}} / {{agent.first_name}}",
            &["agent.first_name", "account.name"],
        ),
        ("{{ticket.id}}", "{{ticket.id}}", &["ticket.id"]),
    ];
    for values in [Values::default(), blank] {
        for (text, want, missing) in cases {
            let r = render(text, &values);
            assert_eq!(r.text, *want, "{text}");
            assert_eq!(r.missing, *missing, "{text}");
            assert!(r.unknown.is_empty());
            // What is left is exactly what the guard finds.
            assert_eq!(unfilled(&r.text), *missing, "{text}");
        }
    }
}

#[test]
fn unknown_names_are_left_as_written_and_reported() {
    let v = all_values();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "Hi {{customer.firstname}}",
            "Hi {{customer.firstname}}",
            &["customer.firstname"],
        ),
        (
            "{{ Customer.Name }}",
            "{{ Customer.Name }}",
            &["Customer.Name"],
        ),
        ("{{}} and {{ }}", "{{}} and {{ }}", &[""]),
        ("{{ticket}} {{ticket.id}}", "{{ticket}} k3x9p2", &["ticket"]),
    ];
    for (text, want, unknown_names) in cases {
        let r = render(text, &v);
        assert_eq!(r.text, *want, "{text}");
        assert_eq!(r.unknown, *unknown_names, "{text}");
        assert_eq!(unknown(text), *unknown_names, "{text}");
        assert!(r.missing.is_empty());
    }
}

#[test]
fn braces_that_are_not_a_placeholder_are_text() {
    let v = all_values();
    let cases: &[(&str, &str)] = &[
        ("{{customer.name", "{{customer.name"),
        ("a {{ b", "a {{ b"),
        ("}} {{", "}} {{"),
        ("{ customer.name }", "{ customer.name }"),
        ("{{customer\n.name}}", "{{customer\n.name}}"),
        // An unclosed opening before a placeholder leaves the placeholder working.
        ("{{ oops {{customer.first_name}}", "{{ oops Marie"),
        ("{{ oops\n{{customer.first_name}}", "{{ oops\nMarie"),
        ("{{{customer.first_name}}}", "{Marie}"),
        ("{{customer.first_name}}}}", "Marie}}"),
    ];
    for (text, want) in cases {
        let r = render(text, &v);
        assert_eq!(r.text, *want, "{text:?}");
        assert!(r.unknown.is_empty(), "{text:?}: {r:?}");
    }
    assert!(unfilled("{{customer.name").is_empty());
    assert!(unfilled("{{a\nb}}").is_empty());
}

#[test]
fn values_are_one_line() {
    let v = Values {
        ticket_subject: Some("  Export\r\n  crashes \t again ".into()),
        ..all_values()
    };
    assert_eq!(
        render("{{ticket.subject}}", &v).text,
        "Export crashes again"
    );
}

#[test]
fn unfilled_finds_every_placeholder_left() {
    let cases: &[(&str, &[&str])] = &[
        ("Hi Marie,", &[]),
        ("Hi {{customer.first_name}},", &["customer.first_name"]),
        ("{{ x }} {{y}} {{x}}", &["x", "y"]),
        ("{{}}", &[""]),
        ("{ {x} }", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(unfilled(text), *want, "{text:?}");
    }
}

#[test]
fn first_names_from_display_names() {
    let cases: &[(&str, Option<&str>)] = &[
        ("Marie Dupont", Some("Marie")),
        ("Dupont, Marie", Some("Marie")),
        ("van der Berg, Anna", Some("Anna")),
        ("Marie Dupont, PhD", Some("Marie")),
        ("Dupont,", Some("Dupont")),
        ("DUPONT Marie", Some("Marie")),
        ("JOHN SMITH", Some("JOHN")),
        ("Jean-Pierre Martin", Some("Jean-Pierre")),
        ("\"Marie Dupont\"", Some("Marie")),
        ("  Daniel   Okafor ", Some("Daniel")),
        ("Dr. Jane Smith", Some("Jane")),
        ("Dr. Smith", None),
        ("J. Smith", None),
        ("Élodie Fabre", Some("Élodie")),
        ("王小明", Some("王小明")),
        ("Marie", Some("Marie")),
        ("marie@atelier.example", None),
        ("", None),
        ("   ", None),
    ];
    for (display, want) in cases {
        assert_eq!(first_name(display).as_deref(), *want, "{display:?}");
    }
}

#[test]
fn no_display_name_means_no_first_name_even_with_an_email() {
    let v = Values {
        customer_name: None,
        customer_email: Some("marie.dupont@atelier.example".into()),
        ..Values::default()
    };
    let r = render("Hi {{customer.first_name}} ({{customer.name}})", &v);
    assert_eq!(r.text, "Hi {{customer.first_name}} ({{customer.name}})");
    assert_eq!(r.missing, ["customer.first_name", "customer.name"]);
}

fn template(name: &str, body: &str) -> Template {
    Template {
        name: name.into(),
        subject: None,
        body: body.into(),
        set_status: None,
        set_kind: None,
        tags: Vec::new(),
    }
}

#[test]
fn validation_normalises_or_refuses() {
    let ok = Template {
        name: "  Refund sent ".into(),
        subject: Some("  ".into()),
        tags: vec![" billing".into(), "billing".into(), "refund".into()],
        ..template("x", "Hi {{ customer.first_name }}")
    }
    .validated()
    .unwrap();
    assert_eq!(ok.name, "Refund sent");
    assert_eq!(ok.subject, None);
    assert_eq!(ok.tags, ["billing", "refund"]);

    let cases: Vec<(Template, Error)> = vec![
        (template(" ", "body"), Error::NoName),
        (template("a\tb", "body"), Error::ControlInName),
        (template(&"x".repeat(101), "body"), Error::LongName(101)),
        (template("n", " \n "), Error::NoBody),
        (
            Template {
                subject: Some("a\nb".into()),
                ..template("n", "body")
            },
            Error::SubjectLines,
        ),
        (
            Template {
                tags: vec![" ".into()],
                ..template("n", "body")
            },
            Error::BadTag(" ".into()),
        ),
        (
            template("n", "Hi {{customer.firstname}} {{ agent.nom }}"),
            Error::UnknownVariables(vec!["customer.firstname".into(), "agent.nom".into()]),
        ),
        (
            Template {
                subject: Some("About {{ticket.title}}".into()),
                ..template("n", "body {{ticket.title}}")
            },
            Error::UnknownVariables(vec!["ticket.title".into()]),
        ),
    ];
    for (t, want) in cases {
        assert_eq!(t.clone().validated(), Err(want), "{t:?}");
    }
    let message = template("n", "{{customer.firstname}}")
        .validated()
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("{{customer.firstname}} is not a variable"),
        "{message}"
    );
    assert!(message.contains("{{customer.first_name}}"), "{message}");
}

#[test]
fn every_starter_is_valid_and_uses_only_known_variables() {
    let s = starters();
    assert_eq!(s.len(), 5);
    for t in &s {
        assert_eq!(t.clone().validated().as_ref(), Ok(t), "{}", t.name);
        let r = render(&t.body, &all_values());
        assert!(unfilled(&r.text).is_empty(), "{}: {}", t.name, r.text);
    }
    let bug = find(&s, "bug acknowledged").unwrap();
    assert_eq!(
        (bug.set_kind, bug.set_status),
        (Some(Kind::Bug), Some(Status::Pending))
    );
}

fn op(name: &str, wall: u64, actor: &str, body: Option<&str>) -> Op {
    let at = Hlc {
        wall_ms: wall,
        counter: 0,
        node: 1,
    };
    let template = body.map(|b| TemplateBody {
        body: b.into(),
        ..TemplateBody::default()
    });
    Op::new(
        Target::Template(name.into()),
        actor,
        at,
        Change::Template { template },
    )
}

/// A template's name and body.
type Pair = (String, String);

/// The fold's result as (name, body) pairs, the untouched starters aside.
fn folded(ops: &[Op]) -> Vec<Pair> {
    let starters = starters();
    fold(ops)
        .into_iter()
        .filter(|t| !starters.contains(t))
        .map(|t| (t.name, t.body))
        .collect()
}

#[test]
fn fold_last_writer_wins_per_name_and_removal_hides() {
    let pair = |n: &str, b: &str| (n.to_string(), b.to_string());
    let cases: Vec<(Vec<Op>, Vec<Pair>)> = vec![
        (vec![], vec![]),
        (
            vec![op("Refund", 10, "a@x", Some("one"))],
            vec![pair("Refund", "one")],
        ),
        // Later wins, in either order.
        (
            vec![
                op("Refund", 10, "a@x", Some("one")),
                op("Refund", 20, "b@x", Some("two")),
            ],
            vec![pair("Refund", "two")],
        ),
        (
            vec![
                op("Refund", 20, "b@x", Some("two")),
                op("Refund", 10, "a@x", Some("one")),
            ],
            vec![pair("Refund", "two")],
        ),
        // Same time: the actor breaks the tie.
        (
            vec![
                op("Refund", 10, "b@x", Some("bee")),
                op("Refund", 10, "a@x", Some("ay")),
            ],
            vec![pair("Refund", "bee")],
        ),
        // A removal hides; a later save brings it back.
        (
            vec![
                op("Refund", 10, "a@x", Some("one")),
                op("Refund", 20, "a@x", None),
            ],
            vec![],
        ),
        (
            vec![
                op("Refund", 10, "a@x", Some("one")),
                op("Refund", 20, "a@x", None),
                op("Refund", 30, "a@x", Some("three")),
            ],
            vec![pair("Refund", "three")],
        ),
        // A removal older than the save does not hide it.
        (
            vec![
                op("Refund", 20, "a@x", Some("two")),
                op("Refund", 10, "a@x", None),
            ],
            vec![pair("Refund", "two")],
        ),
        // Names are matched without case: the latest spelling names it.
        (
            vec![
                op("Refund", 10, "a@x", Some("one")),
                op("refund ", 20, "a@x", Some("two")),
            ],
            vec![pair("refund", "two")],
        ),
        // Duplicates change nothing.
        (
            vec![
                op("Refund", 10, "a@x", Some("one")),
                op("Refund", 10, "a@x", Some("one")),
            ],
            vec![pair("Refund", "one")],
        ),
        // Sorted by name.
        (
            vec![op("b", 10, "a@x", Some("1")), op("A", 10, "a@x", Some("2"))],
            vec![pair("A", "2"), pair("b", "1")],
        ),
    ];
    for (ops, want) in cases {
        assert_eq!(folded(&ops), want, "{ops:?}");
    }
}

#[test]
fn starters_are_present_until_an_op_names_them() {
    let names = |ts: &[Template]| ts.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let none = fold(&[]);
    assert_eq!(
        names(&none),
        [
            "Bug acknowledged",
            "Closing",
            "Feature request logged",
            "How-to answer",
            "Need more details"
        ]
    );
    // Removed: gone, and another op elsewhere does not bring it back.
    let removed = fold(&[
        op("Closing", 10, "a@x", None),
        op("Other", 20, "a@x", Some("x")),
    ]);
    assert!(find(&removed, "Closing").is_none());
    assert!(find(&removed, "Other").is_some());
    assert_eq!(removed.len(), 5);
    // Replaced under its own name (in any case): the team's version, once.
    let replaced = fold(&[op("closing", 10, "a@x", Some("Bye!"))]);
    assert_eq!(replaced.len(), 5);
    let closing = find(&replaced, "Closing").unwrap();
    assert_eq!(
        (closing.name.as_str(), closing.body.as_str()),
        ("closing", "Bye!")
    );
    // Ops of other kinds are not templates.
    let other = Op::new(
        Target::Template("Closing".into()),
        "a@x",
        Hlc {
            wall_ms: 5,
            counter: 0,
            node: 1,
        },
        Change::Note { text: "x".into() },
    );
    assert_eq!(fold(&[other]).len(), 5);
}

#[test]
fn fill_renders_subject_and_body_and_merges_the_missing() {
    let t = Template {
        subject: Some("About {{ticket.subject}} for {{customer.first_name}}".into()),
        ..template(
            "n",
            "Hi {{customer.first_name}}, {{agent.first_name}} {{x.y}}",
        )
    };
    let f = fill(
        &t,
        &Values {
            ticket_subject: Some("Export".into()),
            ..Values::default()
        },
    );
    assert_eq!(
        f.subject.as_deref(),
        Some("About Export for {{customer.first_name}}")
    );
    assert_eq!(
        f.body,
        "Hi {{customer.first_name}}, {{agent.first_name}} {{x.y}}"
    );
    assert_eq!(f.missing, ["customer.first_name", "agent.first_name"]);
    assert_eq!(f.unknown, ["x.y"]);
    assert_eq!(f.template, t);
    assert_eq!(fill(&template("n", "b"), &all_values()).subject, None);
}

#[test]
fn the_op_format_reads_what_it_writes_and_tolerates_other_versions_fields() {
    let t = Template {
        subject: Some("About {{ticket.subject}}".into()),
        set_status: Some(Status::Pending),
        set_kind: Some(Kind::Bug),
        tags: vec!["export".into()],
        ..template("Bug acknowledged", "Hi {{customer.first_name}}")
    };
    let saved = op("Bug acknowledged", 10, "a@x", None);
    let saved = Op {
        change: Change::Template {
            template: Some(t.to_body()),
        },
        ..saved
    };
    let json = serde_json::to_string(&saved).unwrap();
    assert!(
        json.contains(r#""target":{"template":"Bug acknowledged"}"#),
        "{json}"
    );
    assert!(
        json.contains(r#""change":{"type":"template","template":{"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), saved);
    assert_eq!(fold(&[saved]).iter().find(|x| x.name == t.name), Some(&t));
    // An older writer left fields out; a newer one added some: both read.
    let other = r#"{"v":1,"id":"1.0.1","target":{"template":"Short"},"actor":"a@x",
        "at":{"wall_ms":1,"counter":0,"node":1},
        "change":{"type":"template","template":{"body":"Hi","signature":"x"}}}"#;
    let op: Op = serde_json::from_str(other).unwrap();
    assert_eq!(
        fold(&[op]).into_iter().find(|x| x.name == "Short"),
        Some(template("Short", "Hi"))
    );
    let removal = r#"{"v":1,"id":"1.0.1","target":{"template":"Closing"},"actor":"a@x",
        "at":{"wall_ms":1,"counter":0,"node":1},"change":{"type":"template","template":null}}"#;
    let op: Op = serde_json::from_str(removal).unwrap();
    assert!(find(&fold(&[op]), "Closing").is_none());
}
