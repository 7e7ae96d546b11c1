//! Progress on a step scale (SPEC §3 "Ladder"): for the citizens of a cohort
//! with assessments in the period, the first and last step, the share that
//! moved up at least one and two steps, and the share at the top step; beside
//! them the same for everyone else assessed, so that a cohort's movement can
//! be read against the general one. Shares pass small-cell suppression on
//! both the count they show and its complement.

use crate::config::Period;
use crate::load::Loaded;
use crate::output::Table;
use crate::schema::Kind;
use crate::suppress::{self, Status};
use crate::units::in_period;
use polars::prelude::*;
use std::collections::HashSet;

/// Movement of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderGroup {
    /// "cohort" or "others".
    pub group: &'static str,
    /// Citizens with assessments in the period.
    pub units: u64,
    /// Mean first step.
    pub mean_first: f64,
    /// Mean last step.
    pub mean_last: f64,
    /// Citizens whose last step is at least one above their first.
    pub up_one: u64,
    /// … at least two above.
    pub up_two: u64,
    /// Citizens whose last step is the top step.
    pub at_top: u64,
}

impl LadderGroup {
    /// A group with no one assessed yet.
    pub fn empty(group: &'static str) -> LadderGroup {
        LadderGroup {
            group,
            units: 0,
            mean_first: 0.0,
            mean_last: 0.0,
            up_one: 0,
            up_two: 0,
            at_top: 0,
        }
    }
}

/// Per citizen: first and last step in the period (ties on a date: by step).
fn first_and_last(loaded: &Loaded, period: Period) -> PolarsResult<DataFrame> {
    let by_date = |e: Expr| e.sort_by([col("date"), col("step")], SortMultipleOptions::default());
    in_period(loaded.frame(Kind::Ladder)?, "date", period)
        .group_by([col("citizen")])
        .agg([
            by_date(col("step")).first().alias("first"),
            by_date(col("step")).last().alias("last"),
        ])
        .with_column(col("citizen").cast(DataType::String))
        .sort(["citizen"], Default::default())
        .collect()
}

/// The highest step assessed in any row (the top of the scale by default).
pub fn highest_step(loaded: &Loaded) -> PolarsResult<Option<i64>> {
    let max = loaded
        .frame(Kind::Ladder)?
        .select([col("step").max()])
        .collect()?;
    Ok(max.column("step")?.i64()?.get(0))
}

/// The cohort's and everyone else's movement; `top` is the top step.
pub fn ladder(
    loaded: &Loaded,
    period: Period,
    cohort: &[String],
    top: i64,
) -> PolarsResult<Vec<LadderGroup>> {
    let steps = first_and_last(loaded, period)?;
    let members: HashSet<&str> = cohort.iter().map(String::as_str).collect();
    let citizens = steps.column("citizen")?.str()?;
    let first = steps.column("first")?.i64()?;
    let last = steps.column("last")?.i64()?;
    let mut groups = [LadderGroup::empty("cohort"), LadderGroup::empty("others")];
    for ((citizen, first), last) in citizens.iter().zip(first.iter()).zip(last.iter()) {
        let (Some(citizen), Some(first), Some(last)) = (citizen, first, last) else {
            continue;
        };
        let g = &mut groups[usize::from(!members.contains(citizen))];
        g.units += 1;
        g.mean_first += first as f64;
        g.mean_last += last as f64;
        g.up_one += u64::from(last - first >= 1);
        g.up_two += u64::from(last - first >= 2);
        g.at_top += u64::from(last == top);
    }
    for g in &mut groups {
        if g.units > 0 {
            g.mean_first /= g.units as f64;
            g.mean_last /= g.units as f64;
        }
    }
    Ok(groups.to_vec())
}

