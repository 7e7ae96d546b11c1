//! CSV for scripts, and the variant a Danish-locale Excel opens correctly.
//!
//! Plain CSV is RFC 4180 as the `csv` crate writes it (fields quoted only
//! when needed, `\n` line ends), UTF-8, a header row and no index. Money has
//! exactly two decimals, other floats their shortest round-trip digits
//! (in exponent notation only below 1e-4 or from 1e16 up),
//! integers stay integers, dates are ISO, nulls and suppressed cells are
//! empty. NaN is empty too; infinities are `inf` / `-inf`, as polars writes
//! them.
//!
//! Text cells that a spreadsheet would run as formulas get a `'` in front
//! (see `formula.rs`), in both variants.
//!
//! With `excel_da` the file starts with a UTF-8 BOM (so Excel does not read
//! it as Windows-1252), fields are separated by `;` and decimals use a comma,
//! which is what Danish Excel parses as numbers. There is no thousands
//! separator, so `1234,50` stays a number rather than text. Id columns
//! (see [`super::Table::ids`]) are written as `="…"`, so that Excel and
//! Calc keep `0000001234` and `7268623949e03155` as text, not as numbers.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;

use super::cells::{Cell, Role, TableView};
use super::document::{flat_fields, PreparedPart};
use super::formula::guard;
use super::number::{iso_date, shortest, Decimal};
use super::Value;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes one table (with the BOM when `excel_da`).
pub(super) fn write_table(view: &TableView<'_>, excel_da: bool, out: &mut dyn Write) -> Result<()> {
    if excel_da {
        out.write_all(BOM)?;
    }
    write_table_body(view, excel_da, out)?;
    out.flush()?;
    Ok(())
}

/// Writes a document: a single part bare, several as `# key` sections
/// separated by blank lines (see [`super::Document`]).
pub(super) fn write_document(
    parts: &[(&str, PreparedPart<'_>)],
    excel_da: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if excel_da {
        out.write_all(BOM)?;
    }
    let sections = parts.len() > 1;
    for (index, (key, part)) in parts.iter().enumerate() {
        if index > 0 {
            out.write_all(b"\n")?;
        }
        if sections && !key.is_empty() {
            writeln!(out, "# {key}")?;
        }
        match part {
            PreparedPart::Table(_, view) => write_table_body(view, excel_da, out)?,
            PreparedPart::Fields(fields) => write_fields(fields, excel_da, out)?,
        }
    }
    out.flush()?;
    Ok(())
}

fn writer(excel_da: bool, out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .delimiter(if excel_da { b';' } else { b',' })
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

fn write_table_body(view: &TableView<'_>, excel_da: bool, out: &mut dyn Write) -> Result<()> {
    // A frame without columns has no header to write; an empty line would
    // read back as one empty column.
    if view.columns.is_empty() {
        return Ok(());
    }
    let mut csv = writer(excel_da, out);
    csv.write_record(view.columns.iter().map(|c| guard(c.name).into_owned()))?;
    for row in 0..view.height {
        for column in &view.columns {
            let text = match column.cell(row) {
                Cell::Str(id) if column.id && excel_da => Cow::Owned(excel_text(id)),
                cell => field_text(cell, column.role, excel_da),
            };
            csv.write_field(text.as_bytes())?;
        }
        csv.write_record(None::<&[u8]>)?;
    }
    csv.flush()?;
    Ok(())
}

fn write_fields(fields: &[(String, Value)], excel_da: bool, out: &mut dyn Write) -> Result<()> {
    let mut csv = writer(excel_da, out);
    csv.write_record(["field", "value"])?;
    for (key, cell, role) in flat_fields(fields) {
        csv.write_record([key.as_str(), &field_text(cell, role, excel_da)])?;
    }
    csv.flush()?;
    Ok(())
}

/// The text of one CSV field.
fn field_text<'a>(cell: Cell<'a>, role: Role, decimal_comma: bool) -> Cow<'a, str> {
    let number = |text: String| -> Cow<'a, str> {
        if decimal_comma {
            Cow::Owned(text.replace('.', ","))
        } else {
            Cow::Owned(text)
        }
    };
    match (cell, role) {
        (Cell::Null | Cell::Suppressed | Cell::Complement, _) => Cow::Borrowed(""),
        (Cell::Int(i), Role::Money) => number(Decimal::from_i64(i).round(2)),
        (Cell::UInt(u), Role::Money) => number(Decimal::from_u64(u).round(2)),
        (Cell::Int(i), _) => Cow::Owned(i.to_string()),
        (Cell::UInt(u), _) => Cow::Owned(u.to_string()),
        (Cell::F64(x), role) => match Decimal::from_f64(x) {
            Some(decimal) if role == Role::Money => number(decimal.round(2)),
            Some(decimal) => number(shortest(x, &decimal)),
            None => non_finite(x.is_nan(), x.is_sign_negative()),
        },
        (Cell::F32(x), role) => match Decimal::from_f32(x) {
            Some(decimal) if role == Role::Money => number(decimal.round(2)),
            Some(decimal) => number(shortest(x, &decimal)),
            None => non_finite(x.is_nan(), x.is_sign_negative()),
        },
        (Cell::Bool(b), _) => Cow::Borrowed(if b { "true" } else { "false" }),
        (Cell::Str(s), _) => guard(s),
        (Cell::Date(days), _) => Cow::Owned(iso_date(days)),
    }
}

