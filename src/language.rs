//! The language a report is written in, for the people who read it.
//!
//! Machine-readable outputs (CSV, JSON, Parquet, workbook column names)
//! keep their English keys whatever the language, so that scripts do not
//! break; the HTML report's headings, sentences and numbers follow the
//! reader's language: Danish writes `1.234.567,89 kr.`, English
//! `DKK 1,234,567.89`.

use std::fmt;
use std::str::FromStr;

use crate::chart::Numbers;

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English (the default).
    #[default]
    English,
    /// Danish.
    Danish,
}

impl Language {
    /// The code used on the command line, in the config and in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Danish => "da",
        }
    }

    /// How numbers are written.
    pub fn numbers(self) -> Numbers {
        match self {
            Language::English => Numbers::ENGLISH,
            Language::Danish => Numbers::DANISH,
        }
    }

    /// An amount of kroner with two decimals: `1.234.567,89 kr.` or
    /// `DKK 1,234,567.89`.
    pub fn money(self, x: f64) -> String {
        let number = self.numbers().format(x, 2);
        match self {
            Language::English => format!("DKK {number}"),
            Language::Danish => format!("{number} kr."),
        }
    }

    /// A fraction of one as a percentage with one decimal: `12,3 %` / `12.3%`.
    pub fn percent(self, share: f64) -> String {
        let number = self.numbers().format(share * 100.0, 1);
        match self {
            Language::English => format!("{number}%"),
            Language::Danish => format!("{number} %"),
        }
    }

    /// Picks the text in this language.
    pub fn pick<'a>(self, english: &'a str, danish: &'a str) -> &'a str {
        match self {
            Language::English => english,
            Language::Danish => danish,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;

    fn from_str(code: &str) -> Result<Language, String> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Ok(Language::English),
            "da" => Ok(Language::Danish),
            _ => Err(format!("unknown language {code:?}; use \"da\" or \"en\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_amounts_read_as_a_dane_writes_them() {
        assert_eq!(Language::Danish.money(1_234_567.891), "1.234.567,89 kr.");
        assert_eq!(Language::English.money(1_234_567.891), "DKK 1,234,567.89");
        assert_eq!(Language::Danish.percent(0.1234), "12,3 %");
        assert_eq!(Language::English.percent(0.1234), "12.3%");
        assert_eq!("DA".parse::<Language>(), Ok(Language::Danish));
        assert!("de".parse::<Language>().is_err());
    }
}
