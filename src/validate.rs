//! What `validate` checks beyond the per-source counts: things that load
//! without error but would quietly skew every later figure. Overlapping
//! household memberships, cost that maps to no budget area, empty sources,
//! dates far outside the period, placeholder ids such as `NULL`, and family
//! ids that collide with citizen ids.

use crate::accounts::UNCATEGORISED;
use crate::config::Period;
use crate::interner::Interner;
use crate::load::value::{epoch_days, from_epoch_days, ore};
use crate::load::{Loaded, Row, RowTarget, SourceReport, What};
use crate::schema::Kind;
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A finding worth an analyst's attention; it does not fail the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The source it concerns, if one.
    pub source: Option<String>,
    /// What was found and what to do about it.
    pub message: String,
}

/// The source that exceeded `--max-reject-rate` (exit 3).
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("source {source_name:?} rejected {rejected} of {read} rows ({:.2} %), above the allowed {:.2} % (--max-reject-rate {max_rate})", 100.0 * *rejected as f64 / *read as f64, 100.0 * max_rate)]
pub struct RejectRateExceeded {
    /// Source name.
    pub source_name: String,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows read.
    pub read: u64,
    /// The allowed share.
    pub max_rate: f64,
}

/// The first source whose rejected share exceeds `max_rate`, if any.
pub fn check_reject_rate(
    reports: impl IntoIterator<Item = impl std::borrow::Borrow<SourceReport>>,
    max_rate: f64,
) -> Result<(), RejectRateExceeded> {
    for report in reports {
        let r = report.borrow();
        if r.reject_rate() > max_rate {
            return Err(RejectRateExceeded {
                source_name: r.name.clone(),
                rejected: r.rejected,
                read: r.read,
                max_rate,
            });
        }
    }
    Ok(())
}

/// What the warnings need of the expense and contact rows, gathered as they
/// are read: those rows are never held.
pub struct Summary {
    from: i32,
    to: i32,
    /// Expense amounts in the period, in øre (`i128`: it cannot wrap, see
    /// `units`' accumulator).
    total: i128,
    /// Expense amounts in the period on accounts that map to no budget area,
    /// per account, in øre.
    uncategorised: HashMap<String, i128>,
    /// Citizen ids of every expense and contact row.
    citizens: Interner,
    /// The last citizen's id (see `Interner::intern_after`).
    last_citizen: Option<u32>,
}

impl Summary {
    pub(crate) fn new(period: Period) -> Summary {
        Summary {
            from: period.from.map_or(i32::MIN, epoch_days),
            to: period.to.map_or(i32::MAX, epoch_days),
            total: 0,
            uncategorised: HashMap::new(),
            citizens: Interner::default(),
            last_citizen: None,
        }
    }

    pub(crate) fn merge(&mut self, other: Summary) {
        self.total += other.total;
        for (account, ore) in other.uncategorised {
            *self.uncategorised.entry(account).or_default() += ore;
        }
        let mut last = None;
        for id in 0..other.citizens.len() as u32 {
            self.citizens
                .intern_after(&mut last, other.citizens.get(id));
        }
    }
}

impl RowTarget for Summary {
    fn row(&mut self, row: Row<'_>) {
        self.citizens
            .intern_after(&mut self.last_citizen, row.citizen);
        let What::Expense {
            amount,
            account,
            area,
        } = row.what
        else {
            return;
        };
        if row.date < self.from || row.date > self.to {
            return;
        }
        let ore = i128::from(ore(amount));
        self.total += ore;
        if area == UNCATEGORISED {
            match self.uncategorised.get_mut(account) {
                Some(sum) => *sum += ore,
                None => {
                    self.uncategorised.insert(account.to_string(), ore);
                }
            }
        }
    }
}

/// Every warning about the workspace, in a stable order.
pub fn warnings(loaded: &Loaded, summary: &Summary, period: Period) -> PolarsResult<Vec<Warning>> {
    let mut warnings = Vec::new();
    for r in loaded.reports() {
        let source = Some(r.name.clone());
        if r.accepted == 0 {
            warnings.push(Warning {
                source: source.clone(),
                message: format!("source {:?} has no accepted rows", r.name),
            });
        }
        if r.far_outside > 0 {
            warnings.push(Warning {
                source,
                message: format!(
                    "source {:?}: {} rows are dated more than five years outside the period {}; check the date format and the extract",
                    r.name,
                    r.far_outside,
                    describe(period)
                ),
            });
        }
    }
    warnings.extend(placeholder_ids(loaded.reports()));
    warnings.extend(uncategorised(summary));
    warnings.extend(overlapping_households(loaded)?);
    warnings.extend(family_ids_equal_citizen_ids(loaded, summary)?);
    Ok(warnings)
}

