//! Reading one Parquet file of a source under the same row rules as CSV.
//! Where the file's columns already have the field's type (dates as Date,
//! amounts as numbers, steps as integers), clean rows are taken whole, column
//! by column; any row the rules might treat differently (an empty, untrimmed
//! or Excel-escaped value, a missing required value, NaN, a reversed
//! interval, an account without digits) goes through the row rules, turned
//! into the text they read. Which rows those are follows the same table of
//! fields and `RowRule`s in `schema` that the row rules read. Other files go
//! through the row rules entirely. A streamed file is read a slice of rows
//! at a time. Line numbers are row numbers (1-based), as Parquet has no lines.

use super::rows::{Layout, Problem, RowSink};
use super::runs::for_each_run;
use super::value::{clean, float_ore, placeholder_id};
use super::{layout, FileCounts, LoadError, Reject};
use crate::config::{Decimal, SourceSpec};
use crate::cpr::looks_like_cpr;
use crate::schema::{Field, FieldType, RowRule, DEPARTMENT};
use polars::prelude::*;
use std::path::Path;

/// Appends the file's accepted rows to `sink` and its rejects to `rejects`.
/// A panic inside polars (a damaged file) is an error naming the file.
pub fn read(
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
) -> Result<FileCounts, LoadError> {
    super::guard::catch(|| read_file(path, spec, sink, rejects)).unwrap_or_else(|message| {
        Err(LoadError::Parquet {
            file: path.to_path_buf(),
            message: format!(
                "the reader failed on it, so the file is damaged or uses a feature tvaers does not read ({message}); write it again from the source system"
            ),
        })
    })
}

