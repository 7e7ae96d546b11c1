//! The suppression audit (SPEC §4): for many small generated populations,
//! every aggregated command's published figures are read back from its JSON
//! (and the table markers from its statuses), the linear relations a reader
//! knows are written down (parts add up to totals, areas to the total cost,
//! overlaps to what the bands give, effect-weighted areas to the gross
//! savings, …), and no hidden figure that describes someone may be solvable
//! from them: not exactly (Gaussian elimination: the unknown lies in the
//! row space), not pinned by the ranges the markers give (bound
//! propagation), and no set of hidden parts may add up to a sum over 1 to
//! `min_cell − 1` units. A solution fails the test with the seed.
//!
//! `cargo test --test cli suppression_audit` runs a bounded sample; the long
//! run is `cargo test --release --test cli -- --ignored suppression_audit_long`.
//! To audit another command (e.g. `realised`), add an `audit_*` function
//! that returns its failures and call it from `audit_one`.

use std::collections::{BTreeMap, BTreeSet};
use tvaers::hotspots::{self, CostCriterion, HotspotCriteria};
use tvaers::output::{render_document, render_table, Document, Format, RenderOptions, Table};
use tvaers::overview::overview;
use tvaers::savings::{self, Scenario};
use tvaers::suppress::Status;
use tvaers::units::UnitMode;
use tvaers::workspace::{Plan, Workspace};

mod linear;
mod population;

use linear::{pinned, System};
use population::{generate, write, Population};

/// The document as JSON, checked against the schema of the command `name`.
fn json(name: &str, document: &Document) -> serde_json::Value {
    let mut out = Vec::new();
    render_document(document, &RenderOptions::new(Format::Json), &mut out).unwrap();
    let value = serde_json::from_slice(&out).unwrap();
    crate::schema::assert_valid(name, &value);
    value
}

/// The table's rows as JSON, the document checked against `name`'s schema.
fn table_json(name: &str, table: &Table) -> serde_json::Value {
    let mut out = Vec::new();
    render_table(table, &RenderOptions::new(Format::Json), &mut out).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    crate::schema::assert_valid(name, &value);
    value["rows"].clone()
}

fn band(departments: usize) -> usize {
    departments.clamp(1, 4) - 1
}

