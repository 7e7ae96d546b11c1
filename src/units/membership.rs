//! Which family a citizen belongs to on a date (SPEC §2): the memberships of
//! the households sources, looked up per row while the rows stream past.

use crate::interner::Interner;
use polars::prelude::*;

/// One membership: `family` from `from` to `to`, inclusive, in days since
/// 1970 (open bounds as the extremes).
#[derive(Debug, Clone, Copy)]
struct Spell {
    from: i32,
    to: i32,
    family: u32,
}

/// Every citizen's memberships, the winning one first.
#[derive(Default)]
pub struct Membership {
    citizens: Interner,
    families: Interner,
    /// Every citizen's spells, citizen after citizen: latest `from` first,
    /// then smallest family id.
    spells: Vec<Spell>,
    /// Per citizen id, where its spells start in `spells` (and, one
    /// further, where they end).
    starts: Vec<usize>,
}

impl Membership {
    /// The memberships in a frame of household rows
    /// (`citizen`, `family`, `valid_from`, `valid_to`).
    pub fn new(households: &DataFrame) -> PolarsResult<Membership> {
        let text = |name: &str| households.column(name)?.cast(&DataType::String);
        let day = |name: &str| households.column(name)?.cast(&DataType::Int32);
        let (citizens, families) = (text("citizen")?, text("family")?);
        let (froms, tos) = (day("valid_from")?, day("valid_to")?);
        let mut membership = Membership::default();
        membership.citizens.reserve(households.height());
        membership.families.reserve(households.height());
        let rows = citizens
            .str()?
            .iter()
            .zip(families.str()?.iter())
            .zip(froms.i32()?.iter().zip(tos.i32()?.iter()));
        let mut spells: Vec<(u32, Spell)> = Vec::with_capacity(households.height());
        for ((citizen, family), (from, to)) in rows {
            let (Some(citizen), Some(family)) = (citizen, family) else {
                continue;
            };
            let spell = Spell {
                from: from.unwrap_or(i32::MIN),
                to: to.unwrap_or(i32::MAX),
                family: membership.families.intern(family),
            };
            spells.push((membership.citizens.intern(citizen), spell));
        }
        let families = &membership.families;
        spells.sort_by(|(c, a), (d, b)| {
            c.cmp(d)
                .then(b.from.cmp(&a.from))
                .then_with(|| families.get(a.family).cmp(families.get(b.family)))
        });
        let mut starts = Vec::with_capacity(membership.citizens.len() + 1);
        for (i, (citizen, _)) in spells.iter().enumerate() {
            if *citizen as usize == starts.len() {
                starts.push(i);
            }
        }
        starts.push(spells.len());
        membership.starts = starts;
        membership.spells = spells.into_iter().map(|(_, spell)| spell).collect();
        Ok(membership)
    }

    /// The family of `citizen` on `day`, if a membership covers it.
    pub fn family(&self, citizen: &str, day: i32) -> Option<&str> {
        let id = self.citizen(citizen)?;
        self.family_id(id, day).map(|f| self.family_name(f))
    }

    /// The index of `citizen` among those with memberships, if it has any.
    pub fn citizen(&self, citizen: &str) -> Option<u32> {
        self.citizens.find(citizen)
    }

    /// The id of the family that the citizen at `index` (see `citizen`)
    /// belongs to on `day`, if a membership covers it.
    pub fn family_id(&self, index: u32, day: i32) -> Option<u32> {
        let index = index as usize;
        self.spells[self.starts[index]..self.starts[index + 1]]
            .iter()
            .find(|s| s.from <= day && day <= s.to)
            .map(|s| s.family)
    }

    /// As [`Membership::family_id`], with the first and last day around
    /// `day` on which the answer is the same: between two days where a
    /// membership of the citizen starts or ends, the same ones cover.
    pub fn family_span(&self, index: u32, day: i32) -> (Option<u32>, i32, i32) {
        let i = index as usize;
        let spells = &self.spells[self.starts[i]..self.starts[i + 1]];
        let (mut from, mut to) = (i32::MIN, i32::MAX);
        for s in spells {
            // Coverage changes on `s.from` and on the day after `s.to`.
            for change in [Some(s.from), s.to.checked_add(1)].into_iter().flatten() {
                if change <= day {
                    from = from.max(change);
                } else {
                    to = to.min(change - 1);
                }
            }
        }
        let family = spells
            .iter()
            .find(|s| s.from <= day && day <= s.to)
            .map(|s| s.family);
        (family, from, to)
    }

