//! JSON for scripts: tables as arrays of row objects, documents as objects.
//!
//! Every JSON output is one object that opens with `schema_version` and
//! `tvaers_version`, so a batch job knows which shape it got; a single table
//! goes under `rows`. The shape of each command's JSON is written down in
//! `schemas/` as a JSON Schema. Fields may be added under the same
//! [`SCHEMA_VERSION`]; removing or renaming one bumps it.
//!
//! Rows are serialized straight from the frame (no intermediate
//! `serde_json::Value` tree), pretty-printed with a 2-space indent and a
//! trailing newline. Money is rounded to 2 decimals and written as a number
//! (`1234.5`, `2.0`; an integer money column stays exact integers), dates as
//! `"YYYY-MM-DD"` strings; nulls, suppressed cells, NaN and infinities as
//! `null` (JSON has no NaN). Key order is column order, so the bytes are
//! deterministic.

use std::collections::HashSet;
use std::io::{BufWriter, Write};

use anyhow::Result;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::cells::{Cell, ColumnView, Role, TableView};
use super::document::PreparedPart;
use super::number::{iso_date, Decimal};
use super::{OutputError, Value};

/// The version of the shape of tvaers' JSON documents: the same while fields
/// are only added; bumped when one is removed, renamed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// This build's version, as `tvaers --version` prints it.
pub const TVAERS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The members every JSON document opens with; no part may use them.
const VERSION_KEYS: [&str; 2] = ["schema_version", "tvaers_version"];

/// The member of a single table's document that holds its rows.
const ROWS: &str = "rows";

/// Writes one table as a document whose `rows` are an array of row objects.
pub(super) fn write_table(view: &TableView<'_>, out: &mut dyn Write) -> Result<()> {
    write_pretty(&TableObject(view), out)
}

/// Opens a document's object with [`VERSION_KEYS`].
fn versioned<M: SerializeMap>(object: &mut M) -> Result<(), M::Error> {
    object.serialize_entry(VERSION_KEYS[0], &SCHEMA_VERSION)?;
    object.serialize_entry(VERSION_KEYS[1], TVAERS_VERSION)
}

struct TableObject<'v, 'a>(&'v TableView<'a>);

impl Serialize for TableObject<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(3))?;
        versioned(&mut object)?;
        object.serialize_entry(ROWS, &Rows(self.0))?;
        object.end()
    }
}

/// Writes a document as one object (see [`super::Document`]).
pub(super) fn write_document(
    parts: &[(&str, PreparedPart<'_>)],
    out: &mut dyn Write,
) -> Result<()> {
    check_unique_keys(parts)?;
    write_pretty(&DocumentObject(parts), out)
}

fn write_pretty(value: &impl Serialize, out: &mut dyn Write) -> Result<()> {
    let mut buffered = BufWriter::new(out);
    // serde_json's io errors convert back into the io::Error they wrap, so a
    // broken pipe stays recognisable.
    serde_json::to_writer_pretty(&mut buffered, value).map_err(std::io::Error::from)?;
    buffered.write_all(b"\n")?;
    buffered.flush()?;
    Ok(())
}

/// Fails before writing when two members of the top-level object (or two
/// fields of one object) would share a key.
fn check_unique_keys(parts: &[(&str, PreparedPart<'_>)]) -> Result<()> {
    let mut top: HashSet<&str> = VERSION_KEYS.into_iter().collect();
    for (key, part) in parts {
        match part {
            PreparedPart::Fields(fields) if key.is_empty() => {
                for (name, value) in fields.iter() {
                    if !top.insert(name.as_str()) {
                        return Err(OutputError::DuplicateKey(name.clone()).into());
                    }
                    check_object(value)?;
                }
            }
            PreparedPart::Fields(fields) => {
                if !top.insert(key) {
                    return Err(OutputError::DuplicateKey(key.to_string()).into());
                }
                check_fields(fields)?;
            }
            PreparedPart::Table(..) => {
                if !top.insert(key) {
                    return Err(OutputError::DuplicateKey(key.to_string()).into());
                }
            }
        }
    }
    Ok(())
}

fn check_fields(fields: &[(String, Value)]) -> Result<()> {
    let mut seen = HashSet::new();
    for (name, value) in fields {
        if !seen.insert(name.as_str()) {
            return Err(OutputError::DuplicateKey(name.clone()).into());
        }
        check_object(value)?;
    }
    Ok(())
}

fn check_object(value: &Value) -> Result<()> {
    match value {
        Value::Object(fields) => check_fields(fields),
        _ => Ok(()),
    }
}

struct DocumentObject<'p, 'a>(&'p [(&'a str, PreparedPart<'a>)]);

impl Serialize for DocumentObject<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(None)?;
        versioned(&mut object)?;
        for (key, part) in self.0 {
            match part {
                PreparedPart::Fields(fields) if key.is_empty() => {
                    for (name, value) in fields.iter() {
                        object.serialize_entry(name, &JsonValue(value))?;
                    }
                }
                PreparedPart::Fields(fields) => object.serialize_entry(key, &Fields(fields))?,
                PreparedPart::Table(_, view) => object.serialize_entry(key, &Rows(view))?,
            }
        }
        object.end()
    }
}

struct Fields<'a>(&'a [(String, Value)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            object.serialize_entry(name, &JsonValue(value))?;
        }
        object.end()
    }
}

struct JsonValue<'a>(&'a Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(fields) => Fields(fields).serialize(serializer),
            Value::Null | Value::Suppressed | Value::Complement => serializer.serialize_none(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::UInt(u) => serializer.serialize_u64(*u),
            Value::Float(x) | Value::Share(x) => {
                JsonCell(Cell::F64(*x), Role::Plain).serialize(serializer)
            }
            Value::Money(x) => JsonCell(Cell::F64(*x), Role::Money).serialize(serializer),
            Value::Text(s) => serializer.serialize_str(s),
            Value::Date(days) => serializer.serialize_str(&iso_date(*days)),
        }
    }
}

