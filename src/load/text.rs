//! From bytes on disk to text fields: gzip, the byte-order mark, delimiter
//! sniffing and decoding. polars' CSV reader knows only UTF-8, so extracts in
//! Windows-1252 are decoded here, field by field, while the `csv` crate splits
//! the records; no second copy of the file is made. Text that is invalid for
//! the encoding is an error naming the file, the line and the likely encoding.

use super::LoadError;
use crate::config::Encoding;
use csv::ByteRecord;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

const BUFFER: usize = 1 << 18;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes that Windows-1252 leaves undefined.
const CP1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Opens a CSV file, un-gzipping it when it starts with the gzip magic bytes.
/// Returns the reader and whether a UTF-8 byte-order mark was skipped.
pub fn open(path: &Path) -> Result<(Box<dyn BufRead + Send>, bool), LoadError> {
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::with_capacity(BUFFER, File::open(path).map_err(io)?);
    let gzip = file.fill_buf().map_err(io)?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::bufread::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    };
    let bom = reader.fill_buf().map_err(io)?.starts_with(UTF8_BOM);
    if bom {
        reader.consume(UTF8_BOM.len());
    }
    Ok((reader, bom))
}

/// Picks the delimiter from the header line: whichever of `;`, `,`, tab and `|`
/// occurs most often outside quotes (`,` when none does).
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    // The first listed wins ties, so `;` (Danish exports) beats `,`.
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// Decodes records of one file, deciding the encoding as it goes when it is `auto`.
pub struct Decoder {
    file: PathBuf,
    declared: Encoding,
    state: State,
    /// First line with non-ASCII text, and how it decoded.
    first_non_ascii: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Undecided,
    Utf8,
    Windows1252,
    Latin1,
}

impl Decoder {
    /// A decoder for `file`; `bom` says a UTF-8 byte-order mark was seen.
    pub fn new(file: &Path, declared: Encoding, bom: bool) -> Result<Decoder, LoadError> {
        let state = match (declared, bom) {
            (Encoding::Windows1252 | Encoding::Latin1, true) => {
                return Err(LoadError::Encoding {
                    file: file.to_path_buf(),
                    line: 1,
                    message: format!(
                        "the file starts with a UTF-8 byte-order mark but the source says encoding = {:?}; set encoding = \"utf-8\" (or \"auto\")",
                        declared.as_str()
                    ),
                })
            }
            (Encoding::Auto, true) | (Encoding::Utf8, _) => State::Utf8,
            (Encoding::Auto, false) => State::Undecided,
            (Encoding::Windows1252, false) => State::Windows1252,
            (Encoding::Latin1, false) => State::Latin1,
        };
        Ok(Decoder {
            file: file.to_path_buf(),
            declared,
            state,
            first_non_ascii: None,
        })
    }

    /// The record's fields as text.
    pub fn decode<'r>(
        &mut self,
        record: &'r ByteRecord,
        line: u64,
    ) -> Result<Vec<Cow<'r, str>>, LoadError> {
        let bytes = record.as_slice();
        let utf8 = std::str::from_utf8(bytes).ok();
        if let Some(whole) = utf8.filter(|w| w.is_ascii()) {
            // ASCII reads the same in every supported encoding.
            return Ok(fields(record, whole));
        }
        let valid_utf8 = utf8.is_some();
        if self.state == State::Undecided {
            self.state = if valid_utf8 {
                State::Utf8
            } else {
                State::Windows1252
            };
        }
        let earlier = *self.first_non_ascii.get_or_insert(line);
        match self.state {
            State::Utf8 if !valid_utf8 => Err(self.error(
                line,
                if self.declared == Encoding::Auto && earlier < line {
                    format!(
                        "is not valid UTF-8, although line {earlier} was: the file mixes encodings; re-export it in one encoding"
                    )
                } else {
                    format!(
                        "is not valid UTF-8 (byte 0x{:02X}); the file looks like Windows-1252: set encoding = \"windows-1252\"",
                        first_invalid_utf8_byte(bytes)
                    )
                },
            )),
            State::Utf8 | State::Undecided => Ok(fields(record, utf8.unwrap_or_default())),
            State::Windows1252 | State::Latin1 if valid_utf8 => Err(self.error(
                line,
                format!(
                    "is valid UTF-8 text (e.g. 'æ' would read as 'Ã¦') but the file was read as {}; the file looks like UTF-8: set encoding = \"utf-8\"",
                    if self.state == State::Latin1 { "ISO-8859-1" } else { "Windows-1252" }
                ),
            )),
            State::Windows1252 => {
                if let Some(&b) = bytes.iter().find(|b| CP1252_UNDEFINED.contains(b)) {
                    return Err(self.error(
                        line,
                        format!(
                            "has byte 0x{b:02X}, which is no character in Windows-1252; the file may be ISO-8859-1 (set encoding = \"iso-8859-1\") or damaged"
                        ),
                    ));
                }
                Ok(record
                    .iter()
                    .map(|f| encoding_rs::WINDOWS_1252.decode_without_bom_handling(f).0)
                    .collect())
            }
            State::Latin1 => Ok(record
                .iter()
                .map(|f| Cow::Owned(f.iter().map(|&b| char::from(b)).collect()))
                .collect()),
        }
    }

    /// The encoding decided so far (`Auto` while every line has been ASCII).
    pub fn encoding(&self) -> Encoding {
        match self.state {
            State::Undecided => Encoding::Auto,
            State::Utf8 => Encoding::Utf8,
            State::Windows1252 => Encoding::Windows1252,
            State::Latin1 => Encoding::Latin1,
        }
    }

    fn error(&self, line: u64, message: String) -> LoadError {
        LoadError::Encoding {
            file: self.file.clone(),
            line,
            message,
        }
    }
}

