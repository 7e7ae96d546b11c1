//! `tvaers completions` and `tvaers man`: the scripts a shell loads and the
//! pages `man` shows, checked by the programs that read them.

use crate::workdir::Workdir;
use std::process::Command;

/// Completes `words` (the last one being typed) with the bash script, as
/// bash's programmable completion would call it, and returns the candidates.
fn bash_complete(wd: &Workdir, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.len() - 1;
    let previous = words[current.saturating_sub(1)];
    let script = format!(
        "source ./tvaers.bash\n\
         COMP_WORDS=({words}); COMP_CWORD={current}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _tvaers tvaers '{last}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        last = words[current],
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(wd.path())
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_bash_completion_script_parses_and_completes_commands_and_flags() {
    let wd = Workdir::new();
    let run = wd.run(&["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    wd.write("tvaers.bash", &run.stdout);
    let check = Command::new("bash")
        .args(["-n", "tvaers.bash"])
        .current_dir(wd.path())
        .output()
        .expect("run bash -n");
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(bash_complete(&wd, &["tvaers", "rep"]), ["report"]);
    assert_eq!(
        bash_complete(&wd, &["tvaers", "re"]),
        ["report", "realised"]
    );
    assert_eq!(
        bash_complete(&wd, &["tvaers", "hotspots", "--uni"]),
        ["--unit"]
    );
    assert_eq!(
        bash_complete(&wd, &["tvaers", "hotspots", "--unit", ""]),
        ["citizen", "family"]
    );
    assert_eq!(
        bash_complete(&wd, &["tvaers", "completions", "p"]),
        ["powershell"]
    );
}

#[test]
fn completion_scripts_for_each_shell_name_the_commands() {
    let wd = Workdir::new();
    for (shell, marker) in [
        ("zsh", "#compdef tvaers"),
        ("fish", "complete -c tvaers"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'tvaers'",
        ),
    ] {
        let run = wd.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("monitor"), "{shell}: {}", run.stdout);
    }
    let run = wd.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// `man -l FILE` at a fixed width, or None when `man` is not installed.
fn render_man(wd: &Workdir, page: &str) -> Option<String> {
    let output = match Command::new("man")
        .args(["-l", page])
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .current_dir(wd.path())
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED: `man` is not installed, so the page's rendering is not checked");
            return None;
        }
        Err(err) => panic!("run man: {err}"),
    };
    assert!(
        output.status.success(),
        "man -l {page}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn the_man_page_renders_with_man() {
    let wd = Workdir::new();
    let run = wd.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        run.stdout
    );
    wd.write("tvaers.1", &run.stdout);
    let Some(page) = render_man(&wd, "tvaers.1") else {
        return;
    };
    let lines: Vec<&str> = page.lines().map(str::trim).collect();
    for expected in [
        "NAME",
        "SYNOPSIS",
        "tvaers [-q|--quiet] [-h|--help] [-V|--version] <subcommands>",
        "SUBCOMMANDS",
        "tvaers-report(1)",
        "tvaers-completions(1)",
        "Exit codes:",
        "2  usage error (unknown flag or command, bad flag value)",
    ] {
        assert!(lines.contains(&expected), "{expected:?} not in:\n{page}");
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let wd = Workdir::new();
    let run = wd.run(&["man", "--dir", "man1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut pages: Vec<String> = std::fs::read_dir(wd.path().join("man1"))
        .expect("man1")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "tvaers-completions.1",
            "tvaers-generate.1",
            "tvaers-hotspots.1",
            "tvaers-init.1",
            "tvaers-ladder.1",
            "tvaers-man.1",
            "tvaers-monitor.1",
            "tvaers-overview.1",
            "tvaers-pseudonymise.1",
            "tvaers-realised.1",
            "tvaers-report.1",
            "tvaers-savings.1",
            "tvaers-validate.1",
            "tvaers.1",
        ]
    );
    let Some(page) = render_man(&wd, "man1/tvaers-hotspots.1") else {
        return;
    };
    assert!(page.contains("--top-percent"), "{page}");
    // man justifies and wraps lines: compare with the spaces collapsed.
    let words = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "tvaers hotspots --config data-samples/tvaers.toml --limit 20 --min-departments 3"
        ),
        "{page}"
    );
}
