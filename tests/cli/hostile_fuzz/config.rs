//! Random damage to a workspace config and random flag values: unknown keys,
//! wrong types, bad globs, delimiters, encodings and date formats, sources
//! that match nothing, `min_cell` of 0 or huge; flags negative, NaN, huge,
//! empty or unknown. A usage error (exit 2) or a config error (exit 1) is a
//! right answer; a panic, a hang or a leak is not.

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Replaces one random occurrence of a line starting with `key =` by `key = value`.
fn set_key(rng: &mut ChaCha8Rng, text: &str, key: &str, value: &str) -> Option<String> {
    let prefix = format!("{key} =");
    let lines: Vec<&str> = text.lines().collect();
    let hits: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(&prefix))
        .collect();
    let &hit = hits.choose(rng)?;
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[hit] = format!("{key} = {value}");
    Some(out.join("\n") + "\n")
}

/// Applies one random mutation to the config text; says what it did.
pub fn mutate_config(rng: &mut ChaCha8Rng, text: &mut String) -> String {
    let choices: &[(&str, &[&str])] = &[
        (
            "min_cell",
            &[
                "0",
                "-1",
                "99999999999",
                "18446744073709551616",
                "\"five\"",
                "1.5",
                "nan",
            ],
        ),
        (
            "delimiter",
            &[
                "\"::\"", "\"\"", "\"tab\"", "\";\"", "\"|\"", "\"\\\"\"", "\"\\n\"", "5",
            ],
        ),
        (
            "encoding",
            &[
                "\"utf-7\"",
                "\"auto\"",
                "\"windows-1252\"",
                "\"iso-8859-1\"",
                "\"utf-16\"",
                "\"\"",
            ],
        ),
        (
            "date_format",
            &[
                "\"%Q\"",
                "\"\"",
                "\"%d-%m-%Y\"",
                "\"%Y\"",
                "\"%Y-%m-%d %H\"",
                "\"%\"",
            ],
        ),
        ("decimal", &["\",\"", "\"x\"", "\"\"", "\".\""]),
        (
            "path",
            &[
                "\"[\"",
                "\"nothing/*.csv\"",
                "\"\"",
                "\"**/*.csv\"",
                "\"../../*.csv\"",
                "\"*/\"",
            ],
        ),
        (
            "from",
            &[
                "\"2024-12-31\"",
                "\"2022-02-30\"",
                "\"\"",
                "\"0000-01-01\"",
                "2022-01-01",
                "\"9999-12-31\"",
            ],
        ),
        (
            "to",
            &[
                "\"2022-01-01\"",
                "\"2021-12-31\"",
                "\"yesterday\"",
                "\"262143-12-31\"",
            ],
        ),
        (
            "kind",
            &[
                "\"expense\"",
                "\"enrolments\"",
                "\"ladder\"",
                "\"households\"",
                "\"\"",
            ],
        ),
        (
            "name",
            &[
                "\"husstande\"",
                "\"\"",
                "\"a\\u0000b\"",
                "\"=cmd|' /C calc'!A0\"",
            ],
        ),
        ("citizen", &["\"family\"", "\"date\"", "\"nope\"", "\"\""]),
        ("account_skip_digits", &["-1", "99", "1"]),
        ("horizon_years", &["0", "-1", "101", "100", "\"5\""]),
        ("discount_rate", &["1.5", "-0.1", "nan", "inf", "0.99"]),
        (
            "ramp_up",
            &["[]", "[2.0]", "[nan]", "\"x\"", "[0.0, 0.0, 0.0]"],
        ),
        ("default", &["nan", "-1.0", "2.0", "inf", "\"x\""]),
    ];
    match rng.random_range(0..10) {
        0 => {
            let key = [
                "colour = \"blue\"",
                "min_cells = 5",
                "[[sourcez]]",
                "from = 2022",
            ];
            let key = key.choose(rng).unwrap();
            *text = text.replacen("[analysis]\n", &format!("[analysis]\n{key}\n"), 1);
            format!("config: add {key:?} under [analysis]")
        }
        1 => {
            let cut = rng.random_range(0..=text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            text.truncate(cut);
            format!("config: truncate to {cut} bytes")
        }
        2 => {
            let keep = text.find("[[sources]]").unwrap_or(text.len());
            let savings = text.find("[savings]").map(|at| text[at..].to_string());
            *text = format!("{}{}", &text[..keep], savings.unwrap_or_default());
            "config: remove every source".into()
        }
        3 => {
            let line = "\n[budget_areas]\n\"\" = \"Tom\"\n\"5\" = \"\"\n";
            text.push_str(line);
            "config: empty account prefix and area name in [budget_areas]".into()
        }
        _ => {
            let (key, values) = choices.choose(rng).unwrap();
            let value = values.choose(rng).unwrap();
            match set_key(rng, text, key, value) {
                Some(changed) => {
                    *text = changed;
                    format!("config: set one {key} = {value}")
                }
                None => format!("config: no {key} to set"),
            }
        }
    }
}

/// The commands a case runs, each with the flags it takes.
pub const COMMANDS: &[(&str, &[&str])] = &[
    (
        "hotspots",
        &[
            "--unit",
            "--top-percent",
            "--min-cost",
            "--min-departments",
            "--min-caseworkers",
            "--min-years",
            "--limit",
        ],
    ),
    ("overview", &["--unit"]),
    (
        "savings",
        &[
            "--unit",
            "--top-percent",
            "--min-cost",
            "--scenario",
            "--horizon-years",
            "--discount-rate",
            "--coordinator-cost",
            "--setup-cost",
            "--ramp-up",
            "--deadweight",
            "--optimism-bias",
            "--effect",
            "--cohort",
        ],
    ),
    (
        "report",
        &[
            "--top-percent",
            "--min-cost",
            "--min-departments",
            "--min-years",
            "--top",
        ],
    ),
    (
        "realised",
        &[
            "--unit",
            "--window-months",
            "--neighbours",
            "--match-on",
            "--max-imbalance",
            "--resamples",
            "--seed",
            "--event-study",
        ],
    ),
    (
        "monitor",
        &[
            "--unit",
            "--window-months",
            "--neighbours",
            "--match-on",
            "--max-imbalance",
            "--resamples",
            "--seed",
            "--every",
        ],
    ),
    (
        "ladder",
        &[
            "--top-percent",
            "--min-departments",
            "--cohort",
            "--enrolled",
            "--top-step",
        ],
    ),
];

/// Flags every analysis takes (besides `--config` and `--rejects`).
const COMMON: &[&str] = &[
    "--from",
    "--to",
    "--max-reject-rate",
    "--format",
    "--output",
    "--excel-da",
    "--quiet",
    "--bogus",
];

/// A valid value for `flag`, so that a case gets past parsing to the data;
/// `None` for a switch.
fn sane_value(rng: &mut ChaCha8Rng, flag: &str) -> Option<String> {
    let pick = |rng: &mut ChaCha8Rng, pool: &[&str]| pool.choose(rng).unwrap().to_string();
    Some(match flag {
        "--excel-da" | "--quiet" | "--event-study" | "--enrolled" | "--bogus" => return None,
        "--from" => pick(rng, &["2022-01-01", "2023-06-01", "2020-01-01"]),
        "--to" => pick(rng, &["2024-12-31", "2023-12-31", "2025-06-30"]),
        "--format" => pick(rng, &["table", "csv", "json", "parquet"]),
        "--unit" => pick(rng, &["citizen", "family"]),
        "--scenario" => pick(rng, &["low", "base", "high", "all"]),
        "--every" => pick(rng, &["month", "quarter", "year"]),
        "--match-on" => "departments".into(),
        "--effect" => pick(rng, &["Kontante ydelser=0.5", "default=0"]),
        "--ramp-up" => pick(rng, &["0.5,1", "1"]),
        "--max-reject-rate" | "--deadweight" | "--optimism-bias" | "--discount-rate" => {
            pick(rng, &["0", "0.5", "1", "0.01"])
        }
        "--horizon-years" | "--window-months" | "--neighbours" => pick(rng, &["1", "3", "12"]),
        "--output" | "--cohort" | "--resamples" | "--limit" | "--top" => return value(rng, flag),
        _ => pick(rng, &["0", "1", "2", "5", "0.5", "100"]),
    })
}

/// A random value for `flag`; `None` for a switch.
fn value(rng: &mut ChaCha8Rng, flag: &str) -> Option<String> {
    const NUMBERS: &[&str] = &[
        "-1",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "1e309",
        "",
        "0",
        "1",
        "0.5",
        "99999999999999999999",
        "abc",
        "5",
        "100",
        "1e-9",
        "-0",
        "0x10",
        "1,5",
    ];
    let pick = |rng: &mut ChaCha8Rng, pool: &[&str]| pool.choose(rng).unwrap().to_string();
    Some(match flag {
        "--excel-da" | "--quiet" | "--event-study" | "--enrolled" | "--bogus" => return None,
        "--from" | "--to" => pick(
            rng,
            &[
                "2023-02-30",
                "",
                "2023-06-01",
                "9999-12-31",
                "0000-01-01",
                "2024-01-01",
                "01-01-2023",
                "2022-1-1",
            ],
        ),
        "--format" => pick(rng, &["table", "csv", "json", "parquet", "xml", ""]),
        "--output" => pick(
            rng,
            &[
                "out/result.csv",
                "out/result.json",
                "out/result.parquet",
                "out/result.txt",
                "out/result",
            ],
        ),
        "--unit" => pick(rng, &["citizen", "family", "household", ""]),
        "--scenario" => pick(rng, &["low", "base", "high", "all", "x"]),
        "--every" => pick(rng, &["month", "quarter", "year", "week"]),
        "--match-on" => pick(rng, &["departments", "x", ""]),
        "--effect" => pick(
            rng,
            &[
                "Kontante ydelser=0.5",
                "x=2",
                "=",
                "default=nan",
                "Sundhed=-1",
                "Kontante ydelser",
            ],
        ),
        "--ramp-up" => pick(rng, &["0.5,1", "", "x", "2", "nan,1", "0.1,0.2,0.3"]),
        "--cohort" => pick(
            rng,
            &["out/cohort.csv", "out/missing.csv", "ws/tvaers.toml"],
        ),
        // Unbounded on purpose (more resamples, more time): kept small here.
        "--resamples" => pick(rng, &["0", "1", "-1", "NaN", "", "50", "abc"]),
        "--limit" | "--top" => pick(rng, &["0", "1", "-1", "", "99999999999999999999", "3"]),
        _ => pick(rng, NUMBERS),
    })
}

/// A random command line for an analysis: the command, 0 to 3 of its own
/// flags and 0 to 2 common ones, with hostile values in a third of the cases
/// and valid ones in the rest (which then reach the data).
pub fn command_line(rng: &mut ChaCha8Rng) -> Vec<String> {
    let (command, own) = COMMANDS.choose(rng).unwrap();
    let hostile = rng.random_bool(0.33);
    let mut args = vec![command.to_string()];
    let mut add = |rng: &mut ChaCha8Rng, flag: &str| {
        if !hostile && (flag == "--bogus" || args.iter().any(|a| a == flag)) {
            return;
        }
        args.push(flag.to_string());
        let value = if hostile {
            value(rng, flag)
        } else {
            sane_value(rng, flag)
        };
        if let Some(v) = value {
            args.push(v);
        }
    };
    for _ in 0..rng.random_range(0..=3) {
        let flag = own.choose(rng).unwrap();
        add(rng, flag);
    }
    for _ in 0..rng.random_range(0..=2) {
        let flag = COMMON.choose(rng).unwrap();
        add(rng, flag);
    }
    if *command == "overview" && rng.random_bool(0.5) && !args.iter().any(|a| a == "--format") {
        args.extend(["--format".to_string(), "json".to_string()]);
    }
    args
}
