//! Rows handed on as they are read, for analyses that need only sums and
//! sets per unit: the expense and contact rows of a large municipality are
//! then never held in memory. Each worker thread of the loader feeds its own
//! target; the targets are combined afterwards.

use crate::schema::{col, Kind};
use polars::prelude::*;

/// One accepted expense or contact row.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// Citizen id.
    pub citizen: &'a str,
    /// Department.
    pub department: &'a str,
    /// Days since 1970.
    pub date: i32,
    /// Case id, if any.
    pub case: Option<&'a str>,
    /// What the row is.
    pub what: What<'a>,
}

/// An expense with its amount and budget area, or a contact with its caseworker.
#[derive(Debug, Clone, Copy)]
pub enum What<'a> {
    /// An expense.
    Expense {
        /// Amount in DKK.
        amount: f64,
        /// Account digits.
        account: &'a str,
        /// Budget area.
        area: &'a str,
    },
    /// A contact.
    Contact {
        /// Caseworker, if any.
        caseworker: Option<&'a str>,
    },
}

/// Rows of one slice of a typed file, column by column, as the loader hands
/// them on: the rows `keep` marks passed the row rules (the others go
/// through the rules as text and, if accepted, reach `row` one by one).
/// Values of rows not kept are unspecified.
pub struct Batch<'a> {
    /// Whether each row is handed on.
    pub keep: &'a [bool],
    /// Citizen ids.
    pub citizens: &'a StringChunked,
    /// Departments.
    pub departments: Departments<'a>,
    /// Days since 1970.
    pub dates: &'a [i32],
    /// Case ids, none on every row when the source has none.
    pub cases: Option<&'a StringChunked>,
    /// Expense or contact columns.
    pub what: BatchWhat<'a>,
}

/// A batch's departments: the source's one, or a column.
#[derive(Clone, Copy)]
pub enum Departments<'a> {
    /// Every row's.
    Fixed(&'a str),
    /// Each row's.
    Column(&'a StringChunked),
}

/// A batch's expense or contact columns.
pub enum BatchWhat<'a> {
    /// Expenses.
    Expenses {
        /// Amounts in øre.
        ore: &'a [i64],
        /// Each row's account, an index into `booked`.
        accounts: &'a [u32],
        /// The distinct accounts: digits and budget area.
        booked: &'a [(&'a str, &'a str)],
    },
    /// Contacts.
    Contacts {
        /// Caseworkers, none on every row when the source has none.
        caseworkers: Option<&'a StringChunked>,
    },
}

impl Batch<'_> {
    /// Calls `f` with every kept row, in order.
    pub fn for_each_row(&self, mut f: impl FnMut(Row<'_>)) {
        fn texts(column: Option<&StringChunked>) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
            match column {
                Some(c) => Box::new(c.iter()),
                None => Box::new(std::iter::repeat(None)),
            }
        }
        let departments: Box<dyn Iterator<Item = Option<&str>>> = match self.departments {
            Departments::Fixed(d) => Box::new(std::iter::repeat(Some(d))),
            Departments::Column(c) => Box::new(c.iter()),
        };
        let caseworkers = match self.what {
            BatchWhat::Contacts { caseworkers } => caseworkers,
            BatchWhat::Expenses { .. } => None,
        };
        let rows = self
            .citizens
            .iter()
            .zip(departments)
            .zip(texts(self.cases))
            .zip(texts(caseworkers))
            .enumerate();
        for (i, (((citizen, department), case), caseworker)) in rows {
            let (true, Some(citizen), Some(department)) = (self.keep[i], citizen, department)
            else {
                continue;
            };
            let what = match self.what {
                BatchWhat::Expenses {
                    ore,
                    accounts,
                    booked,
                } => {
                    let (account, area) = booked[accounts[i] as usize];
                    What::Expense {
                        // Whole øre in DKK, as a row of a frame holds it.
                        amount: ore[i] as f64 / 100.0,
                        account,
                        area,
                    }
                }
                BatchWhat::Contacts { .. } => What::Contact { caseworker },
            };
            f(Row {
                citizen,
                department,
                date: self.dates[i],
                case,
                what,
            });
        }
    }
}

