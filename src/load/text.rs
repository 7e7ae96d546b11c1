//! From bytes on disk to text fields: gzip, the byte-order mark, delimiter
//! sniffing and decoding. polars' CSV reader knows only UTF-8, so extracts in
//! Windows-1252 are decoded here, field by field, while the `csv` crate splits
//! the records; no second copy of the file is made. Text that is invalid for
//! the encoding is an error naming the file, the line and the likely encoding.

use super::progress::{Counting, Observer};
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

/// How the lines of a file end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// `\n` (also when the file has a single line).
    Lf,
    /// `\r\n` (Windows).
    CrLf,
    /// `\r` alone (classic Mac OS exports): read as if it were `\n`.
    Cr,
}

/// An opened CSV file: its text as bytes with `\n` line ends (CRLF's `\r`
/// is left to `strip_cr`), whether a UTF-8 byte-order mark was skipped, and
/// the file's own line ends.
pub struct Opened {
    /// The bytes after any byte-order mark.
    pub reader: Box<dyn BufRead + Send>,
    /// A UTF-8 byte-order mark was skipped.
    pub bom: bool,
    /// How the file's lines end.
    pub line_end: LineEnd,
}

/// Opens a CSV file, un-gzipping it when it starts with the gzip magic bytes.
/// UTF-16 and UTF-32 text (by byte-order mark, or by the NUL bytes every
/// ASCII character carries in them) is an error that says how to save the
/// file. A file whose lines end in `\r` alone is read as if they ended in
/// `\n`, so its records and line numbers come out right.
pub fn open(path: &Path) -> Result<Opened, LoadError> {
    open_observed(path, &Observer::none())
}

/// As [`open`], reporting the bytes read from the file to `observer`.
pub fn open_observed(path: &Path, observer: &Observer) -> Result<Opened, LoadError> {
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let counting = Counting {
        inner: File::open(path).map_err(io)?,
        observer: observer.clone(),
    };
    let mut file = BufReader::with_capacity(BUFFER, counting);
    let gzip = file.fill_buf().map_err(io)?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::bufread::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    };
    let head = reader.fill_buf().map_err(io)?;
    if let Some(encoding) = wide_encoding(head) {
        return Err(LoadError::WideEncoding {
            file: path.to_path_buf(),
            encoding,
        });
    }
    let bom = head.starts_with(UTF8_BOM);
    let line_end = line_end(head);
    if bom {
        reader.consume(UTF8_BOM.len());
    }
    if line_end == LineEnd::Cr {
        reader = Box::new(CrAsLf {
            inner: reader,
            buffer: Vec::new(),
            at: 0,
        });
    }
    Ok(Opened {
        reader,
        bom,
        line_end,
    })
}

/// The UTF-16 or UTF-32 variant `head` is written in, if it is one.
fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    const MARKS: [(&[u8], &str); 4] = [
        (b"\xFF\xFE\x00\x00", "UTF-32 (little-endian)"),
        (b"\x00\x00\xFE\xFF", "UTF-32 (big-endian)"),
        (b"\xFF\xFE", "UTF-16 (little-endian)"),
        (b"\xFE\xFF", "UTF-16 (big-endian)"),
    ];
    if let Some((_, name)) = MARKS.iter().find(|(mark, _)| head.starts_with(mark)) {
        return Some(name);
    }
    // Without a mark: ASCII text in these has a NUL in every other (or three
    // of every four) bytes, which no text in the supported encodings has; a
    // stray NUL in an 8-bit file is left to the reader and the messages.
    let start = &head[..head.len().min(64)];
    let nuls = start.iter().filter(|&&b| b == 0).count();
    if start.len() < 4 || nuls * 3 < start.len() {
        return None;
    }
    let nul = |i: usize| start[i] == 0;
    Some(match (nul(0), nul(1), nul(2)) {
        (false, true, true) => "UTF-32 (little-endian)",
        (true, true, _) => "UTF-32 (big-endian)",
        (false, true, _) => "UTF-16 (little-endian)",
        _ => "UTF-16 (big-endian)",
    })
}

/// How the first line of `head` ends.
fn line_end(head: &[u8]) -> LineEnd {
    match head.iter().position(|&b| b == b'\r' || b == b'\n') {
        Some(i) if head[i] == b'\r' => match head.get(i + 1) {
            Some(b'\n') => LineEnd::CrLf,
            _ => LineEnd::Cr,
        },
        _ => LineEnd::Lf,
    }
}

/// A reader that turns every `\r` into `\n`, for files with `\r` line ends.
struct CrAsLf {
    inner: Box<dyn BufRead + Send>,
    buffer: Vec<u8>,
    at: usize,
}

impl std::io::Read for CrAsLf {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for CrAsLf {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at == self.buffer.len() {
            let chunk = self.inner.fill_buf()?;
            self.buffer.clear();
            self.buffer
                .extend(chunk.iter().map(|&b| if b == b'\r' { b'\n' } else { b }));
            let n = chunk.len();
            self.inner.consume(n);
            self.at = 0;
        }
        Ok(&self.buffer[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at = (self.at + n).min(self.buffer.len());
    }
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
        let spans: Vec<(usize, usize)> = (0..record.len())
            .filter_map(|i| record.range(i).map(|r| (r.start, r.end)))
            .collect();
        self.decode_into(record.as_slice(), None, &spans, line, Vec::new())
    }

