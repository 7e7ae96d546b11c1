//! Every unit's cost per calendar month, budget area and department, gathered
//! while the expense and contact rows stream past. `realised` matches each
//! enrolled unit with units whose months before its start looked alike, so it
//! needs any unit's months around any start: this panel holds them, one
//! small sorted list of cells per unit, and never the rows.
//!
//! Months are calendar months that lie wholly inside the analysis period
//! ("observed" months); rows outside them are not counted, as every metric
//! uses only rows in the period (SPEC §2).

use crate::interner::Interner;
use crate::load::value::{epoch_days, ore};
use crate::load::{Row, RowTarget, What};
use crate::units::{unit_of, Membership, UnitMode};
use chrono::{Datelike, Months, NaiveDate};
use std::sync::Arc;

/// The observed calendar months, and which month each day falls in.
#[derive(Debug)]
pub(crate) struct Calendar {
    /// First day of the first observed month.
    first: NaiveDate,
    /// Days since 1970 of `first`.
    first_day: i32,
    /// Month (0-based) of each day from `first_day` on.
    month_of_day: Vec<u16>,
    /// Number of observed months.
    months: u16,
}

impl Calendar {
    /// The whole calendar months inside `[from, to]`; `None` when there is none.
    pub(crate) fn new(from: NaiveDate, to: NaiveDate) -> Option<Calendar> {
        let first = if from.day() == 1 {
            from
        } else {
            first_of_month(from).checked_add_months(Months::new(1))?
        };
        // The first day after the last observed month.
        let end = match to.succ_opt() {
            Some(next) if next.day() == 1 => next,
            _ => first_of_month(to),
        };
        if end <= first {
            return None;
        }
        let mut month_of_day = Vec::new();
        let mut month = 0u16;
        let mut next = first.checked_add_months(Months::new(1))?;
        let mut day = first;
        while day < end {
            if day == next {
                month = month.checked_add(1)?;
                next = next.checked_add_months(Months::new(1))?;
            }
            month_of_day.push(month);
            day = day.succ_opt()?;
        }
        Some(Calendar {
            first,
            first_day: epoch_days(first),
            month_of_day,
            months: month + 1,
        })
    }

    /// The observed month of a day, if it lies in one.
    #[inline]
    pub(crate) fn month(&self, day: i32) -> Option<u16> {
        let offset = usize::try_from(day.checked_sub(self.first_day)?).ok()?;
        self.month_of_day.get(offset).copied()
    }

    /// The month a date falls in, counted from the first observed month; it
    /// may lie before (negative) or after the observed months.
    pub(crate) fn month_of_date(&self, date: NaiveDate) -> i32 {
        (date.year() - self.first.year()) * 12 + date.month() as i32 - self.first.month() as i32
    }

    /// First day of a month counted from the first observed month.
    pub(crate) fn first_day_of(&self, month: i32) -> Option<NaiveDate> {
        if month >= 0 {
            self.first.checked_add_months(Months::new(month as u32))
        } else {
            self.first
                .checked_sub_months(Months::new(month.unsigned_abs()))
        }
    }

    /// Number of observed months.
    pub(crate) fn months(&self) -> u16 {
        self.months
    }
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// A unit's cost in one month, budget area and department. Contact rows give
/// cells with [`Cell::NO_AREA`] and no cost: they only say the department
/// was in touch that month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    /// Øre.
    pub(crate) ore: i64,
    pub(crate) department: u32,
    pub(crate) month: u16,
    pub(crate) area: u16,
}

impl Cell {
    /// The area of a contact's cell.
    pub(crate) const NO_AREA: u16 = u16::MAX;

    fn key(&self) -> (u16, u16, u32) {
        (self.month, self.area, self.department)
    }
}

/// The panel while rows stream past: one per worker thread, merged after.
pub(crate) struct Gather {
    calendar: Arc<Calendar>,
    mode: UnitMode,
    membership: Option<Arc<Membership>>,
    /// Whether contact rows are kept (for matching on departments).
    contacts: bool,
    store: Store,
}

/// The cells gathered so far, by interned unit.
#[derive(Default)]
struct Store {
    units: Interner,
    areas: Interner,
    departments: Interner,
    cells: Vec<Vec<Cell>>,
    last: (Option<u32>, Option<u32>, Option<u32>),
    /// More budget areas than a cell can name: an error at the end.
    too_many_areas: bool,
    /// A cell's sum beyond an i64 of øre: an error at the end, never a clamp.
    overflow: bool,
}

impl Gather {
    pub(crate) fn new(
        calendar: Arc<Calendar>,
        mode: UnitMode,
        membership: Option<Arc<Membership>>,
        contacts: bool,
    ) -> Gather {
        Gather {
            calendar,
            mode,
            membership,
            contacts,
            store: Store::default(),
        }
    }

