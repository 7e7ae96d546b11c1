//! Exact decimal text for numbers and dates, shared by every output format.
//!
//! Money must be rounded half away from zero to two decimals at output time,
//! and the same value must give the same digits in a table, a CSV file and a
//! JSON document. Binary floating point cannot do that reliably (`2.675` is
//! stored as `2.67499999…`, and `x * 100.0` adds its own error), so rounding
//! here works on the decimal digits of a number's shortest round-trip
//! representation: the digits an analyst sees when the value is printed at
//! full precision. `2.675` therefore rounds to `2.68`, `0.125` to `0.13` and
//! `-1.005` to `-1.01`, matching what a person rounding by hand would write,
//! whereas rounding the exact binary value (as Python's `round` does) would
//! give `2.67` and `-1.00`. The arithmetic is on digit strings, so no value
//! overflows or panics, however large.

/// A finite number as decimal digits: `0.d₁d₂… × 10^point`, sign apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decimal {
    negative: bool,
    /// Digit values 0–9, most significant first, no leading zeros (zero is `[0]`).
    digits: Vec<u8>,
    /// How many of `digits` stand before the decimal point (may be negative
    /// or larger than `digits.len()`).
    point: i64,
}

impl Decimal {
    /// The shortest round-trip digits of `x`; `None` for NaN and infinities.
    pub(super) fn from_f64(x: f64) -> Option<Decimal> {
        x.is_finite()
            .then(|| Decimal::from_exponential(&format!("{x:e}")))
    }

    /// As [`Decimal::from_f64`], with the shortest digits of the `f32` itself
    /// (`0.1f32` is `0.1`, not `0.10000000149011612`).
    pub(super) fn from_f32(x: f32) -> Option<Decimal> {
        x.is_finite()
            .then(|| Decimal::from_exponential(&format!("{x:e}")))
    }

    pub(super) fn from_i64(x: i64) -> Decimal {
        Decimal::from_integer_text(x < 0, &x.unsigned_abs().to_string())
    }

    pub(super) fn from_u64(x: u64) -> Decimal {
        Decimal::from_integer_text(false, &x.to_string())
    }

    fn from_integer_text(negative: bool, text: &str) -> Decimal {
        let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let point = digits.len() as i64;
        Decimal {
            negative,
            digits,
            point,
        }
    }

    /// Parses Rust's `{:e}` output, e.g. `-2.675e0`, `1e300`, `5e-3`.
    fn from_exponential(text: &str) -> Decimal {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = rest.split_once('e').unwrap_or((rest, "0"));
        let exponent: i64 = exponent.parse().unwrap_or(0);
        let digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        Decimal {
            negative,
            digits,
            point: exponent + 1,
        }
    }

    /// The power of ten of the leading digit: `-3` for `0.0032`, `2` for `123.4`.
    pub(super) fn exponent(&self) -> i64 {
        self.point - 1
    }

    /// Multiplies by `10^places` exactly (shares → percentages).
    pub(super) fn shift(mut self, places: i64) -> Decimal {
        self.point += places;
        self
    }

    /// Rounds half away from zero to exactly `decimals` decimals, e.g.
    /// `"-1234.50"`. Never `-0.00`: a value that rounds to zero is unsigned.
    pub(super) fn round(&self, decimals: usize) -> String {
        let keep = self.point + decimals as i64;
        let mut kept: Vec<u8> = if keep <= 0 {
            Vec::new()
        } else {
            let keep = keep as usize;
            let mut kept: Vec<u8> = self.digits.iter().copied().take(keep).collect();
            kept.resize(keep, 0);
            kept
        };
        let first_dropped = if keep < 0 {
            None
        } else {
            self.digits.get(keep as usize).copied()
        };
        if first_dropped.is_some_and(|d| d >= 5) {
            increment(&mut kept);
        }

        // `kept` is now the magnitude in units of 10^-decimals.
        if kept.len() < decimals + 1 {
            let mut padded = vec![0; decimals + 1 - kept.len()];
            padded.extend_from_slice(&kept);
            kept = padded;
        }
        let split = kept.len() - decimals;
        let integer = &kept[..split];
        let integer = match integer.iter().position(|&d| d != 0) {
            Some(first) => &integer[first..],
            None => &integer[integer.len() - 1..],
        };
        let is_zero = kept.iter().all(|&d| d == 0);

        let mut text = String::with_capacity(kept.len() + 2);
        if self.negative && !is_zero {
            text.push('-');
        }
        text.extend(integer.iter().map(|&d| char::from(b'0' + d)));
        if decimals > 0 {
            text.push('.');
            text.extend(kept[split..].iter().map(|&d| char::from(b'0' + d)));
        }
        text
    }
}

