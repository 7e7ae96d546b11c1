//! Opening a workspace for any analysis command: the config, the period with
//! command-line overrides, the sources the command needs loaded or streamed,
//! rejects written and counted.

use super::Diagnostics;
use crate::cli::WorkspaceArgs;
use anyhow::{Context, Result};
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
    diagnostics: &Diagnostics,
) -> Result<(Workspace, Summary)> {
    let (config, period) = configure(args)?;
    let (loaded, summary) = validate::read(&config, period)?;
    Ok((finish(args, diagnostics, config, period, loaded)?, summary))
}

/// Reads the config and the sources units are made of, gathering the units
/// as the rows are read (see `units::stream`), and writes `--rejects`.
pub fn open_units(
    args: &WorkspaceArgs,
    diagnostics: &Diagnostics,
    mode: UnitMode,
) -> Result<(Workspace, Units)> {
    let (ws, mut units) = open_units_in(args, diagnostics, &[mode])?;
    let units = units.pop().context("no units were gathered")?;
    Ok((ws, units))
}

/// As `open_units`, for each of several modes, in one pass over the files.
pub fn open_units_in(
    args: &WorkspaceArgs,
    diagnostics: &Diagnostics,
    modes: &[UnitMode],
) -> Result<(Workspace, Vec<Units>)> {
    open_with(args, diagnostics, |config, period| {
        Ok(units::stream(config, period, modes)?)
    })
}

/// Reads the config and, by `read`, the sources a command needs; writes
/// `--rejects` and notes how many rows were rejected.
pub fn open_with<T>(
    args: &WorkspaceArgs,
    diagnostics: &Diagnostics,
    read: impl FnOnce(&Config, Period) -> Result<(Loaded, T)>,
) -> Result<(Workspace, T)> {
    let (config, period) = configure(args)?;
    let (loaded, gathered) = read(&config, period)?;
    // `validate` lists these among its own warnings.
    for warning in validate::placeholder_ids(loaded.reports()) {
        diagnostics.warn(&warning.message);
    }
    Ok((finish(args, diagnostics, config, period, loaded)?, gathered))
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
