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
use std::path::Path;

/// A record's fields as text, however the reader holds them.
pub trait Fields {
    /// How many fields the record has.
    fn count(&self) -> usize;
    /// Field `i` (`i < count()`).
    fn field(&self, i: usize) -> &str;
}

impl<S: AsRef<str>> Fields for [S] {
    fn count(&self) -> usize {
        self.len()
    }

    fn field(&self, i: usize) -> &str {
        self[i].as_ref()
    }
}

/// The fields of a line read as text: spans of it, found by the reader.
/// Most records of an extract are these; a field is sliced only when
/// asked for, and the record's fields are never gathered.
pub struct Spans<'r> {
    /// The line, its delimiters included.
    pub text: &'r str,
    /// Where each field lies in `text`.
    pub spans: &'r [(usize, usize)],
}

impl Fields for Spans<'_> {
    fn count(&self) -> usize {
        self.spans.len()
    }

    fn field(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        let field = self.text.get(start..end).unwrap_or_default();
        // The `\r` of a CRLF line end is no part of the last field.
        match i + 1 == self.spans.len() {
            true => field.strip_suffix('\r').unwrap_or(field),
            false => field,
        }
    }
}

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
        fields: &(impl Fields + ?Sized),
        line: u64,
        counts: &mut FileCounts,
        rejects: &mut Vec<Reject>,
    ) -> Result<(), LoadError> {
        let (spec, path, header) = (self.spec, self.path, &self.header);
        counts.read += 1;
        let problem = if fields.count() != header.len() {
            Problem::Reject(format!(
                "expected {} fields, found {}",
                header.len(),
                fields.count()
            ))
        } else {
            match sink.push(&self.layout, fields) {
                Ok(()) => return flush_now(sink, spec),
                Err(p) => p,
            }
        };
        match problem {
            Problem::Reject(reason) => {
                let fields: Vec<&str> = (0..fields.count()).map(|i| fields.field(i)).collect();
                if let Some(i) = reject::cpr_field(&fields) {
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
                    raw: text::raw_line(&fields, self.delimiter),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_the_fields_a_gathered_record_has() {
        let text = "a1,2023-01-31,\"12,50\",x\r";
        let spans = [(0, 2), (3, 13), (15, 20), (22, 24)];
        let fields = Spans {
            text,
            spans: &spans,
        };
        let gathered = ["a1", "2023-01-31", "12,50", "x"];
        assert_eq!(fields.count(), gathered.count());
        for i in 0..gathered.len() {
            assert_eq!(fields.field(i), gathered[..].field(i));
        }
        // Only the last field loses a `\r`, and only one.
        let spans = [(0, 2), (3, 6)];
        let fields = Spans {
            text: "a\r,b\r\r",
            spans: &spans,
        };
        assert_eq!((fields.field(0), fields.field(1)), ("a\r", "b\r"));
    }
}
