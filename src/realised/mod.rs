//! Realised savings of an enrolled cohort (SPEC §3): each area's cost per
//! unit-month in the window before and after each unit's start, against a
//! comparison group (units meeting the hotspot criteria in the window before
//! the cohort's median start, but not enrolled), as a difference in differences with a
//! bootstrap confidence interval over units.
//!
//! High-cost units drift back towards the mean whether or not anyone helps
//! them, so the cohort's own before/after drop is never a saving: it is shown
//! beside the comparison group's drop, which is what the estimate removes.

mod windows;

use crate::config::{Config, Period};
use crate::hotspots::{self, HotspotCriteria};
use crate::load::value::{epoch_days, from_epoch_days};
use crate::load::{self, Loaded};
use crate::output::{Document, Table, Value};
use crate::schema::Kind;
use crate::suppress;
use crate::units::{memberships, metric, Accumulator, UnitMode, UnitsError};
use chrono::{Months, NaiveDate};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use windows::{Gather, Group, Window, WindowSums};

/// The area name of the all-areas row.
pub const TOTAL: &str = "Total";

/// What to estimate.
#[derive(Debug, Clone)]
pub struct RealisedRequest {
    /// Citizen or family units; enrolments are read from the matching column.
    pub mode: UnitMode,
    /// Who is eligible for the comparison group.
    pub criteria: HotspotCriteria,
    /// Months before and after each start.
    pub window_months: u32,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Seed of the resampling (same seed, same interval).
    pub seed: u64,
}

/// Mean cost per unit-month of one group in one area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    /// Before the start.
    pub before: f64,
    /// From the start on.
    pub after: f64,
}

/// The estimate for one budget area (or [`TOTAL`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaEstimate {
    /// Budget area.
    pub area: String,
    /// Cohort units with cost in the area in either window.
    pub cohort_with_cost: u64,
    /// Comparison units with cost in the area in either window.
    pub comparison_with_cost: u64,
    /// Cohort means.
    pub cohort: Windows,
    /// Comparison means.
    pub comparison: Windows,
    /// Difference in differences per unit-month (negative: costs fell more in the cohort).
    pub did: f64,
    /// Bootstrap interval of `did`.
    pub did_interval: (f64, f64),
    /// Saving as a share of the cohort's counterfactual cost after the start: `−did / (after − did)`.
    pub relative: f64,
    /// Bootstrap interval of `relative`.
    pub relative_interval: (f64, f64),
}

/// The whole estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Realised {
    /// Enrolled units.
    pub cohort_units: u64,
    /// Eligible units not enrolled.
    pub comparison_units: u64,
    /// The comparison group's start: the cohort's median start.
    pub comparison_start: Option<NaiveDate>,
    /// Months in each window.
    pub window_months: u32,
    /// Per area (by name), then [`TOTAL`].
    pub areas: Vec<AreaEstimate>,
}