/// Adds one unit in the last place of a digit vector, growing it on carry.
fn increment(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// The shortest digits that read back as `x`, in positional notation for
/// magnitudes from 1e-4 up to 1e16 and in exponent notation outside it
/// (`1e-7`, `2.2250738585072014e-308`), as Python's `repr` and JSON writers
/// do, so a tiny share is not three hundred zeros long. Finite values only.
pub(super) fn shortest<F: std::fmt::Display + std::fmt::LowerExp>(
    x: F,
    decimal: &Decimal,
) -> String {
    let exponent = decimal.point - 1;
    let is_zero = decimal.digits.iter().all(|&d| d == 0);
    if is_zero || (-4..16).contains(&exponent) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// A plain float (a mean, a standardised difference) as text and pages
/// show it: 2 decimals, so that a column's figures line up; a tiny non-zero
/// one, which would read as 0, keeps two significant digits instead
/// (`0.0032`, `1.5e-7`). `x` is the value, `decimal` its digits.
pub(super) fn plain_float(x: Option<f64>, decimal: &Decimal) -> String {
    let rounded = decimal.round(2);
    match x {
        Some(x) if x != 0.0 && trim_fraction(rounded.clone()) == "0" => two_significant(x, decimal),
        _ => rounded,
    }
}

/// A tiny number (one that rounds to `0.00`) to two significant digits,
/// not the twenty of its shortest text: positional down to 1e-4 (`0.0032`),
/// exponent notation below (`1.5e-7`), where [`shortest`] switches too.
/// `decimal` holds the digits of `x`.
pub(super) fn two_significant(x: f64, decimal: &Decimal) -> String {
    match usize::try_from(1 - decimal.exponent()) {
        Ok(decimals) if decimal.exponent() >= -4 => trim_fraction(decimal.round(decimals)),
        _ => format!("{x:.1e}").replacen(".0e", "e", 1),
    }
}

/// `"-1234567.89"` → `"-1,234,567.89"`: groups the integer digits by three.
pub(super) fn group_thousands(number: &str, separator: char) -> String {
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (integer, fraction) = match unsigned.find('.') {
        Some(dot) => unsigned.split_at(dot),
        None => (unsigned, ""),
    };
    let mut grouped = String::with_capacity(number.len() + integer.len() / 3);
    grouped.push_str(sign);
    for (i, c) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped.push_str(fraction);
    grouped
}

/// Drops trailing fractional zeros and a bare point: `"1.5000"` → `"1.5"`.
pub(super) fn trim_fraction(mut number: String) -> String {
    if number.contains('.') {
        let trimmed = number.trim_end_matches('0').trim_end_matches('.').len();
        number.truncate(trimmed);
    }
    if number == "-0" {
        number = "0".to_string();
    }
    number
}

/// A polars `Date` (days since 1970-01-01) as ISO 8601 `YYYY-MM-DD`.
///
/// Every `i32` gives a date: years outside 0000–9999 use ISO 8601's expanded
/// form (`+10000-01-01`, `-0001-12-31`) rather than failing.
pub(super) fn iso_date(days_since_epoch: i32) -> String {
    let (year, month, day) = civil_from_days(i64::from(days_since_epoch));
    if (0..=9999).contains(&year) {
        format!("{year:04}-{month:02}-{day:02}")
    } else if year < 0 {
        format!("-{:04}-{month:02}-{day:02}", -year)
    } else {
        format!("+{year}-{month:02}-{day:02}")
    }
}

/// Proleptic Gregorian date of a day count (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(x: f64) -> String {
        Decimal::from_f64(x).map(|d| d.round(2)).unwrap_or_default()
    }

    #[test]
    fn money_rounds_the_printed_digits_half_away_from_zero() {
        // The f64 nearest 2.675 is 2.67499999999999982236431605997495353221893310546875,
        // but it prints as 2.675, and that is what gets rounded.
        assert_eq!(money(2.675), "2.68");
        assert_eq!(money(0.125), "0.13");
        assert_eq!(money(-0.125), "-0.13");
        assert_eq!(money(-1.005), "-1.01");
        assert_eq!(money(1.004999), "1.00");
        assert_eq!(money(0.005), "0.01");
        assert_eq!(money(999.995), "1000.00");
        assert_eq!(money(-999.995), "-1000.00");
        assert_eq!(money(1234.5), "1234.50");
        assert_eq!(money(-0.5), "-0.50");
        assert_eq!(money(7.0), "7.00");
        assert_eq!(money(0.1 + 0.2), "0.30");
    }

    #[test]
    fn money_never_prints_negative_zero() {
        assert_eq!(money(-0.0), "0.00");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(-0.004999), "0.00");
        assert_eq!(money(0.0), "0.00");
    }

    #[test]
    fn extreme_magnitudes_do_not_overflow() {
        assert_eq!(money(1e-300), "0.00");
        assert_eq!(money(f64::MIN_POSITIVE), "0.00");
        let huge = money(1e300);
        assert_eq!(huge.len(), 1 + 300 + 3);
        assert!(huge.starts_with("1000") && huge.ends_with(".00"));
        assert!(money(f64::MAX).ends_with(".00"));
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        assert_eq!(Decimal::from_f64(f64::NEG_INFINITY), None);
    }

    #[test]
    fn integers_and_f32_keep_their_own_digits() {
        assert_eq!(Decimal::from_i64(-1234).round(2), "-1234.00");
        assert_eq!(
            Decimal::from_i64(i64::MIN).round(2),
            "-9223372036854775808.00"
        );
        assert_eq!(Decimal::from_u64(u64::MAX).round(0), "18446744073709551615");
        assert_eq!(Decimal::from_i64(0).round(2), "0.00");
        assert_eq!(
            Decimal::from_f32(2.675f32).map(|d| d.round(2)),
            Some("2.68".to_string())
        );
    }

    #[test]
    fn shift_gives_exact_percentages() {
        let percent = |x: f64| Decimal::from_f64(x).map(|d| d.shift(2).round(1));
        assert_eq!(percent(0.1234), Some("12.3".to_string()));
        assert_eq!(percent(0.1235), Some("12.4".to_string()));
        assert_eq!(percent(1.0), Some("100.0".to_string()));
        assert_eq!(percent(0.0), Some("0.0".to_string()));
        assert_eq!(percent(-0.00001), Some("0.0".to_string()));
        assert_eq!(Decimal::from_i64(1).shift(2).round(1), "100.0");
    }

    #[test]
    fn shortest_switches_to_exponents_only_for_extreme_magnitudes() {
        let text = |x: f64| {
            Decimal::from_f64(x)
                .map(|d| shortest(x, &d))
                .unwrap_or_default()
        };
        assert_eq!(text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(text(0.0001), "0.0001");
        assert_eq!(text(0.00001), "1e-5");
        assert_eq!(text(1234.5), "1234.5");
        assert_eq!(text(1e15), "1000000000000000");
        assert_eq!(text(1e16), "1e16");
        assert_eq!(text(-2.5e-300), "-2.5e-300");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.0), "-0");
        let f32_text = Decimal::from_f32(0.1f32).map(|d| shortest(0.1f32, &d));
        assert_eq!(f32_text, Some("0.1".to_string()));
    }

    #[test]
    fn tiny_numbers_keep_two_significant_digits() {
        let text = |x: f64| two_significant(x, &Decimal::from_f64(x).unwrap());
        assert_eq!(text(0.0032246987860149396), "0.0032");
        assert_eq!(text(-0.00049), "-0.00049");
        assert_eq!(text(0.0009996), "0.001");
        assert_eq!(text(0.00001234), "1.2e-5");
        assert_eq!(text(1e-7), "1e-7");
    }

    #[test]
    fn groups_thousands_of_the_integer_part_only() {
        assert_eq!(group_thousands("1234567.89", ','), "1,234,567.89");
        assert_eq!(group_thousands("-1234567.89", ','), "-1,234,567.89");
        assert_eq!(group_thousands("123.45", ','), "123.45");
        assert_eq!(group_thousands("-100", ','), "-100");
        assert_eq!(group_thousands("1000", ','), "1,000");
        assert_eq!(group_thousands("0.00", ','), "0.00");
    }

    #[test]
    fn trims_fraction_zeros() {
        assert_eq!(trim_fraction("1.5000".into()), "1.5");
        assert_eq!(trim_fraction("2.0000".into()), "2");
        assert_eq!(trim_fraction("100".into()), "100");
        assert_eq!(trim_fraction("-0.0000".into()), "0");
    }

    #[test]
    fn dates_are_iso_for_every_day_count() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(iso_date(19_723), "2024-01-01");
        assert_eq!(iso_date(19_782), "2024-02-29");
        assert_eq!(iso_date(-719_528), "0000-01-01");
        assert_eq!(iso_date(-719_529), "-0001-12-31");
        assert_eq!(iso_date(2_932_897), "+10000-01-01");
        // Neither extreme panics.
        assert!(iso_date(i32::MAX).starts_with('+'));
        assert!(iso_date(i32::MIN).starts_with('-'));
    }
}
