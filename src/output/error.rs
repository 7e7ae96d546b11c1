//! What can go wrong when rendering, as typed errors a caller can match on,
//! and the broken-pipe test that lets `tvaers hotspots | head` exit quietly.
//!
//! Every error here is found before the first byte is written, so a failed
//! render leaves nothing half-written on stdout either.

use std::error::Error as StdError;
use std::io;
use std::path::PathBuf;

/// Why a result could not be rendered in the requested format.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--output` names a file whose extension is not an output format.
    #[error(
        "cannot tell the output format of {}: unknown extension .{extension}; \
         use .csv, .json, .parquet, .xlsx, .html or .txt (table), or choose the format explicitly",
        path.display()
    )]
    UnknownExtension {
        /// The output path as given.
        path: PathBuf,
        /// Its extension, without the dot.
        extension: String,
    },
    /// `--output` names a file without an extension.
    #[error(
        "cannot tell the output format of {}: it has no extension; \
         use .csv, .json, .parquet, .xlsx, .html or .txt (table), or choose the format explicitly",
        path.display()
    )]
    NoExtension {
        /// The output path as given.
        path: PathBuf,
    },
    /// A format name that is not one of [`super::Format::ALL`].
    #[error("unknown output format {0:?}; use table, csv, json, parquet, xlsx or html")]
    UnknownFormat(String),
    /// A column whose type the writers do not render.
    #[error(
        "column {column:?} has type {dtype}, which cannot be written as output; \
         supported types: string, integer, float, boolean, date"
    )]
    UnsupportedType {
        /// The column's name.
        column: String,
        /// Its polars type.
        dtype: String,
    },
    /// `money`, `shares` or `suppressed` names a column the frame lacks.
    #[error("column {column:?} is marked as {role}, but the table has no such column (columns: {available})")]
    UnknownColumn {
        /// The name given.
        column: String,
        /// `money`, `share`, `suppressed` or `id`.
        role: &'static str,
        /// The frame's columns, comma-separated.
        available: String,
    },
    /// A money or share column that is not numeric.
    #[error("column {column:?} is marked as {role} but has type {dtype}; it must be numeric")]
    NotNumeric {
        /// The column's name.
        column: String,
        /// `money` or `share`.
        role: &'static str,
        /// Its polars type.
        dtype: String,
    },
    /// A column marked both as money and as a share.
    #[error("column {0:?} is marked both as money and as a share; it can only be one")]
    ConflictingRoles(String),
    /// A document that is not a single table, asked for as parquet.
    #[error(
        "a parquet file holds one table, but this report has {count} parts ({keys}); \
         use json or csv, or pick a single table"
    )]
    ParquetDocument {
        /// How many parts the document has.
        count: usize,
        /// Their keys, comma-separated.
        keys: String,
    },
    /// Two parts or fields of a JSON document would write the same key.
    #[error("the report has two parts or fields named {0:?}; JSON keys must be unique")]
    DuplicateKey(String),
}

/// True when the error, or any error in its chain, is a broken pipe: the
/// reader of stdout went away (`tvaers hotspots | head`), which a command
/// should treat as success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(is_broken_pipe_error)
}

fn is_broken_pipe_error(err: &(dyn StdError + 'static)) -> bool {
    if let Some(io_err) = err.downcast_ref::<io::Error>() {
        return io_err.kind() == io::ErrorKind::BrokenPipe;
    }
    // These two wrap an io::Error without exposing it as their source.
    if let Some(csv_err) = err.downcast_ref::<csv::Error>() {
        return matches!(csv_err.kind(), csv::ErrorKind::Io(e) if e.kind() == io::ErrorKind::BrokenPipe);
    }
    if let Some(json_err) = err.downcast_ref::<serde_json::Error>() {
        return json_err.io_error_kind() == Some(io::ErrorKind::BrokenPipe);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    fn broken_pipe() -> io::Error {
        io::Error::new(io::ErrorKind::BrokenPipe, "pipe closed")
    }

    #[test]
    fn finds_a_broken_pipe_anywhere_in_the_chain() {
        let direct = anyhow::Error::new(broken_pipe());
        assert!(is_broken_pipe(&direct));

        let wrapped: anyhow::Result<()> = Err(broken_pipe()).context("writing hotspots");
        let wrapped = wrapped.context("running hotspots").unwrap_err();
        assert!(is_broken_pipe(&wrapped));
    }

    #[test]
    fn finds_a_broken_pipe_inside_csv_and_json_errors() {
        let csv_err = anyhow::Error::new(csv::Error::from(broken_pipe()));
        assert!(is_broken_pipe(&csv_err));

        let json_err = anyhow::Error::new(serde_json::Error::io(broken_pipe()));
        assert!(is_broken_pipe(&json_err));
    }

    #[test]
    fn other_errors_are_not_broken_pipes() {
        let denied = anyhow::Error::new(io::Error::new(io::ErrorKind::PermissionDenied, "no"));
        assert!(!is_broken_pipe(&denied));
        assert!(!is_broken_pipe(&anyhow::anyhow!("broken pipe")));
        let typed = anyhow::Error::new(OutputError::UnknownFormat("xlsx".into()));
        assert!(!is_broken_pipe(&typed));
    }
}
