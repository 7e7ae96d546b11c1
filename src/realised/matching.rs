//! Matching: for each enrolled unit, the units never enrolled (or enrolled
//! only after its window ends) whose months before the same start looked
//! most like its own. High-cost units drift back towards the mean whatever
//! anyone does, and units chosen for a course are chosen for what their
//! recent months looked like; only units whose recent months looked the same
//! tell what the enrolled would have done without the course.
//!
//! The features of a unit at a start month are its cost in each of the
//! window's months before the start (log scale, so that a month of 10,000
//! and one of 20,000 differ as much as 100,000 and 200,000), its mix of
//! budget areas over those months, and its cost over the whole window and
//! over the last three months (log), each divided by its spread among the
//! enrolled and weighted (see [`weights`]). Neighbours are the nearest by Euclidean distance, ties by unit
//! id. Candidates are indexed per start month (and exact stratum) and sorted
//! by the sum of their features, which bounds the distance from below
//! (`|Σx − Σy| ≤ √d · ‖x − y‖`), so a search looks only near each enrolled
//! unit's own sum instead of at the whole population.

use super::panel::{Cell, Panel};
use std::collections::{BTreeMap, BinaryHeap};

/// What to match exactly besides the cost path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchOn {
    /// The number of departments in touch in the months before start (1, 2, 3, 4 or more).
    Departments,
}

/// How to match.
#[derive(Debug, Clone)]
pub(crate) struct Matching {
    /// Months before the start that are compared.
    pub(crate) months: u16,
    /// Neighbours per enrolled unit.
    pub(crate) neighbours: usize,
    /// Exact strata.
    pub(crate) exact: Vec<MatchOn>,
}

/// One enrolled unit to be matched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    /// Unit index in the panel.
    pub(crate) unit: usize,
    /// Start month (index into the observed months, at least `months`).
    pub(crate) start: u16,
}

/// The raw features of `unit` at start month `start`: the cost of each month
/// before (log of 1 + kroner, negative months as 0), each area's share of the
/// cost over those months, and the cost over the whole window and over its
/// last [`RECENT`] months (log).
pub(crate) fn features(panel: &Panel, unit: usize, start: u16, months: u16, out: &mut Vec<f64>) {
    // Sums in øre first, in place (exact in an f64 up to 2^53 øre), then
    // turned into features: no allocation per unit, as every unit is
    // measured at every start month.
    let (m, areas) = (usize::from(months), panel.areas.len());
    out.clear();
    out.resize(m + areas + 2, 0.0);
    let from = start - months;
    for cell in panel.window(unit, from, start) {
        if cell.area == Cell::NO_AREA {
            continue;
        }
        out[usize::from(cell.month - from)] += cell.ore as f64;
        out[m + usize::from(cell.area)] += cell.ore as f64;
    }
    let recent = usize::from(months.min(RECENT));
    let whole: f64 = out[..m].iter().sum();
    let last: f64 = out[m - recent..m].iter().sum();
    for x in &mut out[..m] {
        *x = log_kroner(*x);
    }
    let positive: f64 = out[m..m + areas].iter().map(|a| a.max(0.0)).sum();
    for x in &mut out[m..m + areas] {
        *x = if positive > 0.0 {
            x.max(0.0) / positive
        } else {
            0.0
        };
    }
    out[m + areas] = log_kroner(whole);
    out[m + areas + 1] = log_kroner(last);
}

/// Log of 1 + kroner of a sum in øre; refunds beyond the cost count as nothing.
fn log_kroner(ore: f64) -> f64 {
    (ore.max(0.0) / 100.0).ln_1p()
}

/// The months before start whose cost is a feature of its own: a course
/// often picks units for what their last months looked like.
pub(crate) const RECENT: u16 = 3;