    /// Adds another worker's cells.
    pub(crate) fn merge(&mut self, other: Gather) {
        self.store.merge(other.store);
    }

    /// See [`Store::finish`].
    pub(crate) fn finish<'a>(
        self,
        also: impl IntoIterator<Item = &'a str>,
    ) -> Result<Panel, PanelError> {
        self.store.finish(also)
    }
}

impl Store {
    fn add(&mut self, unit: &str, month: u16, area: Option<&str>, department: &str, ore: i64) {
        let unit = self.units.intern_after(&mut self.last.0, unit) as usize;
        if unit == self.cells.len() {
            self.cells.push(Vec::new());
        }
        let area = match area {
            Some(area) => {
                let id = self.areas.intern_after(&mut self.last.1, area);
                match u16::try_from(id) {
                    Ok(id) if id != Cell::NO_AREA => id,
                    _ => {
                        self.too_many_areas = true;
                        return;
                    }
                }
            }
            None => Cell::NO_AREA,
        };
        let department = self.departments.intern_after(&mut self.last.2, department);
        let cells = &mut self.cells[unit];
        let cell = Cell {
            ore,
            department,
            month,
            area,
        };
        match cells.last_mut() {
            Some(last) if last.key() == cell.key() => match last.ore.checked_add(ore) {
                Some(sum) => last.ore = sum,
                None => self.overflow = true,
            },
            _ => cells.push(cell),
        }
    }

    fn merge(&mut self, other: Store) {
        self.too_many_areas |= other.too_many_areas;
        self.overflow |= other.overflow;
        for (unit, cells) in other.cells.into_iter().enumerate() {
            let unit = other.units.get(unit as u32);
            for cell in cells {
                let area =
                    (cell.area != Cell::NO_AREA).then(|| other.areas.get(u32::from(cell.area)));
                let department = other.departments.get(cell.department);
                self.add(unit, cell.month, area, department, cell.ore);
            }
        }
    }

    /// The panel, units and areas in the order of their names (so the result
    /// does not depend on which thread read which file), each unit's cells
    /// sorted by month, area and department with equal ones summed. `also`
    /// are units to include even without rows (the enrolled).
    fn finish<'a>(mut self, also: impl IntoIterator<Item = &'a str>) -> Result<Panel, PanelError> {
        if self.too_many_areas {
            return Err(PanelError::TooManyAreas);
        }
        if self.overflow {
            return Err(PanelError::Overflow);
        }
        for id in also {
            let unit = self.units.intern(id) as usize;
            if unit == self.cells.len() {
                self.cells.push(Vec::new());
            }
        }
        let sorted = |interner: &Interner| -> (Vec<String>, Vec<u32>) {
            let ranked = interner.ranked();
            let names = ranked.names.iter().map(|name| name.to_string()).collect();
            (names, ranked.rank)
        };
        let (areas, area_rank) = sorted(&self.areas);
        let (departments, department_rank) = sorted(&self.departments);
        let (ids, unit_rank) = sorted(&self.units);
        // Units in id order, each one's cells appended to one flat list as
        // its own list is taken (so the two never both hold every cell).
        let mut by_rank = vec![0usize; ids.len()];
        for (unit, &rank) in unit_rank.iter().enumerate() {
            by_rank[rank as usize] = unit;
        }
        let mut nested = std::mem::take(&mut self.cells);
        nested.resize_with(ids.len(), Vec::new);
        let mut cells: Vec<Cell> = Vec::new();
        let mut offsets: Vec<usize> = Vec::with_capacity(ids.len() + 1);
        offsets.push(0);
        for unit in by_rank {
            let mut list = std::mem::take(&mut nested[unit]);
            for cell in &mut list {
                if cell.area != Cell::NO_AREA {
                    cell.area = area_rank[usize::from(cell.area)] as u16;
                }
                cell.department = department_rank[cell.department as usize];
            }
            list.sort_unstable_by_key(Cell::key);
            let first = cells.len();
            for cell in list {
                let same = cells.len() > first
                    && cells.last().is_some_and(|last| last.key() == cell.key());
                match cells.last_mut() {
                    Some(last) if same => {
                        last.ore = last.ore.checked_add(cell.ore).ok_or(PanelError::Overflow)?;
                    }
                    _ => cells.push(cell),
                }
            }
            offsets.push(cells.len());
        }
        cells.shrink_to_fit();
        Ok(Panel {
            ids,
            areas,
            departments,
            cells,
            offsets,
        })
    }
}

