//! `tvaers report --format xlsx` and `--format html` on a municipality the
//! tool was not built on (see `independent`): every headline figure, the
//! units and cost by number of departments and per budget area, against a
//! computation of the tests' own from the files read back (`readback`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

use crate::independent::{CohortBy, Population};
use crate::readback::{area, read_back, AREAS};
use crate::workdir::Workdir;

/// What the report should say, computed from the rows alone.
struct Expected {
    units: usize,
    total: i64,
    /// The top 1, 5, 10 and 20 % by cost: their share of the total, to 0.1 %.
    top_shares: [(u32, f64); 4],
    /// Per band of departments (1, 2, 3, 4+): units and cost.
    bands: [(u64, i64); 4],
    /// Per budget area: units with cost there, and the cost.
    areas: BTreeMap<&'static str, (u64, i64)>,
}

fn expected(dir: &std::path::Path, population: &Population) -> Expected {
    let (rows, _) = read_back(dir, &population.index());
    // The period of the written config (`independent::config`).
    let from = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    let mut cost: BTreeMap<usize, i64> = BTreeMap::new();
    let mut departments: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    let mut in_area: BTreeMap<&'static str, (BTreeSet<usize>, i64)> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.date >= from && r.date <= to) {
        *cost.entry(row.citizen).or_default() += row.ore;
        departments
            .entry(row.citizen)
            .or_default()
            .insert(row.department);
        let (units, sum) = in_area.entry(AREAS[area(&row.account)]).or_default();
        units.insert(row.citizen);
        *sum += row.ore;
    }
    let total: i64 = cost.values().sum();
    let mut ranked: Vec<(i64, &str)> = cost
        .iter()
        .map(|(&c, &ore)| (ore, population.ids[c].as_str()))
        .collect();
    // Costliest first; ties by unit id (SPEC §2).
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let n = ranked.len();
    let top_shares = [1u32, 5, 10, 20].map(|p| {
        let k = (n * p as usize).div_ceil(100);
        let held: i64 = ranked[..k].iter().map(|r| r.0).sum();
        (p, (held as f64 / total as f64 * 1000.0).round() / 1000.0)
    });
    let mut bands = [(0u64, 0i64); 4];
    for (citizen, set) in &departments {
        let band = &mut bands[set.len().min(4) - 1];
        band.0 += 1;
        band.1 += cost[citizen];
    }
    Expected {
        units: n,
        total,
        top_shares,
        bands,
        areas: in_area
            .into_iter()
            .map(|(area, (units, ore))| (area, (units.len() as u64, ore)))
            .collect(),
    }
}

/// Kroner as the English page writes them: `1,234,567.89`.
fn kroner(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let whole = (ore.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", ore.abs() % 100)
}

/// A workbook sheet's rows below its header.
fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).unwrap();
    range.rows().skip(1).map(|r| r.to_vec()).collect()
}

fn count(cell: &Data) -> u64 {
    match cell {
        Data::Float(x) if x.fract() == 0.0 && *x >= 0.0 => *x as u64,
        other => panic!("not a count: {other:?}"),
    }
}

fn ore_of(cell: &Data) -> i64 {
    match cell {
        Data::Float(x) => (x * 100.0).round() as i64,
        other => panic!("not an amount: {other:?}"),
    }
}

#[test]
fn report_workbook_and_page_agree_with_a_computation_of_their_own_on_a_municipality_not_built_for_them(
) {
    let population = Population::simulate(6_000, 31);
    let wd = Workdir::new();
    population.write(wd.path(), CohortBy::Random, 31);
    let want = expected(wd.path(), &population);
    assert!(want.units > 1_000 && want.bands.iter().all(|b| b.0 >= 5));

    for format in ["xlsx", "html"] {
        let out = format!("report.{format}");
        let run = wd.run(&["report", "--config", "tvaers.toml", "--output", &out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    // The workbook: numbers as numbers, money to the øre.
    let mut book: Xlsx<_> = calamine::open_workbook(wd.path().join("report.xlsx")).unwrap();
    let summary: HashMap<String, Data> = sheet(&mut book, "summary")
        .into_iter()
        .map(|r| (r[0].to_string(), r[1].clone()))
        .collect();
    assert_eq!(summary["units"], Data::Float(want.units as f64));
    assert_eq!(ore_of(&summary["total_cost"]), want.total);
    assert_eq!(
        summary["total_cost"],
        Data::Float(want.total as f64 / 100.0)
    );
    for (p, share) in want.top_shares {
        assert_eq!(
            summary[&format!("top_share.{p}")],
            Data::Float(share),
            "top {p} %"
        );
    }
    let bands: Vec<(String, u64, i64)> = sheet(&mut book, "by_departments")
        .iter()
        .map(|r| (r[0].to_string(), count(&r[1]), ore_of(&r[2])))
        .collect();
    let names = ["1", "2", "3", "4+"];
    let want_bands: Vec<(String, u64, i64)> = names
        .iter()
        .zip(want.bands)
        .map(|(name, (units, ore))| (name.to_string(), units, ore))
        .collect();
    assert_eq!(bands, want_bands);
    let areas: BTreeMap<String, (u64, i64)> = sheet(&mut book, "budget_areas")
        .iter()
        .map(|r| (r[0].to_string(), (count(&r[1]), ore_of(&r[2]))))
        .collect();
    let want_areas: BTreeMap<String, (u64, i64)> = want
        .areas
        .iter()
        .map(|(area, v)| (area.to_string(), *v))
        .collect();
    assert_eq!(areas, want_areas);

    // The page: the same figures as a reader sees them.
    let page = wd.read("report.html");
    let figure = |label: &str, value: &str| format!("<dt>{label}</dt><dd>{value}</dd>");
    let units = kroner(want.units as i64 * 100);
    for expected in [
        figure("Units (citizens)", units.trim_end_matches(".00")),
        figure("Total cost", &format!("DKK {}", kroner(want.total))),
    ]
    .into_iter()
    .chain(want.top_shares[..3].iter().map(|(p, share)| {
        figure(
            &format!("Share of cost held by the top {p} %"),
            &format!("{:.1}%", share * 100.0),
        )
    })) {
        assert!(page.contains(&expected), "{expected} not on the page");
    }
    for (area, (units, ore)) in &want.areas {
        let row = format!(
            "<tr><td>{area}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            kroner(*units as i64 * 100).trim_end_matches(".00"),
            kroner(*ore)
        );
        assert!(page.contains(&row), "{row} not on the page");
    }
}