/// Failures of the overview's figures.
fn audit_overview(
    p: &Population,
    o: &tvaers::overview::Overview,
    v: &serde_json::Value,
) -> Vec<String> {
    let m = u64::from(p.min_cell);
    let mut fails = Vec::new();
    let mut unit_departments: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); p.units];
    let mut unit_cost = vec![0i64; p.units];
    for r in &p.rows {
        unit_departments[r.unit].insert(r.department);
        unit_cost[r.unit] += r.cost;
    }
    let mut band_units = [0u64; 4];
    for d in &unit_departments {
        band_units[band(d.len())] += 1;
    }
    let mut s = System::default();
    let total_units = v["units"].as_f64();
    let total_cost = v["total_cost"].as_f64();
    // Bands: units and cost.
    let mut unit_terms = Vec::new();
    let mut cost_terms = Vec::new();
    let (mut known_units, mut known_cost) = (0.0, 0.0);
    let mut count_bounds = Vec::new();
    for (i, b) in v["by_departments"].as_array().unwrap().iter().enumerate() {
        match (b["units"].as_f64(), b["cost"].as_f64()) {
            (Some(u), Some(c)) => {
                known_units += u;
                known_cost += c;
            }
            _ => {
                let u = s.unknown(format!("band {i} units"), band_units[i]);
                let c = s.unknown(format!("band {i} cost"), band_units[i]);
                unit_terms.push((u, 1.0));
                cost_terms.push((c, 1.0));
                count_bounds.push((u, o.by_departments[i].status));
            }
        }
    }
    if let (Some(n), Some(t)) = (total_units, total_cost) {
        s.equation(&unit_terms, n - known_units);
        s.equation(&cost_terms, t - known_cost);
        let hidden: u64 = (0..4)
            .filter(|&i| v["by_departments"][i]["units"].is_null())
            .map(|i| band_units[i])
            .sum();
        if hidden > 0 && hidden < m {
            fails.push(format!("hidden bands add up to {hidden} units"));
        }
        // Bands the number of departments rules out are known to be empty.
        for i in p.departments.min(4)..4 {
            if v["by_departments"][i]["units"].is_null() {
                let idx = s
                    .names
                    .iter()
                    .position(|n| n == &format!("band {i} units"))
                    .unwrap();
                s.equation(&[(idx, 1.0)], 0.0);
                let idx = s
                    .names
                    .iter()
                    .position(|n| n == &format!("band {i} cost"))
                    .unwrap();
                s.equation(&[(idx, 1.0)], 0.0);
            }
        }
        // Areas add up to the total cost.
        let mut area_terms = Vec::new();
        let mut known = 0.0;
        let mut hidden_units = BTreeSet::new();
        for (i, a) in v["budget_areas"].as_array().unwrap().iter().enumerate() {
            let index: usize = a["area"].as_str().unwrap()[5..].parse().unwrap();
            let members: BTreeSet<usize> = p
                .rows
                .iter()
                .filter(|r| r.area == index)
                .map(|r| r.unit)
                .collect();
            match a["cost"].as_f64() {
                Some(c) => known += c,
                None => {
                    let x = s.unknown(format!("area {i} cost"), members.len() as u64);
                    area_terms.push((x, 1.0));
                    hidden_units.extend(members);
                }
            }
        }
        s.equation(&area_terms, t - known);
        if !hidden_units.is_empty() && (hidden_units.len() as u64) < m {
            fails.push(format!(
                "hidden areas add up to {} units",
                hidden_units.len()
            ));
        }
    }
    // Overlaps: the pairs add up to Σ d(d − 1)/2, which the bands give with at most four departments.
    let mut pair_terms = Vec::new();
    let mut known_pairs = 0.0;
    let mut hidden_pairs = 0u64;
    for (i, pair) in v["overlaps"].as_array().unwrap().iter().enumerate() {
        let a: usize = pair["a"].as_str().unwrap()[1..].parse().unwrap();
        let b: usize = pair["b"].as_str().unwrap()[1..].parse().unwrap();
        let truth = unit_departments
            .iter()
            .filter(|d| d.contains(&a) && d.contains(&b))
            .count() as u64;
        match pair["units"].as_f64() {
            Some(u) => known_pairs += u,
            None => {
                let x = s.unknown(format!("overlap {i}"), truth);
                pair_terms.push((x, 1.0));
                count_bounds.push((x, o.overlaps[i].status));
                hidden_pairs += truth;
            }
        }
    }
    if p.departments <= 4 {
        let mut terms = pair_terms.clone();
        let mut value = -known_pairs;
        for (i, weight) in [0.0, 1.0, 3.0, 6.0].into_iter().enumerate() {
            match v["by_departments"][i]["units"].as_f64() {
                Some(u) => value += weight * u,
                None => {
                    if let Some(x) = s.names.iter().position(|n| n == &format!("band {i} units")) {
                        terms.push((x, -weight));
                    }
                }
            }
        }
        s.equation(&terms, -value);
    }
    if hidden_pairs > 0 && hidden_pairs < m && s.known(&pair_terms) {
        fails.push(format!(
            "hidden overlaps add up to {hidden_pairs}: {}",
            v["overlaps"]
        ));
    }
    fails.extend(s.solvable().into_iter().map(|n| format!("{n} is solvable")));
    // Counts pinned by the markers' ranges: `<m` is 0…m−1, `..` at least m.
    let mut bounds: Vec<(f64, f64)> = vec![(f64::NEG_INFINITY, f64::INFINITY); s.names.len()];
    for &(x, status) in &count_bounds {
        bounds[x] = match status {
            Status::Complement => (m as f64, f64::INFINITY),
            _ => (0.0, (m - 1) as f64),
        };
    }
    if let Some(n) = total_units {
        let terms: Vec<(usize, f64)> = unit_terms.clone();
        let eq = vec![(terms, n - known_units)];
        fails.extend(
            pinned(&s.names, &s.units, &mut bounds, &eq)
                .into_iter()
                .map(|n| format!("{n} is pinned")),
        );
    }
    // Top shares: nested groups must differ by 0 or at least m units.
    let n = p.units as u64;
    let mut last = 0;
    let mut last_shown = None;
    for percent in ["1", "5", "10", "20"] {
        let k = (n * percent.parse::<u64>().unwrap()).div_ceil(100);
        if let Some(share) = v["top_share"][percent].as_f64() {
            if k < m || (k != last && k - last < m) {
                fails.push(format!("top {percent} % share over {k} units after {last}"));
            }
            assert_eq!(
                share,
                (share * 1000.0).round() / 1000.0,
                "shares are rounded"
            );
            last = k;
            last_shown = Some(k);
        }
    }
    if let Some(k) = last_shown {
        if n > k && n - k < m {
            fails.push(format!("all units less the top {k} are {} units", n - k));
        }
    }
    fails
}

