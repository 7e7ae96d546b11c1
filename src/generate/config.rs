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
use crate::config::write::{common_columns, own_columns, toml_string as quoted, EXAMPLE_SAVINGS};

/// The config text (UTF-8) for sources written in `dialect` and `format`:
/// the dialect and the column names most sources share once, in
/// `[defaults]`, and under each source only what differs.
pub(crate) fn render(dialect: Dialect, format: FileFormat) -> String {
    let sources = layout(format);
    let mappings: Vec<Vec<(&str, &str)>> = sources
        .iter()
        .map(|source| {
            source
                .table
                .fields
                .iter()
                .map(|field| (field.canonical, field.name(dialect)))
                .collect()
        })
        .collect();
    let common = common_columns(&mappings);
    let mut out = String::new();
    out.push_str("# A synthetic municipality written by `tvaers generate`.\n");
    out.push_str("# Paths are relative to this file.\n\n");
    out.push_str("[analysis]\n");
    let _ = writeln!(out, "from = \"{}\"", ANALYSIS_FROM.format("%Y-%m-%d"));
    let _ = writeln!(out, "to = \"{}\"", ANALYSIS_TO.format("%Y-%m-%d"));
    out.push_str("min_cell = 5\n");
    if format == FileFormat::Csv || !common.is_empty() {
        out.push_str("\n# Every source inherits these; a source's own keys win.\n");
    }
    if format == FileFormat::Csv {
        out.push_str("[defaults.csv]\n");
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
    if !common.is_empty() {
        out.push_str("[defaults.columns]\n");
        for (field, name) in &common {
            let _ = writeln!(out, "{field} = {}", quoted(name));
        }
    }
    for (source, mappings) in sources.iter().zip(&mappings) {
        out.push_str("\n[[sources]]\n");
        let _ = writeln!(out, "name = {}", quoted(&source.name));
        let _ = writeln!(out, "kind = {}", quoted(source.table.kind));
        if let Some(department) = source.department {
            let _ = writeln!(out, "department = {}", quoted(department));
        }
        let _ = writeln!(out, "path = {}", quoted(&source.pattern));
        let own = own_columns(mappings, &common);
        if !own.is_empty() {
            out.push_str("[sources.columns]\n");
        }
        for (field, name) in own {
            let _ = writeln!(out, "{field} = {}", quoted(name));
        }
    }
    out.push_str(EXAMPLE_SAVINGS);
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
            assert_eq!(
                value.get("defaults").and_then(|d| d.get("csv")).is_some(),
                format == FileFormat::Csv
            );
            for source in sources {
                assert!(source.get("csv").is_none());
            }
            assert_eq!(value["analysis"]["from"].as_str(), Some("2022-01-01"));
            assert_eq!(
                value["savings"]["effects"]["Kontante ydelser"].as_float(),
                Some(0.10)
            );
        }
        let danish = render(Dialect::Danish, FileFormat::Csv);
        assert!(danish.contains(
            "[defaults.columns]\ncitizen = \"BorgerID\"\ndate = \"Bogføringsdato\"\namount = \"Beløb\"\naccount = \"Konto\"\ncase = \"Sagsnr\"\nservice = \"Ydelse\"\ncaseworker = \"Sagsbehandler\"\ntype = \"Kontakttype\"\n\n"
        ));
        assert!(danish.contains(
            "path = \"beskaeftigelse/kontakter.csv\"\n[sources.columns]\ndate = \"Kontaktdato\"\n\n"
        ));
        assert!(danish.contains(
            "path = \"husstande/husstande.csv\"\n[sources.columns]\nfamily = \"FamilieID\"\nvalid_from = \"GyldigFra\"\nvalid_to = \"GyldigTil\"\n"
        ));
        let plain = render(Dialect::Plain, FileFormat::Csv);
        assert!(!plain.contains("columns]"), "{plain}");
        assert!(danish.contains("delimiter = \";\""));
        assert!(danish.contains("path = \"boern-og-familie/udbetalinger_*.csv\""));
    }
}
