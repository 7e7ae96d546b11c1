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
use super::{prepare, Prepared, RealisedError, RealisedRequest};
use crate::config::{Config, Period, SavingsConfig};
use crate::load::Loaded;
use crate::output::{Document, Table, Value};
use chrono::NaiveDate;
use polars::prelude::*;
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
    prepared: &Prepared,
    sets: &[MatchedSet<'_>],
    first: u16,
    savings: &SavingsConfig,
) -> Contributions {
    let panel = &prepared.panel;
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
    config: &Config,
    period: Period,
    request: &RealisedRequest,
    every: Every,
) -> Result<(Loaded, Monitor), RealisedError> {
    let prepared = prepare(config, period, request)?;
    let realised = super::estimate_prepared(&prepared, request);
    let sets = prepared.matched_sets();
    let savings = &config.savings;
    let calendar = &prepared.calendar;
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
        return Ok((prepared.loaded, monitor));
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
    let panel = &prepared.panel;
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
    Ok((prepared.loaded, monitor))
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

impl Monitor {
    /// The monitor as output: `summary` (balance, in words), `periods` (all
    /// areas together, with investment, net and status), `areas` and
    /// `departments` (who gains so far). A period with fewer than `min_cell`
    /// enrolled units, and an area or department with fewer than `min_cell`
    /// enrolled units with cost there, is hidden; where one area (or
    /// department) is, the next smallest goes with it.
    pub fn document(&self, min_cell: u32) -> PolarsResult<Document> {
        use crate::suppress;
        let estimable = self.realised.balanced(None)
            && suppress::count(self.realised.cohort_units, min_cell).is_some()
            && suppress::count(self.realised.comparison_units, min_cell).is_some();
        let shown_row = |r: &MonitorRow| {
            suppress::count(r.enrolled_units, min_cell).is_some()
                && suppress::count(self.realised.comparison_units, min_cell).is_some()
        };
        let money = |v: f64, show: bool| (show && v.is_finite()).then_some(v);
        let rows = &self.total;
        let periods = Table::new(df!(
            "period_start" => rows.iter().map(|r| r.period_start).collect::<Vec<_>>(),
            "period_end" => rows.iter().map(|r| r.period_end).collect::<Vec<_>>(),
            "enrolled_units" => rows.iter().map(|r| suppress::count(r.enrolled_units, min_cell)).collect::<Vec<_>>(),
            "expected" => rows.iter().map(|r| money(r.expected, shown_row(r))).collect::<Vec<_>>(),
            "realised" => rows.iter().map(|r| money(r.realised.0, shown_row(r))).collect::<Vec<_>>(),
            "realised_low" => rows.iter().map(|r| money(r.realised.1, shown_row(r))).collect::<Vec<_>>(),
            "realised_high" => rows.iter().map(|r| money(r.realised.2, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_expected" => rows.iter().map(|r| money(r.cumulative_expected, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised" => rows.iter().map(|r| money(r.cumulative_realised.0, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised_low" => rows.iter().map(|r| money(r.cumulative_realised.1, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised_high" => rows.iter().map(|r| money(r.cumulative_realised.2, shown_row(r))).collect::<Vec<_>>(),
            "investment_to_date" => rows.iter().map(|r| money(r.investment_to_date, shown_row(r))).collect::<Vec<_>>(),
            "net_to_date" => rows.iter().map(|r| money(r.cumulative_realised.0 - r.investment_to_date, shown_row(r))).collect::<Vec<_>>(),
            "status" => rows.iter().map(|r| status(r, estimable && shown_row(r)).as_str()).collect::<Vec<_>>(),
        )?)
        .with_title(format!(
            "Expected against realised savings per {}, all budget areas (kroner)",
            match self.every {
                Every::Month => "month",
                Every::Quarter => "quarter",
                Every::Year => "year",
            }
        ))
        // A narrow terminal keeps each period's and the cumulative figures and the status.
        .with_optional([
            "period_end",
            "enrolled_units",
            "cumulative_expected",
            "realised_low",
            "realised_high",
            "cumulative_realised_low",
            "cumulative_realised_high",
            "investment_to_date",
            "net_to_date",
        ])
        .with_money([
            "expected", "realised", "realised_low", "realised_high", "cumulative_expected",
            "cumulative_realised", "cumulative_realised_low", "cumulative_realised_high",
            "investment_to_date", "net_to_date",
        ])
        .with_suppressed([
            "enrolled_units", "expected", "realised", "realised_low", "realised_high",
            "cumulative_expected", "cumulative_realised", "cumulative_realised_low",
            "cumulative_realised_high", "investment_to_date", "net_to_date",
        ]);
        let breakdown = |label: &str,
                         groups: &[(String, Vec<MonitorRow>)],
                         units: &[u64],
                         title: String|
         -> PolarsResult<Table> {
            // Areas (or departments) add up to the total; a unit can be in several.
            let parts: Vec<suppress::Part> = units
                .iter()
                .map(|&n| suppress::Part::new(n, n as f64))
                .collect();
            let start = suppress::primary(&parts, min_cell);
            let done = suppress::protect(
                &parts,
                &start,
                suppress::Membership::Overlapping,
                true,
                min_cell,
            );
            let statuses: Vec<suppress::Status> = if done.total.is_shown() {
                done.parts
            } else {
                start
                    .iter()
                    .map(|s| s.and(suppress::Status::Complement))
                    .collect()
            };
            let hidden: Vec<bool> = statuses.iter().map(|s| !s.is_shown()).collect();
            let mut complement = Vec::new();
            let mut name = Vec::new();
            let mut start = Vec::new();
            let mut end = Vec::new();
            let mut columns: [Vec<Option<f64>>; 6] = Default::default();
            for (((group, rows), hide), status) in groups.iter().zip(&hidden).zip(&statuses) {
                for r in rows {
                    if *status == suppress::Status::Complement {
                        complement.push(name.len());
                    }
                    let show = !hide && shown_row(r);
                    name.push(group.as_str());
                    start.push(r.period_start);
                    end.push(r.period_end);
                    for (column, v) in columns.iter_mut().zip([
                        r.expected,
                        r.realised.0,
                        r.realised.1,
                        r.realised.2,
                        r.cumulative_expected,
                        r.cumulative_realised.0,
                    ]) {
                        column.push(money(v, show));
                    }
                }
            }
            let [expected, realised, low, high, cum_expected, cum_realised] = columns;
            let frame = df!(
                label => name,
                "period_start" => start,
                "period_end" => end,
                "expected" => expected,
                "realised" => realised,
                "realised_low" => low,
                "realised_high" => high,
                "cumulative_expected" => cum_expected,
                "cumulative_realised" => cum_realised,
            )?;
            let money_columns = [
                "expected",
                "realised",
                "realised_low",
                "realised_high",
                "cumulative_expected",
                "cumulative_realised",
            ];
            Ok(Table::new(frame)
                .with_title(title)
                .with_optional([
                    "period_end",
                    "realised_low",
                    "realised_high",
                    "cumulative_expected",
                ])
                .with_money(money_columns)
                .with_suppressed(money_columns)
                .with_complement_rows(complement))
        };
        let areas = breakdown(
            "budget_area",
            &self.areas,
            &self.area_units,
            "Per budget area: who gains so far".into(),
        )?;
        let departments = breakdown(
            "department",
            &self.departments,
            &self.department_units,
            "Per department: who gains so far".into(),
        )?;
        let summary = vec![
            ("balanced".to_string(), Value::Bool(self.realised.balanced(None))),
            ("balance_note".to_string(), Value::Text(super::balance_note(&self.realised, min_cell))),
            (
                "note".to_string(),
                Value::Text(
                    "expected applies the [savings] model to each enrolled unit's own cost in the months \
                     before its start, ramped up by the years since it; realised is the difference in \
                     differences against its matched comparison units, as money in each period, with a \
                     95 % bootstrap interval over enrolled units; the status compares what was expected \
                     to date with the realised interval to date."
                        .into(),
                ),
            ),
        ];
        Ok(Document::new()
            .with_fields("summary", summary)
            .with_title("summary", "Summary")
            .with_table("periods", periods)
            .with_table("areas", areas)
            .with_table("departments", departments))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture of `realised`'s hand-computed test (a matched with c from
    /// March, b with d from May; two-month windows; setup 1000, a
    /// coordinator 1200 a year) followed by quarter.
    /// Realised per month is the match's change less the unit's: a's March
    /// 500 − 300, April 400 − 100, May 10 − 999, June 20 − 0; b's May
    /// 300 − 400, June 300 − 0 (their before-means are equal). Expected: a's
    /// 400 a month before start, all "Kontante ydelser" (effect 0.10), is 20
    /// a month in year 1 (ramp 0.5); b's 550 there and 60 elsewhere (0.05)
    /// is 29 a month.
    #[test]
    fn monitor_follows_the_hand_computed_quarters() {
        // g and h of the fixture are never estimated, so never followed.
        let (_dir, config, request) = super::super::tests::fixture();
        let (_, m) = monitor(&config, config.period, &request, Every::Quarter).unwrap();
        let got: Vec<(String, u64, f64, f64, f64, f64, f64)> = m
            .total
            .iter()
            .map(|r| {
                (
                    r.period_start.to_string(),
                    r.enrolled_units,
                    r.expected,
                    r.realised.0,
                    r.cumulative_expected,
                    r.cumulative_realised.0,
                    r.investment_to_date,
                )
            })
            .collect();
        let row = |start: &str, units, expected, realised, cum_e, cum_r, investment| {
            (
                start.to_string(),
                units,
                expected,
                realised,
                cum_e,
                cum_r,
                investment,
            )
        };
        assert_eq!(
            got,
            [
                // Setup 1000, then 100 a unit-month: a's March.
                row("2023-01-01", 1, 20.0, 200.0, 20.0, 200.0, 1100.0),
                // a: 300 − 989 + 20; b: −100 + 300. a's 3 months, b's 2.
                row("2023-04-01", 2, 60.0 + 58.0, -469.0, 138.0, -269.0, 1600.0),
                row("2023-07-01", 2, 60.0 + 87.0, 0.0, 285.0, -269.0, 2200.0),
                row("2023-10-01", 2, 60.0 + 87.0, 0.0, 432.0, -269.0, 2800.0),
            ]
        );
        assert_eq!(m.total[3].period_end.to_string(), "2023-12-31");
        // Per area: b's "Kontante ydelser" before-mean is 60 below d's, and
        // its other area's 60 above d's (none), so each month after June
        // moves 60 between the two areas; they add up to the total.
        let area = |name: &str| &m.areas.iter().find(|(a, _)| a == name).unwrap().1;
        let k: Vec<f64> = area("Kontante ydelser")
            .iter()
            .map(|r| r.realised.0)
            .collect();
        let t: Vec<f64> = area("Tilbud til børn og unge med særlige behov")
            .iter()
            .map(|r| r.realised.0)
            .collect();
        assert_eq!(
            k,
            [200.0, 300.0 - 989.0 + 20.0 - 160.0 + 240.0, -180.0, -180.0]
        );
        assert_eq!(t, [0.0, 120.0, 180.0, 180.0]);
        assert_eq!(m.departments.len(), 1);
        assert_eq!(
            status(&m.total[0], true),
            Status::NotEstimable,
            "no draws, no interval"
        );
    }
}
