//! How a value is spelled in each CSV dialect, and how text becomes bytes.
//!
//! The Danish dialect is the point of the exercise: a loader that reads it
//! (`;`, Windows-1252, `dd-mm-yyyy`, `1.234,50`, `="0123"`) reads what
//! municipal systems really export. Formatting is hand-written rather than
//! going through `format!` and chrono's formatter, which keeps the hot loop
//! cheap and the output independent of any library's formatting choices.

use std::borrow::Cow;

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};

use super::tables::{FieldType, Value};
use super::Dialect;

/// The field separator of a dialect.
pub(crate) fn delimiter(dialect: Dialect) -> char {
    match dialect {
        Dialect::Plain => ',',
        Dialect::Danish => ';',
    }
}

/// The chrono format of dates in a dialect (as written to the config).
pub(crate) fn date_format(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Plain => "%Y-%m-%d",
        Dialect::Danish => "%d-%m-%Y",
    }
}

/// Appends a date: `2024-01-31` (plain) or `31-01-2024` (Danish).
pub(crate) fn push_date(out: &mut String, date: NaiveDate, dialect: Dialect) {
    let (y, m, d) = (date.year(), date.month(), date.day());
    match dialect {
        Dialect::Plain => {
            push_padded(out, y as u64, 4);
            out.push('-');
            push_padded(out, m as u64, 2);
            out.push('-');
            push_padded(out, d as u64, 2);
        }
        Dialect::Danish => {
            push_padded(out, d as u64, 2);
            out.push('-');
            push_padded(out, m as u64, 2);
            out.push('-');
            push_padded(out, y as u64, 4);
        }
    }
}

/// Appends an amount given in øre: `1234.50` (plain) or `1.234,50` (Danish,
/// with `.` grouping thousands).
pub(crate) fn push_money(out: &mut String, ore: i64, dialect: Dialect) {
    if ore < 0 {
        out.push('-');
    }
    let magnitude = ore.unsigned_abs();
    let (kroner, rest) = (magnitude / 100, magnitude % 100);
    match dialect {
        Dialect::Plain => {
            push_padded(out, kroner, 1);
            out.push('.');
        }
        Dialect::Danish => {
            push_grouped(out, kroner);
            out.push(',');
        }
    }
    push_padded(out, rest, 2);
}

/// Appends a non-negative integer with at least `width` digits (zero-padded).
fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut n = value;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for i in (0..len).rev() {
        out.push(digits[i] as char);
    }
}

/// Appends an integer with `.` between groups of three digits.
fn push_grouped(out: &mut String, value: u64) {
    if value < 1000 {
        push_padded(out, value, 1);
        return;
    }
    push_grouped(out, value / 1000);
    out.push('.');
    push_padded(out, value % 1000, 3);
}

/// Appends one CSV field, quoted (RFC 4180) when it holds the delimiter, a
/// quote or a line break.
pub(crate) fn push_field(out: &mut String, text: &str, delimiter: char) {
    let needs_quotes = text
        .chars()
        .any(|c| c == delimiter || c == '"' || c == '\n' || c == '\r');
    if !needs_quotes {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// Appends one cell of a row in `dialect`. Danish case numbers with a leading
/// zero get Excel's `="0123"` escaping, which as a CSV field reads
/// `"=""0123"""`.
pub(crate) fn push_value(
    out: &mut String,
    value: Value<'_>,
    field_type: FieldType,
    dialect: Dialect,
) {
    let delimiter = delimiter(dialect);
    match value {
        Value::Text(None) | Value::Date(None) => {}
        Value::Text(Some(text)) => {
            if field_type == FieldType::Case && dialect == Dialect::Danish && text.starts_with('0')
            {
                out.push_str("\"=\"\"");
                out.push_str(text);
                out.push_str("\"\"\"");
            } else {
                push_field(out, text, delimiter);
            }
        }
        Value::Date(Some(date)) => push_date(out, date, dialect),
        Value::Money(ore) => push_money(out, ore, dialect),
        Value::Integer(n) => {
            if n < 0 {
                out.push('-');
            }
            push_padded(out, n.unsigned_abs() as u64, 1);
        }
    }
}

/// The config's name of a dialect's encoding.
pub(crate) fn encoding_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Plain => "utf-8",
        Dialect::Danish => "windows-1252",
    }
}

