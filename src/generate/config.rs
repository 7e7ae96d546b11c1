//! The `tvaers.toml` written beside the generated sources.
//!
//! It is rendered by hand rather than serialised, so that it reads like a
//! config an analyst would write (comments, one section per source, keys in
//! the order of SPEC.md section 1) and so that its bytes never change with a
//! serialiser's version. Every source, path and column name comes from
//! [`super::output::layout`] and the table specs, never from separate literals.

use std::fmt::Write as _;

use super::dialect::{date_format, delimiter, encoding_name};
use super::output::layout;
use super::{Dialect, FileFormat, ANALYSIS_FROM, ANALYSIS_TO};

/// The config text (UTF-8) for sources written in `dialect` and `format`.
pub(crate) fn render(dialect: Dialect, format: FileFormat) -> String {
    let mut out = String::new();
    out.push_str("# A synthetic municipality written by `tvaers generate`.\n");
    out.push_str("# Paths are relative to this file.\n\n");
    out.push_str("[analysis]\n");
    let _ = writeln!(out, "from = \"{}\"", ANALYSIS_FROM.format("%Y-%m-%d"));
    let _ = writeln!(out, "to = \"{}\"", ANALYSIS_TO.format("%Y-%m-%d"));
    out.push_str("min_cell = 5\n");
    for source in layout(format) {
        out.push_str("\n[[sources]]\n");
        let _ = writeln!(out, "name = {}", quoted(&source.name));
        let _ = writeln!(out, "kind = {}", quoted(source.table.kind));
        if let Some(department) = source.department {
            let _ = writeln!(out, "department = {}", quoted(department));
        }
        let _ = writeln!(out, "path = {}", quoted(&source.pattern));
        if format == FileFormat::Csv {
            out.push_str("[sources.csv]\n");
            let _ = writeln!(
                out,
                "delimiter = {}",
                quoted(&delimiter(dialect).to_string())
            );
            let decimal = match dialect {
                Dialect::Plain => ".",
                Dialect::Danish => ",",
            };
            let _ = writeln!(out, "decimal = {}", quoted(decimal));
            let _ = writeln!(out, "encoding = {}", quoted(encoding_name(dialect)));
            let _ = writeln!(out, "date_format = {}", quoted(date_format(dialect)));
        }
        out.push_str("[sources.columns]\n");
        for field in source.table.fields {
            let _ = writeln!(out, "{} = {}", field.canonical, quoted(field.name(dialect)));
        }
    }
    out.push_str(SAVINGS);
    out
}

const SAVINGS: &str = r#"
[savings]
horizon_years = 5
discount_rate = 0.035
coordinator_cost = 90000
setup_cost = 500000
ramp_up = [0.5, 1.0]
deadweight = 0.0
optimism_bias = 0.0
[savings.effects]
"Kontante ydelser" = 0.10
default = 0.05
"#;

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parses_and_maps_every_column() {
        for (dialect, format) in [
            (Dialect::Plain, FileFormat::Csv),
            (Dialect::Danish, FileFormat::Csv),
            (Dialect::Danish, FileFormat::Parquet),
        ] {
            let text = render(dialect, format);
            let value: toml::Value = toml::from_str(&text).unwrap();
            let sources = value["sources"].as_array().unwrap();
            assert_eq!(sources.len(), 13);
            for source in sources {
                assert_eq!(source.get("csv").is_some(), format == FileFormat::Csv);
                assert!(source["columns"]["citizen"].is_str());
            }
            assert_eq!(value["analysis"]["from"].as_str(), Some("2022-01-01"));
            assert_eq!(
                value["savings"]["effects"]["Kontante ydelser"].as_float(),
                Some(0.10)
            );
        }
        let danish = render(Dialect::Danish, FileFormat::Csv);
        assert!(danish.contains("date = \"Bogføringsdato\""));
        assert!(danish.contains("delimiter = \";\""));
        assert!(danish.contains("path = \"boern-og-familie/udbetalinger_*.csv\""));
    }
}