    /// The family id `family_id` stands for.
    pub fn family_name(&self, family: u32) -> &str {
        self.families.get(family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i32 {
        crate::load::value::epoch_days(text.parse().unwrap())
    }

    fn households() -> DataFrame {
        let date = |v: Vec<Option<&str>>| -> Column {
            let days: Vec<Option<i32>> = v.into_iter().map(|d| d.map(day)).collect();
            Column::new("d".into(), days).cast(&DataType::Date).unwrap()
        };
        DataFrame::new(
            5,
            vec![
                Column::new("citizen".into(), ["K", "K", "D", "D", "D"]),
                Column::new("family".into(), ["F1", "F2", "F9", "F3", "F2"]),
                date(vec![
                    None,
                    Some("2023-07-01"),
                    Some("2023-05-02"),
                    Some("2023-05-02"),
                    None,
                ])
                .with_name("valid_from".into()),
                date(vec![Some("2023-06-30"), None, None, None, None]).with_name("valid_to".into()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn the_covering_membership_with_the_latest_start_wins_then_the_smallest_family() {
        let m = Membership::new(&households()).unwrap();
        assert_eq!(m.family("K", day("2023-02-01")), Some("F1"));
        assert_eq!(m.family("K", day("2023-06-30")), Some("F1"));
        assert_eq!(m.family("K", day("2023-07-01")), Some("F2"));
        // Open start: the earliest, so it loses to any dated start.
        assert_eq!(m.family("D", day("2023-05-01")), Some("F2"));
        // F3 and F9 both start on 2 May: the smaller id.
        assert_eq!(m.family("D", day("2023-05-02")), Some("F3"));
        assert_eq!(m.family("B", day("2023-05-02")), None);
    }

    #[test]
    fn a_span_is_the_days_around_a_day_on_which_the_same_family_wins() {
        let mut frame = households();
        let gap = DataFrame::new(
            1,
            vec![
                Column::new("citizen".into(), ["G"]),
                Column::new("family".into(), ["F5"]),
                Column::new("valid_from".into(), [day("2023-03-01")])
                    .cast(&DataType::Date)
                    .unwrap(),
                Column::new("valid_to".into(), [day("2023-03-31")])
                    .cast(&DataType::Date)
                    .unwrap(),
            ],
        )
        .unwrap();
        frame.vstack_mut(&gap).unwrap();
        let m = Membership::new(&frame).unwrap();
        let span = |citizen: &str, on: &str| {
            let (family, from, to) = m.family_span(m.citizen(citizen).unwrap(), day(on));
            (family.map(|f| m.family_name(f)), from, to)
        };
        let (min, max) = (i32::MIN, i32::MAX);
        assert_eq!(
            span("K", "2023-02-01"),
            (Some("F1"), min, day("2023-06-30"))
        );
        assert_eq!(
            span("K", "2023-07-01"),
            (Some("F2"), day("2023-07-01"), max)
        );
        assert_eq!(
            span("D", "2023-05-01"),
            (Some("F2"), min, day("2023-05-01"))
        );
        assert_eq!(
            span("D", "2023-05-02"),
            (Some("F3"), day("2023-05-02"), max)
        );
        // Outside every membership: the citizen alone, until one starts or after it ends.
        assert_eq!(span("G", "2023-01-01"), (None, min, day("2023-02-28")));
        assert_eq!(
            span("G", "2023-03-15"),
            (Some("F5"), day("2023-03-01"), day("2023-03-31"))
        );
        assert_eq!(span("G", "2023-04-05"), (None, day("2023-04-01"), max));
        // Every day of a span has the span's answer, day by day.
        for citizen in ["K", "D", "G"] {
            let index = m.citizen(citizen).unwrap();
            for on in day("2023-01-01")..day("2023-12-31") {
                let (family, from, to) = m.family_span(index, on);
                for other in from.max(on - 60)..=to.min(on + 60) {
                    assert_eq!(m.family_id(index, other), family, "{citizen} {on} {other}");
                }
                assert!(from <= on && on <= to);
            }
        }
    }

    #[test]
    fn a_row_without_a_citizen_or_a_family_is_no_membership_and_moves_no_other() {
        let frame = DataFrame::new(
            4,
            vec![
                Column::new("citizen".into(), [Some("A"), Some("B"), None, Some("C")]),
                Column::new("family".into(), [None, Some("F1"), Some("F2"), Some("F3")]),
                Column::new("valid_from".into(), [None::<i32>; 4])
                    .cast(&DataType::Date)
                    .unwrap(),
                Column::new("valid_to".into(), [None::<i32>; 4])
                    .cast(&DataType::Date)
                    .unwrap(),
            ],
        )
        .unwrap();
        let m = Membership::new(&frame).unwrap();
        let today = day("2024-01-01");
        assert_eq!(m.citizen("A"), None);
        assert_eq!(m.family("A", today), None);
        assert_eq!(m.family("B", today), Some("F1"));
        assert_eq!(m.family("C", today), Some("F3"));
        assert_eq!(m.families.find("F2"), None);
    }
}
