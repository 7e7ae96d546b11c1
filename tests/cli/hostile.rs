//! Hostile input on the reading side: line ends, encodings and CPR numbers in
//! forms the loader once missed, and configs that read nothing. Each test is
//! named after what broke.

use crate::eqnice;
use crate::workdir::Workdir;

/// One contacts source `k.csv` (or `path`) with the canonical column names.
fn contacts(path: &str) -> Workdir {
    Workdir::one_source("k", "contacts", path)
}

#[test]
fn cr_only_line_ends_are_read_as_lines_with_their_line_numbers() {
    let wd = contacts("k.csv");
    wd.write(
        "k.csv",
        "citizen,date,caseworker\ra1,2023-01-05,\ra2,2023-02-30,\ra3,2023-03-01,cw\r",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         k,contacts,Social,1,3,2,1,0\n",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         k,k.csv,3,\"date: \"\"2023-02-30\"\" is not a date in the format %Y-%m-%d\",\"a2,2023-02-30,\"\n",
        wd.read("r.csv")
    );
}

#[test]
fn cpr_in_a_row_with_the_wrong_number_of_fields_stops_the_run_unechoed() {
    let wd = contacts("k.csv");
    wd.write(
        "k.csv",
        "citizen,date,caseworker\na1,2023-01-05,x\n\"a2,2023-01-06\",010190-1234,cw,extra\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: source \"k\": k.csv line 3: column 2 (\"date\") of a rejected row holds what looks like a raw CPR number; rejected rows are written out with their raw text, and tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first (naming every column that holds CPR numbers)\n",
        run.stderr
    );
    assert!(!wd.path().join("r.csv").exists());
    assert_eq!(run.stdout, "");
}

#[test]
fn cpr_in_free_text_of_a_rejected_row_stops_the_run() {
    let wd = contacts("k.csv");
    wd.write(
        "k.csv",
        "citizen,date,caseworker\na1,01-05-2023,ring 010190\u{a0}1234\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("k.csv line 2: column 3 (\"caseworker\") of a rejected row holds"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("1234"), "{}", run.stderr);
}

#[test]
fn cpr_with_space_no_break_space_dash_or_as_a_float_is_refused() {
    for (i, id) in [
        "010190 1234",
        "010190\u{a0}1234",
        "010190\u{2013}1234",
        "010190\u{2014}1234",
        "101901234.0",
        "0101901234.0",
        "1.01901234E8",
        "1.01901234e+08",
    ]
    .into_iter()
    .enumerate()
    {
        let wd = contacts("k.csv");
        wd.write(
            "k.csv",
            format!("citizen;date\na1;2023-01-05\n\"{id}\";2023-01-06\n"),
        );
        let run = wd.validate_csv();
        assert_eq!(run.code, 1, "case {i}: {}", run.stderr);
        eqnice!(
            "tvaers: source \"k\": k.csv line 3: the field citizen holds what looks like a raw CPR number; tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first\n",
            run.stderr
        );
    }
}

#[test]
fn utf16_file_is_an_error_naming_the_file_not_a_column_list_with_nul_bytes() {
    let text = "citizen;date\na1;2023-01-05\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (bytes, name) in [
        (
            [b"\xFF\xFE".as_slice(), &le].concat(),
            "UTF-16 (little-endian)",
        ),
        (le.clone(), "UTF-16 (little-endian)"),
        (
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            "UTF-16 (big-endian)",
        ),
    ] {
        let wd = contacts("k.csv");
        wd.write("k.csv", bytes);
        let run = wd.validate_csv();
        assert_eq!(run.code, 1, "{}", run.stderr);
        eqnice!(
            format!("tvaers: k.csv is {name} text; tvaers reads CSV in UTF-8, Windows-1252 or ISO-8859-1: save the file as UTF-8 (in Excel: \"CSV UTF-8\") or Windows-1252 and run again\n"),
            run.stderr
        );
    }
}