fn read_file(
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
) -> Result<FileCounts, LoadError> {
    let parquet = parquet_error(path);
    let path_text = path.to_string_lossy();
    let mut frame = LazyFrame::scan_parquet(
        PlRefPath::new(path_text.as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(parquet)?;
    let schema = frame.collect_schema().map_err(parquet)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let date_format = spec.csv.date_format.clone();
    let amount_is_number = sink
        .fields()
        .iter()
        .filter(|f| f.ty == FieldType::Amount)
        .any(|f| {
            let column = spec.columns.get(f.name).map_or(f.name, String::as_str);
            schema
                .get(column)
                .is_some_and(|t| t.is_primitive_numeric() || t.is_decimal())
        });
    let decimal = if amount_is_number {
        Decimal::Dot
    } else {
        spec.csv.decimal
    };
    let layout = layout(spec, sink.fields(), &header, path, &date_format, decimal)?;

    // Only the columns used, each as text in the form the row rules read.
    let mut used: Vec<usize> = layout.columns.iter().flatten().copied().collect();
    used.extend(layout.department);
    used.sort_unstable();
    used.dedup();
    let exprs: Vec<Expr> = used
        .iter()
        .map(|&i| {
            let name = header[i].as_str();
            let column = col(name);
            match schema.get(name) {
                Some(DataType::Date) => column.dt().to_string(&date_format),
                // Written out below as the shortest decimal text that reads
                // back as the same float, as the CSV path would see it.
                Some(t) if t.is_float() => column.cast(DataType::Float64),
                _ => column.cast(DataType::String),
            }
        })
        .collect();
    // A streamed file is read a slice of row groups at a time, so memory
    // holds one slice, not the file; a loaded file is read whole, keeping
    // its frame's row order (clean rows, then those the rules cleaned).
    let height = frame
        .clone()
        .select([len()])
        .collect()
        .map_err(parquet)?
        .column("len")
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(parquet)?
        .u64()
        .map_err(parquet)?
        .get(0)
        .unwrap_or(0) as usize;
    let slice = if sink.is_streaming() {
        slice_rows(height)
    } else {
        height.max(1)
    };
    let typed = typed_exprs(&schema, &header, &layout, sink.fields(), &|f| {
        sink.unread(f)
    });
    let mut counts = FileCounts::default();
    for start in (0..height).step_by(slice) {
        let part = frame.clone().slice(start as i64, slice as IdxSize);
        // Typed columns: clean rows whole, the rest through the row rules.
        let suspects = match &typed {
            Some(typed) => {
                let typed = part
                    .clone()
                    .select(typed.clone())
                    .collect()
                    .map_err(parquet)?;
                let suspects = take_clean_rows(&typed, start, &layout, path, spec, sink)?;
                counts.read += (typed.height() - suspects.len()) as u64;
                if suspects.is_empty() {
                    continue;
                }
                Some(suspects)
            }
            None => None,
        };
        let text =
            float_text(part.select(exprs.clone()).collect().map_err(parquet)?).map_err(parquet)?;
        let (text, rows) = match suspects {
            Some(rows) => {
                let index = IdxCa::new(
                    "row".into(),
                    rows.iter().map(|&r| r as IdxSize).collect::<Vec<_>>(),
                );
                (text.take(&index).map_err(parquet)?, rows)
            }
            None => {
                let all = (0..text.height()).collect();
                (text, all)
            }
        };
        let row_numbers: Vec<usize> = rows.iter().map(|r| start + r).collect();
        let part_counts = push_rows(
            &text,
            &row_numbers,
            &used,
            &header,
            &layout,
            path,
            spec,
            sink,
            rejects,
        )?;
        counts.read += part_counts.read;
        counts.rejected += part_counts.rejected;
    }
    Ok(counts)
}

/// Rows of a streamed file of `height` rows read at a time: 16 of the row
/// groups `tvaers generate` writes. In the library's own tests a small file
/// is read three rows at a time, so that its rows, rejects and counts cross
/// slices.
fn slice_rows(height: usize) -> usize {
    if cfg!(test) && height < 100 {
        3
    } else {
        1 << 20
    }
}

/// Float columns as the shortest decimal text that reads back as the same
/// float (`format!("{}", x)`: never an exponent, never more digits than
/// needed), so an amount rounds to the same øre as the same text in a CSV.
fn float_text(frame: DataFrame) -> PolarsResult<DataFrame> {
    let columns = frame
        .columns()
        .iter()
        .map(|c| -> PolarsResult<Column> {
            if !c.dtype().is_float() {
                return Ok(c.clone());
            }
            let text: StringChunked = c.f64()?.iter().map(|v| v.map(|v| format!("{v}"))).collect();
            Ok(text.with_name(c.name().clone()).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(frame.height(), columns)
}

/// The rows of `text` through the row rules; `row_numbers[i]` is row i's
/// index in the file.
#[allow(clippy::too_many_arguments)]
fn push_rows(
    text: &DataFrame,
    row_numbers: &[usize],
    used: &[usize],
    header: &[String],
    layout: &Layout,
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
) -> Result<FileCounts, LoadError> {
    let parquet = parquet_error(path);
    let columns: Vec<&StringChunked> = text
        .columns()
        .iter()
        .map(|c| c.str())
        .collect::<PolarsResult<_>>()
        .map_err(parquet)?;

    // Records are as wide as the file's header, with unused fields empty.
    let mut record: Vec<&str> = vec![""; header.len()];
    let mut counts = FileCounts::default();
    for (row, &number) in row_numbers.iter().enumerate() {
        for (&i, column) in used.iter().zip(&columns) {
            record[i] = column.get(row).unwrap_or("");
        }
        counts.read += 1;
        let row_number = number as u64 + 1;
        match sink.push(layout, &record[..]) {
            Ok(()) => super::flush_now(sink, spec)?,
            Err(Problem::Reject(reason)) => {
                let shown: Vec<&str> = used.iter().map(|&i| record[i]).collect();
                if let Some(at) = super::reject::cpr_field(&shown) {
                    return Err(LoadError::CprInRejectedRow {
                        source_name: spec.name.clone(),
                        file: path.to_path_buf(),
                        line: row_number,
                        column: super::reject::describe_column(header, used[at]),
                    });
                }
                counts.rejected += 1;
                rejects.push(Reject {
                    source: spec.name.clone(),
                    file: path.to_path_buf(),
                    line: row_number,
                    reason,
                    raw: used
                        .iter()
                        .map(|&i| format!("{}={}", header[i], record[i]))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            Err(Problem::Cpr(field)) => {
                return Err(LoadError::Cpr {
                    source_name: spec.name.clone(),
                    file: path.to_path_buf(),
                    line: row_number,
                    field,
                })
            }
        }
    }
    Ok(counts)
}

/// One expression per field (named by the field) and one for the department
/// column, each giving the field's type, when every mapped column already
/// has it; `None` when some field would need parsing from text. Fields that
/// are `unread` (free text no streaming target reads, which no row rule can
/// reject) are left out.
fn typed_exprs(
    schema: &Schema,
    header: &[String],
    layout: &Layout,
    fields: &[Field],
    unread: &dyn Fn(&Field) -> bool,
) -> Option<Vec<Expr>> {
    let mut exprs = Vec::with_capacity(fields.len() + 1);
    for (field, column) in fields.iter().zip(&layout.columns) {
        if unread(field) {
            continue;
        }
        let Some(&i) = column.as_ref() else {
            let ty = match field.ty {
                FieldType::Date => DataType::Date,
                FieldType::Amount => DataType::Float64,
                FieldType::Step => DataType::Int64,
                _ => DataType::String,
            };
            exprs.push(lit(NULL).cast(ty).alias(field.name));
            continue;
        };
        let name = header[i].as_str();
        let dtype = schema.get(name)?;
        let expr = match field.ty {
            FieldType::Date if dtype == &DataType::Date => col(name),
            FieldType::Amount if dtype.is_primitive_numeric() => col(name).cast(DataType::Float64),
            FieldType::Step if dtype.is_integer() => col(name).cast(DataType::Int64),
            FieldType::Id | FieldType::Text | FieldType::Account => {
                col(name).cast(DataType::String)
            }
            _ => return None,
        };
        exprs.push(expr.alias(field.name));
    }
    if let Some(i) = layout.department {
        exprs.push(
            col(header[i].as_str())
                .cast(DataType::String)
                .alias(DEPARTMENT.name),
        );
    }
    Some(exprs)
}

/// Appends the rows that need no rule to `sink` whole; returns the others'
/// indices. `frame` holds the file's rows from row `start` on.
fn take_clean_rows(
    frame: &DataFrame,
    start: usize,
    layout: &Layout,
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
) -> Result<Vec<usize>, LoadError> {
    let polars = parquet_error(path);
    let fields = sink.fields();
    let mut suspect = vec![false; frame.height()];
    let (mut ore, mut amount) = (Vec::new(), None);
    // Each run of one text is judged once.
    let mark_text =
        |suspect: &mut Vec<bool>, column: &Column, required: bool| -> PolarsResult<()> {
            for_each_run(column.str()?, |rows, value| {
                let odd = match value {
                    None => required,
                    Some(v) => v.is_empty() || clean(v).len() != v.len() || v.starts_with("=\""),
                };
                if odd {
                    suspect[rows].fill(true);
                }
            });
            Ok(())
        };
    for field in fields.iter().filter(|f| !sink.unread(f)) {
        let column = frame.column(field.name).map_err(polars)?;
        match field.ty {
            FieldType::Id | FieldType::Text | FieldType::Account => {
                mark_text(&mut suspect, column, field.required).map_err(polars)?
            }
            FieldType::Amount => {
                // Each amount to the nearest øre as written (see `value::ore`);
                // NaN, infinities and amounts out of range go to the row rules.
                ore = column
                    .f64()
                    .map_err(polars)?
                    .iter()
                    .enumerate()
                    .map(|(row, v)| match v.map(float_ore) {
                        None => {
                            suspect[row] |= field.required;
                            None
                        }
                        Some(Ok(ore)) => Some(ore),
                        Some(Err(_)) => {
                            suspect[row] = true;
                            None
                        }
                    })
                    .collect();
                amount = Some(field.name);
            }
            FieldType::Date | FieldType::Step => {
                if field.required {
                    for (row, null) in column.is_null().iter().enumerate() {
                        suspect[row] |= null.unwrap_or(true);
                    }
                }
            }
        }
    }
    if layout.department.is_some() {
        mark_text(
            &mut suspect,
            frame.column(DEPARTMENT.name).map_err(polars)?,
            true,
        )
        .map_err(polars)?;
    }
    // A row that may break one of the kind's rules goes through them as text.
    let day = |name: &str| -> PolarsResult<Vec<Option<i32>>> {
        Ok(frame
            .column(name)?
            .cast(&DataType::Int32)?
            .i32()?
            .iter()
            .collect())
    };
    for rule in spec.kind.rules() {
        match *rule {
            RowRule::Interval { from, to } => {
                let (from, to) = (day(from).map_err(polars)?, day(to).map_err(polars)?);
                for (row, (a, b)) in from.into_iter().zip(to).enumerate() {
                    suspect[row] |= matches!((a, b), (Some(a), Some(b)) if a > b);
                }
            }
            RowRule::AnyOf(names) => {
                let mut given = vec![false; frame.height()];
                for name in names {
                    let nulls = frame.column(name).map_err(polars)?.is_null();
                    for (row, null) in nulls.iter().enumerate() {
                        given[row] |= !null.unwrap_or(true);
                    }
                }
                for (row, given) in given.into_iter().enumerate() {
                    suspect[row] |= !given;
                }
            }
        }
    }
    // A raw CPR number stops the load wherever it is; suspect rows meet the
    // same check in the row rules, and are counted there if their id is a
    // placeholder.
    let mut placeholder = vec![false; frame.height()];
    for field in fields.iter().filter(|f| f.ty == FieldType::Id) {
        let column = frame.column(field.name).map_err(polars)?;
        // Rows come in runs of one id: it is checked once per run, at the
        // run's first row that is not suspect.
        let mut cpr = None;
        for_each_run(column.str().map_err(polars)?, |rows, value| {
            let Some(value) = value else { return };
            if placeholder_id(value) {
                placeholder[rows.clone()].fill(true);
            }
            let first = rows.clone().find(|&row| !suspect[row]);
            if let (Some(row), None) = (first, cpr) {
                if looks_like_cpr(value) {
                    cpr = Some(row);
                }
            }
        });
        if let Some(row) = cpr {
            return Err(LoadError::Cpr {
                source_name: spec.name.clone(),
                file: path.to_path_buf(),
                line: (start + row) as u64 + 1,
                field: field.name,
            });
        }
    }
    // Rows kept in a frame keep their amounts as exact øre in DKK; streamed
    // rows are handed the øre.
    let mut frame = frame.clone();
    if let (Some(name), false) = (amount, sink.streams_columns()) {
        let exact: Float64Chunked = ore.iter().map(|o| o.map(|o| o as f64 / 100.0)).collect();
        frame
            .with_column(exact.with_name(name.into()).into_column())
            .map_err(polars)?;
    }
    let keep = sink
        .append_typed(
            &frame,
            &ore,
            &mut suspect,
            &spec.name,
            spec.department.as_deref(),
        )
        .map_err(polars)?;
    debug_assert_eq!(
        keep + suspect.iter().filter(|s| **s).count(),
        frame.height()
    );
    sink.placeholder_ids += suspect
        .iter()
        .zip(&placeholder)
        .filter(|(s, p)| !**s && **p)
        .count() as u64;
    Ok(suspect
        .iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(i, _)| i)
        .collect())
}

/// Turns polars' errors on the file at `path` into the loader's.
fn parquet_error(path: &Path) -> impl Fn(PolarsError) -> LoadError + Copy + '_ {
    move |source| LoadError::Parquet {
        file: path.to_path_buf(),
        message: source.to_string(),
    }
}
