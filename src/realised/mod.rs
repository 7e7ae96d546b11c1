//! Realised savings of an enrolled cohort: for each enrolled unit, the units
//! never enrolled (or enrolled only after its window) whose cost in each
//! month before the same start was most like its own (`matching`); the
//! saving per budget area is the difference in differences of cost per
//! unit-month between the enrolled and their matches, in the window before
//! and after each unit's own start, with a bootstrap interval over enrolled
//! units (`estimate`). Balance of the matching features is always computed;
//! where the enrolled still differ from their matches, the estimate is marked
//! not balanced and says why in words.
//!
//! High-cost units drift back towards the mean whether or not anyone helps
//! them, and a course picks units for what their recent months looked like.
//! The cohort's own before/after change is therefore never a saving, and a
//! comparison group chosen differently from the cohort says nothing either:
//! only units whose months before start looked the same do.

mod document;
mod estimate;
mod matching;
mod monitor;
mod panel;
pub mod placebo;

use crate::config::Period;
use crate::load::value::from_epoch_days;
use crate::load::Loaded;
use crate::schema::Kind;
use crate::units::{Membership, UnitMode};
use chrono::NaiveDate;
pub use document::{balance_note, RealisedTables};
use estimate::MatchedSet;
pub use matching::MatchOn;
use matching::{Matching, Target};
pub use monitor::{monitor, Every, Monitor, MonitorRow, MonitorTables, Status};
use panel::Calendar;
pub(crate) use panel::Gather;
pub use panel::PanelError;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The area name of the all-areas row.
pub const TOTAL: &str = "Total";

/// Months before and after start shown in the event study.
pub const EVENT_REACH: i32 = 24;

/// The parts of the estimate's document.
pub mod part {
    use crate::output::PartKey;
    /// The counts, the balance verdict and the placebo test.
    pub const SUMMARY: PartKey = PartKey::new("summary");
    /// The estimate per budget area and in total.
    pub const AREAS: PartKey = PartKey::new("areas");
    /// The balance of every matching feature.
    pub const BALANCE: PartKey = PartKey::new("balance");
    /// Cost per month around start.
    pub const EVENT_STUDY: PartKey = PartKey::new("event_study");
    /// `monitor`'s rows per period, all areas together.
    pub const PERIODS: PartKey = PartKey::new("periods");
    /// `monitor`'s rows per department.
    pub const DEPARTMENTS: PartKey = PartKey::new("departments");
}

/// What to estimate.
#[derive(Debug, Clone)]
pub struct RealisedRequest {
    /// Citizen or family units; enrolments are read from the matching column.
    pub mode: UnitMode,
    /// Months before and after each start (also the months matched on).
    pub window_months: u32,
    /// Comparison units per enrolled unit.
    pub neighbours: usize,
    /// What to match exactly besides the cost path.
    pub match_on: Vec<MatchOn>,
    /// Largest absolute standardised difference still called balanced.
    pub max_imbalance: f64,
    /// Largest gap in the level of cost before start, as a share of the
    /// cohort's, still called balanced.
    pub max_level_gap: f64,
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
    /// Enrolled units with cost in the area in either window.
    pub cohort_with_cost: u64,
    /// Distinct comparison units with cost in the area in either window.
    pub comparison_with_cost: u64,
    /// Cohort means.
    pub cohort: Windows,
    /// Means of the matched comparison (each enrolled unit's matches averaged first).
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

/// The balance of one feature between the enrolled and their matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    /// What is compared, in words.
    pub feature: String,
    /// For an area's own cost before start: the area (index into the areas);
    /// such a feature judges only that area's estimate.
    pub area: Option<usize>,
    /// For an area's share of the cost: the area.
    pub share_of: Option<usize>,
    /// Cohort mean.
    pub cohort: f64,
    /// Matched comparison mean (matches weigh `1 / k`).
    pub comparison: f64,
    /// Standardised mean difference: the difference over the pooled standard deviation.
    pub smd: f64,
    /// For a cost in kroner: the difference as a share of the cohort's mean.
    /// With heavy-tailed costs a wide spread hides a gap in level that the
    /// difference in differences, in kroner, is not immune to.
    pub gap: Option<f64>,
}

