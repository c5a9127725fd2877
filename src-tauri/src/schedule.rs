//! The weekly export's settings: thin adapters over the engine's schedule. The export itself
//! runs in `live`'s schedule loop, which checks every minute and notifies the person.

use siphon::engine::{Error, ScheduleStatus};
use siphon::report::schedule::{Schedule, ScheduleText};
use tauri::State;

use crate::api::Answer;
use crate::commands::with_engine;
use crate::state::AppState;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The weekly export: its schedule (none when off), the next run and the last.
#[tauri::command]
pub async fn export_schedule_get(state: State<'_, AppState>) -> Answer<ScheduleStatus> {
    state.log_call("export_schedule_get");
    let ws = state.workspace()?;
    with_engine(&ws, |e| e.export_schedule_status(now())).await
}

/// Sets the weekly export (`None` turns it off); its first run is the next scheduled time.
#[tauri::command]
pub async fn export_schedule_set(
    state: State<'_, AppState>,
    schedule: Option<ScheduleText>,
) -> Answer<ScheduleStatus> {
    state.log_call(&format!("export_schedule_set {}", schedule.is_some()));
    let ws = state.workspace()?;
    with_engine(&ws, move |e| {
        let schedule = schedule
            .map(Schedule::try_from)
            .transpose()
            .map_err(|err| Error::Usage(err.to_string()))?;
        e.export_schedule_set(schedule, now())?;
        e.export_schedule_status(now())
    })
    .await
}