/// Estimates realised savings, reading the enrolments (and households, in
/// family mode) first and then streaming the expense and contact rows once:
/// each expense is added to its unit's window sums, and every row to the
/// units of the window before the median start, from which the comparison
/// group is chosen. The rows are not kept.
pub fn realised(
    config: &Config,
    period: Period,
    request: &RealisedRequest,
) -> Result<(Loaded, Realised), UnitsError> {
    let enrolments = load::load_kinds(config, period, &[Kind::Enrolments])?;
    let (households, membership) = memberships(config, period, request.mode == UnitMode::Family)?;
    let starts = enrolment_starts(&enrolments, request.mode)?;
    let mut days: Vec<i32> = starts.values().map(|d| epoch_days(*d)).collect();
    days.sort_unstable();
    // The lower median, so that it is a day that occurs.
    let median = days
        .get(days.len().saturating_sub(1) / 2)
        .and_then(|d| from_epoch_days(*d));
    let months = request.window_months;
    // Looked up on every expense row: the faster hash of hashbrown.
    let windows: hashbrown::HashMap<String, Window> = starts
        .iter()
        .map(|(id, start)| (id.clone(), Window::around(*start, months)))
        .collect();
    let before_median = median.map(|start| Period {
        from: start.checked_sub_months(Months::new(months)),
        to: start.pred_opt(),
    });
    let (rows, parts) = load::stream(config, period, &[Kind::Expenses, Kind::Contacts], &|| {
        Gather {
            mode: request.mode,
            membership: membership.clone(),
            cohort_windows: &windows,
            median_window: median.map(|m| Window::around(m, months)),
            eligibility: before_median
                .map(|p| Accumulator::new(request.mode, p, membership.clone())),
            cohort: WindowSums::default(),
            everyone: WindowSums::default(),
        }
    })?;
    let mut parts = parts.into_iter();
    let Some(mut all) = parts.next() else {
        return Err(polars_err!(ComputeError: "no rows were read").into());
    };
    for part in parts {
        all.merge(part);
    }

    let comparison: Vec<String> = match all.eligibility {
        Some(units) => {
            let criteria = HotspotCriteria {
                limit: None,
                ..request.criteria.clone()
            };
            hotspots::select(&units.finish()?, &criteria)?
                .column(metric::UNIT_ID)?
                .str()?
                .iter()
                .flatten()
                .filter(|id| !starts.contains_key(*id))
                .map(str::to_string)
                .collect()
        }
        None => Vec::new(),
    };
    let cohort: Vec<String> = starts.into_keys().collect();
    let cohort = all.cohort.group(&cohort, months);
    let comparison = all.everyone.group(&comparison, months);

    let mut areas: Vec<String> = cohort
        .cost
        .keys()
        .chain(comparison.cost.keys())
        .cloned()
        .collect();
    areas.sort();
    areas.dedup();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(request.seed);
    let mut estimates = Vec::with_capacity(areas.len() + 1);
    let total = |g: &Group| -> Vec<(f64, f64)> {
        let mut sum = vec![(0.0, 0.0); g.units.len()];
        for values in g.cost.values() {
            for (s, v) in sum.iter_mut().zip(values) {
                s.0 += v.0;
                s.1 += v.1;
            }
        }
        sum
    };
    let zeros = |g: &Group| vec![(0.0, 0.0); g.units.len()];
    for area in areas.iter().map(String::as_str).chain([TOTAL]) {
        let (c, k) = if area == TOTAL {
            (total(&cohort), total(&comparison))
        } else {
            (
                cohort
                    .cost
                    .get(area)
                    .cloned()
                    .unwrap_or_else(|| zeros(&cohort)),
                comparison
                    .cost
                    .get(area)
                    .cloned()
                    .unwrap_or_else(|| zeros(&comparison)),
            )
        };
        estimates.push(estimate(area, &c, &k, request.resamples, &mut rng));
    }
    let estimate = Realised {
        cohort_units: cohort.units.len() as u64,
        comparison_units: comparison.units.len() as u64,
        comparison_start: median,
        window_months: months,
        areas: estimates,
    };
    let loaded = Loaded::combine(config, vec![enrolments, households, rows]);
    Ok((loaded, estimate))
}

/// Each enrolled unit's first start.
fn enrolment_starts(loaded: &Loaded, mode: UnitMode) -> PolarsResult<BTreeMap<String, NaiveDate>> {
    let id = match mode {
        UnitMode::Citizen => "citizen",
        UnitMode::Family => "family",
    };
    let frame = loaded
        .frame(Kind::Enrolments)?
        .filter(col(id).is_not_null())
        .group_by([col(id)])
        .agg([col("start").min()])
        .with_column(col(id).cast(DataType::String))
        .collect()?;
    let ids = frame.column(id)?.str()?;
    let starts = frame.column("start")?.cast(&DataType::Int32)?;
    let mut out = BTreeMap::new();
    for (id, day) in ids.iter().zip(starts.i32()?.iter()) {
        if let (Some(id), Some(date)) = (id, day.and_then(from_epoch_days)) {
            out.insert(id.to_string(), date);
        }
    }
    Ok(out)
}

fn means(values: &[(f64, f64)], pick: impl Iterator<Item = usize>) -> Windows {
    let (mut before, mut after, mut n) = (0.0, 0.0, 0usize);
    for i in pick {
        before += values[i].0;
        after += values[i].1;
        n += 1;
    }
    let n = n.max(1) as f64;
    Windows {
        before: before / n,
        after: after / n,
    }
}

fn did(c: Windows, k: Windows) -> (f64, f64) {
    let did = (c.after - c.before) - (k.after - k.before);
    let counterfactual = c.after - did;
    let relative = if counterfactual != 0.0 {
        -did / counterfactual
    } else {
        f64::NAN
    };
    (did, relative)
}

fn estimate(
    area: &str,
    c: &[(f64, f64)],
    k: &[(f64, f64)],
    resamples: usize,
    rng: &mut impl Rng,
) -> AreaEstimate {
    let cohort = means(c, 0..c.len());
    let comparison = means(k, 0..k.len());
    let (point, relative) = did(cohort, comparison);
    let mut draws = Vec::with_capacity(resamples);
    if !c.is_empty() && !k.is_empty() {
        for _ in 0..resamples {
            let cb = means(c, (0..c.len()).map(|_| rng.random_range(0..c.len())));
            let kb = means(k, (0..k.len()).map(|_| rng.random_range(0..k.len())));
            draws.push(did(cb, kb));
        }
    }
    let with_cost =
        |v: &[(f64, f64)]| v.iter().filter(|(b, a)| *b != 0.0 || *a != 0.0).count() as u64;
    AreaEstimate {
        area: area.to_string(),
        cohort_with_cost: with_cost(c),
        comparison_with_cost: with_cost(k),
        cohort,
        comparison,
        did: point,
        did_interval: interval(draws.iter().map(|d| d.0).collect()),
        relative,
        relative_interval: interval(draws.iter().map(|d| d.1).collect()),
    }
}