/// Failures of a savings case's figures (`areas`, `summary`, `departments`),
/// and, when `population` is given (in `report`), against the overview's areas.
fn audit_savings(
    p: &Population,
    cohort: &BTreeSet<usize>,
    v: &serde_json::Value,
    summary: &str,
    areas: &str,
    population: Option<&serde_json::Value>,
) -> Vec<String> {
    let m = p.min_cell as usize;
    let mut fails = Vec::new();
    let mut s = System::default();
    let mut terms = Vec::new();
    let mut known = 0.0;
    let mut hidden_units = BTreeSet::new();
    let members = |area: usize, inside: bool| -> BTreeSet<usize> {
        p.rows
            .iter()
            .filter(|r| r.area == area && (!inside || cohort.contains(&r.unit)))
            .map(|r| r.unit)
            .collect()
    };
    // years × Σ ramp: horizon 3, no ramp-up, no deadweight or optimism bias.
    let years_factor = 3.0;
    for a in v[areas].as_array().unwrap() {
        let index: usize = a["budget_area"].as_str().unwrap()[5..].parse().unwrap();
        let effect = a["effect"].as_f64().unwrap();
        let inside = members(index, true);
        match a["total"].as_f64() {
            Some(t) => known += t,
            None => {
                if effect != 0.0 {
                    let x = s.unknown(format!("area {index} baseline"), inside.len() as u64);
                    terms.push((x, effect * years_factor));
                    hidden_units.extend(inside.iter().copied());
                }
            }
        }
        if let Some(overview) = population {
            let row = overview["budget_areas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["area"] == a["budget_area"])
                .unwrap();
            let outside = members(index, false).len() - inside.len();
            let both_shown = row["cost"].is_number() && a["baseline"].is_number();
            let only_cohort = row["cost"].is_null() && a["baseline"].is_number();
            if (both_shown && outside > 0 && outside < m) || (only_cohort && outside < m) {
                fails.push(format!(
                    "area {index}: the overview less the cohort is {outside} units"
                ));
            }
        }
    }
    if let Some(gross) = v[summary]["gross_savings"].as_f64() {
        s.equation(&terms, gross - known);
        if !hidden_units.is_empty() && hidden_units.len() < m {
            fails.push(format!(
                "hidden areas in the gross savings hold {} units",
                hidden_units.len()
            ));
        }
    }
    fails.extend(s.solvable().into_iter().map(|n| format!("{n} is solvable")));
    // Department money is added up over shown areas only, from pieces of 0 or m units.
    if let Some(departments) = v.get("departments").and_then(|d| d.as_array()) {
        let shown: BTreeSet<usize> = v[areas]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["baseline"].is_number())
            .map(|a| a["budget_area"].as_str().unwrap()[5..].parse().unwrap())
            .collect();
        let mut sum = 0.0;
        for d in departments {
            let Some(baseline) = d["baseline"].as_f64() else {
                continue;
            };
            sum += baseline;
            let department: usize = d["department"].as_str().unwrap()[1..].parse().unwrap();
            for &a in &shown {
                let piece: BTreeSet<usize> = p
                    .rows
                    .iter()
                    .filter(|r| {
                        r.area == a && r.department == department && cohort.contains(&r.unit)
                    })
                    .map(|r| r.unit)
                    .collect();
                if !piece.is_empty() && piece.len() < m {
                    fails.push(format!(
                        "department {department} shows a piece of area {a} with {} units",
                        piece.len()
                    ));
                }
            }
        }
        let areas_sum: f64 = v[areas]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["baseline"].as_f64())
            .sum();
        if departments.iter().all(|d| d["baseline"].is_number()) && !departments.is_empty() {
            assert!(
                (sum - areas_sum).abs() < 0.05,
                "departments add up to the shown areas: {sum} {areas_sum}"
            );
        }
    }
    fails
}

