//! The mutations a hostile-input case applies to a valid workspace: damage to
//! the bytes of a source file (flips, insertions, deletions, truncation),
//! fields dropped or added, line ends and encodings changed, and raw CPR
//! numbers in every form the detector claims, planted in id fields, other
//! fields and free text. Each mutation says what it did, so a failing case
//! can be read and replayed.

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How a file's text is currently encoded, so text can be planted in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Encoding {
    Utf8,
    Cp1252,
    /// UTF-16 or damaged bytes: planted text is written as UTF-8.
    Other,
}

/// What a mutation did to one file, and whether the file still has the same
/// number of records (so its source's `read` count can be predicted).
pub struct Applied {
    pub description: String,
    /// Change in the number of records, when it is known.
    pub records_delta: Option<i64>,
}

/// A raw CPR number in one of the forms `tvaers::cpr` recognises, as planted.
pub fn cpr_number(rng: &mut ChaCha8Rng) -> String {
    let day = rng.random_range(1..=28u32);
    let month = rng.random_range(1..=12u32);
    let year = rng.random_range(0..=99u32);
    let serial = rng.random_range(0..=9999u32);
    let date = format!("{day:02}{month:02}{year:02}");
    let ecpr = format!(
        "{}{}{}{}",
        rng.random_range(0..=9u32),
        char::from(rng.random_range(b'A'..=b'Z')),
        char::from(rng.random_range(b'a'..=b'z')),
        rng.random_range(0..=9u32)
    );
    match rng.random_range(0..12) {
        0 => format!("{date}-{serial:04}"),
        1 => format!("{date}{serial:04}"),
        2 => format!("{date} {serial:04}"),
        3 => format!("{date}\u{a0}{serial:04}"),
        4 => format!("{date}\u{2013}{serial:04}"),
        // Nine digits: a day below 10 read as an integer.
        5 => format!("{}{month:02}{year:02}{serial:04}", day % 9 + 1),
        6 => format!("{}{month:02}{year:02}{serial:04}.0", day % 9 + 1),
        7 => format!("{date}{serial:04},0"),
        8 => {
            let digits = format!("{}{month:02}{year:02}{serial:04}", day % 9 + 1);
            format!("{}.{}E8", &digits[..1], &digits[1..])
        }
        9 => format!("{date}-{ecpr}"),
        10 => format!("{date}{ecpr}"),
        // A replacement number: the day raised by 60.
        _ => format!("{:02}{month:02}{year:02}-{serial:04}", day + 60),
    }
}

/// The text in the file's encoding (lossy for Windows-1252).
fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Cp1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        _ => text.as_bytes().to_vec(),
    }
}

/// Byte ranges of the lines of `bytes` (without their terminators), any line end.
fn lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            out.push((start, i));
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// A random data line (not the header), when there is one.
fn data_line(rng: &mut ChaCha8Rng, bytes: &[u8]) -> Option<(usize, usize)> {
    let all = lines(bytes);
    (all.len() > 1).then(|| all[rng.random_range(1..all.len())])
}

/// Positions of `delimiter` in `bytes[start..end]`.
fn delimiters(bytes: &[u8], (start, end): (usize, usize), delimiter: u8) -> Vec<usize> {
    (start..end).filter(|&i| bytes[i] == delimiter).collect()
}

/// Applies one random mutation to the bytes of a CSV file.
pub fn mutate_csv(
    rng: &mut ChaCha8Rng,
    bytes: &mut Vec<u8>,
    delimiter: u8,
    encoding: &mut Encoding,
    planted: &mut Vec<String>,
) -> Applied {
    let unknown = |description: String| Applied {
        description,
        records_delta: None,
    };
    let len = bytes.len();
    match rng.random_range(0..12) {
        0 if len > 0 => {
            let n = rng.random_range(1..=4);
            let mut at = Vec::new();
            for _ in 0..n {
                let i = rng.random_range(0..len);
                bytes[i] ^= 1 << rng.random_range(0..8);
                at.push(i);
            }
            *encoding = Encoding::Other;
            unknown(format!("flip bits at bytes {at:?}"))
        }
        1 => {
            let i = rng.random_range(0..=len);
            let pool: &[&[u8]] = &[
                b"\"",
                b"\0",
                b"\xff\xfe",
                b"\xc3",
                b"\r",
                b"\n",
                b";",
                b",",
                b"\t",
                b"|",
                b"=",
                b"\xe2\x80\x8b",
            ];
            let insert = pool.choose(rng).unwrap().to_vec();
            bytes.splice(i..i, insert.iter().copied());
            *encoding = Encoding::Other;
            unknown(format!("insert {insert:?} at byte {i}"))
        }
        2 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - i).min(40));
            bytes.drain(i..i + n);
            *encoding = Encoding::Other;
            unknown(format!("delete {n} bytes at {i}"))
        }
        3 => {
            let i = rng.random_range(0..=len);
            bytes.truncate(i);
            unknown(format!("truncate to {i} bytes"))
        }
        4 => match data_line(rng, bytes) {
            Some(line) => {
                let at = delimiters(bytes, line, delimiter);
                match at.choose(rng) {
                    Some(&i) => {
                        bytes.remove(i);
                        unknown(format!("drop a delimiter at byte {i} (a field lost)"))
                    }
                    None => unknown("drop a delimiter: none on the line".into()),
                }
            }
            None => unknown("drop a delimiter: no data line".into()),
        },
        5 => match data_line(rng, bytes) {
            Some((start, end)) => {
                let i = rng.random_range(start..=end);
                bytes.insert(i, delimiter);
                unknown(format!("add a delimiter at byte {i} (a field added)"))
            }
            None => unknown("add a delimiter: no data line".into()),
        },
        6 => {
            let ends: &[(&str, &[u8])] = &[("LF", b"\n"), ("CRLF", b"\r\n"), ("CR", b"\r")];
            let mixed = rng.random_bool(0.3);
            let uniform = *ends.choose(rng).unwrap();
            let mut out = Vec::with_capacity(len + 64);
            for (start, end) in lines(bytes) {
                out.extend_from_slice(&bytes[start..end]);
                let end = if mixed {
                    ends.choose(rng).unwrap().1
                } else {
                    uniform.1
                };
                out.extend_from_slice(end);
            }
            *bytes = out;
            let what = if mixed { "mixed" } else { uniform.0 };
            // An empty line would be dropped or kept by choice; mixed ends have no promise.
            Applied {
                description: format!("line ends to {what}"),
                records_delta: (!mixed).then_some(0),
            }
        }
        7 => reencode(rng, bytes, encoding),
        8 => match data_line(rng, bytes) {
            Some((start, end)) => {
                let term: &[u8] = if bytes[end..].starts_with(b"\r\n") {
                    b"\r\n"
                } else if end < len {
                    &bytes[end..end + 1]
                } else {
                    b"\n"
                };
                let mut line = bytes[start..end].to_vec();
                line.extend_from_slice(term);
                let quoted = line.contains(&b'"');
                bytes.splice(start..start, line);
                Applied {
                    description: format!("duplicate the line at byte {start}"),
                    records_delta: (!quoted).then_some(1),
                }
            }
            None => unknown("duplicate a line: no data line".into()),
        },
        _ => plant_cpr(rng, bytes, delimiter, *encoding, planted),
    }
}

