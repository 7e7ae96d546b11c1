//! Micro-benchmarks of the hot parts, on one generated municipality
//! (20,000 citizens, seed 2026) written once per run in a temporary folder:
//! loading (CSV decoding and typing) in each dialect and from Parquet; the
//! units gathered straight from the files as `hotspots` does; the units
//! aggregation of loaded rows; and the family assignment. Run with `cargo bench`.
//! Whole-command figures come from `benches/e2e.py` (BENCHMARKS.md).

use polars::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;
use tvaers::config::Config;
use tvaers::generate::{generate, Dialect, EnrolBy, FileFormat, GenerateRequest};
use tvaers::load::{load, Loaded};
use tvaers::schema::Kind;
use tvaers::units::{units, Membership, UnitMode};
use tvaers::workspace::{Plan, Workspace};

const CITIZENS: u64 = 20_000;

fn main() {
    divan::main();
}

/// The generated municipality in each form, written once.
fn workspace(name: &str, dialect: Dialect, format: FileFormat) -> Config {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = ROOT.get_or_init(|| tempfile::tempdir().expect("temporary folder"));
    let out: PathBuf = root.path().join(name);
    if !out.join("tvaers.toml").exists() {
        let request = GenerateRequest {
            citizens: CITIZENS,
            seed: 2026,
            out: out.clone(),
            dialect,
            format,
            enrol_by: EnrolBy::EarlierCost,
        };
        generate(&request).expect("generate");
    }
    Config::load(&out.join("tvaers.toml")).expect("config")
}

fn plain() -> Config {
    workspace("plain", Dialect::Plain, FileFormat::Csv)
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let config = plain();
        load(&config, config.period).expect("load")
    })
}

#[divan::bench(sample_count = 10)]
fn load_plain_csv(bencher: divan::Bencher) {
    let config = plain();
    bencher.bench(|| load(&config, config.period).expect("load"));
}

#[divan::bench(sample_count = 10)]
fn load_danish_csv(bencher: divan::Bencher) {
    let config = workspace("danish", Dialect::Danish, FileFormat::Csv);
    bencher.bench(|| load(&config, config.period).expect("load"));
}

#[divan::bench(sample_count = 10)]
fn load_parquet(bencher: divan::Bencher) {
    let config = workspace("parquet", Dialect::Plain, FileFormat::Parquet);
    bencher.bench(|| load(&config, config.period).expect("load"));
}

#[divan::bench(sample_count = 10)]
fn units_citizen(bencher: divan::Bencher) {
    let loaded = loaded();
    let period = plain().period;
    bencher.bench(|| units(loaded, period, UnitMode::Citizen).expect("units"));
}

#[divan::bench(sample_count = 10, args = ["plain", "danish", "parquet"])]
fn streamed_units(bencher: divan::Bencher, form: &str) {
    let config = match form {
        "danish" => workspace("danish", Dialect::Danish, FileFormat::Csv),
        "parquet" => workspace("parquet", Dialect::Plain, FileFormat::Parquet),
        _ => plain(),
    };
    let plan = Plan::units(&[UnitMode::Citizen]);
    bencher.bench(|| Workspace::open(config.clone(), config.period, &plan).expect("units"));
}

/// Every expense and contact row's citizen and day.
fn row_citizens() -> &'static (Vec<String>, Vec<i32>) {
    static ROWS: OnceLock<(Vec<String>, Vec<i32>)> = OnceLock::new();
    ROWS.get_or_init(|| {
        let (mut citizens, mut days) = (Vec::new(), Vec::new());
        for kind in [Kind::Expenses, Kind::Contacts] {
            let frame = loaded()
                .frame(kind)
                .and_then(|f| f.collect())
                .expect("rows");
            let c = frame
                .column("citizen")
                .and_then(|c| c.cast(&DataType::String))
                .expect("citizen");
            let d = frame
                .column("date")
                .and_then(|c| c.cast(&DataType::Int32))
                .expect("date");
            for (c, d) in c
                .str()
                .expect("text")
                .iter()
                .zip(d.i32().expect("days").iter())
            {
                if let (Some(c), Some(d)) = (c, d) {
                    citizens.push(c.to_string());
                    days.push(d);
                }
            }
        }
        (citizens, days)
    })
}

/// The memberships built from the households rows, then every row's family looked up.
#[divan::bench(sample_count = 10)]
fn family_assignment(bencher: divan::Bencher) {
    let households = loaded()
        .frame(Kind::Households)
        .and_then(|f| f.collect())
        .expect("households");
    let (citizens, days) = row_citizens();
    bencher.bench(|| {
        let membership = Membership::new(&households).expect("memberships");
        citizens
            .iter()
            .zip(days)
            .filter(|(c, d)| membership.family(c, **d).is_some())
            .count()
    });
}

#[divan::bench(sample_count = 10)]
fn units_family(bencher: divan::Bencher) {
    let loaded = loaded();
    let period = plain().period;
    bencher.bench(|| units(loaded, period, UnitMode::Family).expect("units"));
}
