//! The config text `init` writes: the shorter form with `[defaults]` (the
//! dialect and the column names most sources share), each source with only
//! what differs, every guess marked with a `# guess:` comment, the columns
//! left unmapped listed under their source, and the files not classified
//! listed at the end with the reason for each.

use super::dialect::DateFormat;
use super::group::Group;
use super::sniff::Storage;
use super::{join, Coverage, File};
use crate::config::write::{common_columns, own_columns, toml_string, EXAMPLE_SAVINGS};
use crate::config::{Decimal, Encoding};
use std::fmt::Write as _;

/// The text and the number of guesses marked in it.
pub struct Rendered {
    /// The config.
    pub text: String,
    /// Lines marked `# guess:`.
    pub guesses: usize,
}

/// The `[sources.csv]` keys of a group as the config writes them; a key a
/// group has no opinion on (the delimiter of a workbook, the date format of
/// typed dates) is left to the defaults.
fn csv_keys(files: &[File], group: &Group) -> Vec<(&'static str, String)> {
    let first = &files[group.files[0]];
    let mut keys = Vec::new();
    if let Storage::Text { delimiter, .. } = first.sample.storage {
        let shown = match delimiter {
            b'\t' => "tab".to_string(),
            d => char::from(d).to_string(),
        };
        keys.push(("delimiter", shown));
    }
    let has_text_amounts = group.files.iter().any(|&i| {
        let f = &files[i];
        f.sample.column("amount").is_some_and(|c| {
            f.sample.values[c]
                .iter()
                .any(|v| matches!(v, super::sniff::Cell::Text(t) if !t.is_empty()))
        })
    });
    if has_text_amounts {
        let mark = match first.decimal.0 {
            Decimal::Dot => ".",
            Decimal::Comma => ",",
        };
        keys.push(("decimal", mark.to_string()));
    }
    let encodings: Vec<Encoding> = group
        .files
        .iter()
        .filter_map(|&i| match files[i].sample.storage {
            Storage::Text { encoding, .. } => Some(encoding),
            _ => None,
        })
        .collect();
    if !encodings.is_empty() {
        let decided: Vec<Encoding> = encodings
            .iter()
            .copied()
            .filter(|e| *e != Encoding::Auto)
            .collect();
        let encoding = match decided.first() {
            // All ASCII: any encoding reads it; UTF-8 is the honest name.
            None => Encoding::Utf8,
            Some(&e) if decided.iter().all(|d| *d == e) => e,
            // Files in different encodings: the loader decides per file.
            Some(_) => Encoding::Auto,
        };
        keys.push(("encoding", encoding.as_str().to_string()));
    }
    if let DateFormat::Format(format) = first.date_format {
        keys.push(("date_format", format.to_string()));
    }
    keys
}

