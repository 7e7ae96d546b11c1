//! `tvaers savings` end to end on the hand-computed fixture (period 2023:
//! 365 days = 365/365.25 years). Top 50 % of six citizens is A, B, C; two
//! departments or more leaves A and B: Kontante ydelser 1000 + 1500 over
//! the period, børn og unge 500.

use crate::eqnice;
use crate::workdir::Workdir;

#[test]
fn csv_is_one_row_per_area_with_spec_columns() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&[
        "savings",
        "--format",
        "csv",
        "--top-percent",
        "50",
        "--horizon-years",
        "2",
        "--ramp-up",
        "0.5",
        "--effect",
        "Kontante ydelser=0.2",
        "--effect",
        "default=0.1",
        "--discount-rate",
        "0.05",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Kontante: baseline 2500 / (365/365.25) = 2501.7123…; × 0.2 = 500.34 a year, half in year 1.
    // Discounted: 250.171/1.05 + 500.342/1.1025 = 692.08.
    eqnice!(
        "budget_area,units,baseline,effect,year_1,year_2,total,discounted\n\
         Kontante ydelser,2,2501.71,0.2,250.17,500.34,750.51,692.08\n\
         Tilbud til børn og unge med særlige behov,1,500.34,0.1,25.02,50.03,75.05,69.21\n",
        run.stdout
    );
}

#[test]
fn json_summary_has_the_spec_keys() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&[
        "savings",
        "--format",
        "json",
        "--top-percent",
        "50",
        "--horizon-years",
        "1",
        "--ramp-up",
        "1",
        "--coordinator-cost",
        "100",
        "--setup-cost",
        "0",
        "--effect",
        "default=0.5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let years: f64 = 365.0 / 365.25;
    let gross = 3000.0 / years * 0.5;
    let s = &v["summary"];
    assert_eq!(s["cohort_units"], 2);
    assert_eq!(s["investment"], 200.0);
    assert_eq!(s["gross_savings"], (gross * 100.0).round() / 100.0);
    assert_eq!(
        s["payback_year"], 0,
        "no setup cost: year 0 already breaks even"
    );
    let roi = s["roi"].as_f64().unwrap();
    assert!((roi - (gross - 200.0) / 200.0).abs() < 1e-12, "{roi}");
    assert_eq!(v["departments"][0]["department"], "Born");
    assert_eq!(v["departments"][1]["department"], "Job");
}

#[test]
fn cohort_file_and_all_scenarios_side_by_side() {
    let wd = Workdir::fixture("units");
    wd.write("cohort.txt", "A\nK\nnobody\n");
    let run = wd.run(&[
        "savings",
        "--format",
        "csv",
        "--cohort",
        "cohort.txt",
        "--scenario",
        "all",
        "--horizon-years",
        "1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,budget_area,units,baseline,effect,year_1,total,discounted"
    );
    assert_eq!(lines.len(), 1 + 3 * 2, "{}", run.stdout);
    assert!(
        lines[1].starts_with("low,Kontante ydelser,1,1000.68,0.025,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[4].starts_with("base,Tilbud til børn og unge med særlige behov,2,1200.82,0.05,"),
        "{}",
        lines[4]
    );
}

#[test]
fn a_cohort_below_min_cell_is_suppressed() {
    let wd = Workdir::fixture("units");
    let config = wd
        .read("tvaers.toml")
        .replace("min_cell = 1", "min_cell = 5");
    wd.write("tvaers.toml", config);
    let run = wd.run(&["savings", "--format", "json", "--top-percent", "50"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        v["summary"]
            .as_object()
            .unwrap()
            .values()
            .all(|x| x.is_null()),
        "{}",
        run.stdout
    );
    assert!(v["areas"][0]["baseline"].is_null());
    assert!(
        run.stderr.contains("fewer than min_cell = 5 units"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_assumptions_are_usage_errors_with_names() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&["savings", "--deadweight", "2"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "invalid value '2' for '--deadweight <SHARE>': expected a share between 0 and 1, found \"2\""
        ),
        "{}",
        run.stderr
    );
    let run = wd.run(&["savings", "--effect", "nonsense"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expected AREA=SHARE"), "{}", run.stderr);
}

#[test]
fn cohort_ids_matching_no_unit_are_not_charged_and_are_counted_in_a_warning() {
    let wd = Workdir::fixture("units");
    wd.write("cohort.txt", "A\nK\nnobody\n");
    let run = wd.run(&["savings", "--format", "json", "--cohort", "cohort.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["summary"]["cohort_units"], 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "tvaers: warning: 1 of the 3 ids in the --cohort file match no active unit in the period; they are not counted\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("nobody"), "{}", run.stderr);

    wd.write("strangers.txt", "nobody\nno one\n");
    let run = wd.run(&["savings", "--cohort", "strangers.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: none of the 2 ids in the --cohort file matches an active unit in the period: check the file and the --unit\n",
        run.stderr
    );
}

#[test]
fn a_cohort_file_with_a_raw_cpr_number_is_refused_without_printing_it() {
    let wd = Workdir::fixture("units");
    wd.write("cohort.csv", "unit_id\nA\n2512891234\n");
    let run = wd.run(&["savings", "--cohort", "cohort.csv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cohort file cohort.csv, line 3"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("2512891234"), "{}", run.stderr);
}

#[test]
fn hotspots_json_output_fed_back_as_a_cohort_reads_its_ids() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&[
        "hotspots",
        "--format",
        "json",
        "--top-percent",
        "34",
        "-o",
        "top.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = wd.run(&["savings", "--cohort", "top.json", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // A and B: the top 34 % (3 units) in two departments or more.
    assert_eq!(v["summary"]["cohort_units"], 2, "{}", run.stdout);
}
