//! A streamed row's texts as dense ids, looked up once per row for the
//! worker's accumulator, whichever unit modes it gathers. Rows come in
//! runs of one citizen, department, case and area, so each kind keeps the
//! last id it gave and compares before it hashes.

use crate::beside::beside;
use crate::interner::{Ahead, Interner};
use crate::load::runs::for_each_run;
use crate::load::value::ore;
use crate::load::{Batch, BatchWhat, Departments, Row, What};
use polars::prelude::{polars_err, PolarsResult, StringChunked};
use std::ops::Range;

/// The distinct texts a worker's rows have named, per kind.
#[derive(Default)]
pub struct Texts {
    /// Citizen ids.
    pub citizens: Interner,
    /// Departments.
    pub departments: Interner,
    /// Budget areas.
    pub areas: Interner,
    /// Case ids (a case is a pair with its department).
    pub cases: Interner,
    /// Caseworkers (a caseworker is a pair with its department).
    pub caseworkers: Interner,
    last: Last,
}

/// The id each kind gave last.
#[derive(Default)]
struct Last {
    citizen: Option<u32>,
    department: Option<u32>,
    area: Option<u32>,
    case: Option<u32>,
    caseworker: Option<u32>,
}

/// One accepted expense or contact row, its texts as ids of a `Texts`.
#[derive(Debug, Clone, Copy)]
pub struct Keyed {
    /// Citizen.
    pub citizen: u32,
    /// Department.
    pub department: u32,
    /// Days since 1970.
    pub date: i32,
    /// Case, if any.
    pub case: Option<u32>,
    /// What the row is.
    pub what: KeyedWhat,
}

/// An expense or a contact, its texts as ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyedWhat {
    /// An expense of `ore` in budget area `area`.
    Expense {
        /// Budget area.
        area: u32,
        /// Amount in øre.
        ore: i128,
    },
    /// A contact, with its caseworker if any.
    Contact {
        /// Caseworker.
        caseworker: Option<u32>,
    },
}

impl Texts {
    /// `row` with its texts as ids, adding the texts not seen before.
    pub fn key(&mut self, row: &Row<'_>) -> Keyed {
        let last = &mut self.last;
        let what = match row.what {
            What::Expense { amount, area, .. } => KeyedWhat::Expense {
                area: self.areas.intern_after(&mut last.area, area),
                ore: i128::from(ore(amount)),
            },
            What::Contact { caseworker } => KeyedWhat::Contact {
                caseworker: caseworker
                    .map(|c| self.caseworkers.intern_after(&mut last.caseworker, c)),
            },
        };
        Keyed {
            citizen: self.citizens.intern_after(&mut last.citizen, row.citizen),
            department: self
                .departments
                .intern_after(&mut last.department, row.department),
            date: row.date,
            case: row.case.map(|c| self.cases.intern_after(&mut last.case, c)),
            what,
        }
    }

    /// The rows of `batch` that `wanted` marks (kept rows only), with their
    /// texts as ids, each to `f` in order. A text is looked up once per run
    /// of rows holding it (`load::runs`), not once per row.
    pub fn key_batch(
        &mut self,
        batch: &Batch<'_>,
        wanted: &[bool],
        mut f: impl FnMut(&Texts, &Keyed),
    ) {
        const NONE: u32 = u32::MAX;
        let citizens = ids(&mut self.citizens, Some(batch.citizens), wanted);
        let departments = match batch.departments {
            Departments::Fixed(d) => vec![self.departments.intern(d); wanted.len()],
            Departments::Column(c) => ids(&mut self.departments, Some(c), wanted),
        };
        let cases = ids(&mut self.cases, batch.cases, wanted);
        // Each distinct account's area, named once; each row's caseworker.
        let (areas, caseworkers) = match batch.what {
            BatchWhat::Expenses { booked, .. } => {
                let areas = booked.iter().map(|(_, area)| self.areas.intern(area));
                (areas.collect(), Vec::new())
            }
            BatchWhat::Contacts { caseworkers } => {
                (Vec::new(), ids(&mut self.caseworkers, caseworkers, wanted))
            }
        };
        for (row, _) in wanted.iter().enumerate().filter(|(_, w)| **w) {
            let what = match batch.what {
                BatchWhat::Expenses { ore, accounts, .. } => KeyedWhat::Expense {
                    area: areas[accounts[row] as usize],
                    ore: i128::from(ore[row]),
                },
                BatchWhat::Contacts { .. } => KeyedWhat::Contact {
                    caseworker: Some(caseworkers[row]).filter(|&c| c != NONE),
                },
            };
            let keyed = Keyed {
                citizen: citizens[row],
                department: departments[row],
                date: batch.dates[row],
                case: Some(cases[row]).filter(|&c| c != NONE),
                what,
            };
            f(self, &keyed);
        }
    }

