//! Which family a citizen belongs to on a date (SPEC §2): the memberships of
//! the households sources, looked up per row while the rows stream past.

use crate::beside::beside;
use crate::interner::{Ahead, Interner};
use crate::load::runs::for_each_run;
use polars::prelude::*;
use std::ops::Range;

/// No id (a null text, or a citizen without a family on the row).
const NONE: u32 = u32::MAX;

/// One membership: `family` from `from` to `to`, inclusive, in days since
/// 1970 (open bounds as the extremes).
#[derive(Debug, Clone, Copy)]
struct Spell {
    from: i32,
    to: i32,
    family: u32,
}

/// Texts interned in two halves told apart by a bit of their hash, each
/// half on a thread of its own: a million citizens are a million lookups
/// in a table far larger than the cache, and two threads wait on memory
/// side by side. Ids of the second half follow the first's.
#[derive(Default)]
struct Halves {
    halves: [Interner; 2],
}

impl Halves {
    /// The half a text of `hash` belongs to: a bit above the low half an
    /// interner places and tells texts apart by, so that within a half
    /// those bits are as varied as in one table.
    fn half(hash: u64) -> usize {
        (hash >> 40) as usize & 1
    }

    /// The texts of `citizens` and of `families`, and each row's ids of
    /// them (`NONE` where `named` is false or the text is null), a run of
    /// one text named once.
    fn intern(
        citizens: &StringChunked,
        families: &StringChunked,
        named: &[bool],
    ) -> PolarsResult<[(Halves, Vec<u32>); 2]> {
        // One half of one column: its texts and each row's id in it.
        let one = |half: usize, mut texts: Interner, column: &StringChunked| {
            texts.reserve(named.len() / 2 + 1);
            let mut ids = vec![NONE; named.len()];
            let mut ahead = Ahead::default();
            let mut intern = |texts: &mut Interner, (rows, text, hash): (Range<usize>, _, _)| {
                ids[rows].fill(texts.intern_hashed(text, hash));
            };
            for_each_run(column, |rows, text| {
                let Some(text) = text.filter(|_| named[rows.clone()].contains(&true)) else {
                    return;
                };
                let hash = texts.hash(text);
                if Halves::half(hash) == half {
                    if let Some(due) = ahead.push(&texts, rows, text, hash) {
                        intern(&mut texts, due);
                    }
                }
            });
            ahead.rest().for_each(|due| intern(&mut texts, due));
            (texts, ids)
        };
        let (citizen_texts, family_texts) = (Interner::default(), Interner::default());
        let seconds = (citizen_texts.hashing_alike(), family_texts.hashing_alike());
        let (second, first) = beside(
            || [one(1, seconds.0, citizens), one(1, seconds.1, families)],
            || {
                [
                    one(0, citizen_texts, citizens),
                    one(0, family_texts, families),
                ]
            },
        );
        let [citizens_second, families_second] =
            second.map_err(|_| polars_err!(ComputeError: "naming the households failed"))?;
        let [citizens_first, families_first] = first;
        Ok([
            Halves::join(citizens_first, citizens_second),
            Halves::join(families_first, families_second),
        ])
    }

    /// The two halves as one, each row's id from the half that named it.
    fn join(first: (Interner, Vec<u32>), second: (Interner, Vec<u32>)) -> (Halves, Vec<u32>) {
        let ((first, mut ids), (second, theirs)) = (first, second);
        let offset = first.len() as u32;
        for (id, &their) in ids.iter_mut().zip(&theirs) {
            if their != NONE {
                *id = offset + their;
            }
        }
        (
            Halves {
                halves: [first, second],
            },
            ids,
        )
    }

    fn find(&self, text: &str) -> Option<u32> {
        self.find_hashed(text, self.halves[0].hash(text))
    }

    /// `find`, with `hash` the text's hash in either half.
    fn find_hashed(&self, text: &str, hash: u64) -> Option<u32> {
        match Halves::half(hash) {
            0 => self.halves[0].find_hashed(text, hash),
            _ => self.halves[1]
                .find_hashed(text, hash)
                .map(|id| self.halves[0].len() as u32 + id),
        }
    }

