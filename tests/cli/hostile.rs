//! Hostile input on the reading side: line ends, encodings and CPR numbers in
//! forms the loader once missed, and configs that read nothing. Each test is
//! named after what broke.

use crate::eqnice;
use crate::workdir::Workdir;

/// One contacts source `k.csv` (or `path`), with an optional last column.
fn contacts(path: &str) -> Workdir {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        format!(
            "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\n[[sources]]\nname = \"k\"\nkind = \"contacts\"\ndepartment = \"Social\"\npath = \"{path}\"\n"
        ),
    );
    wd
}

fn validate(wd: &Workdir) -> crate::workdir::Run {
    wd.run(&[
        "validate",
        "--format",
        "csv",
        "--rejects",
        "r.csv",
        "--max-reject-rate",
        "1",
    ])
}

#[test]
fn cr_only_line_ends_are_read_as_lines_with_their_line_numbers() {
    let wd = contacts("k.csv");
    wd.write(
        "k.csv",
        "citizen,date,caseworker\ra1,2023-01-05,\ra2,2023-02-30,\ra3,2023-03-01,cw\r",
    );
    let run = validate(&wd);
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
    let run = validate(&wd);
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
    let run = validate(&wd);
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
        let run = validate(&wd);
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
        ([b"\xFF\xFE".as_slice(), &le].concat(), "UTF-16 (little-endian)"),
        (le.clone(), "UTF-16 (little-endian)"),
        (
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            "UTF-16 (big-endian)",
        ),
    ] {
        let wd = contacts("k.csv");
        wd.write("k.csv", bytes);
        let run = validate(&wd);
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
    let run = validate(&wd);
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: source \"k\": k.csv has no column \"citizen\" for the field citizen; the file's columns are: borger\\u{1b}[31m, da\\u{0}te (map it in [sources.columns]: citizen = \"<column name>\")\n",
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