impl RowTarget for Gather {
    fn row(&mut self, row: Row<'_>) {
        let Some(month) = self.calendar.month(row.date) else {
            return;
        };
        let unit = unit_of(self.mode, self.membership.as_deref(), row.citizen, row.date);
        match row.what {
            What::Expense { amount, area, .. } => {
                self.store
                    .add(unit, month, Some(area), row.department, ore(amount));
            }
            What::Contact { .. } if self.contacts => {
                self.store.add(unit, month, None, row.department, 0);
            }
            What::Contact { .. } => {}
        }
    }
}

/// What can go wrong in building the panel.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    /// A unit's cost in one month, area and department is beyond any real amount.
    #[error("a unit's cost in one month and budget area is too large to sum exactly")]
    Overflow,
    /// More than 65,534 budget areas.
    #[error("more than 65,534 budget areas: check the [budget_areas] table")]
    TooManyAreas,
}

/// Every unit's cells, by unit in id order.
pub(crate) struct Panel {
    /// Unit ids, sorted.
    pub(crate) ids: Vec<String>,
    /// Budget areas, sorted; a cell's `area` indexes this.
    pub(crate) areas: Vec<String>,
    /// Departments, sorted; a cell's `department` indexes this.
    pub(crate) departments: Vec<String>,
    /// Every unit's cells, unit after unit in id order, each unit's sorted
    /// by month, area, department: one allocation, read in sequence.
    cells: Vec<Cell>,
    /// Unit `u`'s cells are `cells[offsets[u]..offsets[u + 1]]`.
    offsets: Vec<usize>,
}

impl Panel {
    /// The index of a unit id.
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        self.ids
            .binary_search_by(|probe| probe.as_str().cmp(id))
            .ok()
    }

    /// A unit's cells.
    pub(crate) fn cells_of(&self, unit: usize) -> &[Cell] {
        &self.cells[self.offsets[unit]..self.offsets[unit + 1]]
    }

    /// A unit's cells in months `[from, to)`.
    pub(crate) fn window(&self, unit: usize, from: u16, to: u16) -> &[Cell] {
        let cells = self.cells_of(unit);
        let start = cells.partition_point(|c| c.month < from);
        let end = cells.partition_point(|c| c.month < to);
        &cells[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn only_whole_months_inside_the_period_are_observed() {
        let c = Calendar::new(day(2022, 1, 15), day(2022, 4, 30)).unwrap();
        // February, March, April.
        assert_eq!(c.months(), 3);
        assert_eq!(c.month(epoch_days(day(2022, 1, 31))), None);
        assert_eq!(c.month(epoch_days(day(2022, 2, 1))), Some(0));
        assert_eq!(c.month(epoch_days(day(2022, 3, 31))), Some(1));
        assert_eq!(c.month(epoch_days(day(2022, 4, 30))), Some(2));
        assert_eq!(c.month(epoch_days(day(2022, 5, 1))), None);
        assert_eq!(c.month_of_date(day(2021, 12, 24)), -2);
        assert_eq!(c.month_of_date(day(2023, 2, 1)), 12);
        assert_eq!(c.first_day_of(-2), Some(day(2021, 12, 1)));
        let partial_end = Calendar::new(day(2022, 1, 1), day(2022, 3, 30)).unwrap();
        assert_eq!(partial_end.months(), 2, "March is not whole");
        assert!(Calendar::new(day(2022, 1, 2), day(2022, 1, 31)).is_none());
    }

    #[test]
    fn cells_are_summed_per_month_area_and_department_in_id_order() {
        let (mut a, mut b) = (Store::default(), Store::default());
        a.add("z", 3, Some("K"), "Job", 100);
        a.add("y", 3, Some("K"), "Job", 5);
        a.add("z", 3, Some("K"), "Job", 50);
        b.add("z", 1, Some("B"), "Job", 7);
        b.add("z", 3, Some("K"), "Job", 1);
        b.add("z", 3, None, "Social", 0);
        a.merge(b);
        let panel = a.finish(["x"]).unwrap();
        assert_eq!(panel.ids, ["x", "y", "z"]);
        assert_eq!(panel.areas, ["B", "K"]);
        assert_eq!(panel.departments, ["Job", "Social"]);
        let cell = |month, area, department, ore| Cell {
            ore,
            department,
            month,
            area,
        };
        assert!(panel.cells_of(0).is_empty());
        assert!(panel.cells_of(1) == [cell(3, 1, 0, 5)]);
        assert_eq!(
            panel.cells_of(2),
            [
                cell(1, 0, 0, 7),
                cell(3, 1, 0, 151),
                cell(3, Cell::NO_AREA, 1, 0)
            ]
        );
        assert_eq!(panel.window(2, 2, 4).len(), 2);
        assert_eq!(panel.find("y"), Some(1));
    }
}
