//! The commands that answer tickets: replies, forwards and new conversations (through the
//! outbox, with an undo window), internal notes, the outbox itself, and the team's templates. Thin adapters like those in
//! `commands`; sending happens in `live`'s outbox loop, off the engine lock.

use siphon::engine::{Effects, ForwardInput, NewInput, ReplyInput};
use siphon::send::outbox::Item;
use siphon::send::template::{Filled, Template};
use tauri::{AppHandle, Runtime, State};

use crate::api::{Answer, ForwardRequest, NewRequest, ReplyRequest};
use crate::commands::with_engine;
use crate::live;
use crate::state::AppState;

/// Queues a reply; it leaves after the undo window. With `template`, that template's status,
/// kind and tags apply to the ticket now and are undone if the reply is cancelled.
#[tauri::command]
pub async fn reply(state: State<'_, AppState>, request: ReplyRequest) -> Answer<Item> {
    state.log_call(&format!("reply {} {}", request.ticket, request.all));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        let effects = match request.template.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(name) => {
                let t = e.template(name)?;
                Effects {
                    status: t.set_status,
                    kind: t.set_kind,
                    tags: t.tags,
                }
            }
            None => Effects::default(),
        };
        e.reply(ReplyInput {
            ticket: request.ticket,
            body: request.body,
            all: request.all,
            attachments: Vec::new(),
            no_undo: false,
            effects,
        })
    })
    .await
}

/// Queues a forward of one of a ticket's messages (its last by default), attached whole; it
/// leaves after the undo window like a reply.
#[tauri::command]
pub async fn forward(state: State<'_, AppState>, request: ForwardRequest) -> Answer<Item> {
    state.log_call(&format!("forward {} {}", request.ticket, request.to.len()));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        e.forward(ForwardInput {
            ticket: request.ticket,
            message_id: request.message_id,
            to: request.to,
            body: request.body,
            no_undo: false,
        })
    })
    .await
}

/// Queues the first message of a new conversation; once its Sent copy syncs back it is a
/// ticket like any other.
#[tauri::command]
pub async fn compose_new(state: State<'_, AppState>, request: NewRequest) -> Answer<Item> {
    state.log_call(&format!("compose_new {}", request.account));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        e.compose_new(NewInput {
            account: request.account,
            to: request.to,
            cc: request.cc,
            subject: request.subject,
            body: request.body,
            attachments: Vec::new(),
            no_undo: false,
        })
    })
    .await
}

/// Adds an internal note to a ticket (never sent).
#[tauri::command]
pub async fn note(state: State<'_, AppState>, ticket: String, text: String) -> Answer<()> {
    state.log_call(&format!("note {ticket}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| e.note(&ticket, &text).map(drop)).await
}

/// Every outgoing message still to show (queued, sending, failed, held, sent until its copy
/// is synced back).
#[tauri::command]
pub async fn outbox_list(state: State<'_, AppState>) -> Answer<Vec<Item>> {
    state.log_call("outbox_list");
    let ws = state.workspace()?;
    with_engine(&ws, |e| e.outbox()).await
}

/// Cancels a message that has not left ("undo" within the window), putting its ticket back.
#[tauri::command]
pub async fn outbox_cancel(state: State<'_, AppState>, id: String) -> Answer<Item> {
    state.log_call(&format!("outbox_cancel {id}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| e.outbox_cancel(&id)).await
}

/// Puts a failed or held message back in the queue and sends it now.
#[tauri::command]
pub async fn outbox_retry<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Answer<Item> {
    state.log_call(&format!("outbox_retry {id}"));
    let ws = state.workspace()?;
    let item = with_engine(&ws, move |e| e.outbox_retry(&id)).await?;
    tauri::async_runtime::spawn(async move { live::flush_outbox(&app, &ws, true).await });
    Ok(item)
}

/// The team's templates, by name.
#[tauri::command]
pub async fn templates_list(state: State<'_, AppState>) -> Answer<Vec<Template>> {
    state.log_call("templates_list");
    let ws = state.workspace()?;
    with_engine(&ws, |e| e.templates()).await
}

/// A template filled in for a ticket; what has no value stays `{{name}}` and is listed.
#[tauri::command]
pub async fn template_fill(
    state: State<'_, AppState>,
    ticket: String,
    name: String,
) -> Answer<Filled> {
    state.log_call(&format!("template_fill {ticket} {name}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| e.template_fill(&ticket, &name)).await
}

/// Saves a template (replacing one of the same name); unknown variables are refused.
#[tauri::command]
pub async fn template_save(
    state: State<'_, AppState>,
    template: Template,
) -> Answer<Vec<Template>> {
    state.log_call(&format!("template_save {}", template.name));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        e.template_save(template)?;
        e.templates()
    })
    .await
}

/// Removes a template.
#[tauri::command]
pub async fn template_remove(state: State<'_, AppState>, name: String) -> Answer<Vec<Template>> {
    state.log_call(&format!("template_remove {name}"));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        e.template_remove(&name)?;
        e.templates()
    })
    .await
}