/// Failures of the ladder table: counts behind shown shares and their differences.
fn audit_ladder(p: &Population, cohort: &BTreeSet<usize>, v: &serde_json::Value) -> Vec<String> {
    let m = p.min_cell as u64;
    let mut fails = Vec::new();
    let mut by_unit: BTreeMap<usize, Vec<(u32, i64)>> = BTreeMap::new();
    for &(unit, month, step) in &p.steps {
        by_unit.entry(unit).or_default().push((month, step));
    }
    for (g, row) in v.as_array().unwrap().iter().enumerate() {
        let members: Vec<&Vec<(u32, i64)>> = by_unit
            .iter()
            .filter(|(u, _)| cohort.contains(u) == (g == 0))
            .map(|(_, s)| s)
            .collect();
        let n = members.len() as u64;
        let moved = |at_least: i64| {
            members
                .iter()
                .filter(|s| {
                    let mut s: Vec<(u32, i64)> = s.to_vec();
                    s.sort();
                    s.last().unwrap().1 - s[0].1 >= at_least
                })
                .count() as u64
        };
        let (one, two) = (moved(1), moved(2));
        for (name, k) in [("share_up_1", one), ("share_up_2", two)] {
            if row[name].is_number() && (k < m || n - k < m) {
                fails.push(format!("group {g}: {name} from {k} of {n}"));
            }
        }
        if row["share_up_1"].is_number() && row["share_up_2"].is_number() && one - two < m {
            fails.push(format!("group {g}: {} moved exactly one step", one - two));
        }
        if row["mean_first_step"].is_number() && n < m {
            fails.push(format!("group {g}: mean over {n}"));
        }
    }
    fails
}

fn audit_one(seed: u64) -> Vec<String> {
    let p = generate(seed);
    let dir = tempfile::tempdir().unwrap();
    let config = write(&p, dir.path());
    let plan = Plan::units(&[UnitMode::Citizen, UnitMode::Family]);
    let ws = Workspace::open(config.clone(), config.period, &plan).unwrap();
    let units = ws.units(UnitMode::Citizen).unwrap();
    let mut fails = Vec::new();

    let o = overview(units, config.min_cell).unwrap();
    let ov = json("overview", &o.document().unwrap());
    fails.extend(
        audit_overview(&p, &o, &ov)
            .into_iter()
            .map(|f| format!("overview: {f}")),
    );

    let threshold = [0.0, 2000.0, 20_000.0, 100_000.0][(seed % 4) as usize];
    let criteria = HotspotCriteria {
        cost: CostCriterion::MinCost(threshold),
        min_departments: 1,
        ..HotspotCriteria::default()
    };
    let ids = hotspots::cohort(units, &criteria).unwrap();
    let cohort: BTreeSet<usize> = ids.iter().map(|id| id[1..].parse().unwrap()).collect();
    let cost = savings::cohort_cost(units, &ids).unwrap();
    let case = savings::model(&cost, &config.savings, config.period, Scenario::Base).unwrap();
    let sv = json(
        "savings",
        &savings::case_document(&case, &config.savings, config.min_cell, &BTreeSet::new()).unwrap(),
    );
    fails.extend(
        audit_savings(&p, &cohort, &sv, "summary", "areas", None)
            .into_iter()
            .map(|f| format!("savings: {f}")),
    );

    // `report`: the overview and the savings of the same run, side by side.
    let request = tvaers::report::ReportRequest {
        period: config.period,
        min_cell: config.min_cell,
        criteria: criteria.clone(),
        savings: config.savings.clone(),
    };
    let families = ws.units(UnitMode::Family).unwrap();
    let rv = json(
        "report",
        &tvaers::report::report(units, families, &request).unwrap(),
    );
    fails.extend(
        audit_overview(&p, &o, &rv)
            .into_iter()
            .map(|f| format!("report overview: {f}")),
    );
    fails.extend(
        audit_savings(
            &p,
            &cohort,
            &rv,
            "savings_summary",
            "savings_areas",
            Some(&rv),
        )
        .into_iter()
        .map(|f| format!("report savings: {f}")),
    );

    let loaded = tvaers::load::load(&config, config.period).unwrap();
    if let Some(top) = tvaers::ladder::highest_step(&loaded).unwrap() {
        let groups = tvaers::ladder::ladder(&loaded, config.period, &ids, top).unwrap();
        let lv = table_json(
            "ladder",
            &tvaers::ladder::table(&groups, top, config.min_cell).unwrap(),
        );
        fails.extend(
            audit_ladder(&p, &cohort, &lv)
                .into_iter()
                .map(|f| format!("ladder: {f}")),
        );
    }
    fails
        .into_iter()
        .map(|f| format!("seed {seed}: {f}"))
        .collect()
}

fn audit(seeds: std::ops::Range<u64>) {
    let fails: Vec<String> = seeds.flat_map(audit_one).collect();
    assert!(
        fails.is_empty(),
        "{} failures:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn suppression_audit() {
    audit(0..24);
}

#[test]
#[ignore = "the long run: cargo test --release --test cli -- --ignored suppression_audit_long"]
fn suppression_audit_long() {
    audit(0..2000);
}
