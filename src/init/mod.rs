//! `init`: a first `tvaers.toml` for a folder of extracts. Each file is
//! read (`sniff`), its kind and column roles are recognised from its header
//! (`names`), its date format and decimal mark decided from its values
//! (`dialect`), files are grouped into sources by kind and department
//! (`group`), the period is set to the whole calendar years the expense data
//! covers, and the config is rendered with every guess marked (`render`).
//! Nothing here prints or writes: the command writes the text and the summary.

mod dialect;
mod group;
mod names;
mod render;
mod sniff;

pub use dialect::DateFormat;
pub use names::{field_of, fold};

use crate::config::Decimal;
use crate::schema::{Kind, DEPARTMENT};
use chrono::{Datelike, NaiveDate};
use sniff::{Cell, Sample, Storage};
use std::path::{Path, PathBuf};

/// Why `init` could not write a config.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder could not be read.
    #[error("cannot read {path}")]
    Io {
        /// Folder or file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No file with a known extension was found.
    #[error("found no extracts under {}: init reads .csv, .csv.gz, .txt, .xlsx and .parquet files (in the folder and its subfolders)", dir.display())]
    NoFiles {
        /// Folder scanned.
        dir: PathBuf,
    },
    /// Files were found but none could be classified.
    #[error("none of the {} files under {} could be classified:\n{}", reasons.len(), dir.display(), reasons.iter().map(|(f, r)| format!("  {f}: {r}")).collect::<Vec<_>>().join("\n"))]
    NothingClassified {
        /// Folder scanned.
        dir: PathBuf,
        /// Each file and why.
        reasons: Vec<(String, String)>,
    },
}

/// A config written for a folder, and what went into it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The config text.
    pub text: String,
    /// Sources written.
    pub sources: usize,
    /// Files they read.
    pub files: usize,
    /// Files not classified (the scanned folder joined with their path in
    /// it), each with the reason.
    pub unclassified: Vec<(PathBuf, String)>,
    /// Lines marked as guesses.
    pub guesses: usize,
    /// The analysis period set, if the expense data covers a whole year.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// One classified file.
#[derive(Debug, Clone)]
pub struct File {
    /// Path relative to the scanned folder, `/`-separated.
    pub path: String,
    /// Its folder, relative, `/`-separated (`""` for the folder itself).
    pub folder: String,
    /// File name without the extension.
    pub stem: String,
    /// `csv`, `csv.gz`, `txt`, `xlsx` or `parquet` (as written).
    pub extension: String,
    /// Kind of rows.
    pub kind: Kind,
    /// What the kind was told by.
    pub kind_from: String,
    /// What was read.
    pub sample: Sample,
    /// Canonical field → column, in the header's order.
    pub mapping: Vec<(&'static str, String)>,
    /// Columns left unmapped, each with why.
    pub unmapped: Vec<String>,
    /// How its text dates are written.
    pub date_format: DateFormat,
    /// Its decimal mark, and whether that is a guess.
    pub decimal: (Decimal, bool),
}

impl File {
    /// What must agree for two files to be one source.
    fn settings_key(&self) -> String {
        let delimiter = match self.sample.storage {
            Storage::Text { delimiter, .. } => char::from(delimiter).to_string(),
            Storage::Xlsx => "xlsx".into(),
            Storage::Parquet => "parquet".into(),
        };
        format!(
            "{delimiter}|{:?}|{:?}|{:?}",
            self.date_format, self.decimal.0, self.mapping
        )
    }

