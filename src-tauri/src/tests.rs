//! The shell's own tests: the TypeScript bindings are current, arguments and links parse, and
//! the commands answer through Tauri's mock runtime (real IPC, a real engine on a temporary
//! workspace: the demo).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use ts_rs::{Config, TS};

use super::*;
use crate::api::*;

/// Where the generated definitions live, from this crate's directory.
const BINDINGS: &str = "../ui/src/api/bindings.ts";

/// Every type that crosses the IPC boundary, as TypeScript, in one file.
fn bindings() -> String {
    use siphon::engine::*;
    use siphon::mail::html::{AttachmentInfo, Rendered};
    use siphon::send::outbox::{Item, Purpose, State, Undo};
    use siphon::send::template::{Filled, Template};
    use siphon::ticket::build::Shown;
    use siphon::ticket::op::{Change, Impact, Kind, Priority, Status, TemplateBody};
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by `SIPHON_WRITE_BINDINGS=1 cargo test -p siphon-app bindings`.\n\
         // Do not edit: a test fails when this file and the Rust types disagree.\n\n",
    );
    macro_rules! each {
        ($($t:ty),* $(,)?) => {
            $( out.push_str(&format!("export {}\n\n", <$t as TS>::decl(&cfg))); )*
        };
    }
    each!(
        CommandError,
        Person,
        AppInfo,
        AccountInput,
        SyncState,
        AccountSync,
        Sidebar,
        ListInfo,
        TicketPage,
        Changed,
        Counts,
        ViewCount,
        NameCount,
        ListSource,
        Row,
        Arrival,
        SavedSearch,
        Prefs,
        MessageBody,
        Rendered,
        AttachmentInfo,
        EditInput,
        TicketDetail,
        TicketView,
        MessageLine,
        HistoryLine,
        NoteLine,
        Shown,
        Kind,
        Priority,
        Impact,
        Change,
        Status,
        TemplateBody,
        Item,
        State,
        Purpose,
        Undo,
        Template,
        Filled,
        ReplyRequest,
        ForwardRequest,
        NewRequest,
        OutboxChanged,
        reports::PeriodInput,
        reports::KindCount,
        reports::ReportWeek,
        reports::ReportTotals,
        reports::ReportView,
        reports::ExportProgress,
        reports::ExportDone,
        AgentRow,
        TagRow,
        siphon::report::export::Format,
        siphon::report::schedule::ScheduleText,
        ScheduleStatus,
    );
    out.push_str(&format!(
        "/** Event names the app emits. */\nexport const EVENTS = {{\n  sync: {:?},\n  changed: {:?},\n  openTicket: {:?},\n  outbox: {:?},\n  exportProgress: {:?},\n}} as const;\n",
        events::SYNC,
        events::CHANGED,
        events::OPEN_TICKET,
        events::OUTBOX,
        events::EXPORT_PROGRESS
    ));
    out
}

#[test]
fn bindings_are_current() {
    let want = bindings();
    if std::env::var_os("SIPHON_WRITE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &want).unwrap();
    }
    let have = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/api/bindings.ts is stale: run SIPHON_WRITE_BINDINGS=1 cargo test -p siphon-app bindings"
    );
}

#[test]
fn args_accept_demo_data_dir_links_and_collect_the_rest() {
    let args = Args::parse(
        [
            "--demo",
            "--data-dir",
            "/tmp/w",
            "siphon://ticket/K3XQ7A",
            "--frobnicate",
        ]
        .map(String::from),
    );
    assert_eq!(
        args,
        Args {
            demo: true,
            data_dir: Some(PathBuf::from("/tmp/w")),
            open: vec!["k3xq7a".to_owned()],
            unknown: vec!["--frobnicate".to_owned()],
        }
    );
    assert_eq!(Args::parse(Vec::new()), Args::default());
}

