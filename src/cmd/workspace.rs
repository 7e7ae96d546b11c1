//! Opening a workspace for any analysis command: the config, the period with
//! command-line overrides, the sources the command needs loaded or streamed,
//! rejects written and counted, and the output's small-cell threshold set
//! from the config's `[analysis] min_cell` (the one place it comes from).

use super::{Destination, Diagnostics};
use crate::cli::{OutputArgs, WorkspaceArgs};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tvaers::config::{check_period, Config, Period};
use tvaers::load::{write_rejects, Loaded};
use tvaers::output;
use tvaers::units::{self, UnitMode, Units};
use tvaers::validate::{self, Summary};

/// A loaded workspace.
pub struct Workspace {
    pub config: Config,
    pub period: Period,
    pub loaded: Loaded,
}

/// Reads every source as `validate` does (see `validate::read`) and writes `--rejects`.
pub fn open_validated(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &Diagnostics,
    destination: &mut Destination,
) -> Result<(Workspace, Summary)> {
    // Not through `open_with`: `validate` lists placeholder ids among its own warnings.
    let (config, period) = configure_for(args, writes, diagnostics, destination)?;
    let (loaded, summary) = validate::read(&config, period)?;
    diagnostics.record(|m| m.record_sources(loaded.reports()));
    Ok((finish(args, diagnostics, config, period, loaded)?, summary))
}

/// Reads the config and the sources units are made of, gathering the units
/// as the rows are read (see `units::stream`), and writes `--rejects`.
pub fn open_units(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &Diagnostics,
    destination: &mut Destination,
    mode: UnitMode,
) -> Result<(Workspace, Units)> {
    let (ws, mut units) = open_units_in(args, writes, diagnostics, destination, &[mode])?;
    let units = units.pop().context("no units were gathered")?;
    Ok((ws, units))
}

/// As `open_units`, for each of several modes, in one pass over the files.
pub fn open_units_in(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &Diagnostics,
    destination: &mut Destination,
    modes: &[UnitMode],
) -> Result<(Workspace, Vec<Units>)> {
    open_with(args, writes, diagnostics, destination, |config, period| {
        Ok(units::stream(config, period, modes)?)
    })
}

/// Reads the config and, by `read`, the sources a command needs; writes
/// `--rejects` and notes how many rows were rejected. `destination` takes
/// the config's `min_cell`, so no command can render with another.
pub fn open_with<T>(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &Diagnostics,
    destination: &mut Destination,
    read: impl FnOnce(&Config, Period) -> Result<(Loaded, T)>,
) -> Result<(Workspace, T)> {
    let (config, period) = configure_for(args, writes, diagnostics, destination)?;
    let (loaded, gathered) = read(&config, period)?;
    diagnostics.record(|m| m.record_sources(loaded.reports()));
    // `validate` lists these among its own warnings.
    for warning in validate::placeholder_ids(loaded.reports()) {
        diagnostics.warn(&warning.message);
    }
    Ok((finish(args, diagnostics, config, period, loaded)?, gathered))
}

/// The config and period, once the outputs are known not to be inputs; the
/// destination takes the config's `min_cell`, the manifest the inputs.
fn configure_for(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &Diagnostics,
    destination: &mut Destination,
) -> Result<(Config, Period)> {
    diagnostics.record(|m| {
        m.record_config_file(&args.config);
        if let Some(cohort) = writes.cohort {
            m.record_other_input(cohort);
        }
    });
    let (mut config, period) = configure(args)?;
    diagnostics.record(|m| m.record_config(&config, period));
    config.progress = super::progress::observer(diagnostics);
    destination.set_min_cell(config.min_cell);
    destination.set_config_language(config.report_language);
    refuse_overwriting_inputs(args, writes, &config)?;
    Ok((config, period))
}

/// What a command writes besides `--rejects`, and the cohort file it reads.
#[derive(Default)]
pub struct Writes<'a> {
    /// `--output`.
    pub output: Option<&'a Path>,
    /// `--cohort`, an input to protect like the sources.
    pub cohort: Option<&'a Path>,
}

impl<'a> Writes<'a> {
    /// A command's `--output`, and its `--cohort` file if it reads one.
    pub fn of(output: &'a OutputArgs, cohort: Option<&'a Path>) -> Writes<'a> {
        Writes {
            output: output.output.as_deref(),
            cohort,
        }
    }
}

/// Refuses, before anything is read, an `--output`, `--rejects` or `--manifest` that is
/// one of the run's inputs: the config, the cohort file or a file of a
/// source (the globs expanded). Paths are compared canonicalised, so a
/// link or `./` cannot hide the clash.
fn refuse_overwriting_inputs(
    args: &WorkspaceArgs,
    writes: &Writes<'_>,
    config: &Config,
) -> Result<()> {
    let mut inputs: Vec<(PathBuf, String)> = vec![(args.config.clone(), "the config file".into())];
    if let Some(cohort) = writes.cohort {
        inputs.push((cohort.to_path_buf(), "the --cohort file".into()));
    }
    for source in &config.sources {
        for file in &source.files {
            inputs.push((file.clone(), format!("a file of source {:?}", source.name)));
        }
    }
    let inputs: Vec<(PathBuf, String)> = inputs
        .into_iter()
        .filter_map(|(path, what)| Some((std::fs::canonicalize(&path).ok()?, what)))
        .collect();
    for (flag, path) in [
        ("--output", writes.output),
        ("--rejects", args.rejects.as_deref()),
        ("--manifest", args.manifest.as_deref()),
    ] {
        // A path that does not exist yet cannot be an input.
        let Some(written) = path.and_then(|p| std::fs::canonicalize(p).ok()) else {
            continue;
        };
        if let Some((_, what)) = inputs.iter().find(|(input, _)| *input == written) {
            anyhow::bail!(
                "{flag} {} is {what}: refusing to overwrite an input; write somewhere else",
                path.map_or(String::new(), |p| p.display().to_string())
            );
        }
    }
    Ok(())
}

/// The config, and its period with the command line's overrides.
fn configure(args: &WorkspaceArgs) -> Result<(Config, Period)> {
    let config = Config::load(&args.config)?;
    let period = Period {
        from: args.from.or(config.period.from),
        to: args.to.or(config.period.to),
    };
    check_period(&period).map_err(anyhow::Error::msg)?;
    Ok((config, period))
}

/// Writes `--rejects` and notes how many rows were rejected.
fn finish(
    args: &WorkspaceArgs,
    diagnostics: &Diagnostics,
    config: Config,
    period: Period,
    loaded: Loaded,
) -> Result<Workspace> {
    if let Some(path) = &args.rejects {
        output::write_atomically(path, |out| Ok(write_rejects(&loaded.rejects, out)?))
            .with_context(|| format!("cannot write rejects to {}", path.display()))?;
    }
    let rejected = loaded.rejects.len();
    if rejected > 0 {
        let sources = loaded.reports().filter(|r| r.rejected > 0).count();
        diagnostics.note(&match &args.rejects {
            Some(path) => format!(
                "{rejected} rows rejected in {sources} sources; written to {}",
                path.display()
            ),
            None => format!(
                "{rejected} rows rejected in {sources} sources; write them with --rejects FILE"
            ),
        });
    }
    Ok(Workspace {
        config,
        period,
        loaded,
    })
}
