//! The one place where results become bytes.
//!
//! Every command returns data, a [`Table`] or a [`Document`] of several
//! parts, and renders it here as a text table, CSV (optionally for a
//! Danish-locale Excel), JSON, Parquet, an Excel workbook or an HTML page. The writers take any
//! [`std::io::Write`], so tests render into a `Vec<u8>` and the binary into
//! stdout or an atomically replaced file ([`write_atomically`]). Money is
//! rounded here and nowhere else (`number.rs` says how), privacy-suppressed
//! cells are shown the same way in every command, and the same frame always
//! gives the same bytes.
//!
//! Every problem with the data itself (an unsupported dtype, a role naming
//! a missing column, clashing JSON keys) is found before the first byte is
//! written.

mod atomic;
mod cells;
mod csv;
mod document;
mod error;
mod fit;
mod format;
pub mod formula;
pub mod html;
mod json;
mod number;
mod parquet;
mod summary;
mod table;
mod xlsx;

use std::io::Write;

use anyhow::Result;
use polars::prelude::DataFrame;

pub use atomic::write_atomically;
pub use document::{Document, Part, PartKey, Value, TOP};
pub use error::{is_broken_pipe, OutputError};
pub use format::{resolve_format, Format};
pub use formula::unguard;
pub use json::{SCHEMA_VERSION, TVAERS_VERSION};

use crate::language::Language;
use cells::TableView;
use document::{prepare, PreparedPart};

/// How to render: the format and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// The output format.
    pub format: Format,
    /// CSV for a Danish-locale Excel: UTF-8 BOM, `;` between fields and a
    /// decimal comma. Ignored by the other formats.
    pub excel_da: bool,
    /// The small-cell threshold; suppressed cells show as `<{min_cell}` in
    /// text tables.
    pub min_cell: u32,
    /// Width of text tables in terminal columns. `None` means 100, so output
    /// that is not on a terminal is the same everywhere; pass the terminal's
    /// width (see [`terminal_width`]) when writing to one.
    pub table_width: Option<u16>,
    /// The name of a lone table in a workbook (its sheet and Excel Table),
    /// e.g. the command's name `hotspots`; parts of a document are named by
    /// their keys.
    pub name: String,
    /// The language of HTML pages (headings, numbers).
    pub language: Language,
    /// Keep every column of a text table wider than `table_width`, instead
    /// of leaving out its optional columns.
    pub wide: bool,
}

impl RenderOptions {
    /// Options for `format` with the defaults: no Excel dialect, `min_cell`
    /// 5, a 100-column table width.
    pub fn new(format: Format) -> RenderOptions {
        RenderOptions {
            format,
            excel_da: false,
            min_cell: 5,
            table_width: None,
            name: "data".to_string(),
            language: Language::English,
            wide: false,
        }
    }
}

/// The width of the terminal on stdout, when stdout is one whose size can
/// be read. For [`RenderOptions::table_width`].
pub fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

/// One result table.
///
/// The frame is rendered as it is, in its column order. Columns named in
/// `money` are rounded to 2 decimals half away from zero when rendered,
/// never before. Columns in `shares` hold fractions (0.123), shown as
/// percentages (`12.3 %`) in text tables and as plain numbers elsewhere. In
/// columns named in `suppressed`, a null means "suppressed for privacy": it
/// shows as `<{min_cell}` in text tables, empty in CSV and `null` in JSON;
/// callers null the cells, this module only displays them.
///
/// Supported dtypes: String, Boolean, Date, Int8–64, UInt8–64, Float32/64
/// and Null. Any other dtype is an [`OutputError::UnsupportedType`].
#[derive(Debug, Clone)]
pub struct Table {
    /// A heading printed above the text table; other formats ignore it.
    pub title: Option<String>,
    /// The data.
    pub frame: DataFrame,
    /// Names of money columns.
    pub money: Vec<String>,
    /// Names of share (fraction) columns.
    pub shares: Vec<String>,
    /// Names of columns whose nulls mean "suppressed".
    pub suppressed: Vec<String>,
    /// Rows (sorted, from 0) whose suppressed cells protect another
    /// suppressed figure: `..` instead of `<{min_cell}` in text tables.
    pub complement_rows: Vec<usize>,
    /// Single cells (column, row) hidden as complements, where the rest of
    /// their row is not.
    pub complement_cells: Vec<(String, usize)>,
    /// Names of text id and code columns (unit ids, cases, accounts): with
    /// `excel_da` their cells are written as `="…"` so a spreadsheet keeps
    /// them as text (no lost leading zeros, no `1e308` from `…e03155`).
    pub ids: Vec<String>,
    /// Columns a text table on a narrow terminal may leave out, widest
    /// first, saying which (unless [`RenderOptions::wide`]); other formats
    /// always write them.
    pub optional: Vec<String>,
}

impl Table {
    /// A table of `frame` with no title and no special columns.
    pub fn new(frame: DataFrame) -> Table {
        Table {
            title: None,
            frame,
            money: Vec::new(),
            shares: Vec::new(),
            suppressed: Vec::new(),
            complement_rows: Vec::new(),
            complement_cells: Vec::new(),
            ids: Vec::new(),
            optional: Vec::new(),
        }
    }