/// One month of the event study.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMonth {
    /// Months from start (0 is the start month).
    pub month: i32,
    /// Enrolled units whose month is observed.
    pub units: u64,
    /// Their mean cost.
    pub cohort: f64,
    /// Their matches' mean cost.
    pub comparison: f64,
}

/// The whole estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Realised {
    /// Units in the enrolments source.
    pub enrolled_units: u64,
    /// Enrolled units estimated: with a whole window observed before start, a
    /// month observed after it, and at least one match.
    pub cohort_units: u64,
    /// Enrolled units starting too early for a whole window before start.
    pub too_early: u64,
    /// Enrolled units starting after the last observed month.
    pub too_late: u64,
    /// Enrolled units for which no comparison unit was found.
    pub unmatched: u64,
    /// Distinct comparison units.
    pub comparison_units: u64,
    /// Neighbours per enrolled unit.
    pub neighbours: usize,
    /// Months in each window.
    pub window_months: u32,
    /// Exact matching.
    pub match_on: Vec<MatchOn>,
    /// The threshold of balance.
    pub max_imbalance: f64,
    /// The threshold of the gap in level.
    pub max_level_gap: f64,
    /// Per area (by name), then [`TOTAL`].
    pub areas: Vec<AreaEstimate>,
    /// Every feature's balance.
    pub balance: Vec<Balance>,
    /// Mean cost per month around start.
    pub event_study: Vec<EventMonth>,
    /// The placebo test, when enough enrolled units start late enough.
    pub placebo: Option<placebo::Placebo>,
}

impl Realised {
    /// The largest absolute standardised difference that judges an area's
    /// estimate (`None`: the total): every overall feature, and the area's own cost.
    pub fn pre_smd(&self, area: Option<usize>) -> f64 {
        self.balance
            .iter()
            .filter(|b| b.area.is_none() || b.area == area)
            .map(|b| b.smd.abs())
            .fold(0.0, f64::max)
    }

    /// The largest gap in the level of cost before start, as a share of the
    /// cohort's, that judges an area's estimate (`None`: the total).
    pub fn level_gap(&self, area: Option<usize>) -> f64 {
        self.largest_gap(area)
            .and_then(|b| b.gap)
            .map_or(0.0, f64::abs)
    }

    fn largest_gap(&self, area: Option<usize>) -> Option<&Balance> {
        self.balance
            .iter()
            .filter(|b| b.gap.is_some() && (b.area.is_none() || b.area == area))
            .max_by(|a, b| {
                let size = |x: &Balance| x.gap.map_or(0.0, f64::abs);
                size(a).total_cmp(&size(b))
            })
    }

    /// Whether the estimate of an area (`None`: the total) is balanced: no
    /// standardised difference above `max_imbalance`, no gap in the level of
    /// cost before start above `max_level_gap`, and no saving found by the
    /// placebo test (where it could be made).
    pub fn balanced(&self, area: Option<usize>) -> bool {
        self.cohort_units > 0
            && self.pre_smd(area) <= self.max_imbalance
            && self.level_gap(area) <= self.max_level_gap
            && self.placebo.as_ref().is_none_or(placebo::Placebo::parallel)
    }

    /// The overall feature that differs most, if any.
    pub fn worst(&self) -> Option<&Balance> {
        self.balance
            .iter()
            .filter(|b| b.area.is_none())
            .max_by(|a, b| a.smd.abs().total_cmp(&b.smd.abs()))
    }
}

/// The enrolled units matched, with the panel they were matched in: what
/// `realised` and `monitor` share.
pub(crate) struct Prepared<'p> {
    pub(crate) calendar: &'p Calendar,
    pub(crate) panel: &'p panel::Panel,
    /// Matched enrolled units: unit, start month, matches.
    pub(crate) sets: Vec<(usize, u16, Vec<usize>)>,
    /// The same at each unit's placebo start (see [`placebo`]).
    pub(crate) placebo_sets: Vec<(usize, u16, Vec<usize>)>,
    /// Per panel unit: its enrolment's last month, if it ended.
    pub(crate) end_month: Vec<Option<i32>>,
    pub(crate) enrolled_units: u64,
    pub(crate) too_early: u64,
    pub(crate) too_late: u64,
    pub(crate) unmatched: u64,
    pub(crate) months: u16,
}

