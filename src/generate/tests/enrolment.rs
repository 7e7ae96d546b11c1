//! The three enrolment rules of [`EnrolBy`]: cohorts of about the same size
//! whose costs before the start differ in the way each rule promises.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use super::collect::*;
use crate::generate::citizen::{ENROL_THRESHOLD, RECENT_THRESHOLD};
use crate::generate::*;

/// What the tests need to know of one cohort.
struct Cohort {
    /// Per enrolled citizen: cost in øre in the 12 and in the 3 months before
    /// the start, and the number of departments in the 12 months before.
    members: Vec<(i64, i64, u32)>,
}

impl Cohort {
    fn of(c: &Collected) -> Cohort {
        let starts: HashMap<usize, NaiveDate> =
            c.enrolments.iter().map(|(i, s, _)| (*i, *s)).collect();
        let mut sums: HashMap<usize, (i64, i64, u8)> = HashMap::new();
        for (citizen, department, date, amount, _, _) in &c.expenses {
            if let Some(start) = starts.get(citizen) {
                let e = sums.entry(*citizen).or_default();
                if *date >= *start - Months::new(12) && date < start {
                    e.0 += amount;
                    e.2 |= 1 << department;
                }
                if *date >= *start - Months::new(3) && date < start {
                    e.1 += amount;
                }
            }
        }
        for (citizen, department, date, _) in &c.contacts {
            if let Some(start) = starts.get(citizen) {
                if *date >= *start - Months::new(12) && date < start {
                    sums.entry(*citizen).or_default().2 |= 1 << department;
                }
            }
        }
        let members = starts
            .keys()
            .map(|i| {
                let (year, quarter, departments) = sums.get(i).copied().unwrap_or_default();
                (year, quarter, departments.count_ones())
            })
            .collect();
        Cohort { members }
    }

    fn len(&self) -> usize {
        self.members.len()
    }

    /// Mean cost in kroner in the 12 months before the start.
    fn mean_year(&self) -> f64 {
        self.members.iter().map(|m| m.0 as f64).sum::<f64>() / self.len() as f64 / 100.0
    }

    /// Mean cost in kroner in the 3 months before the start.
    fn mean_quarter(&self) -> f64 {
        self.members.iter().map(|m| m.1 as f64).sum::<f64>() / self.len() as f64 / 100.0
    }
}

/// One municipality per rule, shared by the tests below.
fn cohorts() -> &'static [(EnrolBy, Cohort); 3] {
    static COHORTS: std::sync::OnceLock<[(EnrolBy, Cohort); 3]> = std::sync::OnceLock::new();
    COHORTS.get_or_init(|| {
        [EnrolBy::EarlierCost, EnrolBy::Random, EnrolBy::Recent].map(|rule| {
            (
                rule,
                Cohort::of(&Collected::enrolling_by(20_000, 2024, rule)),
            )
        })
    })
}

fn cohort(rule: EnrolBy) -> &'static Cohort {
    &cohorts()
        .iter()
        .find(|(r, _)| *r == rule)
        .expect("every rule")
        .1
}

#[test]
fn every_rule_enrols_a_cohort_of_about_the_same_size() {
    let earlier = cohort(EnrolBy::EarlierCost).len();
    assert!(earlier >= 60, "{earlier} enrolled by earlier cost");
    for rule in [EnrolBy::Random, EnrolBy::Recent] {
        let n = cohort(rule).len();
        assert!(
            n * 10 >= earlier * 6 && n * 10 <= earlier * 15,
            "{rule:?} enrols {n}, earlier cost {earlier}"
        );
    }
}

#[test]
fn every_rule_enrols_only_citizens_in_two_or_more_departments_before_their_start() {
    for (rule, cohort) in cohorts() {
        let single = cohort.members.iter().filter(|m| m.2 < 2).count();
        assert_eq!(
            single, 0,
            "{rule:?}: {single} in fewer than two departments"
        );
    }
}

#[test]
fn earlier_cost_cohort_reached_the_threshold_in_the_year_before_its_start() {
    let c = cohort(EnrolBy::EarlierCost);
    let below = c
        .members
        .iter()
        .filter(|m| (m.0 as f64) < ENROL_THRESHOLD * 100.0)
        .count();
    assert_eq!(below, 0, "{below} of {} below the threshold", c.len());
}

#[test]
fn random_cohort_costs_far_less_before_its_start_than_the_earlier_cost_cohort() {
    let (random, earlier) = (cohort(EnrolBy::Random), cohort(EnrolBy::EarlierCost));
    assert!(
        random.mean_year() < 0.4 * earlier.mean_year(),
        "random {:.0} kr, earlier cost {:.0} kr",
        random.mean_year(),
        earlier.mean_year()
    );
    let below = random
        .members
        .iter()
        .filter(|m| (m.0 as f64) < ENROL_THRESHOLD * 100.0)
        .count();
    assert!(
        below * 10 >= random.len() * 8,
        "only {below} of {} random members below the earlier-cost threshold",
        random.len()
    );
}

#[test]
fn recent_cohort_cost_reached_the_threshold_in_the_three_months_before_its_start() {
    let (recent, earlier) = (cohort(EnrolBy::Recent), cohort(EnrolBy::EarlierCost));
    let quarter_below = |c: &Cohort| {
        c.members
            .iter()
            .filter(|m| (m.1 as f64) < RECENT_THRESHOLD * 100.0)
            .count()
    };
    assert_eq!(
        quarter_below(recent),
        0,
        "recent members below the threshold"
    );
    // The rules choose different people: many of the costliest over a year
    // were not extreme in its last three months.
    assert!(
        quarter_below(earlier) * 8 >= earlier.len(),
        "only {} of {} earlier-cost members below the recent threshold",
        quarter_below(earlier),
        earlier.len()
    );
    assert!(
        recent.mean_quarter() > earlier.mean_quarter(),
        "recent {:.0} kr, earlier cost {:.0} kr in the 3 months before",
        recent.mean_quarter(),
        earlier.mean_quarter()
    );
}

#[test]
#[ignore = "calibration report; run with --ignored --nocapture"]
fn enrolment_report() {
    let citizens = std::env::var("CITIZENS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30_000);
    for seed in [9, 2024] {
        for rule in [EnrolBy::EarlierCost, EnrolBy::Random, EnrolBy::Recent] {
            let cohort = Cohort::of(&Collected::enrolling_by(citizens, seed, rule));
            println!(
                "seed {seed} {rule:?}: {} enrolled, mean cost before the start {:.0} kr (12 months), {:.0} kr (3 months)",
                cohort.len(),
                cohort.mean_year(),
                cohort.mean_quarter()
            );
            let below =
                |f: fn(&(i64, i64, u32)) -> bool| cohort.members.iter().filter(|m| f(m)).count();
            println!(
                "  12-month cost below {ENROL_THRESHOLD}: {}, 3-month cost below {RECENT_THRESHOLD}: {}",
                below(|m| (m.0 as f64) < ENROL_THRESHOLD * 100.0),
                below(|m| (m.1 as f64) < RECENT_THRESHOLD * 100.0)
            );
        }
    }
}
