//! The per-unit metrics of SPEC §2, gathered row by row. Rows stream in from
//! a file being read or from loaded frames, each adding to its unit's sums
//! and sets; the rows themselves are not kept, so memory grows with the
//! number of units, not rows. Every part merges in any order to the same
//! result (amounts are summed in whole øre), so accumulators filled on
//! several threads give the same bytes as one.

use super::keyed::{Keyed, KeyedWhat, Remap, Texts};
use super::membership::Membership;
use super::table::{details, ids, table};
use super::unit::{insert_once, Unit};
use super::{UnitMode, Units};
use crate::beside::{beside, each};
use crate::config::Period;
use crate::load::for_each_row;
use crate::load::value::epoch_days;
use crate::schema::Kind;
use polars::prelude::*;
use std::sync::Arc;

/// Which unit a row went to: a citizen alone, or a family (an id of the
/// memberships'); or, gathering segments, a citizen under one membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKey {
    Citizen(u32),
    Family(u32),
    /// A citizen's rows under the membership `spell` (a number of the
    /// memberships', see `Membership::spell_span`) in `family`.
    Member {
        citizen: u32,
        spell: u32,
        family: u32,
    },
}

/// What an accumulator's units are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gathers {
    /// The units of one mode.
    Units(UnitMode),
    /// The units of both modes, from one add per row: each citizen's rows
    /// under each of its memberships, and outside all of them, as one
    /// segment each. A citizen is its segments joined, and so is a family;
    /// [`Accumulator::finish`] joins them once the rows are in. `report`
    /// gathers both modes, and adding each row to two units cost it a
    /// seventh of its time.
    Segments,
}

/// No entry yet, in the dense tables below.
const NONE: u32 = u32::MAX;

/// What the previous row added to, in the unit it went to. Rows come in
/// runs of one citizen, case and account: a row that repeats what its unit
/// was last given is already in the unit's sets, and its cost's place is
/// known, so it needs no search of them.
#[derive(Clone, Copy)]
struct Last {
    /// Index in `units` (`usize::MAX`: none).
    unit: usize,
    department: u32,
    member: u32,
    case: (u32, u32),
    caseworker: (u32, u32),
    /// (area, department) and its place in the unit's costs.
    cost: (u32, u32, usize),
}

impl Last {
    const NONE: Last = Last {
        unit: usize::MAX,
        department: NONE,
        member: NONE,
        case: (NONE, NONE),
        caseworker: (NONE, NONE),
        cost: (NONE, NONE, 0),
    };
}

/// What a citizen's rows were last found to go to, in family mode or as
/// segments: its index in the memberships, and the unit and the span of
/// days its last row's unit holds for. A citizen's rows come back file
/// after file; most land in the span, and neither the memberships nor the
/// unit tables, both far larger than the cache, are read again.
#[derive(Clone, Copy)]
struct Found {
    /// Index in the memberships (`NONE` if it has none).
    member: u32,
    /// Index in `units` (`NONE`: no row yet).
    unit: u32,
    from: i32,
    to: i32,
}

impl Found {
    /// A citizen found at `member` in the memberships, with no row yet.
    fn met(member: u32) -> Found {
        Found {
            member,
            unit: NONE,
            from: 1,
            to: 0,
        }
    }
}

/// The unit the previous row's citizen went to, and the days around that
/// row's on which the citizen goes to the same unit. A citizen's rows come
/// in runs, and a family is found by the memberships only when a row
/// leaves the span.
#[derive(Clone, Copy)]
struct Span {
    citizen: u32,
    from: i32,
    to: i32,
    /// Index in `units`.
    unit: usize,
}

impl Span {
    const NONE: Span = Span {
        citizen: NONE,
        from: 1,
        to: 0,
        unit: usize::MAX,
    };

    fn holds(&self, citizen: u32, day: i32) -> bool {
        self.citizen == citizen && self.from <= day && day <= self.to
    }
}

