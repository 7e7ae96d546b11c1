//! The municipality as a sequence of households: who lives together, who
//! moves out, and in which order their rows are written.
//!
//! Households are drawn one at a time, each from its own random stream (the
//! household's number), so generation streams in constant memory and the
//! output depends only on the seed and the number of citizens. Family
//! complexity is shared in part by all members, which is why children of the
//! same household tend to appear in the same departments. Some couples
//! separate during the period: one adult and some of the children then leave
//! for a new household, which gives them two household rows with a closed and
//! an open interval.

use anyhow::Result;
use chrono::NaiveDate;

use super::calendar::{add_days, Calendar};
use super::citizen::{write_citizen, Citizen, Drafts};
use super::departments::{ADULT, CHILD, DEPARTMENTS, PARENT, YOUTH};
use super::random::{mix64, splitmix64, Draws};
use super::tables::{HouseholdRow, RowSink};
use super::{date, EnrolBy, DATA_FROM, DATA_TO};

/// Household sizes 1–6 and their weights.
const SIZE_WEIGHTS: [f64; 6] = [0.38, 0.27, 0.14, 0.13, 0.05, 0.03];
/// A minority of households have problems on many fronts at once: their
/// complexity is shifted up, which is what puts some citizens in four or five
/// departments.
const MULTI_PROBLEM: f64 = 0.05;
const MULTI_PROBLEM_SHIFT: f64 = 1.8;
/// Chance that a couple with children separates during the data span.
const SEPARATION_RATE: f64 = 0.12;
/// Chance that a child follows the parent who moves out.
const CHILD_MOVES: f64 = 0.4;
/// Chance that a citizen has no household row at all (unit = the citizen alone).
const UNREGISTERED: f64 = 0.02;
/// Adults moved in between this date and the start of the data span.
const EARLIEST_MOVE_IN: NaiveDate = date(2000, 1, 1);
/// Chance that an adult's move-in date is unknown (open `valid_from`).
const UNKNOWN_MOVE_IN: f64 = 0.1;

/// The generator of one municipality.
pub(crate) struct Population {
    seed: u64,
    citizens: u64,
    id_keys: (u64, u64),
    caseworker_pools: [u64; 5],
    calendar: Calendar,
    enrol_by: EnrolBy,
}

struct Member {
    id: String,
    age_group: usize,
    retired: bool,
    complexity: f64,
    /// Born during the data span, on this date.
    born: Option<NaiveDate>,
    /// Start of membership of the household (open when `None`).
    moved_in: Option<NaiveDate>,
    /// Moves to the new household of a separation, on that date.
    moves_out: bool,
    registered: bool,
}

impl Population {
    pub(crate) fn new(seed: u64, citizens: u64) -> Self {
        let mut state = seed ^ 0x7476_6165_7273_6964; // separate keys for ids and streams
        let id_keys = (splitmix64(&mut state), splitmix64(&mut state));
        let caseworker_pools = DEPARTMENTS
            .map(|d| ((citizens as f64 * d.caseworkers_per_1000 / 1000.0).ceil() as u64).max(4));
        Self {
            seed,
            citizens,
            id_keys,
            caseworker_pools,
            calendar: Calendar::new(),
            enrol_by: EnrolBy::default(),
        }
    }

    /// The same municipality with its cohort chosen by `rule`.
    pub(crate) fn enrolling_by(self, rule: EnrolBy) -> Self {
        Self {
            enrol_by: rule,
            ..self
        }
    }

    /// The pseudonym of citizen number `index`: 16 lower-case hex digits, distinct
    /// for distinct indices (a bijective mix of the index under seed-derived keys).
    pub(crate) fn citizen_id(&self, index: u64) -> String {
        format!(
            "{:016x}",
            mix64(index.wrapping_add(self.id_keys.0)) ^ self.id_keys.1
        )
    }

    /// Writes every household and its members' rows to `sink`.
    pub(crate) fn run(&self, sink: &mut impl RowSink) -> Result<()> {
        let mut next_citizen = 0u64;
        let mut next_family = 1u64;
        let mut drafts = Drafts::default();
        let mut members: Vec<Member> = Vec::with_capacity(6);
        while next_citizen < self.citizens {
            let family_number = next_family;
            next_family += 1;
            let mut draws = Draws::new(self.seed, family_number);
            let remaining = self.citizens - next_citizen;
            let separation =
                self.draw_household(&mut draws, remaining, &mut next_citizen, &mut members);
            let family = family_id(family_number);
            let new_family = separation.map(|date| {
                next_family += 1;
                (date, family_id(next_family - 1))
            });
            for member in &members {
                write_household_rows(member, &family, new_family.as_ref(), sink)?;
            }
            for member in &members {
                let citizen = Citizen {
                    id: &member.id,
                    age_group: member.age_group,
                    retired: member.retired,
                    complexity: member.complexity,
                    first_month: member.born.map_or(0, |born| self.calendar.month_of(born)),
                };
                write_citizen(
                    &mut draws,
                    &citizen,
                    &self.calendar,
                    &self.caseworker_pools,
                    self.enrol_by,
                    &mut drafts,
                    sink,
                )?;
            }
        }
        Ok(())
    }

