//! `tvaers init`: a config for a folder of extracts that reads them as the
//! hand-written (or generated) config does, in both layouts, with headers
//! in other spellings and files in mixed encodings.

use crate::eqnice;
use crate::workdir::{Run, Workdir};

fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// `validate` and `report` as CSV with the config in `dir`.
fn outputs(wd: &Workdir, dir: &str) -> (String, String) {
    let config = format!("{dir}/tvaers.toml");
    let validate = ok(wd.run(&["validate", "--config", &config, "--format", "csv"]));
    let report = ok(wd.run(&["report", "--config", &config, "--format", "csv"]));
    (validate.stdout, report.stdout)
}

fn round_trip(dialect: &str, format: &str) {
    let wd = Workdir::new();
    ok(wd.run(&[
        "generate",
        "--citizens",
        "400",
        "--seed",
        "5",
        "--out",
        "m",
        "--dialect",
        dialect,
        "--format",
        format,
    ]));
    let (validate, report) = outputs(&wd, "m");
    std::fs::remove_file(wd.path().join("m/tvaers.toml")).unwrap();
    let init = ok(wd.run(&["init", "m"]));
    let guesses = init.stderr.lines().next().unwrap_or_default().to_string();
    assert!(
        guesses.starts_with(
            "tvaers: wrote m/tvaers.toml: 13 sources from 33 files, period 2022-01-01 to 2024-12-31; "
        ),
        "{}",
        init.stderr
    );
    assert!(
        init.stderr
            .ends_with("tvaers: next: tvaers validate --config m/tvaers.toml\n"),
        "{}",
        init.stderr
    );
    let (validate_again, report_again) = outputs(&wd, "m");
    eqnice!(report, report_again);
    // init lists departments in name order, generate in its own: the same
    // rows, byte for byte, in another order.
    eqnice!(sorted(&validate), sorted(&validate_again));
    assert_eq!(validate.lines().count(), 14);
}

fn sorted(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].sort_unstable();
    lines.join("\n")
}

#[test]
fn init_round_trip_danish_csv() {
    round_trip("danish", "csv");
}

#[test]
fn init_round_trip_plain_csv() {
    round_trip("plain", "csv");
}

#[test]
fn init_round_trip_danish_parquet() {
    round_trip("danish", "parquet");
}

#[test]
fn init_round_trip_plain_parquet() {
    round_trip("plain", "parquet");
}

/// Extracts of two departments side by side in one folder, headers in other
/// spellings, three delimiters and two encodings (one source in both).
fn flat_folder(wd: &Workdir) {
    wd.write(
        "x/jobcenter_udgifter_1.csv",
        "CPR;Posteringsdato;Udgift;Kontostreng;Sagsnummer;Bemærkning\n\
         p1;02.01.2023;1.234,50;5.28.21;S1;første\n\
         p2;15.06.2023;-12,5;5.28.21;S2;\n",
    );
    wd.write_cp1252(
        "x/jobcenter_udgifter_2.csv",
        "CPR;Posteringsdato;Udgift;Kontostreng;Sagsnummer;Bemærkning\n\
         p1;31.12.2023;100,00;5.28.21;S1;bøde\n",
    );
    wd.write(
        "x/jobcenter_kontakter.csv",
        "cpr,dato,medarbejder,sag\np1,2023-03-01,m1,S1\np3,2023-04-01,m2,S3\n",
    );
    wd.write_cp1252(
        "x/skole_udgifter.csv",
        "Borger Pseudo ID|Dato|Beløb|Art\np1|13/1/2023|2.000|5.28.21\np4|20/2/2023|50,25|3.01.01\n",
    );
    wd.write(
        "x/husstand.csv",
        "BorgerPseudoID;Husstand;Gyldig fra;Gyldig til\np1;f1;2023-01-01;\np3;f1;2023-01-01;2023-12-31\n",
    );
    wd.write("x/noter.txt", "Udtræk fra jobcentret, december 2023\n");
    wd.write(
        "x/amb_kontakter.csv",
        "BorgerID;Dato\np1;03/04/2023\np2;05/06/2023\n",
    );
}

