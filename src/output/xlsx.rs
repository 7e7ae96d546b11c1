//! Workbooks for the economists who check and build on a result.
//!
//! A CSV file loses what a spreadsheet needs: which cells are numbers, which
//! are money or shares, which are dates, and which are hidden for privacy.
//! Here every table of a document becomes its own sheet, holding one Excel
//! Table named after the part's key (`hotspots`, `budget_areas`, …), so
//! that Power Query and Power BI load it by a name that does not move.
//! Numbers are numbers (money as `#,##0.00`, shares as `0.0%`), dates are
//! dates, the header row is bold, frozen and filtered, and a suppressed
//! cell is empty with a note saying why. Fields parts become a two-column
//! `field`/`value` sheet.
//!
//! The workbook's document properties are fixed (no creation time, no
//! author from the machine), so the same result gives the same bytes.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as CellFormat, Note, Table as ExcelTable, Workbook,
    Worksheet,
};

use super::cells::{Cell, Role, TableView};
use super::document::{flat_fields, PreparedPart};
use super::number::{iso_date, Decimal};
use super::Value;

/// Excel's limit on a sheet name's length.
const SHEET_NAME_MAX: usize = 31;
/// The fixed creation time of every workbook: the Excel epoch's first
/// representable day after 2000, so nothing of the run leaks into the bytes.
const FIXED_CREATED: (u16, u8, u8) = (2000, 1, 1);

/// The note on an empty cell hidden because it counts fewer than `min_cell` units.
fn below_note(min_cell: u32) -> String {
    format!("Suppressed (<{min_cell}): computed from fewer than {min_cell} units.")
}

/// The note on an empty cell hidden to protect another hidden figure.
const COMPLEMENT_NOTE: &str =
    "Suppressed (..): hidden so that another suppressed figure cannot be worked out.";

/// Cell formats, made once per workbook.
struct Formats {
    header: CellFormat,
    money: CellFormat,
    share: CellFormat,
    date: CellFormat,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: CellFormat::new().set_bold(),
            money: CellFormat::new().set_num_format("#,##0.00"),
            share: CellFormat::new().set_num_format("0.0%"),
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// Writes one table as a workbook of one sheet; `name` names the sheet and
/// the Excel Table (e.g. the command, `hotspots`).
pub(super) fn write_table(
    view: &TableView<'_>,
    name: &str,
    min_cell: u32,
    out: &mut dyn Write,
) -> Result<()> {
    let mut book = Book::new(min_cell);
    book.add_table(name, view)?;
    book.finish(out)
}

/// Writes a document: one sheet per part, in order.
pub(super) fn write_document(
    parts: &[(&str, PreparedPart<'_>)],
    name: &str,
    min_cell: u32,
    out: &mut dyn Write,
) -> Result<()> {
    let mut book = Book::new(min_cell);
    for (key, part) in parts {
        // The headline fields of a document have no key of their own.
        let key = if key.is_empty() { "summary" } else { key };
        let key = if parts.len() == 1 { name } else { key };
        match part {
            PreparedPart::Table(_, view) => book.add_table(key, view)?,
            PreparedPart::Fields(fields) => book.add_fields(key, fields)?,
        }
    }
    book.finish(out)
}

/// A workbook being filled, with the names already used.
struct Book {
    workbook: Workbook,
    formats: Formats,
    min_cell: u32,
    names: BTreeSet<String>,
}

impl Book {
    fn new(min_cell: u32) -> Book {
        let mut workbook = Workbook::new();
        let (y, m, d) = FIXED_CREATED;
        // A valid constant date: from_ymd fails only outside 1900–9999.
        let created = ExcelDateTime::from_ymd(y, m, d).unwrap_or_default();
        workbook.set_properties(
            &DocProperties::new()
                .set_author("tvaers")
                .set_creation_datetime(&created),
        );
        Book {
            workbook,
            formats: Formats::new(),
            min_cell,
            names: BTreeSet::new(),
        }
    }

    /// A unique, valid name for a sheet and its table, from a part's key.
    fn name_for(&mut self, key: &str) -> String {
        let base = table_name(key);
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name.to_ascii_lowercase()) {
            let suffix = format!("_{n}");
            let keep = SHEET_NAME_MAX.saturating_sub(suffix.len()).min(base.len());
            name = format!("{}{suffix}", &base[..keep]);
            n += 1;
        }
        self.names.insert(name.to_ascii_lowercase());
        name
    }

    fn add_table(&mut self, key: &str, view: &TableView<'_>) -> Result<()> {
        let name = self.name_for(key);
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(&name)?;
        if view.columns.is_empty() {
            return Ok(());
        }
        let headers: Vec<&str> = view.columns.iter().map(|c| c.name).collect();
        write_header(sheet, &headers, &self.formats)?;
        for row in 0..view.height {
            for (col, column) in view.columns.iter().enumerate() {
                let at = (to_row(row + 1)?, to_col(col)?);
                write_cell(
                    sheet,
                    at,
                    column.cell(row),
                    column.role,
                    &self.formats,
                    self.min_cell,
                )?;
            }
        }
        finish_sheet(sheet, &name, view.height, headers.len())
    }

    fn add_fields(&mut self, key: &str, fields: &[(String, Value)]) -> Result<()> {
        let name = self.name_for(key);
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(&name)?;
        write_header(sheet, &["field", "value"], &self.formats)?;
        let flat = flat_fields(fields);
        for (index, (field, cell, role)) in flat.iter().enumerate() {
            let row = to_row(index + 1)?;
            sheet.write_string(row, 0, field)?;
            write_cell(sheet, (row, 1), *cell, *role, &self.formats, self.min_cell)?;
        }
        finish_sheet(sheet, &name, flat.len(), 2)
    }

    fn finish(mut self, out: &mut dyn Write) -> Result<()> {
        if self.names.is_empty() {
            // A workbook needs a sheet; an empty document gives an empty one.
            self.workbook.add_worksheet();
        }
        let bytes = self.workbook.save_to_buffer()?;
        out.write_all(&bytes)?;
        out.flush()?;
        Ok(())
    }
}

fn write_header(sheet: &mut Worksheet, headers: &[&str], formats: &Formats) -> Result<()> {
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, to_col(col)?, *header, &formats.header)?;
    }
    Ok(())
}