impl Prepared<'_> {
    pub(crate) fn matched_sets(&self) -> Vec<MatchedSet<'_>> {
        as_sets(&self.sets)
    }
}

fn as_sets(sets: &[(usize, u16, Vec<usize>)]) -> Vec<MatchedSet<'_>> {
    sets.iter()
        .map(|(unit, start, matches)| MatchedSet {
            unit: *unit,
            start: *start,
            matches,
        })
        .collect()
}

/// What the workspace's pass gathers for an estimate: each unit's cost per
/// month, area and department, per citizen or family, and whether the
/// departments of contacts count too (`--match-on departments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelPlan {
    /// Citizen or family units.
    pub mode: UnitMode,
    /// Whether contact rows are gathered (to match on departments).
    pub contacts: bool,
    /// Whether `mode` gives way to the unit the enrolments name (see
    /// [`PanelPlan::as_enrolled`]); decided once they are read.
    pub as_enrolled: bool,
}

impl PanelPlan {
    /// This panel per family where the enrolments name families and no
    /// citizen: the report follows what was enrolled, where `realised` and
    /// `monitor` are told the unit by `--unit`.
    pub fn as_enrolled(self) -> PanelPlan {
        PanelPlan {
            as_enrolled: true,
            ..self
        }
    }

    /// The plan with its mode decided by the enrolments in `frames`.
    pub(crate) fn resolved(self, frames: &Loaded) -> PolarsResult<PanelPlan> {
        if !self.as_enrolled {
            return Ok(self);
        }
        let enrolments = frames.frame(Kind::Enrolments)?.collect()?;
        let names = |id: &str| -> PolarsResult<bool> {
            let column = enrolments.column(id)?;
            Ok(column.null_count() < column.len())
        };
        let mode = match (names("citizen")?, names("family")?) {
            (false, true) => UnitMode::Family,
            _ => self.mode,
        };
        Ok(PanelPlan {
            mode,
            as_enrolled: false,
            ..self
        })
    }
}

impl RealisedRequest {
    /// The defaults of `tvaers realised` and `monitor` (their flags'
    /// defaults are read from here), which the report's sections use too.
    pub const DEFAULT: RealisedRequest = RealisedRequest {
        mode: UnitMode::Citizen,
        window_months: 12,
        neighbours: 5,
        match_on: Vec::new(),
        max_imbalance: 0.25,
        max_level_gap: 0.10,
        resamples: 1000,
        seed: 1,
    };

    /// The panel this estimate needs gathered.
    pub fn panel(&self) -> PanelPlan {
        PanelPlan {
            mode: self.mode,
            contacts: self.match_on.contains(&MatchOn::Departments),
            as_enrolled: false,
        }
    }
}

/// The calendar months of a closed period, for the panel.
pub(crate) fn calendar(period: Period) -> Result<Arc<Calendar>, RealisedError> {
    let (Some(from), Some(to)) = (period.from, period.to) else {
        return Err(RealisedError::OpenPeriod);
    };
    Ok(Arc::new(
        Calendar::new(from, to).ok_or(RealisedError::NoWholeMonth)?,
    ))
}

/// Each enrolled unit's start and end, by id.
type Starts = BTreeMap<String, (NaiveDate, Option<NaiveDate>)>;

/// Every unit's cost per month, area and department, with each enrolled
/// unit's start and end: what realised savings are estimated from, gathered
/// in the workspace's one pass (see `workspace`).
pub struct MonthlyPanel {
    plan: PanelPlan,
    calendar: Arc<Calendar>,
    panel: panel::Panel,
    starts: Starts,
    /// Enrolled families that no households source lists: no row can be
    /// theirs, so they are left out rather than read as costing nothing.
    unlisted: u64,
    /// Enrolment rows that name no unit of the panel's mode (a family
    /// without a citizen, per citizen), left out.
    unnamed: u64,
    /// Whether any expense source was read.
    expenses: bool,
}

