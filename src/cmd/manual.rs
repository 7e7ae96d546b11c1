//! `tvaers completions` and `tvaers man`: shell completion scripts and
//! manual pages, generated from the clap definitions in `cli.rs`, so they
//! can never describe flags the binary does not have.

use super::Diagnostics;
use crate::cli::{Cli, CompletionsArgs, ManArgs, ShellArg};
use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// Writes the completion script for one shell to stdout.
pub fn completions(args: CompletionsArgs) -> Result<()> {
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tvaers", &mut script);
    write_stdout(&script)
}

/// Writes tvaers(1) to stdout, or with `--dir` every command's page into a folder.
pub fn man(args: ManArgs, diagnostics: &Diagnostics) -> Result<()> {
    let command = Cli::command();
    let Some(dir) = args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        return write_stdout(&page);
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    clap_mangen::generate_to(command, &dir)
        .with_context(|| format!("cannot write the manual pages to {}", dir.display()))?;
    diagnostics.note(&format!("wrote the manual pages to {}", dir.display()));
    Ok(())
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = crate::stdio::stdout()?;
    out.write_all(bytes).context("cannot write to stdout")?;
    out.flush().context("cannot write to stdout")?;
    Ok(())
}
