//! One data record of a file read as text fields (a CSV line, a sheet row)
//! through the row rules: a record whose number of fields differs from the
//! header's is rejected, any other goes to the sink, and a rejected record is
//! kept with its line and raw text unless it holds a raw CPR number, which
//! stops the load. The CSV and the xlsx readers both hand every record here,
//! so their rules and counts cannot drift apart.

use super::rows::{Layout, Problem, RowSink};
use super::text;
use super::{flush_now, layout, reject, FileCounts, LoadError, Reject};
use crate::config::SourceSpec;
use std::borrow::Cow;
use std::path::Path;

/// What every record of one file shares.
pub(super) struct File<'a> {
    /// The source.
    pub spec: &'a SourceSpec,
    /// The file.
    pub path: &'a Path,
    /// The header's column names, cleaned.
    pub header: Vec<String>,
    /// Where the fields are.
    pub layout: Layout,
    /// The delimiter a rejected record's raw text is written with.
    pub delimiter: u8,
}

impl<'a> File<'a> {
    /// A file of `spec` whose cleaned header is `header`: where each field
    /// of the sink's kind is, or the error naming what is missing.
    pub fn new(
        spec: &'a SourceSpec,
        path: &'a Path,
        header: Vec<String>,
        sink: &RowSink<'_>,
        delimiter: u8,
    ) -> Result<File<'a>, LoadError> {
        let layout = layout(
            spec,
            sink.fields(),
            &header,
            path,
            &spec.csv.date_format,
            spec.csv.decimal,
        )?;
        Ok(File {
            spec,
            path,
            header,
            layout,
            delimiter,
        })
    }

    /// Counts one record read at `line` and accepts or rejects it.
    pub fn record(
        &self,
        sink: &mut RowSink<'_>,
        fields: &[Cow<'_, str>],
        line: u64,
        counts: &mut FileCounts,
        rejects: &mut Vec<Reject>,
    ) -> Result<(), LoadError> {
        let (spec, path, header) = (self.spec, self.path, &self.header);
        counts.read += 1;
        let problem = if fields.len() != header.len() {
            Problem::Reject(format!(
                "expected {} fields, found {}",
                header.len(),
                fields.len()
            ))
        } else {
            match sink.push(&self.layout, fields) {
                Ok(()) => return flush_now(sink, spec),
                Err(p) => p,
            }
        };
        match problem {
            Problem::Reject(reason) => {
                if let Some(i) = reject::cpr_field(fields) {
                    return Err(LoadError::CprInRejectedRow {
                        source_name: spec.name.clone(),
                        file: path.to_path_buf(),
                        line,
                        column: reject::describe_column(header, i),
                    });
                }
                counts.rejected += 1;
                rejects.push(Reject {
                    source: spec.name.clone(),
                    file: path.to_path_buf(),
                    line,
                    reason,
                    raw: text::raw_line(fields, self.delimiter),
                });
                Ok(())
            }
            Problem::Cpr(field) => Err(LoadError::Cpr {
                source_name: spec.name.clone(),
                file: path.to_path_buf(),
                line,
                field,
            }),
        }
    }
}
