//! Reading one CSV file of a source, record by record, with exact line
//! numbers: `csv_records` splits records as the `csv` crate does (quotes,
//! embedded delimiters and newlines, CRLF) and reports where each starts,
//! which polars' parallel CSV reader cannot. Ragged rows are rejects, never padded with nulls.

use super::csv_records::Records;
use super::progress::{Observer, ROW_BATCH};
use super::record::{File, Spans};
use super::rows::RowSink;
use super::text::{self, Decoder};
use super::{FileCounts, LoadError, Reject};
use crate::config::{Delimiter, SourceSpec};
use std::io::BufRead;
use std::path::Path;

/// Appends the file's accepted rows to `sink` and its rejects to `rejects`,
/// reporting bytes and rows read to `observer` as it goes.
pub fn read(
    path: &Path,
    spec: &SourceSpec,
    sink: &mut RowSink<'_>,
    rejects: &mut Vec<Reject>,
    observer: &Observer,
) -> Result<FileCounts, LoadError> {
    let text::Opened {
        reader: mut input,
        bom,
        ..
    } = text::open_observed(path, observer)?;
    let delimiter = match spec.csv.delimiter {
        Delimiter::Byte(b) => b,
        Delimiter::Auto => {
            text::sniff_delimiter(input.fill_buf().map_err(|source| LoadError::Io {
                file: path.to_path_buf(),
                source,
            })?)
        }
    };
    let mut decoder = Decoder::new(path, spec.csv.encoding, bom)?;
    let mut reader = Records::new(input, delimiter);

    let csv_error = |e: csv::Error| LoadError::Csv {
        file: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    // The first record names the columns; each after it is a row.
    let mut file: Option<File> = None;
    let mut counts = FileCounts::default();
    let mut spare = Vec::new();
    reader.for_each(csv_error, |record| {
        let line = record.line;
        if let (Some(file), Some(text)) = (&file, decoder.as_read(record.text)) {
            let fields = Spans {
                text,
                spans: record.spans,
            };
            file.record(sink, &fields, line, &mut counts, rejects)?;
            if counts.read % ROW_BATCH == 0 {
                observer.rows(ROW_BATCH);
            }
            return Ok(());
        }
        let fields = text::strip_cr(decoder.decode_into(
            record.bytes,
            record.text,
            record.spans,
            line,
            std::mem::take(&mut spare),
        )?);
        let Some(file) = &file else {
            let header = fields
                .iter()
                .map(|name| super::value::clean(name).to_string())
                .collect();
            file = Some(File::new(spec, path, header, sink, delimiter)?);
            return Ok(());
        };
        file.record(sink, &fields[..], line, &mut counts, rejects)?;
        spare = text::recycle(fields);
        if counts.read % ROW_BATCH == 0 {
            observer.rows(ROW_BATCH);
        }
        Ok(())
    })?;
    if file.is_none() {
        return Err(LoadError::NoHeader {
            file: path.to_path_buf(),
        });
    }
    observer.rows(counts.read % ROW_BATCH);
    Ok(counts)
}