    /// Draws the members of one household (at most `remaining`); returns the
    /// date of a separation, if one happens.
    fn draw_household(
        &self,
        draws: &mut Draws,
        remaining: u64,
        next_citizen: &mut u64,
        members: &mut Vec<Member>,
    ) -> Option<NaiveDate> {
        members.clear();
        let size = (draws.weighted(&SIZE_WEIGHTS) as u64 + 1).min(remaining) as usize;
        let adults = match size {
            1 => 1,
            2 => {
                if draws.chance(0.7) {
                    2
                } else {
                    1
                }
            }
            _ => {
                if draws.chance(0.8) {
                    2
                } else {
                    1
                }
            }
        };
        let children = size - adults;
        let mut family_complexity = draws.normal();
        if draws.chance(MULTI_PROBLEM) {
            family_complexity += MULTI_PROBLEM_SHIFT;
        }
        if adults == 1 && children > 0 {
            family_complexity += 0.5;
        }
        let (min_age, max_age) = match (children > 0, size) {
            (true, _) => (22, 55),
            (false, 1) => (18, 90),
            (false, _) => (20, 85),
        };
        let move_in_days = (DATA_FROM - EARLIEST_MOVE_IN).num_days() as u64;
        for _ in 0..adults {
            let age = draws.between(min_age, max_age);
            let moved_in = if draws.chance(UNKNOWN_MOVE_IN) {
                None
            } else {
                Some(add_days(EARLIEST_MOVE_IN, draws.below(move_in_days) as i64))
            };
            let mut adult =
                self.member(draws, next_citizen, family_complexity, age, None, moved_in);
            if children > 0 {
                adult.age_group = PARENT;
            }
            members.push(adult);
        }
        for _ in 0..children {
            let (age, birth) = if draws.chance(0.06) {
                let born = add_days(
                    DATA_FROM,
                    draws.below((DATA_TO - DATA_FROM).num_days() as u64) as i64,
                );
                (-1, born)
            } else {
                let age = draws.between(0, 17);
                (
                    age,
                    add_days(DATA_FROM, -(365 * age + 1 + draws.below(364) as i64)),
                )
            };
            let born = (age < 0).then_some(birth);
            members.push(self.member(
                draws,
                next_citizen,
                family_complexity,
                age,
                born,
                Some(birth),
            ));
        }
        if adults == 2 && children > 0 && draws.chance(SEPARATION_RATE) {
            let span = (DATA_TO - DATA_FROM).num_days();
            let date = add_days(DATA_FROM, draws.between(30, span - 30));
            members[1].moves_out = true;
            for child in members.iter_mut().skip(2) {
                let present = child.moved_in.is_none_or(|from| from < date);
                if present && draws.chance(CHILD_MOVES) {
                    child.moves_out = true;
                }
            }
            return Some(date);
        }
        None
    }

    fn member(
        &self,
        draws: &mut Draws,
        next_citizen: &mut u64,
        family_complexity: f64,
        age: i64,
        born: Option<NaiveDate>,
        moved_in: Option<NaiveDate>,
    ) -> Member {
        let id = self.citizen_id(*next_citizen);
        *next_citizen += 1;
        let age_group = match age {
            a if a < 15 => CHILD,
            a if a < 30 => YOUTH,
            _ => ADULT,
        };
        Member {
            id,
            age_group,
            retired: age >= 67,
            complexity: 0.6 * family_complexity + 0.8 * draws.normal(),
            born,
            moved_in,
            moves_out: false,
            registered: !draws.chance(UNREGISTERED),
        }
    }
}

/// `F0000123`-style family ids.
fn family_id(number: u64) -> String {
    format!("F{number:07}")
}

fn write_household_rows(
    member: &Member,
    family: &str,
    new_family: Option<&(NaiveDate, String)>,
    sink: &mut impl RowSink,
) -> Result<()> {
    if !member.registered {
        return Ok(());
    }
    match new_family {
        Some((date, new_family)) if member.moves_out => {
            sink.household(&HouseholdRow {
                citizen: &member.id,
                family,
                valid_from: member.moved_in,
                valid_to: Some(add_days(*date, -1)),
            })?;
            sink.household(&HouseholdRow {
                citizen: &member.id,
                family: new_family,
                valid_from: Some(*date),
                valid_to: None,
            })
        }
        _ => sink.household(&HouseholdRow {
            citizen: &member.id,
            family,
            valid_from: member.moved_in,
            valid_to: None,
        }),
    }
}
