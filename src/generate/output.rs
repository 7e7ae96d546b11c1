//! Where the generated rows go on disk: the folder layout, the source names of
//! the config, and the CSV writers.
//!
//! One [`Layout`] describes every source (name, kind, department, files,
//! glob), so the files written and the `tvaers.toml` that reads them cannot
//! disagree. Each file has its own buffered writer; rows are staged as text,
//! encoded in the dialect's encoding in large chunks, and written, so memory
//! stays a few hundred kilobytes per file whatever the number of citizens.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::Datelike;

use super::departments::DEPARTMENTS;
use super::dialect::{delimiter, encode, push_value};
use super::parquet_out::ParquetTable;
use super::tables::{
    ContactRow, EnrolmentRow, ExpenseRow, HouseholdRow, LadderRow, RowSink, TableSpec, Value,
    CONTACTS, ENROLMENTS, EXPENSES, HOUSEHOLDS, LADDER,
};
use super::{Dialect, FileFormat, GenerateSummary};

/// Calendar years of the data span: one expense file per department and year.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 2021..=2025;

/// One source of the config and the files behind it.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) table: TableSpec,
    pub(crate) department: Option<&'static str>,
    /// Glob relative to the config, `/`-separated.
    pub(crate) pattern: String,
    /// Files relative to the output directory, `/`-separated.
    pub(crate) files: Vec<String>,
}

/// Every source in config order: per department its expenses then its
/// contacts, then households, ladder and enrolments.
pub(crate) fn layout(format: FileFormat) -> Vec<Source> {
    let ext = match format {
        FileFormat::Csv => "csv",
        FileFormat::Parquet => "parquet",
    };
    let single =
        |name: &str, table: TableSpec, department: Option<&'static str>, path: String| Source {
            name: name.to_string(),
            table,
            department,
            pattern: path.clone(),
            files: vec![path],
        };
    let mut sources = Vec::new();
    for department in &DEPARTMENTS {
        let slug = department.slug;
        sources.push(Source {
            name: format!("{slug}-udbetalinger"),
            table: EXPENSES,
            department: Some(department.name),
            pattern: format!("{slug}/udbetalinger_*.{ext}"),
            files: YEARS
                .map(|year| format!("{slug}/udbetalinger_{year}.{ext}"))
                .collect(),
        });
        sources.push(single(
            &format!("{slug}-kontakter"),
            CONTACTS,
            Some(department.name),
            format!("{slug}/kontakter.{ext}"),
        ));
    }
    sources.push(single(
        "husstande",
        HOUSEHOLDS,
        None,
        format!("husstande/husstande.{ext}"),
    ));
    sources.push(single(
        "progression",
        LADDER,
        None,
        format!("beskaeftigelse/progression.{ext}"),
    ));
    sources.push(single(
        "koordinering",
        ENROLMENTS,
        None,
        format!("koordinering/forloeb.{ext}"),
    ));
    sources
}

/// Index of the households, ladder and enrolments sources in [`layout`].
const HOUSEHOLDS_SOURCE: usize = 2 * DEPARTMENTS.len();
const LADDER_SOURCE: usize = HOUSEHOLDS_SOURCE + 1;
const ENROLMENTS_SOURCE: usize = HOUSEHOLDS_SOURCE + 2;

/// A file being written, in either format.
enum TableWriter {
    Csv(CsvTable),
    Parquet(Box<ParquetTable>),
}

impl TableWriter {
    fn write(&mut self, values: &[Value<'_>]) -> Result<()> {
        match self {
            TableWriter::Csv(t) => t.write(values),
            TableWriter::Parquet(t) => t.write(values),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            TableWriter::Csv(t) => t.finish(),
            TableWriter::Parquet(t) => t.finish(),
        }
    }
}

struct OpenSource {
    name: String,
    writers: Vec<TableWriter>,
    paths: Vec<PathBuf>,
    rows: u64,
}

/// The [`RowSink`] that writes every source's files under the output directory.
pub(crate) struct FileSink {
    sources: Vec<OpenSource>,
}

impl FileSink {
    /// Creates the folders and files (with headers) of every source.
    pub(crate) fn create(out: &Path, dialect: Dialect, format: FileFormat) -> Result<Self> {
        let mut sources = Vec::new();
        for source in layout(format) {
            let mut writers = Vec::new();
            let mut paths = Vec::new();
            for file in &source.files {
                let path = out.join(file);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create directory {}", parent.display()))?;
                }
                let writer =
                    match format {
                        FileFormat::Csv => {
                            TableWriter::Csv(CsvTable::create(&path, source.table, dialect)?)
                        }
                        FileFormat::Parquet => TableWriter::Parquet(Box::new(
                            ParquetTable::create(&path, source.table, dialect)?,
                        )),
                    };
                writers.push(writer);
                paths.push(path);
            }
            sources.push(OpenSource {
                name: source.name,
                writers,
                paths,
                rows: 0,
            });
        }
        Ok(Self { sources })
    }

