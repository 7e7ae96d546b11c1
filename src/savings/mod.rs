//! What a coordinated course would save per budget area (SPEC §3): the
//! cohort's yearly cost per area is the baseline; each area's expected effect,
//! after deadweight and optimism bias and phased in by the ramp-up, gives the
//! yearly savings, against the coordinators' cost and a one-off setup cost.
//! The split per department shows who gains, as the investment and the gains
//! rarely sit in the same budget. The formulas are exactly the SPEC's.

mod cohort;
mod document;

pub use cohort::{match_cohort, read_cohort, CohortError};
pub use document::{areas_table, case_document, cases_document};

use crate::config::{Period, SavingsConfig};
use crate::schema::col as column;
use crate::suppress;
use crate::units::Units;
use polars::prelude::*;
use std::collections::BTreeMap;

/// A scenario: the effects multiplied by the configured factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Effects × `scenarios.low` (0.5).
    Low,
    /// Effects × `scenarios.base` (1.0).
    Base,
    /// Effects × `scenarios.high` (1.5).
    High,
}

impl Scenario {
    /// Name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Low => "low",
            Scenario::Base => "base",
            Scenario::High => "high",
        }
    }

    fn multiplier(self, config: &SavingsConfig) -> f64 {
        match self {
            Scenario::Low => config.scenarios.low,
            Scenario::Base => config.scenarios.base,
            Scenario::High => config.scenarios.high,
        }
    }
}

/// The cohort's cost, as the model needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortCost {
    /// Units in the cohort.
    pub units: u64,
    /// Per budget area: units with expense rows there and their cost over the period.
    pub areas: BTreeMap<String, AreaCost>,
    /// Per (budget area, department): cost over the period.
    pub by_department: BTreeMap<(String, String), f64>,
    /// Per department: cohort units with rows there.
    pub department_units: BTreeMap<String, u64>,
}

/// Units and cost of the cohort in one area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaCost {
    /// Cohort units with expense rows in the area.
    pub units: u64,
    /// Their cost in the area over the period.
    pub cost: f64,
}

/// The cohort's cost from the period's units and the cohort's unit ids.
pub fn cohort_cost(units: &Units, cohort: &[String]) -> PolarsResult<CohortCost> {
    let ids = lit(Series::new("unit_id".into(), cohort)).implode(false);
    let in_cohort = |table: &DataFrame| {
        table
            .clone()
            .lazy()
            .filter(col("unit_id").is_in(ids.clone(), false))
    };
    let expenses = in_cohort(&units.costs).cache();
    let rows = in_cohort(&units.departments);
    let areas_frame = expenses
        .clone()
        .group_by([col(column::BUDGET_AREA)])
        .agg([
            col("unit_id")
                .n_unique()
                .cast(DataType::UInt64)
                .alias("units"),
            col("amount").sum().alias("cost"),
        ])
        .with_column(col(column::BUDGET_AREA).cast(DataType::String))
        .sort([column::BUDGET_AREA], Default::default())
        .collect()?;
    let mut areas = BTreeMap::new();
    let names = areas_frame.column(column::BUDGET_AREA)?.str()?;
    let units = areas_frame.column("units")?.u64()?;
    let costs = areas_frame.column("cost")?.f64()?;
    for ((name, units), cost) in names.iter().zip(units.iter()).zip(costs.iter()) {
        if let Some(name) = name {
            areas.insert(
                name.to_string(),
                AreaCost {
                    units: units.unwrap_or(0),
                    cost: cost.unwrap_or(0.0),
                },
            );
        }
    }
    let split = expenses
        .group_by([col(column::BUDGET_AREA), col(column::DEPARTMENT)])
        .agg([col("amount").sum().alias("cost")])
        .with_columns([
            col(column::BUDGET_AREA).cast(DataType::String),
            col(column::DEPARTMENT).cast(DataType::String),
        ])
        .sort(
            [column::BUDGET_AREA, column::DEPARTMENT],
            Default::default(),
        )
        .collect()?;
    let mut by_department = BTreeMap::new();
    let (a, d, c) = (
        split.column(column::BUDGET_AREA)?.str()?,
        split.column(column::DEPARTMENT)?.str()?,
        split.column("cost")?.f64()?,
    );
    for ((a, d), c) in a.iter().zip(d.iter()).zip(c.iter()) {
        if let (Some(a), Some(d)) = (a, d) {
            by_department.insert((a.to_string(), d.to_string()), c.unwrap_or(0.0));
        }
    }
    let per_department = rows
        .group_by([col(column::DEPARTMENT)])
        .agg([col("unit_id")
            .n_unique()
            .cast(DataType::UInt64)
            .alias("units")])
        .with_column(col(column::DEPARTMENT).cast(DataType::String))
        .collect()?;
    let mut department_units = BTreeMap::new();
    let (d, u) = (
        per_department.column(column::DEPARTMENT)?.str()?,
        per_department.column("units")?.u64()?,
    );
    for (d, u) in d.iter().zip(u.iter()) {
        if let Some(d) = d {
            department_units.insert(d.to_string(), u.unwrap_or(0));
        }
    }
    Ok(CohortCost {
        units: cohort.len() as u64,
        areas,
        by_department,
        department_units,
    })
}

