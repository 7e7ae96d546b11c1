//! Opening a workspace for any analysis command, in two steps. `configure`
//! reads the config and the period with the command line's overrides, and
//! refuses outputs that are inputs, before anything else is read (a
//! command's `--cohort` file is read between the two steps). `Opening::open`
//! then makes the library's one pass for the command's `Plan`, writes
//! `--rejects`, says how many rows were rejected, and checks the reject rate:
//! every command gets these the same way, and its outputs the config's
//! small-cell threshold through the workspace (see `Destination::write`).

use super::Diagnostics;
use crate::cli::{OutputArgs, WorkspaceArgs};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tvaers::config::{check_period, Config, Period};
use tvaers::load::write_rejects;
use tvaers::output;
use tvaers::validate;
use tvaers::workspace::{Plan, Workspace};

/// A command's config and period, checked, with the sources not yet read.
pub struct Opening<'a> {
    args: &'a WorkspaceArgs,
    diagnostics: &'a Diagnostics,
    config: Config,
    period: Period,
}

/// Reads the config and the period, once the outputs are known not to be
/// inputs; the manifest records the config and the other inputs.
pub fn configure<'a>(
    args: &'a WorkspaceArgs,
    writes: &Writes<'_>,
    diagnostics: &'a Diagnostics,
) -> Result<Opening<'a>> {
    diagnostics.record(|m| {
        m.record_config_file(&args.config);
        if let Some(cohort) = writes.cohort {
            m.record_other_input(cohort);
        }
    });
    let config = Config::load(&args.config)?;
    let period = Period {
        from: args.from.or(config.period.from),
        to: args.to.or(config.period.to),
    };
    check_period(&period).map_err(anyhow::Error::msg)?;
    diagnostics.record(|m| m.record_config(&config, period));
    refuse_overwriting_inputs(args, writes, &config)?;
    Ok(Opening {
        args,
        diagnostics,
        config,
        period,
    })
}

impl Opening<'_> {
    /// The config, for a plan that depends on which sources it has.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads what `plan` asks for, writes `--rejects`, and fails (exit 3)
    /// when a source rejected more than `--max-reject-rate`.
    pub fn open(self, plan: &Plan) -> Result<Workspace> {
        let (args, diagnostics) = (self.args, self.diagnostics);
        let ws = self.read(plan)?;
        // `validate` lists these among its own warnings.
        for warning in validate::placeholder_ids(ws.loaded.reports()) {
            diagnostics.warn(&warning.message);
        }
        ws.check_reject_rate(args.max_reject_rate)?;
        Ok(ws)
    }

    /// As `open`, for `validate`, which lists the placeholder ids among its
    /// warnings and checks the reject rate after writing its table.
    pub fn open_for_validate(self) -> Result<Workspace> {
        self.read(&Plan::validate())
    }

    fn read(self, plan: &Plan) -> Result<Workspace> {
        let (args, diagnostics) = (self.args, self.diagnostics);
        let mut config = self.config;
        config.progress = super::progress::observer(diagnostics);
        let ws = Workspace::open(config, self.period, plan)?;
        diagnostics.record(|m| m.record_sources(ws.loaded.reports()));
        if let Some(path) = &args.rejects {
            output::write_atomically(path, |out| Ok(write_rejects(&ws.loaded.rejects, out)?))
                .with_context(|| format!("cannot write rejects to {}", path.display()))?;
        }
        let rejected = ws.loaded.rejects.len();
        if rejected > 0 {
            let sources = ws.loaded.reports().filter(|r| r.rejected > 0).count();
            let (rows, sources) = (
                counted(rejected, "row", "rows"),
                counted(sources, "source", "sources"),
            );
            diagnostics.note(&match &args.rejects {
                Some(path) => format!(
                    "{rows} rejected in {sources}; written to {}",
                    path.display()
                ),
                None => format!("{rows} rejected in {sources}; write them with --rejects FILE"),
            });
        }
        Ok(ws)
    }
}

/// `n` and the noun for it: "1 row", "4 rows".
fn counted(n: usize, one: &str, more: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { more })
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

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_row_is_a_row() {
        assert_eq!(counted(1, "row", "rows"), "1 row");
        assert_eq!(counted(0, "row", "rows"), "0 rows");
        assert_eq!(counted(4, "source", "sources"), "4 sources");
    }
}
