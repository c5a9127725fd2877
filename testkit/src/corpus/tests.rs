use std::collections::{HashMap, HashSet};

use mail_parser::MessageParser;

use super::people::Lang;
use super::*;

fn spec(messages: usize, seed: u64) -> Spec {
    Spec {
        messages,
        seed,
        ..Spec::default()
    }
}

/// The header block (unfolded lines) of a raw message.
fn header_lines(raw: &[u8]) -> Vec<String> {
    let end = find(raw, b"\r\n\r\n").expect("header block ends with CRLF CRLF");
    let text = String::from_utf8_lossy(&raw[..end]);
    let mut lines: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = lines.last_mut() {
                last.push_str(line);
            }
        } else {
            lines.push(line.to_string());
        }
    }
    lines
}

fn has_header(lines: &[String], name: &str) -> bool {
    lines.iter().any(|l| {
        l.split_once(':')
            .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn default_spec_starts_on_monday_morning() {
    let s = Spec::default();
    assert_eq!(
        s.start,
        enc::days_from_civil(2026, 1, 5) * 86_400 + 9 * 3600
    );
    assert_eq!(
        enc::rfc5322_date(s.start, 60, DateStyle::Plain),
        "Mon, 5 Jan 2026 10:00:00 +0100"
    );
    assert_eq!((s.messages, s.seed, s.span_days), (1000, 1, 300));
    assert_eq!(s.team_domain, "acme.example");
}

#[test]
fn encoders_round_trip_through_mail_parser() {
    // Quoted-printable: long lines, trailing spaces, '=' and UTF-8.
    let text = format!(
        "{} \r\ncafé = 1 \t\r\n{}\r\n",
        "x".repeat(200),
        "é".repeat(60)
    );
    let qp = enc::quoted_printable(text.as_bytes());
    assert!(qp.split("\r\n").all(|l| l.len() <= 76), "{qp}");
    let raw = format!(
        "Subject: {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{qp}",
        enc::encoded_words_after(
            &"Problème de clôture — réponse ".repeat(4),
            Charset::Utf8,
            true,
            9
        )
    );
    let m = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parses");
    assert_eq!(m.body_text(0).as_deref(), Some(text.as_str()));
    assert_eq!(
        m.subject(),
        Some("Problème de clôture — réponse ".repeat(4).as_str())
    );
    for line in raw.split("\r\n") {
        assert!(line.len() <= 78, "{line}");
    }
    assert_eq!(enc::base64(b"hello!?"), "aGVsbG8hPw==");
    let latin = enc::encoded_words("Facturé deux fois", Charset::Latin1, false);
    assert!(latin.starts_with("=?ISO-8859-1?B?"), "{latin}");
}

#[test]
fn same_seed_same_bytes_and_different_seed_different_bytes() {
    let a: Vec<Message> = generate(&spec(3000, 7)).collect();
    let b: Vec<Message> = generate(&spec(3000, 7)).collect();
    assert_eq!(a.len(), 3000);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.raw, y.raw);
        assert_eq!(
            (x.folder, x.conversation, x.date),
            (y.folder, y.conversation, y.date)
        );
        assert_eq!(x.message_id, y.message_id);
    }
    let c: Vec<Message> = generate(&spec(3000, 8)).take(50).collect();
    assert!(a.iter().zip(&c).filter(|(x, y)| x.raw != y.raw).count() > 45);
}

#[test]
fn exact_count_time_order_and_span() {
    for n in [0usize, 1, 2, 7, 500] {
        assert_eq!(generate(&spec(n, 3)).count(), n, "n = {n}");
    }
    let s = spec(5000, 11);
    let mut last = i64::MIN;
    let mut first = None;
    for m in generate(&s) {
        first.get_or_insert(m.date);
        assert!(m.date >= last, "dates must not go backwards");
        last = m.date;
    }
    assert_eq!(first, Some(s.start));
    let span = i64::from(s.span_days) * 86_400;
    assert!(last > s.start + span * 9 / 10 && last < s.start + span + 40 * 86_400);
}

/// Generates 20,000 messages and checks every rate the corpus promises, plus structure and
/// decoding of every message through mail-parser.
#[test]
fn twenty_thousand_messages_have_the_promised_properties() {
    let n = 20_000usize;
    let s = spec(n, 1);
    let mut g = Generator::new(s.clone());
    let parser = MessageParser::default();

    let mut bytes = 0usize;
    let mut ticket = 0usize;
    let mut non_ticket = HashMap::<&str, usize>::new();
    let mut langs = HashMap::<Lang, usize>::new();
    let (mut replies, mut no_refs, mut irt_only) = (0usize, 0usize, 0usize);
    let (mut no_id, mut attachments, mut html_only, mut alternative, mut latin1) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let (mut encoded_subject, mut encoded_name, mut qp, mut b64) = (0usize, 0usize, 0usize, 0usize);
    let mut quoted_replies = 0usize;
    let mut ids = HashSet::new();
    let mut folders = HashMap::<Folder, usize>::new();
    let mut first_subjects = HashMap::<String, HashSet<u32>>::new();
    let mut changed = HashSet::new();
    let mut conversations = HashSet::new();
    let mut max_open = 0usize;
    let mut to_billing = 0usize;
    let mut latin1_accented = 0usize;

    while let Some((m, meta)) = g.next_with_meta() {
        max_open = max_open.max(g.open_conversations());
        bytes += m.raw.len();
        conversations.insert(m.conversation);
        *folders.entry(m.folder).or_default() += 1;

        // Structure: CRLF only, a header block, short enough lines, the required headers.
        assert!(!m.raw.is_empty());
        for (i, &b) in m.raw.iter().enumerate() {
            if b == b'\n' {
                assert!(
                    i > 0 && m.raw[i - 1] == b'\r',
                    "bare LF in message {}",
                    m.conversation
                );
            }
            if b == b'\r' {
                assert_eq!(m.raw.get(i + 1), Some(&b'\n'), "bare CR");
            }
            assert_ne!(b, 0, "NUL byte");
        }
        for line in m.raw.split(|&b| b == b'\n') {
            assert!(line.len() <= 1000, "line of {} bytes", line.len());
        }
        let head = &m.raw[..find(&m.raw, b"\r\n\r\n").unwrap_or(0)];
        for line in head.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if find(line, b"=?").is_some() {
                assert!(
                    line.len() <= 78,
                    "encoded-word line too long: {}",
                    String::from_utf8_lossy(line)
                );
            }
        }
        let lines = header_lines(&m.raw);
        for l in &lines {
            let (name, _) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("not a header: {l:?}"));
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':'),
                "bad header name {name:?}"
            );
            assert!(l.is_ascii(), "8-bit header: {l}");
        }
        for h in ["Date", "From", "To", "Subject", "MIME-Version"] {
            assert!(has_header(&lines, h), "missing {h}");
        }
        assert_eq!(has_header(&lines, "Message-ID"), m.message_id.is_some());
        if let Some(id) = &m.message_id {
            assert!(ids.insert(id.clone()), "duplicate Message-ID {id}");
        }

        // Decoding through a real parser.
        let p = parser.parse(&m.raw[..]).expect("mail-parser parses it");
        assert_eq!(
            p.subject(),
            Some(meta.subject.as_str()),
            "subject decodes back"
        );
        assert_eq!(
            p.date().map(|d| d.to_timestamp()),
            Some(m.date),
            "date decodes back"
        );
        assert!(
            p.from()
                .and_then(|f| f.first())
                .and_then(|a| a.address())
                .is_some()
        );
        assert_eq!(p.message_id(), m.message_id.as_deref());
        let text = p.body_text(0).unwrap_or_default();
        assert!(!text.trim().is_empty() || meta.shape == Shape::HtmlOnly);
        if meta.kind == Kind::Ticket {
            assert_eq!(
                p.attachment_count() > 0,
                meta.attachment,
                "attachment count of {:?} {}",
                meta.shape,
                String::from_utf8_lossy(&m.raw)
            );
        }
        if p.subject().is_some_and(|s| !s.is_ascii()) {
            encoded_subject += 1;
        }
        if p.from()
            .and_then(|f| f.first())
            .and_then(|a| a.name())
            .is_some_and(|n| !n.is_ascii())
        {
            encoded_name += 1;
        }
        let raw_text = String::from_utf8_lossy(&m.raw);
        if raw_text.contains("Content-Transfer-Encoding: quoted-printable") {
            qp += 1;
        }
        if raw_text.contains("Content-Transfer-Encoding: base64") {
            b64 += 1;
        }
        if m.message_id.is_none() {
            no_id += 1;
        }

        match meta.kind {
            Kind::Ticket => {
                ticket += 1;
                *langs.entry(meta.lang).or_default() += 1;
                if meta.attachment {
                    attachments += 1;
                }
                match meta.shape {
                    Shape::HtmlOnly => html_only += 1,
                    Shape::Alternative => alternative += 1,
                    _ => {}
                }
                if meta.latin1 {
                    latin1 += 1;
                    if !text.is_ascii() {
                        latin1_accented += 1;
                        assert!(
                            text.chars().any(|c| ('\u{c0}'..='\u{ff}').contains(&c))
                                && !text.contains('\u{fffd}'),
                            "Latin-1 text decodes to accented French: {text}"
                        );
                    }
                }
                if raw_text.contains(&format!("To: billing@{}", s.team_domain))
                    || raw_text.contains(&format!("<billing@{}>", s.team_domain))
                {
                    to_billing += 1;
                }
                if meta.refs == Refs::NotAReply {
                    first_subjects
                        .entry(meta.subject.clone())
                        .or_default()
                        .insert(m.conversation);
                    assert!(
                        !has_header(&lines, "In-Reply-To") && !has_header(&lines, "References")
                    );
                } else {
                    replies += 1;
                    let irt = has_header(&lines, "In-Reply-To");
                    let refs = has_header(&lines, "References");
                    if !irt && !refs {
                        no_refs += 1;
                    }
                    if irt && !refs {
                        irt_only += 1;
                    }
                    let body = if meta.shape == Shape::HtmlOnly {
                        p.body_html(0).unwrap_or_default().into_owned()
                    } else {
                        text.to_string()
                    };
                    let marker = match meta.lang {
                        Lang::En => " wrote:",
                        Lang::Fr => " a écrit :",
                        Lang::Id => " menulis:",
                    };
                    if body.contains(marker) {
                        quoted_replies += 1;
                    }
                }
                if meta.subject_changed {
                    changed.insert(m.conversation);
                }
            }
            kind => {
                assert_eq!(m.folder, Folder::Inbox);
                let (key, header) = match kind {
                    Kind::AutoReply => ("auto-reply", "Auto-Submitted"),
                    Kind::Bounce => ("bounce", "Auto-Submitted"),
                    _ => ("list", "List-Id"),
                };
                assert!(has_header(&lines, header), "{key} lacks {header}");
                if kind == Kind::Bounce {
                    assert!(raw_text.contains("report-type=delivery-status"));
                    assert!(raw_text.to_ascii_lowercase().contains("mailer-daemon@"));
                }
                *non_ticket.entry(key).or_default() += 1;
            }
        }
    }

    let frac = |x: usize, of: usize| x as f64 / of.max(1) as f64;
    let total_non_ticket: usize = non_ticket.values().sum();
    let shared = first_subjects.values().filter(|c| c.len() >= 10).count();
    println!(
        "corpus: {n} messages, {bytes} bytes, average {:.0} B; {} conversations; max open {max_open}",
        bytes as f64 / n as f64,
        conversations.len()
    );
    println!(
        "folders {folders:?}; languages en {:.3} fr {:.3} id {:.3}",
        frac(langs[&Lang::En], ticket),
        frac(langs[&Lang::Fr], ticket),
        frac(langs[&Lang::Id], ticket)
    );
    println!(
        "replies {replies}: no refs {:.3}, In-Reply-To only {:.3}, quoted {:.3}",
        frac(no_refs, replies),
        frac(irt_only, replies),
        frac(quoted_replies, replies)
    );
    println!(
        "no Message-ID {:.4}; attachments {:.4}; html-only {:.4}; alternative {:.3}; latin-1 {:.4}; to billing@ {:.3}",
        frac(no_id, n),
        frac(attachments, ticket),
        frac(html_only, ticket),
        frac(alternative, ticket),
        frac(latin1, ticket),
        frac(to_billing, ticket)
    );
    println!(
        "non-ticket {:.4} {non_ticket:?}; encoded subjects {:.3}, encoded names {:.3}; qp {:.3}, base64 {:.3}; subjects shared by >=10 conversations: {shared}; subject changes {:.4}",
        frac(total_non_ticket, n),
        frac(encoded_subject, n),
        frac(encoded_name, n),
        frac(qp, n),
        frac(b64, n),
        frac(changed.len(), conversations.len())
    );

    let within = |name: &str, v: f64, lo: f64, hi: f64| {
        assert!(v >= lo && v <= hi, "{name} = {v:.4}, want {lo}..={hi}");
    };
    within("no refs", frac(no_refs, replies), 0.05, 0.10);
    within("In-Reply-To only", frac(irt_only, replies), 0.07, 0.13);
    within("quoted replies", frac(quoted_replies, replies), 0.97, 1.0);
    within("no Message-ID", frac(no_id, n), 0.01, 0.04);
    within("attachments", frac(attachments, ticket), 0.01, 0.04);
    within("html-only", frac(html_only, ticket), 0.01, 0.05);
    within("alternative", frac(alternative, ticket), 0.12, 0.5);
    within("latin-1", frac(latin1, ticket), 0.01, 0.06);
    assert!(
        latin1_accented > latin1 / 4,
        "Latin-1 bodies with accents: {latin1_accented}"
    );
    within("english", frac(langs[&Lang::En], ticket), 0.55, 0.65);
    within("french", frac(langs[&Lang::Fr], ticket), 0.15, 0.25);
    within("indonesian", frac(langs[&Lang::Id], ticket), 0.15, 0.25);
    within("non-ticket", frac(total_non_ticket, n), 0.02, 0.045);
    for key in ["auto-reply", "bounce", "list"] {
        assert!(
            non_ticket.get(key).copied().unwrap_or(0) > 50,
            "too few {key}"
        );
    }
    within(
        "subject changes",
        frac(changed.len(), conversations.len()),
        0.01,
        0.06,
    );
    within("to billing@", frac(to_billing, ticket), 0.03, 0.3);
    within("average size", bytes as f64 / n as f64, 800.0, 1300.0);
    assert!(encoded_subject > n / 50 && encoded_name > n / 50);
    assert!(qp > n / 20 && b64 > n / 50);
    assert!(
        shared >= 10,
        "subjects shared by many conversations: {shared}"
    );
    assert!(folders[&Folder::Sent] > n / 3 && folders[&Folder::Inbox] > n / 3);
    assert!(
        max_open < 3000,
        "streaming keeps few conversations open: {max_open}"
    );
}