    /// Marks columns a narrow text table may leave out (see [`Table::optional`]).
    pub fn with_optional<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Table {
        self.optional.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Sets the title shown above the text table.
    pub fn with_title(mut self, title: impl Into<String>) -> Table {
        self.title = Some(title.into());
        self
    }

    /// Marks columns as money.
    pub fn with_money<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Table {
        self.money.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Marks columns as shares (fractions of one).
    pub fn with_shares<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Table {
        self.shares.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Marks text id and code columns, kept as text in spreadsheets.
    pub fn with_ids<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Table {
        self.ids.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Marks columns whose nulls mean "suppressed for privacy".
    pub fn with_suppressed<S: Into<String>>(
        mut self,
        columns: impl IntoIterator<Item = S>,
    ) -> Table {
        self.suppressed.extend(columns.into_iter().map(Into::into));
        self
    }
}

impl Table {
    /// Marks rows whose suppressed cells are complements (hidden to protect
    /// another suppressed figure, though they hold `min_cell` units or more).
    pub fn with_complement_rows(mut self, rows: impl IntoIterator<Item = usize>) -> Table {
        self.complement_rows.extend(rows);
        self.complement_rows.sort_unstable();
        self.complement_rows.dedup();
        self
    }

    /// Marks single cells of `column` as complements, by row.
    pub fn with_complement_cells(
        mut self,
        column: &str,
        rows: impl IntoIterator<Item = usize>,
    ) -> Table {
        self.complement_cells
            .extend(rows.into_iter().map(|r| (column.to_string(), r)));
        self
    }
}

/// Renders one table in `opts.format` to `out`.
pub fn render_table(table: &Table, opts: &RenderOptions, out: &mut dyn Write) -> Result<()> {
    let view = TableView::new(table)?;
    match opts.format {
        Format::Table => table::write_table(table, &view, opts, out),
        Format::Csv => csv::write_table(&view, opts.excel_da, out),
        Format::Json => json::write_table(&view, out),
        Format::Parquet => parquet::write_table(table, &view, out),
        Format::Xlsx => xlsx::write_table(&view, &opts.name, opts.min_cell, out),
        Format::Html => html::write_table(
            table.title.as_deref(),
            &view,
            &opts.name,
            opts.language,
            opts.min_cell,
            out,
        ),
    }
}

/// Renders a document of several parts in `opts.format` to `out`; see
/// [`Document`] for the layout in each format.
pub fn render_document(
    document: &Document,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let parts = prepare(document)?;
    match opts.format {
        Format::Table => table::write_document(&parts, &document.titles, opts, out),
        Format::Csv => csv::write_document(&parts, opts.excel_da, out),
        Format::Json => json::write_document(&parts, out),
        Format::Xlsx => xlsx::write_document(&parts, &opts.name, opts.min_cell, out),
        Format::Html => html::write_document(&parts, &opts.name, opts.language, opts.min_cell, out),
        Format::Parquet => match parts.as_slice() {
            [(_, PreparedPart::Table(table, view))] => parquet::write_table(table, view, out),
            _ => Err(OutputError::ParquetDocument {
                count: parts.len(),
                keys: parts
                    .iter()
                    .map(|(key, _)| format!("{key:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
            .into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::PartKey;
    use polars::prelude::*;
    use std::io;

    fn all_options() -> Vec<RenderOptions> {
        let mut options: Vec<RenderOptions> =
            Format::ALL.into_iter().map(RenderOptions::new).collect();
        options.push(RenderOptions {
            excel_da: true,
            ..RenderOptions::new(Format::Csv)
        });
        options
    }

    fn render(table: &Table, opts: &RenderOptions) -> Vec<u8> {
        let mut out = Vec::new();
        render_table(table, opts, &mut out).unwrap();
        out
    }

    /// Nulls everywhere, NaN, infinities, an empty string, extreme values.
    fn awkward() -> Table {
        let frame = df!(
            "id" => [None, Some(""), Some("x\ny")],
            "n" => [None, Some(i64::MIN), Some(i64::MAX)],
            "u" => [None, Some(0u64), Some(u64::MAX)],
            "cost" => [None, Some(f64::NAN), Some(f64::MAX)],
            "share" => [Some(f64::INFINITY), None, Some(f64::MIN_POSITIVE)],
            "ok" => [None, Some(true), None],
        )
        .unwrap();
        Table::new(frame)
            .with_money(["cost", "n"])
            .with_shares(["share"])
            .with_suppressed(["id", "cost"])
    }

    #[test]
    fn every_format_renders_awkward_frames_deterministically() {
        let empty = Table::new(DataFrame::empty());
        let no_rows = Table::new(df!("a" => Vec::<f64>::new()).unwrap()).with_money(["a"]);
        for opts in all_options() {
            for table in [awkward(), empty.clone(), no_rows.clone()] {
                assert_eq!(render(&table, &opts), render(&table, &opts), "{opts:?}");
            }
        }
    }

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    #[test]
    fn a_closed_pipe_is_recognisable_from_every_format() {
        let document = Document::new()
            .with_fields(PartKey::new(""), vec![("units".into(), Value::Int(1))])
            .with_table(PartKey::new("rows"), awkward());
        for opts in all_options() {
            let err = render_table(&awkward(), &opts, &mut ClosedPipe).unwrap_err();
            assert!(is_broken_pipe(&err), "{opts:?}: {err:#}");
            if opts.format != Format::Parquet {
                let err = render_document(&document, &opts, &mut ClosedPipe).unwrap_err();
                assert!(is_broken_pipe(&err), "{opts:?}: {err:#}");
            }
        }
    }

    #[test]
    fn data_errors_come_before_any_output() {
        let bad = Table::new(df!("a" => [1i64]).unwrap()).with_money(["b"]);
        for opts in all_options() {
            let mut out = Vec::new();
            assert!(render_table(&bad, &opts, &mut out).is_err());
            assert!(out.is_empty(), "{opts:?}");
            let document = Document::new().with_table(PartKey::new("bad"), bad.clone());
            assert!(render_document(&document, &opts, &mut out).is_err());
            assert!(out.is_empty(), "{opts:?}");
        }
    }
}
