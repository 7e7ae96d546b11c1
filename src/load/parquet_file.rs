//! Reading one Parquet file of a source through the same row rules as CSV.
//! Typed columns are turned into text the rules understand (dates in the
//! source's format, numbers with a decimal point), so a value that does not
//! fit its field is a counted reject here too. Line numbers are row numbers
//! (1-based), as Parquet has no lines.

use super::rows::{Problem, RowSink};
use super::{layout, FileCounts, LoadError, Reject};
use crate::config::{Decimal, SourceSpec};
use crate::schema::FieldType;
use polars::prelude::*;
use std::path::Path;

/// Appends the file's accepted rows to `sink` and its rejects to `rejects`.
pub fn read(
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
) -> Result<FileCounts, LoadError> {
    let parquet = |source: PolarsError| LoadError::Parquet {
        file: path.to_path_buf(),
        message: source.to_string(),
    };
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
            schema.get(column).is_some_and(|t| t.is_primitive_numeric())
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
                _ => column.cast(DataType::String),
            }
        })
        .collect();
    let text = frame.select(exprs).collect().map_err(parquet)?;
    let columns: Vec<&StringChunked> = text
        .columns()
        .iter()
        .map(|c| c.str())
        .collect::<PolarsResult<_>>()
        .map_err(parquet)?;

    // Records are as wide as the file's header, with unused fields empty.
    let mut record: Vec<&str> = vec![""; header.len()];
    let mut counts = FileCounts::default();
    for row in 0..text.height() {
        for (&i, column) in used.iter().zip(&columns) {
            record[i] = column.get(row).unwrap_or("");
        }
        counts.read += 1;
        let row_number = row as u64 + 1;
        match sink.push(&layout, &record) {
            Ok(()) => super::flush_now(sink, spec)?,
            Err(Problem::Reject(reason)) => {
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
