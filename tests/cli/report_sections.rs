//! The report's sections of the enrolments and ladder sources, on the
//! shipped sample municipality (which has both): the page's and the
//! workbook's realised, monitor and ladder figures are those `tvaers
//! realised`, `monitor` and `ladder` give on the same config with their
//! defaults; a config without those sources, or with nobody enrolled, gets
//! no such section; and the report's other formats are unchanged by them.

use crate::workdir::Workdir;
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use std::path::PathBuf;

fn samples() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data-samples/tvaers.toml")
        .to_string_lossy()
        .into_owned()
}

fn json(wd: &Workdir, command: &str) -> Value {
    let run = wd.run(&[command, "--config", &samples(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// The text of HTML character data, with the page's escapes undone.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The page's section `id`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + page[start..].find("</section>").unwrap();
    &page[start..end]
}

/// The cells of the `nth` table body of `html`, row by row.
fn table(html: &str, nth: usize) -> Vec<Vec<String>> {
    let body = html.split("<tbody>").nth(nth + 1).expect("a table");
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    unescape(text)
                })
                .collect()
        })
        .collect()
}

/// How a column is written on the English page.
#[derive(Clone, Copy)]
enum Kind {
    /// `1,234.57`.
    Money,
    /// `12.3%`.
    Share,
    /// Two decimals (two significant digits where that would read as 0).
    Plain,
    /// Text, dates, counts and booleans as they are.
    Text,
}

