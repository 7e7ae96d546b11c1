//! Every example in a command's `--help` runs, as a user would paste it
//! into a shell, against the shipped sample municipality (made by
//! `tvaers generate`) copied into a temporary folder: an example that no
//! longer works fails here, not at a user's desk.

use crate::workdir::Workdir;
use std::path::Path;
use std::process::Command;

/// Commands whose `--help` has examples, as `tvaers --help` lists them.
const COMMANDS: [&str; 13] = [
    "validate",
    "report",
    "overview",
    "hotspots",
    "savings",
    "realised",
    "monitor",
    "ladder",
    "pseudonymise",
    "init",
    "generate",
    "completions",
    "man",
];

fn help(args: &[&str]) -> String {
    let run = Workdir::new().run(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.stdout
}

/// The lines under `heading` up to the next blank line, without their indent.
fn section(text: &str, heading: &str) -> Vec<String> {
    text.lines()
        .skip_while(|line| line.trim_end() != heading)
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .map(|line| line.trim().to_string())
        .collect()
}

/// The examples of `command`'s `--help`, one shell command line each.
fn examples(command: &str) -> Vec<String> {
    let text = help(&[command, "--help"]);
    let lines = section(&text, "Examples:");
    for line in &lines {
        // clap wraps help at 100 columns: a continued line would run as a command of its own.
        assert!(
            line.starts_with("tvaers ") || line.starts_with("head "),
            "{command} --help: {line:?} does not start a command; is an example wrapped? \
             Keep examples under 98 columns.\n{text}"
        );
    }
    lines
}

#[test]
fn every_command_with_help_has_examples_and_a_test_that_runs_them() {
    // A command's line is indented by two spaces; a wrapped description by more.
    let text = help(&["--help"]);
    let listed: Vec<String> = text
        .lines()
        .skip_while(|line| line.trim_end() != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect();
    assert_eq!(listed, COMMANDS);
    for command in COMMANDS {
        assert!(
            !examples(command).is_empty(),
            "{command} --help has no examples"
        );
    }
}

/// A folder holding a copy of `data-samples/`, the same extracts without
/// their config as `extracts/` (for `init`), and the input files that
/// `pseudonymise`'s examples name.
fn sample_workspace() -> Workdir {
    let wd = Workdir::new();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples");
    copy_folder(&samples, &wd.path().join("data-samples"));
    copy_folder(&samples, &wd.path().join("extracts"));
    std::fs::remove_file(wd.path().join("extracts/tvaers.toml")).expect("no config in extracts");
    // CPR-shaped ids (not real people) in the columns the examples replace.
    wd.write(
        "udbetalinger.csv",
        "BorgerID;Dato;Beløb\n0101901234;01-02-2023;1.234,50\n020285-1235;03-02-2023;99,00\n",
    );
    wd.write(
        "husstande.csv",
        "BorgerID;MorCPR;Husstand\n0101101236;0101901234;H1\n0202021237;;H2\n",
    );
    std::fs::create_dir_all(wd.path().join("home")).expect("home folder");
    wd
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs `command`'s examples in order in one sample workspace, through
/// `sh`, with the built `tvaers` first on the PATH and HOME inside the
/// workspace; each must exit 0.
fn run_examples(command: &str) {
    let wd = sample_workspace();
    let tvaers = assert_cmd::cargo::cargo_bin("tvaers");
    let bin = tvaers.parent().expect("binary folder");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = wd.path().join("home");
    for example in examples(command) {
        if example.contains("man -l") && !on_path("man") {
            eprintln!("SKIPPED {example:?}: `man` is not installed");
            continue;
        }
        // A redirection into a folder under ~ expects the folder to exist, as on a set-up machine.
        for target in example.split('>').skip(1) {
            if let Some(rest) = target
                .split_whitespace()
                .next()
                .and_then(|t| t.strip_prefix("~/"))
            {
                if let Some(parent) = home.join(rest).parent() {
                    std::fs::create_dir_all(parent).expect("folder under HOME");
                }
            }
        }
        let output = Command::new("sh")
            .arg("-c")
            .arg(&example)
            .current_dir(wd.path())
            .env("PATH", &path)
            .env("HOME", &home)
            .env("CI", "true")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .expect("run sh");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "`{example}` exited {:?}:\n{stderr}",
            output.status.code()
        );
        assert!(!stderr.contains("panicked"), "`{example}`:\n{stderr}");
    }
}

fn on_path(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

macro_rules! examples_run {
    ($($test:ident: $command:literal,)*) => {$(
        #[test]
        fn $test() {
            run_examples($command);
        }
    )*};
}

examples_run! {
    validate_examples_run: "validate",
    report_examples_run: "report",
    overview_examples_run: "overview",
    hotspots_examples_run: "hotspots",
    savings_examples_run: "savings",
    realised_examples_run: "realised",
    monitor_examples_run: "monitor",
    ladder_examples_run: "ladder",
    pseudonymise_examples_run: "pseudonymise",
    init_examples_run: "init",
    generate_examples_run: "generate",
    completions_examples_run: "completions",
    man_examples_run: "man",
}
