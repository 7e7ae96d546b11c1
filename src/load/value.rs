//! Parsing one raw field into a typed value, the way municipal extracts write
//! them. Every function here either returns the exact value or `None`: the
//! caller rejects the row; nothing is guessed, rounded or clamped.

use crate::config::Decimal;
use chrono::{Datelike, NaiveDate};

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Strips surrounding white space and Excel's `="0123"` escaping of leading zeros.
pub fn clean(raw: &str) -> &str {
    // Most fields have nothing to strip: no space at either end, no `="`.
    if let (Some(&first), Some(&last)) = (raw.as_bytes().first(), raw.as_bytes().last()) {
        let plain = |b: u8| b.is_ascii_graphic();
        if plain(first) && plain(last) && first != b'=' {
            return raw;
        }
    }
    let trimmed = raw.trim();
    match trimmed
        .strip_prefix("=\"")
        .and_then(|s| s.strip_suffix('"'))
    {
        Some(inner) => inner.trim(),
        None => trimmed,
    }
}

/// A date in a chrono format; `%Y-%m-%d` and `%d-%m-%Y` take a fast path.
pub fn parse_date(text: &str, format: &str) -> Option<NaiveDate> {
    let fast = match format {
        "%Y-%m-%d" => fixed_date(text, [0, 5, 8], [4, 7], b'-'),
        "%d-%m-%Y" => fixed_date(text, [6, 3, 0], [2, 5], b'-'),
        "%d.%m.%Y" => fixed_date(text, [6, 3, 0], [2, 5], b'.'),
        "%d/%m/%Y" => fixed_date(text, [6, 3, 0], [2, 5], b'/'),
        _ => None,
    };
    fast.or_else(|| {
        let date = NaiveDate::parse_from_str(text, format).ok()?;
        // chrono's %Y takes any number of digits, so "28-02-23" would be year 23.
        (!format.contains("%Y") || (1000..=9999).contains(&date.year())).then_some(date)
    })
}

/// Parses a ten-character date with year, month and day at the given offsets.
/// Returns `None` for anything unusual, leaving it to chrono.
fn fixed_date(text: &str, [y, m, d]: [usize; 3], seps: [usize; 2], sep: u8) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[seps[0]] != sep || b[seps[1]] != sep {
        return None;
    }
    let num = |at: usize, len: usize| -> Option<u32> {
        b[at..at + len].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(y, 4)?).ok()?, num(m, 2)?, num(d, 2)?)
}

/// Days since 1970-01-01, polars' physical representation of a date.
pub fn epoch_days(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// The date of polars' physical day number.
pub fn from_epoch_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
}

