//! Deciding, from the values `sniff` read, how a file writes dates and
//! amounts: the one date format that reads its text dates (refusing to pick
//! when two formats read them all as different days, as `03/04/2024` is in
//! day/month and month/day order), and its decimal mark (a comma when
//! amounts such as `1.234,50` or `-12,5` say so, a point when `12.5` does).
//! Both are decided by the loader's own parsers, so what `init` accepts is
//! what the loader reads.

use super::sniff::{Cell, Sample, DATE_FIELDS};
use crate::config::Decimal;
use crate::load::value::{parse_amount, parse_date};

/// Date formats tried, in order of preference when several read every date alike.
pub const DATE_FORMATS: [&str; 12] = [
    "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d", "%d-%m-%y",
    "%d.%m.%y", "%d/%m/%y", "%m/%d/%y", "%Y.%m.%d",
];

/// How a file's text dates are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// No text dates: all typed (Excel or Parquet dates), or none at all.
    Typed,
    /// This chrono format reads them.
    Format(&'static str),
}

/// The format of the text dates in every date column of `sample`, or why
/// none can be chosen.
pub fn date_format(sample: &Sample) -> Result<DateFormat, String> {
    let texts: Vec<&str> = DATE_FIELDS
        .iter()
        .filter_map(|f| sample.column(f))
        .flat_map(|i| sample.values[i].iter())
        .filter_map(|cell| match cell {
            Cell::Text(t) if !t.is_empty() => Some(t.as_str()),
            _ => None,
        })
        .collect();
    if texts.is_empty() {
        return Ok(DateFormat::Typed);
    }
    let read: Vec<(&'static str, usize)> = DATE_FORMATS
        .iter()
        .map(|&format| {
            let n = texts
                .iter()
                .filter(|t| parse_date(t, format).is_some())
                .count();
            (format, n)
        })
        .collect();
    let best = read.iter().map(|(_, n)| *n).max().unwrap_or(0);
    // A few bad dates are rows to reject; most dates unreadable is a
    // format this tool does not know.
    if best * 2 < texts.len() {
        return Err(format!(
            "its dates (such as {:?}) are in none of the formats {}",
            texts[0],
            DATE_FORMATS.join(", ")
        ));
    }
    let top: Vec<&'static str> = read
        .iter()
        .filter(|(_, n)| *n == best)
        .map(|(f, _)| *f)
        .collect();
    let first = top[0];
    for &other in &top[1..] {
        if let Some(example) = texts
            .iter()
            .find(|t| parse_date(t, first) != parse_date(t, other))
        {
            return Err(format!(
                "its dates are ambiguous: every one reads as {first} and as {other}, and they differ (e.g. {example:?}); set date_format by hand"
            ));
        }
    }
    Ok(DateFormat::Format(first))
}

/// The decimal mark of the amounts of `sample`, and whether it is a guess
/// (no amount told the marks apart); `fallback` decides then.
pub fn decimal(sample: &Sample, fallback: Decimal) -> (Decimal, bool) {
    let Some(column) = sample.column("amount") else {
        return (fallback, true);
    };
    let (mut comma, mut dot) = (0usize, 0usize);
    for cell in &sample.values[column] {
        let Cell::Text(text) = cell else { continue };
        let as_comma = parse_amount(text, Decimal::Comma).is_ok();
        let as_dot = parse_amount(text, Decimal::Dot).is_ok();
        match (as_comma, as_dot) {
            (true, false) => comma += 1,
            (false, true) => dot += 1,
            // `1.234` reads as both, with different values: it says nothing.
            _ => {}
        }
    }
    match comma.cmp(&dot) {
        std::cmp::Ordering::Greater => (Decimal::Comma, false),
        std::cmp::Ordering::Less => (Decimal::Dot, false),
        std::cmp::Ordering::Equal => (fallback, true),
    }
}

#[cfg(test)]
mod tests {
    use super::super::sniff::Storage;
    use super::*;

    fn sample(dates: &[&str], amounts: &[&str]) -> Sample {
        let text = |v: &[&str]| v.iter().map(|s| Cell::Text(s.to_string())).collect();
        Sample {
            storage: Storage::Xlsx,
            header: vec!["Dato".into(), "Beløb".into()],
            fields: vec![Some("date"), Some("amount")],
            rows: dates.len() as u64,
            values: vec![text(dates), text(amounts)],
        }
    }

    #[test]
    fn date_formats_are_read_from_the_values() {
        let f = |dates: &[&str]| date_format(&sample(dates, &[]));
        assert_eq!(
            f(&["2024-01-31", "2023-12-01"]),
            Ok(DateFormat::Format("%Y-%m-%d"))
        );
        assert_eq!(
            f(&["31-01-2024", "01-12-2023"]),
            Ok(DateFormat::Format("%d-%m-%Y"))
        );
        assert_eq!(f(&["31.01.2024"]), Ok(DateFormat::Format("%d.%m.%Y")));
        assert_eq!(
            f(&["3/4/2024", "13/4/2024"]),
            Ok(DateFormat::Format("%d/%m/%Y"))
        );
        assert_eq!(
            f(&["4/13/2024", "3/4/2024"]),
            Ok(DateFormat::Format("%m/%d/%Y"))
        );
        assert_eq!(f(&["20240131"]), Ok(DateFormat::Format("%Y%m%d")));
        // One bad date among good ones is a row to reject, not another format.
        assert_eq!(
            f(&["31-01-2024", "01-12-2023", "nope"]),
            Ok(DateFormat::Format("%d-%m-%Y"))
        );
    }

    #[test]
    fn ambiguous_dates_are_refused_with_the_reason() {
        let err = date_format(&sample(&["03/04/2024", "05/06/2024"], &[])).unwrap_err();
        assert_eq!(
            err,
            "its dates are ambiguous: every one reads as %d/%m/%Y and as %m/%d/%Y, and they differ (e.g. \"03/04/2024\"); set date_format by hand"
        );
        let err = date_format(&sample(&["soon", "later"], &[])).unwrap_err();
        assert!(
            err.starts_with("its dates (such as \"soon\") are in none"),
            "{err}"
        );
    }

    #[test]
    fn decimal_marks_are_read_from_the_amounts() {
        let d = |amounts: &[&str]| decimal(&sample(&[], amounts), Decimal::Dot);
        assert_eq!(d(&["1.234,50", "12"]), (Decimal::Comma, false));
        assert_eq!(d(&["-12,5", "1.234"]), (Decimal::Comma, false));
        assert_eq!(d(&["12.5", "1000"]), (Decimal::Dot, false));
        assert_eq!(d(&["1.234", "1000"]), (Decimal::Dot, true));
        assert_eq!(
            decimal(&sample(&[], &["1.234"]), Decimal::Comma),
            (Decimal::Comma, true)
        );
    }
}