#[test]
fn init_reads_a_flat_folder_with_other_spellings_and_mixed_encodings() {
    let wd = Workdir::new();
    flat_folder(&wd);
    let init = ok(wd.run(&["init", "x"]));
    eqnice!(
        "tvaers: wrote x/tvaers.toml: 4 sources from 5 files, period 2023-01-01 to 2023-12-31; 13 guesses marked \"guess\" to check\n\
         tvaers: warning: not classified: x/amb_kontakter.csv: its dates are ambiguous: every one reads as %d/%m/%Y and as %m/%d/%Y, and they differ (e.g. \"03/04/2023\"); set date_format by hand\n\
         tvaers: warning: not classified: x/noter.txt: no column names a known field (a citizen and a date, an amount, a family, a step or a start); its columns are: Udtræk fra jobcentret, december 2023\n\
         tvaers: next: tvaers validate --config x/tvaers.toml\n",
        init.stderr
    );
    let validate = ok(wd.run(&["validate", "--config", "x/tvaers.toml", "--format", "csv"]));
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         jobcenter-udgifter,expenses,Jobcenter,2,3,3,0,0\n\
         jobcenter-kontakter,contacts,Jobcenter,1,2,2,0,0\n\
         skole-udgifter,expenses,Skole,1,2,2,0,0\n\
         husstand,households,,1,2,2,0,0\n",
        validate.stdout
    );
    let hotspots = ok(wd.run(&[
        "hotspots",
        "--config",
        "x/tvaers.toml",
        "--format",
        "csv",
        "--min-departments",
        "1",
        "--top-percent",
        "100",
    ]));
    eqnice!(
        "rank,unit_id,members,total_cost,departments,caseworkers,contacts,cases,first_date,last_date,active_days,cost_Tilbud til børn og unge med særlige behov,cost_Uncategorised\n\
         1,p1,1,3334.50,2,1,1,1,2023-01-02,2023-12-31,364,3334.50,0.00\n\
         2,p4,1,50.25,1,0,0,0,2023-02-20,2023-02-20,1,0.00,50.25\n\
         3,p3,1,0.00,1,1,1,1,2023-04-01,2023-04-01,1,0.00,0.00\n\
         4,p2,1,-12.50,1,0,0,1,2023-06-15,2023-06-15,1,-12.50,0.00\n",
        hotspots.stdout
    );
}

#[test]
fn init_reads_a_folder_per_department() {
    let wd = Workdir::new();
    wd.write(
        "y/jobcenter/udgifter.csv",
        "BorgerID;Bogføringsdato;Beløb;Konto\np1;05-01-2022;10,00;5.28.21\np2;28-12-2023;20,00;5.28.21\n",
    );
    wd.write(
        "y/jobcenter/kontakter.csv",
        "BorgerID;Kontaktdato;Sagsbehandler\np1;01-02-2022;m1\n",
    );
    wd.write(
        "y/boern-og-familie/udgifter.csv",
        "BorgerID;Bogføringsdato;Beløb;Konto\np1;01-06-2023;5,00;5.28.21\n",
    );
    wd.write(
        "y/husstande/husstande.csv",
        "BorgerID;FamilieID\np1;f1\np2;f1\n",
    );
    let init = ok(wd.run(&["init", "y", "--out", "y.toml"]));
    eqnice!(
        "tvaers: wrote y.toml: 4 sources from 4 files, period 2022-01-01 to 2023-12-31; 12 guesses marked \"guess\" to check\n\
         tvaers: next: tvaers validate --config y.toml\n",
        init.stderr
    );
    let validate = ok(wd.run(&["validate", "--config", "y.toml", "--format", "csv"]));
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         boern-og-familie,expenses,Børn og Familie,1,1,1,0,0\n\
         jobcenter-udgifter,expenses,Jobcenter,1,2,2,0,0\n\
         jobcenter-kontakter,contacts,Jobcenter,1,1,1,0,0\n\
         husstande,households,,1,2,2,0,0\n",
        validate.stdout
    );
}

