//! Parsing one raw field into a typed value, the way municipal extracts write
//! them. Every function here either returns the exact value or `None`: the
//! caller rejects the row; nothing is guessed, rounded or clamped.

use crate::config::Decimal;
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;

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
    let fixed = Fixed::of(format).and_then(|f| f.date(text));
    let fast = fixed.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    fast.or_else(|| {
        let date = NaiveDate::parse_from_str(text, format).ok()?;
        // chrono's %Y takes any number of digits, so "28-02-23" would be year 23.
        (!format.contains("%Y") || (1000..=9999).contains(&date.year())).then_some(date)
    })
}

/// A date format as a source's rows use it: where a common fixed format
/// has its year, month and day, found once for all its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    /// The chrono format.
    pub text: String,
    fixed: Option<Fixed>,
}

/// Where a ten-character date has its year, month and day, and its two
/// separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fixed {
    parts: [usize; 3],
    seps: [usize; 2],
    sep: u8,
}

impl DateFormat {
    /// `format`, a chrono format.
    pub fn new(format: &str) -> DateFormat {
        DateFormat {
            text: format.to_string(),
            fixed: Fixed::of(format),
        }
    }

    /// `parse_date` as days since 1970 (`epoch_days`), a fixed format's
    /// computed without chrono: every expense and contact has a date.
    pub fn epoch_day(&self, text: &str) -> Option<i32> {
        let fast = self.fixed.and_then(|f| f.date(text));
        match fast.and_then(|(y, m, d)| civil_day(y, m, d)) {
            Some(day) => Some(day),
            None => parse_date(text, &self.text).map(epoch_days),
        }
    }
}

impl Fixed {
    /// Where a date in `format` has its parts, if it is a common fixed one.
    fn of(format: &str) -> Option<Fixed> {
        let fixed = |parts, seps, sep| Some(Fixed { parts, seps, sep });
        match format {
            "%Y-%m-%d" => fixed([0, 5, 8], [4, 7], b'-'),
            "%d-%m-%Y" => fixed([6, 3, 0], [2, 5], b'-'),
            "%d.%m.%Y" => fixed([6, 3, 0], [2, 5], b'.'),
            "%d/%m/%Y" => fixed([6, 3, 0], [2, 5], b'/'),
            _ => None,
        }
    }

    /// Year, month and day of `text`; `None` for anything unusual, leaving
    /// it to chrono. Every digit is read before any is checked: the rows'
    /// dates vary too much for branches to be foreseen.
    fn date(self, text: &str) -> Option<(i32, u32, u32)> {
        let ([y, m, d], [s1, s2]) = (self.parts, self.seps);
        let b = text.as_bytes();
        if b.len() != 10 || b[s1] != self.sep || b[s2] != self.sep {
            return None;
        }
        let mut bad = false;
        let mut num = |at: usize, len: usize| {
            b[at..at + len].iter().fold(0u32, |n, &c| {
                let digit = c.wrapping_sub(b'0');
                bad |= digit > 9;
                n * 10 + u32::from(digit)
            })
        };
        let date = (num(y, 4) as i32, num(m, 2), num(d, 2));
        (!bad).then_some(date)
    }
}

/// Days since 1970 of a day of the proleptic Gregorian calendar, if there
/// is such a day.
fn civil_day(year: i32, month: u32, day: u32) -> Option<i32> {
    /// Per month (1-12), its days in a common year, and the days of the
    /// months before it.
    const DAYS: [u32; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const BEFORE: [u32; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    if !(1..=12).contains(&month) {
        return None;
    }
    let leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0));
    let month = month as usize;
    if day == 0 || day > DAYS[month] + u32::from(leap & (month == 2)) {
        return None;
    }
    // Days from 0001-01-01 to the start of the year, then to the day.
    let before = year - 1;
    let years =
        365 * before + before.div_euclid(4) - before.div_euclid(100) + before.div_euclid(400);
    let in_year = BEFORE[month] + u32::from(leap & (month > 2)) + day - 1;
    // chrono counts 0001-01-01 as day 1.
    Some(years + in_year as i32 + 1 - UNIX_EPOCH_DAYS_FROM_CE)
}