/// One warning per source with rows whose citizen or family id is a
/// placeholder for a missing id (`NULL`, `N/A`, `0`, `ukendt` …): they are
/// accepted, as they are not empty, but all rows with one placeholder make
/// one made-up unit, which can top a hotspot list. No id is ever named.
pub fn placeholder_ids<'r>(reports: impl IntoIterator<Item = &'r SourceReport>) -> Vec<Warning> {
    reports
        .into_iter()
        .filter(|r| r.placeholder_ids > 0)
        .map(|r| Warning {
            source: Some(r.name.clone()),
            message: format!(
                "source {:?}: {} rows have a placeholder instead of a citizen or family id (such as NULL, N/A, 0 or ukendt); they are kept, but all rows with the same placeholder count as one unit: fix the extract",
                r.name, r.placeholder_ids
            ),
        })
        .collect()
}

fn describe(period: Period) -> String {
    let bound = |d: Option<chrono::NaiveDate>| d.map_or("open".to_string(), |d| d.to_string());
    format!("{} to {}", bound(period.from), bound(period.to))
}

fn uncategorised(summary: &Summary) -> Option<Warning> {
    if summary.uncategorised.is_empty() {
        return None;
    }
    let mut by_account: Vec<(&str, i128)> = summary
        .uncategorised
        .iter()
        .map(|(account, &ore)| (account.as_str(), ore))
        .collect();
    by_account.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total = summary.total as f64 / 100.0;
    let cost = by_account.iter().map(|(_, ore)| ore).sum::<i128>() as f64 / 100.0;
    // An account column can hold anything: an account whose digits may hold
    // a raw CPR number (an id, or free text, in the wrong column) is counted,
    // never named.
    let (hidden, named): (Vec<&str>, Vec<&str>) = by_account
        .iter()
        .map(|(a, _)| *a)
        .partition(|a| may_hold_cpr(a));
    let mut accounts: Vec<String> = named.iter().take(5).map(|a| a.to_string()).collect();
    if !hidden.is_empty() {
        accounts.push(format!(
            "{} whose digits may hold a raw CPR number (not shown)",
            hidden.len()
        ));
    }
    let share = if total != 0.0 {
        100.0 * cost / total
    } else {
        0.0
    };
    Some(Warning {
        source: None,
        message: format!(
            "{share:.1} % of the period's cost ({cost:.2}) is on {} to no budget area ({UNCATEGORISED}), largest first: {}; map them in [budget_areas]",
            match by_account.len() {
                1 => "1 account that maps".to_string(),
                n => format!("{n} accounts that map"),
            },
            accounts.join(", ")
        ),
    })
}

/// Whether nine or ten consecutive characters of an account's digits look
/// like a raw CPR number: its digits are all that is kept of the text, so
/// `1004496986,0` (a CPR number as a float) leaves `10044969860`.
fn may_hold_cpr(digits: &str) -> bool {
    (9..=10).any(|n| {
        (0..=digits.len().saturating_sub(n))
            .any(|i| digits.get(i..i + n).is_some_and(crate::cpr::looks_like_cpr))
    })
}

/// Citizens with two household memberships valid on the same day.
fn overlapping_households(loaded: &Loaded) -> PolarsResult<Option<Warning>> {
    let sorted = loaded
        .frame(Kind::Households)?
        .select([
            col("citizen").cast(DataType::String),
            col("valid_from"),
            col("valid_to"),
        ])
        .sort(
            ["citizen", "valid_from"],
            SortMultipleOptions::default().with_nulls_last(false),
        )
        .collect()?;
    let citizens = sorted.column("citizen")?.str()?;
    let from = sorted.column("valid_from")?.cast(&DataType::Int32)?;
    let to = sorted.column("valid_to")?.cast(&DataType::Int32)?;
    let (from, to) = (from.i32()?, to.i32()?);
    let mut overlapping = 0u64;
    let mut example = None;
    let mut current: Option<&str> = None;
    let mut latest_end = i32::MIN;
    let mut counted = false;
    for ((citizen, start), end) in citizens.iter().zip(from.iter()).zip(to.iter()) {
        let start = start.unwrap_or(i32::MIN);
        let end = end.unwrap_or(i32::MAX);
        if citizen != current {
            current = citizen;
            latest_end = end;
            counted = false;
            continue;
        }
        if start <= latest_end && !counted {
            overlapping += 1;
            counted = true;
            example = example.or_else(|| {
                from_epoch_days(start.max(0)).map(|d| (citizen.unwrap_or_default().to_string(), d))
            });
        }
        latest_end = latest_end.max(end);
    }
    Ok((overlapping > 0).then(|| Warning {
        source: None,
        message: format!(
            "{overlapping} citizens have overlapping household memberships{}; in family mode the membership with the latest valid_from wins",
            example.map_or(String::new(), |(c, d)| format!(" (e.g. {c} around {d})"))
        ),
    }))
}

