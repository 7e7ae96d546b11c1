//! Reading one extract for `init`: its header, the field each column names,
//! its text dialect (delimiter and encoding, decided by the loader's own
//! sniffing and decoding, so `init` and the loader read a file alike), and
//! the values of its date and amount columns, from which the date format,
//! the decimal mark and the analysis period are decided.

use super::names::{field_of, field_of_loosely};
use crate::config::Encoding;
use crate::load::text::{self, Decoder};
use crate::load::value::clean;
use crate::load::xlsx_file;
use calamine::Data;
use chrono::NaiveDate;
use polars::prelude::*;
use std::io::BufRead;
use std::path::Path;

/// How an extract is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Delimited text (`.csv`, `.csv.gz`, `.txt`).
    Text {
        /// The field delimiter.
        delimiter: u8,
        /// The encoding the text decoded as (`Auto` when all of it is ASCII).
        encoding: Encoding,
    },
    /// An Excel workbook, its first sheet.
    Xlsx,
    /// A Parquet file.
    Parquet,
}

/// One value of a date or amount column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cell {
    /// Text as written, cleaned as the loader cleans it.
    Text(String),
    /// A typed date (an Excel date, a Parquet date).
    Date(NaiveDate),
    /// A typed number.
    Number,
}

/// What `init` learnt from one file.
#[derive(Debug, Clone)]
pub struct Sample {
    /// How the file is stored.
    pub storage: Storage,
    /// Column names, cleaned.
    pub header: Vec<String>,
    /// The canonical field each column names (the first column naming a
    /// field takes it; a later one is left unmapped).
    pub fields: Vec<Option<&'static str>>,
    /// Data rows.
    pub rows: u64,
    /// Per column, its values when it holds dates or amounts (else empty).
    pub values: Vec<Vec<Cell>>,
}

impl Sample {
    /// The column of a canonical field.
    pub fn column(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }
}

/// Fields whose values are dates.
pub const DATE_FIELDS: [&str; 5] = ["date", "valid_from", "valid_to", "start", "end"];

fn wanted(field: Option<&str>) -> bool {
    field.is_some_and(|f| f == "amount" || DATE_FIELDS.contains(&f))
}

/// Amounts kept per column to decide the decimal mark from.
const AMOUNT_SAMPLE: usize = 100_000;

/// Keeps what deciding a file's formats and period needs, in memory that
/// does not grow with its rows: each distinct value of a date column once
/// (a few thousand days over years of rows), and the first
/// [`AMOUNT_SAMPLE`] amounts.
struct Values {
    fields: Vec<Option<&'static str>>,
    values: Vec<Vec<Cell>>,
    seen: Vec<std::collections::HashSet<Cell>>,
}

impl Values {
    fn new(fields: &[Option<&'static str>]) -> Values {
        Values {
            fields: fields.to_vec(),
            values: vec![Vec::new(); fields.len()],
            seen: vec![Default::default(); fields.len()],
        }
    }

    fn keep(&mut self, column: usize, cell: Cell) {
        let keep = match self.fields[column] {
            Some("amount") => self.values[column].len() < AMOUNT_SAMPLE,
            Some(_) => self.seen[column].insert(cell.clone()),
            None => false,
        };
        if keep {
            self.values[column].push(cell);
        }
    }
}

/// Reads the file, or says why it cannot be read.
pub fn sample(path: &Path) -> Result<Sample, String> {
    let name = path.to_string_lossy().to_lowercase();
    if name.ends_with(".parquet") {
        parquet(path)
    } else if name.ends_with(".xlsx") {
        xlsx(path)
    } else {
        delimited(path)
    }
}

/// Fields of a header: each canonical field to its first column only; a
/// field no column names by the lists goes to the first column that names
/// it by the looser rule.
fn fields_of(header: &[String]) -> Vec<Option<&'static str>> {
    let mut fields: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
    for name in header {
        let field = field_of(name).filter(|f| !fields.contains(&Some(*f)));
        fields.push(field);
    }
    for (i, name) in header.iter().enumerate() {
        if fields[i].is_some() {
            continue;
        }
        if let Some(f) = field_of_loosely(name).filter(|f| !fields.contains(&Some(*f))) {
            fields[i] = Some(f);
        }
    }
    fields
}

fn delimited(path: &Path) -> Result<Sample, String> {
    let mut opened = text::open(path).map_err(|e| e.to_string())?;
    let head = opened.reader.fill_buf().map_err(|e| e.to_string())?;
    let delimiter = text::sniff_delimiter(head);
    let mut decoder = Decoder::new(path, Encoding::Auto, opened.bom).map_err(|e| e.to_string())?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(opened.reader);
    let mut record = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| e.to_string();
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err("the file is empty".into());
    }
    let header: Vec<String> =
        text::strip_cr(decoder.decode(&record, 1).map_err(|e| e.to_string())?)
            .iter()
            .map(|name| clean(name).to_string())
            .collect();
    let fields = fields_of(&header);
    let mut values = Values::new(&fields);
    let mut rows = 0;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let decoded = text::strip_cr(decoder.decode(&record, line).map_err(|e| e.to_string())?);
        rows += 1;
        for (i, value) in decoded.iter().enumerate().take(header.len()) {
            if wanted(fields[i]) {
                values.keep(i, Cell::Text(clean(value).to_string()));
            }
        }
    }
    Ok(Sample {
        storage: Storage::Text {
            delimiter,
            encoding: decoder.encoding(),
        },
        header,
        fields,
        rows,
        values: values.values,
    })
}

