//! What a coordinated course would save per budget area (SPEC §3): the
//! cohort's yearly cost per area is the baseline; each area's expected effect,
//! after deadweight and optimism bias and phased in by the ramp-up, gives the
//! yearly savings, against the coordinators' cost and a one-off setup cost.
//! The split per department shows who gains, as the investment and the gains
//! rarely sit in the same budget. The formulas are exactly the SPEC's.

mod cohort;
mod document;
mod visible;

/// The parts of a savings case's document.
pub mod part {
    use crate::output::PartKey;
    /// Baseline, savings, investment, net, NPV, ROI and payback year.
    pub const SUMMARY: PartKey = PartKey::new("summary");
    /// One row per budget area.
    pub const AREAS: PartKey = PartKey::new("areas");
    /// Who invests and who gains, per department.
    pub const DEPARTMENTS: PartKey = PartKey::new("departments");
    /// The assumptions the case was made with.
    pub const ASSUMPTIONS: PartKey = PartKey::new("assumptions");
}

pub use cohort::{match_cohort, read_cohort, CohortError};
pub use document::{areas_table, case_document, cases_document};
pub use visible::{shown, shown_beside, Visible};

use crate::config::{Period, SavingsConfig};
use crate::schema::col as column;
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
    /// Per (budget area, department): cohort units with expense rows there.
    pub cell_units: BTreeMap<(String, String), u64>,
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
    let cohort: std::collections::HashSet<&str> = cohort.iter().map(String::as_str).collect();
    let in_cohort = |table: &DataFrame| -> PolarsResult<LazyFrame> {
        let ids = table.column("unit_id")?.str()?;
        // A unit's rows are together (the tables are sorted by unit), so
        // the last answer is checked before the set.
        let mut last: Option<(&str, bool)> = None;
        let mask: Vec<bool> = ids
            .iter()
            .map(|id| match (id, last) {
                (Some(id), Some((seen, answer))) if seen == id => answer,
                (Some(id), _) => {
                    let answer = cohort.contains(id);
                    last = Some((id, answer));
                    answer
                }
                (None, _) => false,
            })
            .collect();
        Ok(table
            .filter(&BooleanChunked::new("in_cohort".into(), mask))?
            .lazy())
    };
    let expenses = in_cohort(units.costs()?)?.cache();
    let rows = in_cohort(units.departments()?)?;
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
        .agg([
            col("amount").sum().alias("cost"),
            col("unit_id")
                .n_unique()
                .cast(DataType::UInt64)
                .alias("units"),
        ])
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
    let mut cell_units = BTreeMap::new();
    let (a, d, c, u) = (
        split.column(column::BUDGET_AREA)?.str()?,
        split.column(column::DEPARTMENT)?.str()?,
        split.column("cost")?.f64()?,
        split.column("units")?.u64()?,
    );
    for (((a, d), c), u) in a.iter().zip(d.iter()).zip(c.iter()).zip(u.iter()) {
        if let (Some(a), Some(d)) = (a, d) {
            by_department.insert((a.to_string(), d.to_string()), c.unwrap_or(0.0));
            cell_units.insert((a.to_string(), d.to_string()), u.unwrap_or(0));
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
        cell_units,
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

/// One department's part of one area: the pieces department figures are
/// added up from, kept so that they can be added over the shown areas only.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSavings {
    /// Budget area.
    pub area: String,
    /// Department.
    pub department: String,
    /// Cohort units with expense rows in the area booked by the department.
    pub units: u64,
    /// Yearly cost booked by the department in the area.
    pub baseline: f64,
    /// Its share of the area's total savings.
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
    /// Per (area, department), by area then department.
    pub cells: Vec<CellSavings>,
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

    let cells = split_by_department(cohort, &areas, years);
    let departments = departments(&cohort.department_units, &cells);
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
        cells,
        net_by_year,
    })
}

/// Each department gets each area's savings in proportion to its share of
/// the cohort's cost in that area.
fn split_by_department(cohort: &CohortCost, areas: &[AreaSavings], years: f64) -> Vec<CellSavings> {
    let mut cells = Vec::with_capacity(cohort.by_department.len());
    for ((area, department), cost) in &cohort.by_department {
        let mut cell = CellSavings {
            area: area.clone(),
            department: department.clone(),
            units: cohort
                .cell_units
                .get(&(area.clone(), department.clone()))
                .copied()
                .unwrap_or(0),
            baseline: cost / years,
            total: 0.0,
            discounted: 0.0,
        };
        let area_cost = cohort.areas.get(area).map_or(0.0, |a| a.cost);
        if let (Some(saved), true) = (areas.iter().find(|a| &a.area == area), area_cost != 0.0) {
            let share = cost / area_cost;
            cell.total = saved.total * share;
            cell.discounted = saved.discounted * share;
        }
        cells.push(cell);
    }
    cells
}

/// Department figures added up from `cells` (all of them, or those of the
/// shown areas), by department name.
pub fn departments<'a>(
    cohort_units: &'a BTreeMap<String, u64>,
    cells: impl IntoIterator<Item = &'a CellSavings>,
) -> Vec<DepartmentSavings> {
    let mut out: BTreeMap<&str, DepartmentSavings> = BTreeMap::new();
    for cell in cells {
        let entry = out
            .entry(&cell.department)
            .or_insert_with(|| DepartmentSavings {
                department: cell.department.clone(),
                units: cohort_units.get(&cell.department).copied().unwrap_or(0),
                baseline: 0.0,
                total: 0.0,
                discounted: 0.0,
            });
        entry.baseline += cell.baseline;
        entry.total += cell.total;
        entry.discounted += cell.discounted;
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests;
