//! Reports of several parts: scalars and tables under keys.
//!
//! `overview`, `savings` and `report` return more than one table: a few
//! headline numbers, a nested object of shares, several breakdowns. A
//! [`Document`] holds them in order, and each format lays them out in its
//! own way (described on [`Document`]), so a command builds its result once
//! and every format, including the exact SPEC §6 JSON shapes, follows.

use anyhow::Result;

use super::cells::{Cell, Role, TableView};
use super::Table;

/// A scalar (or a small nested object of scalars) in a [`Part::Fields`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value: empty in tables and CSV, `null` in JSON.
    Null,
    /// Suppressed for privacy: `<{min_cell}` in tables, empty in CSV, `null` in JSON.
    Suppressed,
    /// Suppressed to protect another suppressed figure, though it holds
    /// `min_cell` units or more: `..` in tables, empty in CSV, `null` in JSON.
    Complement,
    /// `true` / `false`.
    Bool(bool),
    /// A signed integer (counts, years).
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A plain number, written at full precision.
    Float(f64),
    /// Money: rounded to 2 decimals half away from zero when rendered.
    Money(f64),
    /// A fraction of one: a percentage in tables, a plain number elsewhere.
    Share(f64),
    /// Text.
    Text(String),
    /// A date as days since 1970-01-01 (polars' `Date`); ISO `YYYY-MM-DD`.
    Date(i32),
    /// Ordered named values: a nested object in JSON, `key.name` rows in
    /// tables and CSV.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// A [`Value::Date`] from a calendar date.
    pub fn date(date: chrono::NaiveDate) -> Value {
        let days = date.signed_duration_since(chrono::NaiveDate::default());
        // NaiveDate::default() is 1970-01-01; every NaiveDate fits an i32 day count.
        Value::Date(i32::try_from(days.num_days()).unwrap_or(i32::MAX))
    }

    /// The scalar as a cell and its role; `None` for an object.
    fn as_cell(&self) -> Option<(Cell<'_>, Role)> {
        let cell = match self {
            Value::Null => (Cell::Null, Role::Plain),
            Value::Suppressed => (Cell::Suppressed, Role::Plain),
            Value::Complement => (Cell::Complement, Role::Plain),
            Value::Bool(b) => (Cell::Bool(*b), Role::Plain),
            Value::Int(i) => (Cell::Int(*i), Role::Plain),
            Value::UInt(u) => (Cell::UInt(*u), Role::Plain),
            Value::Float(x) => (Cell::F64(*x), Role::Plain),
            Value::Money(x) => (Cell::F64(*x), Role::Money),
            Value::Share(x) => (Cell::F64(*x), Role::Share),
            Value::Text(s) => (Cell::Str(s), Role::Plain),
            Value::Date(d) => (Cell::Date(*d), Role::Plain),
            Value::Object(_) => return None,
        };
        Some(cell)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Value {
        Value::UInt(u)
    }
}

impl From<u32> for Value {
    fn from(u: u32) -> Value {
        Value::UInt(u.into())
    }
}

impl From<usize> for Value {
    fn from(u: usize) -> Value {
        Value::UInt(u as u64)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is [`Value::Null`]; use [`Value::Suppressed`] for suppression.
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

/// Flattens fields for row-shaped formats: nested objects become `key.name`.
pub(super) fn flat_fields(fields: &[(String, Value)]) -> Vec<(String, Cell<'_>, Role)> {
    let mut flat = Vec::with_capacity(fields.len());
    for (key, value) in fields {
        match value {
            Value::Object(inner) => flat.extend(
                flat_fields(inner)
                    .into_iter()
                    .map(|(name, cell, role)| (format!("{key}.{name}"), cell, role)),
            ),
            scalar => {
                if let Some((cell, role)) = scalar.as_cell() {
                    flat.push((key.clone(), cell, role));
                }
            }
        }
    }
    flat
}

/// One part of a [`Document`].
// A document holds a handful of parts, so a table held inline costs nothing
// worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Part {
    /// A result table.
    Table(Table),
    /// Ordered key/value scalars.
    Fields(Vec<(String, Value)>),
}

/// A report of several parts, each under a key, e.g. `overview`: scalars,
/// then a table per breakdown.
///
/// How each format lays it out:
/// - JSON: one object with a member per part, in order: a table as an array
///   of row objects, a fields part as a nested object. A fields part whose
///   key is `""` is spread into the top-level object instead, so
///   `[("", units, total_cost, top_share: Object), ("by_departments", Table), …]`
///   gives `{"units": …, "total_cost": …, "top_share": {…}, "by_departments": […]}`.
///   Keys must be unique ([`OutputError::DuplicateKey`](super::OutputError::DuplicateKey)).
/// - CSV: a document of one part is that part alone (a fields part as a
///   `field,value` table). With several parts, each is preceded by a
///   `# key` comment line (none for the key `""`) and parts are separated by
///   a blank line; that is no longer plain CSV, so a caller writing CSV for
///   scripts should render a single [`Table`] instead.
/// - Text table: each part under its title (the document's title for its
///   key, else a table's own title), parts separated by a blank line; a
///   fields part as an aligned list of names and values, long text under it
///   as wrapped paragraphs.
/// - Parquet: only a document of exactly one table part; anything else is an
///   [`OutputError::ParquetDocument`](super::OutputError::ParquetDocument).
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The parts, in output order.
    pub parts: Vec<(PartKey, Part)>,
    /// Titles in words for text tables, by part key (`savings_summary` →
    /// "Savings of the citizen hotspots"); other formats keep the keys.
    pub titles: Vec<(PartKey, String)>,
}

