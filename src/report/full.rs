//! What the report's HTML page and workbook show beyond its CSV and JSON:
//! the savings of the hotspot cohort by year, department and scenario, the
//! hotspots as aggregates, the assumptions with where each came from, and
//! the data quality per source.
//!
//! Every figure here is taken from a table that has already passed
//! suppression, or is a total shown only under the same rule as the
//! summary it belongs to, so the charts drawn from it cannot show more
//! than the tables do.

use polars::prelude::*;

use super::{part, Followup, ReportRequest};
use crate::config::{Savings, SavingsConfig, Setting};
use crate::output::{Document, Table, Value};
use crate::overview::Overview;
use crate::savings::{self, CohortCost, SavingsCase, Scenario};
use crate::suppress;

/// The report with what its page and workbook add.
#[derive(Debug, Clone)]
pub struct FullReport {
    /// The report as CSV and JSON give it.
    pub document: Document,
    /// The overview of all citizens, with the concentration curve.
    pub overview: Overview,
    /// The base-case savings of the citizen hotspots, or why there are none.
    pub savings: Result<SavingsView, String>,
    /// The realised savings, the monitor and the ladder, where their
    /// sources exist (empty from [`super::full_report`]; see [`FullReport::with_followup`]).
    pub followup: Followup,
}

/// The savings of the citizen hotspot cohort, as published.
#[derive(Debug, Clone)]
pub struct SavingsView {
    /// Whether the summary figures (and so the yearly net) may be shown.
    pub summary_shown: bool,
    /// Cohort units, when shown.
    pub cohort_units: Option<u64>,
    /// The cohort's share of all citizens' cost, when the cohort and the
    /// citizens outside it each number `min_cell` or more and no savings
    /// area is hidden (rounded as shares are).
    pub cohort_share: Option<f64>,
    /// Investment (setup and coordinators over the horizon).
    pub investment: f64,
    /// Net present value.
    pub npv: f64,
    /// First year whose cumulative net is at least 0.
    pub payback_year: Option<u32>,
    /// Cumulative undiscounted net after each year `0 … H`.
    pub cumulative_net: Vec<f64>,
    /// Savings per budget area and year (suppressed), as in the document.
    pub areas: Table,
    /// Savings per department (suppressed).
    pub departments: Table,
    /// Low, base and high side by side (summary figures), or why not.
    pub scenarios: Result<Table, String>,
}

impl SavingsView {
    /// The view of `case` whose document (`savings::case_document`) is `document`.
    pub(super) fn new(
        case: &SavingsCase,
        cost: &CohortCost,
        document: &Document,
        request: &ReportRequest,
        population: &Overview,
    ) -> PolarsResult<SavingsView> {
        let table = |key| document.table(key).cloned();
        let missing = || PolarsError::NoData("the savings document lacks a table".into());
        // Shown as the document shows it (beside the overview's areas).
        let summary_shown = document
            .fields(savings::part::SUMMARY)
            .is_some_and(|fields| {
                fields
                    .iter()
                    .any(|(name, value)| name == "cohort_units" && matches!(value, Value::UInt(_)))
            });
        let m = u64::from(request.min_cell);
        let areas = table(savings::part::AREAS).ok_or_else(missing)?;
        // The cohort's cost is the sum of its areas: beside the savings
        // (a sum of the same areas weighted by their effects) it would be a
        // second equation over hidden areas, so it is shown only when no
        // area is hidden.
        let every_area_shown = areas
            .frame
            .column("baseline")
            .map(|c| c.null_count() == 0)
            .unwrap_or(false);
        let cohort_share = match (population.units, population.total_cost) {
            (Some(n), Some(total)) if total != 0.0 && every_area_shown => {
                let outside = n.saturating_sub(cost.units);
                let cohort_cost: f64 = cost.areas.values().map(|a| a.cost).sum();
                (cost.units >= m && (outside == 0 || outside >= m))
                    .then(|| suppress::round_share(cohort_cost / total))
            }
            _ => None,
        };
        let mut running = 0.0;
        let cumulative_net = case
            .net_by_year
            .iter()
            .map(|net| {
                running += net;
                running
            })
            .collect();
        Ok(SavingsView {
            summary_shown,
            cohort_units: summary_shown.then_some(case.summary.cohort_units),
            cohort_share,
            investment: case.summary.investment,
            npv: case.summary.npv,
            payback_year: case.summary.payback_year,
            cumulative_net,
            areas,
            departments: table(savings::part::DEPARTMENTS).ok_or_else(missing)?,
            // The scenarios are the base case scaled: hidden with it.
            scenarios: if summary_shown {
                scenarios(cost, &request.savings, request)?
            } else {
                Err("suppressed, as the base case is".to_string())
            },
        })
    }
}

