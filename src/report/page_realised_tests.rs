//! The realised, monitor and ladder sections drawn from hand-built
//! estimates and tables: known figures at known positions, the verdict on
//! balance above the figures, and no suppressed figure in any chart.

use super::*;
use crate::chart::{Frame, Numbers};
use crate::ladder::{self, LadderGroup};
use crate::output::html::table_html;
use crate::realised::{AreaEstimate, Balance, EventMonth, Realised, Windows, TOTAL};

fn frame(id: &str, title: String, desc: String, x: String, y: String) -> Frame {
    Frame {
        id: id.to_string(),
        title,
        desc,
        x_label: x,
        y_label: y,
        numbers: Numbers::ENGLISH,
        suppressed: "<5".into(),
    }
}

fn table(t: &Table) -> anyhow::Result<String> {
    table_html(t, Language::English, 5, &|_| None)
}

fn tools<'a>(frame: &'a FrameFn<'a>, table: &'a TableFn<'a>) -> Tools<'a> {
    Tools {
        lang: Language::English,
        marker: "<5".into(),
        frame,
        table,
    }
}

/// Saving `before / 2` per unit-month, interval `before / 10 … before`.
fn area(name: &str, units: u64, before: f64) -> AreaEstimate {
    let w = Windows {
        before,
        after: before / 2.0,
    };
    AreaEstimate {
        area: name.into(),
        cohort_with_cost: units,
        comparison_with_cost: units + 10,
        cohort: w,
        comparison: w,
        did: -before / 2.0,
        did_interval: (-before, -before / 10.0),
        relative: 0.5,
        relative_interval: (0.25, 0.75),
    }
}

/// A (3 units: below 5) and B (the next smallest, hidden beside it), C and the total.
fn estimate(smd: f64) -> Realised {
    Realised {
        enrolled_units: 100,
        cohort_units: 100,
        too_early: 0,
        too_late: 0,
        unmatched: 0,
        comparison_units: 300,
        neighbours: 5,
        window_months: 12,
        match_on: Vec::new(),
        max_imbalance: 0.25,
        max_level_gap: 0.1,
        areas: vec![
            area("A", 3, 100.0),
            area("B", 40, 500.0),
            area("C", 60, 900.0),
            area(TOTAL, 100, 1500.0),
        ],
        balance: vec![Balance {
            feature: "log cost in month -1".into(),
            area: None,
            share_of: None,
            cohort: 1.0,
            comparison: 1.0,
            smd,
            gap: None,
        }],
        event_study: vec![
            EventMonth {
                month: -1,
                units: 3,
                cohort: 4321.0,
                comparison: 1234.0,
            },
            EventMonth {
                month: 0,
                units: 60,
                cohort: 200.0,
                comparison: 100.0,
            },
            EventMonth {
                month: 1,
                units: 60,
                cohort: 100.0,
                comparison: 100.0,
            },
        ],
        placebo: None,
    }
}