impl MonthlyPanel {
    /// The panel of the gathered cells and the enrolments in `frames`;
    /// per family, only the enrolled families `membership` lists.
    pub(crate) fn new(
        gather: Gather,
        calendar: Arc<Calendar>,
        frames: &Loaded,
        plan: PanelPlan,
        expenses: bool,
        membership: Option<&Membership>,
    ) -> Result<MonthlyPanel, RealisedError> {
        let (mut starts, unnamed) = enrolment_starts(frames, plan.mode)?;
        let enrolled = starts.len() as u64;
        if plan.mode == UnitMode::Family {
            starts.retain(|family, _| membership.is_some_and(|m| m.lists_family(family)));
        }
        let panel = gather.finish(starts.keys().map(String::as_str))?;
        Ok(MonthlyPanel {
            plan,
            calendar,
            panel,
            unlisted: enrolled - starts.len() as u64,
            unnamed,
            starts,
            expenses,
        })
    }

    /// Units in the enrolments source (per family, those a households
    /// source lists).
    pub fn enrolled_units(&self) -> u64 {
        self.starts.len() as u64
    }

    /// Enrolled families that no households source lists, left out.
    pub fn unlisted_families(&self) -> u64 {
        self.unlisted
    }

    /// Enrolment rows that name no unit of the panel's mode, left out.
    pub fn unnamed_rows(&self) -> u64 {
        self.unnamed
    }

    /// Whether the panel's units are citizens or families.
    pub fn mode(&self) -> UnitMode {
        self.plan.mode
    }
}

/// Matches each enrolled unit of the panel (see [`MonthlyPanel`]).
pub(crate) fn prepare<'p>(
    monthly: &'p MonthlyPanel,
    request: &RealisedRequest,
) -> Result<Prepared<'p>, RealisedError> {
    if monthly.plan != request.panel() {
        return Err(RealisedError::OtherPanel);
    }
    if !monthly.expenses {
        return Err(RealisedError::NoRows);
    }
    let months = u16::try_from(request.window_months).map_err(|_| RealisedError::NoWholeMonth)?;
    let (calendar, panel, starts) = (&*monthly.calendar, &monthly.panel, &monthly.starts);
    let observed = calendar.months();

    // Each enrolled unit's start month, and which of them can be estimated.
    let mut start_of: Vec<Option<i32>> = vec![None; panel.ids.len()];
    let mut end_month: Vec<Option<i32>> = vec![None; panel.ids.len()];
    let (mut targets, mut too_early, mut too_late) = (Vec::new(), 0u64, 0u64);
    for (id, (start, end)) in starts {
        let Some(unit) = panel.find(id) else {
            continue;
        };
        let month = calendar.month_of_date(*start);
        start_of[unit] = Some(month);
        end_month[unit] = end.map(|e| calendar.month_of_date(e));
        if month < i32::from(months) {
            too_early += 1;
        } else if month >= i32::from(observed) {
            too_late += 1;
        } else {
            targets.push(Target {
                unit,
                start: month as u16,
            });
        }
    }
    let matching = Matching {
        months,
        neighbours: request.neighbours.max(1),
        exact: request.match_on.clone(),
    };
    // A unit may stand in for an enrolled unit starting in `start` unless it
    // was itself enrolled before that unit's window after start ends.
    let allowed = |unit: usize, start: u16| match start_of[unit] {
        None => true,
        Some(own) => own >= i32::from(start) + i32::from(months),
    };
    let matched = |targets: &[Target]| -> Vec<(usize, u16, Vec<usize>)> {
        let matches = matching::match_targets(panel, targets, &matching, allowed);
        targets
            .iter()
            .zip(matches)
            .filter(|(_, m)| !m.is_empty())
            .map(|(t, m)| (t.unit, t.start, m))
            .collect()
    };
    let sets = matched(&targets);
    let placebo_sets = matched(&placebo::targets(&targets, months));
    Ok(Prepared {
        calendar,
        unmatched: (targets.len() - sets.len()) as u64,
        panel,
        sets,
        placebo_sets,
        end_month,
        enrolled_units: monthly.enrolled_units(),
        too_early,
        too_late,
        months,
    })
}

