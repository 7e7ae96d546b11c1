//! The realised estimate as a document: a summary that says in words whether
//! a comparable comparison group was found, the estimate per budget area, the
//! balance of every matching feature, and the event study; suppressed where
//! fewer than `min_cell` units stand behind a figure (SPEC §4).

use super::{part, Realised, TOTAL};
use crate::output::{Document, Table, Value};
use crate::suppress;
use polars::prelude::*;

/// Each area row's status (the total last). An area is a part of the total
/// (a unit can have cost in several: overlapping parts), counted by the
/// fewer of its enrolled and comparison units with cost there; the total is
/// hidden with everything when either group is below `min_cell`.
pub(crate) fn area_status(r: &Realised, min_cell: u32) -> Vec<suppress::Status> {
    use suppress::{Membership, Part, Status};
    let groups = groups_shown(r, min_cell);
    let parts: Vec<Part> = r
        .areas
        .iter()
        .filter(|a| a.area != TOTAL)
        .map(|a| {
            Part::new(
                a.cohort_with_cost.min(a.comparison_with_cost),
                a.cohort.before.abs(),
            )
        })
        .collect();
    let mut start = suppress::primary(&parts, min_cell);
    if !groups {
        start.iter_mut().for_each(|s| *s = s.and(Status::Below));
    }
    let done = suppress::protect(&parts, &start, Membership::Overlapping, groups, min_cell);
    let mut status = done.parts;
    status.push(if groups { done.total } else { Status::Below });
    status
}

fn groups_shown(r: &Realised, min_cell: u32) -> bool {
    suppress::count(r.cohort_units, min_cell).is_some()
        && suppress::count(r.comparison_units, min_cell).is_some()
}

/// The verdict on balance, in words.
pub fn balance_note(r: &Realised, min_cell: u32) -> String {
    if r.cohort_units == 0 {
        return format!(
            "No enrolled unit could be estimated: {} started before {} whole months of data \
             inside the period (try a shorter --window-months or an earlier --from), {} after its \
             last whole month, {} without a match.",
            count_text(r.too_early, min_cell),
            r.window_months,
            count_text(r.too_late, min_cell),
            count_text(r.unmatched, min_cell),
        );
    }
    if !groups_shown(r, min_cell) {
        return format!(
            "Fewer than {min_cell} enrolled or comparison units: the estimate is not shown."
        );
    }
    let Some(worst) = r.worst() else {
        return String::new();
    };
    let size = worst.smd.abs();
    let direction = if worst.smd > 0.0 { "more" } else { "less" };
    let gap = r.largest_gap(None).and_then(|b| b.gap.map(|g| (b, g)));
    if let Some((level, g)) = gap.filter(|(_, g)| g.abs() > r.max_level_gap) {
        return format!(
            "NOT BALANCED: no comparable comparison group was found, so the saving cannot be told \
             from what the enrolled would have done anyway. On {} the enrolled cost {:.0} % {} \
             than their matches (threshold {:.0} %). Treat the figures as unknown, not as a \
             saving or a loss.",
            level.feature,
            g.abs() * 100.0,
            if g > 0.0 { "more" } else { "less" },
            r.max_level_gap * 100.0
        );
    }
    if let Some(p) = r
        .placebo
        .as_ref()
        .filter(|p| !p.parallel() && suppress::count(p.units, min_cell).is_some())
    {
        let (low, high) = p.total.did_interval;
        return format!(
            "NOT BALANCED: no comparable comparison group was found, so the saving cannot be told \
             from what the enrolled would have done anyway. In the {} months before start, when \
             nothing had been done yet, the same matching already found a {} of {:.0} kr per \
             enrolled unit-month (95 % interval of the saving {:.0} to {:.0}; placebo test of {} units): the enrolled \
             and their matches were on different paths before the start. Treat the figures as \
             unknown, not as a saving or a loss.",
            super::placebo::MONTHS,
            if p.total.did < 0.0 { "saving" } else { "rise" },
            p.total.did.abs(),
            -high,
            -low,
            p.units
        );
    }
    if r.balanced(None) {
        format!(
            "Balanced: on every matching feature the enrolled differ from their matches by at most \
             {size:.2} standard deviations (largest: {}; threshold {:.2}).",
            worst.feature, r.max_imbalance
        )
    } else {
        format!(
            "NOT BALANCED: no comparable comparison group was found, so the saving cannot be told \
             from what the enrolled would have done anyway. On {} the cohort was {size:.2} standard \
             deviations {direction} than its matches (threshold {:.2}). Treat the figures as \
             unknown, not as a saving or a loss.",
            worst.feature, r.max_imbalance
        )
    }
}

