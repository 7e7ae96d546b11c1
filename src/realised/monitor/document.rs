//! The monitor as output: its summary in words, the periods, and the split
//! per budget area and per department, with small groups hidden.

use super::{status, Every, Monitor, MonitorRow};
use crate::output::{Document, Table, Value};
use crate::realised::part;
use polars::prelude::*;

impl Monitor {
    /// The monitor as output: `summary` (balance, in words), `periods` (all
    /// areas together, with investment, net and status), `areas` and
    /// `departments` (who gains so far). A period with fewer than `min_cell`
    /// enrolled units, and an area or department with fewer than `min_cell`
    /// enrolled units with cost there, is hidden; where one area (or
    /// department) is, the next smallest goes with it.
    pub fn document(&self, min_cell: u32) -> PolarsResult<Document> {
        Ok(self.tables(min_cell)?.document())
    }

    /// The parts of [`Monitor::document`], each by name.
    pub fn tables(&self, min_cell: u32) -> PolarsResult<MonitorTables> {
        use crate::suppress;
        let estimable = self.realised.balanced(None)
            && suppress::count(self.realised.cohort_units, min_cell).is_some()
            && suppress::count(self.realised.comparison_units, min_cell).is_some();
        let shown_row = |r: &MonitorRow| {
            suppress::count(r.enrolled_units, min_cell).is_some()
                && suppress::count(self.realised.comparison_units, min_cell).is_some()
        };
        let money = |v: f64, show: bool| (show && v.is_finite()).then_some(v);
        let rows = &self.total;
        let periods = Table::new(df!(
            "period_start" => rows.iter().map(|r| r.period_start).collect::<Vec<_>>(),
            "period_end" => rows.iter().map(|r| r.period_end).collect::<Vec<_>>(),
            "enrolled_units" => rows.iter().map(|r| suppress::count(r.enrolled_units, min_cell)).collect::<Vec<_>>(),
            "expected" => rows.iter().map(|r| money(r.expected, shown_row(r))).collect::<Vec<_>>(),
            "realised" => rows.iter().map(|r| money(r.realised.0, shown_row(r))).collect::<Vec<_>>(),
            "realised_low" => rows.iter().map(|r| money(r.realised.1, shown_row(r))).collect::<Vec<_>>(),
            "realised_high" => rows.iter().map(|r| money(r.realised.2, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_expected" => rows.iter().map(|r| money(r.cumulative_expected, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised" => rows.iter().map(|r| money(r.cumulative_realised.0, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised_low" => rows.iter().map(|r| money(r.cumulative_realised.1, shown_row(r))).collect::<Vec<_>>(),
            "cumulative_realised_high" => rows.iter().map(|r| money(r.cumulative_realised.2, shown_row(r))).collect::<Vec<_>>(),
            "investment_to_date" => rows.iter().map(|r| money(r.investment_to_date, shown_row(r))).collect::<Vec<_>>(),
            "net_to_date" => rows.iter().map(|r| money(r.cumulative_realised.0 - r.investment_to_date, shown_row(r))).collect::<Vec<_>>(),
            "status" => rows.iter().map(|r| status(r, estimable && shown_row(r)).as_str()).collect::<Vec<_>>(),
        )?)
        .with_title(format!(
            "Expected against realised savings per {}, all budget areas (kroner)",
            match self.every {
                Every::Month => "month",
                Every::Quarter => "quarter",
                Every::Year => "year",
            }
        ))
        // A narrow terminal keeps each period's and the cumulative figures and the status.
        .with_optional([
            "period_end",
            "enrolled_units",
            "cumulative_expected",
            "realised_low",
            "realised_high",
            "cumulative_realised_low",
            "cumulative_realised_high",
            "investment_to_date",
            "net_to_date",
        ])
        .with_money([
            "expected", "realised", "realised_low", "realised_high", "cumulative_expected",
            "cumulative_realised", "cumulative_realised_low", "cumulative_realised_high",
            "investment_to_date", "net_to_date",
        ])
        .with_suppressed([
            "enrolled_units", "expected", "realised", "realised_low", "realised_high",
            "cumulative_expected", "cumulative_realised", "cumulative_realised_low",
            "cumulative_realised_high", "investment_to_date", "net_to_date",
        ]);
        let breakdown = |label: &str,
                         groups: &[(String, Vec<MonitorRow>)],
                         units: &[u64],
                         title: String|
         -> PolarsResult<Table> {
            // Areas (or departments) add up to the total; a unit can be in several.
            let parts: Vec<suppress::Part> = units
                .iter()
                .map(|&n| suppress::Part::new(n, n as f64))
                .collect();
            let start = suppress::primary(&parts, min_cell);
            let done = suppress::protect(
                &parts,
                &start,
                suppress::Membership::Overlapping,
                true,
                min_cell,
            );
            let statuses: Vec<suppress::Status> = if done.total.is_shown() {
                done.parts
            } else {
                start
                    .iter()
                    .map(|s| s.and(suppress::Status::Complement))
                    .collect()
            };
            let hidden: Vec<bool> = statuses.iter().map(|s| !s.is_shown()).collect();
            let mut complement = Vec::new();
            let mut name = Vec::new();
            let mut start = Vec::new();
            let mut end = Vec::new();
            let mut columns: [Vec<Option<f64>>; 6] = Default::default();
            for (((group, rows), hide), status) in groups.iter().zip(&hidden).zip(&statuses) {
                for r in rows {
                    if *status == suppress::Status::Complement {
                        complement.push(name.len());
                    }
                    let show = !hide && shown_row(r);
                    name.push(group.as_str());
                    start.push(r.period_start);
                    end.push(r.period_end);
                    for (column, v) in columns.iter_mut().zip([
                        r.expected,
                        r.realised.0,
                        r.realised.1,
                        r.realised.2,
                        r.cumulative_expected,
                        r.cumulative_realised.0,
                    ]) {
                        column.push(money(v, show));
                    }
                }
            }
            let [expected, realised, low, high, cum_expected, cum_realised] = columns;
            let frame = df!(
                label => name,
                "period_start" => start,
                "period_end" => end,
                "expected" => expected,
                "realised" => realised,
                "realised_low" => low,
                "realised_high" => high,
                "cumulative_expected" => cum_expected,
                "cumulative_realised" => cum_realised,
            )?;
            let money_columns = [
                "expected",
                "realised",
                "realised_low",
                "realised_high",
                "cumulative_expected",
                "cumulative_realised",
            ];
            Ok(Table::new(frame)
                .with_title(title)
                // A narrow terminal keeps each period's expected and realised saving.
                .with_optional([
                    "period_end",
                    "realised_low",
                    "realised_high",
                    "cumulative_expected",
                    "cumulative_realised",
                ])
                .with_money(money_columns)
                .with_suppressed(money_columns)
                .with_complement_rows(complement))
        };
        let areas = breakdown(
            "budget_area",
            &self.areas,
            &self.area_units,
            "Per budget area: who gains so far".into(),
        )?;
        let departments = breakdown(
            "department",
            &self.departments,
            &self.department_units,
            "Per department: who gains so far".into(),
        )?;
        let summary = vec![
            ("balanced".to_string(), Value::Bool(self.realised.balanced(None))),
            ("balance_note".to_string(), Value::Text(super::super::balance_note(&self.realised, min_cell))),
            (
                "note".to_string(),
                Value::Text(
                    "expected applies the [savings] model to each enrolled unit's own cost in the months \
                     before its start, ramped up by the years since it; realised is the difference in \
                     differences against its matched comparison units, as money in each period, with a \
                     95 % bootstrap interval over enrolled units; the status compares what was expected \
                     to date with the realised interval to date."
                        .into(),
                ),
            ),
        ];
        Ok(MonitorTables {
            summary,
            periods,
            areas,
            departments,
        })
    }
}

/// The published (suppressed) monitor, part by part.
#[derive(Debug, Clone)]
pub struct MonitorTables {
    /// Whether balanced, the verdict in words, and how to read the figures.
    pub summary: Vec<(String, Value)>,
    /// All areas together, per period: expected, realised with its interval, status.
    pub periods: Table,
    /// Per budget area and period.
    pub areas: Table,
    /// Per department and period.
    pub departments: Table,
}

impl MonitorTables {
    /// The tables as a document: `summary`, `periods`, `areas`, `departments`.
    pub fn document(self) -> Document {
        Document::new()
            .with_fields(part::SUMMARY, self.summary)
            .with_title(part::SUMMARY, "Summary")
            .with_table(part::PERIODS, self.periods)
            .with_table(part::AREAS, self.areas)
            .with_table(part::DEPARTMENTS, self.departments)
    }
}