/// Re-encodes the file's text: UTF-8 with or without BOM, Windows-1252, UTF-16 LE or BE.
fn reencode(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>, encoding: &mut Encoding) -> Applied {
    let text = match *encoding {
        Encoding::Cp1252 => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}');
    let (name, out, now) = match rng.random_range(0..5) {
        0 => ("UTF-8", text.as_bytes().to_vec(), Encoding::Utf8),
        1 => {
            let mut out = b"\xef\xbb\xbf".to_vec();
            out.extend_from_slice(text.as_bytes());
            ("UTF-8 with BOM", out, Encoding::Utf8)
        }
        2 => (
            "Windows-1252",
            encode(text, Encoding::Cp1252),
            Encoding::Cp1252,
        ),
        3 => {
            let mut out = if rng.random_bool(0.5) {
                vec![0xff, 0xfe]
            } else {
                Vec::new()
            };
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            ("UTF-16 LE", out, Encoding::Other)
        }
        _ => {
            let mut out = if rng.random_bool(0.5) {
                vec![0xfe, 0xff]
            } else {
                Vec::new()
            };
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            ("UTF-16 BE", out, Encoding::Other)
        }
    };
    *bytes = out;
    *encoding = now;
    Applied {
        description: format!("re-encode as {name}"),
        records_delta: None,
    }
}

/// Plants a raw CPR number in a random data line: as the whole of a field
/// (the id is the first), inside free text, or as a new field.
fn plant_cpr(
    rng: &mut ChaCha8Rng,
    bytes: &mut Vec<u8>,
    delimiter: u8,
    encoding: Encoding,
    planted: &mut Vec<String>,
) -> Applied {
    let Some((start, end)) = data_line(rng, bytes) else {
        return Applied {
            description: "plant a CPR number: no data line".into(),
            records_delta: None,
        };
    };
    let cpr = cpr_number(rng);
    planted.push(cpr.clone());
    // Planting inside a quoted field may unbalance its quotes.
    let had_quote = bytes[start..end].contains(&b'"');
    let quote = cpr.as_bytes().contains(&delimiter);
    let quoted = |text: &str| {
        if quote {
            format!("\"{text}\"")
        } else {
            text.to_string()
        }
    };
    let mut bounds = vec![start];
    bounds.extend(
        delimiters(bytes, (start, end), delimiter)
            .iter()
            .map(|&i| i + 1),
    );
    let field = rng.random_range(0..bounds.len());
    let field_start = bounds[field];
    let field_end = bounds.get(field + 1).map_or(end, |&next| next - 1);
    let (how, text, range) = match rng.random_range(0..3) {
        0 => ("as field", quoted(&cpr), field_start..field_end),
        1 => {
            let text = format!("\"ring til borger {cpr}, tak\"");
            ("in free text of field", text, field_start..field_end)
        }
        _ => {
            let text = format!("{}{}", char::from(delimiter), quoted(&cpr));
            ("as an added field after field", text, field_end..field_end)
        }
    };
    bytes.splice(range, encode(&text, encoding));
    Applied {
        description: format!("plant CPR {cpr:?} {how} {field} of the line at byte {start}"),
        records_delta: (!had_quote).then_some(0),
    }
}

/// Applies one random mutation to the bytes of a Parquet file.
pub fn mutate_parquet(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>) -> Applied {
    let len = bytes.len();
    let description = match rng.random_range(0..4) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            bytes[i] = rng.random();
            format!("set byte {i} to a random value")
        }
        1 if len > 8 => {
            // The footer (its length and the schema) is where readers trust most.
            let i = rng.random_range(len.saturating_sub(64)..len);
            bytes[i] ^= 1 << rng.random_range(0..8);
            format!("flip a bit in the footer at byte {i}")
        }
        2 => {
            let i = rng.random_range(0..=len);
            bytes.truncate(i);
            format!("truncate to {i} bytes")
        }
        _ => {
            let i = rng.random_range(0..=len);
            let n = rng.random_range(1..=16);
            let insert: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            bytes.splice(i..i, insert);
            format!("insert {n} random bytes at {i}")
        }
    };
    Applied {
        description,
        records_delta: None,
    }
}
