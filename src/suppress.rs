//! Small-cell suppression (SPEC §4): aggregated outputs may be shared, so no
//! count below `min_cell` and no sum or mean from fewer than `min_cell` units
//! is shown, and no hidden figure may be worked out from what is shown. The
//! analyses compute exact figures; this module decides which of them may be
//! shown, and how a reader tells the two kinds of hidden figure apart.
//!
//! The rules, for every aggregated command:
//!
//! 1. **Primary** ([`Status::Below`], `<5` in tables): a count below
//!    `min_cell`, including 0, and every sum or mean over those units.
//! 2. **Parts of a shown total** ([`protect`]): the hidden parts of a
//!    relation "parts add up to a shown total" must (a) include at least two
//!    parts that hold units and enter the total with a non-zero weight, or
//!    else only one such part that is itself a complement (a part of 0 never
//!    protects), (b) hold together at least `min_cell` units (the total less
//!    the shown parts is itself a published sum), and (c) for
//!    counts of disjoint parts, leave no hidden count pinned to one value by
//!    what a reader knows (a `<5` cell holds 0…`min_cell − 1`, a `..` cell at
//!    least `min_cell`). A hidden 0 is hidden (it is below `min_cell`) but
//!    needs no protection: it describes no one. Until they do, the smallest shown part that holds
//!    units is hidden too ([`Status::Complement`], `..` in tables). When no
//!    part is left to hide, the total is hidden.
//! 3. **Cumulative figures** ([`cumulative`]): of nested groups (the top 1 %,
//!    5 %, … of units), a group's figure is shown only when it and the
//!    difference to the previous shown group, and to all units, each hold 0
//!    or at least `min_cell` units.
//! 4. **Shares** are published rounded to [`SHARE_DECIMALS`] decimals
//!    ([`round_share`]); a share is a figure over its units like any other.
//!
//! Both kinds of hidden figure are empty in CSV and `null` in JSON; only text
//! tables tell them apart.
//!
//! How an analysis uses it, for a table of parts beside a shown total:
//!
//! ```text
//! let parts: Vec<Part> = rows.iter().map(|r| Part::new(r.units, r.cost)).collect();
//! let start = suppress::primary(&parts, min_cell);        // plus any forced Complement
//! let done = suppress::protect(&parts, &start, Membership::Overlapping,
//!                              total_status.is_shown(), min_cell);
//! let total_status = total_status.and(done.total);         // hide the total if it must go
//! // cells: done.parts[i].show(value) → Option for the frame;
//! // fields: status.value(Value::Money(x)) → `<5` / `..` markers;
//! // tables: Table::with_suppressed([...]).with_complement_rows(rows whose status is Complement)
//! ```
//!
//! A figure that enters a total with a known weight (an effect, a number of
//! months) gives that weight as [`Part::weight`]; a figure whose units are
//! counted as the units of another (a mean, a per-unit-month figure) takes
//! that figure's status. Where one document shows the same figure twice
//! (two tables over overlapping populations), start the second table with
//! the first one's hidden figures as [`Status::Complement`], as `report`
//! does for the savings areas beside the overview's.

/// A figure that may be suppressed.
pub type Shown<T> = Option<T>;

/// Decimals a published share keeps: 0.1 percentage point.
pub const SHARE_DECIMALS: i32 = 3;

/// Whether a figure is shown, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Shown.
    Shown,
    /// Hidden because it counts, or is computed from, fewer than `min_cell`
    /// units (including none): `<5` in text tables.
    Below,
    /// Hidden, although it holds `min_cell` units or more, so that a hidden
    /// figure beside it cannot be worked out: `..` in text tables.
    Complement,
}

impl Status {
    /// Primary status of a figure over `units` units.
    pub fn of(units: u64, min_cell: u32) -> Status {
        if units >= u64::from(min_cell) {
            Status::Shown
        } else {
            Status::Below
        }
    }

    /// Whether the figure is shown.
    pub fn is_shown(self) -> bool {
        self == Status::Shown
    }

    /// `value` when shown.
    pub fn show<T>(self, value: T) -> Shown<T> {
        self.is_shown().then_some(value)
    }

