//! Rejected rows (SPEC §5): what was not accepted, where it was, and why, so
//! that an analyst can find and fix every one of them in the source system.

use crate::cpr::{contains_cpr, looks_like_cpr};
use std::io::Write;
use std::path::PathBuf;

/// One rejected data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// Source name.
    pub source: String,
    /// File it came from.
    pub file: PathBuf,
    /// Line where the row starts in that file (row number for Parquet).
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
    /// The row's text, decoded to UTF-8.
    pub raw: String,
}

/// The first field of a row (by index) that holds what looks like a raw CPR
/// number, whole or as a word of its text (see `cpr::contains_cpr`). A rejected row is
/// written out with its raw text, so every field is checked, not only the
/// id fields: a ragged row may have shifted the CPR number into any column.
pub fn cpr_field(fields: &[impl AsRef<str>]) -> Option<usize> {
    fields.iter().position(|field| {
        let value = super::value::clean(field.as_ref());
        looks_like_cpr(value) || contains_cpr(value)
    })
}

/// Names column `index` (0-based) of a file with `header` for an error
/// message: its position and, unless it could itself be personal data,
/// its name from the header.
pub fn describe_column(header: &[String], index: usize) -> String {
    match header.get(index) {
        Some(name) if !name.is_empty() && cpr_field(&[name]).is_none() => {
            format!("column {} ({:?})", index + 1, super::text::printable(name))
        }
        _ => format!("column {}", index + 1),
    }
}

/// A file's column names for an error message, comma-separated: each as
/// `describe_column` would name it, and one that could itself be personal
/// data (a file without its header line starts with a row) withheld.
pub fn list_columns(header: &[impl AsRef<str>]) -> String {
    header
        .iter()
        .map(|name| match cpr_field(&[name]) {
            None => super::text::printable(name.as_ref()).into_owned(),
            Some(_) => "(a CPR number, not shown: is the header line missing?)".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes rejects as RFC 4180 CSV with the header `source,file,line,reason,raw`.
/// The file is opened in spreadsheets like any other CSV, and a rejected
/// row is hostile input by definition: text cells that a spreadsheet would
/// run as a formula get a leading `'` (see `output::formula`).
pub fn write_rejects(rejects: &[Reject], out: &mut dyn Write) -> csv::Result<()> {
    use crate::output::formula::guard;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["source", "file", "line", "reason", "raw"])?;
    for r in rejects {
        writer.write_record([
            guard(&r.source).as_ref(),
            guard(&r.file.to_string_lossy()).as_ref(),
            &r.line.to_string(),
            guard(&r.reason).as_ref(),
            guard(&r.raw).as_ref(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpr_anywhere_in_a_rejected_row_is_found() {
        assert_eq!(cpr_field(&["a", "b", "010190-1234"]), Some(2));
        assert_eq!(cpr_field(&["x", "note 010190 1234 ok"]), Some(1));
        assert_eq!(cpr_field(&["x", " =\"0101901234\" "]), Some(1));
        assert_eq!(
            cpr_field(&["9f86d081884c7d65", "2023-01-01", "12,50"]),
            None
        );
    }

    #[test]
    fn a_column_is_named_without_personal_data() {
        let header = vec!["BorgerID".to_string(), "0101901234".to_string()];
        assert_eq!(describe_column(&header, 0), "column 1 (\"BorgerID\")");
        assert_eq!(describe_column(&header, 1), "column 2");
        assert_eq!(describe_column(&header, 5), "column 6");
        assert_eq!(
            list_columns(&["0101901234", "Bel\u{8}b", "Dato"]),
            "(a CPR number, not shown: is the header line missing?), Bel\\u{8}b, Dato"
        );
    }

    #[test]
    fn a_rejected_row_starting_like_a_formula_is_written_as_text() {
        let reject = |raw: &str| Reject {
            source: "e".into(),
            file: "e.csv".into(),
            line: 2,
            reason: "bad date".into(),
            raw: raw.into(),
        };
        let mut out = Vec::new();
        write_rejects(
            &[reject("=HYPERLINK(\"x\"),2023-01-01"), reject("-12,x")],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "source,file,line,reason,raw\n\
             e,e.csv,2,bad date,\"'=HYPERLINK(\"\"x\"\"),2023-01-01\"\n\
             e,e.csv,2,bad date,\"'-12,x\"\n"
        );
    }
}
