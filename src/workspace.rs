//! The one pass over a municipality's files that every analysis starts from.
//!
//! A [`Plan`] names what an analysis needs: the unit modes to gather, the
//! kinds to keep whole as frames, the realised panel, validate's summary.
//! [`Workspace::open`] reads each file once. The expense and contact rows are
//! handed, as they stream past, to every target the plan asks for and are
//! never held; the small kinds (households, ladder, enrolments) are loaded
//! as frames first, since family units and the panel need them while the
//! rows stream. The small-cell threshold and the reject rate are decided
//! here, once, so no command can suppress with another threshold or forget
//! the check.

use crate::beside::beside;
use crate::config::{Config, Period};
use crate::load::{self, Batch, LoadError, Loaded, Row, RowTarget};
use crate::realised::{self, Gather, MonthlyPanel, PanelPlan, RealisedError};
use crate::schema::Kind;
use crate::units::{Accumulator, Membership, Texts, UnitMode, Units};
use crate::validate::{check_reject_rate, RejectRateExceeded, Summary};
use polars::prelude::*;
use std::sync::Arc;

/// What an analysis needs read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Units gathered in each of these modes.
    pub units: Vec<UnitMode>,
    /// The modes whose units come without their departments and costs
    /// (`Units::details`): what only lists units need not build them.
    pub without_details: Vec<UnitMode>,
    /// Kinds kept whole as frames (households, ladder, enrolments).
    pub frames: Vec<Kind>,
    /// The monthly panel realised savings are estimated from.
    pub panel: Option<PanelPlan>,
    /// `validate`'s summary of the expense and contact rows.
    pub summary: bool,
}

impl Plan {
    /// Units in each of `modes`.
    pub fn units(modes: &[UnitMode]) -> Plan {
        Plan {
            units: modes.to_vec(),
            ..Plan::default()
        }
    }

    /// The units of `modes` without their departments and costs.
    pub fn without_details(mut self, modes: &[UnitMode]) -> Plan {
        self.without_details.extend_from_slice(modes);
        self
    }

    /// Everything `validate` reports on: every kind, the expense and
    /// contact rows summarised as they stream past.
    pub fn validate() -> Plan {
        Plan {
            frames: vec![Kind::Households, Kind::Ladder, Kind::Enrolments],
            summary: true,
            ..Plan::default()
        }
    }

    /// Also these kinds as frames.
    pub fn with_frames(mut self, kinds: &[Kind]) -> Plan {
        for kind in kinds {
            if !self.frames.contains(kind) {
                self.frames.push(*kind);
            }
        }
        self
    }

    /// Also the realised panel.
    pub fn with_panel(mut self, panel: PanelPlan) -> Plan {
        self.panel = Some(panel);
        self
    }

    /// Whether anything is gathered per family, which needs the households.
    fn family(&self) -> bool {
        self.units.contains(&UnitMode::Family)
            || self
                .panel
                .is_some_and(|p| p.mode == UnitMode::Family || p.as_enrolled)
    }

    /// The kinds read whole, with those the units and the panel need.
    fn frame_kinds(&self) -> Vec<Kind> {
        let mut kinds = self.frames.clone();
        if self.family() && !kinds.contains(&Kind::Households) {
            kinds.push(Kind::Households);
        }
        if self.panel.is_some() && !kinds.contains(&Kind::Enrolments) {
            kinds.push(Kind::Enrolments);
        }
        kinds
    }

    /// The kinds whose rows stream past the targets.
    fn streamed_kinds(&self) -> Vec<Kind> {
        let everything = !self.units.is_empty() || self.summary;
        let mut kinds = Vec::new();
        if everything || self.panel.is_some() {
            kinds.push(Kind::Expenses);
        }
        if everything || self.panel.is_some_and(|p| p.contacts) {
            kinds.push(Kind::Contacts);
        }
        kinds
    }
}

/// A municipality read for an analysis: the config, the period with the
/// command line's overrides, every source's counts and rejects, the frames
/// and the gathered targets the plan asked for.
pub struct Workspace {
    /// The config.
    pub config: Config,
    /// The analysis period.
    pub period: Period,
    /// The small-cell threshold every output of the workspace suppresses at.
    pub min_cell: u32,
    /// Per-source counts and rejects; rows of the kinds read as frames.
    pub loaded: Loaded,
    units: Vec<(UnitMode, Units)>,
    panel: Option<MonthlyPanel>,
    summary: Option<Summary>,
}