fn xlsx(path: &Path) -> Result<Sample, String> {
    let sheet = xlsx_file::open(path, None).map_err(|e| e.to_string())?;
    let mut rows = sheet.rows.iter();
    let Some((_, first)) = rows.next() else {
        return Err("the first sheet is empty".into());
    };
    let header: Vec<String> = first
        .iter()
        .map(|cell| match cell {
            Data::String(s) => clean(s).to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .collect();
    let end = header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    let header = header[..end].to_vec();
    let fields = fields_of(&header);
    let mut values = Values::new(&fields);
    let mut count = 0;
    for (_, cells) in rows {
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        count += 1;
        for (i, cell) in cells.iter().enumerate().take(header.len()) {
            if !wanted(fields[i]) {
                continue;
            }
            values.keep(
                i,
                match cell {
                    Data::DateTime(d) => match xlsx_file::excel_date(d) {
                        Some(date) => Cell::Date(date),
                        None => Cell::Number,
                    },
                    Data::Int(_) | Data::Float(_) => Cell::Number,
                    Data::String(s) => Cell::Text(clean(s).to_string()),
                    Data::Empty => Cell::Text(String::new()),
                    other => Cell::Text(other.to_string()),
                },
            );
        }
    }
    Ok(Sample {
        storage: Storage::Xlsx,
        header,
        fields,
        rows: count,
        values: values.values,
    })
}

fn parquet(path: &Path) -> Result<Sample, String> {
    let message = |e: PolarsError| e.to_string();
    let read = || -> Result<Sample, String> {
        let path_text = path.to_string_lossy();
        let mut frame = LazyFrame::scan_parquet(
            PlRefPath::new(path_text.as_ref()),
            ScanArgsParquet::default(),
        )
        .map_err(message)?;
        let schema = frame.collect_schema().map_err(message)?;
        let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        let fields = fields_of(&header);
        let rows = frame
            .clone()
            .select([len()])
            .collect()
            .map_err(message)?
            .column("len")
            .and_then(|c| c.get(0))
            .map_err(message)?
            .extract::<u64>()
            .unwrap_or(0);
        let mut values = vec![Vec::new(); header.len()];
        for (i, name) in header.iter().enumerate() {
            let Some(field) = fields[i].filter(|f| wanted(Some(f))) else {
                continue;
            };
            let Some(dtype) = schema.get(name.as_str()) else {
                continue;
            };
            if dtype.is_primitive_numeric() || dtype.is_decimal() {
                values[i] = vec![Cell::Number];
                continue;
            }
            // Each distinct date once; the first amounts.
            let column = if field == "amount" {
                col(name.as_str()).head(Some(AMOUNT_SAMPLE))
            } else {
                col(name.as_str()).unique_stable()
            };
            let data = frame.clone().select([column]).collect().map_err(message)?;
            let column = data.column(name).map_err(message)?;
            values[i] = match dtype {
                DataType::Date => column
                    .as_materialized_series()
                    .date()
                    .map_err(message)?
                    .as_date_iter()
                    .map(|d| d.map_or(Cell::Text(String::new()), Cell::Date))
                    .collect(),
                _ => column
                    .cast(&DataType::String)
                    .map_err(message)?
                    .str()
                    .map_err(message)?
                    .iter()
                    .map(|v| Cell::Text(clean(v.unwrap_or("")).to_string()))
                    .collect(),
            };
        }
        Ok(Sample {
            storage: Storage::Parquet,
            header,
            fields,
            rows,
            values,
        })
    };
    crate::load::catch_panic(read)
        .unwrap_or_else(|panic| Err(format!("the Parquet reader failed on it ({panic})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_each_date_once_and_a_sample_of_amounts() {
        let mut values = Values::new(&[Some("date"), Some("amount"), None]);
        for row in 0..(AMOUNT_SAMPLE + 10) {
            let day = format!("2023-01-{:02}", 1 + row % 3);
            values.keep(0, Cell::Text(day));
            values.keep(1, Cell::Text(format!("{row},00")));
            values.keep(2, Cell::Text("x".into()));
        }
        assert_eq!(
            values.values[0],
            ["2023-01-01", "2023-01-02", "2023-01-03"].map(|d| Cell::Text(d.into()))
        );
        assert_eq!(values.values[1].len(), AMOUNT_SAMPLE);
        assert_eq!(values.values[1][7], Cell::Text("7,00".into()));
        assert!(values.values[2].is_empty());
    }
}