/// The 2.5 % and 97.5 % percentiles (nearest rank); NaN when there are no draws.
fn interval(mut draws: Vec<f64>) -> (f64, f64) {
    draws.retain(|d| d.is_finite());
    if draws.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    draws.sort_by(f64::total_cmp);
    let at = |q: f64| draws[((q * draws.len() as f64).ceil() as usize).clamp(1, draws.len()) - 1];
    (at(0.025), at(0.975))
}

impl Realised {
    /// The estimate as output: `summary` (group sizes, what was removed) and
    /// `areas`, with money per unit-month. A group below `min_cell` units
    /// hides every figure; an area with fewer than `min_cell` units with cost
    /// in either group is hidden, and where only one area is, the next
    /// smallest goes with it (the total is shown beside them).
    pub fn document(&self, min_cell: u32) -> PolarsResult<Document> {
        let groups_shown = suppress::count(self.cohort_units, min_cell).is_some()
            && suppress::count(self.comparison_units, min_cell).is_some();
        let parts: Vec<&AreaEstimate> = self.areas.iter().filter(|a| a.area != TOTAL).collect();
        let hidden: Vec<bool> = parts
            .iter()
            .map(|a| {
                !groups_shown
                    || suppress::count(a.cohort_with_cost, min_cell).is_none()
                    || suppress::count(a.comparison_with_cost, min_cell).is_none()
            })
            .collect();
        let sizes: Vec<f64> = parts.iter().map(|a| a.cohort.before).collect();
        let mut shown: Vec<bool> = suppress::complementary(&hidden, &sizes)
            .into_iter()
            .map(|h| !h)
            .collect();
        shown.push(groups_shown);

        let value = |v: f64, show: bool| (show && v.is_finite()).then_some(v);
        let column = |f: &dyn Fn(&AreaEstimate) -> f64| -> Vec<Option<f64>> {
            self.areas
                .iter()
                .zip(&shown)
                .map(|(a, s)| value(f(a), *s))
                .collect()
        };
        let units = self.cohort_units as f64;
        let frame = df!(
            "budget_area" => self.areas.iter().map(|a| a.area.as_str()).collect::<Vec<_>>(),
            "cohort_before" => column(&|a| a.cohort.before),
            "cohort_after" => column(&|a| a.cohort.after),
            "cohort_change" => column(&|a| a.cohort.after - a.cohort.before),
            "comparison_before" => column(&|a| a.comparison.before),
            "comparison_after" => column(&|a| a.comparison.after),
            "comparison_change" => column(&|a| a.comparison.after - a.comparison.before),
            "saving" => column(&|a| -a.did),
            "saving_low" => column(&|a| -a.did_interval.1),
            "saving_high" => column(&|a| -a.did_interval.0),
            "saving_share" => column(&|a| a.relative),
            "saving_share_low" => column(&|a| a.relative_interval.0),
            "saving_share_high" => column(&|a| a.relative_interval.1),
            "saving_per_year" => column(&|a| -a.did * 12.0 * units),
        )?;
        let money = [
            "cohort_before",
            "cohort_after",
            "cohort_change",
            "comparison_before",
            "comparison_after",
            "comparison_change",
            "saving",
            "saving_low",
            "saving_high",
            "saving_per_year",
        ];
        let shares = ["saving_share", "saving_share_low", "saving_share_high"];
        let table = Table::new(frame)
            .with_title(format!(
                "Realised saving per unit-month, {} months before and after each start (difference in differences, 95 % bootstrap interval)",
                self.window_months
            ))
            .with_money(money)
            .with_shares(shares)
            .with_suppressed(money.iter().chain(&shares).copied());
        let removed = self
            .areas
            .last()
            .filter(|_| groups_shown)
            .map(|t| t.comparison.after - t.comparison.before);
        let summary = vec![
            ("cohort_units".to_string(), shown_count(self.cohort_units, min_cell)),
            ("comparison_units".to_string(), shown_count(self.comparison_units, min_cell)),
            ("comparison_start".to_string(), self.comparison_start.map_or(Value::Null, Value::date)),
            ("window_months".to_string(), Value::UInt(self.window_months.into())),
            ("comparison_change_removed".to_string(), removed.map_or(Value::Suppressed, Value::Money)),
            (
                "note".to_string(),
                Value::Text(
                    "cohort_change is the enrolled units' own before/after change and is not a saving: \
                     high-cost units drift back towards the mean anyway. The saving is the cohort's change \
                     less the comparison group's (eligible units not enrolled, from the cohort's median start)."
                        .into(),
                ),
            ),
        ];
        Ok(Document::new()
            .with_fields("summary", summary)
            .with_table("areas", table))
    }
}