/// One budget area's modelled savings.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSavings {
    /// Budget area.
    pub area: String,
    /// Cohort units with cost there.
    pub units: u64,
    /// Yearly cost of the cohort in the area.
    pub baseline: f64,
    /// Expected reduction (scenario applied).
    pub effect: f64,
    /// Savings in years 1…H.
    pub years: Vec<f64>,
    /// Sum of the years.
    pub total: f64,
    /// Sum of the years discounted to year 0.
    pub discounted: f64,
}

/// One department's share of the savings.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentSavings {
    /// Department.
    pub department: String,
    /// Cohort units with rows in the department.
    pub units: u64,
    /// Yearly cost of the cohort booked by the department.
    pub baseline: f64,
    /// Its share of the total savings, by its share of each area's baseline.
    pub total: f64,
    /// The same, discounted.
    pub discounted: f64,
}

/// The headline of the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Units in the cohort.
    pub cohort_units: u64,
    /// Setup cost plus every year's coordinator cost.
    pub investment: f64,
    /// Savings over the horizon, all areas.
    pub gross_savings: f64,
    /// Gross savings less the investment.
    pub net: f64,
    /// Net present value at the discount rate.
    pub npv: f64,
    /// Net over investment (none when nothing is invested).
    pub roi: Option<f64>,
    /// First year whose cumulative undiscounted net is at least 0 (none if never).
    pub payback_year: Option<u32>,
}

/// The whole case for one scenario, exact (not yet suppressed).
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsCase {
    /// Scenario modelled.
    pub scenario: Scenario,
    /// Headline.
    pub summary: Summary,
    /// Per area, by name.
    pub areas: Vec<AreaSavings>,
    /// Per department, by name.
    pub departments: Vec<DepartmentSavings>,
    /// Net per year 0…H (year 0 is minus the setup cost).
    pub net_by_year: Vec<f64>,
}

/// Why a savings case cannot be made.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum SavingsError {
    /// The period has an open bound, so there is no yearly baseline.
    #[error("savings needs a closed analysis period to turn cost into yearly cost: set [analysis] from and to, or --from and --to")]
    OpenPeriod,
    /// An effect above 1 would save more than the cost.
    #[error("the effect for {area:?} in the {scenario} scenario is {effect} (above 1, more than the whole cost); lower [savings.effects] or [savings.scenarios]")]
    EffectAboveOne {
        /// Area.
        area: String,
        /// Scenario.
        scenario: &'static str,
        /// Effect after the multiplier.
        effect: f64,
    },
}

