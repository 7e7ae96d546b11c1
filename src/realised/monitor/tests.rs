//! The monitor against hand-computed quarters and statuses.

use super::*;

/// The fixture of `realised`'s hand-computed test (a matched with c from
/// March, b with d from May; two-month windows; setup 1000, a
/// coordinator 1200 a year) followed by quarter.
/// Realised per month is the match's change less the unit's: a's March
/// 500 − 300, April 400 − 100, May 10 − 999, June 20 − 0; b's May
/// 300 − 400, June 300 − 0 (their before-means are equal). Expected: a's
/// 400 a month before start, all "Kontante ydelser" (effect 0.10), is 20
/// a month in year 1 (ramp 0.5); b's 550 there and 60 elsewhere (0.05)
/// is 29 a month.
#[test]
fn monitor_follows_the_hand_computed_quarters() {
    // g and h of the fixture are never estimated, so never followed.
    let (_dir, config, request) = super::super::tests::fixture();
    let ws = super::super::tests::open(&config, &request);
    let m = monitor(
        ws.panel().unwrap(),
        &request,
        Every::Quarter,
        &config.savings,
    )
    .unwrap();
    let got: Vec<(String, u64, f64, f64, f64, f64, f64)> = m
        .total
        .iter()
        .map(|r| {
            (
                r.period_start.to_string(),
                r.enrolled_units,
                r.expected,
                r.realised.0,
                r.cumulative_expected,
                r.cumulative_realised.0,
                r.investment_to_date,
            )
        })
        .collect();
    let row = |start: &str, units, expected, realised, cum_e, cum_r, investment| {
        (
            start.to_string(),
            units,
            expected,
            realised,
            cum_e,
            cum_r,
            investment,
        )
    };
    assert_eq!(
        got,
        [
            // Setup 1000, then 100 a unit-month: a's March.
            row("2023-01-01", 1, 20.0, 200.0, 20.0, 200.0, 1100.0),
            // a: 300 − 989 + 20; b: −100 + 300. a's 3 months, b's 2.
            row("2023-04-01", 2, 60.0 + 58.0, -469.0, 138.0, -269.0, 1600.0),
            row("2023-07-01", 2, 60.0 + 87.0, 0.0, 285.0, -269.0, 2200.0),
            row("2023-10-01", 2, 60.0 + 87.0, 0.0, 432.0, -269.0, 2800.0),
        ]
    );
    assert_eq!(m.total[3].period_end.to_string(), "2023-12-31");
    // Per area: b's "Kontante ydelser" before-mean is 60 below d's, and
    // its other area's 60 above d's (none), so each month after June
    // moves 60 between the two areas; they add up to the total.
    let area = |name: &str| &m.areas.iter().find(|(a, _)| a == name).unwrap().1;
    let k: Vec<f64> = area("Kontante ydelser")
        .iter()
        .map(|r| r.realised.0)
        .collect();
    let t: Vec<f64> = area("Tilbud til børn og unge med særlige behov")
        .iter()
        .map(|r| r.realised.0)
        .collect();
    assert_eq!(
        k,
        [200.0, 300.0 - 989.0 + 20.0 - 160.0 + 240.0, -180.0, -180.0]
    );
    assert_eq!(t, [0.0, 120.0, 180.0, 180.0]);
    assert_eq!(m.departments.len(), 1);
    assert_eq!(
        status(&m.total[0], true),
        Status::NotEstimable,
        "no draws, no interval"
    );
}
