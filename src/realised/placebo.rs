//! The placebo test: the same matching and the same difference in
//! differences, as if each enrolled unit had started [`MONTHS`] months
//! before it really did. Nothing was done to anyone in those months, so a
//! comparison group that tells what the enrolled would have done finds no
//! "saving" there. One that finds one (its interval leaves out zero) was on
//! another path already before the start: its figures after the start are
//! not a saving either, however alike the groups looked on each feature.
//!
//! On `generate`'s municipalities, with the cohort chosen among the costliest
//! of the year before or of the last three months, matches alike on every
//! feature still fell away after start in one budget area while the enrolled
//! would not have; this test is what called those estimates not comparable.

use super::estimate::{self, MatchedSet};
use super::matching::Target;
use super::panel::Panel;
use super::AreaEstimate;

/// Months between the placebo start and the real one.
pub const MONTHS: u16 = 6;

/// Fewest enrolled units with a placebo start for the test to be made: fewer
/// give an interval too wide to tell anything.
pub const MIN_UNITS: usize = 20;

/// The placebo estimate of the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Placebo {
    /// Enrolled units with a whole window before their placebo start.
    pub units: u64,
    /// The placebo difference in differences per enrolled unit-month in the
    /// [`MONTHS`] months before the real start, with its interval.
    pub total: AreaEstimate,
}

impl Placebo {
    /// Whether the interval holds zero: no saving before anything was done.
    pub fn parallel(&self) -> bool {
        let (low, high) = self.total.did_interval;
        low <= 0.0 && 0.0 <= high
    }
}

/// The placebo start of each target whose window before it is observed.
pub(crate) fn targets(targets: &[Target], window: u16) -> Vec<Target> {
    targets
        .iter()
        .filter(|t| t.start >= window + MONTHS)
        .map(|t| Target {
            unit: t.unit,
            start: t.start - MONTHS,
        })
        .collect()
}

/// The placebo estimate over matched placebo sets, or `None` with fewer than
/// [`MIN_UNITS`] of them.
pub(crate) fn estimate(
    panel: &Panel,
    sets: &[MatchedSet<'_>],
    window: u16,
    observed: u16,
    resamples: usize,
    seed: u64,
) -> Option<Placebo> {
    if sets.len() < MIN_UNITS {
        return None;
    }
    let sample = estimate::sample(panel, sets, window, MONTHS, observed);
    let mut names = panel.areas.clone();
    names.push(super::TOTAL.to_string());
    let total = estimate::estimates(&sample, &names, resamples, seed).pop()?;
    Some(Placebo {
        units: sets.len() as u64,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realised::Windows;

    fn total(interval: (f64, f64)) -> Placebo {
        let windows = Windows {
            before: 0.0,
            after: 0.0,
        };
        Placebo {
            units: 40,
            total: AreaEstimate {
                area: crate::realised::TOTAL.to_string(),
                cohort_with_cost: 40,
                comparison_with_cost: 120,
                cohort: windows,
                comparison: windows,
                did: (interval.0 + interval.1) / 2.0,
                did_interval: interval,
                relative: 0.0,
                relative_interval: (0.0, 0.0),
            },
        }
    }

    #[test]
    fn paths_are_parallel_only_where_the_interval_holds_zero() {
        assert!(total((-10.0, 10.0)).parallel());
        assert!(total((0.0, 10.0)).parallel());
        assert!(total((-10.0, 0.0)).parallel());
        assert!(!total((1.0, 10.0)).parallel());
        assert!(!total((-10.0, -0.5)).parallel());
    }

    /// A 12-month window: a start in month 18 has a placebo start in month
    /// 12, whose window is observed; one in month 17 has none.
    #[test]
    fn only_units_with_a_whole_window_before_the_placebo_start_get_one() {
        let targets = [
            Target { unit: 0, start: 17 },
            Target { unit: 1, start: 18 },
            Target { unit: 2, start: 30 },
        ];
        let placebo: Vec<(usize, u16)> = super::targets(&targets, 12)
            .iter()
            .map(|t| (t.unit, t.start))
            .collect();
        assert_eq!(placebo, [(1, 12), (2, 24)]);
    }
}
