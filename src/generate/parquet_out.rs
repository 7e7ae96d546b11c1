//! Parquet output: typed columns written in row groups of bounded size.
//!
//! Rows are appended to polars column builders and handed to polars'
//! `BatchedWriter` as one row group every [`BATCH_ROWS`] rows, so a file of
//! any length needs the memory of one batch. Dates are `Date`, amounts
//! `Float64` (kroner), steps `Int32`, everything else `String`.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{
    ChunkedBuilder, Column, DataFrame, DataType, Field, Float64Type, Int32Type, IntoColumn,
    ParquetCompression, ParquetWriter, PlSmallStr, PrimitiveChunkedBuilder, Schema,
    StringChunkedBuilder,
};

use super::tables::{FieldType, TableSpec, Value};
use super::Dialect;

/// Rows per row group.
const BATCH_ROWS: usize = 64 * 1024;

enum Builder {
    Text(StringChunkedBuilder),
    Date(PrimitiveChunkedBuilder<Int32Type>),
    Money(PrimitiveChunkedBuilder<Float64Type>),
    Integer(PrimitiveChunkedBuilder<Int32Type>),
}

impl Builder {
    fn new(name: &str, field_type: FieldType) -> Self {
        let name = PlSmallStr::from(name);
        match field_type {
            FieldType::Text | FieldType::Case => {
                Builder::Text(StringChunkedBuilder::new(name, BATCH_ROWS))
            }
            FieldType::Date => Builder::Date(PrimitiveChunkedBuilder::new(name, BATCH_ROWS)),
            FieldType::Money => Builder::Money(PrimitiveChunkedBuilder::new(name, BATCH_ROWS)),
            FieldType::Integer => Builder::Integer(PrimitiveChunkedBuilder::new(name, BATCH_ROWS)),
        }
    }

    fn push(&mut self, value: Value<'_>) {
        match (self, value) {
            (Builder::Text(b), Value::Text(v)) => b.append_option(v),
            (Builder::Date(b), Value::Date(v)) => b.append_option(v.map(days_since_epoch)),
            (Builder::Money(b), Value::Money(ore)) => b.append_value(ore as f64 / 100.0),
            (Builder::Integer(b), Value::Integer(n)) => b.append_value(n),
            // A value of the wrong type for its column is a bug in a row's
            // `values`; write a null rather than abort.
            (Builder::Text(b), _) => b.append_null(),
            (Builder::Date(b), _) | (Builder::Integer(b), _) => b.append_null(),
            (Builder::Money(b), _) => b.append_null(),
        }
    }

    fn finish(self) -> Column {
        match self {
            Builder::Text(b) => b.finish().into_column(),
            Builder::Date(b) => b.finish().into_date().into_column(),
            Builder::Money(b) => b.finish().into_column(),
            Builder::Integer(b) => b.finish().into_column(),
        }
    }
}

fn days_since_epoch(date: NaiveDate) -> i32 {
    (date - NaiveDate::default()).num_days() as i32
}

/// One Parquet file being written.
pub(crate) struct ParquetTable {
    path: PathBuf,
    writer: BatchedWriter<File>,
    builders: Vec<Builder>,
    names: Vec<&'static str>,
    table: TableSpec,
    rows: usize,
}

impl ParquetTable {
    pub(crate) fn create(path: &Path, table: TableSpec, dialect: Dialect) -> Result<Self> {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let names: Vec<&'static str> = table.fields.iter().map(|f| f.name(dialect)).collect();
        let builders: Vec<Builder> = table
            .fields
            .iter()
            .zip(&names)
            .map(|(f, name)| Builder::new(name, f.field_type))
            .collect();
        let schema: Schema = table
            .fields
            .iter()
            .zip(&names)
            .map(|(f, name)| Field::new(PlSmallStr::from(*name), dtype(f.field_type)))
            .collect();
        // Unbuffered: polars writes whole pages, and every write error then
        // surfaces here instead of in a buffer's silent drop.
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .batched(&schema)
            .with_context(|| format!("cannot start Parquet file {}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            writer,
            builders,
            names,
            table,
            rows: 0,
        })
    }

    pub(crate) fn write(&mut self, values: &[Value<'_>]) -> Result<()> {
        for (builder, value) in self.builders.iter_mut().zip(values) {
            builder.push(*value);
        }
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let fresh: Vec<Builder> = self
            .table
            .fields
            .iter()
            .zip(&self.names)
            .map(|(f, name)| Builder::new(name, f.field_type))
            .collect();
        let full = std::mem::replace(&mut self.builders, fresh);
        let columns: Vec<Column> = full.into_iter().map(Builder::finish).collect();
        let frame = DataFrame::new(self.rows, columns)
            .with_context(|| format!("cannot assemble rows for {}", self.path.display()))?;
        self.writer
            .write_batch(&frame)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.rows = 0;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.writer
            .finish()
            .with_context(|| format!("cannot finish {}", self.path.display()))?;
        Ok(())
    }
}

fn dtype(field_type: FieldType) -> DataType {
    match field_type {
        FieldType::Text | FieldType::Case => DataType::String,
        FieldType::Date => DataType::Date,
        FieldType::Money => DataType::Float64,
        FieldType::Integer => DataType::Int32,
    }
}
