//! `tvaers hotspots` on the hand-computed fixture (tests/fixtures/units).
//!
//! Citizen units in the period 2023: A 1500 (Job+Born, caseworker CW1 in
//! both), B 1500 (Job+Born, no caseworker or case), C 1500 (Voksen), K 700,
//! E 0 (contacts only), D −500 (a refund). Six active units, so the default
//! 5 % is ceil(0.3) = 1 unit.

use crate::eqnice;
use crate::workdir::Workdir;

const HEADER: &str = "rank,unit_id,members,total_cost,departments,caseworkers,contacts,cases,first_date,last_date,active_days,cost_Kontante ydelser,cost_Tilbud til børn og unge med særlige behov,cost_Tilbud til voksne med særlige behov\n";
const A: &str = "A,1,1500.00,2,2,3,2,2023-01-01,2023-06-30,181,1000.00,500.00,0.00\n";
const B: &str = "B,1,1500.00,2,0,1,0,2023-03-01,2023-05-01,62,1500.00,0.00,0.00\n";
const C: &str = "C,1,1500.00,1,0,0,1,2023-04-01,2023-04-01,1,0.00,0.00,1500.00\n";
const K: &str = "K,1,700.00,1,0,0,1,2023-02-01,2023-09-01,213,0.00,700.00,0.00\n";
const E: &str = "E,1,0.00,1,1,1,1,2023-07-01,2023-07-01,1,0.00,0.00,0.00\n";
const D: &str = "D,1,-500.00,1,0,0,1,2023-05-01,2023-05-02,2,-500.00,0.00,0.00\n";

fn ranked(rows: &[&str]) -> String {
    let mut out = HEADER.to_string();
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&format!("{},{row}", i + 1));
    }
    out
}

fn hotspots(wd: &Workdir, flags: &[&str]) -> String {
    let mut args = vec!["hotspots", "--format", "csv"];
    args.extend(flags);
    let run = wd.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn every_unit_ranked_by_cost_then_id() {
    let wd = Workdir::fixture("units");
    let all = hotspots(&wd, &["--top-percent", "100", "--min-departments", "1"]);
    eqnice!(ranked(&[A, B, C, K, E, D]), all);
}

#[test]
fn default_selection_is_the_top_five_percent_in_two_departments() {
    let wd = Workdir::fixture("units");
    eqnice!(ranked(&[A]), hotspots(&wd, &[]));
}

#[test]
fn the_percentile_edge_cuts_a_tie_by_id() {
    let wd = Workdir::fixture("units");
    // ceil(6 × 33 / 100) = 2: of the three units at 1500, A and B.
    eqnice!(
        ranked(&[A, B]),
        hotspots(&wd, &["--top-percent", "33", "--min-departments", "1"])
    );
    // ceil(6 × 34 / 100) = 3.
    eqnice!(
        ranked(&[A, B, C]),
        hotspots(&wd, &["--top-percent", "34", "--min-departments", "1"])
    );
    // The department criterion then drops C; ranks close up.
    eqnice!(ranked(&[A, B]), hotspots(&wd, &["--top-percent", "34"]));
}

#[test]
fn min_cost_caseworkers_years_and_limit() {
    let wd = Workdir::fixture("units");
    eqnice!(
        ranked(&[A, B, C]),
        hotspots(&wd, &["--min-cost", "1500", "--min-departments", "1"])
    );
    eqnice!(
        ranked(&[A, E]),
        hotspots(
            &wd,
            &[
                "--top-percent",
                "100",
                "--min-departments",
                "1",
                "--min-caseworkers",
                "1"
            ]
        )
    );
    // 0.5 years is 182.5 days: K (213) but not A (181).
    eqnice!(
        ranked(&[K]),
        hotspots(
            &wd,
            &[
                "--top-percent",
                "100",
                "--min-departments",
                "1",
                "--min-years",
                "0.5"
            ]
        )
    );
    eqnice!(
        ranked(&[A, B]),
        hotspots(
            &wd,
            &[
                "--top-percent",
                "100",
                "--min-departments",
                "1",
                "--limit",
                "2"
            ]
        )
    );
    let run = wd.run(&["hotspots", "--min-cost", "1", "--top-percent", "3"]);
    assert_eq!(run.code, 2, "--min-cost and --top-percent conflict");
}

#[test]
fn family_units_in_ranking_order() {
    let wd = Workdir::fixture("units");
    eqnice!(
        format!(
            "{HEADER}1,F1,2,1800.00,2,2,3,3,2023-01-01,2023-06-30,181,1000.00,800.00,0.00\n\
             2,B,{}3,C,{}4,F2,2,600.00,2,0,0,2,2023-05-01,2023-09-01,124,200.00,400.00,0.00\n\
             5,E,{}6,F3,1,-700.00,1,0,0,1,2023-05-02,2023-05-02,1,-700.00,0.00,0.00\n",
            &B[2..],
            &C[2..],
            &E[2..]
        ),
        hotspots(
            &wd,
            &[
                "--unit",
                "family",
                "--top-percent",
                "100",
                "--min-departments",
                "1"
            ]
        )
    );
}

#[test]
fn excel_da_is_semicolons_decimal_commas_and_a_bom() {
    let wd = Workdir::fixture("units");
    let out = hotspots(&wd, &["--excel-da", "--top-percent", "34"]);
    eqnice!(
        "\u{feff}rank;unit_id;members;total_cost;departments;caseworkers;contacts;cases;first_date;last_date;active_days;cost_Kontante ydelser;cost_Tilbud til børn og unge med særlige behov;cost_Tilbud til voksne med særlige behov\n\
         1;\"=\"\"A\"\"\";1;1500,00;2;2;3;2;2023-01-01;2023-06-30;181;1000,00;500,00;0,00\n\
         2;\"=\"\"B\"\"\";1;1500,00;2;0;1;0;2023-03-01;2023-05-01;62;1500,00;0,00;0,00\n",
        out
    );
}

#[test]
fn excel_da_output_fed_back_as_a_cohort_reads_its_ids() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&[
        "hotspots",
        "--excel-da",
        "--top-percent",
        "34",
        "-o",
        "top.csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = wd.run(&["savings", "--cohort", "top.csv", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // A and B, as the hotspots listed them.
    assert_eq!(value["summary"]["cohort_units"], 2, "{}", run.stdout);
}

#[test]
fn json_rows_keep_the_columns() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&["hotspots", "--format", "json", "--top-percent", "34"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["tvaers_version"], env!("CARGO_PKG_VERSION"));
    let rows = &value["rows"];
    assert_eq!(rows[1]["unit_id"], "B");
    assert_eq!(rows[1]["total_cost"], 1500.0);
    assert_eq!(rows[1]["first_date"], "2023-03-01");
    assert_eq!(
        rows[0]["cost_Tilbud til børn og unge med særlige behov"],
        500.0
    );
}

