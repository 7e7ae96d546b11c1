//! Reading one CSV file of a source, record by record, with exact line
//! numbers: `csv_records` splits records as the `csv` crate does (quotes,
//! embedded delimiters and newlines, CRLF) and reports where each starts,
//! which polars' parallel CSV reader cannot. Ragged rows are rejects, never padded with nulls.

use super::csv_records::Records;
use super::progress::{Observer, ROW_BATCH};
use super::record::File;
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
    let Some(first) = reader.read().map_err(csv_error)? else {
        return Err(LoadError::NoHeader {
            file: path.to_path_buf(),
        });
    };
    let header: Vec<String> =
        text::strip_cr(decoder.decode_into(first.bytes, first.spans, 1, Vec::new())?)
            .iter()
            .map(|name| super::value::clean(name).to_string())
            .collect();
    let file = File::new(spec, path, header, sink, delimiter)?;
    let mut counts = FileCounts::default();
    let mut spare = Vec::new();
    while let Some(record) = reader.read().map_err(csv_error)? {
        let line = record.line;
        let fields =
            text::strip_cr(decoder.decode_into(record.bytes, record.spans, line, spare)?);
        file.record(sink, &fields, line, &mut counts, rejects)?;
        spare = text::recycle(fields);
        if counts.read % ROW_BATCH == 0 {
            observer.rows(ROW_BATCH);
        }
    }
    observer.rows(counts.read % ROW_BATCH);
    Ok(counts)
}
