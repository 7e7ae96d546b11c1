//! The month grid of the data span: the months rows are drafted in, their
//! paydays, and date arithmetic that cannot panic.
//!
//! Monthly spells, payments and contacts are drafted month by month; a month
//! index (0 = July 2021) is cheaper and clearer than dates in that loop.

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Weekday};

use super::random::Draws;
use super::DATA_FROM;

/// Months from [`DATA_FROM`] to [`DATA_TO`].
pub(crate) const MONTHS: usize = 45;

/// The month grid of the data span, with each month's payday.
pub(crate) struct Calendar {
    months: Vec<Month>,
}

struct Month {
    first: NaiveDate,
    days: i64,
    /// Last weekday of the month: when monthly benefits are paid.
    payday: NaiveDate,
}

impl Calendar {
    pub(crate) fn new() -> Self {
        let months = (0..MONTHS as u32)
            .map(|m| {
                let first = DATA_FROM
                    .checked_add_months(Months::new(m))
                    .unwrap_or(DATA_FROM);
                let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
                let days = (next - first).num_days();
                let mut payday = add_days(next, -1);
                while matches!(payday.weekday(), Weekday::Sat | Weekday::Sun) {
                    payday = add_days(payday, -1);
                }
                Month {
                    first,
                    days,
                    payday,
                }
            })
            .collect();
        Self { months }
    }

    /// The index of the month holding `date`, clamped to the span.
    pub(crate) fn month_of(&self, date: NaiveDate) -> usize {
        let months =
            (date.year() - DATA_FROM.year()) * 12 + date.month() as i32 - DATA_FROM.month() as i32;
        months.clamp(0, MONTHS as i32 - 1) as usize
    }

    /// The last weekday of month `month`: when monthly benefits are paid.
    pub(crate) fn payday(&self, month: usize) -> NaiveDate {
        self.months[month].payday
    }

    /// A uniformly drawn day of month `month`.
    pub(crate) fn random_day(&self, draws: &mut Draws, month: usize) -> NaiveDate {
        let m = &self.months[month];
        add_days(m.first, draws.below(m.days as u64) as i64)
    }
}

/// `date` moved by `days`; unchanged in the (unreachable) case of overflow.
pub(crate) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(date)
}
