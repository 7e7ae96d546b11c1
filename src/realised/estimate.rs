//! The estimate over matched sets: each enrolled unit's cost per month
//! before and after its start, beside the mean of its matches' over the same
//! months; the difference in differences per budget area with a bootstrap
//! over enrolled units (each taking its matched set with it); the balance of
//! the matching features; and the event study, month by month around start.

use super::matching::features;
use super::panel::{Cell, Panel};
use super::{AreaEstimate, Balance, EventMonth, Windows};
use rand::{Rng, SeedableRng};

/// One enrolled unit with its matches and its start month.
pub(crate) struct MatchedSet<'a> {
    pub(crate) unit: usize,
    pub(crate) start: u16,
    pub(crate) matches: &'a [usize],
}

/// Per area (the last is the total), per enrolled unit: cohort before,
/// cohort after, comparison before, comparison after, as kroner per month.
pub(crate) struct Sample {
    pub(crate) values: Vec<Vec<[f64; 4]>>,
    /// Per area: enrolled units with cost there in either window.
    pub(crate) cohort_with_cost: Vec<u64>,
    /// Per area: distinct comparison units with cost there in either window.
    pub(crate) comparison_with_cost: Vec<u64>,
}

/// Cost in øre per area (the last is the total) in months `[from, to)`, and
/// whether each area had any row.
fn sums(panel: &Panel, unit: usize, from: u16, to: u16) -> (Vec<i128>, Vec<bool>) {
    let areas = panel.areas.len();
    // i128: no sum of cells can wrap, whatever the input.
    let mut ore = vec![0i128; areas + 1];
    let mut any = vec![false; areas + 1];
    for cell in panel.window(unit, from, to) {
        if cell.area == Cell::NO_AREA {
            continue;
        }
        let a = usize::from(cell.area);
        ore[a] += i128::from(cell.ore);
        ore[areas] += i128::from(cell.ore);
        any[a] |= cell.ore != 0;
        any[areas] |= cell.ore != 0;
    }
    (ore, any)
}

/// The windows of every matched set: `months` before the start, and up to
/// `after` months from it on within the `observed` months.
pub(crate) fn sample(
    panel: &Panel,
    sets: &[MatchedSet<'_>],
    months: u16,
    after: u16,
    observed: u16,
) -> Sample {
    let areas = panel.areas.len() + 1;
    let mut values = vec![Vec::with_capacity(sets.len()); areas];
    let mut cohort_with_cost = vec![0u64; areas];
    let mut seen: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); areas];
    for set in sets {
        let from = set.start - months;
        let to = set.start.saturating_add(after).min(observed);
        let after_months = f64::from(to - set.start);
        let per_month = |ore: i128, n: f64| ore as f64 / 100.0 / n;
        let windows = |unit: usize| {
            let (before, any_before) = sums(panel, unit, from, set.start);
            let (after, any_after) = sums(panel, unit, set.start, to);
            (before, after, any_before, any_after)
        };
        let (cb, ca, b_any, a_any) = windows(set.unit);
        let mut kb = vec![0.0; areas];
        let mut ka = vec![0.0; areas];
        for &m in set.matches {
            let (b, a, b_any, a_any) = windows(m);
            for area in 0..areas {
                kb[area] += per_month(b[area], f64::from(months));
                ka[area] += per_month(a[area], after_months);
                if b_any[area] || a_any[area] {
                    seen[area].insert(m);
                }
            }
        }
        let k = set.matches.len().max(1) as f64;
        for area in 0..areas {
            values[area].push([
                per_month(cb[area], f64::from(months)),
                per_month(ca[area], after_months),
                kb[area] / k,
                ka[area] / k,
            ]);
            if b_any[area] || a_any[area] {
                cohort_with_cost[area] += 1;
            }
        }
    }
    Sample {
        values,
        cohort_with_cost,
        comparison_with_cost: seen.iter().map(|s| s.len() as u64).collect(),
    }
}