fn markup(section: &Section) -> Vec<&str> {
    section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Markup(m) => Some(m.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn realised_savings_with_their_intervals_at_known_positions_and_hidden_areas_unmarked() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let tables = estimate(0.1).tables(5).unwrap();
    let section = realised_section(&tables, &tools(f, t)).unwrap();
    assert_eq!(
        section.blocks[0],
        Block::Text(
            "Balanced: on every matching feature the enrolled differ from their matches by at \
             most 0.10 standard deviations (largest: log cost in month -1; threshold 0.25)."
                .into()
        )
    );
    let svg = markup(&section)[0];
    assert!(
        svg.contains(">Realised saving per enrolled unit-month</text>"),
        "{svg}"
    );
    // Shown: C saves 450 (90 … 900) and the total 750 (150 … 1,500). Ticks
    // 0 … 1,500 over 60 … 640 px; rows 3 and 4 centred at 89 and 111.
    for expected in [
        "<line x1=\"94.8\" y1=\"89.0\" x2=\"408.0\" y2=\"89.0\" stroke=\"#0072B2\" stroke-width=\"2\"/>",
        "<circle cx=\"234.0\" cy=\"89.0\" r=\"4.0\" fill=\"#0072B2\"/>",
        "<text x=\"414.0\" y=\"93.0\" text-anchor=\"start\" font-size=\"10\">450</text>",
        "<line x1=\"118.0\" y1=\"111.0\" x2=\"640.0\" y2=\"111.0\" stroke=\"#0072B2\" stroke-width=\"2\"/>",
        "<circle cx=\"350.0\" cy=\"111.0\" r=\"4.0\" fill=\"#0072B2\"/>",
    ] {
        assert!(svg.contains(expected), "{expected}\n{svg}");
    }
    // A (3 units) and B (its complement) draw nothing: their savings, 50
    // and 250, and their bounds (10 … 100, 50 … 500) are not in the chart
    // (500 is a tick). A is labelled as small, B as hidden, as in the table.
    assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
    assert_eq!(svg.matches(">&lt;5</text>").count(), 1, "{svg}");
    assert_eq!(svg.matches(">..</text>").count(), 1, "{svg}");
    assert!(
        svg.contains(
            "<text x=\"64.0\" y=\"71.0\" text-anchor=\"start\" font-size=\"10\">..</text>"
        ),
        "{svg}"
    );
    for hidden in [">50</text>", ">250</text>", ">10</text>", ">100</text>"] {
        assert!(!svg.contains(hidden), "{hidden}\n{svg}");
    }
    // The table below it, with the chart's figures.
    let areas = markup(&section)[1];
    for row in [
        "<tr><td>A</td><td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td>\
         <td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td>\
         <td>&lt;5</td></tr>",
        "<tr><td>C</td><td class=\"num\">60</td><td class=\"num\">450.00</td>\
         <td class=\"num\">90.00</td><td class=\"num\">900.00</td>\
         <td class=\"num\">540,000.00</td><td>true</td></tr>",
    ] {
        assert!(areas.contains(row), "{row}\n{areas}");
    }
}

#[test]
fn an_unbalanced_estimate_says_so_above_its_figures_and_in_its_chart_title() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let tables = estimate(0.5).tables(5).unwrap();
    let section = realised_section(&tables, &tools(f, t)).unwrap();
    let Block::Text(note) = &section.blocks[0] else {
        panic!("the verdict comes first: {:?}", section.blocks[0]);
    };
    assert!(note.starts_with("NOT BALANCED: "), "{note}");
    assert!(markup(&section)[0].contains(
        ">Realised saving per enrolled unit-month (NOT BALANCED: read as unknown)</text>"
    ));
    let danish = Tools {
        lang: Language::Danish,
        ..tools(f, t)
    };
    assert!(verdict(&tables.summary, &danish)
        .starts_with("IKKE BALANCERET: der blev ikke fundet en sammenlignelig gruppe"));
}

#[test]
fn the_event_study_leaves_out_a_month_of_fewer_than_five_units() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let tables = estimate(0.1).tables(5).unwrap();
    let section = realised_section(&tables, &tools(f, t)).unwrap();
    let svg = markup(&section)[2];
    // Month -1 (3 units) is hidden: each line runs from month 0 to 1 only.
    // Ticks 0 … 200 (step 50) over 284 … 44; x 90, 390, 690.
    assert!(
        svg.contains(
            "<polyline points=\"390.0,44.0 690.0,164.0\" fill=\"none\" stroke=\"#0072B2\""
        ),
        "{svg}"
    );
    assert!(
        svg.contains(
            "<polyline points=\"390.0,164.0 690.0,164.0\" fill=\"none\" stroke=\"#E69F00\""
        ),
        "{svg}"
    );
    assert_eq!(svg.matches(">&lt;5</text>").count(), 2, "{svg}");
    // Its means would stretch the axis to 5,000; they are not there.
    assert!(
        !svg.contains(">5,000</text>") && !svg.contains(">4,321"),
        "{svg}"
    );
    assert!(svg.contains(">200</text>"), "{svg}");
}

fn periods() -> Table {
    let date = |m: u32| chrono::NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
    let frame = df!(
        "period_start" => [date(1), date(4), date(7)],
        "enrolled_units" => [None, Some(10u64), Some(12)],
        "cumulative_expected" => [None, Some(1e6), Some(2e6)],
        "cumulative_realised" => [None, Some(2e6), Some(4e6)],
        "cumulative_realised_low" => [None, Some(1e6), Some(2e6)],
        "cumulative_realised_high" => [None, Some(3e6), Some(6e6)],
        "net_to_date" => [None, Some(-1e6), Some(1e6)],
        "status" => ["not estimable", "on track", "ahead"],
    )
    .unwrap();
    let money = [
        "cumulative_expected",
        "cumulative_realised",
        "cumulative_realised_low",
        "cumulative_realised_high",
        "net_to_date",
    ];
    Table::new(frame)
        .with_money(money)
        .with_suppressed(money.into_iter().chain(["enrolled_units"]))
}

