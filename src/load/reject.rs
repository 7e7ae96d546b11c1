//! Rejected rows (SPEC §5): what was not accepted, where it was, and why, so
//! that an analyst can find and fix every one of them in the source system.

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

/// Writes rejects as RFC 4180 CSV with the header `source,file,line,reason,raw`.
pub fn write_rejects(rejects: &[Reject], out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["source", "file", "line", "reason", "raw"])?;
    for r in rejects {
        writer.write_record([
            r.source.as_str(),
            &r.file.to_string_lossy(),
            &r.line.to_string(),
            &r.reason,
            &r.raw,
        ])?;
    }
    writer.flush()?;
    Ok(())
}
