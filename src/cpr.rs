//! Recognising raw Danish CPR numbers (SPEC §4). Inputs must already be
//! pseudonymised; an id that looks like a CPR number is refused before it can
//! reach a report. The modulus-11 check is deliberately not used: numbers
//! without it have been issued since 2007, so it proves nothing either way.

/// Whether `value` looks like a raw CPR number: `DDMMYY`, an optional
/// separator, then four digits or digit-letter-letter-digit (eCPR); also nine
/// digits that become one with a leading zero (a CPR number read as an
/// integer). The day may be raised by 60 (replacement numbers). The separator
/// may be `-`, any other Unicode dash (an en dash from a word processor) or a
/// space (also a no-break space). A number that a spreadsheet or a float
/// column rendered as a float (`101901234.0`, `0101901234,0`,
/// `1.01901234E8`, `1.01901234e+08`) counts too, when its value is a whole
/// number of at most ten digits.
pub fn looks_like_cpr(value: &str) -> bool {
    canonical_bytes(value).is_some()
}

/// Whether some word of `text` looks like a raw CPR number (see
/// `looks_like_cpr`): free text such as `borger 010190 1234, ring`. A word
/// starts with a digit after a character that is not a letter or digit and
/// ends before such a character; windows up to the longest CPR rendering
/// are tried, so separators inside the number are found too.
pub fn contains_cpr(text: &str) -> bool {
    const LONGEST: usize = 24;
    let word = |c: char| c.is_alphanumeric();
    let starts = text
        .char_indices()
        .filter(|&(i, c)| c.is_ascii_digit() && !text[..i].chars().next_back().is_some_and(word));
    for (start, _) in starts {
        let rest = &text[start..];
        let ends = rest
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(rest.len()))
            .take_while(|&end| end <= LONGEST);
        for end in ends {
            let after = rest[end..].chars().next();
            if !after.is_some_and(word) && looks_like_cpr(&rest[..end]) {
                return true;
            }
        }
    }
    false
}

/// The canonical form of a CPR-looking value: ten characters, no separator,
/// eCPR letters upper-cased, a lost leading zero restored; `None` for any
/// value that does not look like a CPR number (see `looks_like_cpr`).
pub fn canonical(value: &str) -> Option<String> {
    let bytes = canonical_bytes(value)?;
    Some(
        bytes
            .iter()
            .map(|&b| char::from(b.to_ascii_uppercase()))
            .collect(),
    )
}

fn canonical_bytes(value: &str) -> Option<[u8; 10]> {
    let bytes = value.as_bytes();
    match bytes.len() {
        9 | 10 => {
            if let Some(number) = plain(bytes) {
                return Some(number);
            }
        }
        _ => {}
    }
    if bytes.len() > 6 && bytes[..6].iter().all(u8::is_ascii_digit) {
        // Only the first six bytes are known to be ASCII, so slicing at 6 is safe.
        let rest = &value[6..];
        if let Some(separator) = rest.chars().next().filter(|&c| is_separator(c)) {
            let serial = &rest.as_bytes()[separator.len_utf8()..];
            if date_part(&bytes[..6]) && serial_part(serial) {
                let mut number = [0u8; 10];
                number[..6].copy_from_slice(&bytes[..6]);
                number[6..].copy_from_slice(serial);
                return Some(number);
            }
        }
    }
    let digits = float_rendering(bytes)?;
    plain(&digits)
}

/// Ten characters, or nine digits, forming a CPR number without separator.
fn plain(bytes: &[u8]) -> Option<[u8; 10]> {
    let mut number = [b'0'; 10];
    match bytes.len() {
        9 if bytes.iter().all(u8::is_ascii_digit) => number[1..].copy_from_slice(bytes),
        10 => number.copy_from_slice(bytes),
        _ => return None,
    }
    (date_part(&number[..6]) && serial_part(&number[6..])).then_some(number)
}

/// Separators written between the date and the serial: the hyphen-minus,
/// every other dash of Unicode's dash punctuation and the minus sign, and spaces.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{fe58}'
                | '\u{fe63}'
                | '\u{ff0d}'
                | ' '
                | '\u{a0}'
                | '\u{2007}'
                | '\u{2009}'
                | '\u{202f}'
    )
}

