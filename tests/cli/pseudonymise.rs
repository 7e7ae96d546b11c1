//! `tvaers pseudonymise`: two departments keyed separately link on the same citizens.

use crate::eqnice;
use crate::workdir::Workdir;

#[test]
fn two_departments_keyed_apart_link_on_the_same_citizens() {
    let wd = Workdir::new();
    wd.write("secret.key", [9u8; 32]);
    // The employment extract writes CPR with a dash, in Windows-1252 with `;`.
    wd.write_cp1252(
        "job.csv",
        "BorgerID;Bogføringsdato;Beløb;Konto\n010190-1234;05-01-2023;1.000,00;5.57.73\n020285-4321;06-01-2023;500,00;5.57.73\n",
    );
    // Children and family lost the leading zero (CPR read as an integer).
    wd.write(
        "born.csv",
        "cpr,date,amount,account\n101901234,2023-02-01,2000,5.28.21\n",
    );
    for (input, column, output) in [
        ("job.csv", "BorgerID", "job-p.csv"),
        ("born.csv", "cpr", "born-p.csv"),
    ] {
        let run = wd.run(&[
            "pseudonymise",
            input,
            "--key",
            "secret.key",
            "--columns",
            column,
            "-o",
            output,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        // Kept in the input's encoding, so read as bytes.
        let written =
            String::from_utf8_lossy(&std::fs::read(wd.path().join(output)).unwrap()).into_owned();
        assert!(
            !written.contains("101901234") && !written.contains("020285"),
            "{written}"
        );
    }
    wd.write(
        "tvaers.toml",
        r#"
[analysis]
from = "2023-01-01"
to = "2023-12-31"
min_cell = 1
[[sources]]
name = "job"
kind = "expenses"
department = "Job"
path = "job-p.csv"
[sources.csv]
decimal = ","
date_format = "%d-%m-%Y"
[sources.columns]
citizen = "BorgerID"
date = "Bogføringsdato"
amount = "Beløb"
account = "Konto"
[[sources]]
name = "born"
kind = "expenses"
department = "Born"
path = "born-p.csv"
[sources.columns]
citizen = "cpr"
"#,
    );
    // The citizen in both extracts is one unit with two departments.
    let run = wd.run(&["hotspots", "--format", "csv", "--top-percent", "100"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(
        rows[1].starts_with("1,") && rows[1].contains(",1,3000.00,2,"),
        "{}",
        run.stdout
    );
}

#[test]
fn same_key_and_input_give_the_same_bytes_and_strict_refuses_non_cpr() {
    let wd = Workdir::new();
    wd.write("k", [3u8; 40]);
    wd.write("in.csv", "id,x\n0101901234,a\nnot-a-cpr,b\n");
    let a = wd.run(&["pseudonymise", "in.csv", "--key", "k", "--columns", "id"]);
    let b = wd.run(&["pseudonymise", "in.csv", "--key", "k", "--columns", "id"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    eqnice!(a.stdout, b.stdout);
    assert!(
        a.stderr
            .contains("1 values did not look like CPR numbers (lines 3)"),
        "{}",
        a.stderr
    );
    let strict = wd.run(&[
        "pseudonymise",
        "in.csv",
        "--key",
        "k",
        "--columns",
        "id",
        "--strict",
        "-o",
        "out.csv",
    ]);
    assert_eq!(strict.code, 1);
    assert!(
        !wd.path().join("out.csv").exists(),
        "a failed run leaves no file"
    );
}

#[test]
fn unquoted_delimiter_is_an_error_and_leaves_no_output_file() {
    let wd = Workdir::new();
    wd.write("secret.key", [9u8; 32]);
    wd.write(
        "in.csv",
        "navn,cpr,belob\nHansen,0101901234,10\nHansen, Jens,0101901234,10\n",
    );
    let run = wd.run(&[
        "pseudonymise",
        "in.csv",
        "--key",
        "secret.key",
        "--columns",
        "cpr",
        "-o",
        "out.csv",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: cannot write out.csv: in.csv line 3: expected 3 fields as in the header, found 4; a field holding the delimiter must be quoted\n",
        run.stderr
    );
    assert!(!wd.path().join("out.csv").exists());
}

#[test]
fn cpr_in_a_column_not_named_refuses_the_run() {
    let wd = Workdir::new();
    wd.write("secret.key", [9u8; 32]);
    wd.write("in.csv", "id;mor\nx1;0101901234\n");
    let run = wd.run(&[
        "pseudonymise",
        "in.csv",
        "--key",
        "secret.key",
        "--columns",
        "id",
        "-o",
        "out.csv",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: cannot write out.csv: in.csv line 2: column 2 (\"mor\") holds what looks like a CPR number but is not being pseudonymised; name every column that holds CPR numbers with --columns\n",
        run.stderr
    );
    assert!(!wd.path().join("out.csv").exists());
}