/// Makes the written range an Excel Table (with its autofilter), freezes
/// the header row and sizes the columns.
fn finish_sheet(sheet: &mut Worksheet, name: &str, rows: usize, columns: usize) -> Result<()> {
    // An Excel Table needs one data row; an empty result gets an empty one.
    let last_row = to_row(rows.max(1))?;
    let last_col = to_col(columns.saturating_sub(1))?;
    sheet.add_table(0, 0, last_row, last_col, &ExcelTable::new().set_name(name))?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit_to_max_width(400);
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    cell: Cell<'_>,
    role: Role,
    formats: &Formats,
    min_cell: u32,
) -> Result<()> {
    let number_format = match role {
        Role::Money => Some(&formats.money),
        Role::Share => Some(&formats.share),
        Role::Plain => None,
    };
    let mut number = |x: f64| -> Result<()> {
        if x.is_nan() {
            // What CSV writes for NaN: nothing.
        } else if x.is_infinite() {
            sheet.write_string(row, col, if x > 0.0 { "inf" } else { "-inf" })?;
        } else if let Some(format) = number_format {
            // Money to whole øre, as every other format writes it: a sum of
            // floats (457578373.15999955) is not what anyone paid.
            let x = match role {
                Role::Money => Decimal::from_f64(x)
                    .and_then(|d| d.round(2).parse().ok())
                    .unwrap_or(x),
                Role::Share | Role::Plain => x,
            };
            sheet.write_number_with_format(row, col, x, format)?;
        } else {
            sheet.write_number(row, col, x)?;
        }
        Ok(())
    };
    match cell {
        Cell::Null => {}
        Cell::Suppressed | Cell::Complement => {
            let text = if cell == Cell::Complement {
                COMPLEMENT_NOTE.to_string()
            } else {
                below_note(min_cell)
            };
            sheet.insert_note(
                row,
                col,
                &Note::new(text)
                    .set_author("tvaers")
                    .add_author_prefix(false),
            )?;
        }
        Cell::Int(i) => number(i as f64)?,
        Cell::UInt(u) => number(u as f64)?,
        Cell::F64(x) => number(x)?,
        Cell::F32(x) => number(f64::from(x))?,
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, b)?;
        }
        Cell::Str(s) => {
            sheet.write_string(row, col, s)?;
        }
        Cell::Date(days) => match excel_date(days) {
            Some(date) => {
                sheet.write_datetime_with_format(row, col, &date, &formats.date)?;
            }
            // Outside Excel's calendar (before 1900 or after 9999): as text.
            None => {
                sheet.write_string(row, col, iso_date(days))?;
            }
        },
    }
    Ok(())
}

