//! Opening a workspace for any analysis command: the config, the period with
//! command-line overrides, every source loaded, rejects written and counted.

use super::Diagnostics;
use crate::cli::WorkspaceArgs;
use anyhow::{Context, Result};
use tvaers::config::{check_period, Config, Period};
use tvaers::load::{self, write_rejects, Loaded};
use tvaers::output;

/// A loaded workspace.
pub struct Workspace {
    pub config: Config,
    pub period: Period,
    pub loaded: Loaded,
}

/// Reads the config, loads every source and writes `--rejects`.
pub fn open(args: &WorkspaceArgs, diagnostics: &Diagnostics) -> Result<Workspace> {
    let config = Config::load(&args.config)?;
    let period = Period {
        from: args.from.or(config.period.from),
        to: args.to.or(config.period.to),
    };
    check_period(&period).map_err(anyhow::Error::msg)?;
    let loaded = load::load(&config, period)?;

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
