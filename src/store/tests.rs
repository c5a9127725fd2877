use super::*;

fn prepared(store: &Store, uid: u32, raw: &str) -> Prepared {
    let raw = raw.as_bytes().to_vec();
    let hash = content_hash(&raw);
    let content = if store.has_message(&hash).unwrap() {
        None
    } else {
        Some((crate::mail::parse(&raw, &hash, None), raw))
    };
    Prepared {
        uid,
        flags: Flags::new(["\\Seen"]),
        hash,
        content,
    }
}

const A: &str = "Message-ID: <a@x>\r\nFrom: a@b.example\r\nSubject: one\r\n\r\nbody one";
const B: &str = "Message-ID: <b@x>\r\nFrom: a@b.example\r\nSubject: two\r\n\r\nbody two";

#[test]
fn ingest_dedups_by_content_and_keeps_every_location() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "test").unwrap();
    let inbox = store.folder_or_create("support", "INBOX").unwrap();
    let sent = store.folder_or_create("support", "Sent").unwrap();
    let s = store
        .ingest(&inbox, vec![prepared(&store, 1, A), prepared(&store, 2, B)])
        .unwrap();
    assert_eq!(s.new_messages, 2);
    let s = store.ingest(&sent, vec![prepared(&store, 7, A)]).unwrap();
    assert_eq!(
        s,
        IngestStats {
            new_messages: 0,
            new_locations: 1
        }
    );
    let hashes = store.find_message_id("a@x").unwrap();
    assert_eq!(hashes.len(), 1);
    let locs = store.locations_of(&hashes[0]).unwrap();
    assert_eq!(locs.len(), 2);
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    assert_eq!((inbox.messages, inbox.synced_uidnext), (2, 3));
    assert_eq!(store.message(&hashes[0]).unwrap().unwrap().subject, "one");
    let blob = store.blob(&hashes[0]).unwrap();
    assert_eq!(blob.raw, A.as_bytes());
    assert_eq!(blob.text.trim(), "body one");
}

#[test]
fn reingesting_the_same_uid_does_not_count_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "test").unwrap();
    let inbox = store.folder_or_create("support", "INBOX").unwrap();
    store.ingest(&inbox, vec![prepared(&store, 1, A)]).unwrap();
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    store.ingest(&inbox, vec![prepared(&store, 1, A)]).unwrap();
    assert_eq!(
        store.folder("support", "INBOX").unwrap().unwrap().messages,
        1
    );
}

#[test]
fn flags_and_expunges_update_locations_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "test").unwrap();
    let inbox = store.folder_or_create("support", "INBOX").unwrap();
    store
        .ingest(&inbox, vec![prepared(&store, 1, A), prepared(&store, 2, B)])
        .unwrap();
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    let n = store
        .set_flags(
            &inbox,
            &[(1, Flags::new(["\\Flagged"])), (9, Flags::default())],
        )
        .unwrap();
    assert_eq!(n, 1);
    assert!(
        store.locations_in(inbox.id).unwrap()[0]
            .1
            .flags
            .contains("\\flagged")
    );
    let removed = store.remove_locations(&inbox, &[2, 3]).unwrap();
    assert_eq!(removed, 1);
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    assert_eq!(inbox.messages, 1);
    assert_eq!(store.uids(inbox.id).unwrap(), vec![1]);
    // The message itself is kept: the raw message is the truth.
    assert_eq!(store.find_message_id("b@x").unwrap().len(), 1);
}

#[test]
fn reopen_keeps_everything_and_appends_after_it() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), "test").unwrap();
        let inbox = store.folder_or_create("support", "INBOX").unwrap();
        store.ingest(&inbox, vec![prepared(&store, 1, A)]).unwrap();
    }
    let store = Store::open(dir.path(), "test").unwrap();
    let inbox = store.folder("support", "INBOX").unwrap().unwrap();
    store.ingest(&inbox, vec![prepared(&store, 2, B)]).unwrap();
    for id in ["a@x", "b@x"] {
        let h = store.find_message_id(id).unwrap()[0];
        assert!(store.blob(&h).unwrap().text.contains("body"));
    }
}

#[test]
fn second_process_on_the_same_dir_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path(), "siphon watch").unwrap();
    let err = Store::open(dir.path(), "siphon sync").err().unwrap();
    assert!(err.to_string().contains("in use by siphon watch"), "{err}");
}

#[test]
fn bulk_reads_in_windows_give_every_record_as_single_reads_do() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "test").unwrap();
    let inbox = store.folder_or_create("support", "INBOX").unwrap();
    // Sizes from a few bytes to over the 1 MB window, so some frames share a read and some
    // need one of their own.
    let mail: Vec<String> = (0..40u32)
        .map(|i| {
            let filler: String = (0..(i * i * 700))
                .map(|n| char::from(b'a' + ((n * 7 + i) % 26) as u8))
                .collect();
            format!("Message-ID: <m{i}@x>\r\nSubject: n{i}\r\n\r\n{filler}")
        })
        .collect();
    let items = mail
        .iter()
        .enumerate()
        .map(|(i, m)| prepared(&store, i as u32 + 1, m))
        .collect();
    store.ingest(&inbox, items).unwrap();
    let rows = store.rows().unwrap();
    assert_eq!(rows.len(), mail.len());
    for row in &rows {
        assert_eq!(
            Some(&row.record),
            store.message(&row.hash).unwrap().as_ref()
        );
    }
    let mut subjects: Vec<String> = rows.into_iter().map(|r| r.record.subject).collect();
    subjects.sort_by_key(|s| s[1..].parse::<u32>().unwrap());
    let want: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
    assert_eq!(subjects, want);
}