/// Where streamed rows go.
pub trait RowTarget {
    /// One row that passed the row rules.
    fn row(&mut self, row: Row<'_>);
    /// The kept rows of a batch: each to `row`, unless the target can take
    /// them a column at a time.
    fn batch(&mut self, batch: &Batch<'_>) {
        batch.for_each_row(|row| self.row(row));
    }
    /// Typed rows in the loaded frame's columns (`department`, the kind's
    /// fields, `budget_area`), such as a frame already loaded: each to
    /// `row`. The loader hands streamed expense and contact rows to `row`,
    /// from Parquet too.
    fn frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()> {
        for_each_row(kind, frame, |row| self.row(row))
    }
}

/// Every row to each of several targets.
impl<T: RowTarget> RowTarget for Vec<T> {
    fn row(&mut self, row: Row<'_>) {
        for target in self.iter_mut() {
            target.row(row);
        }
    }
    fn batch(&mut self, batch: &Batch<'_>) {
        for target in self.iter_mut() {
            target.batch(batch);
        }
    }
}

/// No target: every row is kept in the loaded frames.
impl RowTarget for () {
    fn row(&mut self, _: Row<'_>) {}
    fn batch(&mut self, _: &Batch<'_>) {}
    fn frame(&mut self, _: Kind, _: &DataFrame) -> PolarsResult<()> {
        Ok(())
    }
}

/// Calls `f` with every row of a frame of expense or contact rows in the
/// loader's columns (`department`, the kind's fields, `budget_area`).
pub fn for_each_row(kind: Kind, frame: &DataFrame, mut f: impl FnMut(Row<'_>)) -> PolarsResult<()> {
    let text = |name: &str| -> PolarsResult<Option<Column>> {
        frame
            .column(name)
            .ok()
            .map(|c| c.cast(&DataType::String))
            .transpose()
    };
    let required = |name: &str| -> PolarsResult<Column> {
        text(name)?.ok_or_else(|| polars_err!(ColumnNotFound: "{name}"))
    };
    let (citizens, departments) = (required("citizen")?, required(col::DEPARTMENT)?);
    let dates = frame.column("date")?.cast(&DataType::Int32)?;
    let cases = text("case")?;
    let cases = optional(&cases)?;
    let rows = citizens
        .str()?
        .iter()
        .zip(departments.str()?.iter())
        .zip(dates.i32()?.iter())
        .zip(cases);
    if kind == Kind::Expenses {
        let (areas, accounts) = (required(col::BUDGET_AREA)?, required("account")?);
        let amounts = frame.column("amount")?.cast(&DataType::Float64)?;
        let more = areas
            .str()?
            .iter()
            .zip(accounts.str()?.iter())
            .zip(amounts.f64()?.iter());
        for ((((citizen, department), date), case), ((area, account), amount)) in rows.zip(more) {
            if let (Some(citizen), Some(department), Some(date), Some(area), Some(amount)) =
                (citizen, department, date, area, amount)
            {
                let account = account.unwrap_or_default();
                let what = What::Expense {
                    amount,
                    account,
                    area,
                };
                f(Row {
                    citizen,
                    department,
                    date,
                    case,
                    what,
                });
            }
        }
    } else {
        let caseworkers = text("caseworker")?;
        for ((((citizen, department), date), case), caseworker) in rows.zip(optional(&caseworkers)?)
        {
            if let (Some(citizen), Some(department), Some(date)) = (citizen, department, date) {
                let what = What::Contact { caseworker };
                f(Row {
                    citizen,
                    department,
                    date,
                    case,
                    what,
                });
            }
        }
    }
    Ok(())
}

/// The values of an optional text column, or none on every row.
fn optional(column: &Option<Column>) -> PolarsResult<Box<dyn Iterator<Item = Option<&str>> + '_>> {
    Ok(match column {
        Some(c) => Box::new(c.str()?.iter()),
        None => Box::new(std::iter::repeat(None)),
    })
}
