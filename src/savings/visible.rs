//! Which figures of a savings case may be shown (SPEC §4). The figures are
//! tied together: the summary's savings are the areas' savings added up
//! (each area weighted by its effect, which is always shown), and a
//! department's figures are its parts of the areas. So:
//!
//! - the summary shows when the cohort has `min_cell` units; the areas are
//!   parts of its gross savings, weighted by their effects, and are
//!   protected as such (`suppress::protect`, overlapping units), with any
//!   area another table of the same document hides (`shown_beside`);
//! - departments are added up over the shown areas only (a hidden area's
//!   cost never enters them), and only when every area-and-department piece
//!   of them holds 0 or at least `min_cell` units: a department's baseline
//!   and savings are two sums of its pieces with different weights, so a
//!   small piece could be solved for; otherwise every department's money is
//!   hidden as a complement.

use super::{departments, DepartmentSavings, SavingsCase};
use crate::suppress::{self, Membership, Part, Status};
use std::collections::{BTreeMap, BTreeSet};

/// What of a case may be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Visible {
    /// Whether the summary may be shown (the cohort has `min_cell` units and
    /// the areas could be protected beside it).
    pub summary: Status,
    /// Per area, in `areas` order.
    pub areas: Vec<Status>,
    /// The department figures to publish: over the shown areas only.
    pub departments: Vec<DepartmentSavings>,
    /// Per department in `departments`: the status of its units count.
    pub department_units: Vec<Status>,
    /// The status of every department's money figures.
    pub department_money: Status,
    /// Whether some area is hidden, so the departments cover fewer areas.
    pub departments_partial: bool,
}

/// Decides what of `case` may be shown.
pub fn shown(case: &SavingsCase, min_cell: u32) -> Visible {
    shown_beside(case, min_cell, &BTreeSet::new())
}

/// As [`shown`], with `hidden_elsewhere` naming areas that must be hidden
/// (as complements) because another part of the same document would give
/// them away.
pub fn shown_beside(
    case: &SavingsCase,
    min_cell: u32,
    hidden_elsewhere: &BTreeSet<String>,
) -> Visible {
    let cohort = Status::of(case.summary.cohort_units, min_cell);
    let parts: Vec<Part> = case
        .areas
        .iter()
        .map(|a| Part {
            units: a.units,
            size: a.baseline,
            weight: a.effect,
        })
        .collect();
    let start: Vec<Status> = case
        .areas
        .iter()
        .zip(suppress::primary(&parts, min_cell))
        .map(|(a, status)| {
            let status = status.and(cohort);
            if status.is_shown() && hidden_elsewhere.contains(&a.area) {
                Status::Complement
            } else {
                status
            }
        })
        .collect();
    let areas = suppress::protect(
        &parts,
        &start,
        Membership::Overlapping,
        cohort.is_shown(),
        min_cell,
    );
    let summary = if cohort.is_shown() {
        areas.total
    } else {
        cohort
    };
    let shown_areas: BTreeSet<&str> = case
        .areas
        .iter()
        .zip(&areas.parts)
        .filter(|(_, s)| s.is_shown())
        .map(|(a, _)| a.area.as_str())
        .collect();
    let cells: Vec<_> = case
        .cells
        .iter()
        .filter(|c| shown_areas.contains(c.area.as_str()))
        .collect();
    let m = u64::from(min_cell);
    let department_money = if cells.iter().all(|c| c.units == 0 || c.units >= m) {
        Status::Shown
    } else {
        Status::Complement
    };
    let units: BTreeMap<String, u64> = case
        .departments
        .iter()
        .map(|d| (d.department.clone(), d.units))
        .collect();
    let departments = departments(&units, cells);
    Visible {
        summary,
        department_units: departments
            .iter()
            .map(|d| Status::of(d.units, min_cell).and(cohort))
            .collect(),
        department_money: department_money.and(cohort),
        departments,
        departments_partial: areas.parts.iter().any(|s| !s.is_shown()),
        areas: areas.parts,
    }
}
