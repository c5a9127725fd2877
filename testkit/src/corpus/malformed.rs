//! Broken mail, each case built in code, for parser and import robustness tests.

/// One malformed message.
#[derive(Clone, Debug)]
pub struct Malformed {
    /// A short stable identifier ("no-date", "nested-60", …).
    pub name: &'static str,
    pub raw: Vec<u8>,
    /// One line: what a robust parser should still get out of it.
    pub expect: &'static str,
}

/// A well-formed header block (CRLF) with the given extra lines, used as a base for cases
/// that break only one thing.
fn headers(id: &str, subject: &str, extra: &[&str]) -> String {
    let mut h = format!(
        "Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Jean Dupont <jean.dupont@example.com>\r\nTo: support@acme.example\r\nSubject: {subject}\r\nMessage-ID: <{id}@malformed.example>\r\nMIME-Version: 1.0\r\n"
    );
    for line in extra {
        h.push_str(line);
        h.push_str("\r\n");
    }
    h
}

fn simple(id: &str, subject: &str, extra: &[&str], body: &str) -> Vec<u8> {
    let mut raw = headers(id, subject, extra);
    raw.push_str("\r\n");
    raw.push_str(body);
    raw.into_bytes()
}

fn case(name: &'static str, raw: Vec<u8>, expect: &'static str) -> Malformed {
    Malformed { name, raw, expect }
}