#[test]
fn monitor_draws_expected_and_realised_to_date_with_its_band_and_no_hidden_quarter() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let monitor = MonitorTables {
        summary: vec![("balanced".into(), Value::Bool(true))],
        periods: periods(),
        areas: periods(),
        departments: periods(),
    };
    let section = monitor_section(&monitor, &tools(f, t)).unwrap();
    let svg = markup(&section)[0];
    // In millions: ticks 0 … 6 (step 2) over 284 … 44, 40 px per million;
    // quarters at x 90, 390, 690, the first hidden.
    for expected in [
        "<polyline points=\"390.0,244.0 690.0,204.0\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\"/>",
        "<polyline points=\"390.0,204.0 690.0,124.0\" fill=\"none\" stroke=\"#E69F00\" stroke-width=\"2\"/>",
        "<polygon points=\"390.0,164.0 690.0,44.0 690.0,204.0 390.0,244.0\" fill=\"#E69F00\" fill-opacity=\"0.2\"/>",
        ">Expected against realised savings to date</text>",
        ">2024-04-01</text>",
    ] {
        assert!(svg.contains(expected), "{expected}\n{svg}");
    }
    assert_eq!(svg.matches(">&lt;5</text>").count(), 2, "{svg}");
    let table = markup(&section)[1];
    assert!(table.contains(
        "<tr><td>2024-04-01</td><td class=\"num\">10</td><td class=\"num\">1,000,000.00</td>\
         <td class=\"num\">2,000,000.00</td><td class=\"num\">1,000,000.00</td>\
         <td class=\"num\">3,000,000.00</td><td class=\"num\">-1,000,000.00</td><td>on track</td></tr>"
    ), "{table}");
}

#[test]
fn the_ladder_draws_each_shown_share_and_marks_the_hidden_one() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let groups = [
        // 10 moved up, 7 two steps: the 3 who moved one would be their
        // difference, so the share up two is hidden as a complement.
        LadderGroup {
            group: "cohort",
            units: 20,
            mean_first: 1.0,
            mean_last: 2.0,
            up_one: 10,
            up_two: 7,
            at_top: 5,
        },
        LadderGroup {
            group: "others",
            units: 100,
            mean_first: 1.5,
            mean_last: 2.0,
            up_one: 40,
            up_two: 20,
            at_top: 10,
        },
    ];
    let table = ladder::table(&groups, 4, 5).unwrap();
    let section = ladder_section(&table, &tools(f, t)).unwrap();
    let svg = markup(&section)[0];
    // Ticks 0 … 50 % over 185.6 … 650 px (the longest label is 28 characters).
    for expected in [
        "<rect x=\"185.6\" y=\"37.0\" width=\"464.4\" height=\"16.0\" fill=\"#0072B2\"/>",
        ">Hotspots: up 1 step or more</text>",
        ">50.0</text>",
        ">40.0</text>",
        ">20.0</text>",
        ">25.0</text>",
        ">10.0</text>",
    ] {
        assert!(svg.contains(expected), "{expected}\n{svg}");
    }
    assert_eq!(svg.matches("<rect").count(), 5, "{svg}");
    // The hidden share protects another figure: `..`, as in the table.
    assert_eq!(svg.matches(">..</text>").count(), 1, "{svg}");
    assert!(!svg.contains("&lt;5"), "{svg}");
    assert!(!svg.contains(">35.0</text>"), "7 of 20 is hidden: {svg}");
}

#[test]
fn narrow_keeps_the_roles_of_the_columns_it_keeps() {
    let t = periods();
    let n = narrow(&t, &["status", "net_to_date"]).unwrap();
    assert_eq!(n.frame.get_column_names(), ["status", "net_to_date"]);
    assert_eq!(n.money, ["net_to_date"]);
    assert_eq!(n.suppressed, ["net_to_date"]);
}

#[test]
fn monitor_without_a_period_says_why_and_draws_nothing() {
    let (f, t): (&FrameFn, &TableFn) = (&frame, &table);
    let empty = periods().frame.head(Some(0));
    let monitor = MonitorTables {
        summary: Vec::new(),
        periods: Table {
            frame: empty,
            ..periods()
        },
        areas: periods(),
        departments: periods(),
    };
    let section = monitor_section(&monitor, &tools(f, t)).unwrap();
    assert_eq!(
        section.blocks,
        [Block::Text(
            "No period to follow yet: no enrolled unit could be estimated (see the realised savings)."
                .into()
        )]
    );
}
