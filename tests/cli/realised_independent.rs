//! `tvaers realised` on a municipality it was not designed with (see
//! `independent`): the planted 30 % cut after each enrolled citizen's start
//! must lie inside the reported interval of the Total saving, whichever way
//! the cohort was chosen, unless the estimate itself says that the matched
//! comparison is not balanced.
//!
//! The files are first read back by a parser of the tests' own (`readback`),
//! so that the truth the realised tests compare against is checked to the øre.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::independent::{month_of, CohortBy, Population, Truth, ENROLLED, MONTHS, WINDOW_MONTHS};
use crate::readback::{area, read_back, AREAS};
use crate::workdir::Workdir;

const CITIZENS: usize = 20_000;
const SEED: u64 = 20_231;

fn population() -> &'static Population {
    static POPULATION: OnceLock<Population> = OnceLock::new();
    POPULATION.get_or_init(|| Population::simulate(CITIZENS, SEED))
}

/// Checks the written files against the truth and against the simulated
/// payments, and that the cohort is the one asked for.
fn check_written(by: CohortBy, dir: &Path, truth: &Truth) {
    let population = population();
    let index = population.index();
    let (rows, enrolled) = read_back(dir, &index);
    assert_eq!(enrolled, truth.enrolled, "{by:?}: the enrolments file");
    assert_eq!(enrolled.len(), ENROLLED);
    let mut starts: Vec<Option<NaiveDate>> = vec![None; population.ids.len()];
    for (id, start) in &enrolled {
        let slot = &mut starts[index[id.as_str()]];
        assert!(slot.is_none(), "{by:?}: {id} enrolled twice");
        assert!(start.year() == 2023, "{by:?}: start {start}");
        *slot = Some(*start);
    }

    // Every row is a simulated payment, cut by exactly 30 % when an enrolled
    // citizen's and dated on or after the start, unchanged otherwise.
    let mut expected: Vec<(usize, NaiveDate, i64)> = population
        .payments
        .iter()
        .map(|p| {
            let citizen = p.citizen as usize;
            let cut = starts[citizen].is_some_and(|s| p.date >= s);
            (citizen, p.date, if cut { p.ore * 7 / 10 } else { p.ore })
        })
        .collect();
    let mut got: Vec<(usize, NaiveDate, i64)> =
        rows.iter().map(|r| (r.citizen, r.date, r.ore)).collect();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got.len(), expected.len(), "{by:?}: rows");
    assert!(
        got == expected,
        "{by:?}: a written amount is not the simulated one"
    );

    // The removed amount from the files alone: a cut amount is 70 % of the
    // original, so 3/7 of it was removed. Meanwhile, cost per month (index
    // from October 2021) and the areas paid in, per citizen.
    let mut removed = 0i64;
    let mut removed_by_area = [0i64; AREAS.len()];
    let mut monthly = vec![[(0i64, 0u8); MONTHS]; population.ids.len()];
    for r in &rows {
        let area = area(&r.account);
        let month = month_of(r.date);
        let cell = &mut monthly[r.citizen][month as usize];
        cell.0 += r.ore;
        cell.1 |= 1 << area;
        let Some(start) = starts[r.citizen] else {
            continue;
        };
        if r.date >= start && month < month_of(start) + WINDOW_MONTHS as i64 {
            assert_eq!(
                r.ore % 7,
                0,
                "{by:?}: a cut amount that is not 70 % of whole øre"
            );
            removed += r.ore / 7 * 3;
            removed_by_area[area] += r.ore / 7 * 3;
        }
    }
    assert_eq!(removed, truth.removed, "{by:?}: removed øre");
    for (i, name) in AREAS.iter().enumerate() {
        let truth = truth.removed_by_area.get(name).copied().unwrap_or(0);
        assert_eq!(removed_by_area[i], truth, "{by:?}: removed in {name}");
        assert!(truth > 0, "{by:?}: nothing removed in {name}");
    }

    // The cohort, chosen again from the files: cost before each citizen's
    // (drawn) start month and the departments paying then; each department
    // books to a hovedfunktion of its own, so areas count departments.
    let mut eligible: Vec<(i64, i64, usize)> = Vec::new();
    for (citizen, start) in population.starts.iter().enumerate() {
        let s = month_of(*start) as usize;
        let before = &monthly[citizen][s - 12..s];
        let areas = before.iter().fold(0u8, |a, m| a | m.1);
        if areas.count_ones() >= 2 {
            let year = before.iter().map(|m| m.0).sum();
            let quarter = before[9..].iter().map(|m| m.0).sum();
            eligible.push((year, quarter, citizen));
        }
    }
    let cohort: HashSet<usize> = enrolled.iter().map(|(c, _)| index[c.as_str()]).collect();
    let eligible_ids: HashSet<usize> = eligible.iter().map(|e| e.2).collect();
    assert!(
        cohort.is_subset(&eligible_ids),
        "{by:?}: an enrolled citizen in fewer than two departments"
    );
    let top = |key: fn(&(i64, i64, usize)) -> i64| {
        let mut ranked = eligible.clone();
        ranked.sort_by(|a, b| key(b).cmp(&key(a)).then(a.2.cmp(&b.2)));
        ranked
            .iter()
            .take(ENROLLED)
            .map(|e| e.2)
            .collect::<HashSet<usize>>()
    };
    match by {
        CohortBy::EarlierCost => {
            assert!(cohort == top(|e| e.0), "not the costliest over 12 months")
        }
        CohortBy::Recent => assert!(cohort == top(|e| e.1), "not the costliest over 3 months"),
        CohortBy::Random => {
            // Drawn from all the eligible: it shares with the costliest about
            // what chance gives.
            let costliest = top(|e| e.0);
            let overlap = cohort.intersection(&costliest).count();
            let chance = ENROLLED * ENROLLED / eligible.len();
            assert!(
                overlap <= 2 * chance + 5,
                "random cohort shares {overlap} with the costliest (chance {chance} of {})",
                eligible.len()
            );
        }
    }
}