/// A polars day count as an Excel date, when Excel has that day.
fn excel_date(days: i32) -> Option<ExcelDateTime> {
    let date =
        chrono::NaiveDate::default().checked_add_signed(chrono::Duration::days(days.into()))?;
    use chrono::Datelike;
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

/// A name valid for both a sheet and an Excel Table: letters, digits and
/// `_`, starting with a letter or `_`, at most 31 characters, and not one
/// Excel could read as a cell reference (`A1`, `R1C1`).
pub(super) fn table_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .take(SHEET_NAME_MAX)
        .collect();
    if name.is_empty()
        || name.starts_with(|c: char| !(c.is_alphabetic() || c == '_'))
        || looks_like_reference(&name)
    {
        name.insert(0, '_');
        name.truncate(SHEET_NAME_MAX);
    }
    name
}

/// `A1`…`XFD1048576` style (one to three letters, then digits) or `R1C1`
/// style (`R`, `C`, `R2C3`).
fn looks_like_reference(name: &str) -> bool {
    let letters = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let a1 = letters.len() < name.len()
        && (1..=3).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic());
    let upper = name.to_ascii_uppercase();
    let r1c1 = upper.strip_prefix('R').is_some_and(|rest| {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.is_empty()
            || rest
                .strip_prefix('C')
                .is_some_and(|c| c.chars().all(|d| d.is_ascii_digit()))
    }) || upper
        .strip_prefix('C')
        .is_some_and(|rest| rest.chars().all(|d| d.is_ascii_digit()));
    a1 || r1c1
}

fn to_row(row: usize) -> Result<u32> {
    // Excel's limit; rust_xlsxwriter names it in its own error too.
    u32::try_from(row).map_err(|_| anyhow::anyhow!("row {row} is past a worksheet's last row"))
}

