//! `pseudonymise` (SPEC §4): replace chosen columns of a CSV with keyed
//! pseudonyms, streaming any size, keeping the file's delimiter, line ends
//! and encoding (or writing UTF-8 on request). CPR numbers are normalised
//! first (no dash, ten digits, upper-case eCPR letters), so `010190-1234`,
//! `0101901234` and `101901234` get the same pseudonym in every department
//! that holds the key. Values that are not CPR numbers are still keyed, but
//! counted and reported, never passed silently. A record whose fields do not
//! line up with the header, or a CPR number in a column not being keyed,
//! stops the run: either would leave a CPR number in the output.

use crate::config::{Delimiter, Encoding};
use crate::cpr::{canonical, contains_cpr, looks_like_cpr};
use crate::load::csv_records::Records;
use crate::load::text::{self, Decoder, LineEnd};
use crate::load::value::clean;
use crate::pseudonym::Key;
use anyhow::{bail, Context, Result};
use std::borrow::Cow;
use std::io::{BufRead, Write};
use std::path::Path;

/// What to pseudonymise.
#[derive(Debug, Clone)]
pub struct PseudonymiseRequest {
    /// Column names to replace.
    pub columns: Vec<String>,
    /// Input delimiter (`Auto` sniffs it).
    pub delimiter: Delimiter,
    /// Input encoding (`Auto`: UTF-8, else Windows-1252).
    pub encoding: Encoding,
    /// Write UTF-8 whatever the input's encoding.
    pub to_utf8: bool,
}

/// What was done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PseudonymiseSummary {
    /// Data rows written.
    pub rows: u64,
    /// Values replaced by pseudonyms.
    pub pseudonymised: u64,
    /// Of those, values that do not look like CPR numbers.
    pub not_cpr: u64,
    /// Lines of the first few of them.
    pub not_cpr_lines: Vec<u64>,
    /// Empty values, left empty.
    pub empty: u64,
}

/// The canonical form of a CPR number (see `cpr::canonical`), or the value itself.
pub fn normalise_id(value: &str) -> String {
    canonical(value).unwrap_or_else(|| value.to_string())
}

/// Streams `input` to `out`, replacing the requested columns.
pub fn pseudonymise(
    input: &Path,
    key: &Key,
    request: &PseudonymiseRequest,
    out: &mut dyn Write,
) -> Result<PseudonymiseSummary> {
    let text::Opened {
        mut reader,
        bom,
        line_end,
    } = text::open(input)?;
    let head = reader
        .fill_buf()
        .with_context(|| format!("cannot read {}", input.display()))?;
    let delimiter = match request.delimiter {
        Delimiter::Byte(b) => b,
        Delimiter::Auto => text::sniff_delimiter(head),
    };
    let mut decoder = Decoder::new(input, request.encoding, bom)?;
    let mut records = Records::new(reader, delimiter);
    if bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(match line_end {
            LineEnd::CrLf => csv::Terminator::CRLF,
            LineEnd::Cr => csv::Terminator::Any(b'\r'),
            LineEnd::Lf => csv::Terminator::Any(b'\n'),
        })
        .flexible(true)
        .from_writer(out);

    let csv_error = |e: csv::Error| anyhow::anyhow!("{}: {e}", input.display());
    let mut summary = PseudonymiseSummary::default();
    let encode = Encoder {
        to_utf8: request.to_utf8,
    };
    // The header's names and the columns to pseudonymise, once it is read.
    let mut columns: Option<(Vec<String>, Vec<usize>)> = None;
    records.for_each(csv_error, |record| {
        let line = record.line;
        let mut fields = text::strip_cr(decoder.decode_into(
            record.bytes,
            record.text,
            record.spans,
            line,
            Vec::new(),
        )?);
        let Some((names, targets)) = &columns else {
            let names: Vec<String> = fields.iter().map(|h| clean(h).to_string()).collect();
            // The header is written as it is: a row in its place would
            // carry its CPR numbers through.
            if let Some(i) = names.iter().position(|n| holds_cpr(n)) {
                bail!(
                    "{} line {line}: column {} holds what looks like a CPR number where the column names should be; is the header line missing?",
                    input.display(),
                    i + 1
                );
            }
            let targets = target_columns(input, &names, &request.columns)?;
            encode.write(&mut writer, &fields, decoder.encoding())?;
            columns = Some((names, targets));
            return Ok(());
        };
        if fields.len() != names.len() {
            // An unquoted delimiter shifts every later column: the wrong
            // value would be keyed and a CPR number left in the output.
            bail!(
                "{} line {line}: expected {} fields as in the header, found {}; a field holding the delimiter must be quoted",
                input.display(),
                names.len(),
                fields.len()
            );
        }
        if let Some(i) = (0..fields.len()).find(|i| !targets.contains(i) && holds_cpr(&fields[*i]))
        {
            bail!(
                "{} line {line}: {} holds what looks like a CPR number but is not being pseudonymised; name every column that holds CPR numbers with --columns",
                input.display(),
                crate::load::describe_column(names, i)
            );
        }
        for &i in targets {
            let Some(field) = fields.get_mut(i) else {
                continue;
            };
            let value = clean(field);
            if value.is_empty() {
                summary.empty += 1;
                continue;
            }
            if !looks_like_cpr(value) {
                summary.not_cpr += 1;
                if summary.not_cpr_lines.len() < 5 {
                    summary.not_cpr_lines.push(line);
                }
            }
            *field = Cow::Owned(key.pseudonym(&normalise_id(value)));
            summary.pseudonymised += 1;
        }
        encode.write(&mut writer, &fields, decoder.encoding())?;
        summary.rows += 1;
        Ok(())
    })?;
    if columns.is_none() {
        bail!(
            "{} is empty: expected a header line with the column names",
            input.display()
        );
    }
    writer.flush()?;
    Ok(summary)
}

