//! `tvaers overview` and `tvaers report` on the hand-computed fixture.

use crate::workdir::Workdir;

#[test]
fn overview_json_has_the_spec_shape_with_small_cells_suppressed() {
    let wd = Workdir::fixture("units");
    let config = wd
        .read("tvaers.toml")
        .replace("min_cell = 1", "min_cell = 2");
    wd.write("tvaers.toml", config);
    let run = wd.run(&["overview", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let expected = serde_json::json!({
        "schema_version": 1,
        "tvaers_version": env!("CARGO_PKG_VERSION"),
        "units": 6,
        "total_cost": 4700.0,
        // One unit holds the top 1, 5 and 10 %: a sum from fewer than two
        // units. Shares are rounded to 0.1 %: 3000 / 4700 = 0.638.
        "top_share": {"1": null, "5": null, "10": null, "20": 0.638},
        "by_departments": [
            {"departments": "1", "units": 4, "cost": 1700.0},
            {"departments": "2", "units": 2, "cost": 3000.0},
            {"departments": "3", "units": null, "cost": null},
            {"departments": "4+", "units": null, "cost": null}
        ],
        "overlaps": [
            {"a": "Born", "b": "Job", "units": 2},
            {"a": "Born", "b": "Sund", "units": null},
            {"a": "Born", "b": "Voksen", "units": null},
            {"a": "Job", "b": "Sund", "units": null},
            {"a": "Job", "b": "Voksen", "units": null},
            {"a": "Sund", "b": "Voksen", "units": null}
        ],
        // The adult area has one unit; the next smallest cost goes with it.
        "budget_areas": [
            {"area": "Kontante ydelser", "units": 3, "cost": 2000.0},
            {"area": "Tilbud til børn og unge med særlige behov", "units": null, "cost": null},
            {"area": "Tilbud til voksne med særlige behov", "units": null, "cost": null}
        ]
    });
    assert_eq!(v, expected, "{}", run.stdout);
}

#[test]
fn overview_table_shows_suppressed_cells_as_below_min_cell() {
    let wd = Workdir::fixture("units");
    let config = wd
        .read("tvaers.toml")
        .replace("min_cell = 1", "min_cell = 2");
    wd.write("tvaers.toml", config);
    let run = wd.run(&["overview", "--format", "table"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("│ Tilbud til voksne med særlige behov       ┆    <2 ┆       <2 │"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\ntop_share.20    63.8 %\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn report_holds_overview_and_both_hotspot_lists() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&["report", "--format", "json", "--top-percent", "50"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["period_from"], "2023-01-01");
    assert_eq!(v["period_to"], "2023-12-31");
    assert_eq!(v["units"], 6);
    assert_eq!(v["budget_areas"][0]["cost"], 2000.0);
    let ids = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["unit_id"].as_str().unwrap().to_string())
            .collect()
    };
    // Top 3 of 6 by cost, then two or more departments.
    assert_eq!(ids("hotspots_citizen"), ["A", "B"]);
    assert_eq!(ids("hotspots_family"), ["F1", "B"]);
}

#[test]
fn period_flags_override_the_config() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&[
        "overview",
        "--format",
        "json",
        "--from",
        "2022-12-31",
        "--to",
        "2023-03-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // A (99999 + 1000, from 31 Dec), B (1500 on 1 Mar), K (300): 102799.
    assert_eq!(v["units"], 3);
    assert_eq!(v["total_cost"], 102799.0);
    let run = wd.run(&["overview", "--from", "2024-01-01", "--to", "2023-01-01"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("the period starts (2024-01-01) after it ends (2023-01-01)"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_same_input_gives_the_same_bytes_run_after_run() {
    let wd = crate::workdir::Workdir::new();
    wd.generate("m", 3000, 4, &[]);
    let report = || {
        let run = wd.run(&[
            "report",
            "--config",
            "m/tvaers.toml",
            "--format",
            "json",
            "--top",
            "50",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let first = report();
    for _ in 0..4 {
        assert!(
            first == report(),
            "report differed between two runs on the same files"
        );
    }
}
