//! Loading the sources of a workspace into canonical, typed polars frames,
//! or streaming their accepted rows to a `RowTarget` without keeping them,
//! with every data row accounted for (SPEC §5): per source
//! `read = accepted + rejected`, each reject kept with its file, line, reason
//! and raw text. Structural problems (a missing column, unreadable text, a raw
//! CPR number) stop the load with an error that names the file and line.

mod csv_file;
pub mod csv_records;
mod guard;
mod parquet_file;
pub mod progress;
mod record;
mod reject;
mod rows;
pub mod runs;
mod stream;
pub mod text;
pub mod value;
pub mod xlsx_file;

pub use guard::catch as catch_panic;
pub use reject::{describe_column, list_columns, write_rejects, Reject};
pub use stream::{for_each_row, Batch, BatchWhat, Departments, Row, RowTarget, What};

use crate::accounts::AccountMap;
use crate::beside::each;
use crate::config::{Config, Decimal, Period, SourceSpec};
use crate::schema::{Field, Kind, RowRule, DEPARTMENT};
use polars::prelude::*;
use rows::{Layout, RowSink};
use std::path::{Path, PathBuf};

/// A source that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read {file}")]
    Io {
        /// File.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("{file} is empty: expected a header line with the column names")]
    NoHeader {
        /// File.
        file: PathBuf,
    },
    /// A mapped or required column is not in the file.
    #[error("source {source_name:?}: {file} has no column {column:?} for the field {field}; the file's columns are: {}{}", list_columns(found), if column == field { format!(" (map it in [sources.columns]: {field} = \"<column name>\")") } else { String::new() })]
    MissingColumn {
        /// Source name.
        source_name: String,
        /// File.
        file: PathBuf,
        /// Canonical field.
        field: &'static str,
        /// Column name looked for.
        column: String,
        /// Columns the file has.
        found: Vec<String>,
    },
    /// A column name occurs twice in the header.
    #[error("source {source_name:?}: {file} has the column {column:?} twice; rename one so the mapping is unambiguous")]
    DuplicateColumn {
        /// Source name.
        source_name: String,
        /// File.
        file: PathBuf,
        /// Column name.
        column: String,
    },
    /// Text that is invalid for the encoding.
    #[error("{file} line {line} {message}")]
    Encoding {
        /// File.
        file: PathBuf,
        /// Line where the bad text starts.
        line: u64,
        /// What is wrong and the likely encoding.
        message: String,
    },
    /// The file is UTF-16 or UTF-32 text, which the CSV reader does not take.
    #[error("{file} is {encoding} text; tvaers reads CSV in UTF-8, Windows-1252 or ISO-8859-1: save the file as UTF-8 (in Excel: \"CSV UTF-8\") or Windows-1252 and run again")]
    WideEncoding {
        /// File.
        file: PathBuf,
        /// Which variant.
        encoding: &'static str,
    },
    /// A field holds what looks like a raw CPR number (the value is never echoed).
    #[error("source {source_name:?}: {file} line {line}: the field {field} holds what looks like a raw CPR number; tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first")]
    Cpr {
        /// Source name.
        source_name: String,
        /// File.
        file: PathBuf,
        /// Line (row for Parquet).
        line: u64,
        /// Canonical field.
        field: &'static str,
    },
    /// A row that would be rejected holds what looks like a raw CPR number in
    /// some column: its raw text would carry the number to the rejects file.
    #[error("source {source_name:?}: {file} line {line}: {column} of a rejected row holds what looks like a raw CPR number; rejected rows are written out with their raw text, and tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first (naming every column that holds CPR numbers)")]
    CprInRejectedRow {
        /// Source name.
        source_name: String,
        /// File.
        file: PathBuf,
        /// Line (row for Parquet).
        line: u64,
        /// The column, by position and header name (never the value).
        column: String,
    },
    /// The CSV reader failed (an I/O error mid-file).
    #[error("{file} line {line}: {message}")]
    Csv {
        /// File.
        file: PathBuf,
        /// Line.
        line: u64,
        /// The reader's message.
        message: String,
    },
    /// A Parquet file could not be read.
    #[error("cannot read Parquet file {file}: {message}")]
    Parquet {
        /// File.
        file: PathBuf,
        /// polars' message.
        message: String,
    },
    /// An Excel workbook could not be read, or has no such sheet.
    #[error("cannot read Excel file {file}: {message}")]
    Xlsx {
        /// File.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Building the frame failed (not expected on any input).
    #[error("source {source_name:?}: {message}")]
    Frame {
        /// Source name.
        source_name: String,
        /// polars' message.
        message: String,
    },
}

/// Column names of a file for a message, control characters escaped.
/// Counts of one source (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// Source name.
    pub name: String,
    /// Kind of rows.
    pub kind: Kind,
    /// The fixed department, or the departments found in the mapped column (sorted, `|`-joined).
    pub department: String,
    /// Files read.
    pub files: usize,
    /// Data rows read (header excluded).
    pub read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Accepted rows dated outside the period.
    pub outside_period: u64,
    /// Accepted rows dated more than five years outside the period.
    pub far_outside: u64,
    /// Accepted rows whose citizen or family id is a placeholder for a
    /// missing id, such as `NULL`, `N/A`, `0` or `ukendt` (see
    /// `value::PLACEHOLDER_IDS`).
    pub placeholder_ids: u64,
}

