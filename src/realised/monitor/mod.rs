//! Following the gains against the business case, period by period: what
//! the `[savings]` model expected of the enrolled units (applied to each
//! unit's own cost before its start, ramping up by the years since its
//! start), what the matched comparison says they really saved in that
//! calendar period, the investment so far (setup and a coordinator per
//! enrolled unit-month) and the net to date. Municipalities are advised to
//! set milestones for the gains and follow them as the project goes; this is
//! that follow-up.

use super::estimate::{interval, MatchedSet};
use super::panel::{Cell, Panel};
use super::{prepare, MonthlyPanel, Prepared, RealisedError, RealisedRequest};
use crate::config::SavingsConfig;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};

/// Calendar periods of the monitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

impl Every {
    fn months(self) -> i32 {
        match self {
            Every::Month => 1,
            Every::Quarter => 3,
            Every::Year => 12,
        }
    }
}

/// The status of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The realised interval lies above what was expected to date.
    Ahead,
    /// What was expected to date lies inside the realised interval.
    OnTrack,
    /// The realised interval lies below what was expected to date.
    Behind,
    /// Not balanced, or fewer than `min_cell` enrolled units.
    NotEstimable,
}

impl Status {
    /// The word in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ahead => "ahead",
            Status::OnTrack => "on track",
            Status::Behind => "behind",
            Status::NotEstimable => "not estimable",
        }
    }
}

/// One calendar period of one group (the total, a budget area or a department).
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorRow {
    /// First day.
    pub period_start: NaiveDate,
    /// Last day.
    pub period_end: NaiveDate,
    /// Enrolled units started by the period's end.
    pub enrolled_units: u64,
    /// Expected saving in the period.
    pub expected: f64,
    /// Realised saving in the period, and its 95 % interval.
    pub realised: (f64, f64, f64),
    /// Expected to date.
    pub cumulative_expected: f64,
    /// Realised to date, and its 95 % interval.
    pub cumulative_realised: (f64, f64, f64),
    /// Setup and coordinator cost to date (total rows only).
    pub investment_to_date: f64,
}

/// The monitor: rows per period for the total, then per area and per department.
#[derive(Debug, Clone, PartialEq)]
pub struct Monitor {
    /// The periods' length.
    pub every: Every,
    /// Per area, then per department: enrolled units with cost there.
    pub area_units: Vec<u64>,
    /// Per department: enrolled units with cost there.
    pub department_units: Vec<u64>,
    /// The estimate it rests on (balance, counts).
    pub realised: super::Realised,
    /// Per period, all areas together.
    pub total: Vec<MonitorRow>,
    /// Per budget area, per period.
    pub areas: Vec<(String, Vec<MonitorRow>)>,
    /// Per department, per period.
    pub departments: Vec<(String, Vec<MonitorRow>)>,
}

/// Per enrolled unit, per group (total, areas, departments), per month from
/// the first period's start: the cohort's cost less its before-mean, less
/// the same for its matches. Groups: 0 is the total, then areas, then departments.
struct Contributions {
    groups: usize,
    months: usize,
    /// `[unit][group][month]`, flattened.
    saving: Vec<f64>,
    expected: Vec<f64>,
    /// Per group: enrolled units with cost there before or after start.
    with_cost: Vec<u64>,
}

fn group_costs(panel: &Panel, unit: usize, from: u16, to: u16, out: &mut [f64]) {
    out.iter_mut().for_each(|x| *x = 0.0);
    let areas = panel.areas.len();
    for cell in panel.window(unit, from, to) {
        if cell.area == Cell::NO_AREA {
            continue;
        }
        let kr = cell.ore as f64 / 100.0;
        out[0] += kr;
        out[1 + usize::from(cell.area)] += kr;
        out[1 + areas + cell.department as usize] += kr;
    }
}

/// The expected saving share of a group's cost in year `year` (1, 2, …)
/// after start: the area's effect (a department's is its cost-weighted mix,
/// computed by the caller from areas) ramped up, less deadweight and optimism bias.
fn ramp(savings: &SavingsConfig, year: usize) -> f64 {
    savings.ramp_up.get(year - 1).copied().unwrap_or(1.0)
}

fn effect(savings: &SavingsConfig, area: &str) -> f64 {
    savings
        .effects
        .get(area)
        .or_else(|| savings.effects.get("default"))
        .copied()
        .unwrap_or(0.0)
        * savings.scenarios.base
        * (1.0 - savings.deadweight)
        * (1.0 - savings.optimism_bias)
}

