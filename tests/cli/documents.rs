//! The workbook and the HTML page, on the shipped sample municipality: the
//! workbook read back (calamine) holds what the CSV holds, the page refers
//! to nothing outside itself, both are the same bytes run after run.

use crate::workdir::{samples, Workdir};
use calamine::{Data, Reader, Xlsx};

fn bytes(wd: &Workdir, name: &str) -> Vec<u8> {
    std::fs::read(wd.path().join(name)).expect("output file")
}

/// A workbook cell as the CSV writes it: money columns with two decimals,
/// other numbers as their shortest digits, dates as ISO, empty as empty.
fn as_csv(cell: &Data, money: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(x) if money => format!("{x:.2}"),
        Data::Float(x) => x.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel's day 0 is 1899-12-30 (with its 1900 leap-year quirk past Feb 1900).
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            (epoch + chrono::Duration::days(d.as_f64() as i64)).to_string()
        }
        other => format!("{other:?}"),
    }
}

#[test]
fn hotspots_xlsx_holds_exactly_the_csv_rows_and_columns() {
    let wd = Workdir::new();
    let csv = wd.samples_hotspots_csv_and_xlsx();

    let mut book: Xlsx<_> = calamine::open_workbook(wd.path().join("hotspots.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["hotspots"]);
    book.load_tables().unwrap();
    assert_eq!(book.table_names(), [&"hotspots".to_string()]);
    let range = book.worksheet_range("hotspots").unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert!(rows.len() > 10, "the sample has hotspots");
    assert_eq!(range.height(), rows.len() + 1);
    assert_eq!(range.width(), header.len());
    let book_header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| as_csv(c, false))
        .collect();
    assert_eq!(book_header, header);
    for (row, (book_row, csv_row)) in range.rows().skip(1).zip(&rows).enumerate() {
        for (col, (cell, text)) in book_row.iter().zip(csv_row).enumerate() {
            let money = header[col] == "total_cost" || header[col].starts_with("cost_");
            assert_eq!(
                &as_csv(cell, money),
                text,
                "row {row}, column {}",
                header[col]
            );
        }
    }
}

#[test]
fn report_xlsx_has_a_named_table_per_part_and_the_same_bytes_every_run() {
    let wd = Workdir::new();
    let config = samples();
    for name in ["a.xlsx", "b.xlsx"] {
        let run = wd.run(&["report", "--config", &config, "--output", name]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert_eq!(bytes(&wd, "a.xlsx"), bytes(&wd, "b.xlsx"));
    let mut book: Xlsx<_> = calamine::open_workbook(wd.path().join("a.xlsx")).unwrap();
    // Without --units the unit-level hotspot lists stay out.
    assert_eq!(
        book.sheet_names(),
        [
            "summary",
            "by_departments",
            "overlaps",
            "budget_areas",
            "savings_summary",
            "savings_areas",
            "concentration",
            "savings_departments",
            "savings_scenarios",
            "realised_summary",
            "realised_areas",
            "realised_balance",
            "realised_event_study",
            "monitor_periods",
            "monitor_areas",
            "monitor_departments",
            "ladder",
            "assumptions",
            "sources"
        ]
    );
    book.load_tables().unwrap();
    assert_eq!(book.table_names().len(), 19);
    // The CSV's budget areas, as numbers.
    let csv = wd.run(&["overview", "--config", &config, "--format", "csv"]);
    let areas = csv.stdout.split("# budget_areas\n").nth(1).unwrap();
    let range = book.worksheet_range("budget_areas").unwrap();
    for (line, row) in areas.lines().skip(1).zip(range.rows().skip(1)) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(as_csv(&row[0], false), fields[0]);
        assert_eq!(as_csv(&row[1], false), fields[1]);
        assert_eq!(as_csv(&row[2], true), fields[2]);
        if fields[2].is_empty() {
            assert_eq!(row[2], Data::Empty, "a suppressed cell is empty");
        } else {
            assert!(
                matches!(row[2], Data::Float(_)),
                "money is a number: {:?}",
                row[2]
            );
        }
    }
    // With --units the lists are there.
    let run = wd.run(&[
        "report", "--config", &config, "--units", "--output", "c.xlsx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book: Xlsx<_> = calamine::open_workbook(wd.path().join("c.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"hotspots_citizen".to_string()));
}

#[test]
fn report_html_is_self_contained_small_and_the_same_bytes_every_run() {
    let wd = Workdir::new();
    let config = samples();
    for name in ["a.html", "b.html"] {
        let run = wd.run(&["report", "--config", &config, "--output", name]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let page = bytes(&wd, "a.html");
    assert_eq!(page, bytes(&wd, "b.html"));
    assert!(page.len() <= 1_000_000, "{} bytes", page.len());
    let page = String::from_utf8(page).unwrap();
    for outside in [
        "http", "src=", "href=", "@import", "url(", "<script", "<link", "<img",
    ] {
        assert!(
            !page.contains(outside),
            "the page refers outside: {outside}"
        );
    }
    for section in [
        "headline",
        "concentration",
        "departments",
        "overlaps",
        "budget-areas",
        "hotspots",
        "savings",
        "realised",
        "monitor",
        "ladder",
        "assumptions",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{section}\">")),
            "no {section}"
        );
    }
    // The overlaps the CSV leaves empty are the heatmap's unfilled cells,
    // each drawn twice (the matrix is symmetric).
    let overview_csv = wd.run(&["overview", "--config", &config, "--format", "csv"]);
    let hidden = overview_csv
        .stdout
        .split("# overlaps\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.ends_with(','))
        .count();
    assert!(hidden > 0, "the sample hides some overlaps");
    let heatmap = page
        .split("<svg")
        .find(|svg| svg.contains("id=\"overlaps-title\""))
        .unwrap();
    let heatmap = &heatmap[..heatmap.find("</svg>").unwrap()];
    assert_eq!(
        heatmap.matches("fill=\"none\" stroke=\"#BBBBBB\"").count(),
        2 * hidden
    );
    // Each says why, as the overlaps table beside it does: <5 for a small
    // count, .. for one hidden to protect another (the sample has both).
    let after = &page[page.find("id=\"overlaps-title\"").unwrap()..];
    let table = &after[after.find("<table").unwrap()..after.find("</table>").unwrap()];
    let (small, complements) = (
        table.matches("&lt;5").count(),
        table.matches(">..<").count(),
    );
    assert_eq!((small, complements), (1, 1), "{table}");
    assert_eq!(heatmap.matches(">&lt;5</text>").count(), 2 * small);
    assert_eq!(heatmap.matches(">..</text>").count(), 2 * complements);
    // No unit id of the hotspot list reaches the page without --units.
    let csv = wd.run(&["hotspots", "--config", &config, "--format", "csv"]);
    let first_id = csv
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!page.contains(&first_id));
    assert!(page.contains("Unit ids are left out"));
    let with_units = wd.run(&["report", "--config", &config, "--units", "--format", "html"]);
    assert!(with_units.stdout.contains(&first_id));
    // The headline in the reader's language.
    let overview = wd.run(&["overview", "--config", &config, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&overview.stdout).unwrap();
    let total = v["total_cost"].as_f64().unwrap();
    let danish = wd.run(&[
        "report", "--config", &config, "--lang", "da", "--format", "html",
    ]);
    assert_eq!(danish.code, 0, "{}", danish.stderr);
    let kroner = tvaers::language::Language::Danish.money(total);
    assert!(
        danish.stdout.contains(&format!("<dd>{kroner}</dd>")),
        "{kroner}"
    );
    assert!(danish.stdout.contains("<html lang=\"da\">"));
}

#[test]
fn every_document_command_writes_html_and_xlsx() {
    let wd = Workdir::new();
    let config = samples();
    for command in [
        "overview", "savings", "validate", "ladder", "realised", "monitor",
    ] {
        for (format, magic) in [("html", &b"<!DOCTYPE html>"[..]), ("xlsx", &b"PK"[..])] {
            let name = format!("{command}.{format}");
            let run = wd.run(&[command, "--config", &config, "--output", &name]);
            assert_eq!(run.code, 0, "{command} {format}: {}", run.stderr);
            assert!(bytes(&wd, &name).starts_with(magic), "{name}");
        }
    }
}

#[test]
fn report_rekey_shows_the_ids_hotspots_rekey_gives() {
    let wd = Workdir::new();
    let config = samples();
    wd.write("key", [7u8; 32]);
    let plain = wd.run(&["hotspots", "--config", &config, "--format", "csv"]);
    let rekeyed = wd.run(&[
        "hotspots", "--config", &config, "--rekey", "key", "--format", "csv",
    ]);
    assert_eq!(rekeyed.code, 0, "{}", rekeyed.stderr);
    let first = |csv: &str| {
        csv.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(1)
            .unwrap()
            .to_string()
    };
    let (plain_id, new_id) = (first(&plain.stdout), first(&rekeyed.stdout));
    assert_ne!(plain_id, new_id);
    let page = wd.run(&[
        "report", "--config", &config, "--units", "--rekey", "key", "--format", "html",
    ]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(&format!("<td>{new_id}</td>")));
    assert!(!page.stdout.contains(&plain_id));
    assert!(page.stdout.contains("The ids are re-keyed."));
}

#[test]
fn a_cohort_too_small_to_show_hides_its_scenarios_and_net_too() {
    // Two hotspot citizens (A, B) of six: below min_cell = 5.
    let wd = Workdir::fixture("units");
    let config = wd
        .read("tvaers.toml")
        .replace("min_cell = 1", "min_cell = 5");
    wd.write("tvaers.toml", config);
    let run = wd.run(&["report", "--top-percent", "50", "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("No scenarios: suppressed, as the base case is"));
    assert!(run
        .stdout
        .contains("The cohort&#39;s summary figures are suppressed"));
    assert!(!run.stdout.contains("cumulative-net"));
    let run = wd.run(&["report", "--top-percent", "50", "--output", "r.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book: Xlsx<_> = calamine::open_workbook(wd.path().join("r.xlsx")).unwrap();
    assert!(!book
        .sheet_names()
        .contains(&"savings_scenarios".to_string()));
    assert!(book
        .sheet_names()
        .contains(&"savings_departments".to_string()));
}
