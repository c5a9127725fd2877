use super::*;

const H: [u8; 16] = [7; 16];

fn p(raw: &str) -> MessageRecord {
    parse(raw.as_bytes(), &H, Some(1_700_000_000)).record
}

#[test]
fn ordinary_reply_keeps_threading_headers_and_addresses() {
    let m = p(
        "Message-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\nReferences: <root@x> <a@x>\r\n\
               From: \"Ana Dupont\" <Ana@Client.example>\r\nTo: support@acme.example\r\n\
               Subject: Re: Problème de clôture\r\nDate: Tue, 14 Nov 2023 10:00:00 +0000\r\n\r\nMerci !\r\n> old\r\n",
    );
    assert_eq!(m.message_id, "b@x");
    assert_eq!(m.in_reply_to, vec!["a@x"]);
    assert_eq!(m.references, vec!["root@x", "a@x"]);
    assert_eq!(m.from[0].email, "ana@client.example");
    assert_eq!(m.from[0].name.as_deref(), Some("Ana Dupont"));
    assert_eq!(m.subject, "Re: Problème de clôture");
    assert_eq!(m.date_source, DateSource::Header);
    assert_eq!(m.snippet, "Merci !");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn filing_date_table() {
    let i = Some(1_700_000_000);
    let cases = [
        (Some(1_699_990_000), i, 1_699_990_000, DateSource::Header),
        (None, i, 1_700_000_000, DateSource::Internal),
        (Some(0), i, 1_700_000_000, DateSource::Internal),
        (Some(32_503_680_000), i, 1_700_000_000, DateSource::Internal),
        (Some(1_700_100_000), i, 1_700_100_000, DateSource::Header),
        (Some(1_699_990_000), None, 1_699_990_000, DateSource::Header),
        (None, None, 0, DateSource::Unknown),
    ];
    for (header, internal, want, source) in cases {
        assert_eq!(
            filing_date(header, internal),
            (want, source),
            "{header:?} {internal:?}"
        );
    }
}

#[test]
fn missing_message_id_gets_a_stable_synthetic_one() {
    let a = p("From: a@b.example\r\nSubject: hi\r\n\r\nbody");
    let b = p("From: a@b.example\r\nSubject: hi\r\n\r\nbody");
    assert!(a.synthetic_id);
    assert_eq!(a.message_id, b.message_id);
    assert!(a.message_id.ends_with("@siphon.invalid"));
}

#[test]
fn html_only_mail_gets_a_text_body() {
    let m = parse(
        b"From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>there</b></p>",
        &H,
        None,
    );
    assert!(m.text.contains("Hello"), "{}", m.text);
    assert!(!m.text.contains("<b>"));
    assert!(
        m.record.snippet.starts_with("Hello"),
        "{}",
        m.record.snippet
    );
}

#[test]
fn bulk_signals_are_kept() {
    let m = p(
        "From: news@list.example\r\nPrecedence: bulk\r\nList-Id: <news.list.example>\r\n\
               List-Unsubscribe: <mailto:u@list.example>\r\nAuto-Submitted: auto-generated\r\n\r\nx",
    );
    assert_eq!(m.precedence.as_deref(), Some("bulk"));
    assert_eq!(m.list_id.as_deref(), Some("<news.list.example>"));
    assert!(m.list_unsubscribe.is_some());
    assert_eq!(m.auto_submitted.as_deref(), Some("auto-generated"));
}

#[test]
fn attachments_are_listed_by_name_and_type() {
    let m = p(
        "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n\
               Content-Type: text/plain\r\n\r\nsee log\r\n--XX\r\nContent-Type: text/plain\r\n\
               Content-Disposition: attachment; filename=\"app.log\"\r\n\r\nERROR 502\r\n--XX--\r\n",
    );
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "app.log");
    assert_eq!(m.attachments[0].mime, "text/plain");
}

#[test]
fn nul_bytes_are_reported_not_fatal() {
    let m = parse(
        b"From: a@b.example\r\nSubject: x\0y\r\n\r\nbo\0dy",
        &H,
        None,
    );
    assert!(m.record.problems.iter().any(|p| p.contains("NUL")));
}

#[test]
fn snippet_skips_quotes_and_is_bounded() {
    let long = "word ".repeat(200);
    assert_eq!(snippet(&format!("> quoted\n\n{long}")).chars().count(), 200);
}

#[test]
fn organisation_is_the_domain_unless_free_mail() {
    assert_eq!(organisation("ana@client.example"), Some("client.example"));
    assert_eq!(organisation("bob@Gmail.com"), None);
    assert_eq!(organisation("no-at-sign"), None);
}
