//! The window sums of `realised`, gathered while the expense and contact
//! rows stream past: each enrolled unit's cost per budget area in the months
//! before and after its own start, every unit's around the cohort's median
//! start (the comparison group is chosen from them afterwards), and the
//! units of the months before that median start, on which eligibility is
//! decided.

use crate::interner::Interner;
use crate::load::value::{epoch_days, ore};
use crate::load::{for_each_row, Row, RowTarget, What};
use crate::schema::Kind;
use crate::units::{unit_of, Accumulator, Membership, UnitMode};
use chrono::{Months, NaiveDate};
use hashbrown::HashMap;
use polars::prelude::{DataFrame, PolarsResult};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Per unit: start and cost per area in each window (already per month).
pub(super) struct Group {
    pub(super) units: Vec<String>,
    /// Per area: per unit (in `units` order) the before and after cost per month.
    pub(super) cost: BTreeMap<String, Vec<(f64, f64)>>,
}

/// The months before a start and the months from it on, as days since 1970:
/// before is `[from, start)`, after `[start, to)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    from: i32,
    start: i32,
    to: i32,
}

impl Window {
    pub(super) fn around(start: NaiveDate, months: u32) -> Window {
        let bound = |f: fn(NaiveDate, Months) -> Option<NaiveDate>| {
            epoch_days(f(start, Months::new(months)).unwrap_or(start))
        };
        Window {
            from: bound(NaiveDate::checked_sub_months),
            start: epoch_days(start),
            to: bound(NaiveDate::checked_add_months),
        }
    }

    /// Whether `day` is after the start (`Some(true)`), before it, or in neither window.
    fn side(self, day: i32) -> Option<bool> {
        if self.from <= day && day < self.start {
            Some(false)
        } else if self.start <= day && day < self.to {
            Some(true)
        } else {
            None
        }
    }
}

/// Per unit and budget area, the cost in øre before and after a start.
#[derive(Default)]
pub(super) struct WindowSums {
    units: Interner,
    areas: Interner,
    /// Per unit id: (area id, before, after).
    sums: Vec<Vec<(u32, i64, i64)>>,
    /// The last unit and area (see `Interner::intern_after`).
    last: (Option<u32>, Option<u32>),
}

impl WindowSums {
    fn add(&mut self, unit: &str, area: &str, after: bool, ore: i64) {
        let unit = self.units.intern_after(&mut self.last.0, unit) as usize;
        if unit == self.sums.len() {
            self.sums.push(Vec::new());
        }
        let area = self.areas.intern_after(&mut self.last.1, area);
        let cell = match self.sums[unit].iter_mut().find(|c| c.0 == area) {
            Some(cell) => cell,
            None => {
                self.sums[unit].push((area, 0, 0));
                let last = self.sums[unit].len() - 1;
                &mut self.sums[unit][last]
            }
        };
        if after {
            cell.2 += ore;
        } else {
            cell.1 += ore;
        }
    }

    fn merge(&mut self, other: WindowSums) {
        for (unit, cells) in other.sums.into_iter().enumerate() {
            let unit = other.units.get(unit as u32);
            for (area, before, after) in cells {
                let area = other.areas.get(area);
                self.add(unit, area, false, before);
                self.add(unit, area, true, after);
            }
        }
    }

    /// The group of `ids`, in that order, with its cost per unit-month.
    pub(super) fn group(&self, ids: &[String], months: u32) -> Group {
        let per_month = |ore: i64| ore as f64 / 100.0 / f64::from(months);
        let mut cost: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(unit) = self.units.find(id) else {
                continue;
            };
            for &(area, before, after) in &self.sums[unit as usize] {
                let values = cost
                    .entry(self.areas.get(area).to_string())
                    .or_insert_with(|| vec![(0.0, 0.0); ids.len()]);
                values[i] = (per_month(before), per_month(after));
            }
        }
        Group {
            units: ids.to_vec(),
            cost,
        }
    }
}

/// What one worker gathers while the rows stream past.
pub(super) struct Gather<'w> {
    pub(super) mode: UnitMode,
    pub(super) membership: Option<Arc<Membership>>,
    /// Each enrolled unit's windows.
    pub(super) cohort_windows: &'w HashMap<String, Window>,
    /// The windows around the median start, for the comparison group.
    pub(super) median_window: Option<Window>,
    /// Units of the window before the median start, for eligibility.
    pub(super) eligibility: Option<Accumulator>,
    pub(super) cohort: WindowSums,
    /// Every unit's sums around the median start.
    pub(super) everyone: WindowSums,
}

impl Gather<'_> {
    pub(super) fn merge(&mut self, other: Gather<'_>) {
        if let (Some(ours), Some(theirs)) = (&mut self.eligibility, other.eligibility) {
            ours.merge(theirs);
        }
        self.cohort.merge(other.cohort);
        self.everyone.merge(other.everyone);
    }
}

impl RowTarget for Gather<'_> {
    fn row(&mut self, row: Row<'_>) {
        if let Some(units) = &mut self.eligibility {
            units.add(row);
        }
        let What::Expense { amount, area, .. } = row.what else {
            return;
        };
        let unit = unit_of(self.mode, self.membership.as_deref(), row.citizen, row.date);
        let cohort_side = self.cohort_windows.get(unit).and_then(|w| w.side(row.date));
        if let Some(after) = cohort_side {
            self.cohort.add(unit, area, after, ore(amount));
        }
        if let Some(after) = self.median_window.and_then(|w| w.side(row.date)) {
            self.everyone.add(unit, area, after, ore(amount));
        }
    }

    fn frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()> {
        for_each_row(kind, frame, |row| self.row(row))
    }
}
