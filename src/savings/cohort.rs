//! The cohort of a savings case or a ladder from a file (`--cohort FILE`).
//!
//! Whatever `hotspots` writes can be fed back: CSV with a `unit_id` column
//! in any delimiter the loader sniffs, with or without a BOM, with Excel's
//! `="…"` ids and formula-guard quotes (`--excel-da`); JSON as `hotspots
//! --format json` writes it (an array of objects with `unit_id`, or an object
//! holding such an array); or a plain list, one id per line. Ids are kept
//! in file order, once each.
//!
//! A cohort file is an input like any extract: an id that looks like a raw
//! CPR number is refused, naming the file and line but never the value.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::cpr::looks_like_cpr;
use crate::load::text::sniff_delimiter;
use crate::load::value::clean;
use crate::output::unguard;

/// The column of unit ids.
const UNIT_ID: &str = "unit_id";

/// A cohort file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// Unreadable.
    #[error("cannot read cohort file {path}")]
    Read {
        /// File.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not CSV as expected.
    #[error("cannot read cohort file {path} as CSV")]
    Csv {
        /// File.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// Not JSON as expected.
    #[error("cannot read cohort file {path} as JSON (it starts with [ or {{)")]
    Json {
        /// File.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// Several columns, none of them `unit_id`.
    #[error(
        "cohort file {path} has several columns but none named unit_id; expected a unit_id \
         column or one id per line"
    )]
    NoIdColumn {
        /// File.
        path: PathBuf,
    },
    /// JSON without rows holding `unit_id`.
    #[error("cohort file {path} is JSON without rows holding a unit_id")]
    NoJsonRows {
        /// File.
        path: PathBuf,
    },
    /// A raw CPR number.
    #[error(
        "cohort file {path}, {place}: the id looks like a raw CPR number; cohort files must \
         hold pseudonymised ids (run `tvaers pseudonymise`)"
    )]
    Cpr {
        /// File.
        path: PathBuf,
        /// `line N` or `row N`.
        place: String,
    },
    /// No ids in it.
    #[error("cohort file {path} holds no unit ids")]
    Empty {
        /// File.
        path: PathBuf,
    },
}

