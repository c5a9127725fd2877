use super::*;
use mail_parser::MimeHeaders;

fn a(name: Option<&str>, email: &str) -> Addr {
    Addr {
        name: name.map(str::to_string),
        email: email.to_string(),
    }
}

fn parent() -> MessageRecord {
    MessageRecord {
        message_id: "m3@client.test".into(),
        in_reply_to: vec!["m2@acme.test".into()],
        references: vec!["m1@client.test".into(), "m2@acme.test".into()],
        from: vec![a(Some("Marie Dupont"), "marie@client.test")],
        to: vec![
            a(None, "help@acme.test"),
            a(Some("Jo"), "jo@client.test"),
            a(None, "maya@acme.test"),
        ],
        cc: vec![a(None, "boss@client.test"), a(None, "MARIE@client.test")],
        reply_to: vec![],
        subject: "Re: Export fails".into(),
        date: 1_700_000_000,
        date_source: crate::store::DateSource::Header,
        synthetic_id: false,
        size: 0,
        attachments: vec![],
        snippet: String::new(),
        auto_submitted: None,
        precedence: None,
        list_id: None,
        list_unsubscribe: None,
        unparsed: false,
        problems: vec![],
    }
}

fn team(e: &str) -> bool {
    e.to_ascii_lowercase().ends_with("@acme.test")
}

#[test]
fn subjects_get_one_prefix() {
    let cases = [
        ("Export fails", "Re: Export fails", "Fwd: Export fails"),
        (
            "Re: Export fails",
            "Re: Export fails",
            "Fwd: Re: Export fails",
        ),
        (
            "RE: re:Export fails",
            "Re: Export fails",
            "Fwd: RE: re:Export fails",
        ),
        ("Fwd: FW: x", "Re: Fwd: FW: x", "Fwd: x"),
        ("  ", "Re: ", "Fwd: "),
    ];
    for (s, re, fwd) in cases {
        assert_eq!(reply_subject(s), re, "{s}");
        assert_eq!(forward_subject(s), fwd, "{s}");
    }
}

#[test]
fn references_are_the_parents_plus_the_parent() {
    assert_eq!(
        references(&parent()),
        ["m1@client.test", "m2@acme.test", "m3@client.test"]
    );
    // Without References, the parent's In-Reply-To stands in (RFC 5322 §3.6.4).
    let mut p = parent();
    p.references.clear();
    assert_eq!(references(&p), ["m2@acme.test", "m3@client.test"]);
    // A Message-ID Siphon made up for a message without one is never cited.
    p.synthetic_id = true;
    assert_eq!(references(&p), ["m2@acme.test"]);
}

#[test]
fn long_references_keep_the_root_and_the_latest() {
    let mut p = parent();
    p.references = (0..40).map(|i| format!("r{i}@x")).collect();
    let refs = references(&p);
    assert_eq!(refs.len(), MAX_REFERENCES);
    assert_eq!(refs[0], "r0@x");
    assert_eq!(refs[refs.len() - 2], "r39@x");
    assert_eq!(refs[refs.len() - 1], "m3@client.test");
}

#[test]
fn reply_goes_to_the_sender_and_reply_all_adds_the_others_but_never_the_team() {
    let (to, cc) = recipients(&parent(), false, &team);
    assert_eq!(to, [a(Some("Marie Dupont"), "marie@client.test")]);
    assert!(cc.is_empty());
    let (to, cc) = recipients(&parent(), true, &team);
    assert_eq!(to.len(), 1);
    let cc: Vec<&str> = cc.iter().map(|x| x.email.as_str()).collect();
    // The sender is not repeated (in any case), the team's addresses are left out.
    assert_eq!(cc, ["jo@client.test", "boss@client.test"]);
}

#[test]
fn reply_to_wins_over_from() {
    let mut p = parent();
    p.reply_to = vec![a(None, "tickets@client.test")];
    let (to, _) = recipients(&p, false, &team);
    assert_eq!(to, [a(None, "tickets@client.test")]);
}

#[test]
fn replies_leave_from_the_alias_the_customer_wrote_to() {
    let addresses = vec![
        "support@acme.test".to_string(),
        "help@acme.test".to_string(),
    ];
    assert_eq!(
        from_address(Some(&parent()), &addresses).as_deref(),
        Some("help@acme.test")
    );
    let mut p = parent();
    p.to = vec![a(None, "someone@else.test")];
    p.cc.clear();
    assert_eq!(
        from_address(Some(&p), &addresses).as_deref(),
        Some("support@acme.test")
    );
    assert_eq!(from_address(None, &[]), None);
}