#[test]
fn only_ticket_links_with_plain_ids_open_anything() {
    assert_eq!(
        ticket_link("siphon://ticket/abc123/"),
        Some("abc123".into())
    );
    assert_eq!(ticket_link("SIPHON:ticket/abc123"), Some("abc123".into()));
    for bad in [
        "siphon://ticket/",
        "siphon://ticket/../../etc",
        "siphon://settings/x",
        "https://ticket/abc",
        "siphon://ticket/a b",
    ] {
        assert_eq!(ticket_link(bad), None, "{bad}");
    }
}

#[test]
fn command_errors_serialize_as_kind_and_message() {
    let error = CommandError::new("auth", "wrong password");
    assert_eq!(
        serde_json::to_value(error).unwrap(),
        json!({ "kind": "auth", "message": "wrong password" })
    );
}

/// The app on the mock runtime, with the demo workspace open.
fn mock_app(dir: &std::path::Path) -> tauri::App<MockRuntime> {
    let state = AppState::new(Some(dir.to_path_buf()), dir.join("demo"));
    let app = commands_only(mock_builder(), state)
        .build(tauri::generate_context!(test = true))
        .unwrap();
    let handle = app.handle().clone();
    tauri::async_runtime::block_on(live::open_demo(&handle, &app.state::<AppState>())).unwrap();
    app
}

/// The demo app on the mock runtime and its main window (keep the app alive with it).
fn demo_window(
    dir: &std::path::Path,
) -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let app = mock_app(dir);
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

/// Sets "me" to the demo's Maya and returns the id of the first ticket of the Open view.
fn as_maya_first_open_ticket(webview: &tauri::WebviewWindow<MockRuntime>) -> String {
    call(
        webview,
        "me_set",
        json!({ "name": "Maya Chen", "email": "maya@acme.example" }),
    )
    .unwrap();
    let list = call(
        webview,
        "list_open",
        json!({ "source": { "by": "view", "view": "open" } }),
    )
    .unwrap();
    let rows = call(
        webview,
        "list_rows",
        json!({ "list": list["list"], "start": 0, "count": 1 }),
    )
    .unwrap();
    rows[0]["id"].as_str().unwrap().to_owned()
}

