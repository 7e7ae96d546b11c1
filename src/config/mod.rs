//! The workspace config (`tvaers.toml`, SPEC §1): which sources to load, how
//! each file is written, the analysis period, budget-area overrides and the
//! savings assumptions. It owns turning the TOML text into validated settings:
//! every unknown or misspelt key is an error that names it and the keys
//! allowed there, and every path is resolved relative to the config file.

mod defaults;
mod savings;
pub mod write;

pub use savings::{
    merge as merge_savings, Origin, Savings, SavingsConfig, SavingsError, SavingsLayer, Scenarios,
    Setting,
};

use crate::load::progress::Observer;
use crate::schema::Kind;
use chrono::NaiveDate;
use defaults::RawDefaults;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A config that could not be read or does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// There is no file at the path: the message says how to make one.
    #[error("no config at {}: write one for a folder of extracts with `tvaers init [FOLDER]`, name another with `--config PATH`, or try the tool on a synthetic municipality with `tvaers generate --out DIR` and `--config DIR/tvaers.toml`", path.display())]
    Missing {
        /// Path tried.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read config {path}")]
    Read {
        /// Path tried.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key (the message names it and the allowed keys).
    #[error("config {path}: {message}")]
    Syntax {
        /// Config file.
        path: PathBuf,
        /// The TOML parser's message, with line and column.
        message: String,
    },
    /// A value is not allowed.
    #[error("config {path}: {message}")]
    Invalid {
        /// Config file.
        path: PathBuf,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// The analysis period `[from, to]`, both inclusive; an absent bound is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
}

impl Period {
    /// Whether `date` lies inside the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }
}

/// Field delimiter of a CSV source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// Sniffed from the header line.
    Auto,
    /// This byte.
    Byte(u8),
}

/// Decimal mark of amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    /// `1234.56`; no thousands separators.
    Dot,
    /// `1234,56` or `1.234,56`.
    Comma,
}

/// Text encoding of a CSV source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM), else Windows-1252.
    Auto,
    /// UTF-8; invalid bytes are an error.
    Utf8,
    /// Windows-1252 (Danish ERP exports).
    Windows1252,
    /// ISO-8859-1: every byte is the code point of the same value.
    Latin1,
}

impl Encoding {
    /// The name used in config files and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Latin1 => "iso-8859-1",
        }
    }
}

/// How the files of a CSV source are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field delimiter.
    pub delimiter: Delimiter,
    /// Decimal mark of amounts.
    pub decimal: Decimal,
    /// Text encoding.
    pub encoding: Encoding,
    /// chrono format of dates.
    pub date_format: String,
}

/// One validated source.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// Unique name, used in reports and reject files.
    pub name: String,
    /// What one row is.
    pub kind: Kind,
    /// Fixed department of every row, when not taken from a column.
    pub department: Option<String>,
    /// The `path` as written (a glob).
    pub pattern: String,
    /// Files matched by the glob, sorted.
    pub files: Vec<PathBuf>,
    /// How CSV files are written (ignored for Parquet).
    pub csv: CsvOptions,
    /// Canonical field → column name in the file, as written in the config
    /// (the source's own `[sources.columns]` over `[defaults.columns]`).
    pub columns: BTreeMap<String, String>,
    /// Optional fields whose mapping came from `[defaults.columns]`: a file
    /// without such a column reads the field as absent, not as an error.
    pub inherited_optional: BTreeSet<String>,
    /// The sheet of an `.xlsx` file to read (its first sheet when not set).
    pub sheet: Option<String>,
    /// Leading account digits to drop before mapping (e.g. a *dranst* digit).
    pub account_skip_digits: usize,
}