/// The weight of each feature, in the order of [`features`]: the level over
/// the whole window and over the last months weigh as much as all the single
/// months together (single months are noisy where payments are not monthly;
/// the level is what a high-cost unit drifts back from).
fn weights(months: u16, areas: usize) -> Vec<f64> {
    let level = (f64::from(months) / 2.0).sqrt();
    let recent = usize::from(months.min(RECENT));
    let mut w = vec![1.0; usize::from(months) + areas];
    for x in &mut w[usize::from(months) - recent..usize::from(months)] {
        *x = 2.0;
    }
    w.extend([level, level]);
    w
}

/// The exact stratum of a unit at a start month.
fn stratum(panel: &Panel, unit: usize, start: u16, months: u16, exact: &[MatchOn]) -> u32 {
    let mut key = 0u32;
    for on in exact {
        match on {
            MatchOn::Departments => {
                let mut seen: Vec<u32> = panel
                    .window(unit, start - months, start)
                    .iter()
                    .map(|c| c.department)
                    .collect();
                seen.sort_unstable();
                seen.dedup();
                key = key * 5 + seen.len().min(4) as u32;
            }
        }
    }
    key
}

/// A candidate in the index of one start month.
struct Candidate {
    stratum: u32,
    sum: f64,
    unit: usize,
}

/// For each target, its neighbours (unit indices, nearest first). `allowed`
/// says whether a unit may serve as a comparison for a start month. Targets
/// with no candidate at all get none.
pub(crate) fn match_targets(
    panel: &Panel,
    targets: &[Target],
    matching: &Matching,
    allowed: impl Fn(usize, u16) -> bool,
) -> Vec<Vec<usize>> {
    let months = matching.months;
    let scale: Vec<f64> = spreads(panel, targets, months)
        .iter()
        .zip(weights(months, panel.areas.len()))
        .map(|(sd, w)| sd / w)
        .collect();
    let dims = scale.len();
    let mut by_start: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        by_start.entry(t.start).or_default().push(i);
    }
    let mut out = vec![Vec::new(); targets.len()];
    let mut raw = Vec::with_capacity(dims);
    for (&start, members) in &by_start {
        // The index of this start month: every allowed unit's scaled features.
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        for unit in 0..panel.ids.len() {
            if !allowed(unit, start) {
                continue;
            }
            features(panel, unit, start, months, &mut raw);
            let at = values.len();
            values.extend(raw.iter().zip(&scale).map(|(x, s)| x / s));
            candidates.push(Candidate {
                stratum: stratum(panel, unit, start, months, &matching.exact),
                sum: values[at..].iter().sum(),
                unit,
            });
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&candidates[a], &candidates[b]);
            a.stratum
                .cmp(&b.stratum)
                .then(a.sum.total_cmp(&b.sum))
                .then(a.unit.cmp(&b.unit))
        });
        let row = |c: usize| &values[c * dims..(c + 1) * dims];
        for &i in members {
            let target = targets[i];
            features(panel, target.unit, start, months, &mut raw);
            let x: Vec<f64> = raw.iter().zip(&scale).map(|(x, s)| x / s).collect();
            let sum: f64 = x.iter().sum();
            let key = stratum(panel, target.unit, start, months, &matching.exact);
            let lo = order.partition_point(|&c| candidates[c].stratum < key);
            let hi = order.partition_point(|&c| candidates[c].stratum <= key);
            let at = lo + order[lo..hi].partition_point(|&c| candidates[c].sum < sum);
            out[i] = nearest(
                &order[lo..hi],
                at - lo,
                |c| candidates[c].sum,
                |c| distance(&x, row(c)),
                |c| candidates[c].unit,
                sum,
                matching.neighbours,
                (dims as f64).sqrt(),
            );
        }
    }
    out
}

