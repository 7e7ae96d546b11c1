//! CSV records and the line each starts on, as the `csv` crate reads them
//! (`flexible`, no header, `\n` ending a record), only faster. Its state
//! machine (`csv_core`) looks at every byte; most lines of an extract are
//! one record whose fields lie between its delimiters, some quoted whole,
//! which `memchr` finds many bytes at a time. Any other line (a doubled
//! quote, a line end inside quotes, text after a closing quote) and one that
//! runs past the end of the read buffer goes through `csv_core` as before.
//! The tests check that both give the same records with the same lines on
//! every input.
//! Lines split in place come with their text where the block of lines they
//! were checked in was valid UTF-8, so the decoder need not check each one.

use csv_core::ReadRecordResult;
use std::io::BufRead;

/// One record: its fields, each a span of `bytes`, and the line the reader
/// was on when it began (as `csv::Reader::read_byte_record` gives it: a
/// record after blank lines has the line of the first blank one).
pub struct Record<'r> {
    /// The record's bytes: a line with its delimiters, or the fields of a
    /// quoted record unquoted and joined.
    pub bytes: &'r [u8],
    /// `bytes` as text, where they were found valid UTF-8 with the lines
    /// read beside them (none: not checked, or not valid).
    pub text: Option<&'r str>,
    /// Where each field lies in `bytes`.
    pub spans: &'r [(usize, usize)],
    /// The line.
    pub line: u64,
}

