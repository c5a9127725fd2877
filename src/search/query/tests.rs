use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

/// 2026-11-20 10:00:00 UTC.
const NOW: i64 = 1_795_168_800;

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(NOW, 0).unwrap()
}

fn jakarta() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap()
}

fn q(input: &str) -> Result<Query, ParseError> {
    parse(input, now(), jakarta())
}

fn w(text: &str) -> Query {
    f(Field::Any, text)
}

fn f(field: Field, text: &str) -> Query {
    Query::Word {
        field,
        text: text.into(),
    }
}

fn ph(words: &str) -> Query {
    fph(Field::Any, words)
}

fn fph(field: Field, words: &str) -> Query {
    Query::Phrase {
        field,
        words: words.split(' ').map(String::from).collect(),
    }
}

fn not(q: Query) -> Query {
    Query::Not(Box::new(q))
}

fn and<const N: usize>(qs: [Query; N]) -> Query {
    Query::And(qs.into())
}

fn or<const N: usize>(qs: [Query; N]) -> Query {
    Query::Or(qs.into())
}

#[test]
fn operators_precedence_and_flattening() {
    let cases = [
        ("invoice", w("invoice")),
        ("  invoice  ", w("invoice")),
        ("export fails", and([w("export"), w("fails")])),
        ("a\tb\nc", and([w("a"), w("b"), w("c")])),
        (r#""export fails""#, ph("export fails")),
        (r#""  export   fails ""#, ph("export fails")),
        (r#""(OR) -x""#, ph("(OR) -x")),
        (r#"foo"bar baz""#, and([w("foo"), ph("bar baz")])),
        ("-spam", not(w("spam"))),
        (r#"-"out of office""#, not(ph("out of office"))),
        ("-from:bob", not(f(Field::From, "bob"))),
        ("-(a OR b)", not(or([w("a"), w("b")]))),
        ("--spam", w("spam")),
        ("---spam", not(w("spam"))),
        ("-a -b", and([not(w("a")), not(w("b"))])),
        ("a OR b", or([w("a"), w("b")])),
        ("a b OR c", or([and([w("a"), w("b")]), w("c")])),
        ("a OR b c", or([w("a"), and([w("b"), w("c")])])),
        ("a OR b OR c", or([w("a"), w("b"), w("c")])),
        ("a (b OR c)", and([w("a"), or([w("b"), w("c")])])),
        ("(a b) c", and([w("a"), w("b"), w("c")])),
        ("a (b (c d))", and([w("a"), w("b"), w("c"), w("d")])),
        ("a OR (b OR c)", or([w("a"), w("b"), w("c")])),
        (
            "(a OR b) OR (c d)",
            or([w("a"), w("b"), and([w("c"), w("d")])]),
        ),
        ("((a))", w("a")),
        ("(a)(b)", and([w("a"), w("b")])),
        ("f(x)", and([w("f"), w("x")])),
        ("a or b", and([w("a"), w("or"), w("b")])),
        ("Or", w("Or")),
        ("AND", w("AND")),
        (
            r#"from:ana subject:"export fails" -tag:spam (status:open OR status:pending) after:7d"#,
            and([
                f(Field::From, "ana"),
                fph(Field::Subject, "export fails"),
                not(f(Field::Tag, "spam")),
                or([Query::Status(Status::Open), Query::Status(Status::Pending)]),
                Query::After(NOW - 7 * 86_400),
            ]),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(q(input), Ok(want), "{input:?}");
    }
}

#[test]
fn every_field() {
    let cases = [
        ("from:ana", f(Field::From, "ana")),
        (
            "from:ana@client.example",
            f(Field::From, "ana@client.example"),
        ),
        (r#"from:"Ana Lima""#, fph(Field::From, "Ana Lima")),
        (
            "to:support@acme.example",
            f(Field::To, "support@acme.example"),
        ),
        ("cc:bob", f(Field::Cc, "bob")),
        ("subject:invoice", f(Field::Subject, "invoice")),
        (
            r#"subject:"export fails""#,
            fph(Field::Subject, "export fails"),
        ),
        ("body:stacktrace", f(Field::Body, "stacktrace")),
        ("tag:spam", f(Field::Tag, "spam")),
        ("tag:-urgent", f(Field::Tag, "-urgent")),
        ("assignee:maya", f(Field::Assignee, "maya")),
        ("account:support", f(Field::Account, "support")),
        (r#"customer:"Acme Corp""#, fph(Field::Customer, "Acme Corp")),
        ("org:acme.com", f(Field::Org, "acme.com")),
        ("from:ana:x", f(Field::From, "ana:x")),
        ("status:open", Query::Status(Status::Open)),
        ("status:pending", Query::Status(Status::Pending)),
        ("status:snoozed", Query::Status(Status::Snoozed)),
        ("status:closed", Query::Status(Status::Closed)),
        (r#"status:"closed""#, Query::Status(Status::Closed)),
        ("kind:bug", Query::Kind(Kind::Bug)),
        ("kind:feature", Query::Kind(Kind::Feature)),
        ("kind:question", Query::Kind(Kind::Question)),
        ("kind:other", Query::Kind(Kind::Other)),
        ("priority:urgent", Query::Priority(Priority::Urgent)),
        ("priority:high", Query::Priority(Priority::High)),
        ("priority:normal", Query::Priority(Priority::Normal)),
        ("priority:low", Query::Priority(Priority::Low)),
        ("is:unread", Query::Is(IsFlag::Unread)),
        ("is:mine", Query::Is(IsFlag::Mine)),
        ("has:attachment", Query::HasAttachment),
        ("has:attachments", Query::HasAttachment),
        ("after:2026-11-01", Query::After(1_793_466_000)),
        ("before:2026-11-01", Query::Before(1_793_466_000)),
        ("after:7d", Query::After(NOW - 7 * 86_400)),
        ("before:7d", Query::Before(NOW - 7 * 86_400)),
        // Names and fixed values in any case; text values exactly as typed.
        ("FROM:Ana", f(Field::From, "Ana")),
        ("Subject:Clôture", f(Field::Subject, "Clôture")),
        ("STATUS:Open", Query::Status(Status::Open)),
        ("Is:UNREAD", Query::Is(IsFlag::Unread)),
        ("Has:Attachment", Query::HasAttachment),
        ("AFTER:7D", Query::After(NOW - 7 * 86_400)),
    ];
    for (input, want) in cases {
        assert_eq!(q(input), Ok(want), "{input:?}");
    }
}

#[test]
fn words_with_punctuation_colons_and_any_script_stay_words() {
    let words = [
        "v2.3.1",
        "acme.com",
        "ana@client.example",
        "429",
        "e-mail",
        "a-b-c",
        "export-",
        "l'export",
        "10:30",
        "https://acme.example/x?a=1&b=2",
        "HTTP://acme.example",
        "http:acme.example",
        "mailto:ana@client.example",
        "cid:part1.abc@client.example",
        "re:",
        "Re:Invoice",
        "AW:Rechnung",
        ":colon",
        "e-mail:x",
        "x2:y",
        "clôture",
        "tagihan",
        "ñandú",
        "請求書",
        "件名:請求書",
        "ORx",
        "xOR",
    ];
    for word in words {
        assert_eq!(q(word), Ok(w(word)), "{word:?}");
    }
    let cases = [
        ("Re: Invoice", and([w("Re:"), w("Invoice")])),
        (r#"re:"x y""#, and([w("re:"), ph("x y")])),
        (
            "tagihan belum dibayar",
            and([w("tagihan"), w("belum"), w("dibayar")]),
        ),
        (
            "problème de clôture -brouillon",
            and([w("problème"), w("de"), w("clôture"), not(w("brouillon"))]),
        ),
        ("réunion à 10:30", and([w("réunion"), w("à"), w("10:30")])),
        ("subject:clôture", f(Field::Subject, "clôture")),
    ];
    for (input, want) in cases {
        assert_eq!(q(input), Ok(want), "{input:?}");
    }
}

const FIELDS: &str = "fields are from, to, cc, subject, body, tag, status, kind, priority, \
                      assignee, account, customer, org, is, has, before, after";

#[test]
fn errors_name_the_problem_and_point_at_it() {
    // (input, part of the message, the text the span covers)
    let cases = [
        ("", "empty query", ""),
        ("   ", "empty query", "   "),
        (r#""export fails"#, "unclosed quote", r#"""#),
        (r#"a "b" "c"#, "unclosed quote", r#"""#),
        (r#"subject:"export"#, "unclosed quote", r#"""#),
        (r#"a "" b"#, "nothing between the quotes", r#""""#),
        (r#"" ""#, "nothing between the quotes", r#"" ""#),
        (r#"from:"""#, "nothing between the quotes", r#""""#),
        ("-", r#""-" needs something to exclude"#, "-"),
        ("a - b", r#""-" needs something to exclude"#, "-"),
        ("(a -)", r#""-" needs something to exclude"#, "-"),
        ("a -OR b", r#""-" needs something to exclude"#, "-"),
        ("OR", r#""OR" needs something on both sides"#, "OR"),
        ("OR a", r#""OR" needs something on both sides"#, "OR"),
        ("a OR", r#""OR" needs something on both sides"#, "OR"),
        ("(OR a)", r#""OR" needs something on both sides"#, "OR"),
        ("(a OR)", r#""OR" needs something on both sides"#, "OR"),
        ("(a OR b) OR", r#""OR" needs something on both sides"#, "OR"),
        ("(a", r#""(" without ")""#, "("),
        ("a (b OR (c d)", r#""(" without ")""#, "("),
        ("a)", r#"")" without "(""#, ")"),
        (")", r#"")" without "(""#, ")"),
        (") a", r#"")" without "(""#, ")"),
        ("(a))", r#"")" without "(""#, ")"),
        ("()", r#"nothing between "(" and ")""#, "()"),
        ("a ( ) b", r#"nothing between "(" and ")""#, "( )"),
        ("-()", r#"nothing between "(" and ")""#, "()"),
        ("foo:bar", r#"unknown field "foo"; "#, "foo"),
        ("foo:bar", FIELDS, "foo"),
        (r#"foo:"bar""#, r#"unknown field "foo""#, "foo"),
        ("form:bob", r#"did you mean "from"?"#, "form"),
        ("Subjcet:x", r#"did you mean "subject"?"#, "Subjcet"),
        ("dari:budi", r#"unknown field "dari""#, "dari"),
        ("a xyzzy:1 b", FIELDS, "xyzzy"),
        (
            "status:opened",
            r#"status is open, pending, snoozed or closed, not "opened""#,
            "opened",
        ),
        (
            r#"status:"open pending""#,
            r#"not "open pending""#,
            r#""open pending""#,
        ),
        (
            "kind:crash",
            r#"kind is bug, feature, question or other, not "crash""#,
            "crash",
        ),
        (
            "priority:p1",
            r#"priority is urgent, high, normal or low, not "p1""#,
            "p1",
        ),
        ("is:read", r#"is: takes unread or mine, not "read""#, "read"),
        ("has:pdf", r#"has: takes attachment, not "pdf""#, "pdf"),
        (
            "after:2026-13-01",
            "after: takes a day like 2026-11-01",
            "2026-13-01",
        ),
        ("after:2026-02-29", "not \"2026-02-29\"", "2026-02-29"),
        ("after:2026-1-01", "after: takes a day", "2026-1-01"),
        ("before:7x", "before: takes a day like", "7x"),
        ("before:7", "before: takes a day", "7"),
        ("before:d", "before: takes a day", "d"),
        ("before:-7d", "before: takes a day", "-7d"),
        ("before:7dd", "before: takes a day", "7dd"),
        (
            "before:99999999999999999999d",
            "takes a day",
            "99999999999999999999d",
        ),
        ("before:99999999999999y", "takes a day", "99999999999999y"),
        (r#"after:"7 d""#, r#"not "7 d""#, r#""7 d""#),
        (
            "after:",
            r#""after:" needs a value right after the colon"#,
            "after:",
        ),
        ("from: ana", r#""from:" needs a value"#, "from:"),
        ("a status:", "as in status:open", "status:"),
        ("from:(ana OR bob)", "(from:a OR from:b)", "from:"),
    ];
    for (input, message, span) in cases {
        let err = q(input).expect_err(input);
        assert!(
            err.message.contains(message),
            "{input:?}: {:?} lacks {message:?}",
            err.message
        );
        assert_eq!(&input[err.start..err.end], span, "{input:?}");
        assert_eq!(err.to_string(), err.message);
    }
}

#[test]
fn errors_point_at_the_right_one_of_several() {
    let cases = [
        ("a OR OR b", "     ^^"),
        ("a OR b OR", "       ^^"),
        ("(a (b) c", "^"),
        ("(a) (b", "    ^"),
        (r#""a" "b"#, "    ^"),
        ("a -- b", "   ^"),
        ("from:ana ) foo:x", "         ^"),
        ("x foo:y ) ", "  ^^^"),
    ];
    for (input, carets) in cases {
        let err = q(input).expect_err(input);
        assert_eq!(
            err.pointer(input),
            format!("{input}\n{carets}"),
            "{input:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let fine = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(q(&fine), Ok(w("a")));
    let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    let err = q(&deep).unwrap_err();
    assert!(err.message.contains("too many nested"), "{}", err.message);
    assert_eq!((err.start, err.end), (MAX_DEPTH, MAX_DEPTH + 1));
    let negations = format!("{}a", "-".repeat(100_001));
    assert_eq!(q(&negations), Ok(not(w("a"))));
}

#[test]
fn pointer_aligns_carets_by_characters() {
    let cases = [
        ("form:bob", "^^^^"),
        ("clôture status:fermé", "               ^^^^^"),
        (r#"tagihan "belum dibayar"#, "        ^"),
        ("ñandú OR", "      ^^"),
        ("件名 from:", "   ^^^^^"),
        ("résumé (café", "       ^"),
        ("", "^"),
    ];
    for (input, carets) in cases {
        let err = q(input).expect_err(input);
        assert_eq!(
            err.pointer(input),
            format!("{input}\n{carets}"),
            "{input:?}"
        );
    }
    // Tabs and newlines would shift the first line: they show as spaces.
    let err = q("é\t-").unwrap_err();
    assert_eq!(err.pointer("é\t-"), "é -\n  ^");
    // A span that does not fit the text (a stale error) still renders.
    let stale = ParseError::new("x", 3, 99);
    assert_eq!(stale.pointer("é"), "é\n ^");
}

#[test]
fn dates_are_days_in_the_team_zone_or_times_ago() {
    let utc = FixedOffset::east_opt(0).unwrap();
    let new_york = FixedOffset::west_opt(5 * 3600).unwrap();
    let at = |input: &str, tz| parse(input, now(), tz).unwrap();
    // 2026-11-01 00:00 in Jakarta (+07:00) is 2026-10-31 17:00 UTC.
    assert_eq!(
        at("after:2026-11-01", jakarta()),
        Query::After(1_793_466_000)
    );
    assert_eq!(
        at("before:2026-11-01", jakarta()),
        Query::Before(1_793_466_000)
    );
    assert_eq!(at("after:2026-11-01", utc), Query::After(1_793_491_200));
    assert_eq!(
        at("after:2026-11-01", new_york),
        Query::After(1_793_509_200)
    );
    assert_eq!(
        at("after:2028-02-29", jakarta()),
        Query::After(1_835_370_000)
    );
    // Times ago count from now, whatever the zone.
    const DAY: i64 = 86_400;
    let ago = [
        ("0d", 0),
        ("1d", DAY),
        ("7d", 7 * DAY),
        ("2w", 14 * DAY),
        ("3m", 90 * DAY),
        ("1y", 365 * DAY),
        ("10y", 3650 * DAY),
    ];
    for (value, back) in ago {
        for tz in [jakarta(), utc, new_york] {
            let after = at(&format!("after:{value}"), tz);
            assert_eq!(after, Query::After(NOW - back), "after:{value}");
            let before = at(&format!("before:{value}"), tz);
            assert_eq!(before, Query::Before(NOW - back), "before:{value}");
        }
    }
    // A window: after the first, before the second.
    assert_eq!(
        q("after:2026-11-01 before:2026-11-02"),
        Ok(and([
            Query::After(1_793_466_000),
            Query::Before(1_793_466_000 + DAY),
        ]))
    );
}

/// `And`/`Or` have two or more operands, none of their own kind; words are non-empty.
fn well_formed(q: &Query) {
    match q {
        Query::And(qs) | Query::Or(qs) => {
            assert!(qs.len() >= 2, "{q:?}");
            for sub in qs {
                assert_ne!(
                    std::mem::discriminant(sub),
                    std::mem::discriminant(q),
                    "{q:?}"
                );
                well_formed(sub);
            }
        }
        Query::Not(sub) => well_formed(sub),
        Query::Word { field, text } => {
            assert!(!text.is_empty());
            if *field == Field::Any {
                assert!(
                    !text.contains(char::is_whitespace) && text != "OR",
                    "{text:?}"
                );
            }
        }
        Query::Phrase { words, .. } => {
            assert!(!words.is_empty() && words.iter().all(|w| !w.is_empty()));
        }
        _ => {}
    }
}

fn never_panics(input: &str) {
    match parse(input, now(), jakarta()) {
        Ok(query) => well_formed(&query),
        Err(err) => {
            assert!(!err.message.is_empty());
            assert!(err.start <= err.end && err.end <= input.len(), "{err:?}");
            assert!(input.is_char_boundary(err.start), "{err:?}");
            assert!(input.is_char_boundary(err.end), "{err:?}");
            let pointer = err.pointer(input);
            let lines: Vec<&str> = pointer.split('\n').collect();
            assert_eq!(lines.len(), 2, "{pointer:?}");
            assert_eq!(lines[0].chars().count(), input.chars().count());
            assert!(lines[1].chars().count() <= input.chars().count() + 1);
        }
    }
}

/// Pieces of the language, so random queries reach past the first error.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just("-".to_string()),
        Just("OR".to_string()),
        Just(" ".to_string()),
        Just(":".to_string()),
        Just("from:".to_string()),
        Just("status:".to_string()),
        Just("after:".to_string()),
        Just("foo:".to_string()),
        Just("open".to_string()),
        Just("7d".to_string()),
        Just("2026-11-01".to_string()),
        Just("clôture".to_string()),
        Just("件名".to_string()),
        "\\PC{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        never_panics(&input);
    }

    #[test]
    fn language_soup_never_panics(input in soup()) {
        never_panics(&input);
    }

    #[test]
    fn plain_text_always_parses_to_its_words(
        words in prop::collection::vec("[\\p{L}\\p{N}][\\p{L}\\p{N}.@'-]{0,6}", 1..6)
    ) {
        prop_assume!(words.iter().all(|w| w != "OR"));
        let input = words.join(" ");
        let got = q(&input).unwrap();
        let want: Vec<Query> = words.iter().map(|t| w(t)).collect();
        if want.len() == 1 {
            prop_assert_eq!(got, want[0].clone());
        } else {
            prop_assert_eq!(got, Query::And(want));
        }
    }
}