/// A validated workspace config.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file read.
    pub path: PathBuf,
    /// Analysis period (command-line flags override it).
    pub period: Period,
    /// Small-cell suppression threshold (SPEC §4).
    pub min_cell: u32,
    /// Sources in config order.
    pub sources: Vec<SourceSpec>,
    /// Account prefix (digits) → budget area; takes precedence over the default table.
    pub budget_areas: BTreeMap<String, String>,
    /// Savings assumptions: the config's over the defaults.
    pub savings: SavingsConfig,
    /// What the `[savings]` table gives, for the merge with a command's
    /// flags (`merge_savings`), which also says where each value came from.
    pub savings_layer: SavingsLayer,
    /// `[report] language`: the language of HTML reports unless `--lang`.
    pub report_language: Option<crate::language::Language>,
    /// Who is told how far a load of these sources has got: none unless the
    /// caller sets one (the binary draws a bar on a terminal).
    pub progress: Observer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    analysis: RawAnalysis,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    budget_areas: BTreeMap<String, String>,
    savings: Option<SavingsLayer>,
    report: Option<RawReport>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReport {
    language: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAnalysis {
    from: Option<toml::Value>,
    to: Option<toml::Value>,
    min_cell: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    kind: Kind,
    department: Option<String>,
    path: String,
    sheet: Option<String>,
    #[serde(default)]
    csv: RawCsv,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    account_skip_digits: usize,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<String>,
    decimal: Option<String>,
    encoding: Option<String>,
    date_format: Option<String>,
}

impl Config {
    /// Reads and validates the config at `path`, resolving source globs.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::Missing {
                path: path.to_path_buf(),
            },
            _ => ConfigError::Read {
                path: path.to_path_buf(),
                source,
            },
        })?;
        Config::parse(&text, path)
    }

    /// Validates config text as if read from `path` (paths resolve against its folder).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let base = path.parent().unwrap_or(Path::new("."));

        let period = Period {
            from: raw
                .analysis
                .from
                .as_ref()
                .map(|v| toml_date(v, "analysis.from"))
                .transpose()
                .map_err(invalid)?,
            to: raw
                .analysis
                .to
                .as_ref()
                .map(|v| toml_date(v, "analysis.to"))
                .transpose()
                .map_err(invalid)?,
        };
        check_period(&period).map_err(invalid)?;
        let min_cell = raw.analysis.min_cell.unwrap_or(5);
        if min_cell == 0 {
            return Err(invalid("analysis.min_cell must be at least 1".into()));
        }

        if raw.sources.is_empty() {
            // Every command would read nothing and report nothing: an empty
            // report that exits 0 looks like a municipality without costs.
            return Err(invalid(
                "lists no sources; add a [[sources]] table for each extract, with `name`, `kind` and `path` (and `department` for expenses and contacts): see the workspace config in README.md, or the tvaers.toml that `tvaers generate` writes"
                    .into(),
            ));
        }
        raw.defaults.check().map_err(invalid)?;
        let mut sources = Vec::with_capacity(raw.sources.len());
        for source in raw.sources {
            if sources.iter().any(|s: &SourceSpec| s.name == source.name) {
                return Err(invalid(format!(
                    "two sources are named {:?}; source names must be unique",
                    source.name
                )));
            }
            sources.push(source_spec(source, &raw.defaults, base).map_err(invalid)?);
        }

        let mut budget_areas = BTreeMap::new();
        for (prefix, area) in raw.budget_areas {
            let digits: String = prefix.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return Err(invalid(format!(
                    "budget_areas key {prefix:?} has no digits; keys are account prefixes such as \"5.28.21\" or \"52821\""
                )));
            }
            budget_areas.insert(digits, area);
        }

        let savings_layer = raw.savings.unwrap_or_default();
        let savings = merge_savings(&savings_layer, &SavingsLayer::default())
            .map_err(|e| invalid(e.to_string()))?
            .values;
        let report_language = raw
            .report
            .and_then(|r| r.language)
            .map(|l| {
                l.parse::<crate::language::Language>()
                    .map_err(|e| invalid(format!("report.language: {e}")))
            })
            .transpose()?;
        Ok(Config {
            path: path.to_path_buf(),
            period,
            min_cell,
            sources,
            budget_areas,
            savings,
            savings_layer,
            report_language,
            progress: Observer::none(),
        })
    }
}

/// Checks that a period's bounds are in order.
pub fn check_period(period: &Period) -> Result<(), String> {
    match (period.from, period.to) {
        (Some(from), Some(to)) if from > to => {
            Err(format!("the period starts ({from}) after it ends ({to})"))
        }
        _ => Ok(()),
    }
}

fn toml_date(value: &toml::Value, key: &str) -> Result<NaiveDate, String> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(format!(
                "{key} must be a date \"YYYY-MM-DD\", found {other}"
            ))
        }
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| format!("{key} must be a date \"YYYY-MM-DD\", found {text:?}"))
}

