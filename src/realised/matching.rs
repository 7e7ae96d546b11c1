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
use crate::beside::each;
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

/// The candidates of one start month, sorted by stratum, then by the sum of
/// their scaled features, then by unit, each field in its own array in that
/// order, so that a search walks memory in sequence.
struct Index {
    strata: Vec<u32>,
    sums: Vec<f64>,
    units: Vec<usize>,
    /// `dims` scaled features per candidate.
    values: Vec<f64>,
    dims: usize,
}

impl Index {
    /// Sorts the candidates, moving each one's features in place.
    fn sorted(
        strata: Vec<u32>,
        sums: Vec<f64>,
        units: Vec<usize>,
        mut values: Vec<f64>,
        dims: usize,
    ) -> Index {
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| {
            strata[a]
                .cmp(&strata[b])
                .then(sums[a].total_cmp(&sums[b]))
                .then(units[a].cmp(&units[b]))
        });
        // Position i takes row order[i]: follow each cycle of the permutation.
        let mut done = vec![false; order.len()];
        let mut held = vec![0.0; dims];
        for i in 0..order.len() {
            if done[i] || order[i] == i {
                continue;
            }
            held.copy_from_slice(&values[i * dims..(i + 1) * dims]);
            let mut j = i;
            loop {
                done[j] = true;
                let from = order[j];
                if from == i {
                    values[j * dims..(j + 1) * dims].copy_from_slice(&held);
                    break;
                }
                values.copy_within(from * dims..(from + 1) * dims, j * dims);
                j = from;
            }
        }
        Index {
            strata: order.iter().map(|&c| strata[c]).collect(),
            sums: order.iter().map(|&c| sums[c]).collect(),
            units: order.iter().map(|&c| units[c]).collect(),
            values,
            dims,
        }
    }

    fn row(&self, at: usize) -> &[f64] {
        &self.values[at * self.dims..(at + 1) * self.dims]
    }
}

/// For each target, its neighbours (unit indices, nearest first). `allowed`
/// says whether a unit may serve as a comparison for a start month. Targets
/// with no candidate at all get none. The features of the population and the
/// searches are split over the machine's cores; the result does not depend
/// on how.
pub(crate) fn match_targets(
    panel: &Panel,
    targets: &[Target],
    matching: &Matching,
    allowed: impl Fn(usize, u16) -> bool + Sync,
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
    for (&start, members) in &by_start {
        // The index of this start month: every allowed unit's scaled features.
        let parts = in_parallel(panel.ids.len(), |units| {
            let (mut strata, mut sums, mut kept, mut values) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let mut raw = Vec::with_capacity(dims);
            for unit in units {
                if !allowed(unit, start) {
                    continue;
                }
                features(panel, unit, start, months, &mut raw);
                let at = values.len();
                values.extend(raw.iter().zip(&scale).map(|(x, s)| x / s));
                strata.push(stratum(panel, unit, start, months, &matching.exact));
                sums.push(values[at..].iter().sum::<f64>());
                kept.push(unit);
            }
            (strata, sums, kept, values)
        });
        let (mut strata, mut sums, mut units, mut values) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for part in parts {
            strata.extend(part.0);
            sums.extend(part.1);
            units.extend(part.2);
            values.extend(part.3);
        }
        let index = Index::sorted(strata, sums, units, values, dims);
        let found = in_parallel(members.len(), |positions| {
            let mut raw = Vec::with_capacity(dims);
            positions
                .map(|p| {
                    let target = targets[members[p]];
                    features(panel, target.unit, start, months, &mut raw);
                    let x: Vec<f64> = raw.iter().zip(&scale).map(|(x, s)| x / s).collect();
                    let sum: f64 = x.iter().sum();
                    let key = stratum(panel, target.unit, start, months, &matching.exact);
                    let lo = index.strata.partition_point(|&s| s < key);
                    let hi = index.strata.partition_point(|&s| s <= key);
                    let at = index.sums[lo..hi].partition_point(|&s| s < sum);
                    nearest(
                        &index.sums[lo..hi],
                        at,
                        |c, limit| distance_within(&x, index.row(lo + c), limit),
                        |c| index.units[lo + c],
                        sum,
                        matching.neighbours,
                        (dims as f64).sqrt(),
                    )
                })
                .collect::<Vec<_>>()
        });
        for (&i, neighbours) in members.iter().zip(found.into_iter().flatten()) {
            out[i] = neighbours;
        }
    }
    out
}

