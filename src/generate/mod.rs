//! A seeded synthetic municipality, written to disk with a config that reads it.
//!
//! Real extracts cannot leave the municipality, yet every command, test and
//! benchmark needs data with the shapes that make the analysis hard: heavy-tailed
//! costs, a minority of citizens spread over many departments, families whose
//! members move, caseworker turnover, refunds, rows outside the analysis period,
//! and a coordinated course whose effect is known. This module owns that data
//! set: [`generate`] streams it household by household into one file per
//! department and year (CSV in a plain or a Danish dialect, or Parquet) and
//! writes a `tvaers.toml` beside it. The same request always gives the same
//! bytes.
//!
//! The cost model (see `citizen`): a citizen's monthly cost level is a
//! persistent level times a transient shock that decays, so the most expensive
//! units of any period drift back towards the mean later. High-cost units are
//! enrolled in a coordinated course during 2023; after its start their costs in
//! the areas named in [`PLANTED_AREAS`] fall by [`PLANTED_EFFECT`]. Eligible
//! units that were not enrolled remain as a comparison group.
//!
//! What a realised-savings analysis should find: a citizen is eligible when
//! their cost in the 12 months before their start is about the top-5 % cut-off
//! of active citizens, with rows in two or more departments; half of the
//! eligible are enrolled; starts cluster around mid-2023. Against non-enrolled
//! hotspots (top 5 %, two or more departments) *of the 12 months before the
//! cohort's median start*, a difference in differences of cost per unit-month
//! in the planted areas recovers about 25 % (0.23–0.28 on 50,000 citizens,
//! depending on the seed), while the cohort's own before/after drop is about
//! 0.33. Hotspots chosen over the whole analysis period make a poor comparison
//! group: enrolment has removed those whose costs were high early, so the rest
//! rise, and the effect is overstated.

mod calendar;
mod citizen;
mod config;
mod departments;
mod dialect;
mod output;
mod parquet_out;
mod population;
mod random;
mod tables;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;

/// How the CSV files are spelled: separators, encoding, dates, numbers and
/// column names. Parquet files take their column names from the dialect too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `,`-separated UTF-8, ISO dates, `.` decimal, canonical English column names.
    Plain,
    /// What Danish municipal systems export: `;`-separated Windows-1252,
    /// `dd-mm-yyyy` dates, `1.234,50` amounts, Danish column names and Excel's
    /// `="0123"` escaping of case numbers with leading zeros.
    Danish,
}

/// The container of the generated sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Delimited text in the request's [`Dialect`].
    Csv,
    /// Zstd-compressed Parquet with typed columns (dates as Date, amounts as Float64).
    Parquet,
}

/// How the municipality chooses whom to enrol in the coordinated course. Every
/// citizen draws a start in 2023 first; the rule then looks at the rows before
/// that start (contacts and payments, before any planted effect). All three
/// rules ask for rows in at least two departments in the 12 months before the
/// start, and give cohorts of about the same size (about 0.5 % of citizens).
///
/// A realised-savings estimate must recover [`PLANTED_EFFECT`] whichever rule
/// chose the cohort: the rules differ in how far the cohort's costs before the
/// start lie from everyone else's, and so in how much it drifts back afterwards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EnrolBy {
    /// The costliest: cost in the 12 months before the start of at least
    /// 1.25 million kroner (about the top-5 % cut-off of active citizens), then
    /// half of these at random. The cohort regresses strongly towards the mean.
    #[default]
    EarlierCost,
    /// Chance alone: a small share of everyone in two or more departments,
    /// whatever their cost. The cohort's cost before the start is typical of
    /// multi-department citizens, far below the other rules' cohorts.
    Random,
    /// A recent crisis: cost in the 3 months before the start of at least
    /// 330,000 kroner, then half of these at random. The cohort's last months
    /// before the start are extreme, its earlier months much less so.
    Recent,
}

/// What to generate and where.
#[derive(Clone, Debug)]
pub struct GenerateRequest {
    /// Number of citizens in the municipality (rows only for those in contact
    /// with a department; every citizen may appear in the households source).
    pub citizens: u64,
    /// Seed of every random choice: the same request gives the same bytes.
    pub seed: u64,
    /// Output directory; created if missing, files in it are overwritten
    /// (see [`check_out_folder`] for what the command allows).
    pub out: PathBuf,
    /// Spelling of the CSV files and of the column names.
    pub dialect: Dialect,
    /// CSV or Parquet.
    pub format: FileFormat,
    /// Who is enrolled in the coordinated course.
    pub enrol_by: EnrolBy,
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default)]
pub struct GenerateSummary {
    /// Every file written, the config last, in a stable order.
    pub files: Vec<PathBuf>,
    /// Data rows (header excluded) per source name of the config, in config order.
    pub rows: Vec<(String, u64)>,
}

