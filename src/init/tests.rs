//! `init` on small folders written by hand: the whole config text, the
//! period rule and the reasons given for files it cannot classify.

use super::*;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn plan_of(files: &[(&str, &str)]) -> Plan {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    plan(dir.path(), dir.path(), &dir.path().join("tvaers.toml")).unwrap()
}

const HEADER: &str = "BorgerID;Bogføringsdato;Beløb;Konto\n";

#[test]
fn the_period_is_the_whole_calendar_years_of_the_expense_data() {
    let expenses = |first: &str, last: &str| {
        format!("{HEADER}p1;{first};1,00;5.28.21\np2;{last};1,00;5.28.21\n")
    };
    let period =
        |first: &str, last: &str| plan_of(&[("a/udgifter.csv", &expenses(first, last))]).period;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        period("01-07-2021", "31-03-2025"),
        Some((day(2022, 1, 1), day(2024, 12, 31)))
    );
    // Data from the first working days of January to the last of December.
    assert_eq!(
        period("04-01-2021", "30-12-2022"),
        Some((day(2021, 1, 1), day(2022, 12, 31)))
    );
    assert_eq!(period("01-02-2023", "31-12-2023"), None);
    let partial = plan_of(&[("a/udgifter.csv", &expenses("01-02-2023", "31-12-2023"))]);
    assert!(
        partial.text.contains(
            "[analysis]\n# The expense data (2023-02-01 to 2023-12-31) covers no whole calendar year: set from and to.\nmin_cell = 5\n"
        ),
        "{}",
        partial.text
    );
}

#[test]
fn a_file_missing_a_required_column_is_listed_with_what_is_missing() {
    let plan = plan_of(&[
        (
            "a/udgifter.csv",
            "BorgerID;Dato;Beløb\np1;01-01-2023;1,00\n",
        ),
        ("a/kontakter.csv", "BorgerID;Dato\np1;01-01-2023\n"),
    ]);
    assert_eq!(plan.unclassified.len(), 1);
    let (file, reason) = &plan.unclassified[0];
    assert!(file.ends_with("a/udgifter.csv"), "{}", file.display());
    assert_eq!(
        reason,
        "looks like expenses (it has Beløb) but has no column for account; its columns are: BorgerID, Dato, Beløb"
    );
    assert!(plan.text.contains(
        "\n# Files not classified, each with the reason:\n# - a/udgifter.csv: looks like expenses (it has Beløb) but has no column for account; its columns are: BorgerID, Dato, Beløb\n"
    ), "{}", plan.text);
    assert_eq!(plan.sources, 1);
}

#[test]
fn the_config_marks_guesses_and_lists_unmapped_columns() {
    let plan = plan_of(&[
        (
            "jobcenter/udgifter_2023.csv",
            "CPR;Posteringsdato;Udgift;Kontostreng;Note\np1;02.01.2023;1.234,50;5.28.21;x\n",
        ),
        (
            "jobcenter/udgifter_2024.csv",
            "CPR;Posteringsdato;Udgift;Kontostreng;Note\np1;31.12.2024;-1,00;5.28.21;\n",
        ),
        (
            "jobcenter/kontakter.csv",
            "CPR;Dato;Raadgiver\np1;03.01.2023;r1\n",
        ),
        ("familier/familier.csv", "CPR;Familie\np1;f1\n"),
    ]);
    let expected = r#"# Written by `tvaers init` from the extracts it found.
# Paths are relative to this file. Lines marked "guess" were inferred
# from names and values: check them before you trust a report.

[analysis]
# guess: the whole calendar years of the expense data (2023-01-02 to 2024-12-31)
from = "2023-01-01"
to = "2024-12-31"
min_cell = 5

# Every source inherits these; a source's own keys win.
[defaults.csv]
delimiter = ";"
encoding = "utf-8"
date_format = "%d.%m.%Y"
# guess: columns recognised by their names
[defaults.columns]
citizen = "CPR"

[[sources]]
name = "jobcenter-udgifter"
kind = "expenses"  # guess: from the columns Udgift, Kontostreng
department = "Jobcenter"  # guess: the folder name "jobcenter"
path = "jobcenter/udgifter_*.csv"
# 2 files, 2 data rows
# unmapped columns: Note (not a known column name)
[sources.csv]
decimal = ","
# guess: columns recognised by their names
[sources.columns]
date = "Posteringsdato"
amount = "Udgift"
account = "Kontostreng"

[[sources]]
name = "jobcenter-kontakter"
kind = "contacts"  # guess: from the columns CPR, Dato
department = "Jobcenter"  # guess: the folder name "jobcenter"
path = "jobcenter/kontakter.csv"
# 1 file, 1 data row
# guess: columns recognised by their names
[sources.columns]
date = "Dato"
caseworker = "Raadgiver"

[[sources]]
name = "familier"
kind = "households"  # guess: from the columns Familie
path = "familier/familier.csv"
# 1 file, 1 data row
# guess: columns recognised by their names
[sources.columns]
family = "Familie"

# guess: example savings assumptions; put your own before reading `savings`.
[savings]
horizon_years = 5
discount_rate = 0.035
coordinator_cost = 90000
setup_cost = 500000
ramp_up = [0.5, 1.0]
deadweight = 0.0
optimism_bias = 0.0
[savings.effects]
"Kontante ydelser" = 0.10
default = 0.05
"#;
    assert_eq!(plan.text, expected, "\n{}", plan.text);
    assert_eq!(plan.guesses, 11);
    assert_eq!((plan.sources, plan.files), (3, 4));
}