/// Writes the municipality with the cohort chosen `by`, checks it, and
/// prints the truth (`--nocapture` shows it).
fn write_and_check(by: CohortBy) -> Workdir {
    let wd = Workdir::new();
    let truth = population().write(wd.path(), by, SEED);
    check_written(by, wd.path(), &truth);
    let areas: Vec<String> = truth
        .removed_by_area
        .keys()
        .map(|a| format!("{a}: {:.2}", truth.saving_in(a)))
        .collect();
    println!(
        "{by:?}: planted saving {:.2} kr per enrolled unit-month ({}); cohort before {:.2}, population before {:.2}",
        truth.saving(),
        areas.join(", "),
        truth.cohort_before,
        truth.population_before
    );
    wd
}

#[test]
fn independent_writer_cuts_exactly_30_percent_after_the_start_of_the_costliest_earlier() {
    let wd = write_and_check(CohortBy::EarlierCost);
    // tvaers reads this system's files as they are: nothing rejected.
    let run = wd.run(&["validate", "--config", "tvaers.toml", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut read = 0u64;
    for line in run.stdout.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[6], "0", "rejects: {}\n{}", run.stdout, run.stderr);
        assert_eq!(cells[4], cells[5], "{}", run.stdout);
        read += cells[4].parse::<u64>().expect("read");
    }
    assert_eq!(read as usize, population().payments.len() + ENROLLED);
}

#[test]
fn independent_writer_cuts_exactly_30_percent_after_the_start_of_a_random_cohort() {
    write_and_check(CohortBy::Random);
}

#[test]
fn independent_writer_cuts_exactly_30_percent_after_the_start_of_the_costliest_recently() {
    write_and_check(CohortBy::Recent);
}

/// The Total row of `realised --format csv`.
struct Estimate {
    saving: f64,
    low: f64,
    high: f64,
    balanced: bool,
    pre_smd: String,
}