/// Renders the config for `groups` of `files`, with paths under `prefix`.
pub fn render(
    files: &[File],
    groups: &[Group],
    coverage: Option<Coverage>,
    unclassified: &[(String, String)],
    prefix: &str,
) -> Rendered {
    let mut guesses = 0;
    let mut out = String::new();
    out.push_str("# Written by `tvaers init` from the extracts it found.\n");
    out.push_str("# Paths are relative to this file. Lines marked \"guess\" were inferred\n");
    out.push_str("# from names and values: check them before you trust a report.\n\n");
    out.push_str("[analysis]\n");
    match coverage {
        Some(Coverage {
            first,
            last,
            whole_years: Some((from, to)),
        }) => {
            guesses += 1;
            let _ = writeln!(
                out,
                "# guess: the whole calendar years of the expense data ({first} to {last})"
            );
            let _ = writeln!(out, "from = \"{from}\"\nto = \"{to}\"");
        }
        Some(Coverage { first, last, .. }) => {
            let _ = writeln!(
                out,
                "# The expense data ({first} to {last}) covers no whole calendar year: set from and to."
            );
        }
        None => out.push_str("# No expense data was found: set from and to.\n"),
    }
    out.push_str("min_cell = 5\n");

    let csv: Vec<Vec<(&'static str, String)>> = groups.iter().map(|g| csv_keys(files, g)).collect();
    let csv_refs: Vec<Vec<(&str, &str)>> = csv
        .iter()
        .map(|keys| keys.iter().map(|(k, v)| (*k, v.as_str())).collect())
        .collect();
    let common_csv = common_columns(&csv_refs);
    let columns: Vec<Vec<(&str, &str)>> = groups
        .iter()
        .map(|g| {
            files[g.files[0]]
                .mapping
                .iter()
                .map(|(f, c)| (*f, c.as_str()))
                .collect()
        })
        .collect();
    let common = common_columns(&columns);
    if !common_csv.is_empty() || !common.is_empty() {
        out.push_str("\n# Every source inherits these; a source's own keys win.\n");
    }
    write_table(&mut out, "[defaults.csv]", &common_csv);
    if !common.is_empty() {
        guesses += 1;
        out.push_str("# guess: columns recognised by their names\n");
    }
    write_table(&mut out, "[defaults.columns]", &common);

    for (i, group) in groups.iter().enumerate() {
        let first = &files[group.files[0]];
        out.push_str("\n[[sources]]\n");
        let _ = writeln!(out, "name = {}", toml_string(&group.name));
        guesses += 1;
        let _ = writeln!(
            out,
            "kind = {}  # guess: {}",
            toml_string(first.kind.as_str()),
            first.kind_from
        );
        if let Some((department, known)) = &group.department {
            guesses += 1;
            let spelling = if *known { "" } else { "; check the spelling" };
            let _ = writeln!(
                out,
                "department = {}  # guess: {}{spelling}",
                toml_string(department),
                group.department_from
            );
        }
        let path = join(&glob::Pattern::escape(prefix), &group.pattern);
        let _ = writeln!(out, "path = {}", toml_string(&path));
        let rows: u64 = group.files.iter().map(|&f| files[f].sample.rows).sum();
        let _ = writeln!(
            out,
            "# {} file{}, {rows} data row{}",
            group.files.len(),
            if group.files.len() == 1 { "" } else { "s" },
            if rows == 1 { "" } else { "s" }
        );
        if !first.unmapped.is_empty() {
            let _ = writeln!(out, "# unmapped columns: {}", first.unmapped.join(", "));
        }
        if first.decimal.1 && csv[i].iter().any(|(k, _)| *k == "decimal") {
            guesses += 1;
            out.push_str("# guess: no amount told the decimal marks apart (such as 1.234)\n");
        }
        let own_csv = own_columns(&csv_refs[i], &common_csv);
        write_table(&mut out, "[sources.csv]", &own_csv);
        let own = own_columns(&columns[i], &common);
        if !own.is_empty() {
            guesses += 1;
            out.push_str("# guess: columns recognised by their names\n");
        }
        write_table(&mut out, "[sources.columns]", &own);
    }

    if !unclassified.is_empty() {
        out.push_str("\n# Files not classified, each with the reason:\n");
        for (file, reason) in unclassified {
            let _ = writeln!(out, "# - {}: {}", file, one_line(reason));
        }
    }
    out.push_str("\n# guess: example savings assumptions; put your own before reading `savings`.");
    guesses += 1;
    out.push_str(EXAMPLE_SAVINGS);
    Rendered { text: out, guesses }
}

fn write_table(out: &mut String, title: &str, keys: &[(&str, &str)]) {
    if keys.is_empty() {
        return;
    }
    out.push_str(title);
    out.push('\n');
    for (key, value) in keys {
        let _ = writeln!(out, "{key} = {}", toml_string(value));
    }
}

/// A reason on one comment line: control characters and line breaks escaped.
fn one_line(text: &str) -> String {
    crate::load::text::printable(text).into_owned()
}
