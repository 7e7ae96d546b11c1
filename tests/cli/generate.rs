//! `tvaers generate`: reproducible bytes, and data that its own config loads.

use crate::workdir::Workdir;
use std::collections::BTreeMap;
use std::path::Path;

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn same_seed_gives_the_same_bytes_in_both_dialects() {
    let wd = Workdir::new();
    for dialect in ["plain", "danish"] {
        for out in ["a", "b"] {
            let dir = format!("{dialect}-{out}");
            wd.generate(&dir, 300, 11, &["--dialect", dialect]);
        }
        let a = files(&wd.path().join(format!("{dialect}-a")));
        let b = files(&wd.path().join(format!("{dialect}-b")));
        assert!(a.len() > 5, "{:?}", a.keys());
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (name, bytes) in &a {
            assert!(
                bytes == &b[name],
                "{dialect}: {name} differs between two runs with one seed"
            );
        }
    }
    wd.generate("other", 300, 12, &[]);
    assert_ne!(
        files(&wd.path().join("plain-a")),
        files(&wd.path().join("other"))
    );
}

#[test]
fn generated_municipality_loads_without_rejects_in_every_format() {
    let wd = Workdir::new();
    for (dir, extra) in [
        ("plain", vec![]),
        ("danish", vec!["--dialect", "danish"]),
        ("parquet", vec!["--format", "parquet"]),
    ] {
        wd.generate(dir, 400, 3, &extra);
        let config = format!("{dir}/tvaers.toml");
        let run = wd.run(&["validate", "--config", &config, "--format", "csv"]);
        assert_eq!(run.code, 0, "{dir}: {}", run.stderr);
        let mut lines = run.stdout.lines();
        assert_eq!(
            lines.next(),
            Some("source,kind,department,files,read,accepted,rejected,outside_period")
        );
        let mut kinds = Vec::new();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let read: u64 = cells[4].parse().unwrap();
            let accepted: u64 = cells[5].parse().unwrap();
            assert_eq!(cells[6], "0", "{dir}: {line}");
            assert_eq!(read, accepted, "{dir}: {line}");
            kinds.push(cells[1].to_string());
        }
        for kind in ["expenses", "contacts", "households", "ladder", "enrolments"] {
            assert!(kinds.iter().any(|k| k == kind), "{dir}: no {kind} source");
        }
    }
    // The three formats hold the same rows.
    let counts = |dir: &str| {
        let config = format!("{dir}/tvaers.toml");
        let out = wd
            .run(&["validate", "--config", &config, "--format", "csv"])
            .stdout;
        out.lines()
            .skip(1)
            .map(|l| l.split(',').skip(4).take(1).collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(counts("plain"), counts("danish"));
    assert_eq!(counts("plain"), counts("parquet"));
    // And the same analysis, to the cent, whichever way the files were read.
    let hotspots = |dir: &str| {
        let config = format!("{dir}/tvaers.toml");
        let run = wd.run(&[
            "hotspots",
            "--config",
            &config,
            "--format",
            "csv",
            "--unit",
            "family",
            "--top-percent",
            "50",
        ]);
        assert_eq!(run.code, 0, "{dir}: {}", run.stderr);
        run.stdout
    };
    let plain = hotspots("plain");
    assert!(plain.lines().count() > 10, "{plain}");
    assert_eq!(plain, hotspots("danish"));
    assert_eq!(plain, hotspots("parquet"));
}

#[test]
fn enrol_by_changes_who_is_enrolled_and_earlier_cost_is_the_default() {
    let wd = Workdir::new();
    let generate = |out: &str, rule: Option<&str>| {
        let extra: Vec<&str> = rule.map(|r| vec!["--enrol-by", r]).unwrap_or_default();
        wd.generate(out, 2000, 9, &extra);
        files(&wd.path().join(out))
    };
    let default = generate("default", None);
    assert!(default == generate("earlier", Some("earlier-cost")));
    let enrolments = "koordinering/forloeb.csv";
    for rule in ["random", "recent"] {
        let other = generate(rule, Some(rule));
        assert_eq!(
            default.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>()
        );
        assert!(
            other["husstande/husstande.csv"] == default["husstande/husstande.csv"],
            "{rule}: the households are the same municipality's"
        );
        assert!(other[enrolments] != default[enrolments], "{rule}");
        let enrolled = other[enrolments].split(|b| *b == b'\n').count();
        assert!(enrolled > 3, "{rule}: {enrolled} lines of enrolments");
    }
    let run = wd.run(&[
        "generate",
        "--citizens",
        "10",
        "--out",
        "x",
        "--enrol-by",
        "cost",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn generate_into_a_non_empty_folder_is_refused_unless_forced() {
    let wd = Workdir::new();
    wd.write("m/notes.txt", "mine\n");
    let run = wd.run(&["generate", "--citizens", "50", "--out", "m"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    crate::eqnice!(
        "tvaers: m is not empty: generate writes its files and a tvaers.toml into a new or empty \
         folder; choose another, or pass --force to overwrite the files it writes there\n",
        run.stderr
    );
    assert!(!wd.path().join("m/tvaers.toml").exists());
    let run = wd.run(&[
        "generate",
        "--citizens",
        "50",
        "--out",
        "m",
        "--force",
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(wd.read("m/notes.txt"), "mine\n");
    // Regenerating over its own files is what --force is for.
    let run = wd.run(&[
        "generate",
        "--citizens",
        "60",
        "--out",
        "m",
        "--force",
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn generate_force_refuses_a_stale_file_its_config_would_read() {
    let wd = Workdir::new();
    wd.write("m/boern-og-familie/udbetalinger_1999.csv", "stale\n");
    let run = wd.run(&["generate", "--citizens", "50", "--out", "m", "--force"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    crate::eqnice!(
        "tvaers: m holds m/boern-og-familie/udbetalinger_1999.csv, which the generated config's \
         source \"boern-og-familie-udbetalinger\" would read (boern-og-familie/udbetalinger_*.csv) \
         but generate does not write: remove it or choose another folder\n",
        run.stderr
    );
    assert!(!wd.path().join("m/tvaers.toml").exists());
}