fn realised(by: CohortBy) -> (Estimate, Truth) {
    let wd = Workdir::new();
    let truth = population().write(wd.path(), by, SEED);
    let run = wd.run(&[
        "realised",
        "--config",
        "tvaers.toml",
        "--format",
        "csv",
        "--resamples",
        "400",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} in {header:?}\n{}", run.stdout))
    };
    let total = reader
        .records()
        .map(|r| r.expect("record"))
        .find(|r| &r[column("budget_area")] == "Total")
        .unwrap_or_else(|| panic!("no Total row\n{}", run.stdout));
    let number = |name: &str| -> f64 {
        total[column(name)]
            .parse()
            .unwrap_or_else(|_| panic!("{name} = {:?}\n{}", &total[column(name)], run.stdout))
    };
    let estimate = Estimate {
        saving: number("saving"),
        low: number("saving_low"),
        high: number("saving_high"),
        balanced: match &total[column("balanced")] {
            "true" => true,
            "false" => false,
            other => panic!("balanced = {other:?}"),
        },
        pre_smd: total[column("pre_smd")].to_string(),
    };
    (estimate, truth)
}

fn describe(by: CohortBy, e: &Estimate, t: &Truth) -> String {
    format!(
        "{by:?}: estimated {:.2} [{:.2}, {:.2}] kr per enrolled unit-month, planted {:.2}; \
         balanced {}, pre_smd {}; cohort before {:.2}, population before {:.2}",
        e.saving,
        e.low,
        e.high,
        t.saving(),
        e.balanced,
        e.pre_smd,
        t.cohort_before,
        t.population_before
    )
}

fn inside(e: &Estimate, t: &Truth) -> bool {
    e.low <= t.saving() && t.saving() <= e.high
}

/// The 200 costliest of 20,000 citizens: few who were not enrolled were
/// as costly, so the matches stay below them in level and the tool may say
/// the estimate is not balanced; the planted saving must lie inside its
/// interval all the same.
#[test]
fn realised_recovers_the_planted_cut_of_a_cohort_chosen_by_earlier_cost() {
    let (e, t) = realised(CohortBy::EarlierCost);
    assert!(
        inside(&e, &t),
        "{}",
        describe(CohortBy::EarlierCost, &e, &t)
    );
}

/// On this municipality the random multi-department cohort drifts down
/// about 20 % on its own after start, and the units with the nearest monthly
/// costs before start cost about a fifth less in kroner: the standardised
/// differences stay small (heavy tails make the spread wide), but the gap in
/// level does not, and the matched estimate (about twice the planted saving)
/// must not be called balanced. Either it recovers the saving, or it says it
/// cannot tell.
#[test]
fn realised_recovers_the_planted_cut_of_a_cohort_chosen_at_random_or_says_it_cannot_tell() {
    let (e, t) = realised(CohortBy::Random);
    assert!(
        !e.balanced || inside(&e, &t),
        "{}",
        describe(CohortBy::Random, &e, &t)
    );
}

#[test]
fn realised_recovers_the_planted_cut_of_a_cohort_chosen_by_recent_cost_or_says_it_is_unbalanced() {
    let (e, t) = realised(CohortBy::Recent);
    assert!(
        !e.balanced || inside(&e, &t),
        "{}",
        describe(CohortBy::Recent, &e, &t)
    );
}