    fn write(&mut self, source: usize, file: usize, values: &[Value<'_>]) -> Result<()> {
        let open = &mut self.sources[source];
        open.rows += 1;
        open.writers[file].write(values)
    }

    /// Flushes and closes every file; returns the paths written and the rows
    /// per source.
    pub(crate) fn finish(self) -> Result<GenerateSummary> {
        let mut files = Vec::new();
        let mut rows = Vec::new();
        for source in self.sources {
            for writer in source.writers {
                writer.finish()?;
            }
            files.extend(source.paths);
            rows.push((source.name, source.rows));
        }
        Ok(GenerateSummary { files, rows })
    }
}

impl RowSink for FileSink {
    fn expense(&mut self, department: usize, row: &ExpenseRow<'_>) -> Result<()> {
        let year = row.date.year().clamp(*YEARS.start(), *YEARS.end());
        let file = (year - YEARS.start()) as usize;
        self.write(2 * department, file, &row.values())
    }

    fn contact(&mut self, department: usize, row: &ContactRow<'_>) -> Result<()> {
        self.write(2 * department + 1, 0, &row.values())
    }

    fn household(&mut self, row: &HouseholdRow<'_>) -> Result<()> {
        self.write(HOUSEHOLDS_SOURCE, 0, &row.values())
    }

    fn ladder(&mut self, row: &LadderRow<'_>) -> Result<()> {
        self.write(LADDER_SOURCE, 0, &row.values())
    }

    fn enrolment(&mut self, row: &EnrolmentRow<'_>) -> Result<()> {
        self.write(ENROLMENTS_SOURCE, 0, &row.values())
    }
}

/// Staged text is encoded and written once it passes this size.
const STAGE_BYTES: usize = 128 * 1024;

/// One CSV file in a dialect.
struct CsvTable {
    path: PathBuf,
    file: BufWriter<File>,
    staging: String,
    table: TableSpec,
    dialect: Dialect,
}

impl CsvTable {
    fn create(path: &Path, table: TableSpec, dialect: Dialect) -> Result<Self> {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut this = Self {
            path: path.to_path_buf(),
            file: BufWriter::with_capacity(STAGE_BYTES, file),
            staging: String::with_capacity(STAGE_BYTES + 1024),
            table,
            dialect,
        };
        let delimiter = delimiter(dialect);
        for (i, field) in table.fields.iter().enumerate() {
            if i > 0 {
                this.staging.push(delimiter);
            }
            super::dialect::push_field(&mut this.staging, field.name(dialect), delimiter);
        }
        this.end_line();
        Ok(this)
    }

    fn end_line(&mut self) {
        // Windows systems export CRLF; plain files use LF.
        match self.dialect {
            Dialect::Plain => self.staging.push('\n'),
            Dialect::Danish => self.staging.push_str("\r\n"),
        }
    }

    fn write(&mut self, values: &[Value<'_>]) -> Result<()> {
        let delimiter = delimiter(self.dialect);
        for (i, (value, field)) in values.iter().zip(self.table.fields).enumerate() {
            if i > 0 {
                self.staging.push(delimiter);
            }
            push_value(&mut self.staging, *value, field.field_type, self.dialect);
        }
        self.end_line();
        if self.staging.len() >= STAGE_BYTES {
            self.flush_staging()?;
        }
        Ok(())
    }

    fn flush_staging(&mut self) -> Result<()> {
        let bytes = encode(&self.staging, self.dialect)
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.file
            .write_all(&bytes)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.staging.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush_staging()?;
        self.file
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}
