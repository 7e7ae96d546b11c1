//! An in-memory sink for generated rows, and the analyses the tests run on
//! them: who is active where, and the realised-savings comparison of SPEC.md
//! section 3 (cohort against non-enrolled hotspots at the median start).

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use crate::generate::population::Population;
use crate::generate::tables::{
    ContactRow, EnrolmentRow, ExpenseRow, HouseholdRow, LadderRow, RowSink,
};
use crate::generate::{EnrolBy, ANALYSIS_FROM, ANALYSIS_TO};

/// Budget-area classes the analysis below needs: the two planted areas and the rest.
pub(super) const KONTANTE: usize = 0;
pub(super) const BOERN: usize = 1;
pub(super) const OTHER: usize = 2;

pub(super) fn area_class(account: &str) -> usize {
    let digits: String = account.chars().filter(char::is_ascii_digit).collect();
    if digits.starts_with("557") {
        KONTANTE
    } else if digits.starts_with("528") {
        BOERN
    } else {
        OTHER
    }
}

/// Every generated row, in memory, with citizens numbered in order of appearance.
#[derive(Default)]
pub(super) struct Collected {
    pub(super) ids: HashMap<String, usize>,
    pub(super) names: Vec<String>,
    /// (citizen, department, date, øre, area class, account as written)
    pub(super) expenses: Vec<(usize, usize, NaiveDate, i64, usize, String)>,
    /// (citizen, department, date, caseworker)
    pub(super) contacts: Vec<(usize, usize, NaiveDate, Option<String>)>,
    /// (citizen, family, from, to)
    pub(super) households: Vec<(usize, String, Option<NaiveDate>, Option<NaiveDate>)>,
    pub(super) ladder: Vec<(usize, NaiveDate, i32)>,
    pub(super) enrolments: Vec<(usize, NaiveDate, Option<NaiveDate>)>,
}

impl Collected {
    pub(super) fn of(citizens: u64, seed: u64) -> Self {
        Self::enrolling_by(citizens, seed, EnrolBy::EarlierCost)
    }

    /// The municipality with its cohort chosen by `rule`.
    pub(super) fn enrolling_by(citizens: u64, seed: u64, rule: EnrolBy) -> Self {
        let mut collected = Collected::default();
        Population::new(seed, citizens)
            .enrolling_by(rule)
            .run(&mut collected)
            .unwrap();
        collected
    }

    fn citizen(&mut self, id: &str) -> usize {
        if let Some(&i) = self.ids.get(id) {
            return i;
        }
        let i = self.names.len();
        self.ids.insert(id.to_string(), i);
        self.names.push(id.to_string());
        i
    }
}

impl RowSink for Collected {
    fn expense(&mut self, department: usize, row: &ExpenseRow<'_>) -> anyhow::Result<()> {
        let c = self.citizen(row.citizen);
        let class = area_class(row.account);
        self.expenses.push((
            c,
            department,
            row.date,
            row.amount,
            class,
            row.account.to_string(),
        ));
        Ok(())
    }
    fn contact(&mut self, department: usize, row: &ContactRow<'_>) -> anyhow::Result<()> {
        let c = self.citizen(row.citizen);
        self.contacts
            .push((c, department, row.date, row.caseworker.map(str::to_string)));
        Ok(())
    }
    fn household(&mut self, row: &HouseholdRow<'_>) -> anyhow::Result<()> {
        let c = self.citizen(row.citizen);
        self.households
            .push((c, row.family.to_string(), row.valid_from, row.valid_to));
        Ok(())
    }
    fn ladder(&mut self, row: &LadderRow<'_>) -> anyhow::Result<()> {
        let c = self.citizen(row.citizen);
        self.ladder.push((c, row.date, row.step));
        Ok(())
    }
    fn enrolment(&mut self, row: &EnrolmentRow<'_>) -> anyhow::Result<()> {
        let c = self.citizen(row.citizen);
        self.enrolments.push((c, row.start, row.end));
        Ok(())
    }
}

pub(super) fn in_period(date: NaiveDate) -> bool {
    date >= ANALYSIS_FROM && date <= ANALYSIS_TO
}

/// Per citizen: the set of departments with rows in `[from, to)` (a bit mask)
/// and the total cost there.
pub(super) fn activity(c: &Collected, from: NaiveDate, to: NaiveDate) -> (Vec<u8>, Vec<i64>) {
    let n = c.names.len();
    let mut departments = vec![0u8; n];
    let mut cost = vec![0i64; n];
    for (citizen, department, date, amount, _, _) in &c.expenses {
        if *date >= from && *date < to {
            departments[*citizen] |= 1 << department;
            cost[*citizen] += amount;
        }
    }
    for (citizen, department, date, _) in &c.contacts {
        if *date >= from && *date < to {
            departments[*citizen] |= 1 << department;
        }
    }
    (departments, cost)
}

