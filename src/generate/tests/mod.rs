//! Tests of the whole generator: determinism, the shapes a municipality has,
//! and that the planted effect is what a difference in differences recovers.

mod calibration;
mod collect;
mod enrolment;
mod files;

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use self::collect::*;
use super::citizen::ENROL_THRESHOLD;
use super::departments::SUSPENSE_ACCOUNT;
use super::*;

/// One population shared by the statistical tests (generation is cheap, but
/// there is no need to do it eight times).
fn five_thousand() -> &'static Collected {
    static POPULATION: std::sync::OnceLock<Collected> = std::sync::OnceLock::new();
    POPULATION.get_or_init(|| Collected::of(5_000, 2024))
}

fn period_end() -> NaiveDate {
    ANALYSIS_TO + chrono::Days::new(1)
}

#[test]
fn citizen_ids_are_distinct_sixteen_digit_lower_case_hex() {
    let c = five_thousand();
    assert!(
        c.names.len() >= 4_900,
        "{} citizens with rows",
        c.names.len()
    );
    for id in &c.names {
        assert_eq!(id.len(), 16, "{id}");
        assert!(
            id.chars()
                .all(|ch| ch.is_ascii_digit() || ('a'..='f').contains(&ch)),
            "{id}"
        );
    }
    let other_seed = Collected::of(50, 2025);
    assert!(other_seed.names.iter().all(|id| !c.ids.contains_key(id)));
}

#[test]
fn most_citizens_are_in_at_most_one_department_and_a_few_in_four_or_more() {
    let c = five_thousand();
    let (departments, _) = activity(c, ANALYSIS_FROM, period_end());
    let mut by_count = [0usize; 6];
    for d in &departments {
        by_count[d.count_ones() as usize] += 1;
    }
    // Citizens with only a household row have no activity at all.
    by_count[0] += 5_000 - departments.len();
    let share = |n: usize| n as f64 / 5_000.0;
    assert!(share(by_count[0] + by_count[1]) > 0.8, "{by_count:?}");
    assert!(share(by_count[0]) > 0.5, "{by_count:?}");
    let four_or_more = by_count[4] + by_count[5];
    assert!((0.003..0.03).contains(&share(four_or_more)), "{by_count:?}");
    assert!(
        by_count[5] > 0,
        "nobody in all five departments: {by_count:?}"
    );
}

#[test]
fn enrolled_units_are_high_cost_and_a_comparison_group_exists() {
    let c = five_thousand();
    assert!(c.enrolments.len() >= 10, "{} enrolled", c.enrolments.len());
    let (_, cost) = activity(c, ANALYSIS_FROM, period_end());
    let mut active: Vec<i64> = cost.iter().copied().filter(|x| *x > 0).collect();
    active.sort();
    let median = active[active.len() / 2];
    for (citizen, start, end) in &c.enrolments {
        assert!(start.year() == 2023, "start {start}");
        assert!(end.is_none_or(|end| end > *start && end <= DATA_TO));
        let cost = cost[*citizen];
        assert!(cost as f64 >= ENROL_THRESHOLD * 100.0, "{cost}");
        assert!(cost > 5 * median, "enrolled cost {cost} vs median {median}");
    }
    let (treated, comparison) = cohort_and_comparison(c, date(2022, 7, 1), date(2023, 7, 1));
    assert_eq!(
        treated.len(),
        c.enrolments.len(),
        "one enrolment per citizen"
    );
    assert!(
        comparison.len() >= 10,
        "{} in the comparison group",
        comparison.len()
    );
    let threshold = (ENROL_THRESHOLD * 100.0) as i64;
    let expensive_not_enrolled = comparison.keys().filter(|i| cost[**i] > threshold).count();
    assert!(expensive_not_enrolled >= 10);
}

#[test]
fn planted_effect_is_recovered_by_difference_in_differences_not_by_before_after() {
    let c = Collected::of(50_000, 42);
    // Comparison: hotspots of the 12 months before the cohort's median start.
    let r = Realised::compute(&c, date(2022, 7, 1), date(2023, 7, 1));
    assert!(
        r.treated > 150 && r.comparison > 150,
        "{} / {}",
        r.treated,
        r.comparison
    );
    let planted = r.combined(&[KONTANTE, BOERN]);
    let did = planted.did(0);
    let naive = planted.naive(0);
    assert!(
        (did - PLANTED_EFFECT).abs() < 0.05,
        "difference in differences {did:.3}"
    );
    assert!(naive > did + 0.04, "naive {naive:.3} vs did {did:.3}");
    // Areas without the effect show none.
    assert!(r.did(OTHER).abs() < 0.06, "other areas {:.3}", r.did(OTHER));
}

