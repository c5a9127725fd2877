//! CSV that Excel opens as it is: UTF-8 with a byte-order mark, CRLF line ends, RFC 4180
//! quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled).
//!
//! Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell that starts with `=`,
//! `+`, `-` or `@` (and some strip a leading tab or CR first), so a customer's subject
//! `=HYPERLINK(…)` would become a live formula on the manager's machine. Every text cell starting
//! with one of those is neutralised by a leading apostrophe, which spreadsheets show as text.
//! Numbers and dates are written by Siphon itself and left as they are.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{COLUMNS, Cell, Context, Sink, io};
use crate::report::Result;
use crate::report::calendar::Calendar;

/// Characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell made inert for a spreadsheet.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(TRIGGERS) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// One field, quoted when RFC 4180 says so.
pub fn quote(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// A cell as CSV text (neutralised and quoted).
pub fn field(cell: &Cell, cal: &Calendar) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => quote(&neutralise(s)).into_owned(),
        Cell::Int(n) => n.to_string(),
        Cell::Hours(h) => format!("{h:.2}"),
        Cell::Date(t) => cal.local(*t).format("%Y-%m-%d %H:%M").to_string(),
        Cell::Day(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// One CSV line (with its CRLF).
pub fn line(cells: &[Cell], cal: &Calendar) -> String {
    let mut out = cells
        .iter()
        .map(|c| field(c, cal))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// A CSV file being written.
pub struct Csv {
    out: BufWriter<File>,
    path: PathBuf,
    calendar: Calendar,
}

impl Csv {
    /// Creates the file and writes the BOM and the header.
    pub fn create(path: &Path, calendar: &Calendar) -> Result<Csv> {
        let file = File::create(path).map_err(|e| io(path, e))?;
        let mut csv = Csv {
            out: BufWriter::with_capacity(1 << 16, file),
            path: path.to_path_buf(),
            calendar: calendar.clone(),
        };
        let header: Vec<Cell> = COLUMNS.iter().map(|c| Cell::Text(c.title.into())).collect();
        let head = format!("\u{feff}{}", line(&header, calendar));
        csv.write(head.as_bytes())?;
        Ok(csv)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(|e| io(&self.path, e))
    }
}

impl Sink for Csv {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let l = line(cells, &self.calendar);
        self.write(l.as_bytes())
    }

    fn finish(mut self: Box<Self>, _ctx: &Context) -> Result<()> {
        self.out.flush().map_err(|e| io(&self.path, e))
    }
}

#[cfg(test)]
#[path = "csv/tests.rs"]
mod tests;
