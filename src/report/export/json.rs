//! JSON: one object, written as the rows come —
//! `{"period": …, "time_zone": …, "tickets": [ {column key: value, …}, … ], "summary": …,
//! "weeks": [ … ]}`. Tickets use the columns' keys; dates are RFC 3339 with the zone's offset,
//! durations are hours (numbers), missing values are `null`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::TimeZone;
use serde_json::{Map, Value, json};

use super::{COLUMNS, Cell, Context, Sink, io};
use crate::report::Result;
use crate::report::calendar::Calendar;

/// A cell as a JSON value.
pub fn value(cell: &Cell, cal: &Calendar) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => json!(n),
        Cell::Hours(h) => json!(h),
        Cell::Date(t) => match cal.zone.timestamp_opt(*t, 0).earliest() {
            Some(d) => Value::String(d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            None => Value::Null,
        },
        Cell::Day(d) => Value::String(d.format("%Y-%m-%d").to_string()),
    }
}

/// A JSON file being written.
pub struct Json {
    out: BufWriter<File>,
    path: PathBuf,
    calendar: Calendar,
    rows: usize,
}

impl Json {
    /// Creates the file and writes everything before the first ticket.
    pub fn create(path: &Path, ctx: &Context) -> Result<Json> {
        let file = File::create(path).map_err(|e| io(path, e))?;
        let mut j = Json {
            out: BufWriter::with_capacity(1 << 16, file),
            path: path.to_path_buf(),
            calendar: ctx.calendar.clone(),
            rows: 0,
        };
        let period = json!({
            "from": ctx.period.from.to_string(),
            "to": ctx.period.to.to_string(),
            "label": ctx.period.label(),
        });
        let head = format!(
            "{{\"period\":{period},\"time_zone\":{},\"tickets\":[",
            json!(ctx.calendar.zone.name())
        );
        j.write(head.as_bytes())?;
        Ok(j)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(|e| io(&self.path, e))
    }
}

impl Sink for Json {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let obj: Map<String, Value> = COLUMNS
            .iter()
            .zip(cells)
            .map(|(c, v)| (c.key.to_string(), value(v, &self.calendar)))
            .collect();
        let sep = if self.rows == 0 { "\n" } else { ",\n" };
        self.rows += 1;
        let text = format!("{sep}{}", Value::Object(obj));
        self.write(text.as_bytes())
    }

    fn finish(mut self: Box<Self>, ctx: &Context) -> Result<()> {
        let weeks: Vec<Value> = ctx
            .weeks
            .iter()
            .map(|(p, m)| {
                json!({
                    "week": crate::report::calendar::week_label(p.from),
                    "from": p.from.to_string(),
                    "to": p.to.to_string(),
                    "metrics": m,
                })
            })
            .collect();
        let tail = format!(
            "\n],\"summary\":{},\"weeks\":{}}}\n",
            json!(ctx.summary),
            Value::Array(weeks)
        );
        self.write(tail.as_bytes())?;
        self.out.flush().map_err(|e| io(&self.path, e))
    }
}
