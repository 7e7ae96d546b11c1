//! Amounts as written: exact to the øre (half away from zero on the digits,
//! not on a float), out-of-range amounts rejected, never clamped or wrapped,
//! and the same figures from a CSV, a Parquet Float64 and a Parquet DECIMAL
//! column of the same data.

use crate::eqnice;
use crate::workdir::Workdir;
use polars::prelude::*;

/// One expenses source `e.<extension>` with the canonical column names.
fn expenses(extension: &str) -> Workdir {
    Workdir::one_source("e", "expenses", &format!("e.{extension}"))
}

/// Each unit's rank, id, members and total cost.
fn totals(wd: &Workdir) -> String {
    let run = wd.every_unit_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n")
}

const TIES: &str = "citizen,date,amount,account\n\
    a2,2023-01-09,1.005,52821\n\
    a2,2023-01-10,2.675,52821\n\
    a3,2023-01-11,-1.005,52821\n\
    a4,2023-01-12,0.125,52821\n";

/// By hand: a2 = 1.01 + 2.68, a3 = -1.01, a4 = 0.13 (all ties, away from zero).
const TIE_TOTALS: &str = "rank,unit_id,members,total_cost\n\
    1,a2,1,3.69\n\
    2,a4,1,0.13\n\
    3,a3,1,-1.01";

#[test]
fn half_ore_ties_round_away_from_zero_as_written() {
    let wd = expenses("csv");
    wd.write("e.csv", TIES);
    eqnice!(TIE_TOTALS, totals(&wd));
}

#[test]
fn half_ore_ties_with_decimal_comma_and_trailing_minus() {
    let wd = expenses("csv");
    wd.write(
        "tvaers.toml",
        wd.read("tvaers.toml") + "[sources.csv]\ndecimal = \",\"\n",
    );
    wd.write(
        "e.csv",
        "citizen;date;amount;account\n\
         a2;2023-01-09;1,005;52821\n\
         a2;2023-01-10;2,675;52821\n\
         a3;2023-01-11;1,005-;52821\n\
         a4;2023-01-12;0,125;52821\n",
    );
    eqnice!(TIE_TOTALS, totals(&wd));
}

#[test]
fn parquet_float_amounts_agree_with_the_csv_to_the_ore() {
    let wd = expenses("parquet");
    let mut frame = df!(
        "citizen" => ["a2", "a2", "a3", "a4"],
        "date" => ["2023-01-09", "2023-01-10", "2023-01-11", "2023-01-12"],
        "amount" => [1.005f64, 2.675, -1.005, 0.125],
        "account" => ["52821"; 4],
    )
    .unwrap();
    wd.write_parquet("e.parquet", &mut frame);
    eqnice!(TIE_TOTALS, totals(&wd));
}

#[test]
fn parquet_decimal_amounts_are_read_exactly_not_a_panic() {
    let wd = expenses("parquet");
    let amounts = Series::new(
        "amount".into(),
        [
            "1234.50",
            "0.01",
            "-99999999999999999.99",
            "12345678901234567.89",
        ],
    )
    .cast(&DataType::Decimal(20, 2))
    .unwrap();
    let mut frame = DataFrame::new(
        4,
        vec![
            Column::new("citizen".into(), ["a1", "a1", "a2", "a3"]),
            Column::new(
                "date".into(),
                ["2023-01-09", "2023-01-10", "2023-01-11", "2023-01-12"],
            ),
            amounts.into_column(),
            Column::new("account".into(), ["52821"; 4]),
        ],
    )
    .unwrap();
    wd.write_parquet("e.parquet", &mut frame);
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         e,expenses,Social,1,4,2,2,0\n",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         e,e.parquet,3,\"amount out of range: \"\"-99999999999999999.99\"\" is 10000000000000 kr or more in magnitude\",\"citizen=a2, date=2023-01-11, amount=-99999999999999999.99, account=52821\"\n\
         e,e.parquet,4,\"amount out of range: \"\"12345678901234567.89\"\" is 10000000000000 kr or more in magnitude\",\"citizen=a3, date=2023-01-12, amount=12345678901234567.89, account=52821\"\n",
        wd.read("r.csv")
    );
    eqnice!(
        "rank,unit_id,members,total_cost\n1,a1,1,1234.51",
        totals(&wd)
    );
}

#[test]
fn amounts_beyond_the_limit_are_rejected_not_clamped_and_sums_do_not_wrap() {
    let wd = expenses("csv");
    wd.write(
        "e.csv",
        "citizen,date,amount,account\n\
         a1,2023-01-05,99999999999999999999999,52821\n\
         a1,2023-01-06,50000000000000000,52821\n\
         a1,2023-01-07,-10000000000000,52821\n\
         a1,2023-01-08,9999999999999.99,52821\n\
         a1,2023-01-09,9999999999999.99,52821\n\
         a2,2023-01-10,5,52821\n",
    );
    let run = wd.validate_csv();
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(
        "source,kind,department,files,read,accepted,rejected,outside_period\n\
         e,expenses,Social,1,6,3,3,0\n",
        run.stdout
    );
    eqnice!(
        "source,file,line,reason,raw\n\
         e,e.csv,2,\"amount out of range: \"\"99999999999999999999999\"\" is 10000000000000 kr or more in magnitude\",\"a1,2023-01-05,99999999999999999999999,52821\"\n\
         e,e.csv,3,\"amount out of range: \"\"50000000000000000\"\" is 10000000000000 kr or more in magnitude\",\"a1,2023-01-06,50000000000000000,52821\"\n\
         e,e.csv,4,\"amount out of range: \"\"-10000000000000\"\" is 10000000000000 kr or more in magnitude\",\"a1,2023-01-07,-10000000000000,52821\"\n",
        wd.read("r.csv")
    );
    // Two amounts just below the limit sum past it, exactly.
    eqnice!(
        "rank,unit_id,members,total_cost\n1,a1,1,19999999999999.98\n2,a2,1,5.00",
        totals(&wd)
    );
}