fn contributions(
    prepared: &Prepared<'_>,
    sets: &[MatchedSet<'_>],
    first: u16,
    savings: &SavingsConfig,
) -> Contributions {
    let panel = prepared.panel;
    let (areas, departments) = (panel.areas.len(), panel.departments.len());
    let groups = 1 + areas + departments;
    let observed = prepared.calendar.months();
    let months = usize::from(observed - first);
    let w = prepared.months;
    let mut saving = vec![0.0; sets.len() * groups * months];
    let mut expected = vec![0.0; sets.len() * groups * months];
    let effects: Vec<f64> = panel.areas.iter().map(|a| effect(savings, a)).collect();
    let (mut own, mut theirs, mut before, mut their_before) = (
        vec![0.0; groups],
        vec![0.0; groups],
        vec![0.0; groups],
        vec![0.0; groups],
    );
    let mut scratch = vec![0.0; groups];
    let mut with_cost = vec![0u64; groups];
    for (i, set) in sets.iter().enumerate() {
        let mut any = vec![false; groups];
        for cell in panel.window(set.unit, set.start - w, observed) {
            if cell.area != Cell::NO_AREA && cell.ore != 0 {
                any[0] = true;
                any[1 + usize::from(cell.area)] = true;
                any[1 + areas + cell.department as usize] = true;
            }
        }
        for (n, a) in with_cost.iter_mut().zip(any) {
            *n += u64::from(a);
        }
        let k = set.matches.len().max(1) as f64;
        group_costs(panel, set.unit, set.start - w, set.start, &mut before);
        before.iter_mut().for_each(|x| *x /= f64::from(w));
        their_before.iter_mut().for_each(|x| *x = 0.0);
        for &m in set.matches {
            group_costs(panel, m, set.start - w, set.start, &mut scratch);
            for (t, x) in their_before.iter_mut().zip(&scratch) {
                *t += x / f64::from(w) / k;
            }
        }
        // Expected per month: each area's yearly baseline (its monthly
        // mean before start) times its effect; a department's is the sum
        // over its cost in each area.
        let mut area_of_department = vec![0.0; departments];
        for cell in panel.window(set.unit, set.start - w, set.start) {
            if cell.area != Cell::NO_AREA {
                area_of_department[cell.department as usize] +=
                    cell.ore as f64 / 100.0 / f64::from(w) * effects[usize::from(cell.area)];
            }
        }
        for month in set.start..observed {
            let at = usize::from(month - first);
            let year = usize::from(month - set.start) / 12 + 1;
            let r = ramp(savings, year);
            group_costs(panel, set.unit, month, month + 1, &mut own);
            theirs.iter_mut().for_each(|x| *x = 0.0);
            for &m in set.matches {
                group_costs(panel, m, month, month + 1, &mut scratch);
                for (t, x) in theirs.iter_mut().zip(&scratch) {
                    *t += x / k;
                }
            }
            for g in 0..groups {
                let index = (i * groups + g) * months + at;
                saving[index] = -((own[g] - before[g]) - (theirs[g] - their_before[g]));
                expected[index] = r * match g {
                    0 => (0..areas).map(|a| before[1 + a] * effects[a]).sum(),
                    g if g <= areas => before[g] * effects[g - 1],
                    g => area_of_department[g - 1 - areas],
                };
            }
        }
    }
    Contributions {
        groups,
        months,
        saving,
        expected,
        with_cost,
    }
}

/// Follows expected against realised savings per calendar period, from the
/// period of the first start to the last whole month of data.
pub fn monitor(
    monthly: &MonthlyPanel,
    request: &RealisedRequest,
    every: Every,
    savings: &SavingsConfig,
) -> Result<Monitor, RealisedError> {
    let prepared = prepare(monthly, request)?;
    let realised = super::estimate_prepared(&prepared, request);
    let sets = prepared.matched_sets();
    let calendar = prepared.calendar;
    let Some(first_start) = sets.iter().map(|s| s.start).min() else {
        let monitor = Monitor {
            every,
            area_units: Vec::new(),
            department_units: Vec::new(),
            realised,
            total: Vec::new(),
            areas: Vec::new(),
            departments: Vec::new(),
        };
        return Ok(monitor);
    };
    // Periods are calendar months, quarters or years: the first holds the first start.
    let step = every.months();
    let offset = calendar_month_number(calendar, i32::from(first_start)) % step;
    let first = i32::from(first_start) - offset;
    let first_observed = first.max(0) as u16;
    let c = contributions(&prepared, &sets, first_observed, savings);
    let observed = i32::from(calendar.months());
    let mut bounds = Vec::new();
    let mut from = first;
    while from < observed {
        bounds.push((from, (from + step).min(observed)));
        from += step;
    }
    let n = sets.len();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(request.seed);
    // Each resample as how often it drew each enrolled unit: every group and
    // period then sums one contiguous column against it.
    let picks: Vec<Vec<u32>> = (0..request.resamples)
        .map(|_| {
            let mut times = vec![0u32; n];
            for _ in 0..n {
                times[rng.random_range(0..n)] += 1;
            }
            times
        })
        .collect();
    let rows_of = |group: usize, with_investment: bool| -> Vec<MonitorRow> {
        // Per unit, per period: the saving and the expectation.
        let period_sum = |values: &[f64], unit: usize, (from, to): (i32, i32)| -> f64 {
            let base = (unit * c.groups + group) * c.months;
            (from.max(first_observed.into())..to)
                .map(|m| values[base + (m - i32::from(first_observed)) as usize])
                .sum()
        };
        // Per period, per unit: the saving.
        let columns: Vec<Vec<f64>> = bounds
            .iter()
            .map(|&b| (0..n).map(|u| period_sum(&c.saving, u, b)).collect())
            .collect();
        let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(picks.len()); bounds.len()];
        let mut cumulative_draws: Vec<Vec<f64>> =
            vec![Vec::with_capacity(picks.len()); bounds.len()];
        for times in &picks {
            let mut running = 0.0;
            for (p, column) in columns.iter().enumerate() {
                let sum: f64 = times
                    .iter()
                    .zip(column)
                    .map(|(&t, v)| f64::from(t) * v)
                    .sum();
                running += sum;
                draws[p].push(sum);
                cumulative_draws[p].push(running);
            }
        }
        let (mut cum_expected, mut cum_realised) = (0.0, 0.0);
        bounds
            .iter()
            .enumerate()
            .map(|(p, &(from, to))| {
                let expected: f64 = (0..n).map(|u| period_sum(&c.expected, u, (from, to))).sum();
                let realised: f64 = columns[p].iter().sum();
                cum_expected += expected;
                cum_realised += realised;
                let (low, high) = interval(std::mem::take(&mut draws[p]));
                let (cum_low, cum_high) = interval(std::mem::take(&mut cumulative_draws[p]));
                let started = sets.iter().filter(|s| i32::from(s.start) < to).count() as u64;
                let investment = if with_investment {
                    let unit_months: i64 = sets
                        .iter()
                        .map(|s| {
                            let end = prepared.end_month[s.unit].map_or(to, |e| (e + 1).min(to));
                            i64::from((end - i32::from(s.start)).max(0))
                        })
                        .sum();
                    savings.setup_cost + savings.coordinator_cost / 12.0 * unit_months as f64
                } else {
                    0.0
                };
                MonitorRow {
                    period_start: calendar.first_day_of(from).unwrap_or_default(),
                    period_end: calendar
                        .first_day_of(to)
                        .and_then(|d| d.pred_opt())
                        .unwrap_or_default(),
                    enrolled_units: started,
                    expected,
                    realised: (realised, low, high),
                    cumulative_expected: cum_expected,
                    cumulative_realised: (cum_realised, cum_low, cum_high),
                    investment_to_date: investment,
                }
            })
            .collect()
    };
    let panel = prepared.panel;
    let areas = panel.areas.len();
    let monitor = Monitor {
        every,
        area_units: c.with_cost[1..=areas].to_vec(),
        department_units: c.with_cost[1 + areas..].to_vec(),
        total: rows_of(0, true),
        areas: (0..areas)
            .map(|a| (panel.areas[a].clone(), rows_of(1 + a, false)))
            .collect(),
        departments: (0..panel.departments.len())
            .map(|d| (panel.departments[d].clone(), rows_of(1 + areas + d, false)))
            .collect(),
        realised,
    };
    Ok(monitor)
}

/// The month of the year (0–11) of a month counted from the first observed month.
fn calendar_month_number(calendar: &super::panel::Calendar, month: i32) -> i32 {
    use chrono::Datelike;
    calendar
        .first_day_of(month)
        .map_or(0, |d| d.month0() as i32)
}

/// The status of a period from what was expected to date and the realised
/// interval to date; `None` when the estimate cannot be trusted.
pub fn status(row: &MonitorRow, estimable: bool) -> Status {
    let (_, low, high) = row.cumulative_realised;
    if !estimable || !low.is_finite() || !high.is_finite() {
        Status::NotEstimable
    } else if row.cumulative_expected < low {
        Status::Ahead
    } else if row.cumulative_expected > high {
        Status::Behind
    } else {
        Status::OnTrack
    }
}

mod document;
pub use document::MonitorTables;
#[cfg(test)]
mod tests;
