//! A report on the generated population's shape and on what a difference in
//! differences recovers, for tuning the model's constants (not run by default:
//! `CITIZENS=200000 SEED=1 cargo test --lib calibration_report -- --ignored --nocapture`).

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use super::collect::*;
use crate::generate::*;

#[test]
#[ignore = "calibration report; run with --ignored --nocapture"]
fn calibration_report() {
    let citizens = std::env::var("CITIZENS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(42);
    let c = Collected::of(citizens, seed);
    let (departments, cost) = activity(&c, ANALYSIS_FROM, ANALYSIS_TO + chrono::Days::new(1));
    let mut by_count = [0usize; 6];
    for d in &departments {
        by_count[d.count_ones() as usize] += 1;
    }
    let n = citizens as f64;
    println!(
        "citizens {citizens}, departments 0..5: {:?}",
        by_count.map(|x| format!("{:.2}%", 100.0 * x as f64 / n))
    );
    let total: i64 = cost.iter().sum();
    let mut sorted: Vec<i64> = cost.iter().copied().filter(|x| *x != 0).collect();
    sorted.sort_by(|a, b| b.cmp(a));
    for p in [1, 5, 10, 20] {
        let k = (sorted.len() * p).div_ceil(100);
        let share = sorted[..k].iter().sum::<i64>() as f64 / total as f64;
        println!(
            "top {p}% of active units hold {:.1}% of cost",
            100.0 * share
        );
    }
    println!(
        "active {}, total cost {:.0} mio kr",
        sorted.len(),
        total as f64 / 1e8
    );
    let mut by_area = [0i64; 3];
    for e in &c.expenses {
        if in_period(e.2) {
            by_area[e.4] += e.3;
        }
    }
    println!(
        "cost by area class (557, 528, other) {:?}",
        by_area.map(|x| x / 100_000_000)
    );
    for (from, to) in [
        (date(2022, 1, 1), date(2023, 1, 1)),
        (date(2022, 7, 1), date(2023, 7, 1)),
    ] {
        let (departments, cost) = activity(&c, from, to);
        let mut active: Vec<i64> = (0..c.names.len())
            .filter(|&i| departments[i] != 0)
            .map(|i| cost[i])
            .collect();
        active.sort_by(|a, b| b.cmp(a));
        let k = (active.len() * 5).div_ceil(100);
        println!(
            "12 months from {from}: active {}, top-5% cut-off {} kr",
            active.len(),
            active[k - 1] / 100
        );
    }
    let enrolled_cost: Vec<i64> = c.enrolments.iter().map(|(i, _, _)| cost[*i]).collect();
    println!("enrolled {}, median period cost {}", c.enrolments.len(), {
        let mut v = enrolled_cost.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or(0) / 100
    });
    for (label, from, to) in [
        ("period", ANALYSIS_FROM, ANALYSIS_TO + chrono::Days::new(1)),
        ("before median", date(2022, 7, 1), date(2023, 7, 1)),
    ] {
        let r = Realised::compute(&c, from, to);
        println!(
            "comparison selected over {label}: treated {} comparison {}",
            r.treated, r.comparison
        );
        if label == "before median" {
            diagnose(&c, from, to);
        }
        let planted = r.combined(&[KONTANTE, BOERN]);
        println!(
            "  planted areas: naive {:.3} did {:.3} did/before {:.3}",
            planted.naive(0),
            planted.did(0),
            planted.did_of_before(0)
        );
        for (area, name) in [(KONTANTE, "557"), (BOERN, "528"), (OTHER, "other")] {
            let (tb, ta, kb, ka) = r.means[area];
            println!(
                "  {name}: treated {tb:.0} -> {ta:.0}, comparison {kb:.0} -> {ka:.0}; naive {:.3} did {:.3} did/before {:.3}",
                r.naive(area),
                r.did(area),
                r.did_of_before(area)
            );
        }
    }
}

/// Where the noise of the difference in differences comes from.
fn diagnose(c: &Collected, from: NaiveDate, to: NaiveDate) {
    let (treated, comparison) = cohort_and_comparison(c, from, to);
    for (name, group) in [("treated", &treated), ("comparison", &comparison)] {
        let mut change: HashMap<usize, (f64, f64)> = HashMap::new();
        for (citizen, _, date, amount, class, _) in &c.expenses {
            if *class == OTHER {
                continue;
            }
            let Some(start) = group.get(citizen) else {
                continue;
            };
            let e = change.entry(*citizen).or_default();
            if *date >= *start - Months::new(12) && *date < *start {
                e.0 += *amount as f64 / 1200.0;
            } else if *date >= *start && *date < *start + Months::new(12) {
                e.1 += *amount as f64 / 1200.0;
            }
        }
        let n = group.len() as f64;
        let before: f64 = change.values().map(|v| v.0).sum::<f64>() / n;
        let diffs: Vec<f64> = group
            .keys()
            .map(|i| change.get(i).map_or(0.0, |v| v.1 - v.0))
            .collect();
        let mean = diffs.iter().sum::<f64>() / n;
        let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n).sqrt();
        let mut sorted = diffs.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "  {name}: n {n}, before {before:.0}/month, mean change {mean:.0}, sd {sd:.0}, se/before {:.3}, p5 {:.0} p50 {:.0} p95 {:.0}",
            sd / n.sqrt() / before,
            sorted[(n * 0.05) as usize],
            sorted[(n * 0.5) as usize],
            sorted[(n * 0.95) as usize]
        );
    }
}
