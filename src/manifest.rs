//! Run manifests: the audit trail of one run, for a scheduled job or an
//! auditor asking which files a number came from.
//!
//! A manifest names every input file (path, size, SHA-256), the config's
//! hash, the analysis period, what each source read, accepted and rejected,
//! the exit code and the program's version. It holds no wall-clock time and
//! nothing that varies between two runs on the same files with the same
//! command line, so the same run gives the same bytes. The shape is
//! `schemas/manifest.schema.json`, versioned like every JSON output
//! ([`crate::output::SCHEMA_VERSION`]).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{Config, Period};
use crate::load::SourceReport;
use crate::output::{SCHEMA_VERSION, TVAERS_VERSION};

/// Everything one run records about itself.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// [`TVAERS_VERSION`].
    pub tvaers_version: &'static str,
    /// The command run (`hotspots`, `report`, …).
    pub command: String,
    /// The command line after the program's name, as given.
    pub arguments: Vec<String>,
    /// The exit code the run ended with.
    pub exit_code: u8,
    /// The error as printed on stderr, when the run failed.
    pub error: Option<String>,
    /// The config file, when it could be read.
    pub config: Option<FileDigest>,
    /// The analysis period, once the config was read (an open end is `null`).
    pub period: Option<PeriodRecord>,
    /// Every file the config names, and the `--cohort` file, in config order.
    pub inputs: Vec<Input>,
    /// What each source this command read held, once it was read.
    pub sources: Vec<SourceCounts>,
}

impl Manifest {
    /// A manifest of a run of `command` with `arguments`, before anything
    /// is known of its inputs.
    pub fn new(command: impl Into<String>, arguments: Vec<String>) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            tvaers_version: TVAERS_VERSION,
            command: command.into(),
            arguments,
            exit_code: 0,
            error: None,
            config: None,
            period: None,
            inputs: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// Records the config file; one that cannot be read is left out, as
    /// the run's error says why.
    pub fn record_config_file(&mut self, path: &Path) {
        self.config = FileDigest::of(path).ok();
    }

    /// Records the period and every file the config's sources name.
    pub fn record_config(&mut self, config: &Config, period: Period) {
        self.period = Some(PeriodRecord {
            from: period.from.map(|d| d.to_string()),
            to: period.to.map(|d| d.to_string()),
        });
        self.inputs.retain(|input| input.source.is_none());
        let sources = config.sources.iter().flat_map(|source| {
            source.files.iter().map(move |file| Input {
                source: Some(source.name.clone()),
                kind: Some(source.kind.as_str()),
                file: FileDigest::of_or_missing(file),
            })
        });
        let others = std::mem::take(&mut self.inputs);
        self.inputs = sources.chain(others).collect();
    }

    /// Records a file read besides the sources (the `--cohort` file).
    pub fn record_other_input(&mut self, path: &Path) {
        self.inputs.push(Input {
            source: None,
            kind: None,
            file: FileDigest::of_or_missing(path),
        });
    }

    /// Records what each source read.
    pub fn record_sources<'a>(&mut self, reports: impl IntoIterator<Item = &'a SourceReport>) {
        self.sources = reports.into_iter().map(SourceCounts::from).collect();
    }

    /// Records how the run ended.
    pub fn record_exit(&mut self, exit_code: u8, error: Option<String>) {
        self.exit_code = exit_code;
        self.error = error;
    }

    /// The manifest as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }
}

/// The analysis period as ISO dates.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRecord {
    /// First day, inclusive.
    pub from: Option<String>,
    /// Last day, inclusive.
    pub to: Option<String>,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// The source whose glob matched it; `null` for the `--cohort` file.
    pub source: Option<String>,
    /// The source's kind.
    pub kind: Option<&'static str>,
    /// The file and its digest.
    #[serde(flatten)]
    pub file: FileDigest,
}

/// A file's path as the run named it, its size and SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct FileDigest {
    /// The path as given on the command line or resolved from the config.
    pub path: String,
    /// Size in bytes; `null` when the file could not be read.
    pub size: Option<u64>,
    /// SHA-256 of its bytes in lower-case hex; `null` when it could not be read.
    pub sha256: Option<String>,
}

impl FileDigest {
    /// Reads the whole file, streaming, to hash it.
    pub fn of(path: &Path) -> io::Result<FileDigest> {
        let mut file = File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        let mut size = 0u64;
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buffer[..n]);
            size += n as u64;
        }
        Ok(FileDigest {
            path: path.display().to_string(),
            size: Some(size),
            sha256: Some(hex::encode(hasher.finalize())),
        })
    }

    /// As [`FileDigest::of`], with `null` size and hash for a file that
    /// cannot be read (the run's error names it).
    pub fn of_or_missing(path: &Path) -> FileDigest {
        FileDigest::of(path).unwrap_or_else(|_| FileDigest {
            path: path.display().to_string(),
            size: None,
            sha256: None,
        })
    }
}

/// One source's counts (SPEC §5: `read = accepted + rejected`).
#[derive(Debug, Clone, Serialize)]
pub struct SourceCounts {
    /// Source name.
    pub source: String,
    /// Kind of rows.
    pub kind: &'static str,
    /// Files read.
    pub files: usize,
    /// Data rows read.
    pub read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Accepted rows dated outside the period.
    pub outside_period: u64,
}

impl From<&SourceReport> for SourceCounts {
    fn from(report: &SourceReport) -> SourceCounts {
        SourceCounts {
            source: report.name.clone(),
            kind: report.kind.as_str(),
            files: report.files,
            read: report.read,
            accepted: report.accepted,
            rejected: report.rejected,
            outside_period: report.outside_period,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_digest_is_the_sha256_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, b"abc").unwrap();
        let digest = FileDigest::of(&path).unwrap();
        assert_eq!(digest.size, Some(3));
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            digest.sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        let missing = FileDigest::of_or_missing(&dir.path().join("gone.csv"));
        assert_eq!((missing.size, missing.sha256), (None, None));
    }

    #[test]
    fn a_manifest_opens_with_its_versions_and_has_no_time() {
        let mut manifest = Manifest::new("hotspots", vec!["hotspots".into()]);
        manifest.record_exit(3, Some("too many rejects".into()));
        let json = manifest.to_json().unwrap();
        let expected = format!(
            "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"tvaers_version\": \"{TVAERS_VERSION}\",\n  \
             \"command\": \"hotspots\",\n  \"arguments\": [\n    \"hotspots\"\n  ],\n  \"exit_code\": 3,\n  \
             \"error\": \"too many rejects\",\n  \"config\": null,\n  \"period\": null,\n  \"inputs\": [],\n  \
             \"sources\": []\n}}\n"
        );
        assert_eq!(json, expected);
    }
}
