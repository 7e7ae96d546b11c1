//! Loading real-world extracts: Danish ERP exports, broken rows, encodings,
//! CPR numbers, gzip and Parquet.

use crate::eqnice;
use crate::workdir::Workdir;

const DANISH_CONFIG: &str = r#"
[analysis]
from = "2023-01-01"
to = "2023-12-31"

[[sources]]
name = "job"
kind = "expenses"
department = "Beskæftigelse"
path = "job/*.csv"
[sources.csv]
decimal = ","
encoding = "windows-1252"
date_format = "%d-%m-%Y"
[sources.columns]
citizen = "BorgerID"
date = "Bogføringsdato"
amount = "Beløb"
account = "Konto"
case = "Sagsnr"

[[sources]]
name = "kontakter"
kind = "contacts"
path = "kontakter.csv"
[sources.columns]
department = "Afdeling"
caseworker = "Sagsbehandler"
"#;

/// A Danish ERP export: `;`, decimal comma with thousands dots, Windows-1252,
/// CRLF, dd-mm-yyyy, Excel's `="0042"`, two files, four broken rows.
pub fn danish_workspace() -> Workdir {
    let wd = Workdir::new();
    wd.write("tvaers.toml", DANISH_CONFIG);
    wd.write_cp1252(
        "job/udbetalinger_2022.csv",
        "BorgerID;Bogføringsdato;Beløb;Konto;Sagsnr\n\
         a1b2c3d4e5f60718;15-12-2022;1.234,50;5.57.73;=\"0042\"\n\
         a1b2c3d4e5f60718;05-01-2023;-12,50;5.57.73.001;=\"0042\"\n",
    );
    wd.write_cp1252(
        "job/udbetalinger_2023.csv",
        "BorgerID;Bogføringsdato;Beløb;Konto;Sagsnr\n\
         b2c3d4e5f6071829;31-02-2023;100,00;5.57.73;7\n\
         b2c3d4e5f6071829;01-03-2023;1.00,00;5.57.73;7\n\
         ;01-03-2023;10,00;5.57.73;7\n\
         b2c3d4e5f6071829;01-03-2023;10,00\n\
         \"c3d4e5f607182930\";\"02-03-2023\";\"2.000,00\";\"5.28.21\";\"Søs; \"\"sag\"\"\"\n\
         c3d4e5f607182930;03-03-2023;1.000.000,00;99.99;\n",
    );
    // UTF-8 with a byte-order mark, `,`-separated: sniffed, not configured.
    wd.write(
        "kontakter.csv",
        "\u{feff}citizen,date,Sagsbehandler,Afdeling\n\
         a1b2c3d4e5f60718,2023-02-01,BF-1,Børn og Familie\n\
         c3d4e5f607182930,2023-03-01,,Beskæftigelse\n",
    );
    wd
}

