//! `.xlsx` sources: a workbook gives exactly the rows, rejects, line numbers
//! and counts that a CSV export of the same sheet gives, whether its dates
//! and amounts are typed cells or text in the source's dialect.

use crate::eqnice;
use crate::workdir::Workdir;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

const CSV: &str = "BorgerID;Bogføringsdato;Beløb;Konto
a1;31-01-2023;1.234,50;5.28.21
a2;15-02-2023;-12,5;52821
a3;nope;10;52821
a4;01-03-2023;abc;52821
a5;01-03-2023;;52821
a6;02-03-2023;100;5.28.21;extra
a2;16-02-2023;0,1;52821
";

/// The rows of `CSV`, with typed dates and numbers where a case system
/// would write them and text elsewhere.
pub fn write_rows(sheet: &mut Worksheet) {
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let day = |d: u8, m: u8| ExcelDateTime::from_ymd(2023, m, d).unwrap();
    for (c, name) in ["BorgerID", "Bogføringsdato", "Beløb", "Konto"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "a1").unwrap();
    sheet
        .write_datetime_with_format(1, 1, day(31, 1), &date)
        .unwrap();
    sheet.write_number(1, 2, 1234.5).unwrap();
    sheet.write_string(1, 3, "5.28.21").unwrap();
    sheet.write_string(2, 0, "a2").unwrap();
    sheet.write_string(2, 1, "15-02-2023").unwrap();
    sheet.write_string(2, 2, "-12,5").unwrap();
    sheet.write_number(2, 3, 52821).unwrap();
    sheet.write_string(3, 0, "a3").unwrap();
    sheet.write_string(3, 1, "nope").unwrap();
    sheet.write_number(3, 2, 10).unwrap();
    sheet.write_number(3, 3, 52821).unwrap();
    sheet.write_string(4, 0, "a4").unwrap();
    sheet
        .write_datetime_with_format(4, 1, day(1, 3), &date)
        .unwrap();
    sheet.write_string(4, 2, "abc").unwrap();
    sheet.write_number(4, 3, 52821).unwrap();
    sheet.write_string(5, 0, "a5").unwrap();
    sheet
        .write_datetime_with_format(5, 1, day(1, 3), &date)
        .unwrap();
    sheet.write_number(5, 3, 52821).unwrap();
    sheet.write_string(6, 0, "a6").unwrap();
    sheet
        .write_datetime_with_format(6, 1, day(2, 3), &date)
        .unwrap();
    sheet.write_number(6, 2, 100).unwrap();
    sheet.write_string(6, 3, "5.28.21").unwrap();
    sheet.write_string(6, 4, "extra").unwrap();
    sheet.write_string(7, 0, "a2").unwrap();
    sheet
        .write_datetime_with_format(7, 1, day(16, 2), &date)
        .unwrap();
    sheet.write_number(7, 2, 0.1).unwrap();
    sheet.write_number(7, 3, 52821).unwrap();
}

fn config(path: &str, sheet: Option<&str>) -> String {
    let sheet = sheet.map_or(String::new(), |s| format!("sheet = \"{s}\"\n"));
    format!(
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\n[defaults.csv]\ndelimiter = \";\"\ndecimal = \",\"\ndate_format = \"%d-%m-%Y\"\n[defaults.columns]\ncitizen = \"BorgerID\"\ndate = \"Bogføringsdato\"\namount = \"Beløb\"\naccount = \"Konto\"\n\n[[sources]]\nname = \"udbetalinger\"\nkind = \"expenses\"\ndepartment = \"Skole\"\npath = \"{path}\"\n{sheet}"
    )
}