fn source_spec(raw: RawSource, defaults: &RawDefaults, base: &Path) -> Result<SourceSpec, String> {
    let name = raw.name.trim().to_string();
    if name.is_empty() {
        return Err("a source has an empty name".into());
    }
    let allowed = raw.kind.mappable_fields();
    for key in raw.columns.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(format!(
                "source {name:?}: unknown field {key:?} in [sources.columns]; a {} source has the fields {}",
                raw.kind,
                allowed.join(", ")
            ));
        }
    }
    let (columns, inherited_optional) =
        defaults.columns(raw.kind, raw.department.is_some(), raw.columns);
    if raw.kind.has_department() {
        match (&raw.department, columns.contains_key("department")) {
            (None, false) => {
                return Err(format!(
                    "source {name:?}: a {} source needs `department = \"…\"` or a mapped `department` column",
                    raw.kind
                ))
            }
            (Some(_), true) => {
                return Err(format!(
                    "source {name:?}: set either `department` or a mapped `department` column, not both"
                ))
            }
            _ => {}
        }
    } else if raw.department.is_some() {
        return Err(format!(
            "source {name:?}: `department` belongs to expenses and contacts sources, not {}",
            raw.kind
        ));
    }
    let csv = csv_options(defaults.csv(raw.csv)).map_err(|e| format!("source {name:?}: {e}"))?;
    let files = resolve_glob(base, &raw.path).map_err(|e| format!("source {name:?}: {e}"))?;
    Ok(SourceSpec {
        name,
        kind: raw.kind,
        department: raw.department,
        pattern: raw.path,
        files,
        csv,
        columns,
        inherited_optional,
        sheet: raw.sheet,
        account_skip_digits: raw.account_skip_digits,
    })
}

fn csv_options(raw: RawCsv) -> Result<CsvOptions, String> {
    let delimiter = parse_delimiter(raw.delimiter.as_deref().unwrap_or("auto"))
        .map_err(|e| format!("csv.delimiter {e}"))?;
    let decimal = match raw.decimal.as_deref().unwrap_or(".") {
        "." => Decimal::Dot,
        "," => Decimal::Comma,
        d => return Err(format!("csv.decimal must be \".\" or \",\", found {d:?}")),
    };
    let encoding = parse_encoding(raw.encoding.as_deref().unwrap_or("auto"))
        .map_err(|e| format!("csv.encoding {e}"))?;
    let date_format = raw.date_format.unwrap_or_else(|| "%Y-%m-%d".to_string());
    check_date_format(&date_format)?;
    Ok(CsvOptions {
        delimiter,
        decimal,
        encoding,
        date_format,
    })
}

/// A delimiter as written in a config or on the command line.
pub fn parse_delimiter(text: &str) -> Result<Delimiter, String> {
    match text {
        "auto" => Ok(Delimiter::Auto),
        "tab" | "\t" => Ok(Delimiter::Byte(b'\t')),
        d if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "\n" | "\r") => {
            Ok(Delimiter::Byte(d.as_bytes()[0]))
        }
        d => Err(format!(
            "must be \"auto\", \"tab\" or one ASCII character such as \";\", found {d:?}"
        )),
    }
}

/// An encoding name as written in a config or on the command line.
pub fn parse_encoding(text: &str) -> Result<Encoding, String> {
    match text.to_ascii_lowercase().as_str() {
        "auto" => Ok(Encoding::Auto),
        "utf-8" | "utf8" => Ok(Encoding::Utf8),
        "windows-1252" | "cp1252" => Ok(Encoding::Windows1252),
        "iso-8859-1" | "latin1" | "latin-1" => Ok(Encoding::Latin1),
        e => Err(format!(
            "must be \"auto\", \"utf-8\", \"windows-1252\" or \"iso-8859-1\", found {e:?}"
        )),
    }
}

/// Rejects a chrono format that cannot parse a full date.
fn check_date_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(format!(
            "csv.date_format {format:?} is not a valid chrono format"
        ));
    }
    let sample = NaiveDate::from_ymd_opt(2024, 11, 28).unwrap_or_default();
    // A date cannot be written with a time or a zone (`%H`, `%z`): chrono
    // reports that as a formatting error, which `to_string` would panic on.
    let mut shown = String::new();
    if std::fmt::Write::write_fmt(&mut shown, format_args!("{}", sample.format(format))).is_err() {
        return Err(format!(
            "csv.date_format {format:?} asks for a time or a zone, which a date does not have; give day, month and year only, e.g. \"%d-%m-%Y\""
        ));
    }
    if NaiveDate::parse_from_str(&shown, format) != Ok(sample) {
        return Err(format!(
            "csv.date_format {format:?} does not describe a whole date (day, month and year), e.g. \"%d-%m-%Y\""
        ));
    }
    Ok(())
}

fn resolve_glob(base: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let full = base.join(pattern);
    let full_text = full.to_string_lossy();
    let paths =
        glob::glob(&full_text).map_err(|e| format!("path {pattern:?} is not a valid glob: {e}"))?;
    let mut files = Vec::new();
    for entry in paths {
        let path =
            entry.map_err(|e| format!("cannot read {}: {}", e.path().display(), e.error()))?;
        if path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(format!(
            "path {pattern:?} matches no file (tried {full_text})"
        ));
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests;
