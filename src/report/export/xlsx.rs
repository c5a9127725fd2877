//! XLSX through `rust_xlsxwriter`: a workbook a manager can open and sort at once.
//!
//! Sheets, in order: **Tickets** (one row per ticket, written as the rows come in the writer's
//! constant-memory mode, so a year of tickets never sits in memory as cells), **Summary** (the
//! period's figures, then the dimensions: by kind, priority, tag, account, agent, top
//! organisations, recurring tags) and **By week**. Dates are real date cells in the team's zone
//! (spreadsheets have no zones) with a date format, durations have a two-decimal number format,
//! and every table has a frozen, bold header row and an autofilter. The reference column is a
//! `siphon://ticket/ID` hyperlink (Excel allows 65,530 links a sheet; past that it is text).
//! Text cells are string cells, never formulas, so a subject starting with `=` stays text.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Url, Workbook, Worksheet, XlsxError};

use super::{COLUMNS, Cell, Context, Shape, Sink, WEEK_COLUMNS, summary_lines, week_row};
use crate::report::calendar::Calendar;
use crate::report::metrics::{Group, Ranked};
use crate::report::{Error, Result};

/// Excel's limit of hyperlinks on one sheet.
const MAX_LINKS: u32 = 65_530;

/// The cell formats of a workbook.
struct Formats {
    header: Format,
    date: Format,
    day: Format,
    hours: Format,
    int: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            day: Format::new().set_num_format("yyyy-mm-dd"),
            hours: Format::new().set_num_format("0.00"),
            int: Format::new().set_num_format("0"),
        }
    }
}

/// An XLSX workbook being written.
pub struct Xlsx {
    book: Workbook,
    path: PathBuf,
    calendar: Calendar,
    formats: Formats,
    /// The next row of the Tickets sheet.
    next: u32,
}

impl Xlsx {
    /// Starts the workbook with its Tickets sheet and header row.
    pub fn create(path: &Path, calendar: &Calendar) -> Result<Xlsx> {
        let mut x = Xlsx {
            book: Workbook::new(),
            path: path.to_path_buf(),
            calendar: calendar.clone(),
            formats: Formats::new(),
            next: 1,
        };
        let (path, formats) = (x.path.clone(), &x.formats);
        let sheet = x
            .book
            .add_worksheet_with_constant_memory()
            .map_err(|e| xlsx(&path, e))?;
        (|| {
            sheet.set_name("Tickets")?;
            for (i, c) in COLUMNS.iter().enumerate() {
                sheet.set_column_width(i as u16, c.width)?;
                sheet.write_string_with_format(0, i as u16, c.title, &formats.header)?;
            }
            sheet.set_freeze_panes(1, 0)?;
            Ok(())
        })()
        .map_err(|e| xlsx(&path, e))?;
        Ok(x)
    }
}

fn xlsx(path: &Path, source: XlsxError) -> Error {
    Error::Xlsx {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes one cell; `link`: write text as a hyperlink.
fn put(
    sheet: &mut Worksheet,
    f: &Formats,
    cal: &Calendar,
    (row, col): (u32, u16),
    cell: &Cell,
    link: bool,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) if link => {
            sheet.write_url(row, col, Url::new(s.as_str()))?;
        }
        Cell::Text(s) => {
            sheet.write_string(row, col, s)?;
        }
        Cell::Int(n) => {
            sheet.write_number_with_format(row, col, *n as f64, &f.int)?;
        }
        Cell::Hours(h) => {
            sheet.write_number_with_format(row, col, *h, &f.hours)?;
        }
        Cell::Date(t) => {
            sheet.write_datetime_with_format(row, col, cal.local(*t), &f.date)?;
        }
        Cell::Day(d) => {
            sheet.write_datetime_with_format(row, col, *d, &f.day)?;
        }
    }
    Ok(())
}

