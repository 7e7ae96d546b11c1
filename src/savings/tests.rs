//! The savings model and what of it may be shown, on hand-computed cohorts.

use super::*;
use chrono::NaiveDate;

/// 2022-01-01 to 2025-12-31 is 1461 days: exactly 4 years of 365.25 days.
fn period() -> Period {
    Period {
        from: NaiveDate::from_ymd_opt(2022, 1, 1),
        to: NaiveDate::from_ymd_opt(2025, 12, 31),
    }
}

/// Two units; area A costs 40,000 over the period (10,000 a year), booked
/// 30,000 by X and 10,000 by Y; area B 20,000 (5,000 a year), all Y.
fn cohort() -> CohortCost {
    CohortCost {
        units: 2,
        areas: BTreeMap::from([
            (
                "A".into(),
                AreaCost {
                    units: 2,
                    cost: 40_000.0,
                },
            ),
            (
                "B".into(),
                AreaCost {
                    units: 1,
                    cost: 20_000.0,
                },
            ),
        ]),
        by_department: BTreeMap::from([
            (("A".into(), "X".into()), 30_000.0),
            (("A".into(), "Y".into()), 10_000.0),
            (("B".into(), "Y".into()), 20_000.0),
        ]),
        cell_units: BTreeMap::from([
            (("A".into(), "X".into()), 2),
            (("A".into(), "Y".into()), 1),
            (("B".into(), "Y".into()), 1),
        ]),
        department_units: BTreeMap::from([("X".into(), 2), ("Y".into(), 2)]),
    }
}