/// `work` on as many contiguous parts of `0..n` as the machine has cores, at
/// once; the results in the order of the parts. A panic in a part is raised
/// again here.
fn in_parallel<T: Send>(n: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .clamp(1, n.max(1));
    let size = n.div_ceil(parts);
    if parts == 1 {
        return vec![work(0..n)];
    }
    let part = |p: usize| work((p * size).min(n)..((p + 1) * size).min(n));
    let (parts, ()) = each((0..parts).collect(), part, || ());
    parts
        .into_iter()
        .map(|part| part.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        .collect()
}

/// The `k` nearest of the candidates whose feature sums are `sums` (sorted),
/// searching outwards from position `at` until the bound `|sum − target| /
/// root` exceeds the k-th best distance. `distance_to(c, limit)` may give up
/// (`None`) once candidate `c` is surely further than `limit`. Ties by unit
/// index (the units are in id order).
fn nearest(
    sums: &[f64],
    at: usize,
    distance_to: impl Fn(usize, f64) -> Option<f64>,
    unit_of: impl Fn(usize) -> usize,
    target: f64,
    k: usize,
    root: f64,
) -> Vec<usize> {
    // A max-heap of the best so far: the worst on top.
    let mut best: BinaryHeap<(Ordered, usize)> = BinaryHeap::new();
    let (mut left, mut right) = (at, at);
    loop {
        let gap_left = (left > 0).then(|| target - sums[left - 1]);
        let gap_right = (right < sums.len()).then(|| sums[right] - target);
        let take_left = match (gap_left, gap_right) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => l <= r,
        };
        let (candidate, gap) = if take_left {
            left -= 1;
            (left, gap_left.unwrap_or(0.0))
        } else {
            right += 1;
            (right - 1, gap_right.unwrap_or(0.0))
        };
        let worst = (best.len() == k)
            .then(|| best.peek().map(|(w, _)| w.0))
            .flatten();
        if worst.is_some_and(|w| gap / root > w) {
            break;
        }
        let Some(d) = distance_to(candidate, worst.unwrap_or(f64::INFINITY)) else {
            continue;
        };
        let entry = (Ordered(d), unit_of(candidate));
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

/// The Euclidean distance of `a` and `b`, or `None` as soon as the partial
/// sum shows it exceeds `limit` (with a margin, so that a distance equal to
/// `limit` is still measured and ties are broken as ever, by unit).
fn distance_within(a: &[f64], b: &[f64], limit: f64) -> Option<f64> {
    let stop = limit * limit * (1.0 + 1e-9);
    let mut sum = 0.0;
    for (x, y) in a.iter().zip(b) {
        sum += (x - y) * (x - y);
        if sum > stop {
            return None;
        }
    }
    Some(sum.sqrt())
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
        // True distance: 3 is nearest, then 7 (its sum is far, but it is
        // close in other features), then 4.
        let distance = |c: usize| match c {
            3 => 0.5,
            7 => 3.0,
            4 => 3.1,
            _ => 10.0 + c as f64,
        };
        let found = nearest(&sums, 5, |c, _| Some(distance(c)), |c| c, 4.2, 3, 1.0);
        assert_eq!(found, vec![3, 7, 4]);
        let found = nearest(&sums, 5, |_, _| Some(1.0), |c| c, 4.2, 2, 1.0);
        // 4 and 5 tie; 3 is never looked at, as its sum alone puts it further.
        assert_eq!(found, vec![4, 5]);
        assert!(nearest(&[], 0, |c, _| Some(distance(c)), |c| c, 4.2, 3, 1.0).is_empty());
    }

    /// Five candidates of two features each, out of order: every array and
    /// every feature row moves to the same sorted position.
    #[test]
    fn the_index_sorts_by_stratum_sum_and_unit_and_moves_each_row_with_its_candidate() {
        let strata = vec![1, 0, 1, 0, 0];
        let sums = vec![0.5, 3.0, -1.0, 3.0, 2.0];
        let units = vec![10, 12, 14, 11, 13];
        let values: Vec<f64> = units
            .iter()
            .flat_map(|&u| [u as f64, -(u as f64)])
            .collect();
        let index = Index::sorted(strata, sums, units, values, 2);
        assert_eq!(index.strata, vec![0, 0, 0, 1, 1]);
        assert_eq!(index.sums, vec![2.0, 3.0, 3.0, -1.0, 0.5]);
        assert_eq!(index.units, vec![13, 11, 12, 14, 10]);
        for (at, &unit) in index.units.iter().enumerate() {
            assert_eq!(index.row(at), &[unit as f64, -(unit as f64)]);
        }
    }

    /// Every position once, in order, however many cores.
    #[test]
    fn parts_cover_every_position_in_order() {
        for n in [0, 1, 2, 3, 7, 100] {
            let parts = in_parallel(n, |range| range.collect::<Vec<_>>());
            assert_eq!(parts.concat(), (0..n).collect::<Vec<_>>());
        }
    }

    /// (0, 0) to (3, 4) is 5: measured up to a limit of 5, given up below.
    #[test]
    fn distance_gives_up_only_beyond_its_limit() {
        assert_eq!(
            distance_within(&[0.0, 0.0], &[3.0, 4.0], f64::INFINITY),
            Some(5.0)
        );
        assert_eq!(distance_within(&[0.0, 0.0], &[3.0, 4.0], 5.0), Some(5.0));
        assert_eq!(distance_within(&[0.0, 0.0], &[3.0, 4.0], 4.99), None);
        assert_eq!(distance_within(&[0.0, 0.0], &[3.0, 4.0], 2.9), None);
    }

    #[test]
    fn log_cost_ignores_net_refunds() {
        assert_eq!(log_kroner(-500.0), 0.0);
        assert_eq!(log_kroner(0.0), 0.0);
        assert!((log_kroner(99_900.0) - 1000f64.ln()).abs() < 1e-12);
    }
}