    /// `value` as an output value, or the marker of why it is hidden.
    pub fn value(self, value: crate::output::Value) -> crate::output::Value {
        match self {
            Status::Shown => value,
            Status::Below => crate::output::Value::Suppressed,
            Status::Complement => crate::output::Value::Complement,
        }
    }

    /// The stricter of two statuses (hidden beats shown; `Below` beats `Complement`).
    pub fn and(self, other: Status) -> Status {
        match (self, other) {
            (Status::Below, _) | (_, Status::Below) => Status::Below,
            (Status::Complement, _) | (_, Status::Complement) => Status::Complement,
            _ => Status::Shown,
        }
    }
}

/// A count, unless below `min_cell`.
pub fn count(n: u64, min_cell: u32) -> Shown<u64> {
    (n >= u64::from(min_cell)).then_some(n)
}

/// A sum or mean over `units` units, unless they are fewer than `min_cell`.
pub fn over_units<T>(value: T, units: u64, min_cell: u32) -> Shown<T> {
    (units >= u64::from(min_cell)).then_some(value)
}

/// A share rounded to [`SHARE_DECIMALS`] decimals (half away from zero), as
/// it is published: full precision times a shown total would give back the
/// exact sum it came from.
pub fn round_share(share: f64) -> f64 {
    let scale = 10f64.powi(SHARE_DECIMALS);
    (share * scale).round() / scale
}

/// One part of a relation "parts add up to a total".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// Units the part's figures are computed from.
    pub units: u64,
    /// Orders the candidates for complementary suppression: the smallest
    /// (then the fewest units, then the first) is hidden first.
    pub size: f64,
    /// The part's coefficient in the total (1 for a plain sum; an area's
    /// effect in a savings total). A part with weight 0 is not in the total,
    /// so it neither needs nor gives protection.
    pub weight: f64,
}

impl Part {
    /// A part of a plain sum.
    pub fn new(units: u64, size: f64) -> Part {
        Part {
            units,
            size,
            weight: 1.0,
        }
    }
}

/// Whether a unit can be in several parts of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// Every unit is in exactly one part (departments bands): the parts'
    /// units add up to the total's units.
    Disjoint,
    /// A unit can be in several parts (budget areas, departments): only
    /// money adds up, and the units of hidden parts together are counted as
    /// the largest of them (a lower bound of their distinct units).
    Overlapping,
}

/// The statuses of a relation's parts, and of its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// Per part, in the order given.
    pub parts: Vec<Status>,
    /// The total's status: [`Status::Complement`] when the parts could not be
    /// protected while it is shown.
    pub total: Status,
}

/// Primary statuses of parts: [`Status::Below`] under `min_cell` units.
pub fn primary(parts: &[Part], min_cell: u32) -> Vec<Status> {
    parts
        .iter()
        .map(|p| Status::of(p.units, min_cell))
        .collect()
}

/// Complementary suppression for parts that add up to a total (rule 2 of the
/// module). `start` holds each part's status so far (at least [`primary`]; a
/// caller may hide more, e.g. because another table shows the same figure);
/// `total_shown` says whether the total is published at all (when it is not,
/// nothing is added). Returns the final statuses.
pub fn protect(
    parts: &[Part],
    start: &[Status],
    membership: Membership,
    total_shown: bool,
    min_cell: u32,
) -> Protected {
    let mut status = start.to_vec();
    if !total_shown {
        return Protected {
            parts: status,
            total: Status::Complement,
        };
    }
    while !is_protected(parts, &status, membership, min_cell) {
        let next = (0..parts.len())
            .filter(|&i| status[i].is_shown() && holds_units(&parts[i]))
            .min_by(|&a, &b| {
                parts[a]
                    .size
                    .total_cmp(&parts[b].size)
                    .then(parts[a].units.cmp(&parts[b].units))
                    .then(a.cmp(&b))
            });
        match next {
            Some(i) => status[i] = Status::Complement,
            None => {
                return Protected {
                    parts: status,
                    total: Status::Complement,
                }
            }
        }
    }
    Protected {
        parts: status,
        total: Status::Shown,
    }
}

