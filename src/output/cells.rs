//! A typed, read-only view of a result frame's cells, checked once.
//!
//! Every writer needs the same things from a frame: each column's name, its
//! role (money, share or plain; suppressed or not) and each cell as a small
//! enum it can format without touching polars' dtype zoo. Building the view
//! checks everything that could go wrong (unsupported dtypes, roles naming
//! absent or non-numeric columns) before any byte is written, so writers can
//! be infallible over the data and a bad frame never produces half a file.

use anyhow::Result;
use polars::prelude::{Column, DataType, Series};

use super::{OutputError, Table};

/// How a column's numbers are meant to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Plain,
    /// Rounded to two decimals when rendered.
    Money,
    /// A fraction of one: shown as a percentage in tables.
    Share,
}

/// One cell, borrowed from the frame where it can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cell<'a> {
    /// A null in an ordinary column.
    Null,
    /// A null in a suppressed column: hidden for privacy.
    Suppressed,
    /// A null in a suppressed column, in a row hidden to protect another.
    Complement,
    Int(i64),
    UInt(u64),
    F64(f64),
    F32(f32),
    Bool(bool),
    Str(&'a str),
    /// Days since 1970-01-01.
    Date(i32),
}

enum Values<'a> {
    /// A column of dtype `Null` (e.g. a fully suppressed one).
    AllNull,
    Int(Vec<Option<i64>>),
    UInt(Vec<Option<u64>>),
    F64(Vec<Option<f64>>),
    F32(Vec<Option<f32>>),
    Bool(Vec<Option<bool>>),
    Str(Vec<Option<&'a str>>),
    Date(Vec<Option<i32>>),
}

/// A checked column: name, role and cells.
pub(super) struct ColumnView<'a> {
    pub(super) name: &'a str,
    pub(super) role: Role,
    /// A text id or code column (see [`Table::ids`]).
    pub(super) id: bool,
    suppressed: bool,
    /// Rows whose suppressed cells are complements (sorted).
    complement_rows: &'a [usize],
    /// Further rows of this column whose suppressed cell is a complement.
    complement_cells: Vec<usize>,
    values: Values<'a>,
}

impl<'a> ColumnView<'a> {
    /// The cell in `row`; rows past the end read as nulls.
    pub(super) fn cell(&self, row: usize) -> Cell<'a> {
        let cell = match &self.values {
            Values::AllNull => None,
            Values::Int(v) => v.get(row).copied().flatten().map(Cell::Int),
            Values::UInt(v) => v.get(row).copied().flatten().map(Cell::UInt),
            Values::F64(v) => v.get(row).copied().flatten().map(Cell::F64),
            Values::F32(v) => v.get(row).copied().flatten().map(Cell::F32),
            Values::Bool(v) => v.get(row).copied().flatten().map(Cell::Bool),
            Values::Str(v) => v.get(row).copied().flatten().map(Cell::Str),
            Values::Date(v) => v.get(row).copied().flatten().map(Cell::Date),
        };
        match cell {
            Some(cell) => cell,
            None if self.suppressed
                && (self.complement_rows.binary_search(&row).is_ok()
                    || self.complement_cells.contains(&row)) =>
            {
                Cell::Complement
            }
            None if self.suppressed => Cell::Suppressed,
            None => Cell::Null,
        }
    }

    /// Whether the column holds numbers (and so is right-aligned in tables).
    pub(super) fn is_numeric(&self) -> bool {
        match self.values {
            Values::Int(_) | Values::UInt(_) | Values::F64(_) | Values::F32(_) => true,
            Values::AllNull => self.role != Role::Plain,
            Values::Bool(_) | Values::Str(_) | Values::Date(_) => false,
        }
    }

    /// Whether the column holds dates (which, like numbers, must not wrap).
    pub(super) fn is_date(&self) -> bool {
        matches!(self.values, Values::Date(_))
    }
}

/// A checked table: its columns and its height.
pub(super) struct TableView<'a> {
    pub(super) columns: Vec<ColumnView<'a>>,
    pub(super) height: usize,
}