    /// A record's `text`, where the reader found its bytes valid UTF-8, if
    /// that is how it reads: ASCII reads the same in every supported
    /// encoding, and valid UTF-8 as itself once the file is known to be
    /// UTF-8. Most records are; any other is for `decode_into`.
    pub fn as_read<'r>(&self, text: Option<&'r str>) -> Option<&'r str> {
        text.filter(|text| self.state == State::Utf8 || text.is_ascii())
    }

    /// The fields of a record, each a span of `bytes` (which may hold the
    /// delimiters between them), as text in `spare`'s memory: a reader
    /// passes each record's fields, `recycle`d, to the next, so no record
    /// allocates. `text` is `bytes` as text, where the reader found them
    /// valid UTF-8 (none: to be checked here).
    pub fn decode_into<'r>(
        &mut self,
        bytes: &'r [u8],
        text: Option<&'r str>,
        spans: &[(usize, usize)],
        line: u64,
        spare: Vec<Cow<'_, str>>,
    ) -> Result<Vec<Cow<'r, str>>, LoadError> {
        let mut out = recycle(spare);
        let utf8 = text.or_else(|| std::str::from_utf8(bytes).ok());
        if let Some(whole) = self.as_read(utf8) {
            out.extend(fields(spans, whole));
            return Ok(out);
        }
        let record = || spans.iter().map(|&(start, end)| &bytes[start..end]);
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
            State::Utf8 | State::Undecided => {
                out.extend(fields(spans, utf8.unwrap_or_default()));
                Ok(out)
            }
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
                out.extend(
                    record().map(|f| encoding_rs::WINDOWS_1252.decode_without_bom_handling(f).0),
                );
                Ok(out)
            }
            State::Latin1 => {
                out.extend(record().map(|f| Cow::Owned(f.iter().map(|&b| char::from(b)).collect())));
                Ok(out)
            }
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

/// The fields at `spans` of a record whose bytes are the valid UTF-8 text
/// `whole`; validated once for the record, not per field.
fn fields<'a, 'r>(
    spans: &'a [(usize, usize)],
    whole: &'r str,
) -> impl Iterator<Item = Cow<'r, str>> + 'a
where
    'r: 'a,
{
    spans
        .iter()
        .map(move |&(start, end)| Cow::Borrowed(whole.get(start..end).unwrap_or_default()))
}

/// An empty vector in the memory of `fields`, for the fields of another
/// record (the in-place `collect` of an empty vector keeps its allocation).
pub fn recycle<'b>(mut fields: Vec<Cow<'_, str>>) -> Vec<Cow<'b, str>> {
    fields.clear();
    fields.into_iter().map(|_| Cow::Borrowed("")).collect()
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

/// Text from an input file made safe for a message on a terminal: control
/// characters (a NUL, an escape sequence, a stray `\r`) are written as
/// `\u{..}` escapes, everything else as it is.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    format!("\\u{{{:x}}}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The record as a CSV line again (for reject files), quoting where needed.
pub fn raw_line(fields: &[impl AsRef<str>], delimiter: u8) -> String {
    let delimiter = char::from(delimiter);
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        let field = field.as_ref();
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
    fn utf16_and_utf32_are_recognised_with_or_without_a_mark() {
        let utf16le: Vec<u8> = "citizen;date\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "citizen;date\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let utf32le: Vec<u8> = "citizen;date\n"
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        assert_eq!(wide_encoding(&utf16le), Some("UTF-16 (little-endian)"));
        assert_eq!(wide_encoding(&utf16be), Some("UTF-16 (big-endian)"));
        assert_eq!(wide_encoding(&utf32le), Some("UTF-32 (little-endian)"));
        assert_eq!(
            wide_encoding(&[b"\xFF\xFE".as_slice(), &utf16le].concat()),
            Some("UTF-16 (little-endian)")
        );
        assert_eq!(wide_encoding(b"\xEF\xBB\xBFcitizen;date\n"), None);
        assert_eq!(wide_encoding(b"citizen;date\n"), None);
        assert_eq!(wide_encoding(b""), None);
        assert_eq!(wide_encoding(b"citizen,da\0te\na1,2023-01-05\n"), None);
    }

    #[test]
    fn line_ends_are_told_from_the_first_line() {
        assert_eq!(line_end(b"a;b\r1;2\r"), LineEnd::Cr);
        assert_eq!(line_end(b"a;b\r\n1;2\r\n"), LineEnd::CrLf);
        assert_eq!(line_end(b"a;b\n1;2\n"), LineEnd::Lf);
        assert_eq!(line_end(b"a;b"), LineEnd::Lf);
    }

    #[test]
    fn control_characters_are_escaped_for_messages() {
        assert_eq!(printable("c\0i\0t"), "c\\u{0}i\\u{0}t");
        assert_eq!(printable("\u{1b}[31mBeløb"), "\\u{1b}[31mBeløb");
        assert_eq!(printable("Beløb"), "Beløb");
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
