//! Which output format a run writes, decided in one place.
//!
//! The rule is xsv's spirit: an explicit choice wins, then the output file's
//! extension, and otherwise people at a terminal get a table while pipes and
//! scheduled jobs get CSV. Deciding it from plain values (not from clap or a
//! live terminal check) keeps the rule testable.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use anyhow::Result;

use super::OutputError;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A boxed text table for people (comfy-table).
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// Pretty-printed JSON.
    Json,
    /// Apache Parquet (zstd); a single table only.
    Parquet,
    /// An Excel workbook: one sheet and one named Excel Table per table.
    Xlsx,
    /// One self-contained HTML page (inline CSS and SVG) to read and print.
    Html,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 6] = [
        Format::Table,
        Format::Csv,
        Format::Json,
        Format::Parquet,
        Format::Xlsx,
        Format::Html,
    ];

    /// The format's name as used on the command line: `table`, `csv`, `json`, `parquet`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// Whether the format's bytes are binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Parquet | Format::Xlsx)
    }

    /// The format a file's extension asks for: `.csv`, `.json`, `.parquet`,
    /// `.xlsx`, `.html` (or `.htm`), or `.txt` for a text table (case-insensitive). Anything else is an
    /// error naming the extension and the allowed ones.
    pub fn from_extension(path: &Path) -> Result<Format> {
        let Some(extension) = path.extension() else {
            return Err(OutputError::NoExtension {
                path: path.to_path_buf(),
            }
            .into());
        };
        let extension = extension.to_string_lossy();
        match extension.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "parquet" => Ok(Format::Parquet),
            "xlsx" => Ok(Format::Xlsx),
            "html" | "htm" => Ok(Format::Html),
            "txt" => Ok(Format::Table),
            _ => Err(OutputError::UnknownExtension {
                path: path.to_path_buf(),
                extension: extension.into_owned(),
            }
            .into()),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = OutputError;

    fn from_str(name: &str) -> Result<Format, OutputError> {
        Format::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| OutputError::UnknownFormat(name.to_string()))
    }
}

/// The format to write: `flag` (`--format`) when given; else the extension
/// of `output` (`--output`); else [`Format::Table`] when stdout is a
/// terminal and [`Format::Csv`] otherwise.
pub fn resolve_format(
    flag: Option<Format>,
    output: Option<&Path>,
    stdout_is_terminal: bool,
) -> Result<Format> {
    match (flag, output) {
        (Some(format), _) => Ok(format),
        (None, Some(path)) => Format::from_extension(path),
        (None, None) if stdout_is_terminal => Ok(Format::Table),
        (None, None) => Ok(Format::Csv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_decides_the_format() {
        let from = |p: &str| Format::from_extension(Path::new(p)).unwrap();
        assert_eq!(from("out/report.csv"), Format::Csv);
        assert_eq!(from("report.JSON"), Format::Json);
        assert_eq!(from("hotspots.parquet"), Format::Parquet);
        assert_eq!(from("overview.txt"), Format::Table);
        assert_eq!(from("report.xlsx"), Format::Xlsx);
        assert_eq!(from("report.HTML"), Format::Html);
        assert_eq!(from("report.htm"), Format::Html);
    }

    #[test]
    fn unknown_or_missing_extension_is_an_error_naming_it() {
        let err = Format::from_extension(Path::new("report.xls"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(".xls"), "{err}");
        assert!(
            err.contains(".csv, .json, .parquet, .xlsx, .html or .txt"),
            "{err}"
        );
        let err = Format::from_extension(Path::new("report.csv.gz"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(".gz"), "{err}");
        let err = Format::from_extension(Path::new("report"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no extension"), "{err}");
    }

    #[test]
    fn flag_then_extension_then_terminal() {
        let csv = Some(Path::new("a.csv"));
        assert_eq!(
            resolve_format(Some(Format::Json), csv, true).unwrap(),
            Format::Json
        );
        assert_eq!(resolve_format(None, csv, true).unwrap(), Format::Csv);
        assert_eq!(
            resolve_format(None, Some(Path::new("a.txt")), false).unwrap(),
            Format::Table
        );
        assert_eq!(resolve_format(None, None, true).unwrap(), Format::Table);
        assert_eq!(resolve_format(None, None, false).unwrap(), Format::Csv);
        // An explicit flag makes an odd extension harmless.
        assert_eq!(
            resolve_format(Some(Format::Csv), Some(Path::new("a.dat")), false).unwrap(),
            Format::Csv
        );
        assert!(resolve_format(None, Some(Path::new("a.dat")), true).is_err());
    }

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>().unwrap(), format);
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert_eq!("XLSX".parse::<Format>().unwrap(), Format::Xlsx);
        assert!("xls".parse::<Format>().is_err());
    }
}
