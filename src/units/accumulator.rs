//! The per-unit metrics of SPEC §2, gathered row by row. Rows stream in from
//! a file being read or from loaded frames, each adding to its unit's sums
//! and sets; the rows themselves are not kept, so memory grows with the
//! number of units, not rows. Every part merges in any order to the same
//! result (amounts are summed in whole øre), so accumulators filled on
//! several threads give the same bytes as one.

use super::membership::Membership;
use super::{cost_column, metric, unit_of, UnitMode, Units};
use crate::config::Period;
use crate::interner::Interner;
use crate::load::value::{epoch_days, ore};
use crate::load::{for_each_row, Row, RowTarget, What};
use crate::schema::{col as column, Kind};
use polars::prelude::*;
use std::sync::Arc;

/// One unit's sums and sets, over text ids of the accumulator.
#[derive(Debug, Clone)]
struct Unit {
    /// Citizens (family mode only; a citizen unit has one member).
    members: Vec<u32>,
    /// Sum of amounts, in øre. Sums are `i128`: every amount is below
    /// 10^15 øre (`value::AMOUNT_LIMIT`), so no count of rows a machine can
    /// read (below 2^64) brings a sum near 2^127; it can never wrap.
    total: i128,
    departments: Vec<u32>,
    /// (department, caseworker).
    caseworkers: Vec<(u32, u32)>,
    /// (department, case).
    cases: Vec<(u32, u32)>,
    contacts: u64,
    first: i32,
    last: i32,
    /// (budget area, department, sum in øre).
    costs: Vec<(u32, u32, i128)>,
}

impl Default for Unit {
    fn default() -> Unit {
        Unit {
            members: Vec::new(),
            total: 0,
            departments: Vec::new(),
            caseworkers: Vec::new(),
            cases: Vec::new(),
            contacts: 0,
            first: i32::MAX,
            last: i32::MIN,
            costs: Vec::new(),
        }
    }
}

impl Unit {
    fn add_cost(&mut self, area: u32, department: u32, ore: i128) {
        self.total += ore;
        match self
            .costs
            .iter_mut()
            .find(|(a, d, _)| *a == area && *d == department)
        {
            Some((_, _, sum)) => *sum += ore,
            None => self.costs.push((area, department, ore)),
        }
    }

    fn add_date(&mut self, first: i32, last: i32) {
        self.first = self.first.min(first);
        self.last = self.last.max(last);
    }
}

/// Units being gathered, for one period and mode.
pub struct Accumulator {
    mode: UnitMode,
    from: i32,
    to: i32,
    membership: Option<Arc<Membership>>,
    /// Unit ids; a unit's id here is its index in `units`.
    ids: Interner,
    units: Vec<Unit>,
    /// Every other text: citizens, departments, areas, cases, caseworkers.
    texts: Interner,
    /// Budget areas with expense rows.
    areas: Vec<u32>,
    /// The last text of each kind looked up: rows come in runs of one
    /// unit, department, case or area, and a comparison is cheaper than a lookup.
    last: Recent,
}

/// Text ids last looked up, per kind of text.
#[derive(Default)]
struct Recent {
    unit: Option<u32>,
    citizen: Option<u32>,
    department: Option<u32>,
    area: Option<u32>,
    case: Option<u32>,
    caseworker: Option<u32>,
}

impl Accumulator {
    /// An empty accumulator; family mode needs the memberships.
    pub fn new(mode: UnitMode, period: Period, membership: Option<Arc<Membership>>) -> Accumulator {
        Accumulator {
            mode,
            from: period.from.map_or(i32::MIN, epoch_days),
            to: period.to.map_or(i32::MAX, epoch_days),
            membership,
            ids: Interner::default(),
            units: Vec::new(),
            texts: Interner::default(),
            areas: Vec::new(),
            last: Recent::default(),
        }
    }