/// Reads the records of `input`, split at `delimiter`.
pub struct Records<R> {
    input: R,
    delimiter: u8,
    core: csv_core::Reader,
    /// The line the next byte of input is on.
    line: u64,
    spans: Vec<(usize, usize)>,
    /// The record being read by `core`: its bytes and where each field ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl<R: BufRead> Records<R> {
    /// A reader of `input` from its first line.
    pub fn new(input: R, delimiter: u8) -> Records<R> {
        // Records end at `\n` only: with CRLF as terminator `csv_core` counts
        // a record's line before consuming its `\n`, one too few. The `\r`
        // left at the end of the last field is stripped when decoding.
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        Records {
            input,
            delimiter,
            core,
            line: 1,
            spans: Vec::new(),
            fields: vec![0; 1024],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// Hands every record, in order, to `f`, until the end of the input or
    /// the first error (`f`'s, or one of reading, as `csv_error` makes it).
    /// Lines split in place are checked as UTF-8 a block of them at a time
    /// (`lines_as_text`), not one by one (`Record::text`).
    pub fn for_each<E>(
        &mut self,
        csv_error: impl Fn(csv::Error) -> E,
        mut f: impl FnMut(Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        // A delimiter that is a quote or a line end leaves every line to `csv_core`.
        let split = self.delimiter != b'"' && self.delimiter != b'\n';
        // The line the next record begins on: blank lines before it count.
        let mut line = self.line;
        while !self.done {
            if split {
                let Records {
                    input,
                    delimiter,
                    line: next,
                    spans,
                    ..
                } = self;
                let buffer = input
                    .fill_buf()
                    .map_err(|e| csv_error(csv::Error::from(e)))?;
                // Text checked as UTF-8 and where in `buffer` it starts; how
                // much to check next, doubled while lines keep coming here.
                let mut checked: (usize, &str) = (0, "");
                let mut block = FIRST_CHECKED / 2;
                let mut at = 0;
                while let Some(end) = split_line(&buffer[at..], *delimiter, spans) {
                    *next += 1;
                    // A blank line is no record.
                    if end > 0 {
                        if at + end > checked.0 + checked.1.len() {
                            block = (block * 2).min(CHECKED);
                            checked = (at, lines_as_text(&buffer[at..], end, block));
                        }
                        let from = at - checked.0;
                        f(Record {
                            bytes: &buffer[at..at + end],
                            text: checked.1.get(from..from + end),
                            spans,
                            line,
                        })?;
                        line = *next;
                    }
                    at += end + 1;
                }
                input.consume(at);
                if at > 0 {
                    continue;
                }
            }
            if let Some(record) = self.read_by_core(line).map_err(&csv_error)? {
                f(record)?;
            }
            line = self.line;
        }
        Ok(())
    }

    /// The next record through `csv_core`, which reads any.
    fn read_by_core(&mut self, line: u64) -> Result<Option<Record<'_>>, csv::Error> {
        self.core.set_line(self.line);
        let (mut out, mut ends) = (0, 0);
        loop {
            let input = self.input.fill_buf()?;
            let (result, read, written, ended) =
                self.core
                    .read_record(input, &mut self.fields[out..], &mut self.ends[ends..]);
            self.input.consume(read);
            self.line = self.core.line();
            out += written;
            ends += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.fields.resize(self.fields.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.spans.clear();
                    let mut start = 0;
                    for &end in &self.ends[..ends] {
                        self.spans.push((start, end));
                        start = end;
                    }
                    return Ok(Some(Record {
                        bytes: &self.fields[..out],
                        text: None,
                        spans: &self.spans,
                        line,
                    }));
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

/// Bytes checked as UTF-8 at once, at most, where a line at a time would
/// call the check more often than it reads a byte.
const CHECKED: usize = 8 << 10;
/// Bytes checked at once after a record that `csv_core` read, doubling up
/// to `CHECKED` while split lines follow: where such records and split
/// lines alternate, a whole block would be checked again for each line.
const FIRST_CHECKED: usize = 256;

/// As much of the lines at the start of `bytes` as is valid UTF-8: at least
/// the first `end` bytes (a line), if valid, and the whole lines after it
/// within `block` bytes.
fn lines_as_text(bytes: &[u8], end: usize, block: usize) -> &str {
    let stop = match end < block {
        true => {
            memchr::memrchr(b'\n', &bytes[..block.min(bytes.len())]).map_or(end, |n| n.max(end))
        }
        false => end,
    };
    match std::str::from_utf8(&bytes[..stop]) {
        Ok(text) => text,
        // What comes before the first byte that is not UTF-8.
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Splits the line at the start of `buffer` into `spans` and gives where it
/// ends (its `\n`), if `csv_core` would read it as one record of the
/// fields found: each field text without a quote, or wholly quoted (no
/// quote or line end inside) and followed by the delimiter or the line end.
/// Anything else (a doubled quote, a quoted line end, text after a closing
/// quote, a line not whole in `buffer`) gives none.
fn split_line(buffer: &[u8], delimiter: u8, spans: &mut Vec<(usize, usize)>) -> Option<usize> {
    spans.clear();
    let mut start = 0;
    loop {
        let at = if buffer.get(start) == Some(&b'"') {
            let close = start + 1 + memchr::memchr2(b'"', b'\n', &buffer[start + 1..])?;
            if buffer[close] != b'"' {
                return None;
            }
            spans.push((start + 1, close));
            close + 1
        } else {
            let at = start + memchr::memchr3(delimiter, b'\n', b'"', &buffer[start..])?;
            spans.push((start, at));
            at
        };
        match buffer.get(at) {
            Some(&b'\n') => return Some(at),
            Some(&byte) if byte == delimiter => start = at + 1,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv::ByteRecord;
    use std::io::BufReader;

    /// Every record with its line, from the `csv` crate as the loader used it.
    fn by_csv(input: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let mut record = ByteRecord::new();
        let mut all = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let line = record.position().unwrap().line();
            all.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        all
    }

    /// Every record with its line, from `Records` over a buffer of `capacity`
    /// bytes; a record's text, where given, is its bytes.
    fn by_records(input: &[u8], delimiter: u8, capacity: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut records = Records::new(BufReader::with_capacity(capacity, input), delimiter);
        let mut all = Vec::new();
        let error = |e: csv::Error| e.to_string();
        records
            .for_each(error, |record| {
                if let Some(text) = record.text {
                    assert_eq!(text.as_bytes(), record.bytes);
                }
                let fields = record
                    .spans
                    .iter()
                    .map(|&(s, e)| record.bytes[s..e].to_vec());
                all.push((record.line, fields.collect()));
                Ok(())
            })
            .unwrap();
        records
            .for_each(error, |_| Err("the end stays the end".to_string()))
            .unwrap();
        all
    }

    fn same(input: &[u8], delimiter: u8) {
        let expected = by_csv(input, delimiter);
        for capacity in [1, 2, 3, 5, 8, 64, 1 << 16] {
            assert_eq!(
                by_records(input, delimiter, capacity),
                expected,
                "{:?} read {capacity} bytes at a time",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn plain_lines_are_split_at_their_delimiters() {
        same(b"a,b,c\n1,,3\n", b',');
        let records = by_records(b"a;b\n\n1;2\r\n;\n", b';', 1 << 16);
        let fields = |f: &[&str]| f.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            records,
            [
                (1, fields(&["a", "b"])),
                (2, fields(&["1", "2\r"])),
                (4, fields(&["", ""]))
            ]
        );
    }

    #[test]
    fn quotes_blank_lines_and_carriage_returns_read_as_the_csv_crate_reads_them() {
        for input in [
            &b""[..],
            b"\n",
            b"\n\n\na\n",
            b"a,b",
            b"a,b\n\n",
            b"x,\"q,\nr\"\"s\",y\n1,2,3\n",
            b"\"open\n,\n",
            b"\"a\"b,c\n",
            b"\r\n\r\n",
            b"a,\"\"\n\"\",b\r\n",
            b"ab\"c,d\ne,f",
            b"\"a,b\",\"\",c\n\"x\"\r\n\"y\"z,1\n",
            b"\"q\"\"q\",2\n,\"\n\",\n\"end\"",
        ] {
            same(input, b',');
        }
    }

    #[test]
    fn lines_are_given_as_text_where_valid_utf8_and_only_there() {
        let long = "x".repeat(3 * CHECKED);
        let mut input = b"a,\xc3\xa6\nb,\xf8\nc,d\n".to_vec();
        input.extend_from_slice(format!("{long}\ne,f\n\"g\"\n\"h\"\"i\",j\nk\n").as_bytes());
        let mut records = Records::new(BufReader::with_capacity(1 << 16, &input[..]), b',');
        let mut texts = Vec::new();
        records
            .for_each(
                |e| e.to_string(),
                |record| {
                    texts.push(record.text.map(str::to_string));
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(texts[3].as_deref(), Some(long.as_str()));
        texts[3] = Some("long".into());
        let text = |t: &str| Some(t.to_string());
        // A line wholly quoted is split in place: its text holds the quotes,
        // as its bytes do. One with a doubled quote is read by `csv_core`,
        // whose record is checked when decoded.
        assert_eq!(
            texts,
            [
                text("a,æ"),
                None,
                text("c,d"),
                text("long"),
                text("e,f"),
                text("\"g\""),
                None,
                text("k")
            ]
        );
        same(&input, b',');
    }

    /// Random inputs of the bytes that matter, read both ways.
    #[test]
    fn random_inputs_read_as_the_csv_crate_reads_them() {
        let alphabet = b"a;,\"\n\r ";
        let mut state: u64 = 2026;
        for _ in 0..3000 {
            let mut input = Vec::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (state >> 33) % 40;
            for _ in 0..len {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                input.push(alphabet[((state >> 33) % alphabet.len() as u64) as usize]);
            }
            same(&input, b',');
            same(&input, b';');
        }
    }
}