/// Estimates realised savings of the enrolled units against their matches
/// (see [`prepare`]).
pub fn realised(
    monthly: &MonthlyPanel,
    request: &RealisedRequest,
) -> Result<Realised, RealisedError> {
    let prepared = prepare(monthly, request)?;
    Ok(estimate_prepared(&prepared, request))
}

/// The estimate of prepared, matched units.
pub(crate) fn estimate_prepared(prepared: &Prepared, request: &RealisedRequest) -> Realised {
    let (panel, months) = (&prepared.panel, prepared.months);
    let observed = prepared.calendar.months();
    let sets = prepared.matched_sets();
    let sample = estimate::sample(panel, &sets, months, months, observed);
    let mut names = panel.areas.clone();
    names.push(TOTAL.to_string());
    let areas = estimate::estimates(&sample, &names, request.resamples, request.seed);
    let mut comparison: Vec<usize> = sets
        .iter()
        .flat_map(|s| s.matches.iter().copied())
        .collect();
    comparison.sort_unstable();
    comparison.dedup();
    Realised {
        enrolled_units: prepared.enrolled_units,
        cohort_units: sets.len() as u64,
        too_early: prepared.too_early,
        too_late: prepared.too_late,
        unmatched: prepared.unmatched,
        comparison_units: comparison.len() as u64,
        neighbours: request.neighbours.max(1),
        window_months: request.window_months,
        match_on: request.match_on.clone(),
        max_imbalance: request.max_imbalance,
        max_level_gap: request.max_level_gap,
        areas,
        balance: estimate::balance(panel, &sets, months),
        event_study: estimate::event_study(panel, &sets, EVENT_REACH, observed),
        placebo: placebo::estimate(
            panel,
            &as_sets(&prepared.placebo_sets),
            months,
            observed,
            request.resamples,
            request.seed,
        ),
    }
}

/// What can stop an estimate.
#[derive(Debug, thiserror::Error)]
pub enum RealisedError {
    /// A frame operation failed.
    #[error(transparent)]
    Polars(#[from] PolarsError),
    /// The panel could not be built.
    #[error(transparent)]
    Panel(#[from] PanelError),
    /// No `from` or `to`.
    #[error(
        "realised needs a closed analysis period: set [analysis] from and to, or --from and --to"
    )]
    OpenPeriod,
    /// The period holds no whole calendar month.
    #[error("the analysis period holds no whole calendar month")]
    NoWholeMonth,
    /// No expense source was read.
    #[error("no expense rows were read: realised needs an expenses source")]
    NoRows,
    /// The workspace gathered a panel for other units or features: a bug, not bad input.
    #[error("the workspace's panel was gathered for another unit mode or other features")]
    OtherPanel,
}

/// Each enrolled unit's first start, and the end of that enrolment (if any);
/// with the rows that name no unit of `mode`.
fn enrolment_starts(loaded: &Loaded, mode: UnitMode) -> PolarsResult<(Starts, u64)> {
    let id = match mode {
        UnitMode::Citizen => "citizen",
        UnitMode::Family => "family",
    };
    let unnamed = loaded
        .frame(Kind::Enrolments)?
        .select([col(id)])
        .collect()?
        .column(id)?
        .null_count() as u64;
    let frame = loaded
        .frame(Kind::Enrolments)?
        .filter(col(id).is_not_null())
        .sort(["start"], Default::default())
        .group_by([col(id)])
        .agg([col("start").first(), col("end").first()])
        .with_column(col(id).cast(DataType::String))
        .collect()?;
    let ids = frame.column(id)?.str()?;
    let starts = frame.column("start")?.cast(&DataType::Int32)?;
    let ends = frame.column("end")?.cast(&DataType::Int32)?;
    let mut out = BTreeMap::new();
    for ((id, day), end) in ids.iter().zip(starts.i32()?.iter()).zip(ends.i32()?.iter()) {
        if let (Some(id), Some(date)) = (id, day.and_then(from_epoch_days)) {
            out.insert(id.to_string(), (date, end.and_then(from_epoch_days)));
        }
    }
    Ok((out, unnamed))
}

#[cfg(test)]
pub(crate) mod tests;