    /// Adds every text of `other`, returning where each of its ids went.
    /// The kinds are independent tables: citizens are added on a thread of
    /// their own beside the rest (at a million citizens this is a second of
    /// hash lookups after the scan, on one core).
    pub fn absorb(&mut self, other: &Texts) -> PolarsResult<Remap> {
        fn into(ours: &mut Interner, theirs: &Interner) -> Vec<u32> {
            ours.reserve(theirs.len());
            let mut last = None;
            (0..theirs.len() as u32)
                .map(|id| ours.intern_after(&mut last, theirs.get(id)))
                .collect()
        }
        let Texts {
            citizens,
            departments,
            areas,
            cases,
            caseworkers,
            ..
        } = self;
        let (citizens, (departments, areas, cases, caseworkers)) = beside(
            || into(citizens, &other.citizens),
            || {
                (
                    into(departments, &other.departments),
                    into(areas, &other.areas),
                    into(cases, &other.cases),
                    into(caseworkers, &other.caseworkers),
                )
            },
        );
        let citizens =
            citizens.map_err(|_| polars_err!(ComputeError: "adding a worker's citizens failed"))?;
        Ok(Remap {
            citizens,
            departments,
            areas,
            cases,
            caseworkers,
        })
    }
}

/// Each row's id in `texts` of its value in `column` (`u32::MAX` for a null,
/// an absent column, or a run with no wanted row, whose text is not added).
fn ids(texts: &mut Interner, column: Option<&StringChunked>, wanted: &[bool]) -> Vec<u32> {
    let mut ids = vec![u32::MAX; wanted.len()];
    if let Some(column) = column {
        let mut last = None;
        let mut ahead = Ahead::default();
        let mut intern = |texts: &mut Interner, (rows, text, hash): (Range<usize>, _, _)| {
            ids[rows].fill(texts.intern_after_hashed(&mut last, text, Some(hash)));
        };
        for_each_run(column, |rows, value| {
            if let (Some(text), true) = (value, wanted[rows.clone()].contains(&true)) {
                let hash = texts.hash(text);
                if let Some(due) = ahead.push(texts, rows, text, hash) {
                    intern(texts, due);
                }
            }
        });
        ahead.rest().for_each(|due| intern(texts, due));
    }
    ids
}