/// Units being gathered, for one period and mode, over the ids of the
/// worker's `Texts`.
pub struct Accumulator {
    gathers: Gathers,
    from: i32,
    to: i32,
    membership: Option<Arc<Membership>>,
    /// Per citizen id, what its rows went to (family mode, segments): the
    /// memberships are searched by text once per citizen, not per row.
    found: Vec<Found>,
    /// Per citizen id, the index in `units` of the unit that is the citizen alone.
    by_citizen: Vec<u32>,
    /// Per family id, its index in `units`.
    by_family: Vec<u32>,
    /// Per membership, the index in `units` of its segment.
    by_spell: Vec<u32>,
    keys: Vec<UnitKey>,
    units: Vec<Unit>,
    /// Budget areas with expense rows.
    areas: Vec<u32>,
    /// The area last added to `areas`.
    last_area: u32,
    last: Last,
    span: Span,
}

impl Accumulator {
    /// An empty accumulator; family mode needs the memberships.
    pub fn new(mode: UnitMode, period: Period, membership: Option<Arc<Membership>>) -> Accumulator {
        Accumulator::gathering(Gathers::Units(mode), period, membership)
    }

    /// An empty accumulator of both modes' units at once, as segments.
    pub fn both(period: Period, membership: Arc<Membership>) -> Accumulator {
        Accumulator::gathering(Gathers::Segments, period, Some(membership))
    }

    fn gathering(
        gathers: Gathers,
        period: Period,
        membership: Option<Arc<Membership>>,
    ) -> Accumulator {
        Accumulator {
            gathers,
            from: period.from.map_or(i32::MIN, epoch_days),
            to: period.to.map_or(i32::MAX, epoch_days),
            membership,
            found: Vec::new(),
            by_citizen: Vec::new(),
            by_family: Vec::new(),
            by_spell: Vec::new(),
            keys: Vec::new(),
            units: Vec::new(),
            areas: Vec::new(),
            last_area: NONE,
            last: Last::NONE,
            span: Span::NONE,
        }
    }

    /// Whether a row dated `day` is in the period, so that `add` counts it.
    pub fn covers(&self, day: i32) -> bool {
        self.from <= day && day <= self.to
    }

    /// Adds one row of `texts`' ids, if dated in the period.
    pub fn add(&mut self, texts: &Texts, row: &Keyed) {
        if !self.covers(row.date) {
            return;
        }
        let index = match self.span {
            span if span.holds(row.citizen, row.date) => span.unit,
            _ => {
                let (unit, from, to) = self.unit_of(texts, row.citizen, row.date);
                self.span = Span {
                    citizen: row.citizen,
                    from,
                    to,
                    unit,
                };
                unit
            }
        };
        if let KeyedWhat::Expense { area, .. } = row.what {
            if self.last_area != area {
                insert_once(&mut self.areas, area);
                self.last_area = area;
            }
        }
        if self.last.unit != index {
            self.last = Last {
                unit: index,
                ..Last::NONE
            };
        }
        let (last, unit) = (&mut self.last, &mut self.units[index]);
        let department = row.department;
        unit.add_date(row.date, row.date);
        if last.department != department {
            insert_once(&mut unit.departments, department);
            last.department = department;
        }
        if self.gathers == Gathers::Units(UnitMode::Family) && last.member != row.citizen {
            insert_once(&mut unit.members, row.citizen);
            last.member = row.citizen;
        }
        if let Some(case) = row.case.map(|c| (department, c)) {
            if last.case != case {
                insert_once(&mut unit.cases, case);
                last.case = case;
            }
        }
        match row.what {
            KeyedWhat::Expense { area, ore } => match last.cost {
                (a, d, slot) if (a, d) == (area, department) => {
                    unit.total += ore;
                    unit.costs[slot].2 += ore;
                }
                _ => last.cost = (area, department, unit.add_cost(area, department, ore)),
            },
            KeyedWhat::Contact { caseworker } => {
                unit.contacts += 1;
                if let Some(caseworker) = caseworker.map(|c| (department, c)) {
                    if last.caseworker != caseworker {
                        insert_once(&mut unit.caseworkers, caseworker);
                        last.caseworker = caseworker;
                    }
                }
            }
        }
    }

    /// Adds every row of a loaded frame of expenses or contacts, naming
    /// its texts in `texts`.
    pub fn add_frame(
        &mut self,
        texts: &mut Texts,
        kind: Kind,
        frame: &DataFrame,
    ) -> PolarsResult<()> {
        for_each_row(kind, frame, |row| {
            let keyed = texts.key(&row);
            self.add(texts, &keyed);
        })
    }