/// What can stop a workspace from opening.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// A source could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The realised panel could not be built (an open period, a panel sum out of range).
    #[error(transparent)]
    Realised(#[from] RealisedError),
    /// Computing failed (not expected on any input).
    #[error(transparent)]
    Polars(#[from] PolarsError),
    /// An analysis asked for what its plan did not read: a bug, not bad input.
    #[error("the workspace was opened without {0}")]
    NotPlanned(String),
}

impl Workspace {
    /// Reads what `plan` asks for, each file once.
    pub fn open(config: Config, period: Period, plan: &Plan) -> Result<Workspace, WorkspaceError> {
        // An estimate over an open period is refused before anything is read.
        let calendar = plan.panel.map(|_| realised::calendar(period)).transpose()?;
        let frames = load::load_kinds(&config, period, &plan.frame_kinds())?;
        // The panel's unit, where the enrolments decide it, is known now.
        let panel = plan.panel.map(|p| p.resolved(&frames)).transpose()?;
        let family = plan.units.contains(&UnitMode::Family)
            || panel.is_some_and(|p| p.mode == UnitMode::Family);
        let membership = match family {
            true => Some(Arc::new(Membership::new(
                &frames.frame(Kind::Households)?.collect()?,
            )?)),
            false => None,
        };
        let streamed = plan.streamed_kinds();
        // Both modes (`report`) are gathered as one accumulator's segments:
        // each row is added once.
        let accumulator = || match (&plan.units[..], &membership) {
            ([], _) => None,
            ([mode], _) => Some(Accumulator::new(*mode, period, membership.clone())),
            (_, membership) => Some(Accumulator::both(
                period,
                membership.clone().unwrap_or_default(),
            )),
        };
        let (rows, parts) = if streamed.is_empty() {
            (Loaded::default(), Vec::new())
        } else {
            load::stream(&config, period, &streamed, &|| Targets {
                texts: Texts::default(),
                units: accumulator(),
                panel: panel.zip(calendar.clone()).map(|(p, calendar)| {
                    Gather::new(calendar, p.mode, membership.clone(), p.contacts)
                }),
                summary: plan.summary.then(|| Summary::new(period)),
            })?
        };
        // One target per worker: merge them into the first.
        let mut parts = parts.into_iter();
        let mut all = parts.next();
        if let Some(all) = &mut all {
            parts.try_for_each(|part| all.merge(part))?;
        }
        let (texts, accumulator, gather, summary) = match all {
            Some(t) => (t.texts, t.units, t.panel, t.summary),
            None => (Texts::default(), accumulator(), None, None),
        };
        let details = |mode| !plan.without_details.contains(&mode);
        let units = match accumulator {
            Some(all) => all.finish(&texts, &details)?,
            None => Vec::new(),
        };
        let panel = match (panel, calendar) {
            (Some(p), Some(calendar)) => {
                let expenses = gather.is_some();
                let gather = gather
                    .unwrap_or_else(|| Gather::new(calendar.clone(), p.mode, None, p.contacts));
                Some(MonthlyPanel::new(
                    gather,
                    calendar,
                    &frames,
                    p,
                    expenses,
                    membership.as_deref(),
                )?)
            }
            _ => None,
        };
        let summary = plan
            .summary
            .then(|| summary.unwrap_or_else(|| Summary::new(period)));
        let loaded = Loaded::combine(&config, vec![frames, rows]);
        Ok(Workspace {
            min_cell: config.min_cell,
            config,
            period,
            loaded,
            units,
            panel,
            summary,
        })
    }

    /// The units in `mode`.
    pub fn units(&self, mode: UnitMode) -> Result<&Units, WorkspaceError> {
        self.units
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|(_, units)| units)
            .ok_or_else(|| WorkspaceError::NotPlanned(format!("the {mode:?} units")))
    }

    /// The realised panel.
    pub fn panel(&self) -> Result<&MonthlyPanel, WorkspaceError> {
        self.panel
            .as_ref()
            .ok_or_else(|| WorkspaceError::NotPlanned("the realised panel".into()))
    }

    /// `validate`'s summary of the expense and contact rows.
    pub fn summary(&self) -> Result<&Summary, WorkspaceError> {
        self.summary
            .as_ref()
            .ok_or_else(|| WorkspaceError::NotPlanned("the summary of rows".into()))
    }

    /// The first source whose rejected share exceeds `max_rate`, as an error.
    pub fn check_reject_rate(&self, max_rate: f64) -> Result<(), RejectRateExceeded> {
        check_reject_rate(self.loaded.reports(), max_rate)
    }
}

/// What one worker's rows feed.
struct Targets {
    /// The texts the accumulators' ids stand for.
    texts: Texts,
    /// The units of the plan's modes (both: as segments).
    units: Option<Accumulator>,
    panel: Option<Gather>,
    summary: Option<Summary>,
}

impl Targets {
    fn merge(&mut self, other: Targets) -> PolarsResult<()> {
        let remap = &self.texts.absorb(&other.texts)?;
        let Targets {
            units,
            panel,
            summary,
            ..
        } = self;
        // The units merge on a thread of their own.
        let merge = || {
            if let (Some(all), Some(part)) = (units, other.units) {
                all.merge(part, remap);
            }
        };
        let (merged, ()) = beside(merge, || {
            if let (Some(all), Some(part)) = (panel, other.panel) {
                all.merge(part);
            }
            if let (Some(all), Some(part)) = (summary, other.summary) {
                all.merge(part);
            }
        });
        merged.map_err(|_| failed("merging a worker's units"))
    }
}

/// A thread of the pass that stopped: a bug, reported as an error, not a crash.
fn failed(what: &str) -> PolarsError {
    polars_err!(ComputeError: "{what} failed")
}

impl RowTarget for Targets {
    fn row(&mut self, row: Row<'_>) {
        // A row outside the period is not named: no unit counts it.
        if let Some(units) = self.units.as_mut().filter(|u| u.covers(row.date)) {
            let keyed = self.texts.key(&row);
            units.add(&self.texts, &keyed);
        }
        if let Some(panel) = &mut self.panel {
            panel.row(row);
        }
        if let Some(summary) = &mut self.summary {
            summary.row(row);
        }
    }

    fn batch(&mut self, batch: &Batch<'_>) {
        if let Some(units) = &mut self.units {
            // As `row`: only rows the units count are named.
            let wanted: Vec<bool> = batch
                .keep
                .iter()
                .zip(batch.dates)
                .map(|(&keep, &day)| keep && units.covers(day))
                .collect();
            self.texts
                .key_batch(batch, &wanted, |texts, keyed| units.add(texts, keyed));
        }
        if self.panel.is_some() || self.summary.is_some() {
            batch.for_each_row(|row| {
                if let Some(panel) = &mut self.panel {
                    panel.row(row);
                }
                if let Some(summary) = &mut self.summary {
                    summary.row(row);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests;
