//! A temporary folder with fixture files and a way to run `tvaers` in it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The path of the sample municipality's config, `data-samples/tvaers.toml`.
pub fn samples() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/tvaers.toml").to_string()
}

pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What a run printed and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A workdir holding a copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Workdir {
        let wd = Workdir::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        for entry in std::fs::read_dir(&from).expect("fixture folder") {
            let path = entry.expect("fixture entry").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            wd.write(&name, std::fs::read(&path).expect("fixture file"));
        }
        wd
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders); `contents` are bytes, so any encoding can be written.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture folder");
        }
        std::fs::write(&path, contents).expect("fixture file");
        path
    }

    /// Writes text encoded as Windows-1252, with CRLF line ends (as Danish ERP exports).
    pub fn write_cp1252(&self, name: &str, text: &str) -> PathBuf {
        let crlf = text.replace('\n', "\r\n");
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&crlf);
        assert!(!unmappable, "fixture text must fit Windows-1252");
        self.write(name, bytes)
    }

    /// Writes `frame` as the Parquet file `name`.
    pub fn write_parquet(&self, name: &str, frame: &mut polars::prelude::DataFrame) {
        use polars::prelude::ParquetWriter;
        let file = std::fs::File::create(self.dir.path().join(name)).expect("parquet file");
        ParquetWriter::new(file)
            .finish(frame)
            .expect("write parquet");
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).expect("output file")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::cargo_bin("tvaers")
            .expect("binary")
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .expect("run tvaers");
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        crate::schema::check_run(
            self.dir.path(),
            &args,
            output.status.code().unwrap_or(-1),
            &output.stdout,
        );
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

/// The set-ups many tests share: a one-source workspace, a generated
/// municipality, and the runs that read every row and every unit of it.
impl Workdir {
    /// A workdir whose `tvaers.toml` reads one source, `name`, of `kind`,
    /// from `path` (canonical column names, department "Social"), over 2023.
    pub fn one_source(name: &str, kind: &str, path: &str) -> Workdir {
        let wd = Workdir::new();
        wd.write(
            "tvaers.toml",
            format!(
                "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\n[[sources]]\nname = \"{name}\"\nkind = \"{kind}\"\ndepartment = \"Social\"\npath = \"{path}\"\n"
            ),
        );
        wd
    }

    /// `generate` of `citizens` with `seed` into the folder `out`, with
    /// `extra` flags; it must succeed. Its config is `{out}/tvaers.toml`.
    pub fn generate(&self, out: &str, citizens: u32, seed: u32, extra: &[&str]) {
        let (citizens, seed) = (citizens.to_string(), seed.to_string());
        let mut args = vec![
            "generate",
            "--citizens",
            &citizens,
            "--seed",
            &seed,
            "--out",
            out,
        ];
        args.extend(extra);
        let run = self.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }

    /// The samples' hotspots as CSV (returned) and as `hotspots.xlsx` in
    /// the workdir; both runs must succeed.
    pub fn samples_hotspots_csv_and_xlsx(&self) -> String {
        let config = samples();
        let csv = self.run(&["hotspots", "--config", &config, "--format", "csv"]);
        assert_eq!(csv.code, 0, "{}", csv.stderr);
        let run = self.run(&["hotspots", "--config", &config, "--output", "hotspots.xlsx"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        csv.stdout
    }

    /// `validate` of `tvaers.toml` as CSV, every rejected row written to
    /// `r.csv`, whatever share of rows is rejected.
    pub fn validate_csv(&self) -> Run {
        self.run(&[
            "validate",
            "--format",
            "csv",
            "--rejects",
            "r.csv",
            "--max-reject-rate",
            "1",
        ])
    }

    /// `hotspots` of `tvaers.toml` as CSV, every unit with cost ranked (one
    /// department is enough), whatever share of rows is rejected.
    pub fn every_unit_csv(&self) -> Run {
        self.run(&[
            "hotspots",
            "--format",
            "csv",
            "--top-percent",
            "100",
            "--min-departments",
            "1",
            "--max-reject-rate",
            "1",
        ])
    }
}

impl Workdir {
    /// Runs a `sh` script in the workdir, with `$TVAERS` the binary: for
    /// redirections `Command` cannot express (a closed stdout, `/dev/full`).
    pub fn shell(&self, script: &str) -> Run {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("TVAERS", assert_cmd::cargo::cargo_bin("tvaers"))
            .current_dir(self.dir.path())
            .output()
            .expect("run sh");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

/// Compares two texts, printing both in full on a mismatch.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected: &str = &$expected;
        let got: &str = &$got;
        if expected != got {
            panic!(
                "\n===== expected =====\n{}\n===== got =====\n{}\n===== end =====\n",
                expected, got
            );
        }
    }};
}