#[test]
fn conversations_link_up_through_their_headers() {
    // Every In-Reply-To / References id points at an earlier message of the same
    // conversation (or, for auto-replies, at a team message).
    let mut owner = HashMap::<String, u32>::new();
    for m in generate(&spec(4000, 5)) {
        let lines = header_lines(&m.raw);
        for l in &lines {
            let Some((name, value)) = l.split_once(':') else {
                continue;
            };
            if name.eq_ignore_ascii_case("In-Reply-To") || name.eq_ignore_ascii_case("References") {
                for id in value.split(['<', '>', ' ']).filter(|s| s.contains('@')) {
                    let conv = owner.get(id).copied();
                    assert!(conv.is_some(), "reference to an unknown id {id}");
                    let auto = has_header(&lines, "Auto-Submitted");
                    assert!(
                        auto || conv == Some(m.conversation),
                        "reference across conversations"
                    );
                }
            }
        }
        if let Some(id) = m.message_id {
            owner.insert(id, m.conversation);
        }
    }
}

#[test]
fn streaming_does_not_hold_the_corpus() {
    // 30,000 messages pass through one at a time; only open conversations are kept.
    let mut g = Generator::new(spec(30_000, 2));
    let (mut count, mut max_open) = (0usize, 0usize);
    while let Some((m, _)) = g.next_with_meta() {
        count += 1;
        max_open = max_open.max(g.open_conversations());
        drop(m);
    }
    assert_eq!(count, 30_000);
    assert!(max_open < 1500, "open conversations peaked at {max_open}");
}

