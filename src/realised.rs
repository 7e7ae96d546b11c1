//! Realised savings of an enrolled cohort (SPEC §3): each area's cost per
//! unit-month in the window before and after each unit's start, against a
//! comparison group (units meeting the hotspot criteria in the window before
//! the cohort's median start, but not enrolled), as a difference in differences with a
//! bootstrap confidence interval over units.
//!
//! High-cost units drift back towards the mean whether or not anyone helps
//! them, so the cohort's own before/after drop is never a saving: it is shown
//! beside the comparison group's drop, which is what the estimate removes.

use crate::config::Period;
use crate::hotspots::{self, HotspotCriteria};
use crate::load::value::{epoch_days, from_epoch_days};
use crate::load::Loaded;
use crate::output::{Document, Table, Value};
use crate::schema::{col as column, label_type, Kind};
use crate::suppress;
use crate::units::{metric, unit_rows, units, UnitMode};
use chrono::{Months, NaiveDate};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// Per unit: start and cost per area in each window (already per month).
struct Group {
    units: Vec<String>,
    /// Per area: per unit (in `units` order) the before and after cost per month.
    cost: BTreeMap<String, Vec<(f64, f64)>>,
}

/// Estimates realised savings.
pub fn realised(loaded: &Loaded, request: &RealisedRequest) -> PolarsResult<Realised> {
    let starts = enrolment_starts(loaded, request.mode)?;
    let enrolled: HashSet<&str> = starts.keys().map(String::as_str).collect();
    let mut days: Vec<i32> = starts.values().map(|d| epoch_days(*d)).collect();
    days.sort_unstable();
    // The lower median, so that it is a day that occurs.
    let median = days
        .get(days.len().saturating_sub(1) / 2)
        .and_then(|d| from_epoch_days(*d));

    let comparison: Vec<(String, NaiveDate)> = match median {
        Some(start) => eligible(loaded, request, start)?
            .column(metric::UNIT_ID)?
            .str()?
            .iter()
            .flatten()
            .filter(|id| !enrolled.contains(id))
            .map(|id| (id.to_string(), start))
            .collect(),
        None => Vec::new(),
    };
    let cohort: Vec<(String, NaiveDate)> = starts.into_iter().collect();

    let rows = unit_rows(loaded, Period::default(), request.mode)?
        .filter(col(column::BUDGET_AREA).is_not_null())
        .select([
            col(metric::UNIT_ID),
            col("date"),
            col("amount"),
            col(column::BUDGET_AREA),
        ])
        .cache();
    let months = request.window_months;
    let cohort = windows(rows.clone(), &cohort, months)?;
    let comparison = windows(rows, &comparison, months)?;

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
    Ok(Realised {
        cohort_units: cohort.units.len() as u64,
        comparison_units: comparison.units.len() as u64,
        comparison_start: median,
        window_months: months,
        areas: estimates,
    })
}

