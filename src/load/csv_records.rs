//! CSV records and the line each starts on, as the `csv` crate reads them
//! (`flexible`, no header, `\n` ending a record), only faster. Its state
//! machine (`csv_core`) looks at every byte; most lines of an extract are
//! one record whose fields lie between its delimiters, some quoted whole,
//! which `memchr` finds many bytes at a time. Any other line (a doubled
//! quote, a line end inside quotes, text after a closing quote) and one that
//! runs past the end of the read buffer goes through `csv_core` as before.
//! The tests check that both give the same records with the same lines on
//! every input.

use csv_core::ReadRecordResult;
use std::io::BufRead;

/// One record: its fields, each a span of `bytes`, and the line the reader
/// was on when it began (as `csv::Reader::read_byte_record` gives it: a
/// record after blank lines has the line of the first blank one).
pub struct Record<'r> {
    /// The record's bytes: a line with its delimiters, or the fields of a
    /// quoted record unquoted and joined.
    pub bytes: &'r [u8],
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
    /// Bytes of input the last record was read from, consumed on the next read.
    unconsumed: usize,
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
            unconsumed: 0,
            spans: Vec::new(),
            fields: vec![0; 1024],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// The next record, or none at the end of the input.
    pub fn read(&mut self) -> Result<Option<Record<'_>>, csv::Error> {
        self.input.consume(std::mem::take(&mut self.unconsumed));
        let line = self.line;
        if self.done {
            return Ok(None);
        }
        // A delimiter that is a quote or a line end leaves every line to `csv_core`.
        if self.delimiter != b'"' && self.delimiter != b'\n' {
            loop {
                let buffer = self.input.fill_buf()?;
                let end = split_line(buffer, self.delimiter, &mut self.spans);
                let Some(end) = end else { break };
                self.line += 1;
                if end == 0 {
                    // A blank line is no record.
                    self.input.consume(1);
                    continue;
                }
                // The same bytes again (nothing was consumed), borrowed for the caller.
                let buffer = self.input.fill_buf()?;
                self.unconsumed = end + 1;
                return Ok(Some(Record {
                    bytes: &buffer[..end],
                    spans: &self.spans,
                    line,
                }));
            }
        }
        self.read_by_core(line)
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

    /// Every record with its line, from `Records` over a buffer of `capacity` bytes.
    fn by_records(input: &[u8], delimiter: u8, capacity: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut records = Records::new(BufReader::with_capacity(capacity, input), delimiter);
        let mut all = Vec::new();
        while let Some(record) = records.read().unwrap() {
            let fields = record
                .spans
                .iter()
                .map(|&(s, e)| record.bytes[s..e].to_vec());
            all.push((record.line, fields.collect()));
        }
        assert!(records.read().unwrap().is_none(), "the end stays the end");
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
