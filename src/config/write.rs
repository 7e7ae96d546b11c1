//! Writing configs: what `generate` and `init` share when they render a
//! `tvaers.toml` by hand (so that it reads like one an analyst would write,
//! with comments, and its bytes never change with a serialiser's version):
//! TOML strings, the column names that go to `[defaults.columns]`, and the
//! example savings assumptions.

use std::fmt::Write as _;

/// `[savings]` as both writers put it: the tool's defaults, plus the one
/// area effect that shows how effects per budget area are written.
pub const EXAMPLE_SAVINGS: &str = r#"
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
pub fn toml_string(text: &str) -> String {
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

/// The mappings for `[defaults.columns]`, from each source's mappings
/// (canonical field, column name): per field, the column name that most of
/// the sources having the field use, when at least two do and it is not the
/// field's own name (which needs no mapping); ties go to the name seen first.
/// In the order fields are first seen.
pub fn common_columns<'a>(sources: &[Vec<(&'a str, &'a str)>]) -> Vec<(&'a str, &'a str)> {
    let mut counts: Vec<(&str, &str, usize)> = Vec::new();
    for &(field, name) in sources.iter().flatten() {
        match counts
            .iter_mut()
            .find(|(f, n, _)| *f == field && *n == name)
        {
            Some((_, _, count)) => *count += 1,
            None => counts.push((field, name, 1)),
        }
    }
    let mut common: Vec<(&str, &str)> = Vec::new();
    for &(field, name, count) in &counts {
        if count < 2 || name == field || common.iter().any(|(f, _)| *f == field) {
            continue;
        }
        let best = counts
            .iter()
            .filter(|(f, _, _)| *f == field)
            .map(|(_, _, n)| *n)
            .max()
            .unwrap_or(0);
        if count == best {
            common.push((field, name));
        }
    }
    common
}

/// The mappings a source writes under its own `[sources.columns]`: those
/// that `[defaults.columns]` (`common`) does not already give it.
pub fn own_columns<'a>(
    mappings: &[(&'a str, &'a str)],
    common: &[(&str, &str)],
) -> Vec<(&'a str, &'a str)> {
    mappings
        .iter()
        .filter(|(field, name)| {
            let inherited = common
                .iter()
                .find(|(f, _)| f == field)
                .map_or(*field, |(_, n)| n);
            name != &inherited
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_common_name_of_a_field_is_shared() {
        let sources = vec![
            vec![("citizen", "BorgerID"), ("date", "Bogføringsdato")],
            vec![("citizen", "BorgerID"), ("date", "Kontaktdato")],
            vec![
                ("citizen", "CPR"),
                ("date", "Kontaktdato"),
                ("step", "Trin"),
            ],
            vec![("citizen", "citizen"), ("date", "date")],
        ];
        let common = common_columns(&sources);
        assert_eq!(common, [("citizen", "BorgerID"), ("date", "Kontaktdato")]);
        assert_eq!(
            own_columns(&sources[0], &common),
            [("date", "Bogføringsdato")]
        );
        assert_eq!(
            own_columns(&sources[2], &common),
            [("citizen", "CPR"), ("step", "Trin")]
        );
        assert_eq!(
            own_columns(&sources[3], &common),
            [("citizen", "citizen"), ("date", "date")]
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(toml_string("a\"b\\c\td"), "\"a\\\"b\\\\c\\u0009d\"");
    }
}