#[test]
fn danish_erp_export_loads_with_exactly_the_broken_rows_rejected() {
    let wd = danish_workspace();
    let run = wd.run(&[
        "validate",
        "--format",
        "csv",
        "--rejects",
        "rejects.csv",
        "--max-reject-rate",
        "0.5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         job,expenses,Beskæftigelse,2,8,4,4,1\n\
         kontakter,contacts,Beskæftigelse|Børn og Familie,1,2,2,0,0\n",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         job,job/udbetalinger_2023.csv,2,\"date: \"\"31-02-2023\"\" is not a date in the format %d-%m-%Y\",\"b2c3d4e5f6071829;31-02-2023;100,00;5.57.73;7\"\n\
         job,job/udbetalinger_2023.csv,3,\"amount: \"\"1.00,00\"\" is not an amount with decimal mark \"\",\"\"\",\"b2c3d4e5f6071829;01-03-2023;1.00,00;5.57.73;7\"\n\
         job,job/udbetalinger_2023.csv,4,citizen is empty,\";01-03-2023;10,00;5.57.73;7\"\n\
         job,job/udbetalinger_2023.csv,5,\"expected 5 fields, found 3\",\"b2c3d4e5f6071829;01-03-2023;10,00\"\n",
        wd.read("rejects.csv")
    );
    assert!(
        run.stderr
            .contains("4 rows rejected in 1 source; written to rejects.csv"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "on 1 account that maps to no budget area (Uncategorised), largest first: 9999"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn reject_rate_above_the_threshold_exits_3_after_the_report() {
    let wd = danish_workspace();
    let run = wd.run(&["validate", "--format", "csv"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.starts_with("source,kind,"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("source \"job\" rejected 4 of 8 rows (50.00 %), above the allowed 1.00 %"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("write them with --rejects FILE"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_column_lists_the_columns_found() {
    let wd = danish_workspace();
    wd.write("kontakter.csv", "citizen,dato,Sagsbehandler,Afdeling\n");
    let run = wd.run(&["validate"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: source \"kontakter\": kontakter.csv has no column \"date\" for the field date; the file's columns are: citizen, dato, Sagsbehandler, Afdeling (map it in [sources.columns]: date = \"<column name>\")\n",
        run.stderr
    );
}

#[test]
fn misspelt_config_key_is_named_with_the_allowed_keys() {
    let wd = danish_workspace();
    wd.write(
        "tvaers.toml",
        DANISH_CONFIG.replace("date_format", "dateformat"),
    );
    let run = wd.run(&["validate"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("tvaers: config tvaers.toml: TOML parse error at line 14, column 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown field `dateformat`, expected one of `delimiter`, `decimal`, `encoding`, `date_format`"),
        "{}",
        run.stderr
    );
}

#[test]
fn raw_cpr_number_is_refused_with_source_and_line_and_never_echoed() {
    let wd = danish_workspace();
    wd.write(
        "kontakter.csv",
        "citizen,date,Sagsbehandler,Afdeling\nc3d4e5f607182930,2023-03-01,,X\n010190-1AB2,2023-03-01,,X\n",
    );
    let run = wd.run(&["validate"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: source \"kontakter\": kontakter.csv line 3: the field citizen holds what looks like a raw CPR number; tvaers reads pseudonymised data only: run `tvaers pseudonymise` on the file first\n",
        run.stderr
    );
}

#[test]
fn utf8_declared_on_windows_1252_names_file_line_and_encoding() {
    let wd = danish_workspace();
    wd.write(
        "tvaers.toml",
        DANISH_CONFIG.replace("\"windows-1252\"", "\"utf-8\""),
    );
    let run = wd.run(&["validate"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: job/udbetalinger_2022.csv line 1 is not valid UTF-8 (byte 0xF8); the file looks like Windows-1252: set encoding = \"windows-1252\"\n",
        run.stderr
    );
}

#[test]
fn auto_encoding_and_delimiter_read_the_same_export() {
    let wd = danish_workspace();
    wd.write(
        "tvaers.toml",
        DANISH_CONFIG.replace("encoding = \"windows-1252\"\n", ""),
    );
    let run = wd.run(&["validate", "--format", "csv", "--max-reject-rate", "0.5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("job,expenses,Beskæftigelse,2,8,4,4,1\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn gzip_files_are_read_like_plain_ones() {
    use std::io::Write;
    let wd = danish_workspace();
    let plain = std::fs::read(wd.path().join("kontakter.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    std::fs::remove_file(wd.path().join("kontakter.csv")).unwrap();
    wd.write("kontakter.csv.gz", gz.finish().unwrap());
    wd.write(
        "tvaers.toml",
        DANISH_CONFIG.replace("\"kontakter.csv\"", "\"kontakter.csv.gz\""),
    );
    let run = wd.run(&["validate", "--format", "csv", "--max-reject-rate", "0.5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("kontakter,contacts,Beskæftigelse|Børn og Familie,1,2,2,0,0\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn households_with_open_bounds_and_overlaps_warn() {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        "[[sources]]\nname = \"hh\"\nkind = \"households\"\npath = \"hh.csv\"\n",
    );
    wd.write(
        "hh.csv",
        "citizen,family,valid_from,valid_to\n\
         c1,F1,,2023-06-30\n\
         c1,F2,2023-06-01,\n\
         c2,F2,2023-01-01,2023-12-31\n\
         c3,F3,2023-02-01,2023-01-01\n\
         F2,F9,,\n",
    );
    let run = wd.run(&["validate", "--format", "csv", "--max-reject-rate", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\nhh,households,,1,5,4,1,0\n",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "1 citizens have overlapping household memberships (e.g. c1 around 2023-06-01)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("1 family ids are also citizen ids (e.g. F2)"),
        "{}",
        run.stderr
    );
}

#[test]
fn rejects_name_the_physical_line_in_crlf_files_with_multiline_fields() {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        "[[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"l.csv\"\n",
    );
    wd.write(
        "l.csv",
        "citizen,date,step,note\r\nc1,2023-01-01,2,\"two\r\nlines\"\r\nc1,2023-02-01,x,\r\nc1,2023-03-01,3,\"\"\r\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,file,line,reason,raw\nl,l.csv,4,\"step: \"\"x\"\" is not a whole number\",\"c1,2023-02-01,x,\"\n",
        wd.read("r.csv")
    );
    assert!(
        run.stdout.contains("l,ladder,,1,3,2,1,0\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn parquet_sources_reject_bad_values_by_row_number() {
    use polars::prelude::*;
    let wd = Workdir::new();
    let mut frame = df!(
        "BorgerID" => ["a1", "a2", "a3", ""],
        "Dato" => ["2023-01-05", "2023-13-01", "2023-02-01", "2023-03-01"],
        "Trin" => [Some(1i64), Some(2), None, Some(4)],
    )
    .unwrap();
    wd.write_parquet("ladder.parquet", &mut frame);
    wd.write(
        "tvaers.toml",
        "[[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"ladder.parquet\"\n[sources.columns]\ncitizen = \"BorgerID\"\ndate = \"Dato\"\nstep = \"Trin\"\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("l,ladder,,1,4,1,3,0\n"),
        "{}",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         l,ladder.parquet,2,\"date: \"\"2023-13-01\"\" is not a date in the format %Y-%m-%d\",\"BorgerID=a2, Dato=2023-13-01, Trin=2\"\n\
         l,ladder.parquet,3,step is empty,\"BorgerID=a3, Dato=2023-02-01, Trin=\"\n\
         l,ladder.parquet,4,citizen is empty,\"BorgerID=, Dato=2023-03-01, Trin=4\"\n",
        wd.read("r.csv")
    );
}

#[test]
fn typed_parquet_takes_clean_rows_whole_and_sends_the_rest_through_the_rules() {
    use polars::prelude::*;
    let wd = Workdir::new();
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let mut frame = df!(
        "citizen" => ["a1", " a2 ", "", "a4", "a5"],
        "date" => [Some(day("2023-01-05")), Some(day("2023-02-01")), Some(day("2023-03-01")), None, Some(day("2022-06-30"))],
        "step" => [Some(1i64), Some(2), Some(3), Some(4), None],
    )
    .unwrap();
    wd.write_parquet("ladder.parquet", &mut frame);
    wd.write(
        "tvaers.toml",
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n[[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"ladder.parquet\"\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // a1 whole; " a2 " trimmed by the row rules; three rejects with the row rules' reasons.
    assert!(
        run.stdout.contains("l,ladder,,1,5,2,3,0\n"),
        "{}",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         l,ladder.parquet,3,citizen is empty,\"citizen=, date=2023-03-01, step=3\"\n\
         l,ladder.parquet,4,date is empty,\"citizen=a4, date=, step=4\"\n\
         l,ladder.parquet,5,step is empty,\"citizen=a5, date=2022-06-30, step=\"\n",
        wd.read("r.csv")
    );
}

/// Households and enrolments whose intervals run backwards, and enrolments
/// with neither id, in a CSV file and in a typed Parquet file holding the
/// same rows.
fn interval_workspace(parquet: bool) -> Workdir {
    let wd = Workdir::new();
    let ext = if parquet { "parquet" } else { "csv" };
    wd.write(
        "tvaers.toml",
        format!(
            "[[sources]]\nname = \"hh\"\nkind = \"households\"\npath = \"hh.{ext}\"\n\
             [[sources]]\nname = \"e\"\nkind = \"enrolments\"\npath = \"e.{ext}\"\n"
        ),
    );
    let households = "citizen,family,valid_from,valid_to\n\
                      c1,F1,2023-01-01,2023-12-31\n\
                      c2,F1,2023-08-01,2023-07-31\n\
                      c3,F2,2023-08-01,2023-08-01\n";
    let enrolments = "citizen,family,start,end\n\
                      c1,,2023-01-01,2023-06-30\n\
                      ,,2023-02-01,\n\
                      c2,,2023-05-01,2023-04-30\n\
                      ,F1,2023-03-01,\n\
                      ,,2023-05-01,2023-04-01\n";
    if !parquet {
        wd.write("hh.csv", households);
        wd.write("e.csv", enrolments);
        return wd;
    }
    use polars::prelude::*;
    // The same rows with typed columns: ids as text, dates as Date, empty as null.
    let write = |name: &str, csv: &str, dates: [&str; 2]| {
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, &name)| {
                let values = rows.iter().map(|r| Some(r[i]).filter(|v| !v.is_empty()));
                if dates.contains(&name) {
                    let days: Vec<Option<chrono::NaiveDate>> =
                        values.map(|v| v.map(|d| d.parse().unwrap())).collect();
                    Column::new(name.into(), days)
                } else {
                    Column::new(name.into(), values.collect::<Vec<_>>())
                }
            })
            .collect();
        let mut frame = DataFrame::new(rows.len(), columns).unwrap();
        let file = std::fs::File::create(wd.path().join(name)).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    };
    write("hh.parquet", households, ["valid_from", "valid_to"]);
    write("e.parquet", enrolments, ["start", "end"]);
    wd
}

#[test]
fn reversed_intervals_and_enrolments_without_ids_are_rejected_alike_from_csv_and_parquet() {
    for parquet in [false, true] {
        let wd = interval_workspace(parquet);
        let run = wd.run(&[
            "validate",
            "--format",
            "csv",
            "--max-reject-rate",
            "1",
            "--rejects",
            "r.csv",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("hh,households,,1,3,2,1,0\n")
                && run.stdout.contains("e,enrolments,,1,5,2,3,0\n"),
            "{}",
            run.stdout
        );
        // The first rule broken is the reason: the last enrolment breaks both.
        let expected = if parquet {
            "source,file,line,reason,raw\n\
             hh,hh.parquet,2,valid_from is after valid_to,\"citizen=c2, family=F1, valid_from=2023-08-01, valid_to=2023-07-31\"\n\
             e,e.parquet,2,citizen and family are both empty,\"citizen=, family=, start=2023-02-01, end=\"\n\
             e,e.parquet,3,start is after end,\"citizen=c2, family=, start=2023-05-01, end=2023-04-30\"\n\
             e,e.parquet,5,citizen and family are both empty,\"citizen=, family=, start=2023-05-01, end=2023-04-01\"\n"
        } else {
            "source,file,line,reason,raw\n\
             hh,hh.csv,3,valid_from is after valid_to,\"c2,F1,2023-08-01,2023-07-31\"\n\
             e,e.csv,3,citizen and family are both empty,\",,2023-02-01,\"\n\
             e,e.csv,4,start is after end,\"c2,,2023-05-01,2023-04-30\"\n\
             e,e.csv,6,citizen and family are both empty,\",,2023-05-01,2023-04-01\"\n"
        };
        eqnice!(expected, wd.read("r.csv"));
    }
}

#[test]
fn enrolments_without_a_citizen_or_family_column_name_both() {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        "[[sources]]\nname = \"e\"\nkind = \"enrolments\"\npath = \"e.csv\"\n",
    );
    wd.write("e.csv", "borger,start,end\nc1,2023-01-01,\n");
    let run = wd.run(&["validate"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: source \"e\": e.csv has no column \"citizen (or family)\" for the field citizen; the file's columns are: borger, start, end\n",
        run.stderr
    );
}
