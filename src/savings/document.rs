//! A savings case as output: SPEC §6's shapes (`summary`, `areas`,
//! `departments`), with every figure from fewer than `min_cell` units shown
//! as suppressed (`visible.rs` says which). Several scenarios side by side
//! get a `scenario` column.

use super::{part, shown_beside, SavingsCase, Visible};
use crate::config::SavingsConfig;
use crate::output::{Document, Table, Value};
use crate::overview::complements;
use crate::suppress::Status;
use polars::prelude::*;
use std::collections::BTreeSet;

/// One scenario: `summary` (fields), `areas` and `departments` (tables), then `assumptions`.
/// `hidden_elsewhere` names areas another part of the same document would
/// give away (see [`shown_beside`]); empty for `savings` alone.
pub fn case_document(
    case: &SavingsCase,
    config: &SavingsConfig,
    min_cell: u32,
    hidden_elsewhere: &BTreeSet<String>,
) -> PolarsResult<Document> {
    let visible = shown_beside(case, min_cell, hidden_elsewhere);
    let s = &case.summary;
    let show = |v: Value| visible.summary.value(v);
    let summary = vec![
        (
            "cohort_units".to_string(),
            show(Value::UInt(s.cohort_units)),
        ),
        ("investment".to_string(), show(Value::Money(s.investment))),
        (
            "gross_savings".to_string(),
            show(Value::Money(s.gross_savings)),
        ),
        ("net".to_string(), show(Value::Money(s.net))),
        ("npv".to_string(), show(Value::Money(s.npv))),
        (
            "roi".to_string(),
            show(s.roi.map_or(Value::Null, Value::Share)),
        ),
        (
            "payback_year".to_string(),
            show(
                s.payback_year
                    .map_or(Value::Null, |y| Value::UInt(y.into())),
            ),
        ),
    ];
    Ok(Document::new()
        .with_fields(part::SUMMARY, summary)
        .with_title(part::SUMMARY, "Summary")
        .with_title(part::ASSUMPTIONS, "Assumptions")
        .with_table(
            part::AREAS,
            areas_table(&[(case, &visible)], config, false)?,
        )
        .with_table(
            part::DEPARTMENTS,
            departments_table(&[(case, &visible)], min_cell, false)?,
        )
        .with_fields(part::ASSUMPTIONS, assumptions(config)))
}