    fn get(&self, id: u32) -> &str {
        match id.checked_sub(self.halves[0].len() as u32) {
            Some(second) => self.halves[1].get(second),
            None => self.halves[0].get(id),
        }
    }

    fn len(&self) -> usize {
        self.halves[0].len() + self.halves[1].len()
    }
}

/// Every citizen's memberships, the winning one first.
#[derive(Default)]
pub struct Membership {
    citizens: Halves,
    families: Halves,
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
        // Open bounds as the extremes, read as one slice each.
        let day = |name: &str, open: i32| -> PolarsResult<Vec<i32>> {
            let days = households.column(name)?.cast(&DataType::Int32)?;
            let days = days.i32()?.fill_null_with_values(open)?;
            Ok(days.rechunk().cont_slice()?.to_vec())
        };
        let (citizens, families) = (text("citizen")?, text("family")?);
        let (froms, tos) = (day("valid_from", i32::MIN)?, day("valid_to", i32::MAX)?);
        let mut membership = Membership::default();
        // Each row's ids: a text is named once per run of its rows (a
        // household's members are listed together); a row without a
        // citizen or a family is no membership and names neither.
        let both = citizens.is_not_null() & families.is_not_null();
        let both: Vec<bool> = both.iter().map(|b| b == Some(true)).collect();
        let [(citizen_names, citizen_of), (family_names, family_of)] =
            Halves::intern(citizens.str()?, families.str()?, &both)?;
        (membership.citizens, membership.families) = (citizen_names, family_names);
        // Spells grouped by citizen in one counting pass, then each
        // citizen's few ordered: latest start first, then smallest family.
        let mut starts = vec![0usize; membership.citizens.len() + 1];
        let members = || {
            citizen_of
                .iter()
                .zip(&family_of)
                .enumerate()
                .filter(|&(row, _)| both[row])
        };
        for (_, (&citizen, _)) in members() {
            starts[citizen as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut spells = vec![
            Spell {
                from: 0,
                to: 0,
                family: 0
            };
            starts[starts.len() - 1]
        ];
        for (row, (&citizen, &family)) in members() {
            let slot = &mut next[citizen as usize];
            spells[*slot] = Spell {
                from: froms[row],
                to: tos[row],
                family,
            };
            *slot += 1;
        }
        let names = &membership.families;
        for citizen in starts.windows(2) {
            let theirs = &mut spells[citizen[0]..citizen[1]];
            if theirs.len() > 1 {
                theirs.sort_by(|a, b| {
                    b.from
                        .cmp(&a.from)
                        .then_with(|| names.get(a.family).cmp(names.get(b.family)))
                });
            }
        }
        membership.starts = starts;
        membership.spells = spells;
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

    /// Each of the texts `ids` of `names` as `citizen` would find it, to
    /// `found` in order. The lookups overlap (`Ahead`): a worker meets a
    /// batch's new citizens at once, and each lookup in a table of a
    /// million citizens misses the cache.
    pub fn citizens(&self, names: &Interner, ids: Range<u32>, mut found: impl FnMut(Option<u32>)) {
        let halves = &self.citizens;
        let mut ahead = Ahead::default();
        let mut find = |((), text, hash)| found(halves.find_hashed(text, hash));
        for id in ids {
            let text = names.get(id);
            let hash = halves.halves[0].hash(text);
            let half = &halves.halves[Halves::half(hash)];
            if let Some(due) = ahead.push(half, (), text, hash) {
                find(due);
            }
        }
        ahead.rest().for_each(find);
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
        let (spell, from, to) = self.spell_span(index, day);
        (spell.map(|s| self.spell_family(s)), from, to)
    }

    /// As [`Membership::family_span`], naming the membership that wins on
    /// `day` (a number for [`Membership::spell_family`]) rather than its
    /// family: a citizen's rows under one membership, which `report` keeps
    /// apart to build citizens and families from the same sums.
    pub fn spell_span(&self, index: u32, day: i32) -> (Option<u32>, i32, i32) {
        let i = index as usize;
        let (start, end) = (self.starts[i], self.starts[i + 1]);
        let spells = &self.spells[start..end];
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
        let spell = spells
            .iter()
            .position(|s| s.from <= day && day <= s.to)
            .map(|k| (start + k) as u32);
        (spell, from, to)
    }

    /// The family of a membership that [`Membership::spell_span`] named.
    pub fn spell_family(&self, spell: u32) -> u32 {
        self.spells[spell as usize].family
    }

    /// Whether some membership names `family`.
    pub fn lists_family(&self, family: &str) -> bool {
        self.families.find(family).is_some()
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
    fn citizens_met_together_are_found_as_each_alone() {
        let m = Membership::new(&households()).unwrap();
        let mut names = Interner::default();
        // More names than are held back, members among strangers.
        for i in 0..40 {
            names.intern(&format!("n{i}"));
            match i {
                3 => names.intern("D"),
                30 => names.intern("K"),
                _ => 0,
            };
        }
        for ids in [0..names.len() as u32, 29..names.len() as u32, 5..5] {
            let mut found = Vec::new();
            m.citizens(&names, ids.clone(), |member| found.push(member));
            let alone: Vec<_> = ids.map(|id| m.citizen(names.get(id))).collect();
            assert_eq!(found, alone);
        }
        let mut found = Vec::new();
        m.citizens(&names, 0..names.len() as u32, |member| found.push(member));
        assert_eq!(found.iter().flatten().count(), 2);
        assert_eq!(found[4], m.citizen("D"));
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

    /// Household rows of `citizens` and `families` with open bounds.
    fn without_bounds(citizens: Column, families: Column) -> DataFrame {
        let open = || {
            Column::new("d".into(), vec![None::<i32>; citizens.len()])
                .cast(&DataType::Date)
                .unwrap()
        };
        let (from, to) = (open(), open());
        DataFrame::new(
            citizens.len(),
            vec![
                citizens,
                families,
                from.with_name("valid_from".into()),
                to.with_name("valid_to".into()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn texts_in_either_half_get_distinct_ids_and_are_found_again() {
        let citizens: Vec<String> = (0..3000).map(|i| format!("C{i}")).collect();
        let families: Vec<String> = (0..3000).map(|i| format!("F{}", i / 3)).collect();
        let frame = without_bounds(
            Column::new("citizen".into(), &citizens),
            Column::new("family".into(), &families),
        );
        let m = Membership::new(&frame).unwrap();
        for names in [&m.citizens, &m.families] {
            assert!(names.halves.iter().all(|half| half.len() > 100));
        }
        assert_eq!((m.citizens.len(), m.families.len()), (3000, 1000));
        let mut ids = std::collections::HashSet::new();
        for (citizen, family) in citizens.iter().zip(&families) {
            let id = m.citizen(citizen).unwrap();
            assert_eq!(m.citizens.get(id), citizen);
            assert!(ids.insert(id) && (id as usize) < 3000);
            assert_eq!(m.family(citizen, 0), Some(family.as_str()));
        }
        assert_eq!(m.citizen("C3000"), None);
    }

    #[test]
    fn a_row_without_a_citizen_or_a_family_is_no_membership_and_moves_no_other() {
        let frame = without_bounds(
            Column::new("citizen".into(), [Some("A"), Some("B"), None, Some("C")]),
            Column::new("family".into(), [None, Some("F1"), Some("F2"), Some("F3")]),
        );
        let m = Membership::new(&frame).unwrap();
        let today = day("2024-01-01");
        assert_eq!(m.citizen("A"), None);
        assert_eq!(m.family("A", today), None);
        assert_eq!(m.family("B", today), Some("F1"));
        assert_eq!(m.family("C", today), Some("F3"));
        assert_eq!(m.families.find("F2"), None);
    }
}
