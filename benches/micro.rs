//! Micro-benchmarks of the hot parts, on one generated municipality
//! (20,000 citizens, seed 2026) written once per run in a temporary folder:
//! loading (CSV decoding and typing) in each dialect and from Parquet, the
//! units aggregation, and the family assignment. Run with `cargo bench`.
//! Whole-command figures come from `benches/e2e.py` (BENCHMARKS.md).

use std::path::PathBuf;
use std::sync::OnceLock;
use tvaers::config::Config;
use tvaers::generate::{generate, Dialect, FileFormat, GenerateRequest};
use tvaers::load::{load, Loaded};
use tvaers::units::{unit_rows, units, UnitMode};

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

#[divan::bench(sample_count = 10)]
fn family_assignment(bencher: divan::Bencher) {
    let loaded = loaded();
    let period = plain().period;
    bencher.bench(|| {
        unit_rows(loaded, period, UnitMode::Family)
            .expect("plan")
            .collect()
            .expect("family rows")
    });
}

#[divan::bench(sample_count = 10)]
fn units_family(bencher: divan::Bencher) {
    let loaded = loaded();
    let period = plain().period;
    bencher.bench(|| units(loaded, period, UnitMode::Family).expect("units"));
}
