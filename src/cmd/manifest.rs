//! `--manifest FILE`: the run's record, filled in as the workspace is opened
//! (`workspace.rs`) and written when the command has ended, however it
//! ended, so that a scheduled job leaves an audit trail of a failed run too.

use super::exit_code;
use anyhow::{Context, Result};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use tvaers::manifest::Manifest;
use tvaers::output;

/// The manifest of the running command, shared by the places that add to it.
#[derive(Clone)]
pub struct Record(Rc<RefCell<Manifest>>);

impl Record {
    /// The record of `command` run with `arguments`.
    pub fn new(command: &str, arguments: Vec<String>) -> Record {
        Record(Rc::new(RefCell::new(Manifest::new(command, arguments))))
    }

    /// Adds to the manifest.
    pub fn update(&self, add: impl FnOnce(&mut Manifest)) {
        add(&mut self.0.borrow_mut());
    }
}

/// Records how the run ended and writes the manifest to `path`
/// (atomically), then returns the run's own result. A manifest that
/// cannot be written fails a run that succeeded; a failed run keeps its
/// own error (and exit code), the manifest's failure said beside it.
pub fn finish(path: &Path, record: &Record, result: Result<()>) -> Result<()> {
    let mut manifest = record.0.borrow().clone();
    match &result {
        Ok(()) => manifest.record_exit(0, None),
        Err(err) => {
            let code = exit_code(err);
            manifest.record_exit(code, (code != 0).then(|| format!("{err:#}")));
        }
    }
    if let Some(input) = input_named(path, &manifest) {
        // `workspace` refused the run before reading anything; this catches
        // an input that only became known later.
        return result.and_then(|()| {
            anyhow::bail!(
                "--manifest {} is the input {}: refusing to overwrite an input; write somewhere else",
                path.display(),
                input.display()
            )
        });
    }
    let written = manifest
        .to_json()
        .map_err(anyhow::Error::from)
        .and_then(|json| {
            output::write_atomically(path, |out| {
                out.write_all(json.as_bytes())?;
                Ok(())
            })
        })
        .with_context(|| format!("cannot write the manifest {}", path.display()));
    match (result, written) {
        (Ok(()), written) => written,
        (Err(err), Ok(())) => Err(err),
        (Err(err), Err(failed)) => {
            crate::stdio::say(&format!("tvaers: {failed:#}"));
            Err(err)
        }
    }
}

/// The input (config, source file or cohort file) that `path` names, if any;
/// compared after resolving links.
fn input_named(path: &Path, manifest: &Manifest) -> Option<PathBuf> {
    let written = std::fs::canonicalize(path).ok()?;
    let config = manifest.config.iter().map(|c| &c.path);
    let inputs = manifest.inputs.iter().map(|i| &i.file.path);
    config
        .chain(inputs)
        .map(PathBuf::from)
        .find(|input| std::fs::canonicalize(input).is_ok_and(|p| p == written))
}