/// The summary of the low, base and high scenarios side by side.
fn scenarios(
    cost: &CohortCost,
    config: &SavingsConfig,
    request: &ReportRequest,
) -> PolarsResult<Result<Table, String>> {
    let cases: Result<Vec<SavingsCase>, _> = [Scenario::Low, Scenario::Base, Scenario::High]
        .into_iter()
        .map(|s| savings::model(cost, config, request.period, s))
        .collect();
    let cases = match cases {
        Ok(cases) => cases,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let document = savings::cases_document(&cases, config, request.min_cell)?;
    Ok(document
        .table(savings::part::SUMMARY)
        .cloned()
        .ok_or_else(|| "no scenario summary".to_string()))
}

/// Every `[savings]` assumption as a number, with where it came from
/// (`default`, `config` or `flag`). `assumption,value,source`.
pub fn assumptions_table(savings: &Savings) -> PolarsResult<Table> {
    let config = &savings.values;
    let source = |setting: Setting| savings.origin(&setting).name();
    let mut rows: Vec<(String, f64, &str)> = vec![
        (
            "horizon_years".into(),
            config.horizon_years.into(),
            source(Setting::HorizonYears),
        ),
        (
            "discount_rate".into(),
            config.discount_rate,
            source(Setting::DiscountRate),
        ),
        (
            "coordinator_cost".into(),
            config.coordinator_cost,
            source(Setting::CoordinatorCost),
        ),
        (
            "setup_cost".into(),
            config.setup_cost,
            source(Setting::SetupCost),
        ),
    ];
    for (i, ramp) in config.ramp_up.iter().enumerate() {
        rows.push((
            format!("ramp_up.year_{}", i + 1),
            *ramp,
            source(Setting::RampUp),
        ));
    }
    rows.push((
        "deadweight".into(),
        config.deadweight,
        source(Setting::Deadweight),
    ));
    rows.push((
        "optimism_bias".into(),
        config.optimism_bias,
        source(Setting::OptimismBias),
    ));
    for (area, effect) in &config.effects {
        rows.push((
            format!("effects.{area}"),
            *effect,
            source(Setting::Effect(area.clone())),
        ));
    }
    for (name, factor) in [
        ("low", config.scenarios.low),
        ("base", config.scenarios.base),
        ("high", config.scenarios.high),
    ] {
        rows.push((
            format!("scenarios.{name}"),
            factor,
            source(Setting::Scenario(name)),
        ));
    }
    let frame = df!(
        "assumption" => rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "source" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
    )?;
    Ok(Table::new(frame).with_title("Savings assumptions and where each came from"))
}

impl FullReport {
    /// The report with the sections of its enrolments and ladder sources.
    pub fn with_followup(mut self, followup: Followup) -> FullReport {
        self.followup = followup;
        self
    }

    /// The workbook's document: the report's parts (the hotspot lists only
    /// with `units`), then the concentration curve, the savings per
    /// department and per scenario, the realised savings, the monitor and
    /// the ladder where their sources exist, the assumptions and the sources.
    pub fn workbook(
        &self,
        units: bool,
        assumptions: Table,
        sources: Table,
    ) -> PolarsResult<Document> {
        let mut document = Document::new();
        for (key, part) in &self.document.parts {
            if !units && [part::HOTSPOTS_CITIZEN, part::HOTSPOTS_FAMILY].contains(key) {
                continue;
            }
            document.parts.push((*key, part.clone()));
        }
        document = document.with_table(part::CONCENTRATION, self.curve_table()?);
        if let Ok(view) = &self.savings {
            document = document.with_table(part::SAVINGS_DEPARTMENTS, view.departments.clone());
            // Hidden scenarios (with a hidden base case) get no sheet.
            if let Ok(scenarios) = &view.scenarios {
                document = document.with_table(part::SAVINGS_SCENARIOS, scenarios.clone());
            }
        }
        document.parts.extend(self.followup.workbook_parts());
        Ok(document
            .with_table(part::ASSUMPTIONS, assumptions)
            .with_table(part::SOURCES, sources))
    }

    /// `percent,share`: the share of cost of the top 1 … 100 % (the group
    /// sizes are left out: the last is the number of units, which the
    /// overview may hide).
    pub fn curve_table(&self) -> PolarsResult<Table> {
        let curve = &self.overview.curve;
        let frame = df!(
            "percent" => curve.iter().map(|p| p.percent).collect::<Vec<_>>(),
            "share" => curve.iter().map(|p| p.share).collect::<Vec<_>>(),
        )?;
        Ok(Table::new(frame)
            .with_title("Share of cost held by the top percent of units")
            .with_shares(["share"])
            .with_suppressed(["share"])
            .with_complement_rows(crate::overview::complements(curve.iter().map(|p| p.status))))
    }
}