/// Cost per unit-month in each area class, in the 12 months before and after
/// each unit's start.
pub(super) fn before_after(c: &Collected, starts: &HashMap<usize, NaiveDate>) -> [(f64, f64); 3] {
    let mut sums = [(0i64, 0i64); 3];
    for (citizen, _, date, amount, class, _) in &c.expenses {
        let Some(start) = starts.get(citizen) else {
            continue;
        };
        let before = *start - Months::new(12);
        let after = *start + Months::new(12);
        if *date >= before && *date < *start {
            sums[*class].0 += amount;
        } else if *date >= *start && *date < after {
            sums[*class].1 += amount;
        }
    }
    let unit_months = (starts.len() * 12) as f64 * 100.0;
    sums.map(|(b, a)| (b as f64 / unit_months, a as f64 / unit_months))
}

/// The enrolled units with their starts, and the comparison group: units not
/// enrolled that are hotspots (top 5 % of active units by cost, two or more
/// departments) over `[from, to)`, each given the cohort's median start.
pub(super) fn cohort_and_comparison(
    c: &Collected,
    from: NaiveDate,
    to: NaiveDate,
) -> (HashMap<usize, NaiveDate>, HashMap<usize, NaiveDate>) {
    let treated: HashMap<usize, NaiveDate> =
        c.enrolments.iter().map(|(i, s, _)| (*i, *s)).collect();
    let mut starts: Vec<NaiveDate> = treated.values().copied().collect();
    starts.sort();
    let Some(&median) = starts.get(starts.len() / 2) else {
        return (treated, HashMap::new());
    };
    let (departments, cost) = activity(c, from, to);
    let mut active: Vec<usize> = (0..c.names.len())
        .filter(|&i| departments[i] != 0)
        .collect();
    active.sort_by(|a, b| cost[*b].cmp(&cost[*a]).then(c.names[*a].cmp(&c.names[*b])));
    let top = (active.len() * 5).div_ceil(100);
    let comparison = active[..top]
        .iter()
        .filter(|i| departments[**i].count_ones() >= 2 && !treated.contains_key(*i))
        .map(|i| (*i, median))
        .collect();
    (treated, comparison)
}

/// The realised-savings comparison of SPEC.md section 3: the enrolled cohort
/// against non-enrolled hotspots (top 5 % by cost, two or more departments,
/// over `[from, to)`), these given the cohort's median start.
pub(super) struct Realised {
    pub(super) treated: usize,
    pub(super) comparison: usize,
    /// Per area class: (treated before, treated after, comparison before, comparison after).
    pub(super) means: [(f64, f64, f64, f64); 3],
}

impl Realised {
    pub(super) fn compute(c: &Collected, from: NaiveDate, to: NaiveDate) -> Self {
        let (treated, comparison) = cohort_and_comparison(c, from, to);
        let t = before_after(c, &treated);
        let k = before_after(c, &comparison);
        Realised {
            treated: treated.len(),
            comparison: comparison.len(),
            means: [0, 1, 2].map(|a| (t[a].0, t[a].1, k[a].0, k[a].1)),
        }
    }

    /// The same comparison for the sum of several area classes (as class 0).
    pub(super) fn combined(&self, areas: &[usize]) -> Realised {
        let mut sum = (0.0, 0.0, 0.0, 0.0);
        for a in areas {
            let m = self.means[*a];
            sum = (sum.0 + m.0, sum.1 + m.1, sum.2 + m.2, sum.3 + m.3);
        }
        Realised {
            treated: self.treated,
            comparison: self.comparison,
            means: [sum, (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0)],
        }
    }

    /// Naive before/after drop of the cohort, as a share of its before level.
    pub(super) fn naive(&self, area: usize) -> f64 {
        let (tb, ta, _, _) = self.means[area];
        (tb - ta) / tb
    }

    /// Difference in differences as a share of the counterfactual after level.
    pub(super) fn did(&self, area: usize) -> f64 {
        let (tb, ta, kb, ka) = self.means[area];
        let counterfactual = tb * ka / kb;
        (counterfactual - ta) / counterfactual
    }

    /// Difference in differences in kroner, as a share of the before level.
    pub(super) fn did_of_before(&self, area: usize) -> f64 {
        let (tb, ta, kb, ka) = self.means[area];
        ((tb - ta) - (kb - ka)) / tb
    }
}