/// Per kind, the id in one `Texts` of each id of another (`Texts::absorb`).
pub struct Remap {
    /// Citizens.
    pub citizens: Vec<u32>,
    /// Departments.
    pub departments: Vec<u32>,
    /// Budget areas.
    pub areas: Vec<u32>,
    /// Cases.
    pub cases: Vec<u32>,
    /// Caseworkers.
    pub caseworkers: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact<'a>(
        citizen: &'a str,
        case: Option<&'a str>,
        caseworker: Option<&'a str>,
    ) -> Row<'a> {
        Row {
            citizen,
            department: "D",
            date: 7,
            case,
            what: What::Contact { caseworker },
        }
    }

    #[test]
    fn each_kind_numbers_its_own_texts() {
        let mut texts = Texts::default();
        let a = texts.key(&contact("A", Some("A"), Some("A")));
        let b = texts.key(&contact("B", None, Some("A")));
        assert_eq!(
            (a.citizen, a.department, a.case, a.what),
            (
                0,
                0,
                Some(0),
                KeyedWhat::Contact {
                    caseworker: Some(0)
                }
            )
        );
        assert_eq!(
            (b.citizen, b.department, b.case, b.what),
            (
                1,
                0,
                None,
                KeyedWhat::Contact {
                    caseworker: Some(0)
                }
            )
        );
        let expense = Row {
            what: What::Expense {
                amount: 12.345,
                account: "5.22.07",
                area: "Voksne",
            },
            ..contact("A", None, None)
        };
        let e = texts.key(&expense);
        // 12.345 DKK is 1,235 øre, rounded half away from zero.
        let what = KeyedWhat::Expense { area: 0, ore: 1235 };
        assert_eq!((e.citizen, e.date, e.what), (0, 7, what));
    }

    /// A keyed row as a comparable tuple of its texts.
    fn named(texts: &Texts, k: &Keyed) -> (String, String, i32, Option<String>, String) {
        let what = match k.what {
            KeyedWhat::Expense { area, ore } => format!("{} {ore}", texts.areas.get(area)),
            KeyedWhat::Contact { caseworker } => {
                format!("{:?}", caseworker.map(|c| texts.caseworkers.get(c)))
            }
        };
        (
            texts.citizens.get(k.citizen).to_string(),
            texts.departments.get(k.department).to_string(),
            k.date,
            k.case.map(|c| texts.cases.get(c).to_string()),
            what,
        )
    }

    #[test]
    fn a_batch_is_keyed_as_its_wanted_rows_are_one_by_one() {
        let text = |values: &[Option<&str>]| -> StringChunked { values.iter().copied().collect() };
        let citizens = text(&[Some("A"), Some("A"), Some("B"), Some("B"), Some("A")]);
        let departments = text(&[Some("D"), Some("D"), Some("E"), Some("D"), Some("D")]);
        let cases = text(&[Some("k"), None, Some("k"), Some("k"), Some("m")]);
        let caseworkers = text(&[None, Some("w"), Some("w"), Some("v"), Some("w")]);
        let dates = [1, 2, 3, 4, 5];
        // Row 1 was not kept; row 3 is kept but not wanted (outside the period).
        let keep = [true, false, true, true, true];
        let wanted = [true, false, true, false, true];
        let ore = [101, 200, -350, 400, 525];
        let accounts = [0, 1, 1, 0, 1];
        let booked = [("522", "Voksne"), ("301", "Skole")];
        let batches = [
            BatchWhat::Contacts {
                caseworkers: Some(&caseworkers),
            },
            BatchWhat::Expenses {
                ore: &ore,
                accounts: &accounts,
                booked: &booked,
            },
        ];
        for (what, departments) in batches
            .into_iter()
            .zip([Departments::Column(&departments), Departments::Fixed("F")])
        {
            let batch = Batch {
                keep: &keep,
                citizens: &citizens,
                departments,
                dates: &dates,
                cases: Some(&cases),
                what,
            };
            let mut by_row = Texts::default();
            let mut expected = Vec::new();
            let mut row_number = 0;
            batch.for_each_row(|row| {
                while !keep[row_number] {
                    row_number += 1;
                }
                if wanted[row_number] {
                    let k = by_row.key(&row);
                    expected.push(named(&by_row, &k));
                }
                row_number += 1;
            });
            let mut texts = Texts::default();
            let mut found = Vec::new();
            texts.key_batch(&batch, &wanted, |texts, k| found.push(named(texts, k)));
            assert_eq!(found, expected);
            assert_eq!(found.len(), 3);
            // The texts of rows not wanted are not named.
            assert_eq!(texts.citizens.len(), 2);
            assert_eq!(texts.caseworkers.find("v"), None);
        }
    }

    #[test]
    fn absorbing_maps_every_id_to_the_same_text() {
        let mut ours = Texts::default();
        ours.key(&contact("B", Some("k2"), None));
        let mut theirs = Texts::default();
        theirs.key(&contact("A", Some("k1"), Some("w")));
        theirs.key(&contact("B", Some("k2"), None));
        let remap = ours.absorb(&theirs).unwrap();
        assert_eq!(remap.citizens, [1, 0]);
        assert_eq!(remap.cases, [1, 0]);
        assert_eq!(remap.caseworkers, [0]);
        assert_eq!((ours.citizens.get(1), ours.cases.get(1)), ("A", "k1"));
    }
}
