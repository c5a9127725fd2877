use super::*;

fn m(id: &str, irt: &[&str], refs: &[&str]) -> Links {
    Links {
        message_id: id.to_string(),
        in_reply_to: irt.iter().map(|s| s.to_string()).collect(),
        references: refs.iter().map(|s| s.to_string()).collect(),
    }
}

/// Conversations as groups of message ids, order-independent.
fn groups(msgs: &[Links]) -> Vec<Vec<String>> {
    let conv = conversations(msgs);
    let mut by: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (i, c) in conv.iter().enumerate() {
        by.entry(*c).or_default().push(msgs[i].message_id.clone());
    }
    let mut out: Vec<Vec<String>> = by
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

fn g(groups: &[&[&str]]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let mut v: Vec<String> = g.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

/// (name, messages in arrival order, expected conversations)
type Case = (&'static str, Vec<Links>, Vec<Vec<String>>);

#[test]
fn table() {
    let cases: Vec<Case> = vec![
        (
            "references chain",
            vec![
                m("a", &[], &[]),
                m("b", &["a"], &["a"]),
                m("c", &["b"], &["a", "b"]),
            ],
            g(&[&["a", "b", "c"]]),
        ),
        (
            "In-Reply-To only",
            vec![m("a", &[], &[]), m("b", &["a"], &[]), m("c", &["b"], &[])],
            g(&[&["a", "b", "c"]]),
        ),
        (
            "root missing: siblings held together by the ghost",
            vec![m("b", &["a"], &["a"]), m("c", &["a"], &["a"])],
            g(&[&["b", "c"]]),
        ),
        (
            "middle missing",
            vec![m("a", &[], &[]), m("c", &["b"], &["a", "b"])],
            g(&[&["a", "c"]]),
        ),
        (
            "no headers: separate",
            vec![m("a", &[], &[]), m("b", &[], &[])],
            g(&[&["a"], &["b"]]),
        ),
        (
            "reply arrives before its parent",
            vec![
                m("c", &["b"], &["a", "b"]),
                m("a", &[], &[]),
                m("b", &["a"], &["a"]),
            ],
            g(&[&["a", "b", "c"]]),
        ),
        (
            "reference cycle is broken, not looped",
            vec![m("a", &["b"], &["b"]), m("b", &["a"], &["a"])],
            g(&[&["a", "b"]]),
        ),
        (
            "a message referencing itself",
            vec![m("a", &["a"], &["a"])],
            g(&[&["a"]]),
        ),
        (
            "two threads stay apart",
            vec![
                m("a", &[], &[]),
                m("x", &[], &[]),
                m("b", &["a"], &["a"]),
                m("y", &["x"], &["x"]),
            ],
            g(&[&["a", "b"], &["x", "y"]]),
        ),
        (
            "In-Reply-To disagrees with References: In-Reply-To is the parent",
            vec![m("a", &[], &[]), m("q", &[], &[]), m("b", &["q"], &["a"])],
            g(&[&["a", "b", "q"]]),
        ),
    ];
    for (name, msgs, want) in cases {
        assert_eq!(groups(&msgs), want, "case: {name}");
    }
}

#[test]
fn duplicate_message_ids_are_distinct_messages_in_the_same_place() {
    let msgs = vec![m("a", &[], &[]), m("a", &[], &[]), m("b", &["a"], &["a"])];
    let conv = conversations(&msgs);
    // The reply joins the first "a"; the duplicate starts a conversation of its own.
    assert_eq!(conv[2], conv[0]);
    assert_ne!(conv[1], conv[0]);
}

#[test]
fn order_of_arrival_does_not_change_the_grouping() {
    let msgs = vec![
        m("a", &[], &[]),
        m("b", &["a"], &["a"]),
        m("c", &["b"], &["a", "b"]),
        m("d", &["a"], &["a"]),
        m("x", &[], &[]),
        m("y", &["x"], &[]),
    ];
    let want = groups(&msgs);
    let mut rev = msgs.clone();
    rev.reverse();
    assert_eq!(groups(&rev), want);
    let mut rot = msgs.clone();
    rot.rotate_left(3);
    assert_eq!(groups(&rot), want);
}