/// Units meeting the hotspot criteria on their cost in the window before
/// `start`: the same footing on which the cohort was chosen, so that both
/// groups regress towards the mean alike.
fn eligible(
    loaded: &Loaded,
    request: &RealisedRequest,
    start: NaiveDate,
) -> PolarsResult<DataFrame> {
    let before = Period {
        from: start.checked_sub_months(Months::new(request.window_months)),
        to: start.pred_opt(),
    };
    let criteria = HotspotCriteria {
        limit: None,
        ..request.criteria.clone()
    };
    hotspots::select(&units(loaded, before, request.mode)?, &criteria)
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

/// Cost per unit-month of each unit in the months before and after its start.
fn windows(rows: LazyFrame, starts: &[(String, NaiveDate)], months: u32) -> PolarsResult<Group> {
    let bound = |d: NaiveDate, f: fn(NaiveDate, Months) -> Option<NaiveDate>| {
        f(d, Months::new(months)).unwrap_or(d)
    };
    let ids: Vec<&str> = starts.iter().map(|(id, _)| id.as_str()).collect();
    let group = df!(
        metric::UNIT_ID => ids.clone(),
        "before_from" => starts.iter().map(|(_, d)| epoch_days(bound(*d, NaiveDate::checked_sub_months))).collect::<Vec<_>>(),
        "start" => starts.iter().map(|(_, d)| epoch_days(*d)).collect::<Vec<_>>(),
        "after_to" => starts.iter().map(|(_, d)| epoch_days(bound(*d, NaiveDate::checked_add_months))).collect::<Vec<_>>(),
    )?;
    let day = col("date").cast(DataType::Int32);
    let sums = rows
        .join(
            group
                .lazy()
                .with_column(col(metric::UNIT_ID).cast(label_type())),
            [col(metric::UNIT_ID)],
            [col(metric::UNIT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            when(
                day.clone()
                    .gt_eq(col("before_from"))
                    .and(day.clone().lt(col("start"))),
            )
            .then(lit(0i32))
            .when(day.clone().gt_eq(col("start")).and(day.lt(col("after_to"))))
            .then(lit(1i32))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias("window"),
        )
        .filter(col("window").is_not_null())
        .group_by([
            col(metric::UNIT_ID),
            col(column::BUDGET_AREA),
            col("window"),
        ])
        .agg([col("amount").sum()])
        .with_columns([
            col(column::BUDGET_AREA).cast(DataType::String),
            col(metric::UNIT_ID).cast(DataType::String),
        ])
        .collect()?;
    let position: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut cost: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let (u, a, w, s) = (
        sums.column(metric::UNIT_ID)?.str()?,
        sums.column(column::BUDGET_AREA)?.str()?,
        sums.column("window")?.i32()?,
        sums.column("amount")?.f64()?,
    );
    for (((unit, area), window), sum) in u.iter().zip(a.iter()).zip(w.iter()).zip(s.iter()) {
        let (Some(unit), Some(area), Some(window), Some(sum)) = (unit, area, window, sum) else {
            continue;
        };
        let Some(&i) = position.get(unit) else {
            continue;
        };
        let values = cost
            .entry(area.to_string())
            .or_insert_with(|| vec![(0.0, 0.0); ids.len()]);
        let per_month = sum / f64::from(months);
        if window == 0 {
            values[i].0 += per_month;
        } else {
            values[i].1 += per_month;
        }
    }
    Ok(Group {
        units: ids.iter().map(|s| s.to_string()).collect(),
        cost,
    })
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
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(
            "tvaers.toml",
            "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\
             [[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"e.csv\"\n\
             [[sources]]\nname = \"k\"\nkind = \"enrolments\"\npath = \"k.csv\"\n",
        );
        // K = 5.57.73 "Kontante ydelser", T = 5.28.21 "Tilbud til børn og unge …".
        write(
            "e.csv",
            "citizen,date,amount,account\n\
             a,2022-12-31,50,5.57.73\na,2023-01-15,600,5.57.73\na,2023-02-10,200,5.57.73\n\
             a,2023-03-10,300,5.57.73\na,2023-04-30,100,5.57.73\na,2023-05-01,999,5.57.73\n\
             b,2023-03-05,1000,5.57.73\nb,2023-04-01,120,5.28.21\nb,2023-06-30,400,5.57.73\n\
             b,2023-07-01,777,5.57.73\n\
             c,2023-02-01,300,5.57.73\nc,2023-03-15,200,5.57.73\n\
             d,2023-03-02,5000,5.57.73\n\
             e,2023-01-20,80,5.28.21\ne,2023-04-10,40,5.28.21\n",
        );
        write("k.csv", "citizen,start\nb,2023-05-01\na,2023-03-01\n");
        let config = crate::config::Config::load(&dir.path().join("tvaers.toml")).unwrap();
        let loaded = crate::load::load(&config, config.period).unwrap();
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
        let r = realised(&loaded, &request).unwrap();
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
