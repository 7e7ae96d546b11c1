//! Reading one `.xlsx` file of a source: the first sheet, or the source's
//! `sheet`. Case systems hand out Excel files at least as often as CSV, with
//! cells typed by whoever made them: a date may be an Excel date or text, an
//! amount a number or text in the source's dialect. Each cell is turned into
//! the text a CSV of the same sheet would hold in the source's dialect (an
//! Excel date in its `date_format`, a number with its decimal mark), and every
//! row then goes through the same record and row rules as a CSV line, so an
//! extract gives the same rows, rejects and counts in either form. A line
//! number is the sheet's row number.

use super::record::File;
use super::rows::RowSink;
use super::value::clean;
use super::{FileCounts, LoadError, Reject};
use crate::config::{Decimal, Delimiter, SourceSpec};
use calamine::{open_workbook, Data, ExcelDateTime, Reader, Xlsx};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::path::Path;

/// Whether a file is read as an Excel workbook.
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Appends the file's accepted rows to `sink` and its rejects to `rejects`.
pub(super) fn read(
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
) -> Result<FileCounts, LoadError> {
    let sheet = open(path, spec.sheet.as_deref())?;
    let (date_format, decimal) = (spec.csv.date_format.as_str(), spec.csv.decimal);
    let mut rows = sheet.rows.iter();
    let Some((_, first)) = rows.next() else {
        return Err(LoadError::NoHeader {
            file: path.to_path_buf(),
        });
    };
    let header: Vec<String> = trimmed(first)
        .iter()
        .map(|cell| clean(&cell_text(cell, date_format, decimal)).to_string())
        .collect();
    let delimiter = match spec.csv.delimiter {
        Delimiter::Byte(b) => b,
        Delimiter::Auto => b';',
    };
    let file = File::new(spec, path, header, sink, delimiter)?;
    let mut counts = FileCounts::default();
    for (line, cells) in rows {
        let used = trimmed(cells);
        // A row without any value is a blank line, as the CSV reader skips
        // them: not a record.
        if used.is_empty() {
            continue;
        }
        // Cells left empty at the end of a row are its empty last fields:
        // a sheet cannot tell them from cells that are not there.
        let width = used.len().max(file.header.len());
        let fields: Vec<Cow<'_, str>> = (0..width)
            .map(|i| {
                cells.get(i).map_or(Cow::Borrowed(""), |cell| {
                    cell_text(cell, date_format, decimal)
                })
            })
            .collect();
        file.record(sink, &fields[..], *line, &mut counts, rejects)?;
    }
    Ok(counts)
}

/// A sheet's rows, each with its row number in the sheet (1-based).
pub struct Sheet {
    /// Row number and cells, from the first used row; columns left of the
    /// used range are empty cells, so a cell's index is its column.
    pub rows: Vec<(u64, Vec<Data>)>,
}

/// The first sheet of the workbook at `path`, or the one named `wanted`. A
/// panic in the reader (a damaged file) is an error naming the file.
pub fn open(path: &Path, wanted: Option<&str>) -> Result<Sheet, LoadError> {
    super::guard::catch(|| open_sheet(path, wanted)).unwrap_or_else(|message| {
        Err(LoadError::Xlsx {
            file: path.to_path_buf(),
            message: format!(
                "the reader failed on it, so the file is damaged ({message}); save it again from the source system"
            ),
        })
    })
}

