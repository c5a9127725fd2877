use super::*;

#[test]
fn formula_injection_is_neutralised() {
    let cases = [
        ("=1+1", "'=1+1"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2", "'-2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Export = crash", "Export = crash"),
        ("normal subject", "normal subject"),
        ("", ""),
        ("'already quoted", "'already quoted"),
    ];
    for (input, want) in cases {
        assert_eq!(neutralise(input), want, "{input:?}");
    }
}

#[test]
fn fields_are_quoted_as_rfc_4180_says() {
    let cases = [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("Équipe ? ça marche", "Équipe ? ça marche"),
    ];
    for (input, want) in cases {
        assert_eq!(quote(input), want, "{input:?}");
    }
}

#[test]
fn a_row_is_neutralised_then_quoted_with_crlf() {
    let paris = Calendar::new("Europe/Paris", &["mon".to_string()], 9, 17).unwrap_or_default();
    let cells = [
        Cell::Text("=HYPERLINK(\"http://evil.example\",\"click\")".into()),
        Cell::Empty,
        Cell::Int(3),
        Cell::Hours(1.5),
        Cell::Hours(-0.25),
        // 2026-10-25T01:30:00Z: 02:30 CET, after the clocks went back.
        Cell::Date(1_792_891_800),
        Cell::Day(chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default()),
        Cell::Text("a, b".into()),
    ];
    assert_eq!(
        line(&cells, &paris),
        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",,3,1.50,-0.25,2026-10-25 02:30,2026-11-16,\"a, b\"\r\n"
    );
}

#[test]
fn an_empty_export_is_the_bom_and_the_header() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("empty.csv");
    let cal = Calendar::default();
    let period =
        crate::report::calendar::Period::week("2026-W47").unwrap_or_else(|e| panic!("{e}"));
    let summary = crate::report::metrics::PeriodMetrics::default();
    let ctx = Context {
        period: &period,
        calendar: &cal,
        summary: &summary,
        weeks: &[],
    };
    let sink = Box::new(Csv::create(&path, &cal).unwrap_or_else(|e| panic!("{e}")));
    sink.finish(&ctx).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.title).collect();
    assert_eq!(text, format!("\u{feff}{}\r\n", header.join(",")));
}