    /// Adds one row, if dated in the period.
    pub fn add(&mut self, row: Row<'_>) {
        if row.date < self.from || row.date > self.to {
            return;
        }
        let id = unit_of(self.mode, self.membership.as_deref(), row.citizen, row.date);
        let (texts, last) = (&mut self.texts, &mut self.last);
        let unit = unit_index(&mut self.ids, &mut self.units, &mut last.unit, id);
        let department = texts.intern_after(&mut last.department, row.department);
        let member = match self.mode {
            UnitMode::Family => Some(texts.intern_after(&mut last.citizen, row.citizen)),
            UnitMode::Citizen => None,
        };
        let case = row
            .case
            .map(|c| (department, texts.intern_after(&mut last.case, c)));
        let what = match row.what {
            What::Expense { amount, area, .. } => {
                let area = texts.intern_after(&mut last.area, area);
                insert_once(&mut self.areas, area);
                Ok((area, i128::from(ore(amount))))
            }
            What::Contact { caseworker } => {
                Err(caseworker.map(|c| (department, texts.intern_after(&mut last.caseworker, c))))
            }
        };
        let unit = &mut self.units[unit];
        unit.add_date(row.date, row.date);
        insert_once(&mut unit.departments, department);
        if let Some(member) = member {
            insert_once(&mut unit.members, member);
        }
        if let Some(case) = case {
            insert_once(&mut unit.cases, case);
        }
        match what {
            Ok((area, ore)) => unit.add_cost(area, department, ore),
            Err(caseworker) => {
                unit.contacts += 1;
                if let Some(pair) = caseworker {
                    insert_once(&mut unit.caseworkers, pair);
                }
            }
        }
    }

    /// Adds every row of a loaded frame of expenses or contacts.
    pub fn add_frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()> {
        for_each_row(kind, frame, |row| self.add(row))
    }

    /// Adds every unit of `other` to this one.
    pub fn merge(&mut self, other: Accumulator) {
        let texts: Vec<u32> = (0..other.texts.len() as u32)
            .map(|id| self.texts.intern(other.texts.get(id)))
            .collect();
        let text = |id: u32| texts[id as usize];
        let pair = |(a, b): (u32, u32)| (text(a), text(b));
        for area in other.areas {
            insert_once(&mut self.areas, text(area));
        }
        for (id, theirs) in other.units.into_iter().enumerate() {
            let index = unit_index(
                &mut self.ids,
                &mut self.units,
                &mut self.last.unit,
                other.ids.get(id as u32),
            );
            let ours = &mut self.units[index];
            ours.add_date(theirs.first, theirs.last);
            ours.contacts += theirs.contacts;
            for m in theirs.members {
                insert_once(&mut ours.members, text(m));
            }
            for d in theirs.departments {
                insert_once(&mut ours.departments, text(d));
            }
            for c in theirs.caseworkers {
                insert_once(&mut ours.caseworkers, pair(c));
            }
            for c in theirs.cases {
                insert_once(&mut ours.cases, pair(c));
            }
            for (area, department, sum) in theirs.costs {
                ours.add_cost(text(area), text(department), sum);
            }
        }
    }

    /// The unit table, sorted by `unit_id`.
    pub fn finish(self) -> PolarsResult<Units> {
        let mut order: Vec<usize> = (0..self.units.len()).collect();
        order.sort_unstable_by(|&a, &b| self.ids.get(a as u32).cmp(self.ids.get(b as u32)));
        let mut areas: Vec<(&str, u32)> =
            self.areas.iter().map(|&a| (self.texts.get(a), a)).collect();
        areas.sort_unstable();
        // The two long tables are built beside the main one.
        let (frame, details) = std::thread::scope(|scope| {
            let details = scope.spawn(|| self.details(&order));
            (self.table(&order, &areas), details.join())
        });
        let (departments, costs) = details
            .unwrap_or_else(|_| Err(polars_err!(ComputeError: "building unit details failed")))?;
        Ok(Units {
            frame: frame?,
            areas: areas.iter().map(|(name, _)| name.to_string()).collect(),
            departments,
            costs,
        })
    }

