//! The main job (`tvaers report`): in one run, the overview of the
//! population, the top hotspots as citizens and as families, and the
//! settings that produced them, as one document every format can render.
//! The HTML page and the workbook show more of the same run (`full.rs`,
//! `page.rs`): the concentration curve, the savings years, departments and
//! scenarios, the assumptions with their sources, and the data quality;
//! where an enrolments or a ladder source exists, also the realised savings,
//! `monitor`'s expected against realised and the ladder (`followup.rs`).

mod followup;
mod full;
mod page;
mod page_realised;
mod page_savings;

/// The report's own parts (besides the overview's, which keep their keys).
pub mod part {
    use crate::output::PartKey;
    /// Top hotspots: citizens (ids only with `--units` on a page or workbook).
    pub const HOTSPOTS_CITIZEN: PartKey = PartKey::new("hotspots_citizen");
    /// Top hotspots: families.
    pub const HOTSPOTS_FAMILY: PartKey = PartKey::new("hotspots_family");
    /// The savings case of every citizen hotspot: its summary.
    pub const SAVINGS_SUMMARY: PartKey = PartKey::new("savings_summary");
    /// The savings case per budget area.
    pub const SAVINGS_AREAS: PartKey = PartKey::new("savings_areas");
    /// The workbook's concentration curve.
    pub const CONCENTRATION: PartKey = PartKey::new("concentration");
    /// The workbook's savings per department.
    pub const SAVINGS_DEPARTMENTS: PartKey = PartKey::new("savings_departments");
    /// The workbook's scenarios side by side.
    pub const SAVINGS_SCENARIOS: PartKey = PartKey::new("savings_scenarios");
    /// The workbook's assumptions and where each came from.
    pub const ASSUMPTIONS: PartKey = PartKey::new("assumptions");
    /// The workbook's data quality per source.
    pub const SOURCES: PartKey = PartKey::new("sources");
    /// The workbook's realised estimate: counts, verdict, placebo test.
    pub const REALISED_SUMMARY: PartKey = PartKey::new("realised_summary");
    /// The workbook's realised saving per budget area.
    pub const REALISED_AREAS: PartKey = PartKey::new("realised_areas");
    /// The workbook's balance of the matching features.
    pub const REALISED_BALANCE: PartKey = PartKey::new("realised_balance");
    /// The workbook's event study.
    pub const REALISED_EVENT_STUDY: PartKey = PartKey::new("realised_event_study");
    /// The workbook's monitor per period.
    pub const MONITOR_PERIODS: PartKey = PartKey::new("monitor_periods");
    /// The workbook's monitor per budget area.
    pub const MONITOR_AREAS: PartKey = PartKey::new("monitor_areas");
    /// The workbook's monitor per department.
    pub const MONITOR_DEPARTMENTS: PartKey = PartKey::new("monitor_departments");
    /// The workbook's ladder.
    pub const LADDER: PartKey = PartKey::new("ladder");
}

pub use followup::Followup;
pub use full::{assumptions_table, FullReport, SavingsView};
pub use page::{report_page, PageRequest};

use crate::beside::beside;
use crate::config::{Period, SavingsConfig};
use crate::hotspots::{self, HotspotCriteria};
use crate::output::{Document, Part, PartKey, Value, TOP};
use crate::overview::{overview, AreaCost, Overview};
use crate::pseudonym::Key;
use crate::savings::CohortCost;
use crate::savings::{self, cohort_cost, Scenario};
use crate::units::Units;
use polars::prelude::*;
use std::collections::BTreeSet;

/// What the report covers.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Analysis period.
    pub period: Period,
    /// Small-cell threshold for the aggregates.
    pub min_cell: u32,
    /// Hotspot criteria; `limit` caps each hotspot list (not the savings cohort).
    pub criteria: HotspotCriteria,
    /// Savings assumptions for the citizen hotspots as cohort.
    pub savings: SavingsConfig,
}

/// Builds the report: `period_from`, `period_to` and the overview's figures,
/// its tables, `hotspots_citizen` and `hotspots_family`, then the base-case
/// savings of all citizen hotspots (`savings_summary`, `savings_areas`).
pub fn report(
    citizens: &Units,
    families: &Units,
    request: &ReportRequest,
) -> PolarsResult<Document> {
    Ok(full_report(citizens, families, request, None)?.document)
}

