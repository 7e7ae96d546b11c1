//! The config's `[defaults]`: one `csv` and one `columns` table that every
//! source inherits, so that a folder of extracts written by one system (one
//! dialect, one set of column names) needs its dialect and its common column
//! names once, not once per source. A source's own keys always win. This
//! module owns the merge, and the rule that an inherited mapping fits only
//! the sources whose kind has that field.

use super::RawCsv;
use crate::schema::{Kind, DEPARTMENT};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// `[defaults]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    #[serde(default)]
    pub(super) csv: RawCsv,
    #[serde(default)]
    pub(super) columns: BTreeMap<String, String>,
}

impl RawDefaults {
    /// Checks that every inherited column names a field of some kind: a
    /// misspelt field would otherwise be inherited by no source, silently.
    pub(super) fn check(&self) -> Result<(), String> {
        let known: BTreeSet<&str> = Kind::ALL
            .iter()
            .flat_map(|kind| kind.mappable_fields())
            .collect();
        for key in self.columns.keys() {
            if !known.contains(key.as_str()) {
                return Err(format!(
                    "unknown field {key:?} in [defaults.columns]; the fields are {}",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Ok(())
    }

    /// A source's `csv` table with every key it leaves out taken from the defaults.
    pub(super) fn csv(&self, own: RawCsv) -> RawCsv {
        RawCsv {
            delimiter: own.delimiter.or_else(|| self.csv.delimiter.clone()),
            decimal: own.decimal.or_else(|| self.csv.decimal.clone()),
            encoding: own.encoding.or_else(|| self.csv.encoding.clone()),
            date_format: own.date_format.or_else(|| self.csv.date_format.clone()),
        }
    }

    /// A source's column mapping with the inherited mappings of its kind's
    /// fields added, and the names of the optional fields it inherited: a
    /// file may lack those columns (an inherited `case = "Sagsnr"` does not
    /// make every source's case column required). An inherited `department`
    /// column is not taken by a source that sets its own `department`.
    pub(super) fn columns(
        &self,
        kind: Kind,
        fixed_department: bool,
        own: BTreeMap<String, String>,
    ) -> (BTreeMap<String, String>, BTreeSet<String>) {
        let mut columns = own;
        let mut inherited_optional = BTreeSet::new();
        let fields = kind.fields();
        for (field, column) in &self.columns {
            if columns.contains_key(field) {
                continue;
            }
            let optional = match fields.iter().find(|f| f.name == field) {
                Some(f) => !f.required,
                None if field == DEPARTMENT.name && kind.has_department() && !fixed_department => {
                    false
                }
                None => continue,
            };
            columns.insert(field.clone(), column.clone());
            if optional {
                inherited_optional.insert(field.clone());
            }
        }
        (columns, inherited_optional)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, ConfigError, Decimal, Delimiter};
    use crate::schema::Kind;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x\n").unwrap();
        Config::parse(text, &dir.path().join("tvaers.toml"))
    }

    const DEFAULTS: &str = r#"
[defaults.csv]
delimiter = ";"
decimal = ","
date_format = "%d-%m-%Y"
[defaults.columns]
citizen = "BorgerID"
date = "Dato"
case = "Sagsnr"
family = "FamilieID"
"#;

    #[test]
    fn sources_inherit_the_defaults_and_their_own_keys_win() {
        let c = parse(&format!(
            r#"{DEFAULTS}
[[sources]]
name = "pay"
kind = "expenses"
department = "Skole"
path = "a.csv"
[sources.csv]
date_format = "%Y-%m-%d"
[sources.columns]
date = "Bogføringsdato"
amount = "Beløb"
account = "Konto"

[[sources]]
name = "homes"
kind = "households"
path = "a.csv"
"#
        ))
        .unwrap();
        let pay = &c.sources[0];
        assert_eq!(pay.csv.delimiter, Delimiter::Byte(b';'));
        assert_eq!(pay.csv.decimal, Decimal::Comma);
        assert_eq!(pay.csv.date_format, "%Y-%m-%d");
        let columns: Vec<(&str, &str)> = pay
            .columns
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            columns,
            [
                ("account", "Konto"),
                ("amount", "Beløb"),
                ("case", "Sagsnr"),
                ("citizen", "BorgerID"),
                ("date", "Bogføringsdato"),
            ]
        );
        assert_eq!(pay.inherited_optional.iter().collect::<Vec<_>>(), ["case"]);
        let homes = &c.sources[1];
        assert_eq!(homes.kind, Kind::Households);
        let columns: Vec<(&str, &str)> = homes
            .columns
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(columns, [("citizen", "BorgerID"), ("family", "FamilieID")]);
        assert_eq!(homes.csv.date_format, "%d-%m-%Y");
    }

    #[test]
    fn an_inherited_department_column_yields_to_a_fixed_department() {
        let c = parse(
            "[defaults.columns]\ndepartment = \"Afdeling\"\n\n[[sources]]\nname = \"a\"\nkind = \"contacts\"\ndepartment = \"Sundhed\"\npath = \"a.csv\"\n\n[[sources]]\nname = \"b\"\nkind = \"contacts\"\npath = \"a.csv\"\n",
        )
        .unwrap();
        assert_eq!(c.sources[0].columns.get("department"), None);
        assert_eq!(
            c.sources[1].columns.get("department").map(String::as_str),
            Some("Afdeling")
        );
    }

    #[test]
    fn a_misspelt_default_field_is_an_error_naming_it() {
        let err = parse(
            "[defaults.columns]\ncitzen = \"BorgerID\"\n\n[[sources]]\nname = \"a\"\nkind = \"ladder\"\npath = \"a.csv\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("unknown field \"citzen\" in [defaults.columns]; the fields are account, amount, case, caseworker, citizen"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_key_in_defaults_names_the_allowed_keys() {
        let err = parse(
            "[defaults]\ndelimiter = \";\"\n\n[[sources]]\nname = \"a\"\nkind = \"ladder\"\npath = \"a.csv\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `delimiter`"), "{err}");
        assert!(err.contains("expected `csv` or `columns`"), "{err}");
    }
}