/// Reads the unit ids of a cohort file.
pub fn read_cohort(path: &Path) -> Result<Vec<String>, CohortError> {
    let bytes = std::fs::read(path).map_err(|source| CohortError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let found = if matches!(first, Some(b'[' | b'{')) {
        json_ids(path, bytes)?
    } else {
        csv_ids(path, bytes)?
    };
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for (place, id) in found {
        if looks_like_cpr(&id) {
            return Err(CohortError::Cpr {
                path: path.to_path_buf(),
                place,
            });
        }
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(CohortError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(ids)
}

/// The ids of a cohort that are units (by `is_unit`), in order, and the
/// number that are not.
pub fn match_cohort(ids: Vec<String>, is_unit: impl Fn(&str) -> bool) -> (Vec<String>, usize) {
    let total = ids.len();
    let matched: Vec<String> = ids.into_iter().filter(|id| is_unit(id)).collect();
    let unmatched = total - matched.len();
    (matched, unmatched)
}

/// Ids with their place (`line N`) from CSV or a plain list.
fn csv_ids(path: &Path, bytes: &[u8]) -> Result<Vec<(String, String)>, CohortError> {
    let csv_error = |source| CohortError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut ids = Vec::new();
    let mut column = 0;
    for (index, record) in reader.byte_records().enumerate() {
        let record = record.map_err(csv_error)?;
        let field = |at: usize| {
            record
                .get(at)
                .map(|f| unguard(clean(&String::from_utf8_lossy(f))).to_string())
        };
        if index == 0 {
            let names: Vec<String> = (0..record.len()).filter_map(field).collect();
            if let Some(at) = names.iter().position(|n| n == UNIT_ID) {
                column = at;
                continue;
            }
            if names.len() > 1 {
                return Err(CohortError::NoIdColumn {
                    path: path.to_path_buf(),
                });
            }
        }
        let line = record.position().map_or(index as u64 + 1, |p| p.line());
        if let Some(id) = field(column).filter(|id| !id.is_empty()) {
            ids.push((format!("line {line}"), id));
        }
    }
    Ok(ids)
}

/// Ids with their place (`row N`) from `hotspots --format json`.
fn json_ids(path: &Path, bytes: &[u8]) -> Result<Vec<(String, String)>, CohortError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|source| CohortError::Json {
            path: path.to_path_buf(),
            source,
        })?;
    let rows = find_rows(&value).ok_or_else(|| CohortError::NoJsonRows {
        path: path.to_path_buf(),
    })?;
    Ok(rows
        .iter()
        .enumerate()
        .filter_map(|(index, row)| {
            let id = match row.get(UNIT_ID)? {
                serde_json::Value::String(s) => s.trim().to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            (!id.is_empty()).then(|| (format!("row {}", index + 1), id))
        })
        .collect())
}

/// The first array of objects holding `unit_id`: the value itself, or one
/// held (at any depth) by an object.
fn find_rows(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match value {
        serde_json::Value::Array(rows) if rows.iter().any(|r| r.get(UNIT_ID).is_some()) => {
            Some(rows)
        }
        serde_json::Value::Object(fields) => fields.values().find_map(find_rows),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(dir: &tempfile::TempDir, text: &str) -> Result<Vec<String>, CohortError> {
        let path = dir.path().join("cohort");
        std::fs::write(&path, text).unwrap();
        read_cohort(&path)
    }

    #[test]
    fn reads_hotspots_csv_or_a_plain_list() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "rank,unit_id,total_cost\n1,A,5\n2,B,4\n3,A,4\n";
        assert_eq!(read(&dir, csv).unwrap(), ["A", "B"]);
        assert_eq!(read(&dir, "F1\n\nF2\r\n").unwrap(), ["F1", "F2"]);
        assert!(read(&dir, "unit_id\n")
            .unwrap_err()
            .to_string()
            .contains("holds no unit ids"));
    }

    #[test]
    fn hotspots_excel_da_output_reads_back_as_its_ids() {
        let dir = tempfile::tempdir().unwrap();
        let excel = "\u{feff}rank;unit_id;total_cost\n\
                     1;\"=\"\"0000000000001234\"\"\";1500,00\n\
                     2;\"=\"\"7268623949e03155\"\"\";700,00\n";
        assert_eq!(
            read(&dir, excel).unwrap(),
            ["0000000000001234", "7268623949e03155"]
        );
        // Guarded formula cells of plain CSV read back as written before guarding.
        assert_eq!(read(&dir, "unit_id\n'=A\n'-B\n").unwrap(), ["=A", "-B"]);
    }

    #[test]
    fn hotspots_json_output_reads_back_as_its_ids() {
        let dir = tempfile::tempdir().unwrap();
        let array = r#"[{"rank": 1, "unit_id": "b7"}, {"rank": 2, "unit_id": "a1"}]"#;
        assert_eq!(read(&dir, array).unwrap(), ["b7", "a1"]);
        let object = r#"{"units": 2, "hotspots": [{"unit_id": "x"}, {"unit_id": 42}]}"#;
        assert_eq!(read(&dir, object).unwrap(), ["x", "42"]);
        assert!(matches!(
            read(&dir, r#"{"a": [1, 2]}"#),
            Err(CohortError::NoJsonRows { .. })
        ));
    }

    #[test]
    fn a_csv_without_a_unit_id_column_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read(&dir, "rank,id\n1,A\n"),
            Err(CohortError::NoIdColumn { .. })
        ));
    }

    #[test]
    fn a_raw_cpr_number_in_a_cohort_file_is_refused_naming_the_line_not_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(&dir, "unit_id\nA\n010190-1234\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("raw CPR number"),
            "{err}"
        );
        assert!(!err.contains("010190"), "{err}");
        let err = read(&dir, r#"[{"unit_id": "0101901234"}]"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row 1") && !err.contains("0101901234"),
            "{err}"
        );
    }

    #[test]
    fn only_ids_of_units_count_and_the_rest_are_counted() {
        let ids = vec!["A".to_string(), "Z".to_string(), "B".to_string()];
        let (matched, unmatched) = match_cohort(ids, |id| id != "Z");
        assert_eq!(matched, ["A", "B"]);
        assert_eq!(unmatched, 1);
    }
}