#[test]
fn from_names_say_who_and_where() {
    assert_eq!(
        from_name(Some("Maya"), "Acme").as_deref(),
        Some("Maya from Acme")
    );
    assert_eq!(from_name(Some("Maya"), " ").as_deref(), Some("Maya"));
    assert_eq!(from_name(None, "Acme").as_deref(), Some("Acme"));
    assert_eq!(from_name(Some(" "), ""), None);
}

#[test]
fn signatures_follow_the_dash_dash_line() {
    assert_eq!(
        with_signature("Hi\n\n", Some("Maya\nAcme")),
        "Hi\n\n-- \nMaya\nAcme\n"
    );
    assert_eq!(with_signature("Hi", Some("  ")), "Hi\n");
    assert_eq!(with_signature("Hi", None), "Hi\n");
}

#[test]
fn message_ids_are_unique_and_at_the_senders_domain() {
    let a = new_message_id("help@acme.test", 7);
    let b = new_message_id("help@acme.test", 7);
    assert_ne!(a, b);
    assert!(a.ends_with(".siphon@acme.test"), "{a}");
}

fn draft() -> Draft {
    let p = parent();
    Draft {
        from: a(Some("Maya from Acme"), "help@acme.test"),
        to: vec![a(Some("Marie Dupont"), "marie@client.test")],
        cc: vec![a(None, "boss@client.test")],
        subject: reply_subject(&p.subject),
        text: with_signature(
            "Bonjour Marie,\n\nIt works now <b>really</b>.",
            Some("Maya"),
        ),
        quoted: Some(Quoted {
            date: p.date,
            who: "Marie Dupont".into(),
            text: "The export fails.\n\nThanks".into(),
        }),
        in_reply_to: Some(p.message_id.clone()),
        references: references(&p),
        attachments: vec![FileAttachment {
            name: "fix.log".into(),
            mime: mime_of("fix.log").into(),
            bytes: b"ok\n".to_vec(),
        }],
        forwarded: None,
        message_id: "new1.siphon@acme.test".into(),
        date: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_100),
    }
}

#[test]
fn a_reply_reads_back_with_its_threading_parts_and_quote() {
    let raw = build(&draft()).unwrap();
    let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(m.message_id(), Some("new1.siphon@acme.test"));
    assert_eq!(m.in_reply_to().as_text(), Some("m3@client.test"));
    let refs: Vec<String> = m
        .references()
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(refs, ["m1@client.test", "m2@acme.test", "m3@client.test"]);
    let from = m.from().and_then(|f| f.first()).unwrap();
    assert_eq!(from.name(), Some("Maya from Acme"));
    assert_eq!(from.address(), Some("help@acme.test"));
    assert_eq!(m.subject(), Some("Re: Export fails"));
    let text = m.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(text.contains("Bonjour Marie,"), "{text}");
    assert!(text.contains("\n-- \nMaya\n"), "{text}");
    assert!(
        text.contains("Marie Dupont wrote:\n> The export fails.\n>\n> Thanks"),
        "{text}"
    );
    let html = m.body_html(0).unwrap();
    assert!(html.contains("&lt;b&gt;really&lt;/b&gt;"), "{html}");
    assert!(html.contains("<blockquote type=\"cite\""), "{html}");
    let names: Vec<_> = m
        .attachments()
        .filter_map(|p| p.attachment_name())
        .collect();
    assert_eq!(names, ["fix.log"]);
}

#[test]
fn a_forward_carries_the_original_whole() {
    let mut d = draft();
    d.attachments.clear();
    d.quoted = None;
    d.forwarded =
        Some(b"Message-ID: <orig@client.test>\r\nSubject: Original\r\n\r\nbody\r\n".to_vec());
    let raw = build(&d).unwrap();
    let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let inner = m
        .attachments()
        .find_map(|p| p.message())
        .expect("a message/rfc822 part");
    assert_eq!(inner.subject(), Some("Original"));
}

#[test]
fn nobody_to_send_to_and_bad_addresses_are_refused() {
    let mut d = draft();
    d.to.clear();
    d.cc.clear();
    assert!(matches!(build(&d), Err(Error::NoRecipient)));
    let mut d = draft();
    d.to = vec![a(None, "not an address")];
    assert!(matches!(build(&d), Err(Error::Address(_))));
}
