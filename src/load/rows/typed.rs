//! Clean typed rows of a Parquet file, taken whole: appended to the frame as
//! columns, or, when streamed, handed to the target as a `Batch` of their
//! columns (no frame is assembled for them, no value is turned into text,
//! and each run of one account text is mapped once). A target that takes a
//! batch row by row sees the rows the CSV path would hand it, so every
//! target sees the same rows from either format.

use super::{fixed, remember, RowSink};
use crate::load::runs::for_each_run;
use crate::load::stream::{Batch, BatchWhat, Departments};
use crate::schema::{col, FieldType, Kind, DEPARTMENT};
use polars::prelude::*;

impl RowSink<'_> {
    /// Appends the rows of `frame` (one column per field, named by it, in the
    /// field's type, and `department` when it comes from a column) whose
    /// `suspect` flag is clear. Accounts without digits are flagged here, to
    /// be rejected by the row rules. When the rows are streamed as columns
    /// (`streams_columns`), `ore` holds each row's amount in øre and the
    /// frame's amount column is not read. Returns how many rows were
    /// appended.
    pub fn append_typed(
        &mut self,
        frame: &DataFrame,
        ore: &[Option<i64>],
        suspect: &mut [bool],
        source: &str,
        fixed_department: Option<&str>,
    ) -> PolarsResult<usize> {
        if self.streams_columns() {
            return self.stream_typed(frame, ore, suspect);
        }
        self.flush(source, fixed_department)?;
        let mut fields: Vec<Column> = Vec::with_capacity(self.fields.len());
        let mut areas = None;
        for field in self.fields {
            let column = frame.column(field.name)?;
            if field.ty != FieldType::Account {
                fields.push(column.clone());
                continue;
            }
            let mut digits = StringChunkedBuilder::new(field.name.into(), frame.height());
            let mut area = StringChunkedBuilder::new(col::BUDGET_AREA.into(), frame.height());
            let mut function = StringChunkedBuilder::new(col::FUNCTION.into(), frame.height());
            for (row, value) in column.str()?.iter().enumerate() {
                let mapped = value.and_then(|v| self.account(v));
                match mapped.filter(|_| !suspect[row]) {
                    Some(a) => {
                        let a = &self.mapped[a as usize];
                        digits.append_value(&a.digits);
                        area.append_value(a.area);
                        function.append_option(a.function);
                    }
                    None => {
                        suspect[row] = true;
                        digits.append_null();
                        area.append_null();
                        function.append_null();
                    }
                }
            }
            fields.push(digits.finish().into_column());
            areas = Some((area.finish().into_column(), function.finish().into_column()));
        }
        let keep = BooleanChunked::from_iter_values("keep".into(), suspect.iter().map(|s| !s));
        let height = keep.sum().unwrap_or(0) as usize;
        // Most files have no suspect row: then every column is kept as it is.
        let all = height == frame.height();
        let keep = |c: &Column| if all { Ok(c.clone()) } else { c.filter(&keep) };
        let department = match &self.department {
            Some(_) => Some(keep(frame.column(DEPARTMENT.name)?)?),
            None => fixed(fixed_department, height),
        };
        let fields = fields.iter().map(keep).collect::<PolarsResult<Vec<_>>>()?;
        if let Some(i) = self.period_field {
            for day in fields[i].cast(&DataType::Int32)?.i32()?.iter().flatten() {
                self.count_period(day);
            }
        }
        let areas = match areas {
            Some((a, f)) => Some((keep(&a)?, keep(&f)?)),
            None => None,
        };
        let chunk = self.chunk(height, source, department, fields, areas)?;
        self.accepted += height as u64;
        if self.department.is_some() {
            let found = chunk
                .column(col::DEPARTMENT)?
                .unique()?
                .cast(&DataType::String)?;
            for d in found.str()?.iter().flatten() {
                remember(&mut self.departments, d);
            }
        }
        match &mut self.streaming {
            Some(streaming) => streaming.rows.frame(self.kind, &chunk)?,
            None => self.chunks.push(chunk),
        }
        Ok(height)
    }

    /// Hands the rows of `frame` (as for `append_typed`) whose `suspect`
    /// flag is clear to the streaming target; a row whose account has no
    /// digits is flagged instead, to be rejected by the row rules. Returns
    /// how many rows were handed on.
    pub(super) fn stream_typed(
        &mut self,
        frame: &DataFrame,
        ore: &[Option<i64>],
        suspect: &mut [bool],
    ) -> PolarsResult<usize> {
        let Some(mut streaming) = self.streaming.take() else {
            return Ok(0);
        };
        let result = self.stream_columns(frame, ore, suspect, &mut streaming);
        self.streaming = Some(streaming);
        result
    }

    fn stream_columns(
        &mut self,
        frame: &DataFrame,
        ore: &[Option<i64>],
        suspect: &mut [bool],
        streaming: &mut super::Streaming<'_>,
    ) -> PolarsResult<usize> {
        let text = |name: &str| -> PolarsResult<Option<&StringChunked>> {
            frame.column(name).ok().map(|c| c.str()).transpose()
        };
        let height = frame.height();
        // A row that lacks what the target reads goes to the row rules,
        // which reject it with their reason.
        let mut keep: Vec<bool> = suspect.iter().map(|s| !s).collect();
        let mut drop_nulls = |column: Option<&StringChunked>| match column {
            Some(column) => for_each_run(column, |rows, value| {
                if value.is_none() {
                    keep[rows].fill(false);
                }
            }),
            None => keep.fill(false),
        };
        let citizens = text("citizen")?;
        drop_nulls(citizens);
        let departments = match (self.department.is_some(), streaming.department) {
            (true, _) => text(DEPARTMENT.name)?.map(Departments::Column),
            (false, fixed) => fixed.map(Departments::Fixed),
        };
        match departments {
            Some(Departments::Column(column)) => drop_nulls(Some(column)),
            Some(Departments::Fixed(_)) => {}
            None => drop_nulls(None),
        }
        let dates = frame.column("date")?.cast(&DataType::Int32)?;
        let mut days = vec![0; height];
        for (row, date) in dates.i32()?.iter().enumerate() {
            match date {
                Some(date) => days[row] = date,
                None => keep[row] = false,
            }
        }
        let mut amounts = Vec::new();
        let mut accounts = Vec::new();
        if self.kind == Kind::Expenses {
            amounts = vec![0; height];
            for (row, keep) in keep.iter_mut().enumerate() {
                match ore.get(row).copied().flatten() {
                    Some(ore) => amounts[row] = ore,
                    None => *keep = false,
                }
            }
            // Each run of one account text is mapped once.
            accounts = vec![0; height];
            match text("account")? {
                Some(column) => for_each_run(column, |rows, value| {
                    match value.and_then(|a| self.account(a)) {
                        Some(a) => accounts[rows].fill(a),
                        None => keep[rows].fill(false),
                    }
                }),
                None => keep.fill(false),
            }
        }
        for (suspect, keep) in suspect.iter_mut().zip(&keep) {
            *suspect |= !keep;
        }
        for (&day, _) in days.iter().zip(&keep).filter(|(_, keep)| **keep) {
            self.count_period(day);
        }
        if let Some(Departments::Column(column)) = departments {
            for_each_run(column, |rows, value| {
                if let (Some(d), true) = (value, keep[rows].contains(&true)) {
                    remember(&mut self.departments, d);
                }
            });
        }
        let handed = keep.iter().filter(|k| **k).count();
        let (Some(citizens), Some(departments), true) = (citizens, departments, handed > 0) else {
            return Ok(0);
        };
        let booked: Vec<(&str, &str)> = self
            .mapped
            .iter()
            .map(|a| (a.digits.as_str(), a.area))
            .collect();
        let what = match self.kind {
            Kind::Expenses => BatchWhat::Expenses {
                ore: &amounts,
                accounts: &accounts,
                booked: &booked,
            },
            _ => BatchWhat::Contacts {
                caseworkers: text("caseworker")?,
            },
        };
        streaming.rows.batch(&Batch {
            keep: &keep,
            citizens,
            departments,
            dates: &days,
            cases: text("case")?,
            what,
        });
        self.accepted += handed as u64;
        Ok(handed)
    }
}
