//! The cohort of a savings case from a file (`--cohort FILE`): a CSV with a
//! `unit_id` column (such as `hotspots --format csv` writes), or a plain list
//! of ids, one per line. Ids are kept in file order, once each.

use std::path::{Path, PathBuf};

/// A cohort file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// Unreadable.
    #[error("cannot read cohort file {path}")]
    Read {
        /// File.
        path: PathBuf,
        /// Why.
        source: csv::Error,
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
    let read = |source| CohortError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(read)?;
    let mut ids = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut column = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(read)?;
        if i == 0 {
            if let Some(at) = record
                .iter()
                .position(|f| f.trim().trim_start_matches('\u{feff}') == "unit_id")
            {
                column = at;
                continue;
            }
        }
        if let Some(id) = record
            .get(column)
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            if seen.insert(id.to_string()) {
                ids.push(id.to_string());
            }
        }
    }
    if ids.is_empty() {
        return Err(CohortError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hotspots_csv_or_a_plain_list() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("h.csv");
        std::fs::write(&csv, "rank,unit_id,total_cost\n1,A,5\n2,B,4\n3,A,4\n").unwrap();
        assert_eq!(read_cohort(&csv).unwrap(), ["A", "B"]);
        let list = dir.path().join("l.txt");
        std::fs::write(&list, "F1\n\nF2\r\n").unwrap();
        assert_eq!(read_cohort(&list).unwrap(), ["F1", "F2"]);
        std::fs::write(&list, "unit_id\n").unwrap();
        assert!(read_cohort(&list)
            .unwrap_err()
            .to_string()
            .contains("holds no unit ids"));
    }
}