fn means(values: &[[f64; 4]], pick: impl Iterator<Item = usize>) -> [f64; 4] {
    let mut sum = [0.0; 4];
    let mut n = 0usize;
    for i in pick {
        for (s, v) in sum.iter_mut().zip(&values[i]) {
            *s += v;
        }
        n += 1;
    }
    sum.map(|s| s / n.max(1) as f64)
}

/// Difference in differences and the saving's share of the counterfactual.
fn did(m: [f64; 4]) -> (f64, f64) {
    let did = (m[1] - m[0]) - (m[3] - m[2]);
    let counterfactual = m[1] - did;
    let relative = if counterfactual != 0.0 {
        -did / counterfactual
    } else {
        f64::NAN
    };
    (did, relative)
}

/// The estimate per area, with one set of bootstrap draws of enrolled units
/// shared by every area.
pub(crate) fn estimates(
    sample: &Sample,
    names: &[String],
    resamples: usize,
    seed: u64,
) -> Vec<AreaEstimate> {
    let n = sample.values.first().map_or(0, Vec::len);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut draws: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(resamples); names.len()];
    if n > 0 {
        let mut pick = vec![0usize; n];
        for _ in 0..resamples {
            for p in pick.iter_mut() {
                *p = rng.random_range(0..n);
            }
            for (area, values) in sample.values.iter().enumerate() {
                draws[area].push(did(means(values, pick.iter().copied())));
            }
        }
    }
    names
        .iter()
        .enumerate()
        .map(|(area, name)| {
            let m = means(&sample.values[area], 0..n);
            let (point, relative) = did(m);
            AreaEstimate {
                area: name.clone(),
                cohort_with_cost: sample.cohort_with_cost[area],
                comparison_with_cost: sample.comparison_with_cost[area],
                cohort: Windows {
                    before: m[0],
                    after: m[1],
                },
                comparison: Windows {
                    before: m[2],
                    after: m[3],
                },
                did: point,
                did_interval: interval(draws[area].iter().map(|d| d.0).collect()),
                relative,
                relative_interval: interval(draws[area].iter().map(|d| d.1).collect()),
            }
        })
        .collect()
}

/// The 2.5 % and 97.5 % percentiles (nearest rank); NaN when there are no draws.
pub(crate) fn interval(mut draws: Vec<f64>) -> (f64, f64) {
    draws.retain(|d| d.is_finite());
    if draws.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    draws.sort_by(f64::total_cmp);
    let at = |q: f64| draws[((q * draws.len() as f64).ceil() as usize).clamp(1, draws.len()) - 1];
    (at(0.025), at(0.975))
}