    /// The index in `units` of the unit of a row of `citizen` on `day`
    /// (SPEC §2): the citizen, or in family mode the family whose
    /// membership covers the day (gathering segments, the citizen under
    /// that membership); with the first and last day around `day` on which
    /// it is the same.
    fn unit_of(&mut self, texts: &Texts, citizen: u32, day: i32) -> (usize, i32, i32) {
        let alone = (UnitKey::Citizen(citizen), i32::MIN, i32::MAX);
        let membership = match self.gathers {
            Gathers::Units(UnitMode::Family) | Gathers::Segments => self.membership.as_deref(),
            Gathers::Units(UnitMode::Citizen) => None,
        };
        let Some(membership) = membership else {
            return (self.index(alone.0), alone.1, alone.2);
        };
        let slot = citizen as usize;
        if slot >= self.found.len() {
            // Every citizen the worker has named since, at once: a batch's
            // are named before its first row is added.
            let met = self.found.len() as u32..texts.citizens.len() as u32;
            let found = &mut self.found;
            membership.citizens(&texts.citizens, met, |member| {
                found.push(Found::met(member.unwrap_or(NONE)));
            });
        }
        let found = self.found[slot];
        if found.unit != NONE && found.from <= day && day <= found.to {
            return (found.unit as usize, found.from, found.to);
        }
        let member = found.member;
        let (key, from, to) = match member {
            NONE => alone,
            index => {
                let (spell, from, to) = membership.spell_span(index, day);
                let key = match spell {
                    None => UnitKey::Citizen(citizen),
                    Some(spell) => {
                        let family = membership.spell_family(spell);
                        match self.gathers {
                            Gathers::Segments => UnitKey::Member {
                                citizen,
                                spell,
                                family,
                            },
                            Gathers::Units(_) => UnitKey::Family(family),
                        }
                    }
                };
                (key, from, to)
            }
        };
        let unit = self.index(key);
        self.found[slot] = Found {
            member,
            unit: unit as u32,
            from,
            to,
        };
        (unit, from, to)
    }

    /// The index in `units` of the unit `key`, adding it if new.
    fn index(&mut self, key: UnitKey) -> usize {
        let (table, id) = match key {
            UnitKey::Citizen(id) => (&mut self.by_citizen, id as usize),
            UnitKey::Family(id) => (&mut self.by_family, id as usize),
            UnitKey::Member { spell, .. } => (&mut self.by_spell, spell as usize),
        };
        if id >= table.len() {
            table.resize(id + 1, NONE);
        }
        if table[id] == NONE {
            table[id] = self.units.len() as u32;
            self.units.push(Unit::default());
            self.keys.push(key);
        }
        table[id] as usize
    }

    /// Adds every unit of `other` to this one; `remap` takes the ids of
    /// `other`'s texts to this one's.
    pub fn merge(&mut self, other: Accumulator, remap: &Remap) {
        (self.last, self.last_area, self.span) = (Last::NONE, NONE, Span::NONE);
        for area in other.areas {
            insert_once(&mut self.areas, remap.areas[area as usize]);
        }
        for (key, theirs) in other.keys.into_iter().zip(other.units) {
            let key = match key {
                UnitKey::Citizen(c) => UnitKey::Citizen(remap.citizens[c as usize]),
                UnitKey::Member {
                    citizen,
                    spell,
                    family,
                } => UnitKey::Member {
                    citizen: remap.citizens[citizen as usize],
                    spell,
                    family,
                },
                family => family,
            };
            let before = self.units.len();
            let index = self.index(key);
            if index == before {
                // New here: taken whole, its ids moved to this one's texts.
                self.units[index] = theirs.remapped(remap);
            } else {
                self.units[index].absorb(&theirs, Some(remap));
            }
        }
    }