/// The malformed corpus: every case named, every case different.
pub fn malformed() -> Vec<Malformed> {
    let plain = "Content-Type: text/plain; charset=utf-8";
    let mut out = Vec::new();

    out.push(case(
        "headerless",
        b"the printer in room 4 is on fire again\r\nplease send help\r\n".to_vec(),
        "no headers at all: stored with no subject or sender; body text readable",
    ));
    out.push(case(
        "no-date",
        {
            let s = "From: Jean Dupont <jean.dupont@example.com>\r\nTo: support@acme.example\r\nSubject: Message without a date\r\nMessage-ID: <no-date@example.com>\r\nMIME-Version: 1.0\r\n\r\nNo Date header here.\r\n";
            s.as_bytes().to_vec()
        },
        "no Date: falls back to the arrival time; subject and sender readable",
    ));
    out.push(case(
        "date-1970",
        simple(
            "date-1970",
            "Epoch date",
            &[],
            "Sent by a device whose clock was reset.\r\n",
        )
        .replace_date("Thu, 01 Jan 1970 00:00:00 +0000"),
        "Date at the Unix epoch: kept or replaced by the arrival time, never a crash",
    ));
    out.push(case(
        "date-2999",
        simple(
            "date-2999",
            "Date far in the future",
            &[],
            "Clock skew from hell.\r\n",
        )
        .replace_date("Tue, 31 Dec 2999 23:59:59 +0000"),
        "Date in year 2999: does not sort above all real mail forever; subject readable",
    ));
    out.push(case(
        "date-garbage",
        simple(
            "date-garbage",
            "Unparseable date",
            &[],
            "The Date header is prose.\r\n",
        )
        .replace_date("next tuesday-ish, around lunch"),
        "unparseable Date: ignored (arrival time used); subject readable",
    ));
    out.push(case(
        "no-from",
        b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nTo: support@acme.example\r\nSubject: Who sent this?\r\nMessage-ID: <no-from@example.com>\r\nMIME-Version: 1.0\r\n\r\nThere is no From header.\r\n".to_vec(),
        "no From: listed with an unknown sender; subject and body readable",
    ));
    out.push(case(
        "charset-unknown",
        simple(
            "charset-unknown",
            "Unknown charset",
            &[
                "Content-Type: text/plain; charset=x-unknown",
                "Content-Transfer-Encoding: 8bit",
            ],
            "Plain ASCII text in an unknown charset, then caf\u{e9}.\r\n",
        ),
        "unknown charset: body shown via a fallback (UTF-8 or Latin-1), ASCII part intact",
    ));
    out.push(case(
        "charset-wrong",
        {
            let mut raw = headers(
                "charset-wrong",
                "Wrong charset label",
                &[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: 8bit",
                ],
            )
            .into_bytes();
            raw.extend_from_slice(
                b"\r\nLe probl\xe8me de factur\xe9 persiste, r\xe9ponse urgente.\r\n",
            );
            raw
        },
        "Latin-1 bytes labelled UTF-8: body readable, bad bytes become U+FFFD or are re-decoded",
    ));
    out.push(case(
        "header-invalid-utf8",
        {
            let mut raw = b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Bad \xff\xfe Bytes <bad@example.com>\r\nTo: support@acme.example\r\nSubject: Broken \xc3\x28 bytes \xe2\x82 here\r\nMessage-ID: <invalid-utf8@example.com>\r\nMIME-Version: 1.0\r\n\r\n".to_vec();
            raw.extend_from_slice(b"Headers contain invalid UTF-8.\r\n");
            raw
        },
        "invalid UTF-8 in headers: subject and sender readable with replacement characters",
    ));
    out.push(case(
        "nul-bytes",
        {
            let mut raw = b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Jean Dupont <jean.dupont@example.com>\r\nTo: support@acme.example\r\nSubject: Null\0in subject\r\nMessage-ID: <nul-bytes@example.com>\r\nMIME-Version: 1.0\r\n\r\n".to_vec();
            raw.extend_from_slice(b"Body with a NUL \0 in the middle.\r\n");
            raw
        },
        "NUL bytes in header and body: stripped or replaced; subject readable",
    ));
    out.push(case(
        "header-1mb",
        {
            let long = "x".repeat(1 << 20);
            let line = format!("X-Huge: {long}");
            simple(
                "header-1mb",
                "Huge header line",
                &[line.as_str()],
                "One header line is 1 MB.\r\n",
            )
        },
        "a 1 MB header line: stored; other headers and body still readable; memory bounded",
    ));
    out.push(case(
        "headers-5000",
        {
            let lines: Vec<String> = (0..5000)
                .map(|i| format!("X-Filler-{i}: value {i}"))
                .collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            simple(
                "headers-5000",
                "Five thousand headers",
                &refs,
                "Lots of headers above.\r\n",
            )
        },
        "5,000 header lines: subject and sender still found",
    ));
    out.push(case(
        "mime-unclosed",
        simple(
            "mime-unclosed",
            "Boundary never closed",
            &["Content-Type: multipart/mixed; boundary=\"b1\""],
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFirst part text.\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSecond part, and then the message just ends.\r\n",
        ),
        "closing boundary missing: parts up to the end still readable",
    ));
    out.push(case(
        "mime-no-boundary",
        simple(
            "mime-no-boundary",
            "Multipart without boundary",
            &["Content-Type: multipart/mixed"],
            "--whatever\r\nContent-Type: text/plain\r\n\r\nThere is no boundary parameter.\r\n--whatever--\r\n",
        ),
        "multipart without a boundary parameter: treated as one text body, no crash",
    ));
    out.push(case(
        "mime-nested-60",
        {
            let depth = 60;
            let mut body = String::new();
            for i in 0..depth {
                body.push_str(&format!(
                    "--n{i}\r\nContent-Type: multipart/mixed; boundary=\"n{}\"\r\n\r\n",
                    i + 1
                ));
            }
            body.push_str(&format!(
                "--n{depth}\r\n{plain}\r\n\r\nThe innermost text, sixty levels down.\r\n--n{depth}--\r\n"
            ));
            for i in (0..depth).rev() {
                body.push_str(&format!("--n{i}--\r\n"));
            }
            simple(
                "mime-nested-60",
                "Nested sixty levels",
                &["Content-Type: multipart/mixed; boundary=\"n0\""],
                &body,
            )
        },
        "MIME nested 60 deep: no stack overflow; headers readable (innermost text may be dropped)",
    ));
    out.push(case(
        "base64-bad",
        simple(
            "base64-bad",
            "Bad base64",
            &[plain, "Content-Transfer-Encoding: base64"],
            "SGVsbG8gd29ybGQh!!!*** not base64 at all ===\r\nSGVsbG8\r\n=\r\nQUJD\r\n",
        ),
        "invalid base64: decodes what it can (or shows raw), no crash",
    ));
    out.push(case(
        "qp-bad",
        simple(
            "qp-bad",
            "Bad quoted-printable",
            &[plain, "Content-Transfer-Encoding: quoted-printable"],
            "Broken escapes =ZZ and =4 and =\r\nsoft break then a lone = at the end =\r\ncaf=C3=A9 is fine.=",
        ),
        "invalid quoted-printable: bad escapes kept literally, valid ones decoded",
    ));
    out.push(case(
        "lf-only",
        b"Date: Tue, 3 Mar 2026 10:15:00 +0100\nFrom: Jean Dupont <jean.dupont@example.com>\nTo: support@acme.example\nSubject: Unix line endings\nMessage-ID: <lf-only@example.com>\nMIME-Version: 1.0\n\nEvery line ends in LF only.\nSecond line.\n".to_vec(),
        "LF-only line endings: parsed exactly like CRLF",
    ));
    out.push(case(
        "mixed-line-endings",
        b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Jean Dupont <jean.dupont@example.com>\nTo: support@acme.example\rSubject: Mixed endings\r\nMessage-ID: <mixed-eol@example.com>\nMIME-Version: 1.0\r\n\nCRLF, LF and a lone CR\rall in one message.\r\n".to_vec(),
        "mixed CR/LF/CRLF: sender and body readable; subject if the lone CR is taken as a break",
    ));
    out.push(case(
        "near-empty",
        b"X: y\r\n\r\n".to_vec(),
        "one meaningless header and no body: stored, listed with no subject or sender",
    ));
    out.push(case(
        "header-no-colon",
        {
            let s = "Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Jean Dupont <jean.dupont@example.com>\r\nThis line is not a header\r\nTo: support@acme.example\r\nSubject: Header without colon\r\nMessage-ID: <no-colon@example.com>\r\n\r\nBody.\r\n";
            s.as_bytes().to_vec()
        },
        "a header line without a colon: Date and From readable; later headers kept or body starts there",
    ));
    out.push(case(
        "subject-8bit",
        {
            let mut raw = b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: H\xc3\xa9l\xc3\xa8ne Moreau <helene@example.fr>\r\nTo: support@acme.example\r\n".to_vec();
            raw.extend_from_slice("Subject: Problème de clôture, réponse svp\r\n".as_bytes());
            raw.extend_from_slice(b"Message-ID: <subject-8bit@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSujet en UTF-8 brut, sans RFC 2047.\r\n");
            raw
        },
        "raw UTF-8 subject and name without RFC 2047: decoded as UTF-8",
    ));
    out.push(case(
        "subject-8bit-latin1",
        {
            let mut raw = b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: support-fan@example.fr\r\nTo: support@acme.example\r\n".to_vec();
            raw.extend_from_slice(b"Subject: Factur\xe9 deux fois\r\n");
            raw.extend_from_slice(b"Message-ID: <subject-latin1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nD\xe9j\xe0 pay\xe9.\r\n");
            raw
        },
        "raw Latin-1 subject bytes: readable (Latin-1 fallback or replacement characters)",
    ));
    out.push(case(
        "message-id-duplicate",
        simple(
            "message-id-duplicate",
            "Two Message-IDs",
            &["Message-ID: <second-id@example.com>"],
            "This message has two Message-ID headers.\r\n",
        ),
        "duplicate Message-ID headers: one chosen deterministically (the first)",
    ));
    out.push(case(
        "message-id-bare",
        b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\nFrom: Jean Dupont <jean.dupont@example.com>\r\nTo: support@acme.example\r\nSubject: Message-ID without brackets\r\nMessage-ID: bare-id-1234@example.com\r\nIn-Reply-To: also-bare@example.com\r\nMIME-Version: 1.0\r\n\r\nBody.\r\n".to_vec(),
        "Message-ID and In-Reply-To without angle brackets: ids still extracted for threading",
    ));
    out.push(case(
        "encoded-word-broken",
        simple(
            "encoded-word-broken",
            "=?utf-8?B?not*valid*base64?= and =?x-unknown?Q?caf=E9?= and =?utf-8?Q?unterminated",
            &[],
            "Encoded words in the subject are broken.\r\n",
        ),
        "broken RFC 2047 words: shown raw or partly decoded; the rest of the subject readable",
    ));
    out.push(case(
        "references-garbage",
        simple(
            "references-garbage",
            "Junk in References",
            &[
                "In-Reply-To: <<<>>> not an id",
                "References: <a@b> garbage <c@d",
            ],
            "Threading headers are junk.\r\n",
        ),
        "junk In-Reply-To/References: valid ids kept, junk ignored, no crash",
    ));
    out.push(case(
        "content-type-garbage",
        simple(
            "content-type-garbage",
            "Unparseable Content-Type",
            &[
                "Content-Type: ;;;===\"unterminated",
                "Content-Transfer-Encoding: rot13",
            ],
            "Content-Type and encoding are nonsense.\r\n",
        ),
        "nonsense Content-Type and unknown transfer encoding: body shown as plain text",
    ));
    out
}

/// Replaces the Date header of a message built by [`simple`].
trait ReplaceDate {
    fn replace_date(self, date: &str) -> Vec<u8>;
}

impl ReplaceDate for Vec<u8> {
    fn replace_date(self, date: &str) -> Vec<u8> {
        let text = String::from_utf8_lossy(&self).into_owned();
        text.replacen("Tue, 3 Mar 2026 10:15:00 +0100", date, 1)
            .into_bytes()
    }
}
