//! What `validate` checks beyond the per-source counts: things that load
//! without error but would quietly skew every later figure. Overlapping
//! household memberships, cost that maps to no budget area, empty sources,
//! dates far outside the period, and family ids that collide with citizen ids.

use crate::accounts::UNCATEGORISED;
use crate::config::Period;
use crate::load::{value::from_epoch_days, Loaded, SourceReport};
use crate::schema::{col as column, Kind};
use crate::units::in_period;
use polars::prelude::*;

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

/// Every warning about the loaded workspace, in a stable order.
pub fn warnings(loaded: &Loaded, period: Period) -> PolarsResult<Vec<Warning>> {
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
    warnings.extend(uncategorised(loaded, period)?);
    warnings.extend(overlapping_households(loaded)?);
    warnings.extend(family_ids_equal_citizen_ids(loaded)?);
    Ok(warnings)
}

fn describe(period: Period) -> String {
    let bound = |d: Option<chrono::NaiveDate>| d.map_or("open".to_string(), |d| d.to_string());
    format!("{} to {}", bound(period.from), bound(period.to))
}

fn uncategorised(loaded: &Loaded, period: Period) -> PolarsResult<Option<Warning>> {
    let expenses = in_period(loaded.frame(Kind::Expenses)?, "date", period);
    let by_account = expenses
        .clone()
        .filter(col(column::BUDGET_AREA).eq(lit(UNCATEGORISED)))
        .group_by([col("account")])
        .agg([col("amount").sum().alias("cost")])
        .with_column(col("account").cast(DataType::String))
        .sort(
            ["cost", "account"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    if by_account.height() == 0 {
        return Ok(None);
    }
    let total = expenses.select([col("amount").sum()]).collect()?;
    let total = total.column("amount")?.f64()?.get(0).unwrap_or(0.0);
    let cost: f64 = by_account.column("cost")?.f64()?.sum().unwrap_or(0.0);
    let accounts: Vec<&str> = by_account
        .column("account")?
        .str()?
        .iter()
        .flatten()
        .take(5)
        .collect();
    let share = if total != 0.0 {
        100.0 * cost / total
    } else {
        0.0
    };
    Ok(Some(Warning {
        source: None,
        message: format!(
            "{share:.1} % of the period's cost ({cost:.2}) is on {} accounts that map to no budget area ({UNCATEGORISED}), largest first: {}; map them in [budget_areas]",
            by_account.height(),
            accounts.join(", ")
        ),
    }))
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
fn family_ids_equal_citizen_ids(loaded: &Loaded) -> PolarsResult<Option<Warning>> {
    let families = loaded
        .frame(Kind::Households)?
        .select([col("family").alias("id")])
        .unique(None, UniqueKeepStrategy::Any);
    let citizens = concat(
        [Kind::Expenses, Kind::Contacts, Kind::Households]
            .into_iter()
            .map(|k| Ok(loaded.frame(k)?.select([col("citizen").alias("id")])))
            .collect::<PolarsResult<Vec<_>>>()?,
        UnionArgs::default(),
    )?
    .unique(None, UniqueKeepStrategy::Any);
    let shared = families
        .join(
            citizens,
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(col("id").cast(DataType::String))
        .sort(["id"], Default::default())
        .collect()?;
    if shared.height() == 0 {
        return Ok(None);
    }
    let first = shared
        .column("id")?
        .str()?
        .get(0)
        .unwrap_or_default()
        .to_string();
    Ok(Some(Warning {
        source: None,
        message: format!(
            "{} family ids are also citizen ids (e.g. {first}); family and citizen units would be mixed up: give families their own ids",
            shared.height()
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