/// The key of a document's part: its key in JSON, and the name of its sheet
/// and Excel Table. Each is declared once, as a constant beside the analysis
/// that builds the part, and whoever looks a part up names that constant, so
/// a renamed part cannot leave a lookup silently finding nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartKey(&'static str);

impl PartKey {
    /// A key; declare it as a constant.
    pub const fn new(key: &'static str) -> PartKey {
        PartKey(key)
    }

    /// The key's text.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for PartKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The key of a fields part whose fields JSON spreads into its top level.
pub const TOP: PartKey = PartKey::new("");

impl Document {
    /// An empty document.
    pub fn new() -> Document {
        Document::default()
    }

    /// Appends a fields part ([`TOP`] spreads the fields into the top level of JSON).
    pub fn with_fields(mut self, key: PartKey, fields: Vec<(String, Value)>) -> Document {
        self.parts.push((key, Part::Fields(fields)));
        self
    }

    /// Sets the title in words shown above the part `key` in text tables.
    pub fn with_title(mut self, key: PartKey, title: impl Into<String>) -> Document {
        self.titles.retain(|(k, _)| *k != key);
        self.titles.push((key, title.into()));
        self
    }

    /// The title in words of the part `key`, if one was set.
    pub fn title(&self, key: PartKey) -> Option<&str> {
        self.titles
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, title)| title.as_str())
    }

    /// Appends a table part.
    pub fn with_table(mut self, key: PartKey, table: Table) -> Document {
        self.parts.push((key, Part::Table(table)));
        self
    }

    /// The table part `key`, if the document has one.
    pub fn table(&self, key: PartKey) -> Option<&Table> {
        self.parts.iter().find_map(|(k, part)| match part {
            Part::Table(table) if *k == key => Some(table),
            _ => None,
        })
    }

    /// The fields part `key`, if the document has one.
    pub fn fields(&self, key: PartKey) -> Option<&[(String, Value)]> {
        self.parts.iter().find_map(|(k, part)| match part {
            Part::Fields(fields) if *k == key => Some(fields.as_slice()),
            _ => None,
        })
    }
}

/// A document part after checking: tables read into views.
pub(super) enum PreparedPart<'a> {
    Table(&'a Table, TableView<'a>),
    Fields(&'a [(String, Value)]),
}

pub(super) fn prepare(document: &Document) -> Result<Vec<(&str, PreparedPart<'_>)>> {
    document
        .parts
        .iter()
        .map(|(key, part)| {
            let prepared = match part {
                Part::Table(table) => PreparedPart::Table(table, TableView::new(table)?),
                Part::Fields(fields) => PreparedPart::Fields(fields),
            };
            Ok((key.as_str(), prepared))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_polars_day_counts() {
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Value::date(date(1970, 1, 1)), Value::Date(0));
        assert_eq!(Value::date(date(2024, 1, 1)), Value::Date(19_723));
        assert_eq!(Value::date(date(1969, 12, 31)), Value::Date(-1));
    }

    #[test]
    fn nested_fields_flatten_to_dotted_keys() {
        let fields = vec![
            ("units".to_string(), Value::from(3usize)),
            (
                "top_share".to_string(),
                Value::Object(vec![
                    ("1".into(), Value::Share(0.5)),
                    (
                        "deep".into(),
                        Value::Object(vec![("x".into(), Value::Null)]),
                    ),
                ]),
            ),
        ];
        let keys: Vec<String> = flat_fields(&fields).into_iter().map(|(k, ..)| k).collect();
        assert_eq!(keys, ["units", "top_share.1", "top_share.deep.x"]);
        assert_eq!(Value::from(None::<i64>), Value::Null);
        assert_eq!(Value::from(Some("a")), Value::Text("a".into()));
    }
}