/// A header row in bold, frozen, with widths.
fn header(
    sheet: &mut Worksheet,
    f: &Formats,
    titles: &[&str],
    width: f64,
) -> std::result::Result<(), XlsxError> {
    for (i, t) in titles.iter().enumerate() {
        sheet.set_column_width(i as u16, width)?;
        sheet.write_string_with_format(0, i as u16, *t, &f.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn summary(
    sheet: &mut Worksheet,
    f: &Formats,
    cal: &Calendar,
    ctx: &Context,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    header(
        sheet,
        f,
        &[
            "Figure",
            "Value",
            "Active",
            "Created",
            "Closed",
            "Open at end",
        ],
        12.0,
    )?;
    sheet.set_column_width(0, 44.0)?;
    let mut row = 1u32;
    let mut line = |sheet: &mut Worksheet, cells: &[Cell]| -> std::result::Result<(), XlsxError> {
        for (i, c) in cells.iter().enumerate() {
            put(sheet, f, cal, (row, i as u16), c, false)?;
        }
        row += 1;
        Ok(())
    };
    let text = |s: &str| Cell::Text(s.to_string());
    line(sheet, &[text("Period"), text(&ctx.period.label())])?;
    line(sheet, &[text("From"), Cell::Day(ctx.period.from)])?;
    line(sheet, &[text("To"), Cell::Day(ctx.period.to)])?;
    line(sheet, &[text("Time zone"), text(ctx.calendar.zone.name())])?;
    for (label, value) in summary_lines(ctx.summary) {
        line(sheet, &[Cell::Text(label), value])?;
    }
    let n = |v: u32| Cell::Int(i64::from(v));
    let m = ctx.summary;
    let dims: [(&str, &Vec<Group>); 5] = [
        ("By kind", &m.by_kind),
        ("By priority", &m.by_priority),
        ("By tag", &m.by_tag),
        ("By account", &m.by_account),
        ("By agent", &m.by_agent),
    ];
    for (title, groups) in dims {
        for g in groups {
            let c = g.counts;
            let name = Cell::Text(format!("{title}: {}", g.name));
            line(
                sheet,
                &[
                    name,
                    Cell::Empty,
                    n(c.active),
                    n(c.created),
                    n(c.closed),
                    n(c.open_at_end),
                ],
            )?;
        }
    }
    let ranks: [(&str, &Vec<Ranked>); 2] = [
        ("Top organisation", &m.top_organisations),
        ("Recurring tag", &m.recurring_tags),
    ];
    for (title, ranked) in ranks {
        for r in ranked {
            line(
                sheet,
                &[
                    Cell::Text(format!("{title}: {}", r.name)),
                    Cell::Empty,
                    n(r.tickets),
                ],
            )?;
        }
    }
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), 5)?;
    Ok(())
}

fn weeks(
    sheet: &mut Worksheet,
    f: &Formats,
    cal: &Calendar,
    ctx: &Context,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name("By week")?;
    header(sheet, f, WEEK_COLUMNS, 12.0)?;
    for (r, (week, m)) in ctx.weeks.iter().enumerate() {
        for (i, c) in week_row(week, m).iter().enumerate() {
            put(sheet, f, cal, (r as u32 + 1, i as u16), c, false)?;
        }
    }
    let last = (ctx.weeks.len() as u32).max(1);
    sheet.autofilter(0, 0, last, WEEK_COLUMNS.len() as u16 - 1)?;
    Ok(())
}

impl Sink for Xlsx {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let row = self.next;
        self.next += 1;
        let sheet = self
            .book
            .worksheet_from_index(0)
            .map_err(|e| xlsx(&self.path, e))?;
        for ((i, c), col) in cells.iter().enumerate().zip(COLUMNS) {
            let link = col.shape == Shape::Link && row <= MAX_LINKS;
            put(
                sheet,
                &self.formats,
                &self.calendar,
                (row, i as u16),
                c,
                link,
            )
            .map_err(|e| xlsx(&self.path, e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, ctx: &Context) -> Result<()> {
        let path = self.path.clone();
        let last = self.next.saturating_sub(1).max(1);
        let (f, cal) = (&self.formats, &self.calendar);
        let mut write = || -> std::result::Result<(), XlsxError> {
            let tickets = self.book.worksheet_from_index(0)?;
            // An autofilter over the header alone when there are no rows: still a valid range.
            tickets.autofilter(0, 0, last, COLUMNS.len() as u16 - 1)?;
            summary(self.book.add_worksheet(), f, cal, ctx)?;
            weeks(self.book.add_worksheet(), f, cal, ctx)?;
            self.book.save(&path)?;
            Ok(())
        };
        write().map_err(|e| xlsx(&path, e))
    }
}
