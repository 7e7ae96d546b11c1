//! realised against a hand-computed fixture of matching and the difference in differences.

use super::*;
use crate::config::Config;

/// A hand-computed estimate with two-month windows and one neighbour.
/// a starts mid-March (the start month is March: before is January and
/// February), b on 1 May; g started too early for a whole window and h
/// after the last month. g's months are a's exactly, but g was enrolled
/// before a's window ends, so it may not stand in for a: c, whose
/// months are nearest, does. b's months are d's exactly (d differs only
/// in having no cost in the second area). a itself may not stand in for
/// b: it was enrolled before b's window ends.
/// The fixture's workspace (with a `[savings]` table for `monitor`) and
/// the request: two-month windows, one neighbour, no resampling.
pub(crate) fn fixture() -> (tempfile::TempDir, Config, RealisedRequest) {
    let config = "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\
        [savings]\nsetup_cost = 1000\ncoordinator_cost = 1200\nramp_up = [0.5, 1.0]\n\
        [savings.effects]\n\"Kontante ydelser\" = 0.10\ndefault = 0.05\n\
        [[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"e.csv\"\n\
        [[sources]]\nname = \"k\"\nkind = \"enrolments\"\npath = \"k.csv\"\n";
    // K = 5.57.73 "Kontante ydelser", T = 5.28.21 "Tilbud til børn og unge …".
    let mut expenses = String::from("citizen,date,amount,account\na,2022-12-31,50,5.57.73\n");
    let months = ["01", "02", "03", "04", "05", "06"];
    for (unit, costs) in [
        ("a", [600, 200, 300, 100, 999, 0]),
        ("g", [600, 200, 300, 100, 0, 0]),
        ("b", [0, 0, 1000, 100, 400, 0]),
        ("c", [590, 210, 500, 400, 10, 20]),
        ("d", [10, 10, 1000, 220, 300, 300]),
    ] {
        for (month, cost) in months.iter().zip(costs) {
            if cost != 0 {
                expenses.push_str(&format!("{unit},2023-{month}-15,{cost},5.57.73\n"));
            }
        }
    }
    expenses.push_str("b,2023-04-30,120,5.28.21\n");
    let enrolments = "citizen,start\nb,2023-05-01\na,2023-03-10\ng,2023-02-01\nh,2024-01-15\n";
    let (dir, config) = crate::testing::workspace(&[
        ("tvaers.toml", config),
        ("e.csv", &expenses),
        ("k.csv", enrolments),
    ]);
    let request = RealisedRequest {
        mode: UnitMode::Citizen,
        window_months: 2,
        neighbours: 1,
        match_on: Vec::new(),
        max_imbalance: 0.25,
        max_level_gap: 0.1,
        resamples: 0,
        seed: 1,
    };
    (dir, config, request)
}

/// The workspace of `config` opened for `request`, as the commands open it.
pub(crate) fn open(config: &Config, request: &RealisedRequest) -> crate::workspace::Workspace {
    let plan = crate::workspace::Plan::default().with_panel(request.panel());
    crate::workspace::Workspace::open(config.clone(), config.period, &plan).unwrap()
}

/// A hand-computed estimate with two-month windows and one neighbour.
/// a starts mid-March (the start month is March: before is January and
/// February), b on 1 May; g started too early for a whole window and h
/// after the last month. g's months are a's exactly, but g was enrolled
/// before a's window ends, so it may not stand in for a: c, whose
/// months are nearest, does. b's months are d's exactly (d differs only
/// in having no cost in the second area). a itself may not stand in for
/// b: it was enrolled before b's window ends.
#[test]
fn matches_and_differences_equal_the_hand_computed_estimate() {
    let (_dir, config, request) = fixture();
    let r = realised(open(&config, &request).panel().unwrap(), &request).unwrap();
    assert_eq!(
        (r.enrolled_units, r.cohort_units, r.too_early, r.too_late),
        (4, 2, 1, 1)
    );
    assert_eq!((r.unmatched, r.comparison_units), (0, 2));
    let got: Vec<(&str, u64, u64, Windows, Windows, f64, f64)> = r
        .areas
        .iter()
        .map(|a| {
            let (c, k) = (a.cohort_with_cost, a.comparison_with_cost);
            (
                a.area.as_str(),
                c,
                k,
                a.cohort,
                a.comparison,
                a.did,
                a.relative,
            )
        })
        .collect();
    let w = |before, after| Windows { before, after };
    assert_eq!(
        got,
        [
            // a 800/2 → 400/2, b 1100/2 → 400/2; c 800/2 → 900/2, d 1220/2 → 600/2.
            (
                "Kontante ydelser",
                2,
                2,
                w(475.0, 200.0),
                w(505.0, 375.0),
                -145.0,
                145.0 / 345.0
            ),
            // b 120/2 → 0; no match has cost there.
            (
                "Tilbud til børn og unge med særlige behov",
                1,
                0,
                w(30.0, 0.0),
                w(0.0, 0.0),
                -30.0,
                1.0
            ),
            (
                "Total",
                2,
                2,
                w(505.0, 200.0),
                w(505.0, 375.0),
                -175.0,
                175.0 / 375.0
            ),
        ]
    );
    let month = |m: i32| r.event_study.iter().find(|e| e.month == m).unwrap();
    // Month −3 is observed for b only: its February, 0, against d's 10.
    assert_eq!(
        (month(-3).units, month(-3).cohort, month(-3).comparison),
        (1, 0.0, 10.0)
    );
    // Month −2: a's January 600 and b's March 1000; c's January 590, d's March 1000.
    assert_eq!(
        (month(-2).units, month(-2).cohort, month(-2).comparison),
        (2, 800.0, 795.0)
    );
    // Month 0: a's March 300, b's May 400; c's March 500, d's May 300.
    assert_eq!((month(0).cohort, month(0).comparison), (350.0, 400.0));
    // b's last observed month is December: month +7; a's is +9.
    assert_eq!((month(8).units, month(10).units), (1, 0));
    assert_eq!(r.event_study.len(), 49);
    // The enrolled cost 2 × 200 more in the second month before start
    // (a's 200 and b's 220 against c's 210 and d's 220): balance is
    // measured, and the largest difference decides.
    let total_before = r
        .balance
        .iter()
        .find(|b| b.feature == "cost in the 2 months before start")
        .unwrap();
    assert_eq!(
        (total_before.cohort, total_before.comparison),
        (1010.0, 1010.0)
    );
    assert_eq!(total_before.smd, 0.0);
    assert!(r.pre_smd(None) >= r.balance[0].smd.abs());
}