/// Days since 1970-01-01, polars' physical representation of a date.
pub fn epoch_days(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// The date of polars' physical day number.
pub fn from_epoch_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
}

/// Amounts of this many kroner or more (either sign) are rejected as out of
/// range. No municipal payment comes near it (a whole municipality's yearly
/// budget is some 10^10 kr), and below it every amount in øre is exact in an
/// `f64` (under 2^53), so amounts keep to the øre wherever they go.
pub const AMOUNT_LIMIT: i64 = 10_000_000_000_000;

/// Amounts in øre must be below this in magnitude.
const ORE_LIMIT: i64 = AMOUNT_LIMIT * 100;

/// Why a text or number is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number in the source's notation.
    Malformed,
    /// A number, but `AMOUNT_LIMIT` kroner or more.
    OutOfRange,
}

/// An amount in whole øre, the unit every sum of money is kept in: sums of
/// these are exact and do not depend on the order rows are added in. The
/// amount is taken to the nearest øre as written, half away from zero:
/// a float is read as the shortest decimal text that gives it back (what
/// `format!("{}", x)` writes), so `1.005` is 101 øre although the float
/// nearest to 1.005 lies just below it. The amounts the loader accepts
/// (every amount the analyses see) are already whole øre below
/// `AMOUNT_LIMIT`; for any other value see `float_ore`.
pub fn ore(amount: f64) -> i64 {
    match float_ore(amount) {
        Ok(ore) => ore,
        // Not reached for loaded amounts: the loader rejects these rows.
        Err(_) => (amount * 100.0).round() as i64,
    }
}

/// A float amount in whole øre (see `ore`), or why it is not one.
pub fn float_ore(amount: f64) -> Result<i64, AmountError> {
    if !amount.is_finite() {
        return Err(AmountError::Malformed);
    }
    // Whole øre (almost every amount): the float is the one nearest to
    // `r / 100`, so its shortest decimal text is that of `r / 100`.
    let r = (amount * 100.0).round();
    if r.abs() < ORE_LIMIT as f64 && r / 100.0 == amount {
        return Ok(r as i64);
    }
    let text = format!("{amount}");
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    exact_ore(negative, whole, fraction)
}

/// Whole øre from the decimal digits of an amount, rounded half away from
/// zero on the digits themselves (no float in between).
fn exact_ore(negative: bool, whole: &str, fraction: &str) -> Result<i64, AmountError> {
    let whole = whole.trim_start_matches('0');
    if whole.len() > 13 {
        return Err(AmountError::OutOfRange);
    }
    let digits = |text: &str| text.bytes().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(AmountError::Malformed);
    }
    let kroner = whole
        .bytes()
        .fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
    let digit = |i: usize| {
        fraction
            .as_bytes()
            .get(i)
            .map_or(0, |c| i64::from(c - b'0'))
    };
    let mut ore = kroner * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        ore += 1;
    }
    if ore >= ORE_LIMIT {
        return Err(AmountError::OutOfRange);
    }
    Ok(if negative { -ore } else { ore })
}

/// An amount in whole øre (see `ore`). With `Decimal::Comma`, thousands may
/// be grouped by `.` (or a space) in groups of three: `1.234.567,89`,
/// `-12,50`. With `Decimal::Dot`, thousands may be grouped by `,` only
/// where a decimal point follows (`1,234.50`, as an English-locale export
/// writes): `1,234` alone may be a decimal comma in the wrong source, and is
/// rejected rather than read as 1234.
/// A trailing minus (`12,50-`), which some ERP systems write, is accepted.
/// The digits are rounded to the øre exactly, half away from zero.
pub fn parse_amount(text: &str, decimal: Decimal) -> Result<i64, AmountError> {
    let (mark, grouping): (u8, &[char]) = match decimal {
        Decimal::Dot => (b'.', &[]),
        Decimal::Comma => (b',', &['.', ' ', '\u{a0}']),
    };
    let (negative, body) = if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_suffix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    };
    // The mark is ASCII: a byte, found without decoding characters.
    let (whole, fraction) = match body.bytes().position(|b| b == mark) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let grouping: &[char] = match (decimal, fraction) {
        (Decimal::Dot, Some(_)) => &[','],
        _ => grouping,
    };
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()) {
            return Err(AmountError::Malformed);
        }
    }
    let digits = whole_digits(whole, grouping).ok_or(AmountError::Malformed)?;
    if digits.is_empty() && fraction.is_none() {
        return Err(AmountError::Malformed);
    }
    exact_ore(negative, &digits, fraction.unwrap_or(""))
}