/// The ten digits (zero-padded) of a whole number written as a float:
/// digits, one decimal mark (`.` or `,`), more digits, then optionally an
/// exponent (`e`/`E`, optional sign, digits). `None` unless the text is
/// exactly that and its value is a whole number of at most ten digits. The
/// decimal mark is required, so hexadecimal pseudonyms (which may hold an
/// `e`) are never read as numbers.
fn float_rendering(bytes: &[u8]) -> Option<[u8; 10]> {
    let (mantissa, exponent) = match bytes.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    let mark = mantissa.iter().position(|&b| b == b'.' || b == b',')?;
    let (whole, fraction) = (&mantissa[..mark], &mantissa[mark + 1..]);
    if whole.is_empty()
        || !whole.iter().all(u8::is_ascii_digit)
        || !fraction.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let exponent: i32 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e
                .strip_prefix(b"+")
                .or_else(|| e.strip_prefix(b"-"))
                .unwrap_or(e);
            if digits.is_empty() || digits.len() > 2 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let magnitude = digits
                .iter()
                .fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'));
            if e.first() == Some(&b'-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    // All digits, and where the decimal point falls among them.
    let all: Vec<u8> = whole.iter().chain(fraction).copied().collect();
    let point = i32::try_from(whole.len()).ok()? + exponent;
    let point = usize::try_from(point).ok()?;
    let (integer, rest): (Vec<u8>, &[u8]) = if point >= all.len() {
        let mut integer = all.clone();
        integer.resize(point, b'0');
        (integer, &[])
    } else {
        (all[..point].to_vec(), &all[point..])
    };
    if rest.iter().any(|&d| d != b'0') {
        return None;
    }
    let significant = match integer.iter().position(|&d| d != b'0') {
        Some(first) => &integer[first..],
        None => return None,
    };
    if significant.len() > 10 {
        return None;
    }
    let mut number = [b'0'; 10];
    number[10 - significant.len()..].copy_from_slice(significant);
    Some(number)
}

/// `DDMMYY` forming a real date in some century (day + 60 allowed).
fn date_part(bytes: &[u8]) -> bool {
    if !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let two = |i: usize| u32::from(bytes[i] - b'0') * 10 + u32::from(bytes[i + 1] - b'0');
    let (mut day, month, year) = (two(0), two(2), two(4));
    if day > 60 {
        day -= 60;
    }
    // The century comes from the serial digit, so 29 February is valid when
    // any century makes the year a leap year: every year divisible by 4 (2000 was).
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// Four digits, or digit-letter-letter-digit (the health sector's eCPR).
fn serial_part(bytes: &[u8]) -> bool {
    bytes.len() == 4
        && (bytes.iter().all(u8::is_ascii_digit)
            || (bytes[0].is_ascii_digit()
                && bytes[1].is_ascii_alphabetic()
                && bytes[2].is_ascii_alphabetic()
                && bytes[3].is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::{canonical, contains_cpr, looks_like_cpr};

    #[test]
    fn plain_and_dashed_numbers() {
        assert!(looks_like_cpr("0101901234"));
        assert!(looks_like_cpr("010190-1234"));
        assert!(looks_like_cpr("311299-0001"));
    }

    #[test]
    fn replacement_numbers_add_60_to_the_day() {
        assert!(looks_like_cpr("6101901234"));
        assert!(looks_like_cpr("910190-1234"));
        assert!(!looks_like_cpr("9201901234"), "day 92 - 60 = 32 is no day");
    }

    #[test]
    fn ecpr_has_letters_in_the_serial() {
        assert!(looks_like_cpr("010190-1AB2"));
        assert!(looks_like_cpr("0101901xy2"));
        assert!(!looks_like_cpr("010190-AB12"));
    }

    #[test]
    fn nine_digits_lost_their_leading_zero() {
        assert!(looks_like_cpr("101901234"), "0101901234 read as an integer");
        assert!(!looks_like_cpr("991901234"), "099190 is no date");
    }

    #[test]
    fn invalid_dates_are_not_cpr() {
        assert!(!looks_like_cpr("3202901234"), "32 February");
        assert!(looks_like_cpr("3004901234"), "30 April exists");
        assert!(!looks_like_cpr("3104901234"), "31 April");
        assert!(!looks_like_cpr("0113901234"), "month 13");
        assert!(!looks_like_cpr("0001901234"), "day 0");
        assert!(looks_like_cpr("2902001234"), "29 Feb 2000");
        assert!(!looks_like_cpr("2902011234"), "no 29 Feb in 01");
    }

    #[test]
    fn pseudonyms_and_family_ids_are_not_cpr() {
        assert!(!looks_like_cpr("9f86d081884c7d65"));
        assert!(!looks_like_cpr("0101901234abcdef"));
        assert!(!looks_like_cpr("F000123"));
        assert!(!looks_like_cpr("F0000123"));
        assert!(!looks_like_cpr("12345678"));
        assert!(!looks_like_cpr("01019012345"));
        assert!(!looks_like_cpr("010190_1234"));
        assert!(!looks_like_cpr("010190--1234"));
        assert!(
            !looks_like_cpr("1e019012340e0000"),
            "hex with an e and no decimal mark"
        );
        assert!(!looks_like_cpr("0101901234.5"), "not a whole number");
        assert!(!looks_like_cpr("10190123.4"), "eight whole digits");
        assert!(!looks_like_cpr("1.0e99"));
    }

    #[test]
    fn space_no_break_space_and_dashes_separate_date_and_serial() {
        for separator in [
            " ", "\u{a0}", "\u{2013}", "\u{2014}", "\u{2212}", "\u{2011}",
        ] {
            let value = format!("010190{separator}1234");
            assert!(looks_like_cpr(&value), "{value:?}");
            assert_eq!(canonical(&value).as_deref(), Some("0101901234"));
        }
        assert!(looks_like_cpr("010190\u{2013}1ab2"));
        assert!(!looks_like_cpr("320190\u{2013}1234"), "day 32");
    }

    #[test]
    fn cpr_numbers_inside_free_text_are_found() {
        assert!(contains_cpr("borger 010190 1234, ring"));
        assert!(contains_cpr("id=0101901234"));
        assert!(contains_cpr("1.01901234E8"));
        assert!(contains_cpr("010190\u{2013}1234"));
        assert!(!contains_cpr("a10101901234"), "part of a longer word");
        assert!(!contains_cpr("01019012345"), "eleven digits");
        assert!(!contains_cpr("1.234.567,89 kr, 2023-01-01, 5.28.21.001"));
        assert!(!contains_cpr(""));
    }

    #[test]
    fn float_renderings_of_the_number_are_cpr() {
        for value in [
            "101901234.0",
            "0101901234.0",
            "101901234,0",
            "101901234.000",
            "1.01901234E8",
            "1.01901234e+08",
            "1.01901234e8",
            "10190123.4e1",
            "1019012340.0e-1",
        ] {
            assert!(looks_like_cpr(value), "{value:?}");
            assert_eq!(canonical(value).as_deref(), Some("0101901234"), "{value:?}");
        }
        assert!(looks_like_cpr("3112991234.0"));
        assert!(!looks_like_cpr("3212991234.0"), "day 32");
    }
}