/// What a plain matched difference in differences finds on this data: for
/// each enrolled citizen the 5 never-enrolled citizens nearest (Euclidean) in
/// the 12 monthly costs before its start month, with replacement; their
/// largest standardised mean difference of those costs; and the saving per
/// enrolled unit-month beside the planted one. A reference for the figures
/// the realised tests expect, not a test of tvaers
/// (`cargo test --test cli matched_reference -- --ignored --nocapture`).
#[test]
#[ignore = "reference report"]
fn matched_reference_report() {
    let k: usize = std::env::var("NEIGHBOURS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let population = population();
    for by in [CohortBy::EarlierCost, CohortBy::Random, CohortBy::Recent] {
        let wd = Workdir::new();
        let truth = population.write(wd.path(), by, SEED);
        let index = population.index();
        let (rows, _) = read_back(wd.path(), &index);
        let mut monthly = vec![[0f64; MONTHS]; population.ids.len()];
        for r in &rows {
            monthly[r.citizen][month_of(r.date) as usize] += r.ore as f64 / 100.0;
        }
        let mut enrolled = vec![false; population.ids.len()];
        let cohort: Vec<(usize, usize)> = truth
            .enrolled
            .iter()
            .map(|(id, start)| {
                enrolled[index[id.as_str()]] = true;
                (index[id.as_str()], month_of(*start) as usize)
            })
            .collect();
        let window = |c: usize, from: usize| &monthly[c][from..from + WINDOW_MONTHS];
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        let (mut treated, mut matched) = (Vec::new(), Vec::new());
        let mut did = Vec::new();
        for (t, s) in &cohort {
            let before = window(*t, s - WINDOW_MONTHS);
            let mut nearest: Vec<(f64, usize)> = (0..population.ids.len())
                .filter(|c| !enrolled[*c])
                .map(|c| {
                    let d = window(c, s - WINDOW_MONTHS)
                        .iter()
                        .zip(before)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>();
                    (d, c)
                })
                .collect();
            nearest.select_nth_unstable_by(k - 1, |a, b| a.partial_cmp(b).expect("finite"));
            let change = |c: usize| mean(window(c, *s)) - mean(window(c, s - WINDOW_MONTHS));
            let neighbours: Vec<usize> = nearest[..k].iter().map(|n| n.1).collect();
            did.push(change(*t) - neighbours.iter().map(|c| change(*c)).sum::<f64>() / k as f64);
            for _ in 0..k {
                treated.push(before.to_vec());
            }
            for c in neighbours {
                matched.push(window(c, s - WINDOW_MONTHS).to_vec());
            }
        }
        let smd = (0..WINDOW_MONTHS)
            .map(|m| {
                let column = |g: &Vec<Vec<f64>>| g.iter().map(|v| v[m]).collect::<Vec<f64>>();
                let (a, b) = (column(&treated), column(&matched));
                let var = |x: &[f64]| {
                    let mu = mean(x);
                    x.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / (x.len() - 1) as f64
                };
                (mean(&a) - mean(&b)) / ((var(&a) + var(&b)) / 2.0).sqrt()
            })
            .fold(0f64, |a, b| a.max(b.abs()));
        let saving = -mean(&did);
        let spread = did.iter().map(|d| (d + saving).powi(2)).sum::<f64>() / (did.len() - 1) as f64;
        println!(
            "{by:?}, {k} neighbours: matched saving {saving:.2} ± {:.2} (1.96 standard errors) kr per enrolled \
             unit-month, planted {:.2}; largest |SMD| {smd:.3}; cohort before {:.2}, population before {:.2}",
            1.96 * (spread / did.len() as f64).sqrt(),
            truth.saving(),
            truth.cohort_before,
            truth.population_before
        );
    }
}

/// Writes the three municipalities into `$TVAERS_INDEPENDENT_OUT/<cohort>/`
/// with their truth, for trying `realised` options by hand
/// (`TVAERS_INDEPENDENT_OUT=/tmp/ind cargo test --test cli independent_municipalities_to_folder -- --ignored --nocapture`);
/// `TVAERS_INDEPENDENT_SEED` simulates another municipality than the tests'.
#[test]
#[ignore = "writes to a folder named by the environment"]
fn independent_municipalities_to_folder() {
    let Some(out) = std::env::var_os("TVAERS_INDEPENDENT_OUT") else {
        panic!("set TVAERS_INDEPENDENT_OUT to a folder");
    };
    let seed = std::env::var("TVAERS_INDEPENDENT_SEED")
        .ok()
        .map(|s| s.parse::<u64>().expect("a whole number"));
    let other = seed.map(|s| Population::simulate(CITIZENS, s));
    let (population, seed) = match &other {
        Some(p) => (p, seed.unwrap_or(SEED)),
        None => (population(), SEED),
    };
    for by in [CohortBy::EarlierCost, CohortBy::Random, CohortBy::Recent] {
        let dir = Path::new(&out).join(format!("{by:?}").to_lowercase());
        std::fs::create_dir_all(&dir).expect("folder");
        let truth = population.write(&dir, by, seed);
        println!(
            "{by:?}: planted {:.2} kr per enrolled unit-month; cohort before {:.2}, population before {:.2}",
            truth.saving(),
            truth.cohort_before,
            truth.population_before
        );
    }
}
