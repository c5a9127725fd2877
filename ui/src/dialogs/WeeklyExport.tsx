/**
 * Settings' "Weekly export": the last full week written to a folder on a weekday and time (in
 * the team's time zone), as CSV, XLSX or JSON. The app checks every minute and notifies when it
 * writes the file (or writes it late, at the next start, when the machine was off).
 */

import { useEffect, useState } from "preact/hooks";
import * as api from "../api/commands";
import type { Format, ScheduleStatus, ScheduleText } from "../api/bindings";
import { showError } from "../app/toast";

const DAYS: [string, string][] = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];

const FORMATS: Format[] = ["xlsx", "csv", "json"];

const BLANK: ScheduleText = { day: "mon", time: "08:00", folder: "", format: "xlsx" };

/** "2026-11-30T08:00:00+01:00" as "2026-11-30 08:00" (the zone's own wall clock). */
function wall(instant: string | null): string {
  return instant ? instant.slice(0, 16).replace("T", " ") : "";
}

export function WeeklyExport() {
  const [status, setStatus] = useState<ScheduleStatus | null>(null);
  const [draft, setDraft] = useState<ScheduleText>(BLANK);
  const [on, setOn] = useState(false);

  const take = (s: ScheduleStatus) => {
    setStatus(s);
    setOn(s.schedule !== null);
    if (s.schedule) setDraft(s.schedule);
  };

  useEffect(() => {
    api.exportScheduleGet().then(take, showError);
  }, []);

  const save = async (schedule: ScheduleText | null) => {
    try {
      take(await api.exportScheduleSet(schedule));
    } catch (error) {
      showError(error);
    }
  };

  const change = (part: Partial<ScheduleText>) => setDraft({ ...draft, ...part });
  const saved = status?.schedule ?? null;
  const dirty = on !== (saved !== null) || (on && JSON.stringify(draft) !== JSON.stringify(saved));

  return (
    <section id="weekly-export" aria-label="Weekly export">
      <h3>Weekly export</h3>
      <label class="check">
        <input
          type="checkbox"
          id="weekly-on"
          checked={on}
          disabled={!status}
          onChange={(e) => {
            const checked = e.currentTarget.checked;
            setOn(checked);
            if (!checked && saved) void save(null);
          }}
        />
        Write last week's tickets and KPIs to a folder every week
      </label>
      {on && (
        <form
          class="weekly-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save(draft);
          }}
        >
          <div class="field-row">
            <label>
              Day
              <select id="weekly-day" value={draft.day} onChange={(e) => change({ day: e.currentTarget.value })}>
                {DAYS.map(([value, name]) => (
                  <option value={value}>{name}</option>
                ))}
              </select>
            </label>
            <label>
              Time
              <input
                id="weekly-time"
                type="time"
                required
                value={draft.time}
                onInput={(e) => change({ time: e.currentTarget.value })}
              />
            </label>
            <label>
              Format
              <select
                id="weekly-format"
                value={draft.format}
                onChange={(e) => change({ format: e.currentTarget.value as Format })}
              >
                {FORMATS.map((f) => (
                  <option value={f}>{f.toUpperCase()}</option>
                ))}
              </select>
            </label>
          </div>
          <label>
            Folder (full path; created if missing)
            <input
              id="weekly-folder"
              required
              placeholder="/home/me/Reports"
              value={draft.folder}
              onInput={(e) => change({ folder: e.currentTarget.value })}
            />
          </label>
          <div class="buttons">
            <button type="submit" id="weekly-save" disabled={!dirty}>
              Save schedule
            </button>
          </div>
        </form>
      )}
      {status?.schedule && (
        <p class="hint">
          Next: {wall(status.next)} ({status.time_zone}), if the machine is off then, at its next start.
          {status.last_file && (
            <>
              {" "}
              Last written {wall(status.last_run)}: <code>{status.last_file}</code>
            </>
          )}
        </p>
      )}
    </section>
  );
}