#[test]
fn control_characters_in_column_names_are_escaped_in_errors() {
    let wd = contacts("k.csv");
    wd.write("k.csv", "borger\u{1b}[31m,da\0te\na1,2023-01-05\n");
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: source \"k\": k.csv has no column \"citizen\" for the field citizen; the file's columns are: borger\\u{1b}[31m, da\\u{0}te (map it in [sources.columns]: citizen = \"<column name>\")\n",
        run.stderr
    );
}

#[test]
fn a_file_without_its_header_line_keeps_its_cpr_numbers_out_of_errors() {
    let wd = contacts("k.csv");
    wd.write("k.csv", "0101901234,2023-01-05\n0202902345,2023-01-06\n");
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: source \"k\": k.csv has no column \"citizen\" for the field citizen; the file's columns are: (a CPR number, not shown: is the header line missing?), 2023-01-05 (map it in [sources.columns]: citizen = \"<column name>\")\n",
        run.stderr
    );
}

#[test]
fn config_without_sources_is_an_error_not_an_empty_report() {
    let wd = Workdir::new();
    wd.write("tvaers.toml", "[analysis]\nfrom = \"2023-01-01\"\n");
    for command in ["validate", "hotspots", "overview"] {
        let run = wd.run(&[command, "--format", "csv"]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        eqnice!(
            "tvaers: config tvaers.toml: lists no sources; add a [[sources]] table for each extract, with `name`, `kind` and `path` (and `department` for expenses and contacts): see the workspace config in README.md, or the tvaers.toml that `tvaers generate` writes\n",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
}

/// A contacts file `k.parquet` with the given citizen column and dates.
fn contacts_parquet(wd: &Workdir, citizen: polars::prelude::Column) {
    use polars::prelude::*;
    let height = citizen.len();
    let mut frame = DataFrame::new(
        height,
        vec![
            citizen,
            Column::new("date".into(), vec!["2023-01-05"; height]),
        ],
    )
    .unwrap();
    wd.write_parquet("k.parquet", &mut frame);
}

#[test]
fn cpr_in_a_parquet_float_or_integer_id_column_is_refused() {
    use polars::prelude::*;
    for citizen in [
        Column::new("citizen".into(), [2.5e9f64, 101_901_234.0]),
        Column::new("citizen".into(), [2_500_000_000i64, 101_901_234]),
    ] {
        let wd = contacts("k.parquet");
        contacts_parquet(&wd, citizen);
        let run = wd.validate_csv();
        assert_eq!(run.code, 1, "{}", run.stderr);
        eqnice!(
            "tvaers: source \"k\": k.parquet line 2: the field citizen holds what looks like a raw CPR number; tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first\n",
            run.stderr
        );
    }
}

#[test]
fn cpr_in_a_typed_parquet_text_column_is_refused_at_its_first_row_the_rules_would_take() {
    use polars::prelude::*;
    // Row 3 lacks its date, so it goes through the row rules as text: the
    // run of the CPR number is caught at row 4, the first row taken whole.
    let citizen = Column::new("citizen".into(), ["a", "a", "0101901234", "0101901234"]);
    let date = Column::new(
        "date".into(),
        [
            Some("2023-01-05"),
            Some("2023-01-05"),
            None,
            Some("2023-01-06"),
        ],
    )
    .cast(&DataType::Date)
    .unwrap();
    let mut frame = DataFrame::new(4, vec![citizen, date]).unwrap();
    let wd = contacts("k.parquet");
    wd.write_parquet("k.parquet", &mut frame);
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: source \"k\": k.parquet line 4: the field citizen holds what looks like a raw CPR number; tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first\n",
        run.stderr
    );
}

#[test]
fn damaged_parquet_footer_or_page_is_one_clean_error_not_a_panic() {
    use polars::prelude::*;
    let wd = contacts("k.parquet");
    contacts_parquet(&wd, Column::new("citizen".into(), ["a1", "a2"]));
    let path = wd.path().join("k.parquet");
    let bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    // Every byte after the magic, damaged in turn: most bytes of the footer
    // give polars' own errors, some in the pages made it panic.
    let mut refused = 0;
    let mut reader_failed = 0;
    for at in 4..(n - 8) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0xFF;
        std::fs::write(&path, &damaged).unwrap();
        let run = wd.validate_csv();
        if run.code == 0 {
            // Some bytes (a statistic, a name) change no structure.
            continue;
        }
        assert_eq!(run.code, 1, "byte {at}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with("tvaers: cannot read Parquet file k.parquet: "),
            "byte {at}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "byte {at}: {}", run.stderr);
        assert!(
            !run.stderr.contains("panicked"),
            "byte {at}: {}",
            run.stderr
        );
        refused += 1;
        reader_failed += usize::from(run.stderr.contains("the reader failed on it"));
    }
    assert!(
        refused > 0 && reader_failed > 0,
        "{refused} {reader_failed}"
    );
}

#[test]
fn placeholder_ids_are_kept_but_warned_about_without_naming_ids() {
    let wd = contacts("k.csv");
    wd.write(
        "k.csv",
        "citizen,date\nNULL,2023-01-05\nN/A,2023-01-06\n0,2023-01-07\nukendt,2023-01-08\n9f86d081884c7d65,2023-01-09\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         k,contacts,Social,1,5,5,0,0\n",
        run.stdout
    );
    let warning = "tvaers: warning: source \"k\": 4 rows have a placeholder instead of a citizen or family id (such as NULL, N/A, 0 or ukendt); they are kept, but all rows with the same placeholder count as one unit: fix the extract\n";
    eqnice!(warning, run.stderr);
    let run = wd.every_unit_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(warning, run.stderr);
}

/// Found by the hostile-input harness (`hostile_fuzz`, seed 1, case 307, and
/// seed 4, case 428 for the float form): a CPR number written into the
/// account column kept its digits as an account, and the warning about
/// unmapped accounts printed them.
#[test]
fn cpr_number_in_an_account_column_was_named_in_the_unmapped_accounts_warning() {
    let wd = Workdir::one_source("e", "expenses", "e.csv");
    wd.write(
        "e.csv",
        "citizen,date,amount,account\n\
         a1,2023-01-05,300.00,99999\n\
         a2,2023-01-06,100.00,\"ring til borger 802982828, tak\"\n\
         a3,2023-01-07,100.00,5.28.21\n\
         a4,2023-01-08,50.00,\"1004496986,0\"\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         e,expenses,Social,1,4,4,0,0\n",
        run.stdout
    );
    // 300 + 100 + 50 of 550: 81.8 %; 802982828 and 10044969860 are not named.
    eqnice!(
        "tvaers: warning: 81.8 % of the period's cost (450.00) is on 3 accounts that map to no budget area (Uncategorised), largest first: 99999, 2 whose digits may hold a raw CPR number (not shown); map them in [budget_areas]\n",
        run.stderr
    );
}

/// Found by the hostile-input harness (`hostile_fuzz`, seed 2, case 398): a
/// `date_format` with an hour (`%H`) made checking the format panic (exit
/// 101), as a date cannot be written with a time.
#[test]
fn date_format_with_an_hour_panicked_while_the_config_was_checked() {
    let wd = contacts("k.csv");
    let config = wd.read("tvaers.toml") + "[sources.csv]\ndate_format = \"%Y-%m-%d %H\"\n";
    wd.write("tvaers.toml", config);
    wd.write("k.csv", "citizen,date\na1,2023-01-05 13\n");
    let run = wd.validate_csv();
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!("", run.stdout);
    eqnice!(
        "tvaers: config tvaers.toml: source \"k\": csv.date_format \"%Y-%m-%d %H\" asks for a time or a zone, which a date does not have; give day, month and year only, e.g. \"%d-%m-%Y\"\n",
        run.stderr
    );
}