/// An id as a formula giving text, `="0123"`, which spreadsheets keep as
/// text and `tvaers` reads back as `0123`.
fn excel_text(id: &str) -> String {
    format!("=\"{}\"", id.replace('"', "\"\""))
}

fn non_finite<'a>(nan: bool, negative: bool) -> Cow<'a, str> {
    Cow::Borrowed(match (nan, negative) {
        (true, _) => "",
        (false, true) => "-inf",
        (false, false) => "inf",
    })
}

#[cfg(test)]
mod tests {
    use super::super::{render_document, render_table, Document, Format, RenderOptions, Table};
    use super::*;
    use crate::output::PartKey;
    use polars::prelude::*;

    fn csv(table: &Table, excel_da: bool) -> String {
        let opts = RenderOptions {
            excel_da,
            ..RenderOptions::new(Format::Csv)
        };
        let mut out = Vec::new();
        render_table(table, &opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn mixed() -> Table {
        let frame = df!(
            "area" => ["Kontante ydelser", "Børn; unge", "Sundhed, \"akut\""],
            "units" => [Some(12i64), None, Some(7)],
            "cost" => [Some(1234.5), Some(-0.5), Some(2.675)],
            "share" => [Some(0.1), Some(1.0 / 3.0), None],
            "first" => [Some(19_723i32), None, Some(0)],
            "flag" => [Some(true), Some(false), None],
        )
        .unwrap()
        .lazy()
        .with_column(col("first").cast(DataType::Date))
        .collect()
        .unwrap();
        Table::new(frame)
            .with_money(["cost"])
            .with_shares(["share"])
            .with_suppressed(["units"])
    }

    #[test]
    fn plain_csv_bytes() {
        assert_eq!(
            csv(&mixed(), false),
            "area,units,cost,share,first,flag\n\
             Kontante ydelser,12,1234.50,0.1,2024-01-01,true\n\
             Børn; unge,,-0.50,0.3333333333333333,,false\n\
             \"Sundhed, \"\"akut\"\"\",7,2.68,,1970-01-01,\n"
        );
    }

    #[test]
    fn excel_da_bytes_start_with_a_bom_and_use_decimal_commas() {
        let mut expected = BOM.to_vec();
        expected.extend_from_slice(
            "area;units;cost;share;first;flag\n\
             Kontante ydelser;12;1234,50;0,1;2024-01-01;true\n\
             \"Børn; unge\";;-0,50;0,3333333333333333;;false\n\
             \"Sundhed, \"\"akut\"\"\";7;2,68;;1970-01-01;\n"
                .as_bytes(),
        );
        assert_eq!(csv(&mixed(), true).into_bytes(), expected);
    }

    #[test]
    fn money_rounds_half_away_from_zero_with_two_decimals() {
        let frame = df!(
            "amount" => [2.675, 0.125, -0.125, -1.005, 1e7, 0.0, -0.001],
            "count" => [1i64, 2, 3, 4, 5, 6, 7],
        )
        .unwrap();
        let table = Table::new(frame).with_money(["amount", "count"]);
        assert_eq!(
            csv(&table, false),
            "amount,count\n2.68,1.00\n0.13,2.00\n-0.13,3.00\n-1.01,4.00\n\
             10000000.00,5.00\n0.00,6.00\n0.00,7.00\n"
        );
    }

    #[test]
    fn non_finite_floats_never_panic() {
        let frame = df!(
            "x" => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21, 1e-7],
            "m" => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21, 1e-7],
            "f" => [f32::NAN, f32::INFINITY, 0.1f32, 2.5f32, -0.0f32],
        )
        .unwrap();
        let table = Table::new(frame).with_money(["m"]);
        assert_eq!(
            csv(&table, false),
            "x,m,f\n,,\ninf,inf,inf\n-inf,-inf,0.1\n\
             1e21,1000000000000000000000.00,2.5\n\
             1e-7,0.00,-0\n"
        );
    }

