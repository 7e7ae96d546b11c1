//! Parquet for the next program in a pipeline (polars, DuckDB, R).
//!
//! The table keeps its dtypes; only money columns change: their floats are
//! replaced by the nearest float to the 2-decimal rounding that CSV and JSON
//! print, so every format agrees on every amount. Suppressed cells are
//! already nulls. Written with zstd into memory first, then copied to the
//! writer, because the writer may be a pipe.

use std::io::Write;

use anyhow::Result;
use polars::prelude::{
    DataType, Float32Chunked, Float64Chunked, IntoColumn, ParquetCompression, ParquetWriter,
};

use super::cells::{Role, TableView};
use super::number::Decimal;
use super::Table;

/// Writes `table` (already checked as `view`) as one Parquet file.
pub(super) fn write_table(table: &Table, view: &TableView<'_>, out: &mut dyn Write) -> Result<()> {
    let mut frame = table.frame.clone();
    for column in view.columns.iter().filter(|c| c.role == Role::Money) {
        let series = frame.column(column.name)?.as_materialized_series();
        let rounded = match series.dtype() {
            DataType::Float64 => series
                .f64()?
                .iter()
                .map(|v| v.map(|x| round_money(x, Decimal::from_f64(x))))
                .collect::<Float64Chunked>()
                .with_name(series.name().clone())
                .into_column(),
            DataType::Float32 => series
                .f32()?
                .iter()
                .map(|v| v.map(|x| round_money(x, Decimal::from_f32(x))))
                .collect::<Float32Chunked>()
                .with_name(series.name().clone())
                .into_column(),
            // Integers already have no decimals; Null columns hold nothing.
            _ => continue,
        };
        frame.replace(column.name, rounded)?;
    }
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut frame)?;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

/// `x` rounded to 2 decimals half away from zero, as the nearest float of
/// its type; NaN and infinities (no `decimal`) stay as they are.
fn round_money<F: std::str::FromStr>(x: F, decimal: Option<Decimal>) -> F {
    decimal.and_then(|d| d.round(2).parse().ok()).unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::super::{
        render_document, render_table, Document, Format, PartKey, RenderOptions, Table,
    };
    use polars::prelude::*;
    use std::io::Cursor;

    fn parquet(table: &Table) -> Vec<u8> {
        let mut out = Vec::new();
        render_table(table, &RenderOptions::new(Format::Parquet), &mut out).unwrap();
        out
    }

    #[test]
    fn round_trips_with_money_rounded_and_nulls_kept() {
        let frame = df!(
            "unit_id" => ["a", "b", "c"],
            "total_cost" => [Some(2.675), None, Some(f64::NAN)],
            "members" => [Some(1u32), None, Some(3)],
            "share" => [0.333333, 0.5, 1.0],
        )
        .unwrap();
        let table = Table::new(frame)
            .with_money(["total_cost"])
            .with_suppressed(["members"]);
        let bytes = parquet(&table);
        assert_eq!(&bytes[..4], b"PAR1");
        assert_eq!(bytes, parquet(&table), "same frame, same bytes");

        let back = ParquetReader::new(Cursor::new(bytes)).finish().unwrap();
        let cost = back.column("total_cost").unwrap().f64().unwrap();
        assert_eq!(cost.get(0), Some(2.68));
        assert_eq!(cost.get(1), None);
        assert!(cost.get(2).is_some_and(f64::is_nan));
        let members = back.column("members").unwrap().u32().unwrap();
        assert_eq!(members.get(1), None);
        let share = back.column("share").unwrap().f64().unwrap();
        assert_eq!(share.get(0), Some(0.333333));
    }

    #[test]
    fn documents_other_than_one_table_are_refused() {
        let table = || Table::new(df!("a" => [1i64]).unwrap());
        let opts = RenderOptions::new(Format::Parquet);

        let two = Document::new()
            .with_table(PartKey::new("areas"), table())
            .with_table(PartKey::new("departments"), table());
        let mut out = Vec::new();
        let err = render_document(&two, &opts, &mut out)
            .unwrap_err()
            .to_string();
        assert!(err.contains("json or csv"), "{err}");
        assert!(err.contains("\"areas\", \"departments\""), "{err}");
        assert!(out.is_empty());

        let one = Document::new().with_table(PartKey::new("areas"), table());
        let mut out = Vec::new();
        render_document(&one, &opts, &mut out).unwrap();
        assert_eq!(out, parquet(&table()));
    }
}