fn config() -> SavingsConfig {
    SavingsConfig {
        horizon_years: 3,
        discount_rate: 0.05,
        coordinator_cost: 1000.0,
        setup_cost: 2000.0,
        ramp_up: vec![],
        deadweight: 0.0,
        optimism_bias: 0.0,
        effects: BTreeMap::from([("A".into(), 0.2), ("default".into(), 0.1)]),
        scenarios: Default::default(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn plain_case_every_year_npv_roi_and_no_payback() {
    let case = model(&cohort(), &config(), period(), Scenario::Base).unwrap();
    let a = &case.areas[0];
    assert_eq!(
        (a.area.as_str(), a.units, a.baseline, a.effect),
        ("A", 2, 10_000.0, 0.2)
    );
    assert_eq!(a.years, vec![2000.0, 2000.0, 2000.0]);
    assert_eq!(
        case.areas[1].years,
        vec![500.0, 500.0, 500.0],
        "B takes the default effect"
    );
    assert_eq!(case.net_by_year, vec![-2000.0, 500.0, 500.0, 500.0]);
    let s = &case.summary;
    assert_eq!(
        (s.cohort_units, s.investment, s.gross_savings, s.net),
        (2, 8000.0, 7500.0, -500.0)
    );
    // −2000 + 500/1.05 + 500/1.05² + 500/1.05³, computed apart.
    assert!(close(s.npv, -638.3759853147608), "{}", s.npv);
    assert_eq!(s.roi, Some(-0.0625));
    assert_eq!(s.payback_year, None, "cumulative −2000, −1500, −1000, −500");
    // X booked 3/4 of A; Y 1/4 of A and all of B.
    let d: Vec<(&str, f64, f64)> = case
        .departments
        .iter()
        .map(|d| (d.department.as_str(), d.baseline, d.total))
        .collect();
    assert_eq!(d, vec![("X", 7500.0, 4500.0), ("Y", 7500.0, 3000.0)]);
}

#[test]
fn ramp_up_deadweight_and_optimism_bias() {
    let mut config = config();
    config.ramp_up = vec![0.5];
    config.deadweight = 0.1;
    config.optimism_bias = 0.2;
    let case = model(&cohort(), &config, period(), Scenario::Base).unwrap();
    // 10,000 × 0.2 × 0.9 × 0.8 = 1440 a year, half of it in year 1.
    assert!(case.areas[0]
        .years
        .iter()
        .zip([720.0, 1440.0, 1440.0])
        .all(|(a, b)| close(*a, b)));
    assert!(close(case.areas[0].discounted, 3235.7628765792033));
    let expected = [-2000.0, -1100.0, -200.0, -200.0];
    assert!(
        case.net_by_year
            .iter()
            .zip(expected)
            .all(|(a, b)| close(*a, b)),
        "{:?}",
        case.net_by_year
    );
    assert!(close(case.summary.npv, -3401.792463016953));
    assert_eq!(case.summary.payback_year, None);
}

#[test]
fn payback_in_the_first_year_it_turns_positive() {
    let mut config = config();
    config.coordinator_cost = 100.0;
    let case = model(&cohort(), &config, period(), Scenario::Base).unwrap();
    assert_eq!(case.net_by_year, vec![-2000.0, 2300.0, 2300.0, 2300.0]);
    assert_eq!(case.summary.payback_year, Some(1));
    assert!(close(case.summary.npv, 4263.4704675521));
    assert!(close(case.summary.roi.unwrap(), (7500.0 - 2600.0) / 2600.0));
}

#[test]
fn scenarios_scale_the_effects() {
    let low = model(&cohort(), &config(), period(), Scenario::Low).unwrap();
    let high = model(&cohort(), &config(), period(), Scenario::High).unwrap();
    assert_eq!(low.areas[0].effect, 0.1);
    assert!(close(high.areas[0].effect, 0.3));
    assert_eq!(low.summary.gross_savings, 3750.0);
    let mut config = config();
    config.effects.insert("A".into(), 0.8);
    let err = model(&cohort(), &config, period(), Scenario::High).unwrap_err();
    assert!(
        err.to_string()
            .contains("the effect for \"A\" in the high scenario"),
        "{err}"
    );
}

#[test]
fn open_period_has_no_yearly_baseline() {
    let open = Period {
        from: None,
        ..period()
    };
    assert_eq!(
        model(&cohort(), &config(), open, Scenario::Base),
        Err(SavingsError::OpenPeriod)
    );
}

#[test]
fn small_areas_are_hidden_with_the_next_smallest() {
    use crate::suppress::Status::{Below, Complement, Shown};
    let case = model(&cohort(), &config(), period(), Scenario::Base).unwrap();
    // B has one unit: hidden; A is then the only other area and goes too,
    // and the departments, added up over the shown areas, are empty.
    let two = shown(&case, 2);
    assert_eq!(
        (two.summary, two.areas, two.departments.len()),
        (Shown, vec![Complement, Below], 0)
    );
    let three = shown(&case, 3);
    assert_eq!((three.summary, three.areas), (Below, vec![Below, Below]));
    let one = shown(&case, 1);
    assert_eq!(one.areas, vec![Shown, Shown]);
    assert_eq!(one.departments, case.departments);
}

/// Four areas with effects 0.1, 0.2, 0.3, 0.05: B (2 units) and C (3
/// units) are below five; D (8 units, the smallest shown) joins them.
fn four_areas() -> CohortCost {
    let area = |units, cost| AreaCost { units, cost };
    let key = |a: &str, d: &str| (a.to_string(), d.to_string());
    CohortCost {
        units: 30,
        areas: BTreeMap::from([
            ("A".into(), area(20, 400_000.0)),
            ("B".into(), area(2, 40_000.0)),
            ("C".into(), area(3, 80_000.0)),
            ("D".into(), area(8, 20_000.0)),
        ]),
        by_department: BTreeMap::from([
            (key("A", "X"), 400_000.0),
            (key("B", "X"), 40_000.0),
            (key("C", "Y"), 80_000.0),
            (key("D", "Y"), 20_000.0),
        ]),
        cell_units: BTreeMap::from([
            (key("A", "X"), 20),
            (key("B", "X"), 2),
            (key("C", "Y"), 3),
            (key("D", "Y"), 8),
        ]),
        department_units: BTreeMap::from([("X".into(), 22), ("Y".into(), 11)]),
    }
}

#[test]
fn department_baselines_and_gross_savings_solved_two_hidden_areas() {
    use crate::suppress::Status::{Below, Complement, Shown};
    let mut config = config();
    config.effects = BTreeMap::from([
        ("A".into(), 0.1),
        ("B".into(), 0.2),
        ("C".into(), 0.3),
        ("D".into(), 0.05),
    ]);
    let case = model(&four_areas(), &config, period(), Scenario::Base).unwrap();
    let v = shown(&case, 5);
    assert_eq!(v.areas, vec![Shown, Below, Below, Complement]);
    assert_eq!(v.summary, Shown);
    // Departments cover only A: X's baseline is A's, Y books nothing there.
    // Before, X + Y = A + B + C + D and the gross savings gave a second
    // equation in B and C, enough to solve both.
    let d: Vec<(&str, f64)> = v
        .departments
        .iter()
        .map(|d| (d.department.as_str(), d.baseline))
        .collect();
    assert_eq!(d, vec![("X", 100_000.0)]);
    assert_eq!((v.department_money, v.departments_partial), (Shown, true));
}

#[test]
fn a_small_department_part_of_a_shown_area_hides_department_money() {
    use crate::suppress::Status::{Complement, Shown};
    let mut cohort = four_areas();
    // Y books 2 units' cost in A: A − X would give it.
    cohort
        .by_department
        .insert(("A".into(), "Y".into()), 10_000.0);
    cohort.cell_units.insert(("A".into(), "Y".into()), 2);
    cohort.areas.get_mut("A").unwrap().cost += 10_000.0;
    let case = model(&cohort, &config(), period(), Scenario::Base).unwrap();
    let v = shown(&case, 5);
    assert_eq!(v.department_money, Complement);
    assert_eq!(v.department_units, vec![Shown, Shown]);
}