/// The digits of the whole part, checking that any grouping is in threes;
/// borrowed when there is no grouping (almost every amount).
fn whole_digits<'a>(whole: &'a str, grouping: &[char]) -> Option<Cow<'a, str>> {
    if whole.bytes().all(|c| c.is_ascii_digit()) {
        return Some(Cow::Borrowed(whole));
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
    Some(Cow::Owned(digits))
}

/// Texts that extracts write where an id is missing (compared without
/// case): they are not empty, so the row is kept, but every row carrying one
/// lands on one made-up citizen or family. The loader counts them and the
/// commands warn. All zeros (`0`, `0000000000`) count as well.
pub const PLACEHOLDER_IDS: [&str; 30] = [
    "null",
    "(null)",
    "<null>",
    "nil",
    "none",
    "na",
    "n/a",
    "n.a.",
    "#n/a",
    "#i/t",
    "i/t",
    "nan",
    "-",
    "--",
    "---",
    "?",
    "-1",
    "x",
    "xx",
    "xxx",
    "unknown",
    "ukendt",
    "mangler",
    "missing",
    "ingen",
    "blank",
    "tom",
    "undefined",
    "void",
    "dummy",
];

/// Whether an id (already cleaned) is a placeholder for a missing id (see
/// `PLACEHOLDER_IDS`).
pub fn placeholder_id(id: &str) -> bool {
    (!id.is_empty() && id.bytes().all(|b| b == b'0'))
        || (id.len() <= 9 && PLACEHOLDER_IDS.iter().any(|p| p.eq_ignore_ascii_case(id)))
}

