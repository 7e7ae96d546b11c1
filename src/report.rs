//! The main job (`tvaers report`): in one run, the overview of the
//! population, the top hotspots as citizens and as families, and the
//! settings that produced them, as one document every format can render.

use crate::config::Period;
use crate::hotspots::{self, HotspotCriteria};
use crate::load::Loaded;
use crate::output::{Document, Part, Value};
use crate::overview::overview;
use crate::units::{units, UnitMode};
use polars::prelude::*;

/// What the report covers.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Analysis period.
    pub period: Period,
    /// Small-cell threshold for the aggregates.
    pub min_cell: u32,
    /// Hotspot criteria; `limit` caps each hotspot list.
    pub criteria: HotspotCriteria,
}

/// Builds the report: `period_from`, `period_to` and the overview's figures,
/// its tables, then `hotspots_citizen` and `hotspots_family`.
pub fn report(loaded: &Loaded, request: &ReportRequest) -> PolarsResult<Document> {
    let overview =
        overview(loaded, request.period, UnitMode::Citizen, request.min_cell)?.document()?;
    let date = |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, Value::date);
    let mut parts = vec![(
        String::new(),
        Part::Fields(vec![
            ("period_from".to_string(), date(request.period.from)),
            ("period_to".to_string(), date(request.period.to)),
        ]),
    )];
    for (key, part) in overview.parts {
        match (key.is_empty(), part, parts.first_mut()) {
            // The overview's headline figures join the period in one block.
            (true, Part::Fields(fields), Some((_, Part::Fields(head)))) => head.extend(fields),
            (_, part, _) => parts.push((key, part)),
        }
    }
    for (mode, key, title) in [
        (
            UnitMode::Citizen,
            "hotspots_citizen",
            "Top hotspots: citizens",
        ),
        (
            UnitMode::Family,
            "hotspots_family",
            "Top hotspots: families",
        ),
    ] {
        let units = units(loaded, request.period, mode)?;
        let selected = hotspots::select(&units, &request.criteria)?;
        let table = hotspots::table(selected, &units.areas, None)?.with_title(title);
        parts.push((key.to_string(), Part::Table(table)));
    }
    Ok(Document { parts })
}