fn shown_count(n: u64, min_cell: u32) -> Value {
    suppress::count(n, min_cell).map_or(Value::Suppressed, Value::UInt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_removes_the_comparison_groups_change() {
        let c = Windows {
            before: 100.0,
            after: 60.0,
        };
        let k = Windows {
            before: 100.0,
            after: 80.0,
        };
        let (d, r) = did(c, k);
        assert_eq!(d, -20.0, "the cohort fell 40, the comparison 20");
        assert_eq!(r, 0.25, "20 saved of a counterfactual 80");
    }

    /// A hand-computed estimate: enrolled a (start 1 March) and b (1 May),
    /// two-month windows; the comparison group starts at the lower median
    /// start, 1 March, and holds the units with cost in January and
    /// February that were not enrolled: c and e (d's only row is in March).
    #[test]
    fn windows_and_groups_match_the_hand_computed_estimate() {
        let config = "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\
            [[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"e.csv\"\n\
            [[sources]]\nname = \"k\"\nkind = \"enrolments\"\npath = \"k.csv\"\n";
        // K = 5.57.73 "Kontante ydelser", T = 5.28.21 "Tilbud til børn og unge …".
        let expenses = "citizen,date,amount,account\n\
            a,2022-12-31,50,5.57.73\na,2023-01-15,600,5.57.73\na,2023-02-10,200,5.57.73\n\
            a,2023-03-10,300,5.57.73\na,2023-04-30,100,5.57.73\na,2023-05-01,999,5.57.73\n\
            b,2023-03-05,1000,5.57.73\nb,2023-04-01,120,5.28.21\nb,2023-06-30,400,5.57.73\n\
            b,2023-07-01,777,5.57.73\n\
            c,2023-02-01,300,5.57.73\nc,2023-03-15,200,5.57.73\n\
            d,2023-03-02,5000,5.57.73\n\
            e,2023-01-20,80,5.28.21\ne,2023-04-10,40,5.28.21\n";
        let enrolments = "citizen,start\nb,2023-05-01\na,2023-03-01\n";
        let (_dir, config) = crate::testing::workspace(&[
            ("tvaers.toml", config),
            ("e.csv", expenses),
            ("k.csv", enrolments),
        ]);
        let request = RealisedRequest {
            mode: UnitMode::Citizen,
            criteria: HotspotCriteria {
                cost: hotspots::CostCriterion::TopPercent(hotspots::Percent::whole(100)),
                min_departments: 1,
                ..HotspotCriteria::default()
            },
            window_months: 2,
            resamples: 0,
            seed: 1,
        };
        let (_, r) = realised(&config, config.period, &request).unwrap();
        assert_eq!((r.cohort_units, r.comparison_units), (2, 2));
        assert_eq!(r.comparison_start, NaiveDate::from_ymd_opt(2023, 3, 1));
        let got: Vec<(&str, u64, u64, Windows, Windows, f64, f64)> = r
            .areas
            .iter()
            .map(|a| {
                let (c, k) = (a.cohort_with_cost, a.comparison_with_cost);
                (
                    a.area.as_str(),
                    c,
                    k,
                    a.cohort,
                    a.comparison,
                    a.did,
                    a.relative,
                )
            })
            .collect();
        let w = |before, after| Windows { before, after };
        assert_eq!(
            got,
            [
                // Per month: a 800/2 before, 400/2 after; b 1000/2, 400/2;
                // c 300/2, 200/2; e none. Rows outside the windows do not count.
                (
                    "Kontante ydelser",
                    2,
                    1,
                    w(450.0, 200.0),
                    w(75.0, 50.0),
                    -225.0,
                    225.0 / 425.0
                ),
                // b 120/2 before; e 80/2 before, 40/2 after.
                (
                    "Tilbud til børn og unge med særlige behov",
                    1,
                    1,
                    w(30.0, 0.0),
                    w(20.0, 10.0),
                    -20.0,
                    1.0
                ),
                (
                    "Total",
                    2,
                    2,
                    w(480.0, 200.0),
                    w(95.0, 60.0),
                    -245.0,
                    245.0 / 445.0
                ),
            ]
        );
    }

    #[test]
    fn nearest_rank_percentiles() {
        let draws: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(interval(draws), (5.0, 195.0));
        assert!(interval(vec![]).0.is_nan());
    }
}