/// An amount in whole øre, the unit every sum of money is kept in: sums of
/// these are exact and do not depend on the order rows are added in.
pub fn ore(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// An amount. With `Decimal::Comma`, thousands may be grouped by `.` (or a
/// space) in groups of three: `1.234.567,89`, `-12,50`. With `Decimal::Dot`,
/// no grouping is accepted, so `1,234` (a decimal comma in the wrong source)
/// is rejected rather than read as 1234. A trailing minus (`12,50-`), which
/// some ERP systems write, is accepted.
pub fn parse_amount(text: &str, decimal: Decimal) -> Option<f64> {
    let (mark, grouping): (char, &[char]) = match decimal {
        Decimal::Dot => ('.', &[]),
        Decimal::Comma => (',', &['.', ' ', '\u{a0}']),
    };
    let (negative, body) = if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_suffix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    };
    let (whole, fraction) = match body.split_once(mark) {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let digits = whole_digits(whole, grouping)?;
    if digits.is_empty() && fraction.is_none() {
        return None;
    }
    let mut number = String::with_capacity(body.len() + 2);
    if negative {
        number.push('-');
    }
    number.push_str(if digits.is_empty() { "0" } else { &digits });
    if let Some(f) = fraction {
        number.push('.');
        number.push_str(f);
    }
    number.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The digits of the whole part, checking that any grouping is in threes.
fn whole_digits(whole: &str, grouping: &[char]) -> Option<String> {
    if whole.bytes().all(|c| c.is_ascii_digit()) {
        return Some(whole.to_string());
    }
    let sep = whole.chars().find(|c| !c.is_ascii_digit())?;
    if !grouping.contains(&sep) {
        return None;
    }
    let mut groups = whole.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// A whole number (a ladder step).
pub fn parse_step(text: &str) -> Option<i64> {
    text.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_become_whole_ore() {
        assert_eq!(ore(11979.28), 1_197_928);
        assert_eq!(ore(0.1 + 0.2), 30);
        assert_eq!(ore(-12.5), -1250);
        assert_eq!(ore(0.0), 0);
    }

    #[test]
    fn excel_escaping_and_space_are_stripped() {
        assert_eq!(clean(" =\"0123\" "), "0123");
        assert_eq!(clean("=\"\""), "");
        assert_eq!(clean("=0123"), "=0123");
        assert_eq!(clean("  abc\t"), "abc");
        assert_eq!(clean("abc"), "abc");
        assert_eq!(clean("\u{a0}12\u{a0}"), "12");
        assert_eq!(clean("a b"), "a b");
    }

    #[test]
    fn decimal_comma_with_thousands_dots() {
        let c = Decimal::Comma;
        assert_eq!(parse_amount("1.234.567,89", c), Some(1_234_567.89));
        assert_eq!(parse_amount("-12,50", c), Some(-12.5));
        assert_eq!(parse_amount("12,50-", c), Some(-12.5));
        assert_eq!(parse_amount("1234,5", c), Some(1234.5));
        assert_eq!(parse_amount("1.234", c), Some(1234.0));
        assert_eq!(parse_amount("1 234,00", c), Some(1234.0));
        assert_eq!(parse_amount(",5", c), Some(0.5));
        assert_eq!(parse_amount("0", c), Some(0.0));
    }

    #[test]
    fn badly_grouped_or_foreign_amounts_are_rejected() {
        let c = Decimal::Comma;
        for bad in [
            "1.23,00",
            "12.3456,0",
            "1,2,3",
            "12,",
            "abc",
            "",
            "-",
            "1e5",
            "kr 12",
            "12.50",
        ] {
            assert_eq!(parse_amount(bad, c), None, "{bad:?}");
        }
        let d = Decimal::Dot;
        assert_eq!(parse_amount("1234.56", d), Some(1234.56));
        assert_eq!(parse_amount("-0.5", d), Some(-0.5));
        assert_eq!(parse_amount("+7", d), Some(7.0));
        for bad in ["1,234", "1,5", "1.2.3", "NaN", "inf", "--1"] {
            assert_eq!(parse_amount(bad, d), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_in_any_chrono_format() {
        let d = NaiveDate::from_ymd_opt(2023, 2, 28);
        assert_eq!(parse_date("2023-02-28", "%Y-%m-%d"), d);
        assert_eq!(parse_date("28-02-2023", "%d-%m-%Y"), d);
        assert_eq!(parse_date("28.02.2023", "%d.%m.%Y"), d);
        assert_eq!(parse_date("28/02/2023", "%d/%m/%Y"), d);
        assert_eq!(parse_date("20230228", "%Y%m%d"), d);
        assert_eq!(
            parse_date("8-2-2023", "%d-%m-%Y"),
            d.and_then(|_| NaiveDate::from_ymd_opt(2023, 2, 8))
        );
        for bad in ["2023-02-29", "29-02-2023x", "2023-13-01", "", "28-02-23"] {
            assert_eq!(
                parse_date(bad, "%Y-%m-%d").or(parse_date(bad, "%d-%m-%Y")),
                None,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn epoch_days_round_trip() {
        let d = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
        assert_eq!(epoch_days(d), 1);
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(from_epoch_days(epoch_days(d)), Some(d));
    }

    #[test]
    fn steps_are_whole_numbers() {
        assert_eq!(parse_step("3"), Some(3));
        assert_eq!(parse_step("-1"), Some(-1));
        assert_eq!(parse_step("3,0"), None);
        assert_eq!(parse_step(""), None);
    }
}