    /// The mapped department column, if any.
    fn department_column(&self) -> Option<&str> {
        self.mapping
            .iter()
            .find(|(f, _)| *f == DEPARTMENT.name)
            .map(|(_, c)| c.as_str())
    }
}

/// Extensions `init` reads.
const EXTENSIONS: [&str; 5] = ["csv.gz", "csv", "txt", "xlsx", "parquet"];

/// Builds the config for the extracts under `dir`, with paths relative to
/// `base` (the folder the config is written to). `skip` is left out of the
/// scan (an existing config file or anything else that is no extract).
pub fn plan(dir: &Path, base: &Path, skip: &Path) -> Result<Plan, InitError> {
    let mut found = Vec::new();
    scan(dir, dir, skip, &mut found)?;
    found.sort();
    if found.is_empty() {
        return Err(InitError::NoFiles {
            dir: dir.to_path_buf(),
        });
    }
    let prefix = relative(base, dir);
    let mut files = Vec::new();
    let mut unclassified = Vec::new();
    let mut unclassified_paths = Vec::new();
    for (relative, extension) in found {
        let shown = join(&prefix, &relative);
        match classify(&dir.join(&relative), &relative, &extension) {
            Ok(file) => files.push(file),
            Err(reason) => {
                unclassified.push((shown, reason));
                unclassified_paths.push(relative);
            }
        }
    }
    let found_unclassified: Vec<(PathBuf, String)> = unclassified_paths
        .iter()
        .zip(&unclassified)
        .map(|(relative, (_, reason))| (dir.join(relative), reason.clone()))
        .collect();
    if files.is_empty() {
        return Err(InitError::NothingClassified {
            dir: dir.to_path_buf(),
            reasons: unclassified,
        });
    }
    let scanned: Vec<String> = files
        .iter()
        .map(|f| f.path.clone())
        .chain(unclassified_paths)
        .collect();
    let groups = group::group(&files, &scanned);
    let period = period(&files);
    let rendered = render::render(&files, &groups, period, &unclassified, &prefix);
    Ok(Plan {
        text: rendered.text,
        sources: groups.len(),
        files: files.len(),
        unclassified: found_unclassified,
        guesses: rendered.guesses,
        period: period.and_then(|p| p.whole_years),
    })
}

/// Collects `(path relative to root, extension)` of every extract under `dir`.
fn scan(
    root: &Path,
    dir: &Path,
    skip: &Path,
    found: &mut Vec<(String, String)>,
) -> Result<(), InitError> {
    let io = |source| InitError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || path == skip {
            continue;
        }
        if path.is_dir() {
            scan(root, &path, skip, found)?;
            continue;
        }
        let lower = name.to_lowercase();
        let Some(extension) = EXTENSIONS
            .iter()
            .find(|e| lower.ends_with(&format!(".{e}")))
        else {
            continue;
        };
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let relative: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some(written) = name.get(name.len().saturating_sub(extension.len())..) else {
            continue;
        };
        found.push((relative.join("/"), written.to_string()));
    }
    Ok(())
}

/// Reads and classifies one file, or says why it cannot be.
fn classify(path: &Path, relative: &str, extension: &str) -> Result<File, String> {
    let sample = sniff::sample(path)?;
    let (kind, kind_from) = kind_of(&sample)?;
    let allowed = kind.mappable_fields();
    let mut mapping = Vec::new();
    let mut unmapped = Vec::new();
    for (name, field) in sample.header.iter().zip(&sample.fields) {
        match field {
            Some(f) if allowed.contains(f) => mapping.push((*f, name.clone())),
            Some(f) => unmapped.push(format!("{name} (a {f} column, which {kind} do not have)")),
            None if name.is_empty() => unmapped.push("an unnamed column".into()),
            None => unmapped.push(format!("{name} (not a known column name)")),
        }
    }
    let date_format = dialect::date_format(&sample)?;
    let fallback = match sample.storage {
        Storage::Text {
            delimiter: b';', ..
        } => Decimal::Comma,
        _ => Decimal::Dot,
    };
    let decimal = dialect::decimal(&sample, fallback);
    let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let stem = name
        .get(..name.len().saturating_sub(extension.len() + 1))
        .unwrap_or(name)
        .to_string();
    Ok(File {
        path: relative.to_string(),
        folder: folder.to_string(),
        stem,
        extension: extension.to_string(),
        kind,
        kind_from,
        sample,
        mapping,
        unmapped,
        date_format,
        decimal,
    })
}