#[test]
fn rekey_replaces_ids_with_keyed_pseudonyms() {
    use hmac::{Hmac, Mac};
    let wd = Workdir::fixture("units");
    let key = [42u8; 32];
    wd.write("key", key);
    let out = hotspots(&wd, &["--top-percent", "34", "--rekey", "key"]);
    let expected = |id: &str| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(id.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..8])
    };
    eqnice!(
        format!(
            "{HEADER}1,{}{}2,{}{}",
            expected("A"),
            &A[1..],
            expected("B"),
            &B[1..]
        ),
        out
    );
    wd.write("short", b"0123456789");
    let run = wd.run(&["hotspots", "--rekey", "short"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("holds 10 bytes; a key needs at least 32"),
        "{}",
        run.stderr
    );
}

#[test]
fn same_input_same_bytes() {
    let wd = Workdir::fixture("units");
    let flags = [
        "--unit",
        "family",
        "--top-percent",
        "100",
        "--min-departments",
        "1",
    ];
    assert_eq!(hotspots(&wd, &flags), hotspots(&wd, &flags));
}

#[test]
fn closing_the_pipe_early_is_success_and_silent() {
    let wd = Workdir::new();
    wd.generate("m", 3000, 5, &[]);
    // Well over a pipe buffer (64 KiB) of CSV, of which `head` reads one line.
    let script = format!(
        "{} hotspots --config m/tvaers.toml --top-percent 100 --min-departments 1 --format csv | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_tvaers")
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(wd.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "0\n");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn parquet_output_holds_the_same_table() {
    use polars::prelude::*;
    let wd = Workdir::fixture("units");
    let run = wd.run(&["hotspots", "--top-percent", "34", "--output", "h.parquet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let file = std::fs::File::open(wd.path().join("h.parquet")).unwrap();
    let frame = ParquetReader::new(file).finish().unwrap();
    assert_eq!(frame.height(), 2);
    let ids: Vec<&str> = frame
        .column("unit_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, ["A", "B"]);
    let costs: Vec<f64> = frame
        .column("total_cost")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(costs, [1500.0, 1500.0]);
}