struct Rows<'v, 'a>(&'v TableView<'a>);

impl Serialize for Rows<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut rows = serializer.serialize_seq(Some(self.0.height))?;
        for row in 0..self.0.height {
            rows.serialize_element(&Row {
                columns: &self.0.columns,
                row,
            })?;
        }
        rows.end()
    }
}

struct Row<'v, 'a> {
    columns: &'v [ColumnView<'a>],
    row: usize,
}

impl Serialize for Row<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(self.columns.len()))?;
        for column in self.columns {
            object.serialize_entry(column.name, &JsonCell(column.cell(self.row), column.role))?;
        }
        object.end()
    }
}

struct JsonCell<'a>(Cell<'a>, Role);

impl Serialize for JsonCell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let JsonCell(cell, role) = *self;
        let money = role == Role::Money;
        match cell {
            Cell::Null | Cell::Suppressed | Cell::Complement => serializer.serialize_none(),
            Cell::Int(i) => serializer.serialize_i64(i),
            Cell::UInt(u) => serializer.serialize_u64(u),
            Cell::F64(x) if money => serialize_money(Decimal::from_f64(x), serializer),
            Cell::F32(x) if money => serialize_money(Decimal::from_f32(x), serializer),
            Cell::F64(x) => serialize_finite(Some(x), serializer),
            // The f64 nearest the f32's shortest digits, so 0.1f32 reads 0.1.
            Cell::F32(x) => serialize_finite(x.to_string().parse().ok(), serializer),
            Cell::Bool(b) => serializer.serialize_bool(b),
            Cell::Str(s) => serializer.serialize_str(s),
            Cell::Date(days) => serializer.serialize_str(&iso_date(days)),
        }
    }
}

/// Money as the JSON number nearest its 2-decimal rounding.
fn serialize_money<S: Serializer>(
    decimal: Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serialize_finite(decimal.and_then(|d| d.round(2).parse().ok()), serializer)
}

