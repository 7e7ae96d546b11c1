//! The concentration curve of the overview: the share of cost of the top
//! 1, 2, …, 100 % of units, for a Lorenz-style chart, suppressed so that no
//! difference of two published points (with the `top_share` groups beside
//! them) describes fewer than `min_cell` units.

use super::TopShare;
use crate::hotspots::Percent;
use crate::suppress::{self, Status};

/// The share of cost of the top 1 … 100 % of units (`ranked` is every
/// unit's cost, largest first). The groups of `anchors` (the published
/// `top_share`) keep their statuses; a further point is shown when its
/// group differs by 0 or at least `min_cell` units from the shown group
/// below it and the shown anchor above it, and leaves 0 or at least
/// `min_cell` units outside, so no difference of two published points
/// describes fewer than `min_cell` units. Shares are rounded as published.
pub(super) fn curve(
    ranked: &[f64],
    total: f64,
    anchors: &[TopShare],
    min_cell: u32,
) -> Vec<TopShare> {
    let n = ranked.len() as u64;
    let m = u64::from(min_cell);
    let apart = |a: u64, b: u64| {
        let gap = a.abs_diff(b);
        gap == 0 || gap >= m
    };
    let shown_anchors: Vec<u64> = anchors
        .iter()
        .filter(|a| a.status.is_shown())
        .map(|a| a.units)
        .collect();
    let mut below = 0u64;
    let (mut top, mut summed) = (0.0f64, 0usize);
    let mut points = Vec::with_capacity(100);
    for percent in 1..=100u64 {
        let k = Percent::whole(percent).of(n);
        let anchor = anchors.iter().find(|a| a.percent == percent);
        let status = match anchor {
            Some(anchor) => anchor.status,
            None => {
                let above = shown_anchors.iter().copied().find(|&a| a >= k);
                let fits =
                    k >= m && apart(below, k) && above.is_none_or(|a| apart(k, a)) && apart(k, n);
                if fits {
                    Status::Shown
                } else if k < m {
                    Status::Below
                } else {
                    Status::Complement
                }
            }
        };
        if status.is_shown() {
            below = k;
        }
        // Groups only grow with the percentile: add the units since the last.
        top += ranked[summed..k as usize].iter().sum::<f64>();
        summed = k as usize;
        let share = (total != 0.0).then(|| suppress::round_share(top / total));
        points.push(TopShare {
            percent,
            units: k,
            // A published group gives the same share in both places.
            share: match anchor {
                Some(anchor) => anchor.share,
                None => share.and_then(|s| status.show(s)),
            },
            status,
        });
    }
    points
}

#[cfg(test)]
mod tests {
    use super::super::TOP_PERCENTS;
    use super::*;

    #[test]
    fn curve_points_keep_min_cell_units_from_every_shown_neighbour() {
        // 20 units costing 20, 19, …, 1 (210 in all); the top p % is
        // ceil(p / 5) units. The top_share groups (1, 1, 2, 4 units) are all
        // below 5, so the first point shown is 5 units (p = 21…25), then
        // 10 (46…50), 15 (71…75) and all 20 (96…100).
        let ranked: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        let anchors: Vec<TopShare> = TOP_PERCENTS
            .iter()
            .zip(suppress::cumulative(&[1, 1, 2, 4], 20, 5))
            .map(|(&percent, status)| TopShare {
                percent,
                units: Percent::whole(percent).of(20),
                share: None,
                status,
            })
            .collect();
        let points = curve(&ranked, 210.0, &anchors, 5);
        let shown: Vec<u64> = points
            .iter()
            .filter(|p| p.share.is_some())
            .map(|p| p.percent)
            .collect();
        let expected: Vec<u64> = [21..=25, 46..=50, 71..=75, 96..=100]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(shown, expected);
        // Top 5: 20 + 19 + 18 + 17 + 16 = 90 of 210 = 0.4286 → 0.429.
        assert_eq!(points[20].share, Some(0.429));
        // Top 10: 155 of 210 = 0.7381 → 0.738.
        assert_eq!(points[45].share, Some(0.738));
        assert_eq!(points[99].share, Some(1.0));
        assert_eq!(points[0].status, Status::Below);
        assert_eq!(points[25].status, Status::Complement);
    }
}