/// The bytes of `text` in the dialect's encoding. Fails (rather than writing
/// `&#...;` replacements) on a character Windows-1252 cannot hold.
pub(crate) fn encode(text: &str, dialect: Dialect) -> Result<Cow<'_, [u8]>> {
    match dialect {
        Dialect::Plain => Ok(Cow::Borrowed(text.as_bytes())),
        Dialect::Danish => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            if unmappable {
                bail!(
                    "text cannot be written in Windows-1252: {:?}",
                    first_line(text)
                );
            }
            Ok(bytes)
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(ore: i64, dialect: Dialect) -> String {
        let mut s = String::new();
        push_money(&mut s, ore, dialect);
        s
    }

    #[test]
    fn danish_amounts_use_decimal_comma_and_thousands_points() {
        assert_eq!(money(123_450, Dialect::Danish), "1.234,50");
        assert_eq!(money(-1_250, Dialect::Danish), "-12,50");
        assert_eq!(money(5, Dialect::Danish), "0,05");
        assert_eq!(money(-5, Dialect::Danish), "-0,05");
        assert_eq!(money(12_345_678_900, Dialect::Danish), "123.456.789,00");
        assert_eq!(money(100_000, Dialect::Danish), "1.000,00");
        assert_eq!(money(100_005_000, Dialect::Danish), "1.000.050,00");
    }

    #[test]
    fn plain_amounts_have_two_decimals_and_no_grouping() {
        assert_eq!(money(123_450, Dialect::Plain), "1234.50");
        assert_eq!(money(-1_250, Dialect::Plain), "-12.50");
        assert_eq!(money(0, Dialect::Plain), "0.00");
    }

    #[test]
    fn dates_follow_the_dialect() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 9).unwrap();
        let mut plain = String::new();
        let mut danish = String::new();
        push_date(&mut plain, d, Dialect::Plain);
        push_date(&mut danish, d, Dialect::Danish);
        assert_eq!(plain, "2024-02-09");
        assert_eq!(danish, "09-02-2024");
    }

    #[test]
    fn fields_with_delimiter_or_quote_are_quoted() {
        let mut s = String::new();
        push_field(&mut s, "Botilbud, § 108", ',');
        s.push('|');
        push_field(&mut s, "Botilbud, § 108", ';');
        s.push('|');
        push_field(&mut s, "say \"hi\"", ';');
        assert_eq!(s, "\"Botilbud, § 108\"|Botilbud, § 108|\"say \"\"hi\"\"\"");
    }

    #[test]
    fn danish_case_numbers_with_leading_zero_are_excel_escaped() {
        let mut s = String::new();
        push_value(
            &mut s,
            Value::Text(Some("0123")),
            FieldType::Case,
            Dialect::Danish,
        );
        s.push(';');
        push_value(
            &mut s,
            Value::Text(Some("4123")),
            FieldType::Case,
            Dialect::Danish,
        );
        s.push(';');
        push_value(
            &mut s,
            Value::Text(Some("0123")),
            FieldType::Case,
            Dialect::Plain,
        );
        s.push(';');
        push_value(
            &mut s,
            Value::Text(Some("0123")),
            FieldType::Text,
            Dialect::Danish,
        );
        assert_eq!(s, "\"=\"\"0123\"\"\";4123;0123;0123");
    }

    #[test]
    fn windows_1252_writes_danish_letters_as_single_bytes() {
        let bytes = encode("Bogføringsdato;Beløb;Ydelse §", Dialect::Danish).unwrap();
        let mut expected = b"Bogf".to_vec();
        expected.push(0xF8);
        expected.extend_from_slice(b"ringsdato;Bel");
        expected.push(0xF8);
        expected.extend_from_slice(b"b;Ydelse ");
        expected.push(0xA7);
        assert_eq!(&*bytes, &expected[..]);
        assert!(encode("done ✓", Dialect::Danish).is_err());
        assert_eq!(
            &*encode("Beløb", Dialect::Plain).unwrap(),
            "Beløb".as_bytes()
        );
    }
}
