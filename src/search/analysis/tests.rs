use super::*;

fn folded(text: &str) -> Vec<String> {
    terms(&mut analyzer(), text)
}

#[test]
fn case_and_accents_fold_in_three_languages() {
    assert_eq!(folded("Clôture du Compte"), ["cloture", "du", "compte"]);
    assert_eq!(folded("ÉCHÉANCE dépassée"), ["echeance", "depassee"]);
    assert_eq!(
        folded("Tagihan BELUM dibayar"),
        ["tagihan", "belum", "dibayar"]
    );
    assert_eq!(folded("naïve façade"), ["naive", "facade"]);
}

#[test]
fn compounds_are_kept_whole_and_in_parts() {
    let cases: &[(&str, &[&str])] = &[
        ("error 429", &["error", "429"]),
        ("v2.3.1", &["v2.3.1", "v", "2", "3", "1"]),
        ("utf8", &["utf8"]),
        ("acme.com", &["acme.com", "acme", "com"]),
        (
            "Ana@Client.Example",
            &[
                "ana@client.example",
                "client.example",
                "ana",
                "client",
                "example",
            ],
        ),
        ("e-mail", &["e-mail", "e", "mail"]),
        ("l'export", &["l'export", "l", "export"]),
        ("E-1042:", &["e-1042", "e", "1042"]),
        ("end. Next", &["end", "next"]),
        // A URL's scheme stands apart; the rest is a compound.
        (
            "(see https://acme.com/x)",
            &["see", "https", "acme.com/x", "acme", "com", "x"],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(folded(text), *want, "{text}");
    }
}

#[test]
fn parts_take_the_positions_a_phrase_needs() {
    let mut out = Vec::new();
    tokenize("write to ana@client.example today", &mut out);
    let at: Vec<(&str, usize)> = out.iter().map(|t| (t.text.as_str(), t.position)).collect();
    assert_eq!(
        at,
        [
            ("write", 0),
            ("to", 1),
            ("ana@client.example", 2),
            ("client.example", 3),
            ("ana", 2),
            ("client", 3),
            ("example", 4),
            ("today", 5),
        ]
    );
}

#[test]
fn stemming_by_language() {
    let mut en = stemmer(Language::English);
    assert_eq!(terms(&mut en, "crashes crashed"), ["crash", "crash"]);
    let mut fr = stemmer(Language::French);
    assert_eq!(terms(&mut fr, "factures"), terms(&mut fr, "facture"));
}

#[test]
fn languages_are_guessed_from_short_words() {
    let en = "Hi, the export is not working and we can't send it to our client. Thanks";
    let fr = "Bonjour, la facture est fausse et nous ne pouvons pas la payer. Merci";
    let id = "Selamat pagi, tagihan ini tidak bisa dibayar dan saya sudah coba. Terima kasih";
    assert_eq!(guess_language(en), Some(Lang::English));
    assert_eq!(guess_language(fr), Some(Lang::French));
    assert_eq!(guess_language(id), Some(Lang::Indonesian));
    assert_eq!(guess_language("OK"), None);
}

#[test]
fn hostile_text_never_panics() {
    for text in [
        "",
        " ",
        "@@@",
        "a@",
        "@b",
        "....",
        "-x-",
        "’",
        "\u{0}\u{feff}",
        "a\u{301}b",
    ] {
        let _ = folded(text);
    }
    let long = "x".repeat(10_000);
    assert!(folded(&long).is_empty(), "over-long tokens are dropped");
}