/// Several scenarios side by side: every table gains a leading `scenario` column.
pub fn cases_document(
    cases: &[SavingsCase],
    config: &SavingsConfig,
    min_cell: u32,
) -> PolarsResult<Document> {
    let mut columns: Vec<(&str, Vec<Option<f64>>)> =
        ["investment", "gross_savings", "net", "npv", "roi"]
            .iter()
            .map(|n| (*n, Vec::new()))
            .collect();
    let mut units = Vec::new();
    let mut payback = Vec::new();
    let none = BTreeSet::new();
    let visible: Vec<Visible> = cases
        .iter()
        .map(|c| shown_beside(c, min_cell, &none))
        .collect();
    for (case, shown) in cases.iter().zip(&visible) {
        let visible = shown.summary.is_shown();
        let s = &case.summary;
        for (i, v) in [
            Some(s.investment),
            Some(s.gross_savings),
            Some(s.net),
            Some(s.npv),
            s.roi,
        ]
        .into_iter()
        .enumerate()
        {
            columns[i].1.push(v.filter(|_| visible));
        }
        units.push(Some(s.cohort_units).filter(|_| visible));
        payback.push(s.payback_year.filter(|_| visible));
    }
    let mut frame_columns = vec![
        Column::new(
            "scenario".into(),
            cases
                .iter()
                .map(|c| c.scenario.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new("cohort_units".into(), units),
    ];
    frame_columns.extend(
        columns
            .into_iter()
            .map(|(name, v)| Column::new(name.into(), v)),
    );
    frame_columns.push(Column::new("payback_year".into(), payback));
    let mut summary = Table::new(DataFrame::new(cases.len(), frame_columns)?)
        .with_title("Summary")
        .with_money(["investment", "gross_savings", "net", "npv"])
        .with_shares(["roi"]);
    // Every scenario has the same cohort, so all are shown or none; a null
    // payback year then means "never", not "suppressed".
    if let Some(hidden) = visible.first().map(|v| v.summary).filter(|s| !s.is_shown()) {
        if hidden == Status::Complement {
            summary = summary.with_complement_rows(0..cases.len());
        }
        summary = summary.with_suppressed([
            "cohort_units",
            "investment",
            "gross_savings",
            "net",
            "npv",
            "roi",
            "payback_year",
        ]);
    }
    Ok(Document::new()
        .with_table(part::SUMMARY, summary)
        .with_title(part::ASSUMPTIONS, "Assumptions")
        .with_table(
            part::AREAS,
            areas_table(&paired(cases, &visible), config, true)?,
        )
        .with_table(
            part::DEPARTMENTS,
            departments_table(&paired(cases, &visible), min_cell, true)?,
        )
        .with_fields(part::ASSUMPTIONS, assumptions(config)))
}

fn paired<'a>(
    cases: &'a [SavingsCase],
    visible: &'a [Visible],
) -> Vec<(&'a SavingsCase, &'a Visible)> {
    cases.iter().zip(visible).collect()
}

/// `budget_area,units,baseline,effect,year_1…year_H,total,discounted` (SPEC
/// §6), each case with what of it may be shown ([`super::shown`]).
pub fn areas_table(
    cases: &[(&SavingsCase, &Visible)],
    config: &SavingsConfig,
    with_scenario: bool,
) -> PolarsResult<Table> {
    let horizon = config.horizon_years as usize;
    let mut scenario = Vec::new();
    let mut area = Vec::new();
    let mut units = Vec::new();
    let mut baseline = Vec::new();
    let mut effect = Vec::new();
    let mut years: Vec<Vec<Option<f64>>> = vec![Vec::new(); horizon];
    let mut total = Vec::new();
    let mut discounted = Vec::new();
    let mut statuses = Vec::new();
    for (case, visible) in cases {
        for (a, &status) in case.areas.iter().zip(&visible.areas) {
            statuses.push(status);
            let show = status.is_shown();
            let keep = |v: f64| show.then_some(v);
            scenario.push(case.scenario.as_str());
            area.push(a.area.clone());
            units.push(show.then_some(a.units));
            baseline.push(keep(a.baseline));
            effect.push(a.effect);
            for (t, column) in years.iter_mut().enumerate() {
                column.push(keep(a.years[t]));
            }
            total.push(keep(a.total));
            discounted.push(keep(a.discounted));
        }
    }
    let height = area.len();
    let mut columns = Vec::new();
    if with_scenario {
        columns.push(Column::new("scenario".into(), scenario));
    }
    columns.push(Column::new("budget_area".into(), area));
    columns.push(Column::new("units".into(), units));
    columns.push(Column::new("baseline".into(), baseline));
    columns.push(Column::new("effect".into(), effect));
    let year_names: Vec<String> = (1..=horizon).map(|t| format!("year_{t}")).collect();
    for (name, values) in year_names.iter().zip(years) {
        columns.push(Column::new(name.into(), values));
    }
    columns.push(Column::new("total".into(), total));
    columns.push(Column::new("discounted".into(), discounted));
    let mut money = vec![
        "baseline".to_string(),
        "total".to_string(),
        "discounted".to_string(),
    ];
    money.extend(year_names.iter().cloned());
    let mut suppressed = money.clone();
    suppressed.push("units".into());
    // A narrow terminal keeps each area's effect and totals; the baseline
    // and the savings year by year are in CSV and JSON (and `--wide`).
    let mut optional = year_names;
    optional.push("units".into());
    optional.push("baseline".into());
    Ok(Table::new(DataFrame::new(height, columns)?)
        .with_title("Savings per budget area")
        .with_optional(optional)
        .with_money(money)
        .with_shares(["effect"])
        .with_suppressed(suppressed)
        .with_complement_rows(complements(statuses.into_iter())))
}

/// `department,units,baseline,total,discounted`: who gains, over the shown
/// areas only.
fn departments_table(
    cases: &[(&SavingsCase, &Visible)],
    min_cell: u32,
    with_scenario: bool,
) -> PolarsResult<Table> {
    let mut scenario = Vec::new();
    let mut name = Vec::new();
    let mut units = Vec::new();
    let mut baseline = Vec::new();
    let mut total = Vec::new();
    let mut discounted = Vec::new();
    let mut complement_rows = Vec::new();
    let mut partial = false;
    let mut withheld = false;
    for (case, visible) in cases {
        partial |= visible.departments_partial;
        let money = visible.department_money;
        withheld |= money == Status::Complement;
        for (d, &count) in visible.departments.iter().zip(&visible.department_units) {
            if money == Status::Complement && count.is_shown() {
                complement_rows.push(name.len());
            }
            scenario.push(case.scenario.as_str());
            name.push(d.department.clone());
            units.push(count.show(d.units));
            baseline.push(money.show(d.baseline));
            total.push(money.show(d.total));
            discounted.push(money.show(d.discounted));
        }
    }
    let mut title = "Savings per department (by its share of each area's cost)".to_string();
    if partial {
        title.push_str("; over the shown budget areas only");
    }
    if withheld {
        title.push_str(&format!(
            "; money hidden: a department's part of an area holds fewer than {min_cell} units"
        ));
    }
    let height = name.len();
    let mut columns = Vec::new();
    if with_scenario {
        columns.push(Column::new("scenario".into(), scenario));
    }
    columns.extend([
        Column::new("department".into(), name),
        Column::new("units".into(), units),
        Column::new("baseline".into(), baseline),
        Column::new("total".into(), total),
        Column::new("discounted".into(), discounted),
    ]);
    Ok(Table::new(DataFrame::new(height, columns)?)
        .with_title(title)
        .with_money(["baseline", "total", "discounted"])
        .with_suppressed(["units", "baseline", "total", "discounted"])
        .with_complement_rows(complement_rows))
}

fn assumptions(config: &SavingsConfig) -> Vec<(String, Value)> {
    let ramp = config
        .ramp_up
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        (
            "horizon_years".into(),
            Value::UInt(config.horizon_years.into()),
        ),
        ("discount_rate".into(), Value::Share(config.discount_rate)),
        (
            "coordinator_cost".into(),
            Value::Money(config.coordinator_cost),
        ),
        ("setup_cost".into(), Value::Money(config.setup_cost)),
        ("ramp_up".into(), Value::Text(ramp)),
        ("deadweight".into(), Value::Share(config.deadweight)),
        ("optimism_bias".into(), Value::Share(config.optimism_bias)),
    ]
}