/// Where each of `wanted` is among the header's `names`.
fn target_columns(input: &Path, names: &[String], wanted: &[String]) -> Result<Vec<usize>> {
    wanted
        .iter()
        .map(|column| match names.iter().position(|n| n == column) {
            Some(i) => Ok(i),
            None => bail!(
                "{} has no column {column:?}; its columns are: {}",
                input.display(),
                crate::load::list_columns(names)
            ),
        })
        .collect()
}

/// Whether a field holds a CPR number, whole or in its text.
fn holds_cpr(field: &str) -> bool {
    let value = clean(field);
    looks_like_cpr(value) || contains_cpr(value)
}

/// Writes records back in the input's encoding (or UTF-8).
struct Encoder {
    to_utf8: bool,
}

impl Encoder {
    fn write<W: Write>(
        &self,
        writer: &mut csv::Writer<W>,
        fields: &[Cow<'_, str>],
        encoding: Encoding,
    ) -> Result<()> {
        match (self.to_utf8, encoding) {
            (false, Encoding::Windows1252) => {
                let encoded: Vec<Cow<'_, [u8]>> = fields
                    .iter()
                    .map(|f| encoding_rs::WINDOWS_1252.encode(f).0)
                    .collect();
                writer.write_record(encoded.iter().map(|f| f.as_ref()))?;
            }
            (false, Encoding::Latin1) => {
                let encoded: Vec<Vec<u8>> = fields
                    .iter()
                    .map(|f| {
                        f.chars()
                            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                            .collect()
                    })
                    .collect();
                writer.write_record(&encoded)?;
            }
            _ => writer.write_record(fields.iter().map(|f| f.as_bytes()))?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpr_forms_normalise_to_one_id() {
        assert_eq!(normalise_id("010190-1234"), "0101901234");
        assert_eq!(normalise_id("101901234"), "0101901234");
        assert_eq!(normalise_id("010190-1ab2"), "0101901AB2");
        assert_eq!(normalise_id("F0000123"), "F0000123");
        assert_eq!(normalise_id("010190\u{2013}1234"), "0101901234");
        assert_eq!(normalise_id("101901234.0"), "0101901234");
    }

    fn run(input: &[u8], request: &PseudonymiseRequest) -> (Vec<u8>, PseudonymiseSummary) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, input).unwrap();
        let mut out = Vec::new();
        let summary = pseudonymise(&path, &Key::from_bytes(&[1u8; 32]), request, &mut out).unwrap();
        (out, summary)
    }

    fn request(columns: &[&str]) -> PseudonymiseRequest {
        PseudonymiseRequest {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            delimiter: Delimiter::Auto,
            encoding: Encoding::Auto,
            to_utf8: false,
        }
    }

    #[test]
    fn keeps_delimiter_crlf_and_windows_1252() {
        let key = Key::from_bytes(&[1u8; 32]);
        let input =
            b"BorgerID;Bel\xF8b\r\n010190-1234;1.234,50\r\n101901234;\xE6\r\n;3\r\nX9;4\r\n";
        let (out, summary) = run(input, &request(&["BorgerID"]));
        let p = key.pseudonym("0101901234");
        let expected = format!(
            "BorgerID;Bel\u{f8}b\r\n{p};1.234,50\r\n{p};\u{e6}\r\n;3\r\n{};4\r\n",
            key.pseudonym("X9")
        );
        let (expected, _, _) = encoding_rs::WINDOWS_1252.encode(&expected);
        assert_eq!(out, expected.as_ref());
        assert_eq!(
            summary,
            PseudonymiseSummary {
                rows: 4,
                pseudonymised: 3,
                not_cpr: 1,
                not_cpr_lines: vec![5],
                empty: 1
            }
        );
    }

    fn run_error(input: &[u8], request: &PseudonymiseRequest) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, input).unwrap();
        let err = pseudonymise(
            &path,
            &Key::from_bytes(&[1u8; 32]),
            request,
            &mut Vec::new(),
        )
        .unwrap_err();
        format!("{err:#}").replace(&dir.path().display().to_string(), "DIR")
    }

    #[test]
    fn unquoted_delimiter_shifting_the_cpr_is_an_error_naming_the_line() {
        let err = run_error(
            b"navn,cpr,belob\nHansen,0101901234,10\nHansen, Jens,0101901234,10\n",
            &request(&["cpr"]),
        );
        assert_eq!(
            err,
            "DIR/in.csv line 3: expected 3 fields as in the header, found 4; a field holding the delimiter must be quoted"
        );
    }

    #[test]
    fn cpr_in_a_column_not_keyed_refuses_the_run() {
        let err = run_error(
            b"id;note\n0101901234;ok\n0202901234;ring 010190 1234\n",
            &request(&["id"]),
        );
        assert_eq!(
            err,
            "DIR/in.csv line 3: column 2 (\"note\") holds what looks like a CPR number but is not being pseudonymised; name every column that holds CPR numbers with --columns"
        );
        assert!(!err.contains("1234"));
    }

    #[test]
    fn cr_only_line_ends_are_read_and_kept() {
        let key = Key::from_bytes(&[1u8; 32]);
        let (out, summary) = run(b"id,n\r0101901234,1\r0202901234,2\r", &request(&["id"]));
        let expected = format!(
            "id,n\r{},1\r{},2\r",
            key.pseudonym("0101901234"),
            key.pseudonym("0202901234")
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        assert_eq!(summary.rows, 2);
    }

    #[test]
    fn converts_to_utf8_on_request() {
        let mut req = request(&["id"]);
        req.to_utf8 = true;
        let (out, _) = run(b"id,navn\n0101901234,S\xF8ren\n", &req);
        assert!(String::from_utf8(out).unwrap().ends_with(",Søren\n"));
    }

    #[test]
    fn a_file_without_its_header_line_is_refused_without_its_cpr_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, "0101901234,2023-01-31\n0202902345,2023-02-28\n").unwrap();
        let key = Key::from_bytes(&[1u8; 32]);
        for columns in [&["BorgerID"], &["0101901234"]] {
            let mut out = Vec::new();
            let err = pseudonymise(&path, &key, &request(columns), &mut out).unwrap_err();
            let err = err.to_string();
            assert!(err.contains("line 1: column 1 holds what looks like a CPR number where the column names should be"), "{err}");
            assert!(!err.contains("0101901234"), "{err}");
            assert!(out.is_empty());
        }
    }

    #[test]
    fn missing_column_lists_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let err = pseudonymise(
            &path,
            &Key::from_bytes(&[1u8; 32]),
            &request(&["cpr"]),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("has no column \"cpr\"; its columns are: a, b"),
            "{err}"
        );
    }
}