impl SourceReport {
    /// Rejected share of rows read (0 for an empty source).
    pub fn reject_rate(&self) -> f64 {
        if self.read == 0 {
            0.0
        } else {
            self.rejected as f64 / self.read as f64
        }
    }
}

/// One loaded source: its counts and typed rows.
#[derive(Debug, Clone)]
pub struct LoadedSource {
    /// Counts.
    pub report: SourceReport,
    /// Accepted rows, canonical columns.
    pub frame: DataFrame,
}

/// Every source of a workspace, loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Sources in config order.
    pub sources: Vec<LoadedSource>,
    /// Every rejected row, in source, file and line order.
    pub rejects: Vec<Reject>,
}

#[derive(Debug, Default, Clone, Copy)]
struct FileCounts {
    read: u64,
    rejected: u64,
}

/// Loads every source of `config`, counting rows outside `period`. Files are
/// read in parallel, one per core at a time, and put back in config and file
/// order, so the result does not depend on the number of cores.
pub fn load(config: &Config, period: Period) -> Result<Loaded, LoadError> {
    load_kinds(config, period, &Kind::ALL)
}

/// Loads the sources of the given kinds only.
pub fn load_kinds(config: &Config, period: Period, kinds: &[Kind]) -> Result<Loaded, LoadError> {
    Ok(read(config, period, kinds, false, &|| ())?.0)
}

/// Reads the sources of the given kinds, handing their accepted rows to
/// targets made by `target` (one per worker thread) instead of keeping them:
/// the sources in the result have counts and rejects but no rows.
pub fn stream<T: RowTarget + Send>(
    config: &Config,
    period: Period,
    kinds: &[Kind],
    target: &(dyn Fn() -> T + Sync),
) -> Result<(Loaded, Vec<T>), LoadError> {
    read(config, period, kinds, true, target)
}

fn read<T: RowTarget + Send>(
    config: &Config,
    period: Period,
    kinds: &[Kind],
    streamed: bool,
    target: &(dyn Fn() -> T + Sync),
) -> Result<(Loaded, Vec<T>), LoadError> {
    let accounts = AccountMap::new(&config.budget_areas);
    let specs: Vec<&SourceSpec> = config
        .sources
        .iter()
        .filter(|spec| kinds.contains(&spec.kind))
        .collect();
    let tasks: Vec<Task> = specs
        .iter()
        .flat_map(|&spec| {
            spec.files.iter().map(move |file| Task {
                spec,
                file: file.as_path(),
                streamed,
            })
        })
        .collect();
    let bytes = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    config
        .progress
        .start(tasks.iter().map(|task| bytes(task.file)).sum());
    let (results, targets) = read_files(&tasks, &accounts, period, target, &config.progress);
    config.progress.finish();
    let mut results = results.into_iter();
    let mut sources = Vec::with_capacity(specs.len());
    let mut rejects = Vec::new();
    for spec in specs {
        let files: Vec<FileRows> = results
            .by_ref()
            .take(spec.files.len())
            .collect::<Result<_, _>>()?;
        sources.push(assemble(spec, files, &mut rejects)?);
    }
    Ok((Loaded { sources, rejects }, targets))
}

/// One file to read, and whether its rows are streamed.
struct Task<'a> {
    spec: &'a SourceSpec,
    file: &'a Path,
    streamed: bool,
}

/// One file's accepted rows and counts.
struct FileRows {
    frame: DataFrame,
    counts: FileCounts,
    accepted: u64,
    outside_period: u64,
    far_outside: u64,
    placeholder_ids: u64,
    departments: Vec<String>,
    rejects: Vec<Reject>,
}

type FileResult = Result<FileRows, LoadError>;