/// A whole number (a ladder step).
pub fn parse_step(text: &str) -> Option<i64> {
    text.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_fast_formats_count_their_days_as_chrono_does() {
        let years = [
            0, 1, 4, 99, 100, 400, 1000, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999,
        ];
        for year in years {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    let chrono = NaiveDate::from_ymd_opt(year, month, day).map(epoch_days);
                    assert_eq!(
                        DateFormat::new("%Y-%m-%d").epoch_day(&text),
                        chrono,
                        "{text}"
                    );
                    let danish = format!("{day:02}.{month:02}.{year:04}");
                    assert_eq!(
                        DateFormat::new("%d.%m.%Y").epoch_day(&danish),
                        chrono,
                        "{danish}"
                    );
                }
            }
        }
        // Every day of two centuries, and what only chrono reads.
        let mut date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while date.year() < 2100 {
            let text = date.format("%d/%m/%Y").to_string();
            assert_eq!(
                DateFormat::new("%d/%m/%Y").epoch_day(&text),
                Some(epoch_days(date))
            );
            date = date.succ_opt().unwrap();
        }
        assert_eq!(DateFormat::new("%Y-%m-%d").epoch_day("1970-01-02"), Some(1));
        assert_eq!(
            DateFormat::new("%Y%m%d").epoch_day("20230228"),
            Some(19_416)
        );
        // chrono reads a month of one digit.
        let chrono = parse_date("2023-2-28", "%Y-%m-%d").map(epoch_days);
        assert_eq!(DateFormat::new("%Y-%m-%d").epoch_day("2023-2-28"), chrono);
        assert_eq!(DateFormat::new("%Y-%m-%d").epoch_day("2023-02-29"), None);
    }

    #[test]
    fn amounts_become_whole_ore() {
        assert_eq!(ore(11979.28), 1_197_928);
        assert_eq!(ore(0.1 + 0.2), 30);
        assert_eq!(ore(-12.5), -1250);
        assert_eq!(ore(0.0), 0);
    }

    #[test]
    fn half_ore_ties_round_away_from_zero_as_written_not_by_binary_accident() {
        // The floats nearest to 1.005 and 2.675 lie below them; as written they are ties.
        assert_eq!(ore(1.005), 101);
        assert_eq!(ore(2.675), 268);
        assert_eq!(ore(-1.005), -101);
        assert_eq!(ore(0.125), 13);
        assert_eq!(ore(1.0049), 100);
        let d = Decimal::Dot;
        assert_eq!(parse_amount("1.005", d), Ok(101));
        assert_eq!(parse_amount("2.675", d), Ok(268));
        assert_eq!(parse_amount("-1.005", d), Ok(-101));
        assert_eq!(parse_amount("1.00499999", d), Ok(100));
        assert_eq!(parse_amount("0.995", d), Ok(100));
        let c = Decimal::Comma;
        assert_eq!(parse_amount("1.234,565", c), Ok(123_457));
        assert_eq!(parse_amount("1,005-", c), Ok(-101));
    }

    #[test]
    fn amounts_beyond_the_limit_are_out_of_range_not_clamped() {
        let d = Decimal::Dot;
        assert_eq!(
            parse_amount("99999999999999999999999", d),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(
            parse_amount("50000000000000000", d),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(
            parse_amount("10000000000000", d),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(
            parse_amount("-10000000000000", d),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(
            parse_amount("9999999999999.995", d),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(parse_amount("9999999999999.99", d), Ok(999_999_999_999_999));
        assert_eq!(parse_amount("000000000000000012.5", d), Ok(1250));
        assert_eq!(float_ore(1e23), Err(AmountError::OutOfRange));
        assert_eq!(float_ore(5e16), Err(AmountError::OutOfRange));
        assert_eq!(float_ore(f64::NAN), Err(AmountError::Malformed));
        assert_eq!(float_ore(9_999_999_999_999.99), Ok(999_999_999_999_999));
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
        assert_eq!(parse_amount("1.234.567,89", c), Ok(123_456_789));
        assert_eq!(parse_amount("-12,50", c), Ok(-1250));
        assert_eq!(parse_amount("12,50-", c), Ok(-1250));
        assert_eq!(parse_amount("1234,5", c), Ok(123_450));
        assert_eq!(parse_amount("1.234", c), Ok(123_400));
        assert_eq!(parse_amount("1 234,00", c), Ok(123_400));
        assert_eq!(parse_amount(",5", c), Ok(50));
        assert_eq!(parse_amount("0", c), Ok(0));
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
            assert_eq!(parse_amount(bad, c), Err(AmountError::Malformed), "{bad:?}");
        }
        let d = Decimal::Dot;
        assert_eq!(parse_amount("1234.56", d), Ok(123_456));
        assert_eq!(parse_amount("-0.5", d), Ok(-50));
        assert_eq!(parse_amount("+7", d), Ok(700));
        assert_eq!(parse_amount("1,234.50", d), Ok(123_450));
        assert_eq!(parse_amount("-12,345,678.9", d), Ok(-1_234_567_890));
        for bad in [
            "1,234",
            "1,5",
            "1.2.3",
            "NaN",
            "inf",
            "--1",
            "-+1",
            "1e5",
            "1,23.50",
            "12,3456.7",
            ",123.5",
            "1,234,5.0",
        ] {
            assert_eq!(parse_amount(bad, d), Err(AmountError::Malformed), "{bad:?}");
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
    fn placeholder_ids_are_told_from_real_ids() {
        for id in [
            "NULL", "null", "NA", "N/A", "-", "0", "000000", "None", "ukendt", "UKENDT", "#N/A",
        ] {
            assert!(placeholder_id(id), "{id:?}");
        }
        for id in [
            "9f86d081884c7d65",
            "F0000123",
            "a1",
            "10",
            "",
            "nullable",
            "0.0",
        ] {
            assert!(!placeholder_id(id), "{id:?}");
        }
    }

    #[test]
    fn steps_are_whole_numbers() {
        assert_eq!(parse_step("3"), Some(3));
        assert_eq!(parse_step("-1"), Some(-1));
        assert_eq!(parse_step("3,0"), None);
        assert_eq!(parse_step(""), None);
    }
}