    /// The unit table: one row per unit in `order`, a cost column per area.
    fn table(&self, order: &[usize], areas: &[(&str, u32)]) -> PolarsResult<DataFrame> {
        let units = || order.iter().map(|&i| &self.units[i]);
        let count = |f: fn(&Unit) -> usize| -> Vec<i64> { units().map(|u| f(u) as i64).collect() };
        let date = |name: &str, f: fn(&Unit) -> i32| -> PolarsResult<Column> {
            Column::new(name.into(), units().map(f).collect::<Vec<_>>()).cast(&DataType::Date)
        };
        let mut columns = vec![
            Column::new(
                metric::UNIT_ID.into(),
                order
                    .iter()
                    .map(|&i| self.ids.get(i as u32))
                    .collect::<Vec<_>>(),
            ),
            Column::new(metric::MEMBERS.into(), count(|u| u.members.len().max(1))),
            Column::new(
                metric::TOTAL_COST.into(),
                units().map(|u| dkk(u.total)).collect::<Vec<_>>(),
            ),
            Column::new(metric::DEPARTMENTS.into(), count(|u| u.departments.len())),
            Column::new(metric::CASEWORKERS.into(), count(|u| u.caseworkers.len())),
            Column::new(metric::CONTACTS.into(), count(|u| u.contacts as usize)),
            Column::new(metric::CASES.into(), count(|u| u.cases.len())),
            date(metric::FIRST_DATE, |u| u.first)?,
            date(metric::LAST_DATE, |u| u.last)?,
            Column::new(
                metric::ACTIVE_DAYS.into(),
                units()
                    .map(|u| i64::from(u.last) - i64::from(u.first) + 1)
                    .collect::<Vec<_>>(),
            ),
        ];
        for &(name, area) in areas {
            let sums =
                units().map(|u| dkk(u.costs.iter().filter(|c| c.0 == area).map(|c| c.2).sum()));
            columns.push(Column::new(
                cost_column(name).into(),
                sums.collect::<Vec<_>>(),
            ));
        }
        DataFrame::new(order.len(), columns)
    }

    /// The departments of every unit, and its cost per budget area and
    /// department, as long tables in `order`.
    fn details(&self, order: &[usize]) -> PolarsResult<(DataFrame, DataFrame)> {
        let (mut unit, mut department) = (Vec::new(), Vec::new());
        let (mut cost_unit, mut cost_area, mut cost_department, mut amount) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for &i in order {
            let id = self.ids.get(i as u32);
            let mut names: Vec<&str> = self.units[i]
                .departments
                .iter()
                .map(|&d| self.texts.get(d))
                .collect();
            names.sort_unstable();
            for name in names {
                unit.push(id);
                department.push(name);
            }
            let mut cells: Vec<(&str, &str, i128)> = self.units[i]
                .costs
                .iter()
                .map(|&(a, d, sum)| (self.texts.get(a), self.texts.get(d), sum))
                .collect();
            cells.sort_unstable();
            for (area, dept, sum) in cells {
                cost_unit.push(id);
                cost_area.push(area);
                cost_department.push(dept);
                amount.push(dkk(sum));
            }
        }
        let departments = DataFrame::new(
            unit.len(),
            vec![
                Column::new(metric::UNIT_ID.into(), unit),
                Column::new(column::DEPARTMENT.into(), department),
            ],
        )?;
        let costs = DataFrame::new(
            cost_unit.len(),
            vec![
                Column::new(metric::UNIT_ID.into(), cost_unit),
                Column::new(column::BUDGET_AREA.into(), cost_area),
                Column::new(column::DEPARTMENT.into(), cost_department),
                Column::new("amount".into(), amount),
            ],
        )?;
        Ok((departments, costs))
    }
}

impl RowTarget for Accumulator {
    fn row(&mut self, row: Row<'_>) {
        self.add(row);
    }

    fn frame(&mut self, kind: Kind, frame: &DataFrame) -> PolarsResult<()> {
        self.add_frame(kind, frame)
    }
}

/// The index of the unit `id`, adding it if new.
fn unit_index(
    ids: &mut Interner,
    units: &mut Vec<Unit>,
    last: &mut Option<u32>,
    id: &str,
) -> usize {
    let index = ids.intern_after(last, id) as usize;
    if index == units.len() {
        units.push(Unit::default());
    }
    index
}

fn dkk(ore: i128) -> f64 {
    ore as f64 / 100.0
}

fn insert_once<T: PartialEq>(set: &mut Vec<T>, value: T) {
    if !set.contains(&value) {
        set.push(value);
    }
}
