//! Gathered units as frames: the unit table, one row per unit with a cost
//! column per budget area, and the long tables of each unit's departments
//! and costs. Units are read in the order of their ids' names.

use super::keyed::Texts;
use super::unit::Unit;
use super::{cost_column, metric, Details};
use crate::interner::Ranked;
use crate::schema::col as column;
use polars::prelude::*;

/// The units' ids, in their order: the unit table's first column, and
/// what the long tables' ids are gathered from.
pub(super) fn ids(sorted: &[(&str, &Unit)]) -> StringChunked {
    let names: Vec<&str> = sorted.iter().map(|(name, _)| *name).collect();
    StringChunked::from_slice(metric::UNIT_ID.into(), &names)
}

/// The unit table: one row per unit, a cost column per area; `ids` are
/// the units' ids.
pub(super) fn table(
    sorted: &[(&str, &Unit)],
    ids: &StringChunked,
    areas: &[(&str, u32)],
) -> PolarsResult<DataFrame> {
    // Each area's column, found by the area's id.
    let mut column_of = vec![
        None;
        areas
            .iter()
            .map(|&(_, a)| a as usize + 1)
            .max()
            .unwrap_or(0)
    ];
    for (column, &(_, area)) in areas.iter().enumerate() {
        column_of[area as usize] = Some(column);
    }
    // Every column in one pass over the units: they lie in memory in the
    // order they were first seen, not by id, and a pass per column would
    // fetch each unit from memory once per column.
    let n = sorted.len();
    let counts = || Vec::<i64>::with_capacity(n);
    let (mut members, mut departments, mut caseworkers, mut contacts, mut cases) =
        (counts(), counts(), counts(), counts(), counts());
    let (mut totals, mut firsts, mut lasts, mut active) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        counts(),
    );
    let mut costs: Vec<Vec<f64>> = areas.iter().map(|_| Vec::with_capacity(n)).collect();
    let mut sums = vec![0i128; areas.len()];
    for (k, &(_, unit)) in sorted.iter().enumerate() {
        if let Some(&(_, ahead)) = sorted.get(k + AHEAD) {
            prefetch(ahead);
        }
        members.push(unit.members.len().max(1) as i64);
        totals.push(dkk(unit.total));
        departments.push(unit.departments.len() as i64);
        caseworkers.push(unit.caseworkers.len() as i64);
        contacts.push(unit.contacts as i64);
        cases.push(unit.cases.len() as i64);
        firsts.push(unit.first);
        lasts.push(unit.last);
        active.push(i64::from(unit.last) - i64::from(unit.first) + 1);
        sums.fill(0);
        for &(area, _, sum) in &unit.costs {
            if let Some(&Some(column)) = column_of.get(area as usize) {
                sums[column] += sum;
            }
        }
        for (column, &sum) in costs.iter_mut().zip(&sums) {
            column.push(dkk(sum));
        }
    }
    let date = |name: &str, days: Vec<i32>| Column::new(name.into(), days).cast(&DataType::Date);
    let mut columns = vec![
        ids.clone().into_column(),
        Column::new(metric::MEMBERS.into(), members),
        Column::new(metric::TOTAL_COST.into(), totals),
        Column::new(metric::DEPARTMENTS.into(), departments),
        Column::new(metric::CASEWORKERS.into(), caseworkers),
        Column::new(metric::CONTACTS.into(), contacts),
        Column::new(metric::CASES.into(), cases),
        date(metric::FIRST_DATE, firsts)?,
        date(metric::LAST_DATE, lasts)?,
        Column::new(metric::ACTIVE_DAYS.into(), active),
    ];
    for (&(name, _), costs) in areas.iter().zip(costs) {
        columns.push(Column::new(cost_column(name).into(), costs));
    }
    DataFrame::new(n, columns)
}

/// How many units ahead of the one read a pass in name order asks for.
const AHEAD: usize = 8;

/// Asks the processor to bring `unit` into its cache before it is read. A
/// pass in name order reads units scattered over memory, and a miss at a
/// time leaves memory idle while the next one could already be on its way.
#[inline]
fn prefetch(unit: &Unit) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = (unit as *const Unit).cast::<i8>();
        for offset in (0..std::mem::size_of::<Unit>()).step_by(64) {
            // SAFETY: a prefetch is a hint that reads nothing and cannot
            // fault; the address is inside `unit`.
            unsafe { _mm_prefetch(start.wrapping_add(offset), _MM_HINT_T0) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = unit;
}

/// The departments of every unit, and its cost per budget area and
/// department, as long tables in the units' order; `ids` are the units'
/// ids. A text column's values are gathered from a column of each distinct
/// text: its rows point at those texts rather than copy them, and millions
/// of rows repeat a unit's id and a few names.
pub(super) fn details(
    sorted: &[(&str, &Unit)],
    ids: &StringChunked,
    texts: &Texts,
) -> PolarsResult<Details> {
    // Departments and areas are ordered by their names' ranks, found once.
    let departments = texts.departments.ranked();
    let areas = texts.areas.ranked();
    let (mut unit, mut department) = (Vec::new(), Vec::new());
    let (mut cost_unit, mut cost_area, mut cost_department, mut amount) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut ranks, mut cells) = (Vec::new(), Vec::new());
    for (at, &(_, this)) in sorted.iter().enumerate() {
        let at = at as IdxSize;
        ranks.clear();
        ranks.extend(
            this.departments
                .iter()
                .map(|&d| departments.rank[d as usize]),
        );
        ranks.sort_unstable();
        for &rank in &ranks {
            unit.push(at);
            department.push(rank as IdxSize);
        }
        cells.clear();
        cells.extend(
            this.costs
                .iter()
                .map(|&(a, d, sum)| (areas.rank[a as usize], departments.rank[d as usize], sum)),
        );
        cells.sort_unstable();
        for &(area, dept, sum) in &cells {
            cost_unit.push(at);
            cost_area.push(area as IdxSize);
            cost_department.push(dept as IdxSize);
            amount.push(dkk(sum));
        }
    }
    let names = |ranked: &Ranked<'_>| StringChunked::from_slice(PlSmallStr::EMPTY, &ranked.names);
    let (department_names, area_names) = (names(&departments), names(&areas));
    let gather = |name: &str, texts: &StringChunked, at: Vec<IdxSize>| -> PolarsResult<Column> {
        let at = IdxCa::from_vec(PlSmallStr::EMPTY, at);
        Ok(texts.take(&at)?.with_name(name.into()).into_column())
    };
    let departments = DataFrame::new(
        unit.len(),
        vec![
            gather(metric::UNIT_ID, ids, unit)?,
            gather(column::DEPARTMENT, &department_names, department)?,
        ],
    )?;
    let costs = DataFrame::new(
        cost_unit.len(),
        vec![
            gather(metric::UNIT_ID, ids, cost_unit)?,
            gather(column::BUDGET_AREA, &area_names, cost_area)?,
            gather(column::DEPARTMENT, &department_names, cost_department)?,
            Column::new("amount".into(), amount),
        ],
    )?;
    Ok(Details { departments, costs })
}

fn dkk(ore: i128) -> f64 {
    ore as f64 / 100.0
}
