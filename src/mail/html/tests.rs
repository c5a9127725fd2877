use std::borrow::Cow;

use super::markup::{MAX_DEPTH, limit_nesting};
use super::text::base64;
use super::token::{Kind, attributes, tokens};
use super::*;

const BLOCKED: Options = Options {
    load_remote_images: false,
};
const ALLOWED: Options = Options {
    load_remote_images: true,
};

fn no_cid(_: &str) -> Option<(String, Vec<u8>)> {
    None
}

fn clean(html: &str) -> String {
    sanitize(html, &no_cid, &BLOCKED).0
}

fn html_mail(body: &str) -> Vec<u8> {
    format!(
        "From: Ana <ana@client.example>\r\nTo: support@acme.example\r\nSubject: Hi\r\n\
         Message-ID: <m@client.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn text_mail(body: &str) -> Vec<u8> {
    format!(
        "From: Ana <ana@client.example>\r\nSubject: Hi\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// The markup between `<body …>` and `</body>`.
fn body(document: &str) -> &str {
    let start = document.find("<body").expect("a body");
    let start = start + document[start..].find('>').expect("a body tag") + 1;
    let end = document.rfind("</body>").expect("a closed body");
    &document[start..end]
}

/// (Before the fold, inside it) of a rendered body; panics when nothing was folded.
fn folded(markup: &str) -> (&str, &str) {
    let (new, rest) = markup.split_once(FOLD_OPEN).expect("quoted history folded");
    let quoted = rest
        .strip_suffix(FOLD_CLOSE)
        .expect("the fold closes at the end");
    (new, quoted)
}

/// Nothing in the markup can run, and nothing can load from 127.0.0.1: the address may only
/// be a link's target (and its title).
fn assert_inert(markup: &str) {
    let lower = markup.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "<svg",
        "<math",
        "<form",
        "<input",
        "<button",
        "<iframe",
        "<object",
        "<embed",
        "<base",
        "<link",
        "<meta",
        "<style",
        "<video",
        "<audio",
        "http-equiv",
        "srcset",
        "background=",
        "poster=",
        "ping=",
        "url(",
        "@import",
        "mglyph",
    ] {
        assert!(!lower.contains(bad), "{bad} in {markup}");
    }
    for t in tokens(markup) {
        let tag = &markup[t.raw.clone()];
        if t.kind != Kind::Start {
            continue;
        }
        for (name, value) in attributes(tag) {
            assert!(!name.starts_with("on"), "event handler in {tag}");
            if value.contains("127.0.0.1") {
                assert!(
                    t.name == "a" && matches!(name, "href" | "title"),
                    "{name} loads from 127.0.0.1 in {tag}"
                );
            }
        }
    }
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"java&#x0A;script:alert(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.1:9/\">",
    "<link rel=stylesheet href=http://127.0.0.1:9/s.css>",
    "<style>@import url(http://127.0.0.1:9/s.css); body{background:url(http://127.0.0.1:9/b)}</style>",
    "<p style=\"background:url(http://127.0.0.1:9/x)\">styled</p>",
    "<p style=\"background-image:url('http://127.0.0.1:9/y')\">styled</p>",
    "<p style=\"background:-webkit-image-set('http://127.0.0.1:9/z' 1x)\">styled</p>",
    "<p style=\"color:red;background:u\\72l(http://127.0.0.1:9/e)\">escaped</p>",
    "<img srcset=\"http://127.0.0.1:9/a 2x\">",
    "<form action=http://127.0.0.1:9/><input name=q><button formaction=http://127.0.0.1:9/>go</button></form>",
    "<iframe src=http://127.0.0.1:9/></iframe>",
    "<object data=http://127.0.0.1:9/o></object><embed src=http://127.0.0.1:9/e>",
    "<base href=http://127.0.0.1:9/>",
    "<body background=http://127.0.0.1:9/bg.png>text</body>",
    "<table background=http://127.0.0.1:9/t.png><tr><td background=http://127.0.0.1:9/c.png>cell</td></tr></table>",
    "<video poster=http://127.0.0.1:9/p.png src=http://127.0.0.1:9/v.mp4></video>",
    "<a href=\"http://127.0.0.1:9/\" ping=\"http://127.0.0.1:9/ping\">link</a>",
    "<img src=http://127.0.0.1:9/pixel.gif>",
    "<img src=//127.0.0.1:9/relative.gif>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<div onclick=alert(1) onmouseover=alert(1)>hover</div>",
];

#[test]
fn every_hostile_payload_is_inert() {
    for payload in HOSTILE {
        let r = render(&html_mail(&format!("<p>Hello</p>{payload}")), &BLOCKED);
        assert!(r.html, "{payload}");
        assert_inert(body(&r.document));
        assert!(
            body(&r.document).contains("<p>Hello</p>"),
            "{payload}: {}",
            r.document
        );
        let (fragment, _) = sanitize(payload, &no_cid, &BLOCKED);
        assert_inert(&fragment);
    }
    let all = HOSTILE.concat();
    let r = render(&html_mail(&all), &BLOCKED);
    assert_inert(body(&r.document));
}

#[test]
fn remote_images_allowed_still_leave_no_script_or_other_loads() {
    for payload in HOSTILE {
        let (fragment, _) = sanitize(payload, &no_cid, &ALLOWED);
        // Allowed: a plain http <img src>. Everything else stays as inert as when blocked.
        let without_img: String = tokens(&fragment)
            .iter()
            .filter(|t| !(t.kind == Kind::Start && t.name == "img"))
            .map(|t| &fragment[t.raw.clone()])
            .collect();
        assert_inert(&without_img);
        assert!(!fragment.contains("onerror"), "{fragment}");
    }
}

#[test]
fn mxss_through_math_and_style_leaves_nothing() {
    let out = clean("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>");
    assert_eq!(out, "");
}

#[test]
fn links_keep_http_and_mailto_show_their_target_and_never_open_windows() {
    assert_eq!(
        clean(
            "<a href=\"https://acme.example/x?a=1&amp;b=2\" title=\"Your bank\" target=\"_blank\" \
             ping=\"http://127.0.0.1:9/\">x</a>"
        ),
        "<a href=\"https://acme.example/x?a=1&amp;b=2\" rel=\"noopener noreferrer\" \
         title=\"https://acme.example/x?a=1&amp;b=2\">x</a>"
    );
    assert_eq!(
        clean("<a href=\"mailto:ana@client.example\">Ana</a>"),
        "<a href=\"mailto:ana@client.example\" rel=\"noopener noreferrer\" \
         title=\"mailto:ana@client.example\">Ana</a>"
    );
    for href in [
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "/relative",
        "#top",
    ] {
        assert_eq!(
            clean(&format!("<a href=\"{href}\">x</a>")),
            "<a rel=\"noopener noreferrer\">x</a>",
            "{href}"
        );
    }
}

#[test]
fn remote_images_are_blocked_and_counted_unless_allowed() {
    let mail = html_mail(
        "<p>Hi</p><img src=\"http://127.0.0.1:9/pixel.gif\" alt=\"logo\" width=\"1\">\
         <img src=\"https://cdn.example/a.png\"><img srcset=\"http://127.0.0.1:9/a 2x\">\
         <p style=\"color:red;background:url(https://cdn.example/bg.png)\">x</p>",
    );
    let blocked = render(&mail, &BLOCKED);
    assert_eq!(blocked.remote_images, 4);
    let markup = body(&blocked.document);
    assert!(
        markup.contains("<img width=\"1\" alt=\"logo\"><img><img>"),
        "{markup}"
    );
    assert!(
        !markup.contains("127.0.0.1") && !markup.contains("cdn.example"),
        "{markup}"
    );
    assert!(markup.contains("<p style=\"color:red\">x</p>"), "{markup}");
    assert!(blocked.document.contains(
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:;"
    ));

    let allowed = render(&mail, &ALLOWED);
    assert_eq!(allowed.remote_images, 4);
    let markup = body(&allowed.document);
    assert!(
        markup.contains("<img src=\"http://127.0.0.1:9/pixel.gif\" alt=\"logo\" width=\"1\">"),
        "{markup}"
    );
    assert!(
        markup.contains("<img src=\"https://cdn.example/a.png\">"),
        "{markup}"
    );
    // srcset and CSS images stay out even then: only <img src> loads.
    assert!(
        !markup.contains("srcset") && !markup.contains("url("),
        "{markup}"
    );
    assert!(allowed.document.contains(
        "content=\"default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline';"
    ));
}

#[test]
fn the_document_is_complete_and_closed_to_everything_but_images() {
    let r = render(&html_mail("<p>Hi</p>"), &BLOCKED);
    assert!(r.document.starts_with(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; \
         style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'\">\
         <meta name=\"referrer\" content=\"no-referrer\"><style>"
    ));
    assert!(r.document.contains("<body class=\"html\"><p>Hi</p>"));
    assert!(r.document.ends_with("</body></html>"));
    assert!(r.document.contains("prefers-color-scheme:dark"));
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[test]
fn cid_images_of_a_related_message_become_data_uris() {
    let raw = "From: Ana <ana@client.example>\r\nSubject: Logo\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/related; boundary=\"rel\"\r\n\r\n\
        --rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <p>Our logo:</p><img src=\"cid:logo.png@01D9\" alt=\"logo\"><img src=\"cid:missing@x\" alt=\"gone\">\r\n\
        --rel\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo.png@01D9>\r\n\
        Content-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        iVBORw0KGgoAAAANSUhEUg==\r\n--rel--\r\n";
    let r = render(raw.as_bytes(), &BLOCKED);
    let markup = body(&r.document);
    assert!(
        markup
            .contains("<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\" alt=\"logo\">"),
        "{markup}"
    );
    assert!(markup.contains("<img alt=\"gone\">"), "{markup}");
    assert_eq!(r.remote_images, 0);
    assert_eq!(
        r.attachments,
        vec![AttachmentInfo {
            index: 0,
            name: "logo.png".into(),
            mime: "image/png".into(),
            size: 16,
            inline: true,
            executable: false,
        }]
    );
}

#[test]
fn cid_lookup_gets_the_bare_id_and_only_images_are_inlined() {
    let seen = RefCell::new(Vec::new());
    let lookup = |id: &str| {
        seen.borrow_mut().push(id.to_string());
        match id {
            "a b@x" => Some(("image/png".to_string(), PNG.to_vec())),
            _ => Some(("image/png".to_string(), b"<svg onload=alert(1)>".to_vec())),
        }
    };
    let (out, _) = sanitize(
        "<img src=\"cid:%3Ca%20b@x%3E\"><img src=\"CID:evil@x\">",
        &lookup,
        &BLOCKED,
    );
    assert_eq!(*seen.borrow(), ["a b@x", "evil@x"]);
    assert_eq!(
        out,
        format!("<img src=\"data:image/png;base64,{}\"><img>", base64(PNG))
    );
}

#[test]
fn data_images_of_safe_types_stay_others_go() {
    assert_eq!(
        clean("<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">"),
        "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">"
    );
    assert_eq!(
        clean("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"),
        "<img>"
    );
    assert_eq!(
        clean("<img src=\"data:text/html;base64,PHN2Zz4=\">"),
        "<img>"
    );
}

#[test]
fn inline_styles_keep_display_properties_and_lose_anything_that_fetches() {
    assert_eq!(
        clean("<p style=\"color:#333; font-size:14px; position:fixed; top:0\">x</p>"),
        "<p style=\"color:#333;font-size:14px\">x</p>"
    );
    let (out, remote) = sanitize(
        "<div style=\"background:url(http://127.0.0.1:9/x); padding:4px; border:1px solid #ccc\">x</div>",
        &no_cid,
        &BLOCKED,
    );
    assert_eq!(
        out,
        "<div style=\"padding:4px;border:1px solid #ccc\">x</div>"
    );
    assert_eq!(remote, 1);
    assert_eq!(
        clean("<span style=\"background-image:url(data:image/png;base64,AA)\">x</span>"),
        "<span>x</span>"
    );
}

#[test]
fn ordinary_mail_markup_survives() {
    let html = "<center><table width=\"600\" cellpadding=\"4\" bgcolor=\"#ffffff\" align=\"center\">\
        <tbody><tr><td colspan=\"2\" valign=\"top\"><font color=\"#333333\" face=\"Arial\">Hi <b>Ana</b>,</font>\
        </td></tr></tbody></table></center><ul><li><i>one</i></li></ul><hr>\
        <details><summary>More</summary><small>x<sup>2</sup></small></details><pre><code>a  b</code></pre>";
    assert_eq!(clean(html), html);
}

#[test]
fn gmail_html_quote_is_folded() {
    let r = render(
        &html_mail(
            "<div dir=\"ltr\">Thanks, that fixed it.</div><br><div class=\"gmail_quote\">\
             <div dir=\"ltr\" class=\"gmail_attr\">On Mon, Jan 8, 2024 at 10:00 AM Support \
             &lt;support@acme.example&gt; wrote:<br></div><blockquote class=\"gmail_quote\" \
             style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">\
             Please restart the router.</blockquote></div>",
        ),
        &BLOCKED,
    );
    let (new, quoted) = folded(body(&r.document));
    assert_eq!(new, "<div dir=\"ltr\">Thanks, that fixed it.</div><br>");
    assert!(
        quoted.starts_with("<div class=\"gmail_quote\">"),
        "{quoted}"
    );
    assert!(quoted.contains("wrote:") && quoted.contains("Please restart the router."));
}

const OUTLOOK: &str = "<div class=\"WordSection1\"><p class=\"MsoNormal\">NEW<o:p></o:p></p>\
    <p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><div><div style=\"border:none;border-top:solid #E1E1E1 1.0pt;\
    padding:3.0pt 0in 0in 0in\"><p class=\"MsoNormal\"><b>FROM</b> Support &lt;support@acme.example&gt;<br>\
    <b>SENT</b> DATE<br><b>TO</b> Ana &lt;ana@client.example&gt;<br><b>SUBJECT</b> RE: Invoice<o:p></o:p></p>\
    </div></div><p class=\"MsoNormal\">OLD<o:p></o:p></p></div>";

#[test]
fn outlook_html_header_block_is_folded_in_english_french_and_indonesian() {
    let cases = [
        (
            [
                "Any update?",
                "From:",
                "Sent:",
                "Monday, January 8, 2024 10:00 AM",
                "To:",
                "Subject:",
            ],
            "We are looking into it.",
        ),
        (
            [
                "Du nouveau ?",
                "De&nbsp;:",
                "Envoyé&nbsp;:",
                "lundi 8 janvier 2024 10:00",
                "À&nbsp;:",
                "Objet&nbsp;:",
            ],
            "Nous regardons.",
        ),
        (
            [
                "Ada kabar?",
                "Dari:",
                "Dikirim:",
                "Senin, 8 Januari 2024 10.00",
                "Kepada:",
                "Subjek:",
            ],
            "Kami sedang memeriksanya.",
        ),
    ];
    for ([new_text, from, sent, date, to, subject], old) in cases {
        let html = OUTLOOK
            .replace("NEW", new_text)
            .replace("FROM", from)
            .replace("SENT", sent)
            .replace("DATE", date)
            .replace("TO", to)
            .replace("SUBJECT", subject)
            .replace("OLD", old);
        let r = render(&html_mail(&html), &BLOCKED);
        let (new, quoted) = folded(body(&r.document));
        assert_eq!(new, format!("<div><p>{new_text}</p></div>"), "{html}");
        assert!(
            quoted.starts_with("<div><p>&nbsp;</p><div><div style="),
            "{quoted}"
        );
        assert!(
            quoted.contains(old) && quoted.trim_end().ends_with("</div>"),
            "{quoted}"
        );
    }
}

#[test]
fn outlook_web_reply_marker_takes_the_rule_above_it() {
    let (new, quoted) = fold_quotes_html(
        "<div>Done.</div><div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%\">\
         <div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> Support</div><div>Old</div>",
    );
    assert_eq!(new, "<div>Done.</div>");
    assert!(
        quoted
            .expect("folded")
            .starts_with("<div id=\"appendonsend\"></div><hr")
    );
    let (new, quoted) = fold_quotes_html(
        "<div>Done.</div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> Support</div><div>Old</div>",
    );
    assert_eq!(new, "<div>Done.</div>");
    assert!(
        quoted
            .expect("folded")
            .starts_with("<hr><div id=\"divRplyFwdMsg\">")
    );
}

#[test]
fn apple_mail_blockquote_is_folded() {
    let r = render(
        &html_mail(
            "<div>Merci !</div><div><br><blockquote type=\"cite\"><div>On 8 Jan 2024, at 10:00, \
             Support &lt;support@acme.example&gt; wrote:</div><br class=\"Apple-interchange-newline\">\
             <div><div>Old text</div></div></blockquote></div>",
        ),
        &BLOCKED,
    );
    let (new, quoted) = folded(body(&r.document));
    assert_eq!(new, "<div>Merci !</div>");
    assert!(
        quoted.starts_with("<div><br><blockquote type=\"cite\">"),
        "{quoted}"
    );
    assert!(quoted.contains("Old text"));
}

#[test]
fn html_attribution_and_separator_lines_are_folded_from_their_line() {
    let cases = [
        (
            "<p>Thanks!<br><br>On Mon, Jan 8, 2024 at 10:00 AM Support wrote:<br></p><blockquote>old</blockquote>",
            "<p>Thanks!<br><br></p>",
            "<p>On Mon",
        ),
        (
            "<div>Merci.</div><div>Le lun. 8 janv. 2024 à 10:00, Support &lt;s@acme.example&gt; a écrit&nbsp;:</div><div>&gt; ancien</div>",
            "<div>Merci.</div>",
            "<div>Le lun.",
        ),
        (
            "<div>Terima kasih.</div><div>Pada tanggal Sen, 8 Jan 2024 pukul 10.00 Support menulis:</div><div>lama</div>",
            "<div>Terima kasih.</div>",
            "<div>Pada tanggal",
        ),
        (
            "<div>See below.</div><div>-----Original Message-----<br>From: Support<br>Sent: Monday<br>Subject: x</div><div>old</div>",
            "<div>See below.</div>",
            "<div>-----Original Message-----",
        ),
        (
            "<div>Ok</div><div>Am 8. Jan. 2024 um 10:00 schrieb Support:</div><blockquote>alt</blockquote>",
            "<div>Ok</div>",
            "<div>Am 8.",
        ),
        (
            "<pre>Sure.\n\nOn Mon, Jan 8, 2024 Support wrote:\n&gt; old</pre>",
            "<pre>Sure.\n\n</pre>",
            "<pre>On Mon",
        ),
    ];
    for (html, want_new, quoted_start) in cases {
        let (new, quoted) = fold_quotes_html(html);
        assert_eq!(new, want_new, "{html}");
        let quoted = quoted.expect(html);
        assert!(quoted.starts_with(quoted_start), "{html}: {quoted}");
    }
}

#[test]
fn html_quotes_are_not_folded_when_they_are_the_whole_message_or_answered_below() {
    for html in [
        "<blockquote type=\"cite\">Forwarded content</blockquote>",
        "<div class=\"gmail_quote\">On Mon, Jan 8 Support wrote:<blockquote>old</blockquote></div>",
        "<div><br></div><div>-----Original Message-----<br>From: a<br>Sent: b<br>Subject: c</div><p>old</p>",
        "<p>You asked:</p><blockquote>Is it free?</blockquote><p>Yes, it is.</p>",
        "<p>FYI</p><div class=\"gmail_quote\"><div class=\"gmail_attr\">---------- Forwarded message ---------<br>\
         From: Ana<br>Date: Mon<br>Subject: Invoice<br></div>The invoice is wrong.</div>",
        "<div>Please see below.</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\">\
         <b>From:</b> Ana<br><b>Sent:</b> Monday<br><b>To:</b> Support<br><b>Subject:</b> FW: Invoice</div>\
         <div>The invoice is wrong.</div>",
        "<p>Just text, no quote.</p>",
        "",
    ] {
        assert_eq!(fold_quotes_html(html), (html.to_string(), None), "{html}");
    }
}

#[test]
fn a_quote_inside_a_forward_is_folded_but_not_the_forward() {
    let html = "<p>FYI</p><div class=\"gmail_quote\"><div class=\"gmail_attr\">---------- Forwarded message \
        ---------<br>From: Ana<br>Date: Mon<br>Subject: Invoice<br></div>It is wrong.<br>\
        <div class=\"gmail_quote\">On Sun, Jan 7 Bob wrote:<blockquote>old</blockquote></div></div>";
    let (new, quoted) = fold_quotes_html(html);
    assert!(
        new.contains("It is wrong.") && !new.contains("old"),
        "{new}"
    );
    // The outer (forwarded) block is closed before the cut and opened again after it.
    assert!(new.ends_with("It is wrong.<br></div>"), "{new}");
    assert!(
        quoted
            .expect("folded")
            .starts_with("<div class=\"gmail_quote\"><div class=\"gmail_quote\">On Sun")
    );
}

#[test]
fn folding_keeps_both_halves_well_formed_inside_tables() {
    let html = "<table><tbody><tr><td>New<br>On Mon, Jan 8, 2024 Support wrote:<br>old</td></tr></tbody></table>";
    let (new, quoted) = fold_quotes_html(html);
    assert_eq!(
        new,
        "<table><tbody><tr><td>New<br></td></tr></tbody></table>"
    );
    assert_eq!(
        quoted.as_deref(),
        Some(
            "<table><tbody><tr><td>On Mon, Jan 8, 2024 Support wrote:<br>old</td></tr></tbody></table>"
        )
    );
}

#[test]
fn plain_text_quotes_fold_from_their_first_line() {
    let cases = [
        (
            "Sounds good.\n\n> Can we meet Tuesday?\n> Best\n",
            "> Can we",
        ),
        (
            "Yes.\n\nOn Mon, Jan 8, 2024 at 10:00 AM Support <support@acme.example> wrote:\n\n> Hi\n",
            "On Mon",
        ),
        (
            "Yes.\n\nOn Mon, Jan 8, 2024 at 10:00 AM Support Team <\nsupport@acme.example> wrote:\n\n> Hi\n",
            "On Mon",
        ),
        (
            "Merci.\n\nLe lun. 8 janv. 2024 à 10:00, Support <support@acme.example> a écrit\u{a0}:\n> Bonjour\n",
            "Le lun.",
        ),
        (
            "Terima kasih.\n\nPada tanggal Sen, 8 Jan 2024 pukul 10.00 Support <s@acme.example> menulis:\n> Halo\n",
            "Pada tanggal",
        ),
        (
            "Terima kasih.\n\nPada 8 Jan 2024, Support menulis:\nHalo\n",
            "Pada 8",
        ),
        (
            "See below.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nTo: Ana\nSubject: RE: x\n\nOld\n",
            "-----Original",
        ),
        (
            "Voir plus bas.\n\n-------- Message d'origine --------\nDe : Support\nDate : lundi\nObjet : x\n\nAncien\n",
            "-------- Message d'origine",
        ),
        (
            "Lihat di bawah.\n\n-------- Pesan Asli --------\nDari: Support\n\nLama\n",
            "-------- Pesan Asli",
        ),
        (
            "Merci\n\nDe : Support <s@x.example>\nEnvoyé : lundi 8 janvier 2024 10:00\nÀ : Ana\nObjet : RE: Facture\n\nAncien\n",
            "De : Support",
        ),
        (
            "Thanks\n________________________________\nFrom: Support <s@x.example>\nSent: Monday\nTo: Ana\nSubject: RE: Invoice\n\nOld\n",
            "________",
        ),
        (
            "Thanks\n\nFrom: Support Sent: Monday, January 8 To: Ana Subject: RE: Invoice\n\nOld\n",
            "From: Support",
        ),
        (
            "Danke\n\nAm 8. Jan. 2024 um 10:00 schrieb Support:\n\n> Hallo\n",
            "Am 8.",
        ),
    ];
    for (text, quoted_start) in cases {
        let (new, quoted) = fold_quotes_text(text);
        let quoted = quoted.expect(text);
        assert!(quoted.starts_with(quoted_start), "{text:?}: {quoted:?}");
        assert_eq!(format!("{new}{quoted}"), text);
    }
}

#[test]
fn plain_text_is_not_folded_when_the_quote_is_everything_or_answered_below() {
    for text in [
        "> only quoted\n> lines\n",
        "On Mon, Jan 8, 2024 Support wrote:\n> hi\n",
        "\n\n-----Original Message-----\nFrom: a\nSent: b\nSubject: c\n\nold\n",
        "> question one\nanswer one\n> question two\nanswer two\n",
        "FYI\n\n---------- Forwarded message ---------\nFrom: Ana <a@x.example>\nDate: Mon\nSubject: Invoice\nTo: b\n\nbody\n",
        "FYI\n\nFrom: Ana\nSent: Monday\nTo: Support\nSubject: FW: Invoice\n\nbody\n",
        "On the other hand, nothing here is quoted.\n",
        "",
    ] {
        assert_eq!(fold_quotes_text(text), (text, None), "{text:?}");
    }
}

#[test]
fn text_to_html_escapes_links_and_folds() {
    assert_eq!(
        text_to_html(
            "Use <b>bold</b> & see https://acme.example/help?a=1&b=2.\nMail ana@client.example"
        ),
        "<div class=\"plain\">Use &lt;b&gt;bold&lt;/b&gt; &amp; see \
         <a href=\"https://acme.example/help?a=1&amp;b=2\" rel=\"noopener noreferrer\" \
         title=\"https://acme.example/help?a=1&amp;b=2\">https://acme.example/help?a=1&amp;b=2</a>.\n\
         Mail <a href=\"mailto:ana@client.example\" rel=\"noopener noreferrer\" \
         title=\"mailto:ana@client.example\">ana@client.example</a></div>"
    );
    assert_eq!(
        text_to_html(
            "(see https://en.wikipedia.org/wiki/Foo_(bar)) <mailto:a@b.example>, javascript:alert(1)"
        ),
        "<div class=\"plain\">(see <a href=\"https://en.wikipedia.org/wiki/Foo_(bar)\" rel=\"noopener noreferrer\" \
         title=\"https://en.wikipedia.org/wiki/Foo_(bar)\">https://en.wikipedia.org/wiki/Foo_(bar)</a>) \
         &lt;<a href=\"mailto:a@b.example\" rel=\"noopener noreferrer\" title=\"mailto:a@b.example\">\
         mailto:a@b.example</a>&gt;, javascript:alert(1)</div>"
    );
    assert_eq!(
        text_to_html("Yes.\r\n\r\n> Is it \"free\"?\r\n"),
        format!(
            "<div class=\"plain\">Yes.</div>{FOLD_OPEN}<div class=\"plain\">\
             <span class=\"quote-line\">&gt; Is it &quot;free&quot;?</span></div>{FOLD_CLOSE}"
        )
    );
}

#[test]
fn plain_text_mail_renders_as_text() {
    let r = render(&text_mail("Hello <script>\n\n> old"), &BLOCKED);
    assert!(!r.html);
    assert_eq!(r.remote_images, 0);
    assert!(
        r.document.contains(
            "<body class=\"plain\"><div class=\"plain\">Hello &lt;script&gt;</div><details"
        )
    );
}

#[test]
fn an_html_body_with_nothing_left_gives_way_to_the_text_one() {
    let raw = "From: a@x.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nThe text version.\r\n\
        --b\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script><svg><text>x</text></svg>\r\n--b--\r\n";
    let r = render(raw.as_bytes(), &BLOCKED);
    assert!(!r.html);
    assert!(r.document.contains("The text version."));
}

#[test]
fn executables_are_recognised_by_name_or_type() {
    let cases = [
        ("report.pdf.exe", "application/pdf", true),
        ("SETUP.EXE", "application/octet-stream", true),
        ("invoice\u{202e}fdp.exe", "application/pdf", true),
        ("setup.exe. ", "", true),
        ("run.sh", "text/plain", true),
        ("Macro.XLSM", "", true),
        ("letter.docm", "", true),
        ("shortcut.lnk", "", true),
        ("installer.msi", "", true),
        ("App.AppImage", "", true),
        ("update", "application/x-msdownload", true),
        ("script", "application/x-sh; charset=utf-8", true),
        ("photo.jpg", "image/jpeg", false),
        ("notes.txt", "text/plain", false),
        ("invoice.exe.pdf", "application/pdf", false),
        ("archive.tar.gz", "application/gzip", false),
        ("README", "", false),
    ];
    for (name, mime, want) in cases {
        assert_eq!(is_executable(name, mime), want, "{name} {mime}");
    }
}

fn mixed_mail() -> Vec<u8> {
    b"From: Ana <ana@client.example>\r\nSubject: Files\r\nMIME-Version: 1.0\r\n\
      Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n\
      --mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n\
      --mix\r\nContent-Type: text/plain; name=\"hello.txt\"\r\n\
      Content-Disposition: attachment; filename=\"../../hello.txt\"\r\n\
      Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8sIHdvcmxkIQ==\r\n\
      --mix\r\nContent-Type: application/octet-stream; name=\"invoice.pdf.exe\"\r\n\
      Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n\
      Content-Transfer-Encoding: base64\r\n\r\nTVqQAA==\r\n--mix--\r\n"
        .to_vec()
}

#[test]
fn attachments_are_listed_and_read_by_index() {
    let raw = mixed_mail();
    let r = render(&raw, &BLOCKED);
    assert!(!r.html);
    assert_eq!(
        r.attachments,
        vec![
            AttachmentInfo {
                index: 0,
                name: "hello.txt".into(),
                mime: "text/plain".into(),
                size: 13,
                inline: false,
                executable: false,
            },
            AttachmentInfo {
                index: 1,
                name: "invoice.pdf.exe".into(),
                mime: "application/octet-stream".into(),
                size: 4,
                inline: false,
                executable: true,
            },
        ]
    );
    assert_eq!(
        attachment(&raw, 0),
        Some((
            "hello.txt".into(),
            "text/plain".into(),
            b"Hello, world!".to_vec()
        ))
    );
    assert_eq!(attachment(&raw, 1).map(|a| a.2), Some(b"MZ\x90\0".to_vec()));
    assert_eq!(attachment(&raw, 2), None);
    assert_eq!(attachment(b"", 0), None);
}

#[test]
fn hostile_structure_never_panics() {
    let deep_html = format!("{}deep{}", "<div>".repeat(20_000), "</div>".repeat(3));
    let mut deep_mime = String::from("From: a@x.example\r\nMIME-Version: 1.0\r\n");
    for i in 0..500 {
        deep_mime.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    deep_mime.push_str("Content-Type: text/plain\r\n\r\nbottom\r\n");
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\r\n\r\n".to_vec(),
        b"\0\0\0\xff\xfe".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/html\r\n\
          Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\r\n"
            .to_vec(),
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello \xff\xfe".to_vec(),
        b"Content-Type: text/html; charset=utf-7\r\n\r\n+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
            .to_vec(),
        b"Content-Type: multipart/related\r\n\r\nno boundary".to_vec(),
        b"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n".to_vec(),
        html_mail(&deep_html),
        deep_mime.into_bytes(),
        html_mail("<table><tr><td><table><tr><td><blockquote><blockquote>"),
        html_mail("<a href=\"http://x.example/\"><</a>&#0;&#xD800;<img src=\"cid:\">"),
    ];
    for raw in inputs {
        let r = render(&raw, &BLOCKED);
        assert!(r.document.ends_with("</body></html>"));
        assert_inert(body(&r.document));
        for i in 0..3 {
            let _ = attachment(&raw, i);
        }
    }
    let r = render(&html_mail(&deep_html), &BLOCKED);
    assert!(r.document.contains("deep"));
}

#[test]
fn huge_bodies_are_cut_with_a_note() {
    let text = "line of text\n".repeat(BODY_LIMIT / 13 + 1000);
    let r = render(&text_mail(&text), &BLOCKED);
    assert!(r.document.contains(CUT_NOTE));
    assert!(r.document.len() < BODY_LIMIT + 64 * 1024);
    let html = "<p>paragraph</p>".repeat(BODY_LIMIT / 16 + 1000);
    let r = render(&html_mail(&html), &BLOCKED);
    assert!(r.html);
    assert!(r.document.contains(CUT_NOTE));
    let short = render(&text_mail("short"), &BLOCKED);
    assert!(!short.document.contains(CUT_NOTE));
}

#[test]
fn base64_matches_the_rfc_4648_vectors() {
    let cases = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in cases {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
}

#[test]
fn deep_nesting_is_unwrapped_before_parsing() {
    let deep = format!(
        "{}text{}",
        "<div class=x>".repeat(300),
        "</div>".repeat(300)
    );
    let limited = limit_nesting(&deep);
    assert_eq!(limited.matches("<div").count(), MAX_DEPTH);
    assert_eq!(limited.matches("</div>").count(), MAX_DEPTH);
    assert!(limited.contains("text"));
    // Elements that close themselves, comments and quoted '>' do not count or confuse it.
    let shallow = format!(
        "{}<!-- <div> --><img alt=\"<div>\" title='>'>{}",
        "<p>para".repeat(1000),
        "<table><tr><td>cell</td></tr></table>".repeat(500)
    );
    assert!(matches!(limit_nesting(&shallow), Cow::Borrowed(_)));
    // A message of 100,000 nested elements renders (it used to keep the parser busy for hours).
    let r = render(
        &html_mail(&format!("{}deep", "<div><b>".repeat(50_000))),
        &BLOCKED,
    );
    assert!(r.document.contains("deep"));
}