/// A page cell holds the JSON value: hidden (`<5` or `..`) where the JSON
/// has null, else the same number as the page writes it.
fn assert_cell(page: &str, json: &Value, kind: Kind, what: &str) {
    if json.is_null() {
        assert!(page == "<5" || page == "..", "{what}: {page} for null");
        return;
    }
    let number = || -> f64 { page.replace(',', "").trim_end_matches('%').parse().unwrap() };
    match kind {
        // JSON holds money rounded to two decimals, as the page writes it.
        Kind::Money => assert_eq!(number(), json.as_f64().unwrap(), "{what}"),
        Kind::Share => assert_eq!(
            page,
            format!("{:.1}%", json.as_f64().unwrap() * 100.0),
            "{what}"
        ),
        Kind::Plain => {
            let x = json.as_f64().unwrap();
            let digits = page
                .split_once('.')
                .map_or(0, |(_, fraction)| fraction.len());
            assert!(
                (number() - x).abs() <= 0.005 && (digits == 2 || x.abs() < 0.005),
                "{what}: {page} against {json}"
            )
        }
        Kind::Text => {
            let expected = match json {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(page.replace(',', ""), expected, "{what}");
        }
    }
}

/// The realised section's counts are those of `realised`'s JSON summary.
fn assert_counts(html: &str, realised: &Value) {
    for (term, key) in [
        ("Enrolled units", "enrolled_units"),
        ("Estimated (matched) units", "cohort_units"),
        ("Comparison units", "comparison_units"),
    ] {
        let value = realised["summary"][key].as_u64().unwrap();
        assert!(
            html.contains(&format!("<dt>{term}</dt><dd>{value}</dd>")),
            "{term} {value}: {html}"
        );
    }
}

/// Every row of a page table against the JSON rows, column by column.
fn assert_rows(page: &[Vec<String>], json: &Value, columns: &[(&str, Kind)]) {
    let rows = json.as_array().unwrap();
    assert_eq!(page.len(), rows.len());
    for (cells, row) in page.iter().zip(rows) {
        assert_eq!(cells.len(), columns.len(), "{cells:?}");
        for (cell, (column, kind)) in cells.iter().zip(columns) {
            assert_cell(cell, &row[column], *kind, column);
        }
    }
}

#[test]
fn report_page_shows_what_realised_monitor_and_ladder_give() {
    let wd = Workdir::new();
    let run = wd.run(&["report", "--config", &samples(), "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.stdout;
    let realised = json(&wd, "realised");
    let monitor = json(&wd, "monitor");
    let ladder = json(&wd, "ladder");

    // The verdict on balance first, then the counts.
    let html = section(&page, "realised");
    let note = realised["summary"]["balance_note"].as_str().unwrap();
    assert!(
        note.starts_with("NOT BALANCED"),
        "the sample is not balanced"
    );
    let first = html.split("<p>").nth(1).unwrap();
    assert_eq!(unescape(&first[..first.find("</p>").unwrap()]), note);
    assert_counts(html, &realised);
    assert!(html.contains(
        ">Realised saving per enrolled unit-month (NOT BALANCED: read as unknown)</text>"
    ));
    // The saving per area and its interval; one point per shown area.
    use Kind::*;
    assert_rows(
        &table(html, 0),
        &realised["areas"],
        &[
            ("budget_area", Text),
            ("cohort_units", Text),
            ("saving", Money),
            ("saving_low", Money),
            ("saving_high", Money),
            ("saving_per_year", Money),
            ("balanced", Text),
        ],
    );
    let areas = realised["areas"].as_array().unwrap();
    let shown = areas.iter().filter(|a| !a["saving"].is_null()).count();
    assert!(
        shown >= 3 && shown < areas.len(),
        "the sample shows some areas and hides some"
    );
    let chart = &html[..html.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<circle").count(), shown);
    // Each hidden area says why, as its saving in the table does: <5 for a
    // small cohort, .. for one hidden to protect another.
    let savings: Vec<String> = table(html, 0)
        .into_iter()
        .map(|row| row[2].clone())
        .collect();
    let count = |marker: &str| savings.iter().filter(|s| *s == marker).count();
    assert_eq!(count("<5") + count(".."), areas.len() - shown);
    assert_eq!(chart.matches(">&lt;5</text>").count(), count("<5"));
    assert_eq!(chart.matches(">..</text>").count(), count(".."));
    // The event study and the balance.
    assert_rows(
        &table(html, 1),
        &realised["event_study"],
        &[
            ("month", Text),
            ("cohort_units", Text),
            ("cohort", Money),
            ("comparison", Money),
            ("difference", Money),
        ],
    );
    assert_rows(
        &table(html, 2),
        &realised["balance"],
        &[
            ("feature", Text),
            ("cohort_mean", Plain),
            ("comparison_mean", Plain),
            ("smd", Plain),
            ("level_gap", Share),
        ],
    );

    // Expected against realised to date, per quarter.
    assert_rows(
        &table(section(&page, "monitor"), 0),
        &monitor["periods"],
        &[
            ("period_start", Text),
            ("enrolled_units", Text),
            ("cumulative_expected", Money),
            ("cumulative_realised", Money),
            ("cumulative_realised_low", Money),
            ("cumulative_realised_high", Money),
            ("net_to_date", Money),
            ("status", Text),
        ],
    );

    // The ladder of the citizen hotspots.
    assert_rows(
        &table(section(&page, "ladder"), 0),
        &ladder["rows"],
        &[
            ("group", Text),
            ("units", Text),
            ("mean_first_step", Plain),
            ("mean_last_step", Plain),
            ("share_up_1", Share),
            ("share_up_2", Share),
            ("share_at_top", Share),
        ],
    );
}

/// A workbook cell holds the JSON value: empty where the JSON has null.
fn assert_book_cell(cell: &Data, json: &Value, what: &str) {
    match (cell, json) {
        (Data::Empty, Value::Null) => {}
        // The workbook holds the exact amount (formatted to øre); JSON
        // the amount rounded to øre.
        (Data::Float(x), Value::Number(n)) => {
            let n = n.as_f64().unwrap();
            assert!((x - n).abs() <= 0.005 + 1e-9, "{what}: {x} against {n}");
        }
        (Data::Int(i), Value::Number(n)) => assert_eq!(Some(*i), n.as_i64(), "{what}"),
        (Data::Bool(b), Value::Bool(j)) => assert_eq!(b, j, "{what}"),
        (Data::String(s), Value::String(j)) => assert_eq!(s, j, "{what}"),
        (Data::DateTime(d), Value::String(j)) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            let date = epoch + chrono::Duration::days(d.as_f64() as i64);
            assert_eq!(&date.to_string(), j, "{what}");
        }
        other => panic!("{what}: {other:?}"),
    }
}

#[test]
fn report_workbook_holds_what_realised_monitor_and_ladder_give() {
    let wd = Workdir::new();
    let run = wd.run(&["report", "--config", &samples(), "--output", "r.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let realised = json(&wd, "realised");
    let monitor = json(&wd, "monitor");
    let ladder = json(&wd, "ladder");
    let mut book: Xlsx<_> = calamine::open_workbook(wd.path().join("r.xlsx")).unwrap();
    for (sheet, rows) in [
        ("realised_areas", &realised["areas"]),
        ("realised_balance", &realised["balance"]),
        ("realised_event_study", &realised["event_study"]),
        ("monitor_periods", &monitor["periods"]),
        ("monitor_areas", &monitor["areas"]),
        ("monitor_departments", &monitor["departments"]),
        ("ladder", &ladder["rows"]),
    ] {
        let range = book.worksheet_range(sheet).unwrap();
        let rows = rows.as_array().unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(header, keys, "{sheet}");
        assert_eq!(range.rows().count(), rows.len() + 1, "{sheet}");
        for (cells, row) in range.rows().skip(1).zip(rows) {
            for (cell, key) in cells.iter().zip(&keys) {
                assert_book_cell(cell, &row[key], &format!("{sheet}.{key}"));
            }
        }
    }
    // The verdict beside the figures in the workbook too.
    let summary = book.worksheet_range("realised_summary").unwrap();
    let note = summary
        .rows()
        .find(|r| r[0] == Data::String("balance_note".into()))
        .map(|r| r[1].to_string());
    assert_eq!(
        note.as_deref(),
        realised["summary"]["balance_note"].as_str()
    );
    book.load_tables().unwrap();
    for name in [
        "realised_summary",
        "realised_areas",
        "realised_balance",
        "realised_event_study",
        "monitor_periods",
        "monitor_areas",
        "monitor_departments",
        "ladder",
    ] {
        assert!(
            book.table_names().contains(&&name.to_string()),
            "no Excel Table {name}"
        );
    }
}

/// The sample's expense sources only: a report without the sections.
fn without(wd: &Workdir, kinds: &[&str]) -> String {
    let config = std::fs::read_to_string(samples()).unwrap();
    let folder = PathBuf::from(samples()).parent().unwrap().to_path_buf();
    let mut kept = String::new();
    for (i, block) in config.split("[[sources]]").enumerate() {
        let dropped = kinds
            .iter()
            .any(|kind| block.contains(&format!("kind = \"{kind}\"")));
        if i > 0 && !dropped {
            kept.push_str("[[sources]]");
        }
        if i == 0 || !dropped {
            kept.push_str(block);
        } else if let Some(rest) = block.find("\n[savings]") {
            // The last source's block holds [savings] too.
            kept.push_str(&block[rest..]);
        }
    }
    let kept = kept.replace("path = \"", &format!("path = \"{}/", folder.display()));
    wd.write("tvaers.toml", kept);
    "tvaers.toml".to_string()
}

#[test]
fn report_leaves_out_the_sections_whose_source_is_absent() {
    let wd = Workdir::new();
    let config = without(&wd, &["ladder", "enrolments"]);
    let run = wd.run(&["report", "--config", &config, "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for id in ["realised", "monitor", "ladder"] {
        assert!(
            !run.stdout.contains(&format!("<section id=\"{id}\">")),
            "{id}"
        );
    }
    assert!(run.stdout.contains("<section id=\"savings\">"));
    let config = without(&wd, &["enrolments"]);
    let run = wd.run(&["report", "--config", &config, "--output", "r.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book: Xlsx<_> = calamine::open_workbook(wd.path().join("r.xlsx")).unwrap();
    let sheets = book.sheet_names();
    assert!(sheets.contains(&"ladder".to_string()), "{sheets:?}");
    assert!(
        !sheets
            .iter()
            .any(|s| s.starts_with("realised") || s.starts_with("monitor")),
        "{sheets:?}"
    );
}

#[test]
fn report_leaves_out_the_realised_sections_when_nobody_is_enrolled() {
    let wd = Workdir::new();
    let config = without(&wd, &[]);
    let text = wd.read(&config);
    let enrolments = text
        .split("[[sources]]")
        .find(|b| b.contains("kind = \"enrolments\""))
        .unwrap()
        .to_string();
    // The same source, reading a file of the header alone.
    let header = "BorgerID;Startdato;Slutdato\n";
    wd.write("empty.csv", header);
    let path = enrolments
        .lines()
        .find(|l| l.starts_with("path = "))
        .unwrap();
    let emptied = enrolments.replace(
        path,
        &format!("path = \"{}\"", wd.path().join("empty.csv").display()),
    );
    wd.write(&config, text.replace(&enrolments, &emptied));
    let run = wd.run(&["report", "--config", &config, "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("<section id=\"realised\">"));
    assert!(!run.stdout.contains("<section id=\"monitor\">"));
    assert!(run.stdout.contains("<section id=\"ladder\">"));
}

/// `config` with its enrolments read from `csv`, written as `name`, whose
/// family column is `FamilieID`.
fn enrolments_from(wd: &Workdir, config: &str, name: &str, csv: &str) -> String {
    let text = wd.read(config);
    wd.write(name, csv);
    let source = text
        .split("[[sources]]")
        .find(|b| b.contains("kind = \"enrolments\""))
        .unwrap()
        .to_string();
    let path = source.lines().find(|l| l.starts_with("path = ")).unwrap();
    let by_family = source
        .replace(
            path,
            &format!("path = \"{}\"", wd.path().join(name).display()),
        )
        .replace(
            "[sources.columns]\n",
            "[sources.columns]\nfamily = \"FamilieID\"\n",
        );
    text.replace(&source, &by_family)
}

/// Enrolments that name families and no citizen: the report estimates per
/// family, as `realised --unit family` does, and says so; not a section
/// left out in silence because no citizen was enrolled.
#[test]
fn report_estimates_per_family_where_the_enrolments_name_families_only() {
    let wd = Workdir::new();
    let config = without(&wd, &[]);
    let folder = PathBuf::from(samples()).parent().unwrap().to_path_buf();
    // Each enrolled citizen's family (its first household row), once.
    let households = std::fs::read_to_string(folder.join("husstande/husstande.csv")).unwrap();
    let family_of = |citizen: &str| {
        households
            .lines()
            .map(|l| l.split(';').collect::<Vec<_>>())
            .find(|f| f[0] == citizen)
            .map(|f| f[1].to_string())
    };
    let enrolled = std::fs::read_to_string(folder.join("koordinering/forloeb.csv")).unwrap();
    let mut families = String::from("FamilieID;Startdato;Slutdato\n");
    let mut seen = std::collections::HashSet::new();
    for line in enrolled.lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        if let Some(family) = family_of(fields[0]).filter(|f| seen.insert(f.clone())) {
            families.push_str(&format!("{family};{};{}\n", fields[1], fields[2]));
        }
    }
    assert_eq!(
        seen.len(),
        13,
        "the sample's 13 enrolled are in 13 families"
    );
    let by_family = enrolments_from(&wd, &config, "families.csv", &families);
    wd.write(&config, by_family);
    let run = wd.run(&["report", "--config", &config, "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = section(&run.stdout, "realised");
    assert!(html.contains("<dt>Units</dt><dd>families</dd>"), "{html}");
    let realised = wd.run(&[
        "realised", "--config", &config, "--unit", "family", "--format", "json",
    ]);
    assert_eq!(realised.code, 0, "{}", realised.stderr);
    let realised: Value = serde_json::from_str(&realised.stdout).unwrap();
    assert_counts(html, &realised);
    assert!(run.stdout.contains("<section id=\"monitor\">"));
    // The sample's own enrolments, of citizens, are counted per citizen.
    let run = wd.run(&["report", "--config", &samples(), "--format", "html"]);
    assert!(section(&run.stdout, "realised").contains("<dt>Units</dt><dd>citizens</dd>"));
    // Without a households source no row can be a family's: the enrolled
    // families are left out, and said to be, not estimated as costing nothing.
    let families_only = wd.read(&config);
    let unlisted: String = families_only
        .split("[[sources]]")
        .enumerate()
        .filter(|(_, block)| !block.contains("kind = \"households\""))
        .map(|(i, block)| match i {
            0 => block.to_string(),
            _ => format!("[[sources]]{block}"),
        })
        .collect();
    wd.write(&config, unlisted);
    let warning = "tvaers: warning: 13 enrolled families are in no households source: \
                   no row can be theirs, so they are left out of the realised savings\n";
    let run = wd.run(&["realised", "--config", &config, "--unit", "family"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!("{warning}tvaers: no enrolled units: this needs an enrolments source with a family column\n")
    );
    let run = wd.run(&["report", "--config", &config, "--format", "html"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, warning));
    assert!(!run.stdout.contains("<section id=\"realised\">"));
}

/// Enrolment rows that name a family and no citizen cannot be followed per
/// citizen: the estimate per citizen leaves them out and says how many,
/// and its figures are those of the enrolments without them.
#[test]
fn enrolment_rows_without_a_citizen_are_counted_and_left_out_per_citizen() {
    let wd = Workdir::new();
    let config = without(&wd, &[]);
    let folder = PathBuf::from(samples()).parent().unwrap().to_path_buf();
    let enrolled = std::fs::read_to_string(folder.join("koordinering/forloeb.csv")).unwrap();
    let mut mixed = String::from("BorgerID;FamilieID;Startdato;Slutdato\n");
    for line in enrolled.lines().skip(1) {
        let (citizen, dates) = line.split_once(';').unwrap();
        mixed.push_str(&format!("{citizen};;{dates}\n"));
    }
    mixed.push_str(";FAM-A;01-03-2023;\n;FAM-B;01-06-2023;31-12-2023\n");
    wd.write(
        "mixed.toml",
        enrolments_from(&wd, &config, "mixed.csv", &mixed),
    );
    let run = |config: &str| wd.run(&["realised", "--config", config, "--format", "json"]);
    let (plain, mixed) = (run(&config), run("mixed.toml"));
    assert_eq!((plain.code, mixed.code), (0, 0), "{}", mixed.stderr);
    // The sample's estimate is not balanced, and says so either way.
    assert!(plain.stderr.starts_with("tvaers: NOT BALANCED"));
    let warning = "tvaers: warning: 2 enrolment rows name no citizen: the realised savings per \
                   citizen leave them out (realised --unit family follows them)\n";
    assert_eq!(mixed.stderr, format!("{warning}{}", plain.stderr));
    assert_eq!(mixed.stdout, plain.stdout);
}

/// The realised sections need whole calendar months, as `realised` does: with
/// an enrolments source and an open period the page and the workbook are
/// refused with what to set, while CSV, which has no such section, is written.
#[test]
fn report_page_with_an_enrolments_source_needs_a_closed_period() {
    let wd = Workdir::new();
    let config = without(&wd, &[]);
    let text = wd.read(&config).replace("to = \"2024-12-31\"\n", "");
    wd.write(&config, text);
    let run = wd.run(&["report", "--config", &config, "--format", "html"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "tvaers: realised needs a closed analysis period: set [analysis] from and to, or --from and --to\n"
    );
    let run = wd.run(&["report", "--config", &config, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
