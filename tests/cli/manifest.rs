//! `--manifest FILE`: the record of a run, written whatever its exit code,
//! the same bytes for the same run, and never over an input. The hashes
//! below were computed with `sha256sum` from the files as written here.

use crate::eqnice;
use crate::workdir::Workdir;

const CONFIG: &str = "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = 1\n\n\
[[sources]]\nname = \"payments\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"payments.csv\"\n\n\
[[sources]]\nname = \"meetings\"\nkind = \"contacts\"\ndepartment = \"Job\"\npath = \"meetings.csv\"\n";
const CONFIG_SHA256: &str = "6d2047e3f0a4f5b95af45a8f8ea0029bf7c176d64d004295209192747e160384";

/// Three rows: one accepted, one rejected (amount `oops`), one outside the period.
const PAYMENTS: &str = "citizen,date,amount,account\nA,2023-02-01,100.50,52821\n\
B,2023-03-01,oops,52821\nA,2022-12-31,10,52821\n";
const PAYMENTS_SHA256: &str = "f7bd135539c69fd239edbd02f7a3baeb06a3a6879eb7c283170d5520d58405ec";

const MEETINGS: &str = "citizen,date\nA,2023-02-02\n";
const MEETINGS_SHA256: &str = "fbbde5192d3d1220c39003352ce1fcc4d96f6d64aada7327181320ede8411df1";

fn workspace() -> Workdir {
    let wd = Workdir::new();
    wd.write("tvaers.toml", CONFIG);
    wd.write("payments.csv", PAYMENTS);
    wd.write("meetings.csv", MEETINGS);
    wd
}

/// The manifest of a run of `arguments` that read both sources.
fn expected(arguments: &[&str], exit_code: u8, error: Option<&str>) -> String {
    let value = serde_json::json!({
        "schema_version": 1,
        "tvaers_version": env!("CARGO_PKG_VERSION"),
        "command": arguments[0],
        "arguments": arguments,
        "exit_code": exit_code,
        "error": error,
        "config": {"path": "tvaers.toml", "size": 242, "sha256": CONFIG_SHA256},
        "period": {"from": "2023-01-01", "to": "2023-12-31"},
        "inputs": [
            {"source": "payments", "kind": "expenses", "path": "payments.csv", "size": 100,
             "sha256": PAYMENTS_SHA256},
            {"source": "meetings", "kind": "contacts", "path": "meetings.csv", "size": 26,
             "sha256": MEETINGS_SHA256},
        ],
        "sources": [
            {"source": "payments", "kind": "expenses", "files": 1, "read": 3, "accepted": 2,
             "rejected": 1, "outside_period": 1},
            {"source": "meetings", "kind": "contacts", "files": 1, "read": 1, "accepted": 1,
             "rejected": 0, "outside_period": 0},
        ],
    });
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

#[test]
fn a_manifest_records_inputs_counts_and_exit_code_of_a_good_run() {
    let wd = workspace();
    let args = [
        "hotspots",
        "--max-reject-rate",
        "0.5",
        "--format",
        "csv",
        "--manifest",
        "run.json",
    ];
    let run = wd.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(expected(&args, 0, None), wd.read("run.json"));
    // No wall-clock time: the same run gives the same bytes.
    let first = wd.read("run.json");
    assert_eq!(wd.run(&args).code, 0);
    eqnice!(first, wd.read("run.json"));
}

#[test]
fn a_manifest_is_written_when_the_reject_rate_fails_the_run_with_exit_3() {
    let wd = workspace();
    let args = ["overview", "--format", "json", "--manifest", "run.json"];
    let run = wd.run(&args);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let error = "source \"payments\" rejected 1 of 3 rows (33.33 %), above the allowed 1.00 % \
                 (--max-reject-rate 0.01)";
    assert!(run.stderr.contains(error), "{}", run.stderr);
    eqnice!(expected(&args, 3, Some(error)), wd.read("run.json"));
}

#[test]
fn a_manifest_is_written_when_the_run_fails_with_exit_1() {
    let wd = workspace();
    wd.write("meetings.csv", "borger,date\nA,2023-02-02\n");
    let run = wd.run(&["validate", "--manifest", "run.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("run.json")).unwrap();
    assert_eq!(manifest["exit_code"], 1);
    assert_eq!(
        manifest["error"].as_str().map(|e| e.contains("citizen")),
        Some(true),
        "{manifest}"
    );
    assert_eq!(manifest["config"]["sha256"], CONFIG_SHA256);
    assert_eq!(manifest["inputs"].as_array().map(Vec::len), Some(2));
    // Counts exist only for sources that were read to the end.
    assert_eq!(manifest["sources"], serde_json::json!([]));

    // Without a config there is nothing to hash but the run's end.
    let run = wd.run(&[
        "hotspots",
        "--config",
        "none.toml",
        "--manifest",
        "none.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("none.json")).unwrap();
    assert_eq!(manifest["exit_code"], 1);
    assert_eq!(manifest["config"], serde_json::Value::Null);
    assert_eq!(manifest["period"], serde_json::Value::Null);
    assert_eq!(manifest["inputs"], serde_json::json!([]));
}

#[test]
fn a_manifest_naming_an_input_is_refused_and_the_input_kept() {
    let wd = workspace();
    for input in ["tvaers.toml", "payments.csv", "./meetings.csv"] {
        let before = std::fs::read(wd.path().join(input)).unwrap();
        let run = wd.run(&["hotspots", "--max-reject-rate", "0.5", "--manifest", input]);
        assert_eq!(run.code, 1, "{input}: {}", run.stderr);
        assert!(
            run.stderr.contains("--manifest")
                && run.stderr.contains("refusing to overwrite an input"),
            "{input}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{input}");
        assert_eq!(
            std::fs::read(wd.path().join(input)).unwrap(),
            before,
            "{input}"
        );
    }
    wd.write("cohort.csv", "unit_id\nA\n");
    let run = wd.run(&[
        "savings",
        "--cohort",
        "cohort.csv",
        "--manifest",
        "cohort.csv",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(wd.read("cohort.csv"), "unit_id\nA\n");
}

#[test]
fn a_manifest_records_the_cohort_file_and_every_analysis_command_takes_the_flag() {
    let wd = workspace();
    wd.write("cohort.csv", "unit_id\nA\n");
    let args = [
        "savings",
        "--cohort",
        "cohort.csv",
        "--max-reject-rate",
        "0.5",
        "--format",
        "json",
        "--manifest",
        "run.json",
    ];
    let run = wd.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest: serde_json::Value = serde_json::from_str(&wd.read("run.json")).unwrap();
    // sha256sum of "unit_id\nA\n".
    assert_eq!(
        manifest["inputs"][2],
        serde_json::json!({"source": null, "kind": null, "path": "cohort.csv", "size": 10,
            "sha256": "0df44d90e961bebc92ac811c55ba3865d8213271d939062a660a71a1c3091ad7"})
    );
    for command in [
        "validate", "report", "overview", "hotspots", "savings", "realised", "monitor", "ladder",
    ] {
        let run = wd.run(&[
            command,
            "--max-reject-rate",
            "0.5",
            "--manifest",
            "each.json",
        ]);
        let manifest: serde_json::Value = serde_json::from_str(&wd.read("each.json")).unwrap();
        assert_eq!(manifest["command"], command);
        assert_eq!(manifest["exit_code"], run.code, "{command}: {}", run.stderr);
    }
}
