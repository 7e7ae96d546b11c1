//! Hotspot selection (SPEC §2): the high-cost units whose cases run across
//! departments. Units are ranked by total cost (ties by id), the cost
//! criterion keeps the top `ceil(N × P / 100)` or those above a minimum cost,
//! and the breadth criteria keep those spread over enough departments,
//! caseworkers and years. The percentile is computed in exact integer
//! arithmetic, so 7 % of 100 units is 7 units, not 8.

use crate::output::Table;
use crate::pseudonym::Key;
use crate::units::{metric, Units};
use polars::prelude::*;
use std::str::FromStr;

/// The `rank` column of the selection.
pub const RANK: &str = "rank";

/// A percentage written in decimal, kept exact (`2.5` is 25/10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    numerator: u64,
    scale: u64,
}

impl FromStr for Percent {
    type Err = String;

    fn from_str(text: &str) -> Result<Percent, String> {
        let invalid =
            || format!("expected a percentage between 0 and 100 such as 5 or 2.5, found {text:?}");
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
            || fraction.len() > 9
        {
            return Err(invalid());
        }
        let scale = 10u64.pow(fraction.len() as u32);
        let numerator: u64 = format!("{whole}{fraction}")
            .parse()
            .map_err(|_| invalid())?;
        if numerator > 100 * scale {
            return Err(invalid());
        }
        Ok(Percent { numerator, scale })
    }
}

impl Percent {
    /// A whole percentage.
    pub fn whole(percent: u64) -> Percent {
        Percent {
            numerator: percent,
            scale: 1,
        }
    }

    /// `ceil(n × P / 100)`.
    pub fn of(self, n: u64) -> u64 {
        let top = u128::from(n) * u128::from(self.numerator);
        let bottom = 100 * u128::from(self.scale);
        top.div_ceil(bottom) as u64
    }
}

/// Which units count as high-cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CostCriterion {
    /// The first `ceil(N × P / 100)` units of the ranking.
    TopPercent(Percent),
    /// Units whose total cost is at least this.
    MinCost(f64),
}

/// The hotspot criteria; defaults as in SPEC §2.
#[derive(Debug, Clone, PartialEq)]
pub struct HotspotCriteria {
    /// Cost criterion (default: top 5 %).
    pub cost: CostCriterion,
    /// Minimum number of departments (default 2).
    pub min_departments: u32,
    /// Minimum number of caseworkers (default 0).
    pub min_caseworkers: u32,
    /// Minimum years between first and last row (`active_days >= 365 × years`; default 0).
    pub min_years: f64,
    /// Keep only the first this many selected units.
    pub limit: Option<usize>,
}

impl Default for HotspotCriteria {
    fn default() -> Self {
        HotspotCriteria {
            cost: CostCriterion::TopPercent(Percent::whole(5)),
            min_departments: 2,
            min_caseworkers: 0,
            min_years: 0.0,
            limit: None,
        }
    }
}

impl HotspotCriteria {
    /// These criteria without the cap on the list's length: every hotspot,
    /// the cohort of the report's savings and ladder.
    pub fn uncapped(&self) -> HotspotCriteria {
        HotspotCriteria {
            limit: None,
            ..self.clone()
        }
    }
}

/// Units ranked by `total_cost` descending, ties by `unit_id` ascending.
pub fn ranked(units: &Units) -> PolarsResult<LazyFrame> {
    Ok(units.frame.clone().lazy().sort(
        [metric::TOTAL_COST, metric::UNIT_ID],
        SortMultipleOptions::default().with_order_descending_multi([true, false]),
    ))
}

/// The selected units in ranking order, with `rank` (1…) as the first column.
pub fn select(units: &Units, criteria: &HotspotCriteria) -> PolarsResult<DataFrame> {
    let n = units.frame.height() as u64;
    let ranked = ranked(units)?;
    let by_cost = match criteria.cost {
        CostCriterion::TopPercent(p) => ranked.limit(p.of(n) as IdxSize),
        CostCriterion::MinCost(x) => ranked.filter(col(metric::TOTAL_COST).gt_eq(lit(x))),
    };
    let mut selected = by_cost
        .filter(col(metric::DEPARTMENTS).gt_eq(lit(i64::from(criteria.min_departments))))
        .filter(col(metric::CASEWORKERS).gt_eq(lit(i64::from(criteria.min_caseworkers))))
        .filter(
            col(metric::ACTIVE_DAYS)
                .cast(DataType::Float64)
                .gt_eq(lit(365.0 * criteria.min_years)),
        );
    if let Some(limit) = criteria.limit {
        selected = selected.limit(limit as IdxSize);
    }
    let selected = selected.collect()?;
    let ranks: Vec<i64> = (1..=selected.height() as i64).collect();
    let mut columns = vec![Column::new(RANK.into(), ranks)];
    columns.extend(selected.columns().iter().cloned());
    DataFrame::new(selected.height(), columns)
}