/// The groups as a table, suppressed: a group below `min_cell` citizens shows
/// nothing; a share is hidden when its count or the rest is below `min_cell`
/// (share × units gives the count back); the share up two steps is hidden
/// as a complement beside a shown share up one step when the citizens who
/// moved exactly one step are fewer than `min_cell` (the difference of the
/// two would count them). Shares are rounded to 0.1 %.
pub fn table(groups: &[LadderGroup], top: i64, min_cell: u32) -> PolarsResult<Table> {
    let status = |k: u64, n: u64| Status::of(k, min_cell).and(Status::of(n - k, min_cell));
    let up_two = |g: &LadderGroup| {
        let own = status(g.up_two, g.units);
        if own.is_shown()
            && status(g.up_one, g.units).is_shown()
            && !Status::of(g.up_one - g.up_two, min_cell).is_shown()
        {
            Status::Complement
        } else {
            own
        }
    };
    let share = |s: Status, k: u64, n: u64| s.show(suppress::round_share(k as f64 / n as f64));
    let visible = |g: &LadderGroup| suppress::count(g.units, min_cell).is_some();
    let frame = df!(
        "group" => groups.iter().map(|g| g.group).collect::<Vec<_>>(),
        "units" => groups.iter().map(|g| visible(g).then_some(g.units)).collect::<Vec<_>>(),
        "mean_first_step" => groups.iter().map(|g| visible(g).then_some(g.mean_first)).collect::<Vec<_>>(),
        "mean_last_step" => groups.iter().map(|g| visible(g).then_some(g.mean_last)).collect::<Vec<_>>(),
        "share_up_1" => groups.iter().map(|g| share(status(g.up_one, g.units), g.up_one, g.units)).collect::<Vec<_>>(),
        "share_up_2" => groups.iter().map(|g| share(up_two(g), g.up_two, g.units)).collect::<Vec<_>>(),
        "share_at_top" => groups.iter().map(|g| share(status(g.at_top, g.units), g.at_top, g.units)).collect::<Vec<_>>(),
    )?;
    let complements: Vec<usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| up_two(g) == Status::Complement)
        .map(|(i, _)| i)
        .collect();
    Ok(Table::new(frame)
        .with_complement_cells("share_up_2", complements)
        .with_title(format!("Progress on the step scale (top step {top})"))
        // A narrow terminal keeps the last step and the shares that moved.
        .with_optional(["mean_first_step", "mean_last_step"])
        .with_shares(["share_up_1", "share_up_2", "share_at_top"])
        .with_suppressed([
            "units",
            "mean_first_step",
            "mean_last_step",
            "share_up_1",
            "share_up_2",
            "share_at_top",
        ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn loaded(rows: &str) -> (Config, Loaded) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("l.csv"),
            format!("citizen,date,step\n{rows}"),
        )
        .unwrap();
        let text = "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\n[[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"l.csv\"\n";
        let config = Config::parse(text, &dir.path().join("t.toml")).unwrap();
        let loaded = crate::load::load(&config, config.period).unwrap();
        (config, loaded)
    }

    #[test]
    fn first_and_last_step_in_the_period() {
        let (config, loaded) = loaded(
            "a,2023-01-01,1\na,2023-06-01,3\na,2024-01-01,4\n\
             b,2023-03-01,2\nb,2023-02-01,1\n\
             c,2023-05-01,4\n\
             d,2022-12-31,1\nd,2023-04-01,2\nd,2023-04-01,1\n",
        );
        let groups = ladder(&loaded, config.period, &["a".into(), "b".into()], 4).unwrap();
        // a: 1 → 3 (the 2024 row is outside); b: 1 → 2 (by date, not file order).
        assert_eq!(
            groups[0],
            LadderGroup {
                group: "cohort",
                units: 2,
                mean_first: 1.0,
                mean_last: 2.5,
                up_one: 2,
                up_two: 1,
                at_top: 0
            }
        );
        // c: 4 → 4; d: two rows on one day, 1 then 2 by step.
        assert_eq!(
            groups[1],
            LadderGroup {
                group: "others",
                units: 2,
                mean_first: 2.5,
                mean_last: 3.0,
                up_one: 1,
                up_two: 0,
                at_top: 1
            }
        );
        assert_eq!(highest_step(&loaded).unwrap(), Some(4));
    }

    #[test]
    fn share_up_two_beside_share_up_one_counted_those_who_moved_one_step() {
        // 10 moved up, 7 of them two steps: the shares gave the 3 who moved
        // exactly one step by difference.
        let g = LadderGroup {
            group: "cohort",
            units: 20,
            mean_first: 1.0,
            mean_last: 2.0,
            up_one: 10,
            up_two: 7,
            at_top: 5,
        };
        let t = table(&[g], 4, 5).unwrap();
        let row = |name: &str| t.frame.column(name).unwrap().f64().unwrap().get(0);
        assert_eq!(row("share_up_1"), Some(0.5));
        assert_eq!(row("share_up_2"), None);
        assert_eq!(row("share_at_top"), Some(0.25));
        assert_eq!(t.complement_cells, vec![("share_up_2".to_string(), 0)]);
    }

    #[test]
    fn shares_are_rounded_to_a_tenth_of_a_percent() {
        let g = LadderGroup {
            group: "cohort",
            units: 15,
            mean_first: 1.0,
            mean_last: 2.0,
            up_one: 5,
            up_two: 0,
            at_top: 0,
        };
        let t = table(&[g], 4, 5).unwrap();
        let up_one = t.frame.column("share_up_1").unwrap().f64().unwrap().get(0);
        assert_eq!(up_one, Some(0.333));
    }

    #[test]
    fn shares_hide_small_counts_and_small_complements() {
        let g = LadderGroup {
            group: "cohort",
            units: 10,
            mean_first: 1.0,
            mean_last: 2.0,
            up_one: 8,
            up_two: 5,
            at_top: 0,
        };
        let t = table(&[g], 4, 3).unwrap();
        let row = |name: &str| t.frame.column(name).unwrap().f64().unwrap().get(0);
        assert_eq!(row("share_up_1"), None, "2 did not move up: below 3");
        assert_eq!(row("share_up_2"), Some(0.5));
        assert_eq!(row("share_at_top"), None, "0 is below 3");
        assert_eq!(row("mean_last_step"), Some(2.0));
        let few = LadderGroup {
            units: 2,
            ..LadderGroup::empty("others")
        };
        let t = table(&[few], 4, 3).unwrap();
        assert_eq!(t.frame.column("units").unwrap().u64().unwrap().get(0), None);
    }
}