impl Realised {
    /// The estimate as output: `summary`, `areas` (money per unit-month),
    /// `balance` and `event_study`. A group below `min_cell` units hides
    /// every figure; an area with fewer than `min_cell` units with cost in
    /// either group is hidden, and where only one area is, the next
    /// smallest goes with it (the total is shown beside them). Features and
    /// months of the event study from fewer than `min_cell` units are hidden.
    pub fn document(&self, min_cell: u32) -> PolarsResult<Document> {
        Ok(self.tables(min_cell)?.document())
    }

    /// The parts of [`Realised::document`], each by name.
    pub fn tables(&self, min_cell: u32) -> PolarsResult<RealisedTables> {
        let status = area_status(self, min_cell);
        let shown: Vec<bool> = status.iter().map(|s| s.is_shown()).collect();
        let complement: Vec<usize> = (0..status.len())
            .filter(|&i| status[i] == suppress::Status::Complement)
            .collect();
        let groups = groups_shown(self, min_cell);
        let value = |v: f64, show: bool| (show && v.is_finite()).then_some(v);
        let column = |f: &dyn Fn(usize) -> f64| -> Vec<Option<f64>> {
            (0..self.areas.len())
                .map(|i| value(f(i), shown[i]))
                .collect()
        };
        let count =
            |n: u64, show: bool| -> Option<u64> { suppress::count(n, min_cell).filter(|_| show) };
        let total = self.areas.len() - 1;
        let area_of = |i: usize| (i != total).then_some(i);
        let units = self.cohort_units as f64;
        let a = &self.areas;
        let frame = df!(
            "budget_area" => a.iter().map(|a| a.area.as_str()).collect::<Vec<_>>(),
            "cohort_units" => (0..a.len()).map(|i| count(a[i].cohort_with_cost, shown[i])).collect::<Vec<_>>(),
            "comparison_units" => (0..a.len()).map(|i| count(a[i].comparison_with_cost, shown[i])).collect::<Vec<_>>(),
            "cohort_before" => column(&|i| a[i].cohort.before),
            "cohort_after" => column(&|i| a[i].cohort.after),
            "cohort_change" => column(&|i| a[i].cohort.after - a[i].cohort.before),
            "comparison_before" => column(&|i| a[i].comparison.before),
            "comparison_after" => column(&|i| a[i].comparison.after),
            "comparison_change" => column(&|i| a[i].comparison.after - a[i].comparison.before),
            "saving" => column(&|i| -a[i].did),
            "saving_low" => column(&|i| -a[i].did_interval.1),
            "saving_high" => column(&|i| -a[i].did_interval.0),
            "saving_share" => column(&|i| suppress::round_share(a[i].relative)),
            "saving_share_low" => column(&|i| suppress::round_share(a[i].relative_interval.0)),
            "saving_share_high" => column(&|i| suppress::round_share(a[i].relative_interval.1)),
            "saving_per_year" => column(&|i| -a[i].did * 12.0 * units),
            "pre_smd" => column(&|i| self.pre_smd(area_of(i))),
            "pre_level_gap" => column(&|i| suppress::round_share(self.level_gap(area_of(i)))),
            "balanced" => (0..a.len()).map(|i| shown[i].then(|| self.balanced(area_of(i)))).collect::<Vec<_>>(),
        )?;
        let money = [
            "cohort_before",
            "cohort_after",
            "cohort_change",
            "comparison_before",
            "comparison_after",
            "comparison_change",
            "saving",
            "saving_low",
            "saving_high",
            "saving_per_year",
        ];
        let shares = [
            "saving_share",
            "saving_share_low",
            "saving_share_high",
            "pre_level_gap",
        ];
        let areas = Table::new(frame)
            .with_title(format!(
                "Realised saving per enrolled unit-month, {} months before and after each start, \
                 against {} matched comparison units each (difference in differences, 95 % bootstrap interval)",
                self.window_months, self.neighbours
            ))
            .with_money(money)
            .with_shares(shares)
            // A narrow terminal keeps the saving and its interval; the verdict on
            // balance is in the summary above.
            .with_optional([
                "cohort_units",
                "comparison_units",
                "cohort_before",
                "cohort_after",
                "cohort_change",
                "comparison_before",
                "comparison_after",
                "comparison_change",
                "saving_share",
                "saving_share_low",
                "saving_share_high",
                "saving_per_year",
                "pre_smd",
                "pre_level_gap",
                "balanced",
            ])
            .with_suppressed(
                money
                    .iter()
                    .chain(&shares)
                    .chain(&["cohort_units", "comparison_units", "pre_smd", "balanced"])
                    .copied(),
            )
            .with_complement_rows(complement);

        let area_shown =
            |b: &super::Balance| groups && b.area.or(b.share_of).is_none_or(|i| shown[i]);
        let balance = Table::new(df!(
            "feature" => self.balance.iter().map(|b| b.feature.as_str()).collect::<Vec<_>>(),
            "cohort_mean" => self.balance.iter().map(|b| value(b.cohort, area_shown(b))).collect::<Vec<_>>(),
            "comparison_mean" => self.balance.iter().map(|b| value(b.comparison, area_shown(b))).collect::<Vec<_>>(),
            "smd" => self.balance.iter().map(|b| value(b.smd, area_shown(b))).collect::<Vec<_>>(),
            "level_gap" => self.balance.iter().map(|b| b.gap.and_then(|g| value(suppress::round_share(g), area_shown(b)))).collect::<Vec<_>>(),
        )?)
        .with_title("Balance: enrolled units against their matches before start (standardised mean difference)")
        .with_optional(["cohort_mean", "comparison_mean"])
        .with_shares(["level_gap"])
        .with_suppressed(["cohort_mean", "comparison_mean", "smd", "level_gap"]);

        let month_shown = |units: u64| groups && suppress::count(units, min_cell).is_some();
        let e = &self.event_study;
        let event_study = Table::new(df!(
            "month" => e.iter().map(|m| m.month).collect::<Vec<_>>(),
            "cohort_units" => e.iter().map(|m| suppress::count(m.units, min_cell).filter(|_| groups)).collect::<Vec<_>>(),
            "cohort" => e.iter().map(|m| value(m.cohort, month_shown(m.units))).collect::<Vec<_>>(),
            "comparison" => e.iter().map(|m| value(m.comparison, month_shown(m.units))).collect::<Vec<_>>(),
            "difference" => e.iter().map(|m| value(m.cohort - m.comparison, month_shown(m.units))).collect::<Vec<_>>(),
        )?)
        .with_title("Event study: mean cost per unit-month by month from start (0 = the start month)")
        .with_money(["cohort", "comparison", "difference"])
        .with_suppressed(["cohort_units", "cohort", "comparison", "difference"]);

        let shown_count =
            |n: u64| suppress::count(n, min_cell).map_or(Value::Suppressed, Value::UInt);
        let match_on = if self.match_on.is_empty() {
            "cost in each month before start, budget-area mix".to_string()
        } else {
            format!(
                "cost in each month before start, budget-area mix; exactly: {}",
                self.match_on
                    .iter()
                    .map(|m| match m {
                        super::MatchOn::Departments => "departments",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let summary = vec![
            ("enrolled_units".to_string(), shown_count(self.enrolled_units)),
            ("cohort_units".to_string(), shown_count(self.cohort_units)),
            ("comparison_units".to_string(), shown_count(self.comparison_units)),
            ("neighbours".to_string(), Value::UInt(self.neighbours as u64)),
            ("window_months".to_string(), Value::UInt(self.window_months.into())),
            ("matched_on".to_string(), Value::Text(match_on)),
            (
                "pre_smd".to_string(),
                value(self.pre_smd(None), groups).map_or(Value::Suppressed, Value::Float),
            ),
            (
                "pre_level_gap".to_string(),
                value(suppress::round_share(self.level_gap(None)), groups).map_or(Value::Suppressed, Value::Share),
            ),
            (
                "balanced".to_string(),
                if groups { Value::Bool(self.balanced(None)) } else { Value::Suppressed },
            ),
            ("placebo".to_string(), self.placebo_fields(groups, min_cell)),
            ("balance_note".to_string(), Value::Text(balance_note(self, min_cell))),
            (
                "not_estimated".to_string(),
                Value::Text(format!(
                    "{} started before a whole window of data, {} after the last whole month, {} without a match",
                    count_text(self.too_early, min_cell),
                    count_text(self.too_late, min_cell),
                    count_text(self.unmatched, min_cell),
                )),
            ),
            (
                "note".to_string(),
                Value::Text(
                    "cohort_change is the enrolled units' own before/after change and is not a saving: \
                     high-cost units drift back towards the mean anyway. The saving is the cohort's change \
                     less that of its matched comparison units, each observed around the enrolled unit's own start."
                        .into(),
                ),
            ),
        ];
        Ok(RealisedTables {
            summary,
            areas,
            balance,
            event_study,
        })
    }
}

/// The published (suppressed) estimate, part by part: what every format
/// renders, and what the report's page and workbook show of it.
#[derive(Debug, Clone)]
pub struct RealisedTables {
    /// Counts, the verdict on balance in words (`balance_note`), the placebo test.
    pub summary: Vec<(String, Value)>,
    /// The saving per budget area (then the total), with its interval.
    pub areas: Table,
    /// Every matching feature's balance.
    pub balance: Table,
    /// Mean cost per unit-month by month from start.
    pub event_study: Table,
}

impl RealisedTables {
    /// The tables as a document: `summary`, `areas`, `balance`, `event_study`.
    pub fn document(self) -> Document {
        Document::new()
            .with_fields(part::SUMMARY, self.summary)
            .with_title(part::SUMMARY, "Summary")
            .with_table(part::AREAS, self.areas)
            .with_table(part::BALANCE, self.balance)
            .with_table(part::EVENT_STUDY, self.event_study)
    }
}

impl Realised {
    /// The placebo test as output: its units and placebo saving with its
    /// interval, and whether the paths before start were parallel; empty
    /// where it could not be made, hidden where its units or the groups are
    /// too few to show.
    fn placebo_fields(&self, groups: bool, min_cell: u32) -> Value {
        let mut fields = vec![(
            "months_before_start".to_string(),
            Value::UInt(super::placebo::MONTHS.into()),
        )];
        let names = ["units", "saving", "saving_low", "saving_high", "parallel"];
        match &self.placebo {
            None => fields.extend(names.map(|n| (n.to_string(), Value::Null))),
            Some(p) if !groups || suppress::count(p.units, min_cell).is_none() => {
                fields.extend(names.map(|n| (n.to_string(), Value::Suppressed)));
            }
            Some(p) => {
                let (low, high) = p.total.did_interval;
                fields.extend([
                    ("units".to_string(), Value::UInt(p.units)),
                    ("saving".to_string(), Value::Money(-p.total.did)),
                    ("saving_low".to_string(), Value::Money(-high)),
                    ("saving_high".to_string(), Value::Money(-low)),
                    ("parallel".to_string(), Value::Bool(p.parallel())),
                ]);
            }
        }
        Value::Object(fields)
    }
}

/// A count in words, "fewer than N" below `min_cell` (0 included, as everywhere).
fn count_text(n: u64, min_cell: u32) -> String {
    match suppress::count(n, min_cell) {
        Some(n) => n.to_string(),
        None => format!("fewer than {min_cell}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realised::{AreaEstimate, Windows};
    use crate::suppress::Status;

    fn area(name: &str, units: u64, before: f64) -> AreaEstimate {
        let w = Windows {
            before,
            after: before / 2.0,
        };
        AreaEstimate {
            area: name.into(),
            cohort_with_cost: units,
            comparison_with_cost: units + 10,
            cohort: w,
            comparison: w,
            did: -before / 2.0,
            did_interval: (-before, 0.0),
            relative: 0.5,
            relative_interval: (0.25, 0.75),
        }
    }

    fn estimate(areas: Vec<AreaEstimate>) -> Realised {
        Realised {
            enrolled_units: 100,
            cohort_units: 100,
            too_early: 0,
            too_late: 0,
            unmatched: 0,
            comparison_units: 300,
            neighbours: 5,
            window_months: 12,
            match_on: Vec::new(),
            max_imbalance: 0.25,
            max_level_gap: 0.1,
            areas,
            balance: Vec::new(),
            event_study: Vec::new(),
            placebo: None,
        }
    }

    /// Areas add up to the total in every money column, so one hidden area
    /// would be the total less the others: the smallest other area with
    /// units is hidden beside it, as a complement, never an empty one.
    #[test]
    fn one_small_area_beside_the_total_takes_the_next_smallest_with_it() {
        let r = estimate(vec![
            area("A", 3, 100.0),
            area("B", 40, 500.0),
            area("Empty", 0, 0.0),
            area("C", 60, 900.0),
            area(TOTAL, 100, 1500.0),
        ]);
        assert_eq!(
            area_status(&r, 5),
            [
                Status::Below,
                Status::Complement,
                Status::Below,
                Status::Shown,
                Status::Shown
            ]
        );
        let json = {
            let mut out = Vec::new();
            let options = crate::output::RenderOptions::new(crate::output::Format::Json);
            crate::output::render_document(&r.document(5).unwrap(), &options, &mut out).unwrap();
            serde_json::from_slice::<serde_json::Value>(&out).unwrap()
        };
        let saving: Vec<Option<f64>> = json["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["saving"].as_f64())
            .collect();
        assert_eq!(saving, [None, None, None, Some(450.0), Some(750.0)]);
    }

    /// Fewer than `min_cell` enrolled units hide every figure, the total too.
    #[test]
    fn a_small_cohort_hides_every_area_and_the_total() {
        let mut r = estimate(vec![area("A", 3, 100.0), area(TOTAL, 3, 100.0)]);
        r.cohort_units = 3;
        assert_eq!(area_status(&r, 5), [Status::Below, Status::Below]);
        assert!(balance_note(&r, 5).starts_with("Fewer than 5"));
    }

    /// Standardised differences of 0.1 but matches a fifth cheaper before
    /// start: not balanced, and the note says on what.
    #[test]
    fn a_gap_in_level_hidden_by_a_wide_spread_is_not_balanced() {
        let balance = |feature: &str, smd: f64, gap: Option<f64>| crate::realised::Balance {
            feature: feature.into(),
            area: None,
            share_of: None,
            cohort: 100.0,
            comparison: 80.0,
            smd,
            gap,
        };
        let mut r = estimate(vec![area("A", 40, 100.0), area(TOTAL, 100, 100.0)]);
        r.balance = vec![
            balance("log cost in month -1", 0.1, None),
            balance("cost in the 12 months before start", 0.1, Some(0.2)),
        ];
        assert_eq!((r.pre_smd(None), r.level_gap(None)), (0.1, 0.2));
        assert!(!r.balanced(None));
        assert_eq!(
            balance_note(&r, 5),
            "NOT BALANCED: no comparable comparison group was found, so the saving cannot be told \
             from what the enrolled would have done anyway. On cost in the 12 months before start \
             the enrolled cost 20 % more than their matches (threshold 10 %). Treat the figures as \
             unknown, not as a saving or a loss."
        );
        r.max_level_gap = 0.25;
        assert!(r.balanced(None));
        assert!(balance_note(&r, 5).starts_with("Balanced:"));
    }
}