fn call(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn commands_answer_through_the_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());

    let info = call(&webview, "app_info", json!({})).unwrap();
    assert_eq!(info["demo"], true);
    assert_eq!(info["configured"], true);

    let side = call(&webview, "sidebar", json!({})).unwrap();
    let open = side["counts"]["views"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["view"] == "open")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    assert!(open > 0, "{side}");

    let list = call(
        &webview,
        "list_open",
        json!({ "source": { "by": "view", "view": "open" }, "first": 3 }),
    )
    .unwrap();
    assert_eq!(list["total"].as_u64(), Some(open));
    let rows = call(
        &webview,
        "list_rows",
        json!({ "list": list["list"], "start": 0, "count": 5 }),
    )
    .unwrap();
    let first = rows[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(rows.as_array().unwrap().len(), 5.min(open as usize));
    // The first rows came with the list, the same as `list_rows` gives.
    let came = list["rows"].as_array().unwrap();
    assert_eq!(came.len(), 3.min(open as usize));
    assert_eq!(came[..], rows.as_array().unwrap()[..came.len()]);

    // A change through the side panel's command: kind and status, then the row says so.
    let changed = call(
        &webview,
        "tickets_edit",
        json!({ "ids": [first], "edit": { "kind": "bug", "status": "pending" } }),
    )
    .unwrap();
    assert_eq!(changed[0]["kind"], "bug");
    assert_eq!(changed[0]["status"], "pending");

    let page = call(&webview, "ticket_open", json!({ "id": first })).unwrap();
    let mid = page["detail"]["messages"][0]["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = call(
        &webview,
        "message_body",
        json!({ "messageId": mid, "loadImages": false }),
    )
    .unwrap();
    assert!(
        body["rendered"]["document"]
            .as_str()
            .unwrap()
            .contains("default-src 'none'")
    );

    // Errors reach the UI as { kind, message }.
    let err = call(
        &webview,
        "tickets_edit",
        json!({ "ids": [first], "edit": { "kind": "feat" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    let err = call(
        &webview,
        "open_link",
        json!({ "url": "file:///etc/passwd" }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    let err = call(&webview, "ticket_open", json!({ "id": "nosuchticket" })).unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");

    // A search with words lists ranked tickets with snippets.
    let found = call(
        &webview,
        "list_open",
        json!({ "source": { "by": "query", "query": "status:pending" } }),
    )
    .unwrap();
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
}

#[test]
fn answer_commands_fill_templates_add_notes_and_refuse_what_cannot_be_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());
    let id = as_maya_first_open_ticket(&webview);

    let templates = call(&webview, "templates_list", json!({})).unwrap();
    assert!(
        templates
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Bug acknowledged"),
        "{templates}"
    );
    let filled = call(
        &webview,
        "template_fill",
        json!({ "ticket": id, "name": "Bug acknowledged" }),
    )
    .unwrap();
    assert!(
        filled["body"].as_str().unwrap().contains("Maya"),
        "{filled}"
    );
    assert_eq!(filled["template"]["set_kind"], "bug");

    // A template with a variable that does not exist is refused, saying which.
    let err = call(
        &webview,
        "template_save",
        json!({ "template": { "name": "Odd", "subject": null, "body": "Hi {{nope}}", "set_status": null, "set_kind": null, "tags": [] } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    assert!(err["message"].as_str().unwrap().contains("nope"), "{err}");
    let saved = call(
        &webview,
        "template_save",
        json!({ "template": { "name": "Thanks", "subject": null, "body": "Thanks {{customer.first_name}}!", "set_status": "closed", "set_kind": null, "tags": ["thanked"] } }),
    )
    .unwrap();
    assert!(
        saved
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Thanks")
    );
    let left = call(&webview, "template_remove", json!({ "name": "Thanks" })).unwrap();
    assert!(
        !left
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "Thanks")
    );

    // A note is an op on the ticket, shown with it.
    call(
        &webview,
        "note",
        json!({ "ticket": id, "text": "Customer is on 4.2" }),
    )
    .unwrap();
    let page = call(&webview, "ticket_open", json!({ "id": id })).unwrap();
    let notes = page["detail"]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["text"] == "Customer is on 4.2"),
        "{notes:?}"
    );

    // A reply still holding a placeholder never leaves; the demo has no SMTP server anyway.
    let err = call(
        &webview,
        "reply",
        json!({ "request": { "ticket": id, "body": "Hi {{customer.first_name}}", "all": false, "template": null } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    let outbox = call(&webview, "outbox_list", json!({})).unwrap();
    assert_eq!(outbox, json!([]));
    let side = call(&webview, "sidebar", json!({})).unwrap();
    assert_eq!(side["outbox"], 0);
}

#[test]
fn forwards_and_new_conversations_queue_like_replies_and_refuse_what_cannot_be_sent() {
    use siphon::account::{Config, Security, SmtpSettings};
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());
    let id = as_maya_first_open_ticket(&webview);
    let page = call(&webview, "ticket_open", json!({ "id": id })).unwrap();
    let first = page["detail"]["messages"][0]["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let side = call(&webview, "sidebar", json!({})).unwrap();
    let account = side["accounts"][0]["name"].as_str().unwrap().to_owned();

    // The engine's refusals reach the UI as { kind, message }: nobody to send to, and (the
    // demo as imported) no SMTP server to send through.
    let err = call(
        &webview,
        "forward",
        json!({ "request": { "ticket": id, "message_id": null, "to": [], "body": "" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    assert!(err["message"].as_str().unwrap().contains("whom"), "{err}");
    let err = call(
        &webview,
        "forward",
        json!({ "request": { "ticket": id, "message_id": null, "to": ["jo@client.example"], "body": "" } }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
    assert!(err["message"].as_str().unwrap().contains("SMTP"), "{err}");

    // Give the demo account a server. Nothing leaves: the window is long and all is cancelled.
    let path = dir.path().join("demo").join("config.toml");
    let mut config = Config::load(&path).unwrap();
    config.send.undo_seconds = 600;
    config.get_mut(&account).unwrap().smtp = Some(SmtpSettings {
        host: "127.0.0.1".into(),
        port: 9,
        security: Security::Plain,
        user: None,
        password_cmd: None,
        own_password: false,
        saves_sent: Some(true),
    });
    config.save(&path).unwrap();

    let forwarded = call(
        &webview,
        "forward",
        json!({ "request": { "ticket": id, "message_id": null, "to": ["jo@client.example"], "body": "FYI, see below." } }),
    )
    .unwrap();
    assert_eq!(forwarded["purpose"], "forward", "{forwarded}");
    assert_eq!(forwarded["state"], "queued", "{forwarded}");
    assert_eq!(forwarded["ticket"], id.as_str(), "{forwarded}");
    assert_eq!(forwarded["to"], json!(["jo@client.example"]), "{forwarded}");
    assert!(
        forwarded["subject"].as_str().unwrap().starts_with("Fwd:"),
        "{forwarded}"
    );
    // One message in particular, without a note.
    let earlier = call(
        &webview,
        "forward",
        json!({ "request": { "ticket": id, "message_id": first, "to": ["jo@client.example"], "body": "" } }),
    )
    .unwrap();
    assert_eq!(earlier["parent"], first.as_str(), "{earlier}");

    let fresh = call(
        &webview,
        "compose_new",
        json!({ "request": { "account": account, "to": ["sam@client.example"], "cc": ["lee@client.example"], "subject": "Your renewal", "body": "Hi Sam,\nyour plan renews next week." } }),
    )
    .unwrap();
    assert_eq!(fresh["purpose"], "new", "{fresh}");
    assert_eq!(fresh["ticket"], Value::Null, "{fresh}");
    assert_eq!(fresh["subject"], "Your renewal", "{fresh}");
    assert_eq!(
        fresh["to"],
        json!(["sam@client.example", "lee@client.example"]),
        "{fresh}"
    );
    for (request, kind, says) in [
        (
            json!({ "account": account, "to": ["not an address"], "cc": [], "subject": "Hi", "body": "Hello" }),
            "usage",
            "not an email address",
        ),
        (
            json!({ "account": account, "to": ["sam@client.example"], "cc": [], "subject": " ", "body": "Hello" }),
            "usage",
            "subject",
        ),
        (
            json!({ "account": account, "to": ["sam@client.example"], "cc": [], "subject": "Hi", "body": "" }),
            "usage",
            "empty",
        ),
        (
            json!({ "account": "nosuchaccount", "to": ["sam@client.example"], "cc": [], "subject": "Hi", "body": "Hello" }),
            "config",
            "nosuchaccount",
        ),
    ] {
        let err = call(&webview, "compose_new", json!({ "request": request })).unwrap_err();
        assert_eq!(err["kind"], kind, "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
    }

    // All three wait in the outbox; undo (cancel) takes each back before it leaves.
    let outbox = call(&webview, "outbox_list", json!({})).unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 3, "{outbox}");
    for item in [&forwarded, &earlier, &fresh] {
        call(&webview, "outbox_cancel", json!({ "id": item["id"] })).unwrap();
    }
    let outbox = call(&webview, "outbox_list", json!({})).unwrap();
    assert_eq!(outbox, json!([]));
}

#[test]
fn reports_cover_the_demo_and_export_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());
    // The demo's mail is dated relative to its import: the last 90 days hold all of it.
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400;
    // A day either side of today, whatever the configured time zone.
    let (from, to) = (civil(days - 90), civil(days + 1));
    let period = json!({ "from": from, "to": to });

    let r = call(&webview, "report", json!({ "period": period })).unwrap();
    let weeks = r["weeks"].as_array().unwrap();
    assert!(weeks.len() >= 13, "{r}");
    let created: u64 = weeks.iter().map(|w| w["created"].as_u64().unwrap()).sum();
    assert_eq!(Some(created), r["totals"]["created"].as_u64(), "{r}");
    assert!(created > 0, "{r}");
    assert!(!r["agents"].as_array().unwrap().is_empty(), "{r}");

    let err = call(&webview, "report", json!({ "period": { "from": from } })).unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");

    let out = dir.path().join("report.xlsx");
    let done = call(
        &webview,
        "report_export",
        json!({ "period": period, "format": "xlsx", "path": out.display().to_string() }),
    )
    .unwrap();
    assert!(done["tickets"].as_u64().unwrap() > 0, "{done}");
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
    let err = call(
        &webview,
        "report_export",
        json!({ "period": period, "format": "pdf", "path": out.display().to_string() }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "usage", "{err}");
}

/// Days since 1970-01-01 as YYYY-MM-DD (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn the_weekly_export_is_set_shown_and_turned_off_through_the_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());

    let off = call(&webview, "export_schedule_get", json!({})).unwrap();
    assert_eq!(off["schedule"], Value::Null, "{off}");
    assert_eq!(off["next"], Value::Null, "{off}");

    let folder = dir.path().join("weekly").display().to_string();
    let schedule = json!({ "day": "mon", "time": "08:00", "folder": folder, "format": "xlsx" });
    let set = call(
        &webview,
        "export_schedule_set",
        json!({ "schedule": schedule }),
    )
    .unwrap();
    assert_eq!(set["schedule"], schedule, "{set}");
    assert!(set["next"].as_str().unwrap().contains("T08:00:00"), "{set}");
    assert_eq!(
        call(&webview, "export_schedule_get", json!({})).unwrap(),
        set
    );

    // Words the engine cannot read, and a relative folder, are the person's to fix.
    for bad in [
        json!({ "day": "mon", "time": "8h", "folder": folder, "format": "csv" }),
        json!({ "day": "someday", "time": "08:00", "folder": folder, "format": "csv" }),
        json!({ "day": "mon", "time": "08:00", "folder": "reports", "format": "csv" }),
    ] {
        let err = call(&webview, "export_schedule_set", json!({ "schedule": bad })).unwrap_err();
        assert_eq!(err["kind"], "usage", "{err}");
    }

    let off = call(&webview, "export_schedule_set", json!({ "schedule": null })).unwrap();
    assert_eq!(off["schedule"], Value::Null, "{off}");
}

#[test]
fn a_long_thread_opens_with_its_first_and_latest_messages_and_the_rest_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = demo_window(dir.path());
    let mut long = None;
    for view in ["open", "pending", "closed"] {
        let list = call(
            &webview,
            "list_open",
            json!({ "source": { "by": "view", "view": view }, "first": 500 }),
        )
        .unwrap();
        long = list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["messages"].as_u64().unwrap() >= 3)
            .map(|r| r["id"].as_str().unwrap().to_owned());
        if long.is_some() {
            break;
        }
    }
    let id = long.expect("the demo has a thread of three messages or more");
    let page = call(&webview, "ticket_open", json!({ "id": id })).unwrap();
    let ids: Vec<&str> = page["detail"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 3, "{ids:?}");
    let bodies: Vec<&str> = page["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, [ids[0], ids[ids.len() - 1]]);
    // A folded message's body comes when it is opened.
    let middle = call(
        &webview,
        "message_body",
        json!({ "messageId": ids[1], "loadImages": false }),
    )
    .unwrap();
    assert_eq!(middle["message_id"], ids[1]);
    assert!(
        middle["rendered"]["document"]
            .as_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}