#[test]
fn households_have_one_to_six_members_and_some_children_move() {
    let c = five_thousand();
    let mut members: HashMap<&str, HashSet<usize>> = HashMap::new();
    type Interval = (Option<NaiveDate>, Option<NaiveDate>);
    let mut rows: HashMap<usize, Vec<Interval>> = HashMap::new();
    for (citizen, family, from, to) in &c.households {
        assert!(family.len() == 8 && family.starts_with('F'), "{family}");
        members.entry(family).or_default().insert(*citizen);
        rows.entry(*citizen).or_default().push((*from, *to));
    }
    let sizes: Vec<usize> = members.values().map(HashSet::len).collect();
    assert!(sizes.iter().all(|s| (1..=6).contains(s)));
    assert!(sizes.iter().any(|s| *s >= 5));
    let movers: Vec<&Vec<Interval>> = rows.values().filter(|r| r.len() == 2).collect();
    assert!(movers.len() >= 20, "{} movers", movers.len());
    for r in movers {
        let (closed, open) = (r[0], r[1]);
        let left = closed.1.unwrap();
        assert_eq!(open.0, Some(left + chrono::Days::new(1)));
        assert_eq!(open.1, None);
    }
    let unregistered = c.names.len() - rows.len();
    assert!(unregistered > 0, "some citizens have no household row");
    assert!(
        c.households.iter().any(|h| h.2.is_none()),
        "some open valid_from"
    );
}

#[test]
fn expenses_have_refunds_rows_outside_the_period_and_odd_accounts() {
    let c = five_thousand();
    let total: i64 = c.expenses.iter().map(|e| e.3).sum();
    let refunds = c.expenses.iter().filter(|e| e.3 < 0).count();
    assert!(refunds > 20, "{refunds} refunds");
    assert!(c.expenses.iter().any(|e| e.2 < ANALYSIS_FROM));
    assert!(c.expenses.iter().any(|e| e.2 > ANALYSIS_TO));
    assert!(c
        .expenses
        .iter()
        .all(|e| e.2 >= DATA_FROM && e.2 <= DATA_TO));
    let suspense: i64 = c
        .expenses
        .iter()
        .filter(|e| e.5 == SUSPENSE_ACCOUNT)
        .map(|e| e.3)
        .sum();
    let share = suspense as f64 / total as f64;
    assert!((0.002..0.01).contains(&share), "suspense share {share:.4}");
    for long in ["5.28.21.001", "53842002", "5.57.73"] {
        assert!(c.expenses.iter().any(|e| e.5 == long), "{long} missing");
    }
}

#[test]
fn caseworkers_change_and_ids_repeat_across_departments() {
    let c = five_thousand();
    let mut per_spell: HashMap<(usize, usize), HashSet<&str>> = HashMap::new();
    let mut by_department: HashMap<&str, HashSet<usize>> = HashMap::new();
    for (citizen, department, _, caseworker) in &c.contacts {
        if let Some(caseworker) = caseworker {
            per_spell
                .entry((*citizen, *department))
                .or_default()
                .insert(caseworker);
            by_department
                .entry(caseworker)
                .or_default()
                .insert(*department);
        }
    }
    let changed = per_spell.values().filter(|set| set.len() >= 2).count();
    assert!(
        changed * 10 > per_spell.len(),
        "{changed} of {} changed caseworker",
        per_spell.len()
    );
    assert!(
        by_department.values().any(|set| set.len() >= 2),
        "no id shared by two departments"
    );
    assert!(c.contacts.iter().any(|contact| contact.3.is_none()));
}

#[test]
fn ladder_steps_are_one_to_four_within_the_data_span() {
    let c = five_thousand();
    assert!(c.ladder.len() > 100);
    assert!(c
        .ladder
        .iter()
        .all(|(_, d, s)| (1..=4).contains(s) && *d >= DATA_FROM && *d <= DATA_TO));
    let steps: HashSet<i32> = c.ladder.iter().map(|l| l.2).collect();
    assert_eq!(steps.len(), 4);
}

#[test]
fn the_same_seed_gives_the_same_rows() {
    let a = Collected::of(300, 7);
    let b = Collected::of(300, 7);
    assert_eq!(a.names, b.names);
    assert_eq!(a.expenses, b.expenses);
    assert_eq!(a.contacts, b.contacts);
    assert_eq!(a.households, b.households);
    let other = Collected::of(300, 8);
    assert_ne!(a.expenses, other.expenses);
}