    /// The unit table of each mode gathered (one, or from segments both),
    /// sorted by `unit_id`, with each unit's departments and costs where
    /// `with_details` says so; `texts` are those the rows were keyed in.
    /// Each mode's table is built on a thread of its own.
    pub fn finish(
        self,
        texts: &Texts,
        with_details: &(dyn Fn(UnitMode) -> bool + Sync),
    ) -> PolarsResult<Vec<(UnitMode, Units)>> {
        let modes = match self.gathers {
            Gathers::Units(mode) => vec![mode],
            Gathers::Segments => vec![UnitMode::Citizen, UnitMode::Family],
        };
        let table = |mode| Ok((mode, self.mode_table(mode, texts, with_details(mode))?));
        let (units, ()) = each(modes, table, || ());
        // Freeing millions of units' spilled sets is a second on one core
        // at five million citizens; nothing waits for it. Where no thread
        // can be started, the refused closure frees them here.
        let _ = std::thread::Builder::new().spawn(move || drop(self));
        units
            .into_iter()
            .map(|mode| {
                mode.unwrap_or_else(|_| Err(polars_err!(ComputeError: "building the units failed")))
            })
            .collect()
    }

    /// The unit table of `mode`. Its units are this one's, by name: a unit
    /// alone is read where it lies; the units of one name are joined, the
    /// segments of a citizen or of a family, or a family and a citizen
    /// alone whose ids are the same text (the one unit that id names).
    fn mode_table(&self, mode: UnitMode, texts: &Texts, with_details: bool) -> PolarsResult<Units> {
        let family = |f: u32| self.membership.as_deref().map_or("", |m| m.family_name(f));
        let names: Vec<&str> = self
            .keys
            .iter()
            .map(|&key| match (key, mode) {
                (UnitKey::Citizen(c), _)
                | (UnitKey::Member { citizen: c, .. }, UnitMode::Citizen) => texts.citizens.get(c),
                (UnitKey::Family(f), _) | (UnitKey::Member { family: f, .. }, UnitMode::Family) => {
                    family(f)
                }
            })
            .collect();
        // Sorted by the first eight bytes of each id, held beside its index,
        // and by the whole id only where those are the same: most
        // comparisons then read no text.
        let mut order: Vec<(u64, usize)> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (prefix(name), i))
            .collect();
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| names[a.1].cmp(names[b.1])));
        let runs: Vec<&[(u64, usize)]> = order
            .chunk_by(|a, b| a.0 == b.0 && names[a.1] == names[b.1])
            .collect();
        // A segment holds one citizen, whom a family counts as a member.
        let member = |i: usize| match (self.gathers, mode, self.keys[i]) {
            (
                Gathers::Segments,
                UnitMode::Family,
                UnitKey::Citizen(citizen) | UnitKey::Member { citizen, .. },
            ) => Some(citizen),
            _ => None,
        };
        let joined: Vec<Unit> = runs
            .iter()
            .filter(|run| run.len() > 1)
            .map(|run| {
                let mut unit = Unit::default();
                for &(_, i) in *run {
                    unit.absorb(&self.units[i], None);
                    if let Some(citizen) = member(i) {
                        insert_once(&mut unit.members, citizen);
                    }
                }
                unit
            })
            .collect();
        let mut joined = joined.iter();
        let sorted: Vec<(&str, &Unit)> = runs
            .iter()
            .filter_map(|run| match run {
                [(_, i)] => Some((names[*i], &self.units[*i])),
                _ => joined.next().map(|unit| (names[run[0].1], unit)),
            })
            .collect();
        let mut areas: Vec<(&str, u32)> = self
            .areas
            .iter()
            .map(|&a| (texts.areas.get(a), a))
            .collect();
        areas.sort_unstable();
        // The two long tables, if asked for, are built beside the main one.
        let ids = &ids(&sorted);
        let (details, frame) = beside(
            || {
                with_details
                    .then(|| details(&sorted, ids, texts))
                    .transpose()
            },
            || table(&sorted, ids, &areas),
        );
        let details = details
            .unwrap_or_else(|_| Err(polars_err!(ComputeError: "building unit details failed")))?;
        Ok(Units {
            frame: frame?,
            areas: areas.iter().map(|(name, _)| name.to_string()).collect(),
            details,
        })
    }
}

/// The first eight bytes of `text`, zeros after a shorter one, as a number
/// that orders as the bytes do.
fn prefix(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests;