/// The standardised mean difference of every matching feature, of the cost
/// over the whole window and the last three months before start (in kroner:
/// what a reader compares), and of each area's cost before start (which
/// judges that area's estimate only). Matches weigh `1 / k` each.
pub(crate) fn balance(panel: &Panel, sets: &[MatchedSet<'_>], months: u16) -> Vec<Balance> {
    let mut names: Vec<String> = (1..=months)
        .rev()
        .map(|m| format!("log cost in month -{m}"))
        .collect();
    names.extend(panel.areas.iter().map(|a| format!("share of cost in {a}")));
    let recent = months.min(super::matching::RECENT);
    names.push(format!("log cost in the {months} months before start"));
    names.push(format!("log cost in the {recent} months before start"));
    names.push(format!("cost in the {months} months before start"));
    names.push(format!("cost in the {recent} months before start"));
    let overall = names.len();
    names.extend(
        panel
            .areas
            .iter()
            .map(|a| format!("cost in {a} in the {months} months before start")),
    );
    let dims = names.len();
    // Sums of weight, x and x² per feature, for the cohort and the matches.
    let mut cohort = vec![(0.0, 0.0, 0.0); dims];
    let mut matched = vec![(0.0, 0.0, 0.0); dims];
    let mut raw = Vec::with_capacity(dims);
    let mut add = |into: &mut Vec<(f64, f64, f64)>, unit: usize, start: u16, weight: f64| {
        features(panel, unit, start, months, &mut raw);
        let (window, _) = sums(panel, unit, start - months, start);
        let (last, _) = sums(panel, unit, start - recent, start);
        let total = panel.areas.len();
        raw.push(window[total] as f64 / 100.0);
        raw.push(last[total] as f64 / 100.0);
        raw.extend(window[..total].iter().map(|&ore| ore as f64 / 100.0));
        for (s, x) in into.iter_mut().zip(&raw) {
            s.0 += weight;
            s.1 += weight * x;
            s.2 += weight * x * x;
        }
    };
    for set in sets {
        add(&mut cohort, set.unit, set.start, 1.0);
        let weight = 1.0 / set.matches.len().max(1) as f64;
        for &m in set.matches {
            add(&mut matched, m, set.start, weight);
        }
    }
    let moments = |(w, s, ss): (f64, f64, f64)| {
        if w <= 0.0 {
            return (0.0, 0.0);
        }
        let mean = s / w;
        (mean, (ss / w - mean * mean).max(0.0))
    };
    names
        .into_iter()
        .enumerate()
        .map(|(i, feature)| {
            let (c, vc) = moments(cohort[i]);
            let (k, vk) = moments(matched[i]);
            let spread = ((vc + vk) / 2.0).sqrt();
            let smd = if spread > 1e-12 {
                (c - k) / spread
            } else if (c - k).abs() < 1e-12 {
                0.0
            } else {
                f64::INFINITY.copysign(c - k)
            };
            // Kroner levels: the window, its last months, each area.
            let level = i + 2 >= overall;
            Balance {
                feature,
                gap: (level && c > 0.0).then(|| (c - k) / c),
                area: (i >= overall).then(|| i - overall),
                share_of: (i >= usize::from(months) && i < usize::from(months) + panel.areas.len())
                    .then(|| i - usize::from(months)),
                cohort: c,
                comparison: k,
                smd,
            }
        })
        .collect()
}

/// Mean cost per unit-month of the cohort and of its matches, for each month
/// from `-reach` to `+reach` around start, over the enrolled units whose
/// month is observed.
pub(crate) fn event_study(
    panel: &Panel,
    sets: &[MatchedSet<'_>],
    reach: i32,
    observed: u16,
) -> Vec<EventMonth> {
    let total = |unit: usize, month: u16| -> i64 {
        panel
            .window(unit, month, month + 1)
            .iter()
            .filter(|c| c.area != Cell::NO_AREA)
            .map(|c| c.ore)
            .sum()
    };
    (-reach..=reach)
        .map(|relative| {
            let (mut n, mut cohort, mut comparison) = (0u64, 0.0, 0.0);
            for set in sets {
                let month = i32::from(set.start) + relative;
                let Ok(month) = u16::try_from(month) else {
                    continue;
                };
                if month >= observed {
                    continue;
                }
                n += 1;
                cohort += total(set.unit, month) as f64 / 100.0;
                let k = set.matches.len().max(1) as f64;
                comparison += set
                    .matches
                    .iter()
                    .map(|&m| total(m, month) as f64 / 100.0)
                    .sum::<f64>()
                    / k;
            }
            let per = |x: f64| if n > 0 { x / n as f64 } else { f64::NAN };
            EventMonth {
                month: relative,
                units: n,
                cohort: per(cohort),
                comparison: per(comparison),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_removes_the_comparison_groups_change() {
        let (d, r) = did([100.0, 60.0, 100.0, 80.0]);
        assert_eq!(d, -20.0, "the cohort fell 40, the comparison 20");
        assert_eq!(r, 0.25, "20 saved of a counterfactual 80");
    }

    #[test]
    fn nearest_rank_percentiles() {
        let draws: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(interval(draws), (5.0, 195.0));
        assert!(interval(vec![]).0.is_nan());
    }
}