/// Family ids that are also citizen ids would merge units in family mode.
fn family_ids_equal_citizen_ids(
    loaded: &Loaded,
    summary: &Summary,
) -> PolarsResult<Option<Warning>> {
    let households = loaded.frame(Kind::Households)?.collect()?;
    let families = households.column("family")?.cast(&DataType::String)?;
    let members = households.column("citizen")?.cast(&DataType::String)?;
    let members: HashSet<&str> = members.str()?.iter().flatten().collect();
    let shared: BTreeSet<&str> = families
        .str()?
        .iter()
        .flatten()
        .filter(|f| members.contains(f) || summary.citizens.find(f).is_some())
        .collect();
    let Some(first) = shared.first() else {
        return Ok(None);
    };
    Ok(Some(Warning {
        source: None,
        message: format!(
            "{} family ids are also citizen ids (e.g. {first}); family and citizen units would be mixed up: give families their own ids",
            shared.len()
        ),
    }))
}

/// The per-source counts as a frame with SPEC §6's columns:
/// `source,kind,department,files,read,accepted,rejected,outside_period`.
pub fn report_frame<'a>(
    reports: impl Iterator<Item = &'a SourceReport>,
) -> PolarsResult<DataFrame> {
    let reports: Vec<&SourceReport> = reports.collect();
    let text = |name: &str, f: &dyn Fn(&SourceReport) -> String| {
        Column::new(
            name.into(),
            reports.iter().map(|r| f(r)).collect::<Vec<_>>(),
        )
    };
    let count = |name: &str, f: &dyn Fn(&SourceReport) -> u64| {
        Column::new(
            name.into(),
            reports.iter().map(|r| f(r)).collect::<Vec<_>>(),
        )
    };
    DataFrame::new(
        reports.len(),
        vec![
            text("source", &|r| r.name.clone()),
            text("kind", &|r| r.kind.to_string()),
            text("department", &|r| r.department.clone()),
            count("files", &|r| r.files as u64),
            count("read", &|r| r.read),
            count("accepted", &|r| r.accepted),
            count("rejected", &|r| r.rejected),
            count("outside_period", &|r| r.outside_period),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_rows_give_the_uncategorised_share_and_colliding_ids() {
        let config = "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n\
            [[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"e.csv\"\n\
            [[sources]]\nname = \"c\"\nkind = \"contacts\"\ndepartment = \"Job\"\npath = \"c.csv\"\n\
            [[sources]]\nname = \"h\"\nkind = \"households\"\npath = \"h.csv\"\n";
        let expenses = "citizen,date,amount,account\n\
            c1,2023-03-01,100.50,5.57.73\n\
            c1,2023-04-01,200.25,99.99\n\
            c2,2023-05-01,50.00,99.99\n\
            c2,2023-06-01,30.00,88.1\n\
            c2,2022-06-01,1000.00,99.99\n";
        let (_dir, config) = crate::testing::workspace(&[
            ("tvaers.toml", config),
            ("e.csv", expenses),
            ("c.csv", "citizen,date\nF7,2023-02-01\n"),
            ("h.csv", "citizen,family,valid_from,valid_to\nc1,F7,,\n"),
        ]);
        let plan = crate::workspace::Plan::validate();
        let ws = crate::workspace::Workspace::open(config.clone(), config.period, &plan).unwrap();
        let (loaded, summary) = (&ws.loaded, ws.summary().unwrap());
        let names: Vec<&str> = loaded.reports().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["e", "c", "h"]);
        let messages: Vec<String> = warnings(loaded, summary, config.period)
            .unwrap()
            .into_iter()
            .map(|w| w.message)
            .collect();
        // 250.25 + 30.00 of 380.75 in the period: 73.60 %; the 2022 row is outside.
        assert_eq!(
            messages,
            [
                "73.6 % of the period's cost (280.25) is on 2 accounts that map to no budget area (Uncategorised), largest first: 9999, 881; map them in [budget_areas]",
                // F7 is a family id and the citizen of a contact row.
                "1 family ids are also citizen ids (e.g. F7); family and citizen units would be mixed up: give families their own ids",
            ]
        );
    }
}