fn run_both(wd: &Workdir, config_name: &str) -> (String, String, String) {
    let validate = wd.run(&[
        "validate",
        "--config",
        config_name,
        "--format",
        "csv",
        "--rejects",
        &format!("{config_name}.rejects.csv"),
        "--max-reject-rate",
        "1",
    ]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    let hotspots = wd.run(&[
        "hotspots",
        "--config",
        config_name,
        "--format",
        "csv",
        "--min-departments",
        "1",
        "--top-percent",
        "100",
        "--max-reject-rate",
        "1",
    ]);
    assert_eq!(hotspots.code, 0, "{}", hotspots.stderr);
    (
        validate.stdout,
        hotspots.stdout,
        wd.read(&format!("{config_name}.rejects.csv")),
    )
}

#[test]
fn xlsx_extract_gives_exactly_what_its_csv_gives() {
    let wd = Workdir::new();
    wd.write("udbetalinger.csv", CSV);
    let mut workbook = Workbook::new();
    write_rows(workbook.add_worksheet());
    workbook.save(wd.path().join("udbetalinger.xlsx")).unwrap();
    wd.write("csv.toml", config("udbetalinger.csv", None));
    wd.write("xlsx.toml", config("udbetalinger.xlsx", None));

    let (validate, hotspots, rejects) = run_both(&wd, "csv.toml");
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         udbetalinger,expenses,Skole,1,7,3,4,0\n",
        validate
    );
    eqnice!(
        "rank,unit_id,members,total_cost,departments,caseworkers,contacts,cases,first_date,last_date,active_days,cost_Tilbud til børn og unge med særlige behov\n\
         1,a1,1,1234.50,1,0,0,0,2023-01-31,2023-01-31,1,1234.50\n\
         2,a2,1,-12.40,1,0,0,0,2023-02-15,2023-02-16,2,-12.40\n",
        hotspots
    );
    let expected_rejects = "source,file,line,reason,raw\n\
         udbetalinger,FILE,4,\"date: \"\"nope\"\" is not a date in the format %d-%m-%Y\",a3;nope;10;52821\n\
         udbetalinger,FILE,5,\"amount: \"\"abc\"\" is not an amount with decimal mark \"\",\"\"\",a4;01-03-2023;abc;52821\n\
         udbetalinger,FILE,6,amount is empty,a5;01-03-2023;;52821\n\
         udbetalinger,FILE,7,\"expected 4 fields, found 5\",a6;02-03-2023;100;5.28.21;extra\n";
    eqnice!(
        expected_rejects.replace("FILE", "udbetalinger.csv"),
        rejects
    );

    let (x_validate, x_hotspots, x_rejects) = run_both(&wd, "xlsx.toml");
    eqnice!(validate, x_validate);
    eqnice!(hotspots, x_hotspots);
    eqnice!(
        expected_rejects.replace("FILE", "udbetalinger.xlsx"),
        x_rejects
    );
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_named() {
    let wd = Workdir::new();
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Noter").unwrap();
    notes.write_string(0, 0, "Udtræk fra sagssystemet").unwrap();
    let data = workbook.add_worksheet();
    data.set_name("Udbetalinger").unwrap();
    write_rows(data);
    workbook.save(wd.path().join("bog.xlsx")).unwrap();
    wd.write("named.toml", config("bog.xlsx", Some("Udbetalinger")));
    let (validate, _, _) = run_both(&wd, "named.toml");
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         udbetalinger,expenses,Skole,1,7,3,4,0\n",
        validate
    );

    wd.write("missing.toml", config("bog.xlsx", Some("Ark1")));
    let run = wd.run(&["validate", "--config", "missing.toml"]);
    assert_eq!(run.code, 1);
    eqnice!(
        "tvaers: cannot read Excel file bog.xlsx: has no sheet \"Ark1\"; its sheets are: \"Noter\", \"Udbetalinger\"\n",
        run.stderr
    );
}

#[test]
fn a_damaged_workbook_is_an_error_naming_the_file() {
    let wd = Workdir::new();
    wd.write("bad.xlsx", "BorgerID;Dato\nnot a workbook\n");
    wd.write("bad.toml", config("bad.xlsx", None));
    let run = wd.run(&["validate", "--config", "bad.toml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("tvaers: cannot read Excel file bad.xlsx: "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