/// The kind a header says, and what said it; or why none fits.
fn kind_of(sample: &Sample) -> Result<(Kind, String), String> {
    let has = |f: &str| sample.column(f).is_some();
    let named = |f: &str| {
        sample
            .column(f)
            .map_or(String::new(), |i| sample.header[i].clone())
    };
    let (kind, evidence) = if has("step") {
        (Kind::Ladder, vec!["step"])
    } else if has("amount") || has("account") {
        (Kind::Expenses, vec!["amount", "account"])
    } else if has("start") {
        (Kind::Enrolments, vec!["start"])
    } else if has("family") && (!has("date") || has("valid_from") || has("valid_to")) {
        (Kind::Households, vec!["family"])
    } else if has("citizen") && has("date") {
        (Kind::Contacts, vec!["citizen", "date"])
    } else {
        let found = if sample.header.is_empty() {
            "none".to_string()
        } else {
            crate::load::list_columns(&sample.header)
        };
        return Err(format!(
            "no column names a known field (a citizen and a date, an amount, a family, a step or a start); its columns are: {found}"
        ));
    };
    let evidence: Vec<String> = evidence
        .iter()
        .filter(|f| has(f))
        .map(|f| named(f))
        .collect();
    let missing: Vec<&str> = kind
        .fields()
        .iter()
        .filter(|f| f.required && !has(f.name))
        .map(|f| f.name)
        .collect();
    if kind == Kind::Enrolments && !has("citizen") && !has("family") {
        return Err(
            "looks like enrolments (it has a start) but has no column for citizen or family".into(),
        );
    }
    if !missing.is_empty() {
        return Err(format!(
            "looks like {kind} (it has {}) but has no column for {}; its columns are: {}",
            evidence.join(", "),
            missing.join(", "),
            crate::load::list_columns(&sample.header)
        ));
    }
    Ok((kind, format!("from the columns {}", evidence.join(", "))))
}

/// The dates of the expense data, and the whole calendar years in them.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    /// First and last expense date read.
    pub first: NaiveDate,
    /// Last expense date read.
    pub last: NaiveDate,
    /// The whole calendar years between them, if any.
    pub whole_years: Option<(NaiveDate, NaiveDate)>,
}

/// The span of the expense dates. A year counts as whole when the data
/// starts in its January and ends in its December: payments are booked on
/// working days, so data for a whole year need not hold 1 January itself.
fn period(files: &[File]) -> Option<Coverage> {
    let mut span: Option<(NaiveDate, NaiveDate)> = None;
    for file in files.iter().filter(|f| f.kind == Kind::Expenses) {
        let Some(column) = file.sample.column("date") else {
            continue;
        };
        for cell in &file.sample.values[column] {
            let date = match (cell, &file.date_format) {
                (Cell::Date(d), _) => Some(*d),
                (Cell::Text(t), DateFormat::Format(f)) => crate::load::value::parse_date(t, f),
                _ => None,
            };
            if let Some(d) = date {
                span = Some(span.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            }
        }
    }
    let (first, last) = span?;
    let from_year = if first.month() == 1 {
        first.year()
    } else {
        first.year() + 1
    };
    let to_year = if last.month() == 12 {
        last.year()
    } else {
        last.year() - 1
    };
    let whole_years = (from_year <= to_year)
        .then(|| {
            Some((
                NaiveDate::from_ymd_opt(from_year, 1, 1)?,
                NaiveDate::from_ymd_opt(to_year, 12, 31)?,
            ))
        })
        .flatten();
    Some(Coverage {
        first,
        last,
        whole_years,
    })
}

/// `path` relative to `base`, `/`-separated (both made absolute first).
fn relative(base: &Path, path: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (base, path) = (absolute(base), absolute(path));
    let base: Vec<_> = base.components().collect();
    let path: Vec<_> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{rest}"),
    }
}

#[cfg(test)]
mod tests;