fn to_col(col: usize) -> Result<u16> {
    u16::try_from(col)
        .map_err(|_| anyhow::anyhow!("column {col} is past a worksheet's last column"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::PartKey;
    use crate::output::{render_document, render_table, Document, Format, RenderOptions, Table};
    use calamine::{Data, Reader, Xlsx};
    use polars::prelude::*;

    fn workbook(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap()
    }

    fn areas() -> Table {
        let frame = df!(
            "area" => ["A", "B", "C"],
            "units" => [Some(12u64), None, None],
            "cost" => [Some(1234.5), None, None],
            "share" => [0.5, 0.25, 0.25],
            "first" => [19_723i32, 0, -1],
        )
        .unwrap();
        let frame = frame
            .lazy()
            .with_column(col("first").cast(DataType::Date))
            .collect()
            .unwrap();
        Table::new(frame)
            .with_money(["cost"])
            .with_shares(["share"])
            .with_suppressed(["units", "cost"])
            .with_complement_rows([2])
    }

    #[test]
    fn a_table_reads_back_as_numbers_dates_and_empty_suppressed_cells() {
        let mut out = Vec::new();
        let opts = RenderOptions {
            name: "areas".into(),
            ..RenderOptions::new(Format::Xlsx)
        };
        render_table(&areas(), &opts, &mut out).unwrap();
        let mut again = Vec::new();
        render_table(&areas(), &opts, &mut again).unwrap();
        assert_eq!(out, again, "the same table gives the same bytes");
        // The notes of the two hidden rows are in the package.
        assert!(count(&out, b"xl/comments1.xml") >= 1);

        let mut book = workbook(out);
        assert_eq!(book.sheet_names(), ["areas"]);
        book.load_tables().unwrap();
        assert_eq!(book.table_names(), [&"areas".to_string()]);
        let range = book.worksheet_range("areas").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(
            rows[0],
            ["area", "units", "cost", "share", "first"].map(|h| Data::String(h.into()))
        );
        assert_eq!(
            rows[1][..4],
            [
                Data::String("A".into()),
                Data::Float(12.0),
                Data::Float(1234.5),
                Data::Float(0.5)
            ]
        );
        assert_eq!(rows[2][1..3], [Data::Empty, Data::Empty]);
        assert_eq!(rows[3][1..3], [Data::Empty, Data::Empty]);
        // 2024-01-01 is Excel's day 45292; 1970-01-01 its day 25569.
        let serial = |d: &Data| match d {
            Data::DateTime(d) => d.as_f64(),
            other => panic!("not a date: {other:?}"),
        };
        assert_eq!(serial(&rows[1][4]), 45292.0);
        assert_eq!(serial(&rows[2][4]), 25569.0);
        assert_eq!(serial(&rows[3][4]), 25568.0);
    }

    #[test]
    fn money_is_written_to_whole_ore_not_as_the_float_a_sum_left() {
        let frame = df!(
            "cost" => [0.1 + 0.2, 457_578_373.159_999_55, 2.675, -0.005],
            "share" => [0.1 + 0.2, 0.0, 0.0, 0.0],
        )
        .unwrap();
        let table = Table::new(frame)
            .with_money(["cost"])
            .with_shares(["share"]);
        let mut out = Vec::new();
        render_table(&table, &RenderOptions::new(Format::Xlsx), &mut out).unwrap();
        let range = workbook(out).worksheet_range("data").unwrap();
        let cells: Vec<Data> = range.rows().skip(1).map(|r| r[0].clone()).collect();
        // 2.675 is 2.67499999… as a float: rounded as its shortest digits, like CSV.
        assert_eq!(
            cells,
            [0.3, 457_578_373.16, 2.68, -0.01].map(Data::Float),
            "money rounded half away from zero to 2 decimals"
        );
        let share = range.get_value((1, 1)).cloned();
        assert_eq!(
            share,
            Some(Data::Float(0.1 + 0.2)),
            "shares keep every digit"
        );
    }

    #[test]
    fn a_document_gives_a_sheet_and_table_per_part() {
        let document = Document::new()
            .with_fields(PartKey::new(""), vec![("units".into(), Value::UInt(7))])
            .with_table(PartKey::new("budget_areas"), areas())
            .with_table(PartKey::new("a1"), areas());
        let mut out = Vec::new();
        render_document(&document, &RenderOptions::new(Format::Xlsx), &mut out).unwrap();
        let mut book = workbook(out);
        assert_eq!(book.sheet_names(), ["summary", "budget_areas", "_a1"]);
        book.load_tables().unwrap();
        assert_eq!(book.table_names().len(), 3);
        let summary = book.worksheet_range("summary").unwrap();
        assert_eq!(summary.get((1, 0)), Some(&Data::String("units".into())));
        assert_eq!(summary.get((1, 1)), Some(&Data::Float(7.0)));
    }

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    }

    #[test]
    fn names_are_valid_for_sheets_and_tables() {
        assert_eq!(table_name("hotspots"), "hotspots");
        assert_eq!(table_name("by_departments"), "by_departments");
        assert_eq!(table_name(""), "_");
        assert_eq!(table_name("1 top"), "_1_top");
        assert_eq!(table_name("a1"), "_a1");
        assert_eq!(table_name("ABC12"), "_ABC12");
        assert_eq!(table_name("R1C1"), "_R1C1");
        assert_eq!(table_name("savings per år"), "savings_per_år");
        assert_eq!(table_name(&"x".repeat(40)).len(), 31);
    }
}