/// `(to − from + 1 day) / 365.25`.
pub fn period_years(period: Period) -> Result<f64, SavingsError> {
    match (period.from, period.to) {
        (Some(from), Some(to)) => Ok(((to - from).num_days() + 1) as f64 / 365.25),
        _ => Err(SavingsError::OpenPeriod),
    }
}

/// Models the case (SPEC §3) for one scenario.
pub fn model(
    cohort: &CohortCost,
    config: &SavingsConfig,
    period: Period,
    scenario: Scenario,
) -> Result<SavingsCase, SavingsError> {
    let years = period_years(period)?;
    let horizon = config.horizon_years as usize;
    let r = config.discount_rate;
    let discount = |t: usize| (1.0 + r).powi(t as i32);
    let ramp = |t: usize| config.ramp_up.get(t - 1).copied().unwrap_or(1.0);
    let keep = (1.0 - config.deadweight) * (1.0 - config.optimism_bias);
    let multiplier = scenario.multiplier(config);

    let mut areas = Vec::with_capacity(cohort.areas.len());
    for (area, cost) in &cohort.areas {
        let base_effect = config
            .effects
            .get(area)
            .or_else(|| config.effects.get("default"))
            .copied()
            .unwrap_or(0.0);
        let effect = base_effect * multiplier;
        if effect > 1.0 {
            return Err(SavingsError::EffectAboveOne {
                area: area.clone(),
                scenario: scenario.as_str(),
                effect,
            });
        }
        let baseline = cost.cost / years;
        let by_year: Vec<f64> = (1..=horizon)
            .map(|t| baseline * effect * keep * ramp(t))
            .collect();
        areas.push(AreaSavings {
            area: area.clone(),
            units: cost.units,
            baseline,
            effect,
            total: by_year.iter().sum(),
            discounted: by_year
                .iter()
                .enumerate()
                .map(|(i, s)| s / discount(i + 1))
                .sum(),
            years: by_year,
        });
    }

    let coordinators = cohort.units as f64 * config.coordinator_cost;
    let mut net_by_year = vec![-config.setup_cost];
    for t in 1..=horizon {
        let saved: f64 = areas.iter().map(|a| a.years[t - 1]).sum();
        net_by_year.push(saved - coordinators);
    }
    let gross_savings: f64 = areas.iter().map(|a| a.total).sum();
    let investment = config.setup_cost + coordinators * horizon as f64;
    let npv = net_by_year
        .iter()
        .enumerate()
        .map(|(t, n)| n / discount(t))
        .sum();
    let mut cumulative = 0.0;
    let payback_year = net_by_year.iter().position(|n| {
        cumulative += n;
        cumulative >= 0.0
    });

    let departments = split_by_department(cohort, &areas, years);
    Ok(SavingsCase {
        scenario,
        summary: Summary {
            cohort_units: cohort.units,
            investment,
            gross_savings,
            net: gross_savings - investment,
            npv,
            roi: (investment != 0.0).then(|| (gross_savings - investment) / investment),
            payback_year: payback_year.map(|t| t as u32),
        },
        areas,
        departments,
        net_by_year,
    })
}

/// Each department gets each area's savings in proportion to its share of
/// the cohort's cost in that area.
fn split_by_department(
    cohort: &CohortCost,
    areas: &[AreaSavings],
    years: f64,
) -> Vec<DepartmentSavings> {
    let mut out: BTreeMap<&str, DepartmentSavings> = BTreeMap::new();
    for ((area, department), cost) in &cohort.by_department {
        let entry = out.entry(department).or_insert_with(|| DepartmentSavings {
            department: department.clone(),
            units: cohort
                .department_units
                .get(department)
                .copied()
                .unwrap_or(0),
            baseline: 0.0,
            total: 0.0,
            discounted: 0.0,
        });
        entry.baseline += cost / years;
        let area_cost = cohort.areas.get(area).map_or(0.0, |a| a.cost);
        if let (Some(saved), true) = (areas.iter().find(|a| &a.area == area), area_cost != 0.0) {
            let share = cost / area_cost;
            entry.total += saved.total * share;
            entry.discounted += saved.discounted * share;
        }
    }
    out.into_values().collect()
}

