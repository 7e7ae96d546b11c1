//! Clean typed rows of a Parquet file, taken whole: appended to the frame as
//! columns, or, when streamed, handed to the target straight from their
//! columns (no frame is assembled for them, no value is turned into text,
//! and each run of one account text is mapped once). Streamed rows reach
//! the target as the CSV path's rows do, so every target sees the same rows
//! from either format.

use super::{fixed, remember, RowSink};
use crate::load::stream::{Row, What};
use crate::schema::{col, FieldType, Kind, DEPARTMENT};
use polars::prelude::*;

/// What a row adds beyond its citizen, date, department and case.
enum Extra<'a> {
    Expense(Option<f64>, Option<&'a str>),
    Contact(Option<&'a str>),
}

impl RowSink<'_> {
    /// Appends the rows of `frame` (one column per field, named by it, in the
    /// field's type, and `department` when it comes from a column) whose
    /// `suspect` flag is clear. Accounts without digits are flagged here, to
    /// be rejected by the row rules. Returns how many rows were appended.
    pub fn append_typed(
        &mut self,
        frame: &DataFrame,
        suspect: &mut [bool],
        source: &str,
        fixed_department: Option<&str>,
    ) -> PolarsResult<usize> {
        if self.streaming.is_some() && self.kind.has_department() {
            return self.stream_typed(frame, suspect);
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
        suspect: &mut [bool],
    ) -> PolarsResult<usize> {
        let Some(mut streaming) = self.streaming.take() else {
            return Ok(0);
        };
        let result = self.stream_columns(frame, suspect, &mut streaming);
        self.streaming = Some(streaming);
        result
    }

    fn stream_columns(
        &mut self,
        frame: &DataFrame,
        suspect: &mut [bool],
        streaming: &mut super::Streaming<'_>,
    ) -> PolarsResult<usize> {
        let text = |name: &str| -> PolarsResult<Box<dyn Iterator<Item = Option<&str>> + '_>> {
            Ok(match frame.column(name) {
                Ok(c) => Box::new(c.str()?.iter()),
                Err(_) => Box::new(std::iter::repeat(None)),
            })
        };
        let dates = frame.column("date")?.cast(&DataType::Int32)?;
        let extra: Box<dyn Iterator<Item = Extra<'_>>> = match self.kind {
            Kind::Expenses => Box::new(
                frame
                    .column("amount")?
                    .f64()?
                    .iter()
                    .zip(text("account")?)
                    .map(|(amount, account)| Extra::Expense(amount, account)),
            ),
            _ => Box::new(text("caseworker")?.map(Extra::Contact)),
        };
        let departments = match self.department {
            Some(_) => text(DEPARTMENT.name)?,
            None => Box::new(std::iter::repeat(streaming.department)),
        };
        let rows = text("citizen")?
            .zip(dates.i32()?.iter())
            .zip(text("case")?)
            .zip(departments)
            .zip(extra)
            .zip(suspect.iter_mut());
        // Rows come in runs of one account: the last one is kept.
        let mut last_account: Option<(&str, Option<u32>)> = None;
        let mut handed = 0;
        for (((((citizen, date), case), department), extra), suspect) in rows {
            if *suspect {
                continue;
            }
            let expense = match extra {
                Extra::Expense(amount, account) => {
                    let mapped = match (last_account, account) {
                        (Some((text, mapped)), Some(a)) if text == a => mapped,
                        (_, Some(a)) => {
                            let mapped = self.account(a);
                            last_account = Some((a, mapped));
                            mapped
                        }
                        (_, None) => None,
                    };
                    match (amount, mapped) {
                        (Some(amount), Some(a)) => Some((amount, a)),
                        // To the row rules, which reject it with their reason.
                        _ => {
                            *suspect = true;
                            continue;
                        }
                    }
                }
                Extra::Contact(_) => None,
            };
            let (Some(citizen), Some(date), Some(department)) = (citizen, date, department) else {
                *suspect = true;
                continue;
            };
            self.count_period(date);
            if self.department.is_some() {
                remember(&mut self.departments, department);
            }
            let what = match (expense, extra) {
                (Some((amount, a)), _) => {
                    let a = &self.mapped[a as usize];
                    What::Expense {
                        amount,
                        account: &a.digits,
                        area: a.area,
                    }
                }
                (None, Extra::Contact(caseworker)) => What::Contact { caseworker },
                (None, Extra::Expense(..)) => continue,
            };
            handed += 1;
            streaming.rows.row(Row {
                citizen,
                department,
                date,
                case,
                what,
            });
        }
        self.accepted += handed as u64;
        Ok(handed)
    }
}
