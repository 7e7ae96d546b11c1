//! What a person sees at a terminal: the text tables at 80 and 160 columns,
//! run through a pseudo-terminal (`script` from util-linux) so that the
//! width is the terminal's own, compared with the snapshots in
//! `tests/cli/snapshots/`; and the progress bar, drawn on a terminal only.
//!
//! `TVAERS_UPDATE_SNAPSHOTS=1 cargo test --test cli terminal` rewrites the
//! snapshots from the current output; review the diff before committing.

use crate::eqnice;
use crate::workdir::{samples, Workdir};
use std::path::Path;
use std::process::Command;

/// Runs `tvaers ARGS` in `dir` on a pseudo-terminal `columns` wide and
/// returns what the terminal showed (stdout and stderr), line ends as `\n`.
/// `None` when `script` is not installed.
fn on_terminal(dir: &Path, columns: u16, args: &str, env: &[(&str, &str)]) -> Option<String> {
    let tvaers = assert_cmd::cargo::cargo_bin("tvaers");
    let inner = format!(
        "stty cols {columns} rows 50; exec '{}' {args}",
        tvaers.display()
    );
    let mut command = Command::new("script");
    command
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(dir)
        .env_remove("CI");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED: `script` (util-linux) is not installed, so no pseudo-terminal");
            return None;
        }
        Err(err) => panic!("run script: {err}"),
    };
    assert!(
        output.status.success(),
        "{args}: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    Some(String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"))
}

/// Compares `got` with the snapshot `name`, or rewrites it when asked to.
fn snapshot(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/snapshots")
        .join(name);
    if std::env::var_os("TVAERS_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("snapshot folder");
        std::fs::write(&path, got).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (TVAERS_UPDATE_SNAPSHOTS=1 writes it)",
            path.display()
        )
    });
    eqnice!(expected, got);
}

/// What `tvaers COMMAND --config data-samples/tvaers.toml -q` shows on a
/// terminal `columns` wide (`command` may carry flags of its own).
fn samples_on_terminal(columns: u16, command: &str) -> Option<String> {
    let args = format!("{command} --config {} -q", samples());
    on_terminal(Workdir::new().path(), columns, &args, &[])
}

fn assert_fits(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= columns,
            "a line wider than {columns} columns:\n{line}\n\n{text}"
        );
    }
}

#[test]
fn report_at_80_and_160_columns() {
    let wd = Workdir::fixture("units");
    for columns in [80, 160] {
        let Some(text) = on_terminal(wd.path(), columns, "report --top-percent 50 -q", &[]) else {
            return;
        };
        assert_fits(&text, usize::from(columns));
        snapshot(&format!("report_{columns}.txt"), &text);
    }
}

#[test]
fn realised_monitor_and_ladder_at_80_and_160_columns() {
    for command in ["realised", "monitor", "ladder"] {
        for columns in [80, 160] {
            let Some(text) = samples_on_terminal(columns, command) else {
                return;
            };
            assert_fits(&text, usize::from(columns));
            snapshot(&format!("{command}_{columns}.txt"), &text);
        }
    }
}

/// Every table of every command on the samples, at 80 columns: figures in
/// full, nothing wrapped past the edge (the width is counted in characters,
/// as a terminal shows `ø` and `┆`, not in bytes).
#[test]
fn no_line_of_any_command_is_wider_than_an_80_column_terminal() {
    for command in [
        "overview",
        "hotspots",
        "report",
        "savings",
        "realised",
        "realised --event-study",
        "monitor --every month",
        "monitor --every quarter",
        "monitor --every year",
        "ladder",
        "validate",
    ] {
        let Some(text) = samples_on_terminal(80, command) else {
            return;
        };
        assert!(text.contains('┆'), "{command}: no table\n{text}");
        assert_fits(&text, 80);
    }
}

#[test]
fn a_narrow_terminal_leaves_out_optional_columns_and_says_which_and_wide_keeps_them() {
    let Some(narrow) = samples_on_terminal(80, "hotspots --limit 3") else {
        return;
    };
    assert_fits(&narrow, 80);
    snapshot("hotspots_80.txt", &narrow);
    let Some(wide) = samples_on_terminal(80, "hotspots --limit 3 --wide") else {
        return;
    };
    assert!(!wide.contains("Left out"), "{wide}");
    // The note under the table names what it left out (and may wrap).
    let (table, note) = narrow
        .split_once("Left out to fit 80 columns: ")
        .unwrap_or_else(|| panic!("no note of what was left out:\n{narrow}"));
    for column in ["main_area", "first_date", "caseworkers"] {
        assert!(!table.contains(column), "{narrow}");
        assert!(note.contains(column), "{narrow}");
        assert!(wide.contains(column), "{wide}");
    }
}

/// A workspace whose load reports its progress many times over.
fn slow_workspace() -> Workdir {
    let wd = Workdir::new();
    wd.generate("big", 20000, 5, &[]);
    wd
}

#[test]
fn progress_shows_on_a_terminal_only_and_never_under_quiet_or_ci() {
    let wd = slow_workspace();
    let args = "validate --config big/tvaers.toml --format csv --output counts.csv";
    // The bar at once, whatever the machine's speed (a real load waits a second).
    let now = ("TVAERS_PROGRESS_AFTER_MS", "0");
    let Some(shown) = on_terminal(wd.path(), 120, args, &[now]) else {
        return;
    };
    assert!(
        shown.contains("reading ") && shown.contains(" rows") && shown.contains("elapsed"),
        "no progress bar on a terminal:\n{shown}"
    );
    let Some(quiet) = on_terminal(wd.path(), 120, &format!("{args} --quiet"), &[now]) else {
        return;
    };
    assert_eq!(quiet, "", "--quiet");
    let Some(ci) = on_terminal(wd.path(), 120, args, &[("CI", "true"), now]) else {
        return;
    };
    assert!(!ci.contains("reading "), "with CI set:\n{ci}");
    // In a pipe: stderr holds the run's notes and nothing else.
    let run = wd.run(&["validate", "--config", "big/tvaers.toml", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("reading "), "{}", run.stderr);
}