/// Which figures of a case may be shown (SPEC §4): rows from fewer than
/// `min_cell` units are hidden, and where only one area (or department) is
/// hidden, the next smallest by baseline goes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Whether the summary may be shown (the cohort has `min_cell` units).
    pub summary: bool,
    /// Per area, in `areas` order.
    pub areas: Vec<bool>,
    /// Per department, in `departments` order.
    pub departments: Vec<bool>,
}

/// Decides what of `case` may be shown.
pub fn shown(case: &SavingsCase, min_cell: u32) -> Shown {
    let visible = |hidden: Vec<bool>, sizes: Vec<f64>| -> Vec<bool> {
        suppress::complementary(&hidden, &sizes)
            .into_iter()
            .map(|h| !h)
            .collect()
    };
    let summary = suppress::count(case.summary.cohort_units, min_cell).is_some();
    let areas = visible(
        case.areas
            .iter()
            .map(|a| !summary || suppress::count(a.units, min_cell).is_none())
            .collect(),
        case.areas.iter().map(|a| a.baseline).collect(),
    );
    let departments = visible(
        case.departments
            .iter()
            .map(|d| !summary || suppress::count(d.units, min_cell).is_none())
            .collect(),
        case.departments.iter().map(|d| d.baseline).collect(),
    );
    Shown {
        summary,
        areas,
        departments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// 2022-01-01 to 2025-12-31 is 1461 days: exactly 4 years of 365.25 days.
    fn period() -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(2022, 1, 1),
            to: NaiveDate::from_ymd_opt(2025, 12, 31),
        }
    }

    /// Two units; area A costs 40,000 over the period (10,000 a year), booked
    /// 30,000 by X and 10,000 by Y; area B 20,000 (5,000 a year), all Y.
    fn cohort() -> CohortCost {
        CohortCost {
            units: 2,
            areas: BTreeMap::from([
                (
                    "A".into(),
                    AreaCost {
                        units: 2,
                        cost: 40_000.0,
                    },
                ),
                (
                    "B".into(),
                    AreaCost {
                        units: 1,
                        cost: 20_000.0,
                    },
                ),
            ]),
            by_department: BTreeMap::from([
                (("A".into(), "X".into()), 30_000.0),
                (("A".into(), "Y".into()), 10_000.0),
                (("B".into(), "Y".into()), 20_000.0),
            ]),
            department_units: BTreeMap::from([("X".into(), 2), ("Y".into(), 2)]),
        }
    }

    fn config() -> SavingsConfig {
        SavingsConfig {
            horizon_years: 3,
            discount_rate: 0.05,
            coordinator_cost: 1000.0,
            setup_cost: 2000.0,
            ramp_up: vec![],
            deadweight: 0.0,
            optimism_bias: 0.0,
            effects: BTreeMap::from([("A".into(), 0.2), ("default".into(), 0.1)]),
            scenarios: Default::default(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn plain_case_every_year_npv_roi_and_no_payback() {
        let case = model(&cohort(), &config(), period(), Scenario::Base).unwrap();
        let a = &case.areas[0];
        assert_eq!(
            (a.area.as_str(), a.units, a.baseline, a.effect),
            ("A", 2, 10_000.0, 0.2)
        );
        assert_eq!(a.years, vec![2000.0, 2000.0, 2000.0]);
        assert_eq!(
            case.areas[1].years,
            vec![500.0, 500.0, 500.0],
            "B takes the default effect"
        );
        assert_eq!(case.net_by_year, vec![-2000.0, 500.0, 500.0, 500.0]);
        let s = &case.summary;
        assert_eq!(
            (s.cohort_units, s.investment, s.gross_savings, s.net),
            (2, 8000.0, 7500.0, -500.0)
        );
        // −2000 + 500/1.05 + 500/1.05² + 500/1.05³, computed apart.
        assert!(close(s.npv, -638.3759853147608), "{}", s.npv);
        assert_eq!(s.roi, Some(-0.0625));
        assert_eq!(s.payback_year, None, "cumulative −2000, −1500, −1000, −500");
        // X booked 3/4 of A; Y 1/4 of A and all of B.
        let d: Vec<(&str, f64, f64)> = case
            .departments
            .iter()
            .map(|d| (d.department.as_str(), d.baseline, d.total))
            .collect();
        assert_eq!(d, vec![("X", 7500.0, 4500.0), ("Y", 7500.0, 3000.0)]);
    }

    #[test]
    fn ramp_up_deadweight_and_optimism_bias() {
        let mut config = config();
        config.ramp_up = vec![0.5];
        config.deadweight = 0.1;
        config.optimism_bias = 0.2;
        let case = model(&cohort(), &config, period(), Scenario::Base).unwrap();
        // 10,000 × 0.2 × 0.9 × 0.8 = 1440 a year, half of it in year 1.
        assert!(case.areas[0]
            .years
            .iter()
            .zip([720.0, 1440.0, 1440.0])
            .all(|(a, b)| close(*a, b)));
        assert!(close(case.areas[0].discounted, 3235.7628765792033));
        let expected = [-2000.0, -1100.0, -200.0, -200.0];
        assert!(
            case.net_by_year
                .iter()
                .zip(expected)
                .all(|(a, b)| close(*a, b)),
            "{:?}",
            case.net_by_year
        );
        assert!(close(case.summary.npv, -3401.792463016953));
        assert_eq!(case.summary.payback_year, None);
    }

    #[test]
    fn payback_in_the_first_year_it_turns_positive() {
        let mut config = config();
        config.coordinator_cost = 100.0;
        let case = model(&cohort(), &config, period(), Scenario::Base).unwrap();
        assert_eq!(case.net_by_year, vec![-2000.0, 2300.0, 2300.0, 2300.0]);
        assert_eq!(case.summary.payback_year, Some(1));
        assert!(close(case.summary.npv, 4263.4704675521));
        assert!(close(case.summary.roi.unwrap(), (7500.0 - 2600.0) / 2600.0));
    }

    #[test]
    fn scenarios_scale_the_effects() {
        let low = model(&cohort(), &config(), period(), Scenario::Low).unwrap();
        let high = model(&cohort(), &config(), period(), Scenario::High).unwrap();
        assert_eq!(low.areas[0].effect, 0.1);
        assert!(close(high.areas[0].effect, 0.3));
        assert_eq!(low.summary.gross_savings, 3750.0);
        let mut config = config();
        config.effects.insert("A".into(), 0.8);
        let err = model(&cohort(), &config, period(), Scenario::High).unwrap_err();
        assert!(
            err.to_string()
                .contains("the effect for \"A\" in the high scenario"),
            "{err}"
        );
    }

    #[test]
    fn open_period_has_no_yearly_baseline() {
        let open = Period {
            from: None,
            ..period()
        };
        assert_eq!(
            model(&cohort(), &config(), open, Scenario::Base),
            Err(SavingsError::OpenPeriod)
        );
    }

    #[test]
    fn small_areas_are_hidden_with_the_next_smallest() {
        let case = model(&cohort(), &config(), period(), Scenario::Base).unwrap();
        // B has one unit: hidden; A is then the only other area and goes too.
        assert_eq!(
            shown(&case, 2),
            Shown {
                summary: true,
                areas: vec![false, false],
                departments: vec![true, true]
            }
        );
        let hidden = shown(&case, 3);
        assert!(!hidden.summary && hidden.areas.iter().chain(&hidden.departments).all(|v| !v));
        assert_eq!(shown(&case, 1).areas, vec![true, true]);
    }
}