/// Share by which an enrolled unit's costs fall after the start of its
/// coordinated course, in the budget areas of [`PLANTED_AREAS`] only; on top of
/// the general drift (regression to the mean) that every high-cost unit shows.
/// Applied multiplicatively to every payment in those areas dated on or after
/// the start (the effect lasts beyond the course's end), so the
/// counterfactual cost of such a payment is `amount / (1 - PLANTED_EFFECT)`.
pub const PLANTED_EFFECT: f64 = 0.25;

/// The budget areas (*hovedfunktioner* of the chart of accounts) where
/// [`PLANTED_EFFECT`] applies: `5.57` "Kontante ydelser" and `5.28` "Tilbud til
/// børn og unge med særlige behov". Costs in every other area are unaffected.
pub const PLANTED_AREAS: [&str; 2] = ["5.57", "5.28"];

/// First day with data in the generated sources (rows before the analysis
/// period are deliberate).
pub const DATA_FROM: NaiveDate = date(2021, 7, 1);
/// Last day with data in the generated sources.
pub const DATA_TO: NaiveDate = date(2025, 3, 31);
/// Start of the analysis period written to the config.
pub const ANALYSIS_FROM: NaiveDate = date(2022, 1, 1);
/// End (inclusive) of the analysis period written to the config.
pub const ANALYSIS_TO: NaiveDate = date(2024, 12, 31);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// Writes a synthetic municipality of `req.citizens` citizens into `req.out`:
/// expenses (one file per department and calendar year) and contacts for five
/// departments, households, progression ladder and enrolments, plus a
/// `tvaers.toml` that reads them all with the dialect's settings.
///
/// Rows are streamed household by household through buffered writers, so
/// memory stays bounded whatever the size. I/O failures come back as errors
/// naming the file.
pub fn generate(req: &GenerateRequest) -> Result<GenerateSummary> {
    std::fs::create_dir_all(&req.out)
        .with_context(|| format!("cannot create output directory {}", req.out.display()))?;
    let mut sink = output::FileSink::create(&req.out, req.dialect, req.format)?;
    population::Population::new(req.seed, req.citizens)
        .enrolling_by(req.enrol_by)
        .run(&mut sink)?;
    let mut summary = sink.finish()?;
    let config_path = req.out.join("tvaers.toml");
    let text = config::render(req.dialect, req.format);
    std::fs::write(&config_path, text)
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    summary.files.push(config_path);
    Ok(summary)
}

/// Checks, before anything is written, that `out` may receive a generated
/// municipality: it must be new or empty, unless `force`. Even with `force`,
/// a file that the generated config's globs would read but that generate
/// does not write (a stale `udbetalinger_1999.csv`) is refused, so it can
/// never join a source.
pub fn check_out_folder(out: &Path, format: FileFormat, force: bool) -> Result<()> {
    let mut entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => {
            return Err(err)
                .with_context(|| format!("cannot read output directory {}", out.display()))
        }
    };
    if entries.next().is_none() {
        return Ok(());
    }
    if !force {
        anyhow::bail!(
            "{} is not empty: generate writes its files and a tvaers.toml into a new or empty \
             folder; choose another, or pass --force to overwrite the files it writes there",
            out.display()
        );
    }
    let sources = output::layout(format);
    let written: std::collections::HashSet<std::path::PathBuf> = sources
        .iter()
        .flat_map(|s| s.files.iter().map(|f| out.join(f)))
        .collect();
    for source in &sources {
        let pattern = out.join(&source.pattern);
        let matches = glob::glob(&pattern.to_string_lossy())
            .with_context(|| format!("cannot list {}", pattern.display()))?;
        for path in matches.flatten() {
            if !written.contains(&path) {
                anyhow::bail!(
                    "{} holds {}, which the generated config's source {:?} would read ({}) but \
                     generate does not write: remove it or choose another folder",
                    out.display(),
                    path.display(),
                    source.name,
                    source.pattern
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