#[test]
fn init_never_replaces_a_config_without_force() {
    let wd = Workdir::new();
    wd.write("z/a.csv", "BorgerID,Dato\np1,2023-01-01\n");
    wd.write("z/tvaers.toml", "# mine\n");
    let run = wd.run(&["init", "z"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: z/tvaers.toml exists: init never replaces a config unless asked; run with --force to replace it, or --out FILE to write another\n",
        run.stderr
    );
    eqnice!("# mine\n", wd.read("z/tvaers.toml"));
    ok(wd.run(&["init", "z", "--force"]));
    assert!(wd.read("z/tvaers.toml").contains("path = \"a.csv\""));
}

#[test]
fn init_reads_a_workbook_with_typed_and_text_cells() {
    let wd = Workdir::new();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    crate::xlsx::write_rows(workbook.add_worksheet());
    std::fs::create_dir_all(wd.path().join("w/skole")).unwrap();
    workbook
        .save(wd.path().join("w/skole/udbetalinger.xlsx"))
        .unwrap();
    wd.write(
        "w/skole/kontakter.csv",
        "BorgerID;Kontaktdato\na1;01-02-2023\n",
    );
    let init = ok(wd.run(&["init", "w"]));
    assert!(
        init.stderr
            .starts_with("tvaers: wrote w/tvaers.toml: 2 sources from 2 files, no period set"),
        "{}",
        init.stderr
    );
    let config = wd.read("w/tvaers.toml");
    assert!(
        config.contains("path = \"skole/udbetalinger.xlsx\"\n# 1 file, 7 data rows\n[sources.csv]\ndecimal = \",\"\n"),
        "{config}"
    );
    let validate = ok(wd.run(&[
        "validate",
        "--config",
        "w/tvaers.toml",
        "--format",
        "csv",
        "--max-reject-rate",
        "1",
        "--from",
        "2023-01-01",
        "--to",
        "2023-12-31",
    ]));
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         skole-udbetalinger,expenses,Skole,1,7,3,4,0\n\
         skole-kontakter,contacts,Skole,1,1,1,0,0\n",
        validate.stdout
    );
}

/// The independent test municipality (`independent.rs`: another system's
/// export, `|`-separated ISO-8859-1 with `dd.mm.yyyy` dates, headers such as
/// `Personnøgle`, `Borgernøgle`, `Udgift (kr.)`, `Deltager`, and a source of
/// two files): init was not written against it. Its config must read every
/// source's rows as the hand-written config does, and find the same
/// hotspots byte for byte; only the department names (from the folders) and
/// the order of the sources may differ.
#[test]
fn init_reads_a_municipality_it_was_not_written_for_as_its_own_config_does() {
    use crate::independent::{CohortBy, Population};
    let wd = Workdir::new();
    Population::simulate(3_000, 77).write(&wd.path().join("m"), CohortBy::Random, 77);
    let config = "m/tvaers.toml";
    let counts = |config: &str| {
        let run = ok(wd.run(&["validate", "--config", config, "--format", "csv"]));
        // source, kind, files, read, accepted, rejected, outside_period: all but the department.
        let mut rows: Vec<String> = run
            .stdout
            .lines()
            .map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                [&cells[..2], &cells[3..]].concat().join(",")
            })
            .collect();
        rows.sort();
        rows
    };
    let hotspots =
        |config: &str| ok(wd.run(&["hotspots", "--config", config, "--format", "csv"])).stdout;
    let (hand_counts, hand_hotspots) = (counts(config), hotspots(config));
    std::fs::rename(wd.path().join(config), wd.path().join("hand.toml")).unwrap();
    ok(wd.run(&["init", "m"]));
    assert_eq!(counts(config), hand_counts);
    eqnice!(hotspots(config), hand_hotspots);
    assert!(
        hand_counts
            .iter()
            .any(|r| r.starts_with("ydelser,expenses,2,")),
        "{hand_counts:?}"
    );
}

/// An English-locale export: thousands commas before a decimal point, the
/// amounts quoted in a comma-separated file. init takes the point as the
/// decimal mark, and every row is read: 1,234.50 + 12,000.00 = 13,234.50.
#[test]
fn init_and_the_loader_read_thousands_commas_before_a_decimal_point() {
    let wd = Workdir::new();
    wd.write(
        "x/jobcenter/udbetalinger.csv",
        "CPR,Date,Amount,Account\nab12,2023-01-05,\"1,234.50\",5.57.72\n\
         ab12,2023-06-05,\"12,000.00\",5.57.72\ncd34,2023-12-05,999.10,5.28.21\n",
    );
    ok(wd.run(&["init", "x"]));
    let validate = ok(wd.run(&["validate", "--config", "x/tvaers.toml", "--format", "csv"]));
    eqnice!(
        validate.stdout,
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         jobcenter,expenses,Jobcenter,1,3,3,0,0\n"
    );
    let hotspots = ok(wd.run(&[
        "hotspots",
        "--config",
        "x/tvaers.toml",
        "--format",
        "csv",
        "--min-departments",
        "1",
    ]));
    assert!(
        hotspots
            .stdout
            .lines()
            .nth(1)
            .unwrap_or("")
            .starts_with("1,ab12,1,13234.50,"),
        "{}",
        hotspots.stdout
    );
}