/// The ids of the selected units, in ranking order: the default cohort of
/// `savings` and `ladder`.
pub fn cohort(units: &Units, criteria: &HotspotCriteria) -> PolarsResult<Vec<String>> {
    ids(&select(units, criteria)?)
}

/// The ids of a selection, in its order.
pub fn ids(selected: &DataFrame) -> PolarsResult<Vec<String>> {
    Ok(selected
        .column(metric::UNIT_ID)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// The selection as an output table (SPEC §6 columns), its ids re-keyed when
/// a key is given so that the list can be shared.
pub fn table(
    mut selected: DataFrame,
    areas: &[String],
    rekey: Option<&Key>,
) -> PolarsResult<Table> {
    if let Some(key) = rekey {
        let ids: StringChunked = selected
            .column(metric::UNIT_ID)?
            .str()?
            .iter()
            .map(|id| id.map(|id| key.pseudonym(id)))
            .collect();
        selected.with_column(ids.with_name(metric::UNIT_ID.into()).into_column())?;
    }
    let mut money = vec![metric::TOTAL_COST.to_string()];
    money.extend(areas.iter().map(|a| crate::units::cost_column(a)));
    Ok(Table::new(selected)
        .with_money(money)
        .with_ids([crate::units::metric::UNIT_ID]))
}

/// A narrower view for reading in a terminal: the SPEC columns without the
/// per-area costs, plus `main_area`, the budget area with the largest cost.
pub fn compact_table(
    selected: &DataFrame,
    areas: &[String],
    rekey: Option<&Key>,
) -> PolarsResult<Table> {
    let mut main_area: Vec<Option<&str>> = vec![None; selected.height()];
    let mut largest = vec![f64::NEG_INFINITY; selected.height()];
    for area in areas {
        let costs = selected.column(&crate::units::cost_column(area))?.f64()?;
        for (row, cost) in costs.iter().enumerate() {
            if let Some(cost) = cost.filter(|c| *c > largest[row] && *c > 0.0) {
                largest[row] = cost;
                main_area[row] = Some(area.as_str());
            }
        }
    }
    let keep: Vec<&str> = selected
        .get_column_names()
        .into_iter()
        .map(|n| n.as_str())
        .filter(|n| !n.starts_with(metric::COST_PREFIX))
        .collect();
    let mut narrow = selected.select(keep)?;
    narrow.with_column(Column::new("main_area".into(), main_area))?;
    // What a narrow terminal may leave out: the rank, the id, the cost and
    // the departments say why a unit is listed.
    Ok(table(narrow, &[], rekey)?.with_optional([
        "members",
        "caseworkers",
        "contacts",
        "cases",
        "first_date",
        "last_date",
        "active_days",
        "main_area",
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_an_exact_ceiling() {
        let p: Percent = "7".parse().unwrap();
        assert_eq!(p.of(100), 7);
        assert_eq!(p.of(101), 8);
        assert_eq!(Percent::whole(5).of(19), 1);
        assert_eq!(Percent::whole(5).of(20), 1);
        assert_eq!(Percent::whole(5).of(21), 2);
        assert_eq!(Percent::whole(5).of(0), 0);
        let p: Percent = "2.5".parse().unwrap();
        assert_eq!(p.of(40), 1);
        assert_eq!(p.of(41), 2);
        assert_eq!("100".parse::<Percent>().unwrap().of(3), 3);
        assert_eq!("0.1".parse::<Percent>().unwrap().of(1000), 1);
    }

    #[test]
    fn odd_percentages_are_refused() {
        for bad in ["", ".", "-1", "101", "5%", "1e2", "abc"] {
            assert!(bad.parse::<Percent>().is_err(), "{bad:?}");
        }
    }
}
