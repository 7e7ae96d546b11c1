//! A temporary folder with fixture files and a way to run `tvaers` in it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

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
