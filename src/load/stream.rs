//! Rows handed on as they are read, for analyses that need only sums and
//! sets per unit: the expense and contact rows of a large municipality are
//! then never held in memory. Each worker thread of the loader feeds its own
//! target; the targets are combined afterwards.

use crate::schema::Kind;
use polars::prelude::{DataFrame, PolarsResult};

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
        /// Budget area.
        area: &'a str,
    },
    /// A contact.
    Contact {
        /// Caseworker, if any.
        caseworker: Option<&'a str>,
    },
}

/// Where streamed rows go.
pub trait RowTarget {
    /// One row that passed the row rules.
    fn row(&mut self, row: Row<'_>);
    /// Typed rows taken whole from a Parquet file, in the loaded frame's
    /// columns (`department`, the kind's fields, `budget_area`).
    fn frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()>;
}

/// Every row to each of several targets.
impl<T: RowTarget> RowTarget for Vec<T> {
    fn row(&mut self, row: Row<'_>) {
        for target in self.iter_mut() {
            target.row(row);
        }
    }

    fn frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()> {
        self.iter_mut()
            .try_for_each(|target| target.frame(kind, frame))
    }
}

/// No target: every row is kept in the loaded frames.
impl RowTarget for () {
    fn row(&mut self, _: Row<'_>) {}
    fn frame(&mut self, _: Kind, _: &DataFrame) -> PolarsResult<()> {
        Ok(())
    }
}