fn first_invalid_utf8_byte(bytes: &[u8]) -> u8 {
    match std::str::from_utf8(bytes) {
        Err(e) => bytes.get(e.valid_up_to()).copied().unwrap_or(0),
        Ok(_) => 0,
    }
}

/// The fields of a record whose bytes, all fields joined, are the valid
/// UTF-8 text `whole`; validated once for the record, not per field.
fn fields<'r>(record: &ByteRecord, whole: &'r str) -> Vec<Cow<'r, str>> {
    (0..record.len())
        .map(|i| {
            Cow::Borrowed(
                record
                    .range(i)
                    .and_then(|r| whole.get(r))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// Drops the `\r` of a CRLF line end from the last field.
pub fn strip_cr(mut fields: Vec<Cow<'_, str>>) -> Vec<Cow<'_, str>> {
    if let Some(last) = fields.last_mut() {
        if last.ends_with('\r') {
            match last {
                Cow::Borrowed(s) => *s = &s[..s.len() - 1],
                Cow::Owned(s) => {
                    s.pop();
                }
            }
        }
    }
    fields
}

/// The record as a CSV line again (for reject files), quoting where needed.
pub fn raw_line(fields: &[Cow<'_, str>], delimiter: u8) -> String {
    let delimiter = char::from(delimiter);
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        if field.contains([delimiter, '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&[u8]]) -> ByteRecord {
        ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn sniffs_the_most_common_delimiter_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"a|b|c"), b'|');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn auto_reads_windows_1252_when_not_utf8() {
        let mut d = Decoder::new(Path::new("f.csv"), Encoding::Auto, false).unwrap();
        let r = record(&[b"Bogf\xF8ringsdato", b"x"]);
        assert_eq!(d.decode(&r, 1).unwrap()[0], "Bogføringsdato");
    }

    #[test]
    fn auto_reads_utf8() {
        let mut d = Decoder::new(Path::new("f.csv"), Encoding::Auto, false).unwrap();
        let r = record(&["Bogføringsdato".as_bytes()]);
        assert_eq!(d.decode(&r, 1).unwrap()[0], "Bogføringsdato");
        let bad = record(&[b"Bel\xF8b"]);
        let err = d.decode(&bad, 7).unwrap_err().to_string();
        assert!(
            err.contains("line 7") && err.contains("mixes encodings"),
            "{err}"
        );
    }

    #[test]
    fn declared_utf8_suggests_windows_1252() {
        let mut d = Decoder::new(Path::new("f.csv"), Encoding::Utf8, false).unwrap();
        let err = d
            .decode(&record(&[b"Bel\xF8b"]), 3)
            .unwrap_err()
            .to_string();
        assert!(err.contains("f.csv line 3"), "{err}");
        assert!(err.contains("encoding = \"windows-1252\""), "{err}");
    }

    #[test]
    fn declared_windows_1252_on_utf8_text_suggests_utf8() {
        let mut d = Decoder::new(Path::new("f.csv"), Encoding::Windows1252, false).unwrap();
        let err = d
            .decode(&record(&["Beløb".as_bytes()]), 2)
            .unwrap_err()
            .to_string();
        assert!(err.contains("encoding = \"utf-8\""), "{err}");
    }

    #[test]
    fn latin1_maps_bytes_to_code_points() {
        let mut d = Decoder::new(Path::new("f.csv"), Encoding::Latin1, false).unwrap();
        assert_eq!(d.decode(&record(&[b"\xE6\xF8\xE5"]), 2).unwrap()[0], "æøå");
    }

    #[test]
    fn raw_line_quotes_what_needs_it() {
        let fields = vec![
            Cow::from("a;b"),
            Cow::from("say \"hi\""),
            Cow::from("plain"),
        ];
        assert_eq!(raw_line(&fields, b';'), "\"a;b\";\"say \"\"hi\"\"\";plain");
    }
}