fn serialize_finite<S: Serializer>(x: Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) if x.is_finite() => serializer.serialize_f64(x),
        _ => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        render_document, render_table, Document, Format, PartKey, RenderOptions, Table, Value,
    };
    use polars::prelude::*;

    fn json_of_table(table: &Table) -> String {
        let mut out = Vec::new();
        render_table(table, &RenderOptions::new(Format::Json), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn json_of_document(document: &Document) -> anyhow::Result<String> {
        let mut out = Vec::new();
        render_document(document, &RenderOptions::new(Format::Json), &mut out)?;
        Ok(String::from_utf8(out)?)
    }

    #[test]
    fn table_is_an_array_of_row_objects_in_column_order_under_rows() {
        let frame = df!(
            "unit_id" => ["b7", "a1"],
            "members" => [Some(2u32), None],
            "total_cost" => [2.675, 1e6],
            "share" => [Some(0.25), Some(f64::NAN)],
            "first_date" => [Some(19_782i32), None],
            "coordinated" => [true, false],
            "f32" => [0.1f32, f32::INFINITY],
        )
        .unwrap()
        .lazy()
        .with_column(col("first_date").cast(DataType::Date))
        .collect()
        .unwrap();
        let table = Table::new(frame)
            .with_money(["total_cost"])
            .with_shares(["share"])
            .with_suppressed(["members"]);
        assert_eq!(
            json_of_table(&table),
            r#"{
  "schema_version": 1,
  "tvaers_version": "VERSION",
  "rows": [
    {
      "unit_id": "b7",
      "members": 2,
      "total_cost": 2.68,
      "share": 0.25,
      "first_date": "2024-02-29",
      "coordinated": true,
      "f32": 0.1
    },
    {
      "unit_id": "a1",
      "members": null,
      "total_cost": 1000000.0,
      "share": null,
      "first_date": null,
      "coordinated": false,
      "f32": null
    }
  ]
}
"#
            .replace("VERSION", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn empty_table_is_an_empty_array() {
        let empty = format!(
            "{{\n  \"schema_version\": 1,\n  \"tvaers_version\": \"{}\",\n  \"rows\": []\n}}\n",
            env!("CARGO_PKG_VERSION")
        );
        let frame = df!("a" => Vec::<i64>::new()).unwrap();
        assert_eq!(json_of_table(&Table::new(frame)), empty);
        assert_eq!(json_of_table(&Table::new(DataFrame::empty())), empty);
    }

    /// The SPEC §6 `overview --format json` shape.
    #[test]
    fn overview_shaped_document() {
        let by_departments = df!(
            "departments" => ["1", "2", "3", "4+"],
            "units" => [Some(40u32), Some(12), None, None],
            "cost" => [Some(1000.0), Some(2500.125), None, None],
        )
        .unwrap();
        let overlaps =
            df!("a" => ["Beskæftigelse"], "b" => ["Sundhed"], "units" => [9u32]).unwrap();
        let areas = df!(
            "area" => ["Kontante ydelser", "Uncategorised"],
            "units" => [Some(30u32), None],
            "cost" => [Some(-0.004), None],
        )
        .unwrap();
        let suppressed = |frame: DataFrame| {
            Table::new(frame)
                .with_money(["cost"])
                .with_suppressed(["units", "cost"])
        };
        let document = Document::new()
            .with_fields(
                PartKey::new(""),
                vec![
                    ("units".into(), Value::UInt(52)),
                    ("total_cost".into(), Value::Money(2.0)),
                    (
                        "top_share".into(),
                        Value::Object(vec![
                            ("1".into(), Value::Share(0.5)),
                            ("5".into(), Value::Share(0.75)),
                            ("10".into(), Value::Share(0.9)),
                            ("20".into(), Value::Share(1.0)),
                        ]),
                    ),
                ],
            )
            .with_table(PartKey::new("by_departments"), suppressed(by_departments))
            .with_table(
                PartKey::new("overlaps"),
                Table::new(overlaps).with_suppressed(["units"]),
            )
            .with_table(PartKey::new("budget_areas"), suppressed(areas));
        assert_eq!(
            json_of_document(&document).unwrap(),
            r#"{
  "schema_version": 1,
  "tvaers_version": "VERSION",
  "units": 52,
  "total_cost": 2.0,
  "top_share": {
    "1": 0.5,
    "5": 0.75,
    "10": 0.9,
    "20": 1.0
  },
  "by_departments": [
    {
      "departments": "1",
      "units": 40,
      "cost": 1000.0
    },
    {
      "departments": "2",
      "units": 12,
      "cost": 2500.13
    },
    {
      "departments": "3",
      "units": null,
      "cost": null
    },
    {
      "departments": "4+",
      "units": null,
      "cost": null
    }
  ],
  "overlaps": [
    {
      "a": "Beskæftigelse",
      "b": "Sundhed",
      "units": 9
    }
  ],
  "budget_areas": [
    {
      "area": "Kontante ydelser",
      "units": 30,
      "cost": 0.0
    },
    {
      "area": "Uncategorised",
      "units": null,
      "cost": null
    }
  ]
}
"#
            .replace("VERSION", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn keyed_fields_nest_and_scalars_render_by_kind() {
        let document = Document::new().with_fields(
            PartKey::new("summary"),
            vec![
                ("cohort_units".into(), Value::Int(12)),
                ("npv".into(), Value::Money(-1234.565)),
                ("roi".into(), Value::Float(0.1 + 0.2)),
                ("payback_year".into(), Value::Null),
                ("hidden".into(), Value::Suppressed),
                ("from".into(), Value::Date(19_723)),
                ("scenario".into(), Value::from("base")),
                ("nan".into(), Value::Float(f64::NAN)),
            ],
        );
        assert_eq!(
            json_of_document(&document).unwrap(),
            r#"{
  "schema_version": 1,
  "tvaers_version": "VERSION",
  "summary": {
    "cohort_units": 12,
    "npv": -1234.57,
    "roi": 0.30000000000000004,
    "payback_year": null,
    "hidden": null,
    "from": "2024-01-01",
    "scenario": "base",
    "nan": null
  }
}
"#
            .replace("VERSION", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn duplicate_keys_are_an_error_and_nothing_is_written() {
        let table = || Table::new(df!("a" => [1i64]).unwrap());
        let clash = Document::new()
            .with_fields(PartKey::new(""), vec![("areas".into(), Value::Int(1))])
            .with_table(PartKey::new("areas"), table());
        let mut out = Vec::new();
        let err = render_document(&clash, &RenderOptions::new(Format::Json), &mut out).unwrap_err();
        assert!(err.to_string().contains("\"areas\""), "{err}");
        assert!(out.is_empty());

        for reserved in ["schema_version", "tvaers_version"] {
            let clash = Document::new()
                .with_fields(PartKey::new(""), vec![(reserved.into(), Value::Int(2))]);
            let err = json_of_document(&clash).unwrap_err();
            assert!(err.to_string().contains(reserved), "{err}");
        }

        let nested = Document::new().with_fields(
            PartKey::new("s"),
            vec![("x".into(), Value::Int(1)), ("x".into(), Value::Int(2))],
        );
        assert!(json_of_document(&nested).is_err());
    }
}
