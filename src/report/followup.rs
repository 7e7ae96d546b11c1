//! What the report adds where a municipality records who was enrolled in
//! coordinated work (an `enrolments` source) or how its citizens move on a
//! step scale (a `ladder` source): the realised saving with its interval and
//! the event study, `monitor`'s expected against realised per quarter, and
//! the ladder. Each is held here as published, suppressed at the report's
//! threshold by the same functions `realised`, `monitor` and `ladder` use,
//! so the page and the workbook cannot show more than those commands do.

use polars::prelude::*;

use super::part;
use crate::output::{Part, PartKey, Table, Value};
use crate::realised::{Monitor, MonitorTables, RealisedTables};
use crate::units::UnitMode;

/// The published sections of the enrolments and ladder sources; a part is
/// `None` where its source is absent or nobody is enrolled.
#[derive(Debug, Clone, Default)]
pub struct Followup {
    /// The realised estimate (the one `monitor` rests on).
    pub realised: Option<RealisedTables>,
    /// Expected against realised per period.
    pub monitor: Option<MonitorTables>,
    /// The cohort's and everyone else's movement on the step scale
    /// (`ladder::table`).
    pub ladder: Option<Table>,
}

impl Followup {
    /// The parts of `monitor` (with its realised estimate) and the ladder's
    /// table, suppressed at `min_cell`.
    /// The realised summary starts with `unit`: whether its units are
    /// citizens or families (`unit` of the monitor's panel).
    pub fn new(
        monitor: Option<(&Monitor, UnitMode)>,
        ladder: Option<Table>,
        min_cell: u32,
    ) -> PolarsResult<Followup> {
        let realised = monitor
            .map(|(m, unit)| -> PolarsResult<RealisedTables> {
                let mut tables = m.realised.tables(min_cell)?;
                let unit = match unit {
                    UnitMode::Citizen => "citizen",
                    UnitMode::Family => "family",
                };
                tables
                    .summary
                    .insert(0, ("unit".to_string(), Value::Text(unit.to_string())));
                Ok(tables)
            })
            .transpose()?;
        let monitor = monitor.map(|(m, _)| m);
        Ok(Followup {
            realised,
            monitor: monitor.map(|m| m.tables(min_cell)).transpose()?,
            ladder,
        })
    }

    /// The workbook's parts, with names stable for Power Query:
    /// `realised_summary`, `realised_areas`, `realised_balance`,
    /// `realised_event_study`, `monitor_periods`, `monitor_areas`,
    /// `monitor_departments` and `ladder`, each where its source exists.
    pub fn workbook_parts(&self) -> Vec<(PartKey, Part)> {
        let mut parts = Vec::new();
        if let Some(r) = &self.realised {
            parts.push((part::REALISED_SUMMARY, Part::Fields(r.summary.clone())));
            for (key, table) in [
                (part::REALISED_AREAS, &r.areas),
                (part::REALISED_BALANCE, &r.balance),
                (part::REALISED_EVENT_STUDY, &r.event_study),
            ] {
                parts.push((key, Part::Table(table.clone())));
            }
        }
        if let Some(m) = &self.monitor {
            for (key, table) in [
                (part::MONITOR_PERIODS, &m.periods),
                (part::MONITOR_AREAS, &m.areas),
                (part::MONITOR_DEPARTMENTS, &m.departments),
            ] {
                parts.push((key, Part::Table(table.clone())));
            }
        }
        if let Some(ladder) = &self.ladder {
            parts.push((part::LADDER, Part::Table(ladder.clone())));
        }
        parts
    }
}