/// The report with everything its HTML page and workbook show besides the
/// document; `rekey` re-pseudonymises the hotspot lists' unit ids.
pub fn full_report(
    citizens: &Units,
    families: &Units,
    request: &ReportRequest,
    rekey: Option<&Key>,
) -> PolarsResult<FullReport> {
    // The overview of all citizens, and on another thread the hotspot
    // lists and the savings cohort's cost: each reads the units alone.
    let (population, others) = beside(
        || overview(citizens, request.min_cell),
        || -> PolarsResult<_> {
            // Every citizen hotspot is the savings cohort; the list is its
            // first `limit`, as the selection caps last: one ranking, not two.
            let every = hotspots::select(citizens, &request.criteria.uncapped())?;
            let listed = match request.criteria.limit {
                Some(limit) => every.head(Some(limit)),
                None => every.clone(),
            };
            let lists = [
                (
                    citizens,
                    listed,
                    part::HOTSPOTS_CITIZEN,
                    "Top hotspots: citizens",
                ),
                (
                    families,
                    hotspots::select(families, &request.criteria)?,
                    part::HOTSPOTS_FAMILY,
                    "Top hotspots: families",
                ),
            ]
            .into_iter()
            .map(|(units, selected, key, title)| {
                // The per-area costs are in `budget_areas`; here each unit's largest area is enough.
                let table = hotspots::compact_table(&selected, &units.areas, rekey)?;
                Ok((key, Part::Table(table.with_title(title))))
            })
            .collect::<PolarsResult<Vec<_>>>()?;
            let cohort = hotspots::ids(&every)?;
            Ok((lists, cohort_cost(citizens, &cohort)?))
        },
    );
    let population =
        population.unwrap_or_else(|_| Err(polars_err!(ComputeError: "the overview failed")))?;
    let (lists, cohort_cost) = others?;
    let overview = population.document()?;
    let date = |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, Value::date);
    let mut parts = vec![(
        TOP,
        Part::Fields(vec![
            ("period_from".to_string(), date(request.period.from)),
            ("period_to".to_string(), date(request.period.to)),
        ]),
    )];
    for (key, part) in overview.parts {
        match (key == TOP, part, parts.first_mut()) {
            // The overview's headline figures join the period in one block.
            (true, Part::Fields(fields), Some((_, Part::Fields(head)))) => head.extend(fields),
            (_, part, _) => parts.push((key, part)),
        }
    }
    parts.extend(lists);
    let (savings_parts, savings) = savings_parts(request, &cohort_cost, &population)?;
    parts.extend(savings_parts);
    let mut document = Document {
        parts,
        titles: Vec::new(),
    }
    .with_title(
        TOP,
        "Population: active units and the share of cost the costliest hold",
    )
    .with_title(
        part::SAVINGS_SUMMARY,
        "Savings of all citizen hotspots (base scenario)",
    );
    // The overview's own titles of its tables carry over.
    for (key, title) in overview.titles {
        if key != TOP {
            document = document.with_title(key, title);
        }
    }
    Ok(FullReport {
        document,
        overview: population,
        savings,
        followup: Followup::default(),
    })
}

/// The savings view, or why no case could be made.
type SavingsOutcome = Result<SavingsView, String>;

/// The base case for every citizen hotspot, of its `cost`.
fn savings_parts(
    request: &ReportRequest,
    cost: &CohortCost,
    population: &Overview,
) -> PolarsResult<(Vec<(PartKey, Part)>, SavingsOutcome)> {
    let case = match savings::model(cost, &request.savings, request.period, Scenario::Base) {
        Ok(case) => case,
        Err(e) => {
            return Ok((
                vec![(
                    part::SAVINGS_SUMMARY,
                    Part::Fields(vec![("not_modelled".into(), Value::Text(e.to_string()))]),
                )],
                Err(e.to_string()),
            ))
        }
    };
    let hidden = given_away(&population.budget_areas, cost, request.min_cell);
    let document = savings::case_document(&case, &request.savings, request.min_cell, &hidden)?;
    let view = SavingsView::new(&case, cost, &document, request, population)?;
    let parts = document
        .parts
        .into_iter()
        .filter_map(|(key, found)| match key {
            savings::part::SUMMARY => Some((part::SAVINGS_SUMMARY, found)),
            savings::part::AREAS => Some((part::SAVINGS_AREAS, found)),
            _ => None,
        })
        .collect();
    Ok((parts, Ok(view)))
}

/// The cohort's areas the overview of all units would give away: the
/// overview's cost of an area less the cohort's is the cost of the units
/// outside the cohort, so when they are fewer than `min_cell` (but some),
/// or when the overview hides the area and the cohort holds nearly all of
/// it, the savings row of the area is hidden too.
pub fn given_away(population: &[AreaCost], cohort: &CohortCost, min_cell: u32) -> BTreeSet<String> {
    let m = u64::from(min_cell);
    population
        .iter()
        .filter_map(|area| {
            let inside = cohort.areas.get(&area.area)?.units;
            let outside = area.exact_units.saturating_sub(inside);
            let hidden_there = !area.status.is_shown();
            (outside < m && (outside > 0 || hidden_there)).then(|| area.area.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::savings::AreaCost as CohortArea;
    use crate::suppress::Status;
    use std::collections::BTreeMap;

    fn area(name: &str, units: u64, status: Status) -> AreaCost {
        AreaCost {
            area: name.into(),
            units: status.show(units),
            cost: status.show(1000.0),
            status,
            exact_units: units,
        }
    }

    #[test]
    fn overview_areas_less_the_cohorts_gave_the_cost_of_a_few_units() {
        let population = [
            area("A", 12, Status::Shown),
            area("B", 30, Status::Shown),
            area("C", 9, Status::Complement),
            area("D", 40, Status::Complement),
            area("E", 20, Status::Shown),
        ];
        let cohort = CohortCost {
            units: 40,
            areas: BTreeMap::from([
                // 12 − 10: the overview less the cohort is 2 units' cost.
                (
                    "A".into(),
                    CohortArea {
                        units: 10,
                        cost: 1.0,
                    },
                ),
                // 30 − 10: 20 units outside, nothing to hide.
                (
                    "B".into(),
                    CohortArea {
                        units: 10,
                        cost: 1.0,
                    },
                ),
                // Hidden in the overview, all 9 in the cohort: equal figures.
                (
                    "C".into(),
                    CohortArea {
                        units: 9,
                        cost: 1.0,
                    },
                ),
                // Hidden in the overview, 30 outside the cohort: safe.
                (
                    "D".into(),
                    CohortArea {
                        units: 10,
                        cost: 1.0,
                    },
                ),
                // Shown in both and equal: nothing hidden is given away.
                (
                    "E".into(),
                    CohortArea {
                        units: 20,
                        cost: 1.0,
                    },
                ),
            ]),
            by_department: BTreeMap::new(),
            cell_units: BTreeMap::new(),
            department_units: BTreeMap::new(),
        };
        let hidden: Vec<String> = given_away(&population, &cohort, 5).into_iter().collect();
        assert_eq!(hidden, ["A", "C"]);
    }
}
