//! `tvaers validate`: output formats and exit codes.

use crate::eqnice;
use crate::load::danish_workspace;
use crate::workdir::Workdir;

#[test]
fn json_lists_every_source() {
    let wd = danish_workspace();
    let run = wd.run(&[
        "validate",
        "--format",
        "json",
        "--max-reject-rate",
        "0.5",
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let rows = &value["rows"];
    assert_eq!(rows[0]["source"], "job");
    assert_eq!(rows[0]["read"], 8);
    assert_eq!(rows[1]["department"], "Beskæftigelse|Børn og Familie");
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let wd = danish_workspace();
    let run = wd.run(&[
        "validate",
        "--output",
        "counts.csv",
        "--max-reject-rate",
        "0.5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(wd
        .read("counts.csv")
        .starts_with("source,kind,department,files,read,accepted,rejected,outside_period\n"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let wd = danish_workspace();
    let run = wd.run(&["validate", "--no-such-flag"]);
    assert_eq!(run.code, 2);
}

#[test]
fn missing_config_names_the_path_and_how_to_make_one() {
    let wd = danish_workspace();
    let run = wd.run(&["validate", "--config", "nope.toml"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: no config at nope.toml: write one for a folder of extracts with `tvaers init [FOLDER]`, name another with `--config PATH`, or try the tool on a synthetic municipality with `tvaers generate --out DIR` and `--config DIR/tvaers.toml`\n",
        run.stderr
    );
}

#[test]
fn report_in_a_fresh_folder_says_how_to_make_a_config() {
    let run = Workdir::new().run(&["report"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: no config at tvaers.toml: write one for a folder of extracts with `tvaers init [FOLDER]`, name another with `--config PATH`, or try the tool on a synthetic municipality with `tvaers generate --out DIR` and `--config DIR/tvaers.toml`\n",
        run.stderr
    );
}