impl<'a> TableView<'a> {
    /// Checks `table` and reads its cells.
    pub(super) fn new(table: &'a Table) -> Result<TableView<'a>> {
        let frame = &table.frame;
        let names: Vec<&str> = frame.columns().iter().map(|c| c.name().as_str()).collect();
        for (role, marked) in [
            ("money", &table.money),
            ("share", &table.shares),
            ("suppressed", &table.suppressed),
            ("id", &table.ids),
        ] {
            if let Some(missing) = marked.iter().find(|m| !names.contains(&m.as_str())) {
                return Err(OutputError::UnknownColumn {
                    column: missing.clone(),
                    role,
                    available: names.join(", "),
                }
                .into());
            }
        }
        if let Some(both) = table.money.iter().find(|m| table.shares.contains(m)) {
            return Err(OutputError::ConflictingRoles(both.clone()).into());
        }

        let columns = frame
            .columns()
            .iter()
            .map(|column| {
                let name = column.name().as_str();
                let role = if table.money.iter().any(|m| m == name) {
                    Role::Money
                } else if table.shares.iter().any(|s| s == name) {
                    Role::Share
                } else {
                    Role::Plain
                };
                let view = ColumnView {
                    name,
                    role,
                    id: table.ids.iter().any(|s| s == name),
                    suppressed: table.suppressed.iter().any(|s| s == name),
                    complement_rows: &table.complement_rows,
                    complement_cells: table
                        .complement_cells
                        .iter()
                        .filter(|(c, _)| c == name)
                        .map(|(_, r)| *r)
                        .collect(),
                    values: read_values(column)?,
                };
                if role != Role::Plain
                    && !view.is_numeric()
                    && !matches!(view.values, Values::AllNull)
                {
                    return Err(OutputError::NotNumeric {
                        column: name.to_string(),
                        role: if role == Role::Money {
                            "money"
                        } else {
                            "share"
                        },
                        dtype: column.dtype().to_string(),
                    }
                    .into());
                }
                Ok(view)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TableView {
            columns,
            height: frame.height(),
        })
    }
}

fn read_values(column: &Column) -> Result<Values<'_>> {
    let series: &Series = column.as_materialized_series();
    let values = match series.dtype() {
        DataType::Null => Values::AllNull,
        DataType::Int8 => Values::Int(widen(series.i8()?.iter(), i64::from)),
        DataType::Int16 => Values::Int(widen(series.i16()?.iter(), i64::from)),
        DataType::Int32 => Values::Int(widen(series.i32()?.iter(), i64::from)),
        DataType::Int64 => Values::Int(series.i64()?.iter().collect()),
        DataType::UInt8 => Values::UInt(widen(series.u8()?.iter(), u64::from)),
        DataType::UInt16 => Values::UInt(widen(series.u16()?.iter(), u64::from)),
        DataType::UInt32 => Values::UInt(widen(series.u32()?.iter(), u64::from)),
        DataType::UInt64 => Values::UInt(series.u64()?.iter().collect()),
        DataType::Float32 => Values::F32(series.f32()?.iter().collect()),
        DataType::Float64 => Values::F64(series.f64()?.iter().collect()),
        DataType::Boolean => Values::Bool(series.bool()?.iter().collect()),
        DataType::String => Values::Str(series.str()?.iter().collect()),
        DataType::Date => Values::Date(series.date()?.physical().iter().collect()),
        other => {
            return Err(OutputError::UnsupportedType {
                column: column.name().to_string(),
                dtype: other.to_string(),
            }
            .into())
        }
    };
    Ok(values)
}

fn widen<T, W>(
    values: impl IntoIterator<Item = Option<T>>,
    to_wide: impl Fn(T) -> W,
) -> Vec<Option<W>> {
    values.into_iter().map(|v| v.map(&to_wide)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn table(frame: DataFrame) -> Table {
        Table::new(frame)
    }

    #[test]
    fn reads_every_supported_dtype_with_nulls() {
        let frame = df!(
            "i32" => [Some(1i32), None],
            "u64" => [Some(2u64), None],
            "f32" => [Some(0.5f32), None],
            "b" => [Some(true), None],
            "s" => [Some("x"), None],
        )
        .unwrap();
        let t = table(frame);
        let view = TableView::new(&t).unwrap();
        let row0: Vec<Cell> = view.columns.iter().map(|c| c.cell(0)).collect();
        assert_eq!(
            row0,
            [
                Cell::Int(1),
                Cell::UInt(2),
                Cell::F32(0.5),
                Cell::Bool(true),
                Cell::Str("x")
            ]
        );
        assert!(view.columns.iter().all(|c| c.cell(1) == Cell::Null));
    }

    #[test]
    fn nulls_in_suppressed_columns_are_suppressed_cells() {
        let frame = df!("units" => [Some(7i64), None]).unwrap();
        let t = table(frame).with_suppressed(["units"]);
        let view = TableView::new(&t).unwrap();
        assert_eq!(view.columns[0].cell(0), Cell::Int(7));
        assert_eq!(view.columns[0].cell(1), Cell::Suppressed);
    }

    #[test]
    fn unsupported_dtype_is_an_error_naming_the_column() {
        let list = Series::new("tags".into(), [Series::new("".into(), [1i32, 2])]);
        let frame = DataFrame::new(1, vec![list.into()]).unwrap();
        let t = table(frame);
        let err = TableView::new(&t).err().unwrap().to_string();
        assert!(err.contains("\"tags\"") && err.contains("list"), "{err}");
    }

    #[test]
    fn roles_must_name_existing_numeric_columns() {
        let frame = df!("area" => ["A"], "cost" => [1.0]).unwrap();
        let err = |t: Table| TableView::new(&t).err().unwrap().to_string();
        assert!(err(table(frame.clone()).with_money(["costs"])).contains("area, cost"));
        assert!(err(table(frame.clone()).with_money(["area"])).contains("must be numeric"));
        assert!(err(table(frame).with_money(["cost"]).with_shares(["cost"])).contains("both"));
    }
}