#[test]
fn malformed_corpus_is_complete_and_parsable() {
    let cases = malformed();
    assert!(cases.len() >= 18, "{} cases", cases.len());
    let names: HashSet<&str> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), cases.len(), "names are unique");
    for required in [
        "headerless",
        "no-date",
        "date-1970",
        "date-2999",
        "date-garbage",
        "no-from",
        "charset-unknown",
        "charset-wrong",
        "header-invalid-utf8",
        "nul-bytes",
        "header-1mb",
        "headers-5000",
        "mime-unclosed",
        "mime-no-boundary",
        "mime-nested-60",
        "base64-bad",
        "qp-bad",
        "lf-only",
        "mixed-line-endings",
        "near-empty",
        "header-no-colon",
        "subject-8bit",
        "message-id-duplicate",
        "message-id-bare",
    ] {
        assert!(names.contains(required), "missing case {required}");
    }
    let get = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.raw[..])
            .unwrap_or_default()
    };
    assert_eq!(get("near-empty"), b"X: y\r\n\r\n");
    assert!(
        get("header-1mb")
            .split(|&b| b == b'\n')
            .any(|l| l.len() > 1 << 20)
    );
    assert!(get("headers-5000").split(|&b| b == b'\n').count() > 5000);
    assert!(get("nul-bytes").contains(&0));
    assert!(!get("lf-only").contains(&b'\r'));
    assert!(std::str::from_utf8(get("header-invalid-utf8")).is_err());
    assert!(std::str::from_utf8(get("charset-wrong")).is_err());
    assert!(String::from_utf8_lossy(get("date-2999")).contains("2999"));
    assert_eq!(
        String::from_utf8_lossy(get("message-id-duplicate"))
            .matches("Message-ID:")
            .count(),
        2
    );
    assert_eq!(
        String::from_utf8_lossy(get("mime-nested-60"))
            .matches("multipart/mixed")
            .count(),
        61
    );
    let parser = MessageParser::default();
    for c in &cases {
        assert!(!c.raw.is_empty() && !c.expect.is_empty() && !c.expect.contains('\n'));
        // A robust parser must not panic on any of them.
        let parsed = parser.parse(&c.raw[..]);
        println!(
            "{:22} {:>8} bytes  parsed: {}",
            c.name,
            c.raw.len(),
            parsed.is_some()
        );
    }
}
