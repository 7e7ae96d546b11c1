//! Bad flag values are usage errors (exit 2) naming the flag; the same
//! values in the config's [savings] table are errors (exit 1) naming the key.

use crate::workdir::Workdir;

#[test]
fn out_of_range_flag_values_are_usage_errors_naming_the_flag() {
    let wd = Workdir::fixture("units");
    let cases: &[(&[&str], &str)] = &[
        (&["hotspots", "--min-years", "-1"], "--min-years"),
        (&["hotspots", "--min-cost", "NaN"], "--min-cost"),
        (&["hotspots", "--min-cost", "inf"], "--min-cost"),
        (&["hotspots", "--min-cost", "-5"], "--min-cost"),
        (&["savings", "--horizon-years", "0"], "--horizon-years"),
        (&["savings", "--ramp-up", "0.5,2"], "--ramp-up"),
        (
            &["savings", "--coordinator-cost", "-5"],
            "--coordinator-cost",
        ),
        (&["savings", "--setup-cost", "inf"], "--setup-cost"),
        (&["savings", "--discount-rate", "-1"], "--discount-rate"),
        (&["savings", "--discount-rate", "1"], "--discount-rate"),
        (&["savings", "--deadweight", "1.5"], "--deadweight"),
        (&["savings", "--optimism-bias", "-0.1"], "--optimism-bias"),
        (&["savings", "--effect", "=0.5"], "--effect"),
        (&["savings", "--effect", "Kontante ydelser=2"], "--effect"),
        (&["savings", "--effect", "Kontante ydelser"], "--effect"),
        (
            &["hotspots", "--excel-da", "--format", "json"],
            "--excel-da",
        ),
        (&["hotspots", "--excel-da", "-o", "top.json"], "--excel-da"),
    ];
    for (args, flag) in cases {
        let run = wd.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(flag), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn an_effect_for_a_misspelt_budget_area_is_refused_with_the_closest_name() {
    let wd = Workdir::fixture("units");
    let run = wd.run(&["savings", "--effect", "Kontante ydelse=0.2"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "tvaers: --effect names the budget area \"Kontante ydelse\", which is neither in \
         [budget_areas], nor in the default kontoplan table, nor \"default\"; did you mean \
         \"Kontante ydelser\"?\n"
    );
    let run = wd.run(&[
        "savings",
        "--effect",
        "Kontante ydelser=0.2",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn out_of_range_savings_config_values_are_errors_naming_the_key() {
    let cases = [
        ("discount_rate = -0.5", "savings.discount_rate"),
        ("horizon_years = 0", "savings.horizon_years"),
        ("ramp_up = [2.0]", "savings.ramp_up"),
        ("coordinator_cost = -5.0", "savings.coordinator_cost"),
        (
            "scenarios = { low = -0.5, base = 1.0, high = 1.5 }",
            "savings.scenarios.low",
        ),
        ("effects = { \"\" = 0.5 }", "savings.effects"),
    ];
    for (line, key) in cases {
        let wd = Workdir::fixture("units");
        let config = wd.read("tvaers.toml");
        wd.write("tvaers.toml", format!("{config}\n[savings]\n{line}\n"));
        let run = wd.run(&["savings", "--format", "json"]);
        assert_eq!(run.code, 1, "{line}: {}", run.stderr);
        assert!(run.stderr.contains(key), "{line}: {}", run.stderr);
    }
    let wd = Workdir::fixture("units");
    let config = wd.read("tvaers.toml");
    wd.write(
        "tvaers.toml",
        format!("{config}\n[savings]\neffects = {{ \"Kontant ydelser\" = 0.5 }}\n"),
    );
    let run = wd.run(&["savings", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("savings.effects names the budget area \"Kontant ydelser\""),
        "{}",
        run.stderr
    );
}