/// Reads every task's file on a pool of scoped threads, largest files first
/// so that no core is left with a big file at the end; results in task order.
fn read_files<T: RowTarget + Send>(
    tasks: &[Task<'_>],
    accounts: &AccountMap,
    period: Period,
    target: &(dyn Fn() -> T + Sync),
    observer: &progress::Observer,
) -> (Vec<FileResult>, Vec<T>) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tasks.len().max(1));
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(std::fs::metadata(tasks[i].file).map_or(0, |m| m.len()))
    });
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<FileResult>>> =
        tasks.iter().map(|_| std::sync::Mutex::new(None)).collect();
    // Each worker takes the next file until none is left.
    let worker = |_| {
        let mut rows = target();
        loop {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(n) else {
                break rows;
            };
            let result = read_file(&tasks[i], accounts, period, &mut rows, observer);
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(result);
            }
        }
    };
    let (workers, ()) = each((0..workers).collect(), worker, || ());
    let targets = workers.into_iter().filter_map(Result::ok).collect();
    let results = slots
        .into_iter()
        .zip(tasks)
        .map(|(slot, task)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(LoadError::Frame {
                    source_name: task.spec.name.clone(),
                    message: format!("reading {} did not finish", task.file.display()),
                })
            })
        })
        .collect();
    (results, targets)
}

fn read_file(
    task: &Task<'_>,
    accounts: &AccountMap,
    period: Period,
    target: &mut dyn RowTarget,
    observer: &progress::Observer,
) -> FileResult {
    let (spec, file) = (task.spec, task.file);
    let column_department = spec.kind.has_department() && spec.department.is_none();
    let mut sink = RowSink::new(
        spec.kind,
        column_department,
        accounts,
        spec.account_skip_digits,
        period,
    );
    if task.streamed {
        sink = sink.streaming(target, spec.department.as_deref());
    }
    let mut rejects = Vec::new();
    let counts = if is_parquet(file) {
        let counts = parquet_file::read(file, spec, &mut sink, &mut rejects)?;
        // polars reads the file whole: report it when it is done.
        observer.bytes(std::fs::metadata(file).map_or(0, |m| m.len()));
        observer.rows(counts.read);
        counts
    } else if xlsx_file::is_xlsx(file) {
        // The workbook is read whole too.
        let counts = xlsx_file::read(file, spec, &mut sink, &mut rejects)?;
        observer.bytes(std::fs::metadata(file).map_or(0, |m| m.len()));
        observer.rows(counts.read);
        counts
    } else {
        csv_file::read(file, spec, &mut sink, &mut rejects, observer)?
    };
    let (outside_period, far_outside) = (sink.outside_period, sink.far_outside);
    let placeholder_ids = sink.placeholder_ids;
    let (accepted, departments) = (sink.accepted, std::mem::take(&mut sink.departments));
    let frame = sink
        .finish(&spec.name, spec.department.as_deref())
        .map_err(|e| LoadError::Frame {
            source_name: spec.name.clone(),
            message: e.to_string(),
        })?;
    Ok(FileRows {
        frame,
        counts,
        accepted,
        outside_period,
        far_outside,
        placeholder_ids,
        departments,
        rejects,
    })
}

/// One source from its files' rows, in file order.
fn assemble(
    spec: &SourceSpec,
    files: Vec<FileRows>,
    rejects: &mut Vec<Reject>,
) -> Result<LoadedSource, LoadError> {
    let frame_error = |e: PolarsError| LoadError::Frame {
        source_name: spec.name.clone(),
        message: e.to_string(),
    };
    let mut totals = FileCounts::default();
    let (mut accepted, mut outside_period, mut far_outside, mut placeholder_ids) = (0, 0, 0, 0);
    let mut departments: Vec<String> = Vec::new();
    let mut frame: Option<DataFrame> = None;
    for file in files {
        totals.read += file.counts.read;
        totals.rejected += file.counts.rejected;
        accepted += file.accepted;
        outside_period += file.outside_period;
        far_outside += file.far_outside;
        placeholder_ids += file.placeholder_ids;
        departments.extend(file.departments);
        rejects.extend(file.rejects);
        frame = Some(match frame {
            None => file.frame,
            Some(mut all) => {
                all.vstack_mut(&file.frame).map_err(frame_error)?;
                all
            }
        });
    }
    let frame = frame.unwrap_or_default();
    let department = match &spec.department {
        Some(d) => d.clone(),
        None if spec.kind.has_department() => {
            departments.sort();
            departments.dedup();
            departments.join("|")
        }
        None => String::new(),
    };
    Ok(LoadedSource {
        report: SourceReport {
            name: spec.name.clone(),
            kind: spec.kind,
            department,
            files: spec.files.len(),
            read: totals.read,
            accepted,
            rejected: totals.rejected,
            outside_period,
            far_outside,
            placeholder_ids,
        },
        frame,
    })
}