/// The `k` nearest of `order` (sorted by `sum`), searching outwards from
/// position `at` until the bound `|sum − target| / root` exceeds the k-th
/// best distance. Ties by unit index (the units are in id order).
#[allow(clippy::too_many_arguments)]
fn nearest(
    order: &[usize],
    at: usize,
    sum_of: impl Fn(usize) -> f64,
    distance_to: impl Fn(usize) -> f64,
    unit_of: impl Fn(usize) -> usize,
    target: f64,
    k: usize,
    root: f64,
) -> Vec<usize> {
    // A max-heap of the best so far: the worst on top.
    let mut best: BinaryHeap<(Ordered, usize)> = BinaryHeap::new();
    let (mut left, mut right) = (at, at);
    loop {
        let gap_left = (left > 0).then(|| target - sum_of(order[left - 1]));
        let gap_right = (right < order.len()).then(|| sum_of(order[right]) - target);
        let take_left = match (gap_left, gap_right) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => l <= r,
        };
        let (candidate, gap) = if take_left {
            left -= 1;
            (order[left], gap_left.unwrap_or(0.0))
        } else {
            right += 1;
            (order[right - 1], gap_right.unwrap_or(0.0))
        };
        if best.len() == k {
            if let Some((worst, _)) = best.peek() {
                if gap / root > worst.0 {
                    break;
                }
            }
        }
        let entry = (Ordered(distance_to(candidate)), unit_of(candidate));
        if best.len() < k {
            best.push(entry);
        } else if best.peek().is_some_and(|top| entry < *top) {
            best.pop();
            best.push(entry);
        }
    }
    let mut found = best.into_vec();
    found.sort();
    found.into_iter().map(|(_, unit)| unit).collect()
}

/// A distance that sorts (distances are never NaN: features are finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ordered(f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Each feature's standard deviation among the targets at their own starts
/// (1 where they do not vary), so that no feature weighs more for its scale.
fn spreads(panel: &Panel, targets: &[Target], months: u16) -> Vec<f64> {
    let mut raw = Vec::new();
    let mut sums: Vec<(f64, f64)> = Vec::new();
    for t in targets {
        features(panel, t.unit, t.start, months, &mut raw);
        sums.resize(raw.len(), (0.0, 0.0));
        for (s, x) in sums.iter_mut().zip(&raw) {
            s.0 += x;
            s.1 += x * x;
        }
    }
    if sums.is_empty() {
        sums.resize(usize::from(months) + panel.areas.len() + 2, (0.0, 0.0));
    }
    let n = targets.len() as f64;
    sums.iter()
        .map(|&(s, ss)| {
            let variance = if n > 1.0 {
                ((ss - s * s / n) / (n - 1.0)).max(0.0)
            } else {
                0.0
            };
            let sd = variance.sqrt();
            if sd > 1e-9 {
                sd
            } else {
                1.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums 0..10 and a target at 4.2: the bound stops the search early, and
    /// the nearest by true distance win even when their sums are further.
    #[test]
    fn nearest_searches_outwards_and_stops_at_the_bound() {
        let sums: Vec<f64> = (0..10).map(f64::from).collect();
        let order: Vec<usize> = (0..10).collect();
        // True distance: 3 is nearest, then 7 (its sum is far, but it is
        // close in other features), then 4.
        let distance = |c: usize| match c {
            3 => 0.5,
            7 => 3.0,
            4 => 3.1,
            _ => 10.0 + c as f64,
        };
        let found = nearest(&order, 5, |c| sums[c], distance, |c| c, 4.2, 3, 1.0);
        assert_eq!(found, vec![3, 7, 4]);
        let found = nearest(&order, 5, |c| sums[c], |_| 1.0, |c| c, 4.2, 2, 1.0);
        // 4 and 5 tie; 3 is never looked at, as its sum alone puts it further.
        assert_eq!(found, vec![4, 5]);
        assert!(nearest(&[], 0, |c| sums[c], distance, |c| c, 4.2, 3, 1.0).is_empty());
    }

    #[test]
    fn log_cost_ignores_net_refunds() {
        assert_eq!(log_kroner(-500.0), 0.0);
        assert_eq!(log_kroner(0.0), 0.0);
        assert!((log_kroner(99_900.0) - 1000f64.ln()).abs() < 1e-12);
    }
}
