//! Text cells that a spreadsheet would run as formulas.
//!
//! A CSV file opened in Excel or LibreOffice Calc runs a cell such as
//! `=HYPERLINK(…)`, `+cmd|…` or `@SUM(…)` as a formula ("CSV injection").
//! Ids, department and area names come from the extracts, so any of them may
//! be hostile. As OWASP advises, a text cell that starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return is written with a single quote in front,
//! which spreadsheets show as text. A cell that is a number (`-1500`,
//! `+0,5`) is left alone: negative money stays a number.
//!
//! The quote is added exactly when needed, also in front of a cell that
//! already starts with a quote followed by such a cell, so [`unguard`] gives
//! back the original text and a written cohort file reads back the same ids.

use std::borrow::Cow;

/// The cell text with a `'` in front when a spreadsheet would run it.
pub fn guard(text: &str) -> Cow<'_, str> {
    if needs_guard(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The original text of a cell written by [`guard`].
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => text,
    }
}

fn needs_guard(text: &str) -> bool {
    match text.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !is_number(text),
        Some('\'') => needs_guard(&text[1..]),
        _ => false,
    }
}

/// A number as a spreadsheet reads one, with a decimal point or comma.
fn is_number(text: &str) -> bool {
    let digits = &text[1..];
    !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().filter(|c| *c == '.' || *c == ',').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_and_numbers_stay_numbers() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\",\"klik\")",
                "'=HYPERLINK(\"http://x\",\"klik\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("-1500", "-1500"),
            ("-1500.25", "-1500.25"),
            ("+0,5", "+0,5"),
            ("-", "'-"),
            ("Kontante ydelser", "Kontante ydelser"),
            ("'quoted", "'quoted"),
            ("", ""),
        ];
        for (text, written) in cases {
            assert_eq!(guard(text), written, "{text:?}");
            assert_eq!(unguard(written), text, "{written:?}");
        }
    }
}
