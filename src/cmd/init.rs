//! `tvaers init`: writes the config that `init::plan` makes for a folder of
//! extracts, never over an existing one without `--force`, and says on
//! stderr what it found and what to run next.

use super::Diagnostics;
use crate::cli::InitArgs;
use anyhow::{bail, Context, Result};
use std::io::Write;
use tvaers::init;
use tvaers::output::write_atomically;

pub fn run(args: InitArgs, diagnostics: &Diagnostics) -> Result<()> {
    if !args.dir.is_dir() {
        bail!(
            "{} is not a folder: give the folder that holds the extracts",
            args.dir.display()
        );
    }
    let out = args.out.unwrap_or_else(|| args.dir.join("tvaers.toml"));
    if out.exists() && !args.force {
        bail!(
            "{} exists: init never replaces a config unless asked; run with --force to replace it, or --out FILE to write another",
            out.display()
        );
    }
    let base = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !base.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            out.display(),
            base.display()
        );
    }
    let plan = init::plan(&args.dir, &base, &out)?;
    write_atomically(&out, |w: &mut dyn Write| {
        w.write_all(plan.text.as_bytes())?;
        Ok(())
    })
    .with_context(|| format!("cannot write {}", out.display()))?;

    let period = match plan.period {
        Some((from, to)) => format!("period {from} to {to}"),
        None => "no period set (no whole calendar year of expense data)".to_string(),
    };
    diagnostics.note(&format!(
        "wrote {}: {} sources from {} files, {period}; {} guesses marked \"guess\" to check",
        out.display(),
        plan.sources,
        plan.files,
        plan.guesses
    ));
    for (file, reason) in &plan.unclassified {
        diagnostics.warn(&format!("not classified: {}: {reason}", file.display()));
    }
    let config = if out == std::path::Path::new("tvaers.toml") {
        String::new()
    } else {
        format!(" --config {}", out.display())
    };
    diagnostics.note(&format!("next: tvaers validate{config}"));
    Ok(())
}
