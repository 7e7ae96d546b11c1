//! One unit's sums and sets (SPEC §2), over the text ids of the worker
//! that gathered it: what a row adds to, and how two workers' parts of the
//! same unit join.

use super::keyed::Remap;
use smallvec::SmallVec;

/// A small set, held inline up to `N` entries: most units have a few
/// departments, cases and costs, and a heap allocation for each of millions
/// of small sets costs more to make and to free than the sets themselves.
pub(super) type Few<T, const N: usize> = SmallVec<[T; N]>;

/// One unit's sums and sets, over text ids of the accumulator.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    /// Citizens (family mode only; a citizen unit has one member).
    pub(super) members: Few<u32, 2>,
    /// Sum of amounts, in øre. Sums are `i128`: every amount is below
    /// 10^15 øre (`value::AMOUNT_LIMIT`), so no count of rows a machine can
    /// read (below 2^64) brings a sum near 2^127; it can never wrap.
    pub(super) total: i128,
    pub(super) departments: Few<u32, 4>,
    /// (department, caseworker).
    pub(super) caseworkers: Few<(u32, u32), 2>,
    /// (department, case).
    pub(super) cases: Few<(u32, u32), 2>,
    pub(super) contacts: u64,
    pub(super) first: i32,
    pub(super) last: i32,
    /// (budget area, department, sum in øre).
    pub(super) costs: Few<(u32, u32, i128), 1>,
}

impl Default for Unit {
    fn default() -> Unit {
        Unit {
            members: Few::new(),
            total: 0,
            departments: Few::new(),
            caseworkers: Few::new(),
            cases: Few::new(),
            contacts: 0,
            first: i32::MAX,
            last: i32::MIN,
            costs: Few::new(),
        }
    }
}

impl Unit {
    /// Adds `ore` to the cost of `area` and `department`; returns where in
    /// `costs` that cost is.
    pub(super) fn add_cost(&mut self, area: u32, department: u32, ore: i128) -> usize {
        self.total += ore;
        match self
            .costs
            .iter()
            .position(|&(a, d, _)| a == area && d == department)
        {
            Some(slot) => {
                self.costs[slot].2 += ore;
                slot
            }
            None => {
                self.costs.push((area, department, ore));
                self.costs.len() - 1
            }
        }
    }

    pub(super) fn add_date(&mut self, first: i32, last: i32) {
        self.first = self.first.min(first);
        self.last = self.last.max(last);
    }

    /// This unit with its ids taken to other texts by `remap`, which gives
    /// distinct texts distinct ids: its sets stay sets.
    pub(super) fn remapped(mut self, remap: &Remap) -> Unit {
        let (departments, cases) = (&remap.departments, &remap.cases);
        for m in &mut self.members {
            *m = remap.citizens[*m as usize];
        }
        for d in &mut self.departments {
            *d = departments[*d as usize];
        }
        for (d, c) in &mut self.caseworkers {
            *d = departments[*d as usize];
            *c = remap.caseworkers[*c as usize];
        }
        for (d, c) in &mut self.cases {
            *d = departments[*d as usize];
            *c = cases[*c as usize];
        }
        for (area, d, _) in &mut self.costs {
            *area = remap.areas[*area as usize];
            *d = departments[*d as usize];
        }
        self
    }

    /// Adds `theirs` to this unit; `remap` takes its ids to this unit's
    /// texts (none: the same texts).
    pub(super) fn absorb(&mut self, theirs: &Unit, remap: Option<&Remap>) {
        let id = |table: fn(&Remap) -> &[u32], id: u32| remap.map_or(id, |r| table(r)[id as usize]);
        let department = |d| id(|r| &r.departments, d);
        self.add_date(theirs.first, theirs.last);
        self.contacts += theirs.contacts;
        for &m in &theirs.members {
            insert_once(&mut self.members, id(|r| &r.citizens, m));
        }
        for &d in &theirs.departments {
            insert_once(&mut self.departments, department(d));
        }
        for &(d, c) in &theirs.caseworkers {
            insert_once(
                &mut self.caseworkers,
                (department(d), id(|r| &r.caseworkers, c)),
            );
        }
        for &(d, c) in &theirs.cases {
            insert_once(&mut self.cases, (department(d), id(|r| &r.cases, c)));
        }
        // Their total is the sum of their costs, added here.
        for &(area, d, sum) in &theirs.costs {
            self.add_cost(id(|r| &r.areas, area), department(d), sum);
        }
    }
}

/// Adds `value` to a small set (a `Vec` or a `Few`) unless it is there.
pub(super) fn insert_once<T: PartialEq, S: AsRef<[T]> + Extend<T>>(set: &mut S, value: T) {
    if !set.as_ref().contains(&value) {
        set.extend(Some(value));
    }
}