fn open_sheet(path: &Path, wanted: Option<&str>) -> Result<Sheet, LoadError> {
    let error = |message: String| LoadError::Xlsx {
        file: path.to_path_buf(),
        message,
    };
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| {
        error(format!(
            "{e}; save it again as an Excel workbook (.xlsx) or as CSV"
        ))
    })?;
    let names = workbook.sheet_names();
    let name = match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                error(format!(
                    "has no sheet {wanted:?}; its sheets are: {}",
                    names
                        .iter()
                        .map(|n| format!("{:?}", super::text::printable(n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| error("has no sheet".into()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| error(format!("sheet {name:?}: {e}")))?;
    let top = range.start().map_or(0, |(row, _)| u64::from(row));
    let left = range.start().map_or(0, |(_, column)| column as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Columns left of the used range are empty in every row.
            let mut row = vec![Data::Empty; left];
            row.extend_from_slice(cells);
            (top + i as u64 + 1, row)
        })
        .collect();
    Ok(Sheet { rows })
}

/// The cells of a row up to its last one with a value.
fn trimmed(cells: &[Data]) -> &[Data] {
    let end = cells
        .iter()
        .rposition(|cell| {
            !matches!(cell, Data::Empty) && !matches!(cell, Data::String(s) if s.is_empty())
        })
        .map_or(0, |i| i + 1);
    &cells[..end]
}

/// The last day an Excel date can hold (9999-12-31) as a serial number.
const LAST_EXCEL_SERIAL: f64 = 2_958_465.0;

/// A cell as the text a CSV export in the source's dialect would hold.
fn cell_text<'c>(cell: &'c Data, date_format: &str, decimal: Decimal) -> Cow<'c, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(x) => Cow::Owned(number(*x, decimal)),
        Data::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Data::Error(e) => Cow::Owned(e.to_string()),
        Data::DateTime(d) => match excel_date(d) {
            Some(date) => Cow::Owned(date.format(date_format).to_string()),
            None => Cow::Owned(number(d.as_f64(), decimal)),
        },
        Data::DateTimeIso(text) => {
            match text
                .get(..10)
                .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
            {
                Some(date) => Cow::Owned(date.format(date_format).to_string()),
                None => Cow::Borrowed(text),
            }
        }
        Data::DurationIso(text) => Cow::Borrowed(text),
    }
}

/// The day of an Excel date cell (its time of day dropped), or none for a
/// duration or a serial number outside Excel's dates.
pub fn excel_date(cell: &ExcelDateTime) -> Option<NaiveDate> {
    let serial = cell.as_f64();
    if !cell.is_datetime() || !(0.0..=LAST_EXCEL_SERIAL).contains(&serial) {
        return None;
    }
    let (year, month, day, ..) = cell.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// A number as its shortest decimal text that reads back as the same float
/// (`1234.5`, never `1.2345e3`), with the source's decimal mark.
fn number(x: f64, decimal: Decimal) -> String {
    let text = format!("{x}");
    match decimal {
        Decimal::Dot => text,
        Decimal::Comma => text.replace('.', ","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn cells_read_as_the_dialect_writes_them() {
        let date = Data::DateTime(ExcelDateTime::new(
            45291.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(cell_text(&date, "%d-%m-%Y", Decimal::Comma), "31-12-2023");
        let noon = Data::DateTime(ExcelDateTime::new(
            45291.5,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(cell_text(&noon, "%Y-%m-%d", Decimal::Dot), "2023-12-31");
        let huge = Data::DateTime(ExcelDateTime::new(
            1e300,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(
            cell_text(&huge, "%Y-%m-%d", Decimal::Dot),
            format!("{}", 1e300)
        );
        assert_eq!(
            cell_text(&Data::Float(-1234.5), "", Decimal::Comma),
            "-1234,5"
        );
        assert_eq!(cell_text(&Data::Float(1234.0), "", Decimal::Dot), "1234");
        assert_eq!(
            cell_text(&Data::Float(0.1 + 0.2), "", Decimal::Dot),
            "0.30000000000000004"
        );
        assert_eq!(cell_text(&Data::Int(52821), "", Decimal::Dot), "52821");
        assert_eq!(
            cell_text(
                &Data::DateTimeIso("2024-02-29T00:00:00".into()),
                "%d.%m.%Y",
                Decimal::Dot
            ),
            "29.02.2024"
        );
    }
}
