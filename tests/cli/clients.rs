//! The outputs in the programs people open them with: headless Chromium
//! renders the sample report to PNG and PDF offline, and LibreOffice reads
//! the workbook and the `--excel-da` CSV back as numbers.
//!
//! `.ci/run` installs both (Debian's `chromium-headless-shell` or
//! `chromium`, and `libreoffice-calc-nogui`). When one is missing these
//! tests fail, so CI cannot pass without them; on a developer's machine
//! `TVAERS_SKIP_CLIENTS=1` skips them (never under `CI`).

use crate::workdir::{samples, Workdir};
use calamine::{Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first of `names` on the PATH; `None` means skip (only when allowed),
/// and a missing program otherwise fails the test.
fn program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let skip = std::env::var_os("TVAERS_SKIP_CLIENTS").is_some_and(|v| v == "1");
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if skip && !ci {
        eprintln!("skipped: none of {names:?} is installed (TVAERS_SKIP_CLIENTS=1)");
        return None;
    }
    panic!(
        "none of {names:?} is installed: .ci/run installs them with apt-get; \
         set TVAERS_SKIP_CLIENTS=1 to skip these tests on a developer's machine"
    );
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn chromium_renders_the_sample_report_to_png_and_pdf_offline() {
    let Some(chromium) = program(&["chromium-headless-shell", "chromium"]) else {
        return;
    };
    let wd = Workdir::new();
    let run = wd.run(&["report", "--config", &samples(), "--output", "report.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = wd.path().join("report.html");
    for (flag, output, magic) in [
        ("--screenshot", "report.png", &b"\x89PNG"[..]),
        ("--print-to-pdf", "report.pdf", &b"%PDF"[..]),
    ] {
        let profile = tempfile::tempdir().unwrap();
        let netlog = wd.path().join(format!("{output}.netlog.json"));
        let out = wd.path().join(output);
        let result = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
                "--window-size=1280,2000",
                "--enable-logging=stderr",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--log-net-log={}", netlog.display()))
            .arg(format!("{flag}={}", out.display()))
            .arg(file_url(&page))
            .output()
            .expect("run chromium");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{flag}: {stderr}");
        let bytes = std::fs::read(&out).unwrap_or_default();
        assert!(
            bytes.starts_with(magic),
            "{flag} wrote no {output}: {stderr}"
        );
        assert!(bytes.len() > 10_000, "{output} is {} bytes", bytes.len());
        // The page logs nothing to its console and loads nothing it lacks.
        assert!(!stderr.contains("CONSOLE"), "{stderr}");
        assert!(!stderr.contains("net::ERR_"), "{stderr}");
        // Every URL the browser's network log saw is the page itself.
        let log = std::fs::read_to_string(&netlog).expect("chromium wrote its network log");
        let v: serde_json::Value = serde_json::from_str(&log)
            .or_else(|_| {
                serde_json::from_str(&format!("{}]}}", log.trim_end().trim_end_matches(',')))
            })
            .expect("network log is JSON");
        let mut urls = Vec::new();
        collect_urls(&v["events"], &mut urls);
        let outside: Vec<&String> = urls
            .iter()
            .filter(|u| {
                !(u.starts_with("file:")
                    || u.starts_with("data:")
                    || u.starts_with("chrome:")
                    || u.starts_with("about:"))
            })
            .collect();
        assert!(outside.is_empty(), "{output}: network requests {outside:?}");
        if output == "report.pdf" {
            // Every section starts a page: the headline, concentration,
            // departments, overlaps, areas, hotspots, savings, assumptions.
            let pages = count(&bytes, b"/Type /Page") - count(&bytes, b"/Type /Pages");
            assert!(pages >= 8, "{pages} pages");
        }
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

fn collect_urls(value: &serde_json::Value, urls: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                if key == "url" {
                    if let Some(url) = inner.as_str() {
                        urls.push(url.to_string());
                    }
                }
                collect_urls(inner, urls);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_urls(i, urls)),
        _ => {}
    }
}

/// Runs LibreOffice headless with a fresh profile, converting `input`.
fn soffice(soffice: &Path, wd: &Workdir, args: &[&str], input: &str) {
    let profile = tempfile::tempdir().unwrap();
    let result = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation={}",
            file_url(profile.path())
        ))
        .args(["--headless", "--norestore"])
        .args(args)
        .args(["--outdir", "converted", input])
        .current_dir(wd.path())
        .output()
        .expect("run soffice");
    assert!(
        result.status.success(),
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn libreoffice_reads_the_workbook_back_as_the_csv_numbers() {
    let Some(office) = program(&["soffice", "libreoffice"]) else {
        return;
    };
    let wd = Workdir::new();
    let csv = wd.samples_hotspots_csv_and_xlsx();
    // Comma, quote, UTF-8, from line 1; cells as stored, not as formatted.
    soffice(
        &office,
        &wd,
        &[
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false",
        ],
        "hotspots.xlsx",
    );
    let back =
        std::fs::read_to_string(wd.path().join("converted/hotspots.csv")).expect("converted CSV");
    let mut ours = csv::Reader::from_reader(csv.as_bytes());
    let mut theirs = csv::Reader::from_reader(back.as_bytes());
    assert_eq!(ours.headers().unwrap(), theirs.headers().unwrap());
    let ours: Vec<csv::StringRecord> = ours.records().map(Result::unwrap).collect();
    let theirs: Vec<csv::StringRecord> = theirs.records().map(Result::unwrap).collect();
    assert_eq!(ours.len(), theirs.len());
    for (row, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        for (col, (x, y)) in a.iter().zip(b.iter()).enumerate() {
            match (x.parse::<f64>(), y.replace(',', "").parse::<f64>()) {
                (Ok(x), Ok(y)) => assert!(
                    (x - y).abs() < 0.005,
                    "row {row} column {col}: {x} against {y}"
                ),
                _ => assert_eq!(x, y, "row {row} column {col}"),
            }
        }
    }
}

#[test]
fn libreoffice_in_danish_reads_the_excel_da_amounts_as_numbers() {
    let Some(office) = program(&["soffice", "libreoffice"]) else {
        return;
    };
    let wd = Workdir::new();
    let config = samples();
    let csv = wd.run(&["hotspots", "--config", &config, "--format", "csv"]);
    let run = wd.run(&[
        "hotspots",
        "--config",
        &config,
        "--excel-da",
        "--output",
        "hotspots.csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Semicolon, quote, UTF-8, from line 1, Danish (1030) number recognition.
    soffice(
        &office,
        &wd,
        &["--infilter=CSV:59,34,76,1,,1030", "--convert-to", "xlsx"],
        "hotspots.csv",
    );
    let mut book: Xlsx<_> =
        calamine::open_workbook(wd.path().join("converted/hotspots.xlsx")).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let total = header.iter().position(|h| h == "total_cost").unwrap();
    let id = header.iter().position(|h| h == "unit_id").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(range.height(), rows.len() + 1);
    for (row, record) in range.rows().skip(1).zip(&rows) {
        let expected: f64 = record[total].parse().unwrap();
        match &row[total] {
            Data::Float(x) => assert!((x - expected).abs() < 0.005, "{x} against {expected}"),
            Data::Int(x) => assert_eq!(*x as f64, expected),
            other => panic!("total_cost {other:?} is not a number"),
        }
        // Ids stay text, with their leading zeros and letters.
        assert_eq!(row[id], Data::String(record[id].to_string()));
    }
}