    #[test]
    fn empty_frames_give_a_header_or_nothing() {
        let no_rows = df!("a" => Vec::<i64>::new(), "b" => Vec::<String>::new()).unwrap();
        assert_eq!(csv(&Table::new(no_rows), false), "a,b\n");
        assert_eq!(csv(&Table::new(DataFrame::empty()), false), "");
        assert_eq!(
            csv(&Table::new(DataFrame::empty()), true).into_bytes(),
            BOM.to_vec()
        );
    }

    #[test]
    fn single_empty_string_field_is_quoted_to_stay_a_row() {
        let frame = df!("note" => [Some(""), None]).unwrap();
        assert_eq!(csv(&Table::new(frame), false), "note\n\"\"\n\"\"\n");
    }

    #[test]
    fn all_null_suppressed_column() {
        let frame = DataFrame::new(
            2,
            vec![
                Column::new("area".into(), ["A", "B"]),
                Column::full_null("cost".into(), 2, &DataType::Null),
            ],
        )
        .unwrap();
        let table = Table::new(frame)
            .with_money(["cost"])
            .with_suppressed(["cost"]);
        assert_eq!(csv(&table, false), "area,cost\nA,\nB,\n");
    }

    #[test]
    fn document_sections() {
        let part = |name: &str| {
            Table::new(df!("name" => [name], "cost" => [1.5]).unwrap()).with_money(["cost"])
        };
        let document = Document::new()
            .with_fields(PartKey::new(""), vec![("units".into(), Value::Int(3))])
            .with_table(PartKey::new("areas"), part("A"))
            .with_table(PartKey::new("departments"), part("D"));
        let mut out = Vec::new();
        let opts = RenderOptions::new(Format::Csv);
        render_document(&document, &opts, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "field,value\nunits,3\n\n# areas\nname,cost\nA,1.50\n\n\
             # departments\nname,cost\nD,1.50\n"
        );

        let single = Document::new().with_table(PartKey::new("areas"), part("A"));
        let mut out = Vec::new();
        render_document(&single, &opts, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name,cost\nA,1.50\n");
    }

    #[test]
    fn excel_da_writes_ids_as_text_formulas_so_a_spreadsheet_keeps_them() {
        let frame = df!(
            "unit_id" => ["7268623949e03155", "6362292062129464", "0000000000001234", "=1+1"],
            "department" => ["Job", "=HYPERLINK(\"http://x\")", "-", "+45 1234"],
            "cost" => [-1500.0, 1.0, 2.0, 3.0],
        )
        .unwrap();
        let table = Table::new(frame).with_ids(["unit_id"]).with_money(["cost"]);
        let mut expected = BOM.to_vec();
        expected.extend_from_slice(
            "unit_id;department;cost\n\
             \"=\"\"7268623949e03155\"\"\";Job;-1500,00\n\
             \"=\"\"6362292062129464\"\"\";\"'=HYPERLINK(\"\"http://x\"\")\";1,00\n\
             \"=\"\"0000000000001234\"\"\";'-;2,00\n\
             \"=\"\"=1+1\"\"\";'+45 1234;3,00\n"
                .as_bytes(),
        );
        assert_eq!(
            String::from_utf8(csv(&table, true).into_bytes()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        // Plain CSV stays RFC 4180 with the ids as they are, formulas guarded.
        assert_eq!(
            csv(&table, false),
            "unit_id,department,cost\n\
             7268623949e03155,Job,-1500.00\n\
             6362292062129464,\"'=HYPERLINK(\"\"http://x\"\")\",1.00\n\
             0000000000001234,'-,2.00\n\
             '=1+1,'+45 1234,3.00\n"
        );
    }
}