/// Rows a file sink holds as plain text before encoding them.
const FLUSH_ROWS: usize = 1 << 16;

/// Flushes `sink` once it holds a chunk of rows.
fn flush_now(sink: &mut RowSink<'_>, spec: &SourceSpec) -> Result<(), LoadError> {
    if sink.pending() < FLUSH_ROWS {
        return Ok(());
    }
    sink.flush(&spec.name, spec.department.as_deref())
        .map_err(|e| LoadError::Frame {
            source_name: spec.name.clone(),
            message: e.to_string(),
        })
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Finds each field's column in a file's header.
fn layout(
    spec: &SourceSpec,
    fields: &'static [Field],
    header: &[String],
    file: &Path,
    date_format: &str,
    decimal: Decimal,
) -> Result<Layout, LoadError> {
    let find = |field: &Field| -> Result<Option<usize>, LoadError> {
        let mapped = spec.columns.get(field.name);
        let name = mapped.map_or(field.name, String::as_str);
        let mut hits = header
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == name)
            .map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(_), Some(_)) => Err(LoadError::DuplicateColumn {
                source_name: spec.name.clone(),
                file: file.to_path_buf(),
                column: name.to_string(),
            }),
            (Some(i), None) => Ok(Some(i)),
            // An optional field may be absent unless the source itself names
            // its column (a name inherited from `[defaults]` may be absent).
            (None, _)
                if !field.required
                    && (mapped.is_none() || spec.inherited_optional.contains(field.name)) =>
            {
                Ok(None)
            }
            (None, _) => Err(LoadError::MissingColumn {
                source_name: spec.name.clone(),
                file: file.to_path_buf(),
                field: field.name,
                column: name.to_string(),
                found: header.to_vec(),
            }),
        }
    };
    let columns = fields.iter().map(find).collect::<Result<Vec<_>, _>>()?;
    let department = if spec.kind.has_department() && spec.department.is_none() {
        find(&DEPARTMENT)?
    } else {
        None
    };
    // A row needs one of these fields, so the file needs a column for one.
    for rule in spec.kind.rules() {
        let RowRule::AnyOf(names) = *rule else {
            continue;
        };
        let column = |name: &str| spec.kind.position(name).and_then(|i| columns[i]);
        if let (Some(&first), true) = (names.first(), names.iter().all(|n| column(n).is_none())) {
            return Err(LoadError::MissingColumn {
                source_name: spec.name.clone(),
                file: file.to_path_buf(),
                field: first,
                column: format!("{first} (or {})", names[1..].join(" or ")),
                found: header.to_vec(),
            });
        }
    }
    Ok(Layout {
        columns,
        department,
        date_format: value::DateFormat::new(date_format),
        decimal,
    })
}

impl Loaded {
    /// All rows of one kind, from every source of that kind, as one lazy frame
    /// (an empty frame with the canonical columns when there is none).
    pub fn frame(&self, kind: Kind) -> PolarsResult<LazyFrame> {
        let frames: Vec<LazyFrame> = self
            .sources
            .iter()
            .filter(|s| s.report.kind == kind)
            .map(|s| s.frame.clone().lazy())
            .collect();
        if frames.is_empty() {
            let accounts = AccountMap::new(&Default::default());
            let sink = RowSink::new(kind, kind.has_department(), &accounts, 0, Period::default());
            return Ok(sink.finish("", None)?.lazy());
        }
        concat(frames, UnionArgs::default())
    }

    /// Partial loads of one config as one: sources in config order, rejects
    /// in source order.
    pub fn combine(config: &Config, parts: Vec<Loaded>) -> Loaded {
        let position = |name: &str| config.sources.iter().position(|s| s.name == name);
        let mut all = Loaded {
            sources: Vec::new(),
            rejects: Vec::new(),
        };
        for part in parts {
            all.sources.extend(part.sources);
            all.rejects.extend(part.rejects);
        }
        all.sources.sort_by_key(|s| position(&s.report.name));
        all.rejects.sort_by_key(|r| position(&r.source));
        all
    }

    /// The source reports, in config order.
    pub fn reports(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().map(|s| &s.report)
    }
}