fn holds_units(part: &Part) -> bool {
    part.units > 0 && part.weight != 0.0
}

/// Rule 2 (a)–(c) for the hidden parts of a relation with a shown total.
pub fn is_protected(
    parts: &[Part],
    status: &[Status],
    membership: Membership,
    min_cell: u32,
) -> bool {
    let hidden: Vec<usize> = (0..parts.len())
        .filter(|&i| !status[i].is_shown())
        .collect();
    if hidden.is_empty() {
        return true;
    }
    let holding: Vec<usize> = hidden
        .iter()
        .copied()
        .filter(|&i| holds_units(&parts[i]))
        .collect();
    // (a) A single hidden part that holds units would equal what the total
    // leaves; only a complement (itself `min_cell` units or more) may stand
    // alone, beside hidden parts of 0.
    if let [only] = holding[..] {
        if status[only] != Status::Complement || hidden.len() == 1 {
            return false;
        }
    }
    let m = u64::from(min_cell);
    match membership {
        // (b) for parts that share units: the largest hidden one counts.
        Membership::Overlapping => {
            holding.is_empty() || holding.iter().map(|&i| parts[i].units).max() >= Some(m)
        }
        Membership::Disjoint => {
            let residual: u64 = hidden.iter().map(|&i| parts[i].units).sum();
            (holding.is_empty() || residual >= m)
                && !any_count_pinned(parts, &hidden, status, residual, m)
        }
    }
}

/// Whether a reader who knows the hidden parts' sum and the markers' ranges
/// (`<m`: 0…m−1, `..`: m or more) can pin one hidden count that holds units
/// to a single value. (A hidden 0 describes no one: it is hidden because
/// the SPEC hides every count below `min_cell`, but needs no protection.)
fn any_count_pinned(
    parts: &[Part],
    hidden: &[usize],
    status: &[Status],
    residual: u64,
    m: u64,
) -> bool {
    let bounds: Vec<(u64, Option<u64>)> = hidden
        .iter()
        .map(|&i| match status[i] {
            Status::Complement => (m, None),
            _ => (0, Some(m.saturating_sub(1))),
        })
        .collect();
    let low_sum: u64 = bounds.iter().map(|b| b.0).sum();
    let unbounded = bounds.iter().filter(|b| b.1.is_none()).count();
    let high_sum: u64 = bounds.iter().filter_map(|b| b.1).sum();
    bounds.iter().zip(hidden).any(|(&(low, high), &i)| {
        if parts[i].units == 0 {
            return false;
        }
        // The others hold at most this much, unless one of them is unbounded.
        let others_unbounded = unbounded - usize::from(high.is_none());
        let lo = if others_unbounded == 0 {
            low.max(residual.saturating_sub(high_sum - high.unwrap_or(0)))
        } else {
            low
        };
        let hi = residual
            .saturating_sub(low_sum - low)
            .min(high.unwrap_or(u64::MAX));
        lo >= hi
    })
}

/// Rule 3 for nested groups of `sizes[j]` units (non-decreasing) out of
/// `all` units: group `j` is [`Status::Below`] under `min_cell` units, and
/// [`Status::Complement`] when its difference to the previous shown group,
/// or all units' difference to it, holds between 1 and `min_cell − 1` units.
pub fn cumulative(sizes: &[u64], all: u64, min_cell: u32) -> Vec<Status> {
    let m = u64::from(min_cell);
    let apart = |a: u64, b: u64| {
        let gap = b.saturating_sub(a);
        gap == 0 || gap >= m
    };
    let mut status = vec![Status::Shown; sizes.len()];
    let mut last = 0;
    for (j, &k) in sizes.iter().enumerate() {
        status[j] = if k < m {
            Status::Below
        } else if !apart(last, k) {
            Status::Complement
        } else {
            last = k;
            Status::Shown
        };
    }
    // The last shown group must also leave 0 or `min_cell` units outside it.
    for j in (0..sizes.len()).rev() {
        if !status[j].is_shown() {
            continue;
        }
        if apart(sizes[j], all) {
            break;
        }
        status[j] = Status::Complement;
    }
    status
}

#[cfg(test)]
mod tests;
