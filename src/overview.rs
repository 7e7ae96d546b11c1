//! The population overview (SPEC §2 "Overview"): how concentrated cost is,
//! how many units span several departments, which departments share units,
//! and what each budget area costs. Every figure passes small-cell
//! suppression before it leaves this module, as overviews get shared: the
//! departments bands add up to the units and total cost, the budget areas
//! to the total cost and the overlaps to a sum the bands nearly give, so
//! each is protected as parts of a total (`suppress::protect`), and the top
//! shares as nested groups (`suppress::cumulative`), rounded to 0.1 %.

mod curve;

use crate::hotspots::Percent;
use crate::output::{Document, Table, Value, TOP};
use crate::schema::col as column;
use crate::suppress::{self, Membership, Part, Shown, Status};
use crate::units::{metric, Units};
use curve::curve;
use polars::prelude::*;

/// The parts of the overview's document (besides the headline figures at the top).
pub mod part {
    use crate::output::PartKey;
    /// Units and cost by number of departments.
    pub const BY_DEPARTMENTS: PartKey = PartKey::new("by_departments");
    /// Units active in each pair of departments.
    pub const OVERLAPS: PartKey = PartKey::new("overlaps");
    /// Cost per budget area.
    pub const BUDGET_AREAS: PartKey = PartKey::new("budget_areas");
}

/// Percentiles whose share of total cost is reported.
pub const TOP_PERCENTS: [u64; 4] = [1, 5, 10, 20];
/// Department-count bands.
pub const BANDS: [&str; 4] = ["1", "2", "3", "4+"];

/// Share of total cost held by the top `percent` % of units.
#[derive(Debug, Clone, PartialEq)]
pub struct TopShare {
    /// 1, 5, 10 or 20.
    pub percent: u64,
    /// Units in the top group, `ceil(N × percent / 100)`.
    pub units: u64,
    /// Their share of total cost, rounded to 0.1 % (suppressed when they,
    /// or the units between them and the next smaller shown group, are
    /// fewer than `min_cell`).
    pub share: Shown<f64>,
    /// Why the share is hidden, if it is.
    pub status: Status,
}

/// Units and cost of the units active in a number of departments.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// "1", "2", "3" or "4+".
    pub departments: &'static str,
    /// Units in the band.
    pub units: Shown<u64>,
    /// Their total cost.
    pub cost: Shown<f64>,
    /// Why the band is hidden, if it is.
    pub status: Status,
}

/// Units active in both of two departments.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    /// First department (alphabetically).
    pub a: String,
    /// Second department.
    pub b: String,
    /// Units with rows in both.
    pub units: Shown<u64>,
    /// Why the count is hidden, if it is.
    pub status: Status,
}

/// Cost and units of one budget area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCost {
    /// Budget area.
    pub area: String,
    /// Units with cost in the area.
    pub units: Shown<u64>,
    /// The area's cost.
    pub cost: Shown<f64>,
    /// Why the area is hidden, if it is.
    pub status: Status,
    /// Units with cost in the area, exact: for deciding what other tables
    /// of the same document may show; never published.
    pub exact_units: u64,
}

/// The overview of all active units.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Active units.
    pub units: Shown<u64>,
    /// Their total cost.
    pub total_cost: Shown<f64>,
    /// Why `units` and `total_cost` are hidden, if they are.
    pub total_status: Status,
    /// Concentration of cost.
    pub top_share: Vec<TopShare>,
    /// The concentration curve: the share of cost held by the top 1, 2, …,
    /// 100 % of units, for a Lorenz-style chart. A point is shown only when
    /// it keeps 0 or `min_cell` units from every shown neighbour among
    /// these and the `top_share` groups (which keep their own statuses),
    /// and from all units.
    pub curve: Vec<TopShare>,
    /// Units and cost by number of departments.
    pub by_departments: Vec<Band>,
    /// Every pair of departments.
    pub overlaps: Vec<Overlap>,
    /// Every budget area with cost, by name.
    pub budget_areas: Vec<AreaCost>,
}

/// Computes the overview of the period's active units.
pub fn overview(units: &Units, min_cell: u32) -> PolarsResult<Overview> {
    let n = units.frame.height() as u64;
    let frame = &units.frame;
    let costs: Vec<f64> = frame
        .column(metric::TOTAL_COST)?
        .f64()?
        .iter()
        .map(|c| c.unwrap_or(0.0))
        .collect();
    let departments: Vec<i64> = frame
        .column(metric::DEPARTMENTS)?
        .i64()?
        .iter()
        .map(|d| d.unwrap_or(0))
        .collect();
    let total: f64 = costs.iter().sum();

    let mut ranked = costs.clone();
    ranked.sort_by(|a, b| b.total_cmp(a));
    let sizes: Vec<u64> = TOP_PERCENTS
        .iter()
        .map(|&percent| Percent::whole(percent).of(n))
        .collect();
    let statuses = suppress::cumulative(&sizes, n, min_cell);
    let top_share = TOP_PERCENTS
        .iter()
        .zip(sizes.iter().zip(&statuses))
        .map(|(&percent, (&k, &status))| {
            let top: f64 = ranked[..k as usize].iter().sum();
            let share = (total != 0.0).then(|| suppress::round_share(top / total));
            TopShare {
                percent,
                units: k,
                share: share.and_then(|s| status.show(s)),
                status,
            }
        })
        .collect::<Vec<TopShare>>();
    let curve = curve(&ranked, total, &top_share, min_cell);

    let mut band_units = [0u64; 4];
    let mut band_cost = [0.0f64; 4];
    for (d, c) in departments.iter().zip(&costs) {
        let band = (*d).clamp(1, 4) as usize - 1;
        band_units[band] += 1;
        band_cost[band] += c;
    }
    let total_status = Status::of(n, min_cell);
    let parts: Vec<Part> = band_units.iter().map(|&u| Part::new(u, u as f64)).collect();
    let bands = suppress::protect(
        &parts,
        &suppress::primary(&parts, min_cell),
        Membership::Disjoint,
        total_status.is_shown(),
        min_cell,
    );
    // Bands that cannot be protected while the total shows hide the total.
    let total_status = total_status.and(bands.total);
    let by_departments = BANDS
        .iter()
        .enumerate()
        .map(|(i, label)| Band {
            departments: label,
            units: bands.parts[i].show(band_units[i]),
            cost: bands.parts[i].show(band_cost[i]),
            status: bands.parts[i],
        })
        .collect();

    let bands_hidden = bands
        .parts
        .iter()
        .zip(&band_units)
        .any(|(s, &u)| !s.is_shown() && u > 0);
    let overlaps = overlaps(units.departments()?, bands_hidden, min_cell)?;
    let (budget_areas, areas_total) = budget_areas(
        units.costs()?.clone().lazy(),
        total_status.is_shown(),
        min_cell,
    )?;
    let total_status = total_status.and(areas_total);
    Ok(Overview {
        units: total_status.show(n),
        total_cost: total_status.show(total),
        total_status,
        top_share,
        curve,
        by_departments,
        overlaps,
        budget_areas,
    })
}

impl Overview {
    /// The overview as a document in SPEC §6's JSON shape: `units`,
    /// `total_cost`, `top_share`, then the tables `by_departments`, `overlaps`
    /// and `budget_areas`. Suppressed figures are marked as such.
    pub fn document(&self) -> PolarsResult<Document> {
        let hidden = |status: Status| status.value(Value::Null);
        let shares = self
            .top_share
            .iter()
            .map(|t| {
                (
                    t.percent.to_string(),
                    t.share.map_or(hidden(t.status), Value::Share),
                )
            })
            .collect();
        let fields = vec![
            (
                "units".to_string(),
                self.units.map_or(hidden(self.total_status), Value::UInt),
            ),
            (
                "total_cost".to_string(),
                self.total_cost
                    .map_or(hidden(self.total_status), Value::Money),
            ),
            ("top_share".to_string(), Value::Object(shares)),
        ];
        let bands = df!(
            "departments" => self.by_departments.iter().map(|b| b.departments).collect::<Vec<_>>(),
            "units" => self.by_departments.iter().map(|b| b.units).collect::<Vec<_>>(),
            "cost" => self.by_departments.iter().map(|b| b.cost).collect::<Vec<_>>(),
        )?;
        let overlaps = df!(
            "a" => self.overlaps.iter().map(|o| o.a.as_str()).collect::<Vec<_>>(),
            "b" => self.overlaps.iter().map(|o| o.b.as_str()).collect::<Vec<_>>(),
            "units" => self.overlaps.iter().map(|o| o.units).collect::<Vec<_>>(),
        )?;
        let areas = df!(
            "area" => self.budget_areas.iter().map(|a| a.area.as_str()).collect::<Vec<_>>(),
            "units" => self.budget_areas.iter().map(|a| a.units).collect::<Vec<_>>(),
            "cost" => self.budget_areas.iter().map(|a| a.cost).collect::<Vec<_>>(),
        )?;
        Ok(Document::new()
            .with_fields(TOP, fields)
            .with_title(
                TOP,
                "Population: active units and the share of cost the costliest hold",
            )
            .with_table(
                part::BY_DEPARTMENTS,
                Table::new(bands)
                    .with_title("Units and cost by number of departments")
                    .with_money(["cost"])
                    .with_suppressed(["units", "cost"])
                    .with_complement_rows(complements(
                        self.by_departments.iter().map(|b| b.status),
                    )),
            )
            .with_table(
                part::OVERLAPS,
                Table::new(overlaps)
                    .with_title("Units active in both departments")
                    .with_suppressed(["units"])
                    .with_complement_rows(complements(self.overlaps.iter().map(|o| o.status))),
            )
            .with_table(
                part::BUDGET_AREAS,
                Table::new(areas)
                    .with_title("Cost per budget area")
                    .with_money(["cost"])
                    .with_suppressed(["units", "cost"])
                    .with_complement_rows(complements(self.budget_areas.iter().map(|a| a.status))),
            ))
    }
}

/// Rows hidden as complements, for `Table::with_complement_rows`.
pub(crate) fn complements(statuses: impl Iterator<Item = Status>) -> Vec<usize> {
    statuses
        .enumerate()
        .filter(|(_, s)| *s == Status::Complement)
        .map(|(i, _)| i)
        .collect()
}

/// Every pair's units, protected as parts of a total. `bands_hidden` says a
/// band that holds units is hidden: with at most four departments the pairs
/// add up to `u2 + 3 u3 + 6 u4` exactly, a second equation beside "the bands
/// add up to the units" that would solve two hidden bands, so a pair is then
/// hidden too (and protected in turn).
fn overlaps(rows: &DataFrame, bands_hidden: bool, min_cell: u32) -> PolarsResult<Vec<Overlap>> {
    let counts = pair_counts(rows)?;
    let departments = &counts.departments;
    let mut pairs = Vec::new();
    for (i, a) in departments.iter().enumerate() {
        for (j, b) in departments.iter().enumerate().skip(i + 1) {
            pairs.push((a.clone(), b.clone(), counts.units[i][j]));
        }
    }
    // The pairs add up to the sum over units of d(d − 1)/2 for d departments,
    // which the bands give exactly when there are at most four departments:
    // protect them as parts of a shown total always.
    let parts: Vec<Part> = pairs.iter().map(|p| Part::new(p.2, p.2 as f64)).collect();
    let mut start = suppress::primary(&parts, min_cell);
    if bands_hidden && departments.len() <= 4 && start.iter().all(|s| s.is_shown()) {
        let smallest = (0..parts.len())
            .filter(|&i| parts[i].units > 0)
            .min_by(|&a, &b| parts[a].units.cmp(&parts[b].units).then(a.cmp(&b)));
        if let Some(i) = smallest {
            start[i] = Status::Complement;
        }
    }
    let status = suppress::protect(&parts, &start, Membership::Disjoint, true, min_cell);
    Ok(pairs
        .into_iter()
        .zip(status.parts)
        .map(|((a, b, units), status)| Overlap {
            a,
            b,
            units: status.show(units),
            status,
        })
        .collect())
}

/// Every department of a `unit_id, department` table, by name, and per
/// pair of them (`units[a][b]`, `a < b` by name) the units in both.
struct PairCounts {
    departments: Vec<String>,
    units: Vec<Vec<u64>>,
}

/// The pairs of `rows`, whose rows of one unit are together (as
/// [`Units::departments`] keeps them): one pass, each unit's departments
/// counted pair by pair, a department named twice in a unit counted once.
fn pair_counts(rows: &DataFrame) -> PolarsResult<PairCounts> {
    let units = rows.column(metric::UNIT_ID)?.str()?;
    let names = rows.column(column::DEPARTMENT)?.cast(&DataType::String)?;
    let names = names.str()?;
    // A fast hash: millions of rows name a few departments, and the
    // standard library's hash of each was most of this pass.
    let mut index: hashbrown::HashMap<&str, usize> = Default::default();
    let mut by_unit: Vec<(&str, usize)> = Vec::with_capacity(rows.height());
    for (unit, department) in units.iter().zip(names.iter()) {
        if let (Some(unit), Some(department)) = (unit, department) {
            let next = index.len();
            by_unit.push((unit, *index.entry(department).or_insert(next)));
        }
    }
    // Indices in first-seen order, ranked by name.
    let mut departments: Vec<(&str, usize)> = index.into_iter().collect();
    departments.sort_unstable();
    let mut rank = vec![0; departments.len()];
    for (r, &(_, i)) in departments.iter().enumerate() {
        rank[i] = r;
    }
    let mut counts = vec![vec![0u64; departments.len()]; departments.len()];
    let mut unit: Vec<usize> = Vec::new();
    for group in by_unit.chunk_by(|a, b| a.0 == b.0) {
        unit.clear();
        unit.extend(group.iter().map(|&(_, i)| rank[i]));
        unit.sort_unstable();
        unit.dedup();
        for (k, &a) in unit.iter().enumerate() {
            for &b in &unit[k + 1..] {
                counts[a][b] += 1;
            }
        }
    }
    Ok(PairCounts {
        departments: departments
            .into_iter()
            .map(|(name, _)| name.to_string())
            .collect(),
        units: counts,
    })
}

/// The areas and, when they cannot be protected while the total cost shows,
/// [`Status::Complement`] for the total.
fn budget_areas(
    rows: LazyFrame,
    total_shown: bool,
    min_cell: u32,
) -> PolarsResult<(Vec<AreaCost>, Status)> {
    let areas = rows
        .filter(col(column::BUDGET_AREA).is_not_null())
        .group_by([col(column::BUDGET_AREA)])
        .agg([
            col(metric::UNIT_ID)
                .n_unique()
                .cast(DataType::UInt64)
                .alias("units"),
            col("amount").sum().alias("cost"),
        ])
        .with_column(col(column::BUDGET_AREA).cast(DataType::String))
        .sort([column::BUDGET_AREA], Default::default())
        .collect()?;
    let names = areas.column(column::BUDGET_AREA)?.str()?;
    let units: Vec<u64> = areas
        .column("units")?
        .u64()?
        .iter()
        .map(|u| u.unwrap_or(0))
        .collect();
    let costs: Vec<f64> = areas
        .column("cost")?
        .f64()?
        .iter()
        .map(|c| c.unwrap_or(0.0))
        .collect();
    // Only money adds up (a unit can have cost in several areas).
    let parts: Vec<Part> = units
        .iter()
        .zip(&costs)
        .map(|(&u, &c)| Part::new(u, c))
        .collect();
    let status = suppress::protect(
        &parts,
        &suppress::primary(&parts, min_cell),
        Membership::Overlapping,
        total_shown,
        min_cell,
    );
    let areas = names
        .iter()
        .enumerate()
        .map(|(i, area)| AreaCost {
            area: area.unwrap_or_default().to_string(),
            units: status.parts[i].show(units[i]),
            cost: status.parts[i].show(costs[i]),
            status: status.parts[i],
            exact_units: units[i],
        })
        .collect();
    Ok((
        areas,
        if total_shown {
            status.total
        } else {
            Status::Shown
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::tests::fixture;
    use crate::units::{units, UnitMode};

    fn areas(o: &Overview) -> Vec<(String, Shown<u64>, Shown<f64>)> {
        o.budget_areas
            .iter()
            .map(|a| (a.area.clone(), a.units, a.cost))
            .collect()
    }

    #[test]
    fn pairs_are_counted_once_per_unit_over_departments_in_name_order() {
        let rows = df!(
            metric::UNIT_ID => [Some("u1"), Some("u1"), Some("u1"), Some("u2"), Some("u3"), Some("u3"), None],
            column::DEPARTMENT => [Some("B"), Some("A"), Some("A"), Some("C"), Some("A"), None, Some("D")],
        )
        .unwrap();
        let counts = pair_counts(&rows).unwrap();
        // A row without a unit names no department; u1 has A twice.
        assert_eq!(counts.departments, ["A", "B", "C"]);
        assert_eq!(counts.units, [[0, 1, 0], [0, 0, 0], [0, 0, 0]]);
    }

    #[test]
    fn overview_without_suppression_matches_the_hand_computed_figures() {
        let (config, loaded) = fixture();
        let o = overview(
            &units(&loaded, config.period, UnitMode::Citizen).unwrap(),
            1,
        )
        .unwrap();
        assert_eq!(o.units, Some(6));
        assert_eq!(o.total_cost, Some(4700.0));
        // ceil(6 × 1/100) = ceil(6 × 5/100) = ceil(6 × 10/100) = 1 unit; ceil(6 × 20/100) = 2.
        let shares: Vec<(u64, u64, Shown<f64>)> = o
            .top_share
            .iter()
            .map(|t| (t.percent, t.units, t.share))
            .collect();
        // Shares are published rounded to 0.1 %: 1500/4700 = 31.9 %, 3000/4700 = 63.8 %.
        let one = 0.319;
        assert_eq!(
            shares,
            vec![
                (1, 1, Some(one)),
                (5, 1, Some(one)),
                (10, 1, Some(one)),
                (20, 2, Some(0.638))
            ]
        );
        let bands: Vec<(&str, Shown<u64>, Shown<f64>)> = o
            .by_departments
            .iter()
            .map(|b| (b.departments, b.units, b.cost))
            .collect();
        assert_eq!(
            bands,
            vec![
                ("1", Some(4), Some(1700.0)),
                ("2", Some(2), Some(3000.0)),
                ("3", None, None),
                ("4+", None, None)
            ],
            "a count of 0 is below any min_cell, so SPEC §4 hides it"
        );
        let pairs: Vec<String> = o
            .overlaps
            .iter()
            .map(|p| format!("{}-{}:{:?}", p.a, p.b, p.units))
            .collect();
        assert_eq!(
            pairs,
            [
                "Born-Job:Some(2)",
                "Born-Sund:None",
                "Born-Voksen:None",
                "Job-Sund:None",
                "Job-Voksen:None",
                "Sund-Voksen:None"
            ]
        );
        assert_eq!(
            areas(&o),
            vec![
                ("Kontante ydelser".to_string(), Some(3), Some(2000.0)),
                (
                    "Tilbud til børn og unge med særlige behov".to_string(),
                    Some(2),
                    Some(1200.0)
                ),
                (
                    "Tilbud til voksne med særlige behov".to_string(),
                    Some(1),
                    Some(1500.0)
                ),
            ]
        );
    }

    #[test]
    fn small_cells_are_suppressed_with_their_next_smallest_part() {
        let (config, loaded) = fixture();
        let o = overview(
            &units(&loaded, config.period, UnitMode::Citizen).unwrap(),
            2,
        )
        .unwrap();
        assert_eq!((o.units, o.total_cost), (Some(6), Some(4700.0)));
        // A share held by one unit is a sum from fewer than two units.
        let shares: Vec<Shown<f64>> = o.top_share.iter().map(|t| t.share).collect();
        assert_eq!(shares, vec![None, None, None, Some(0.638)]);
        // Two bands hidden already: nothing more to hide.
        let bands: Vec<Shown<u64>> = o.by_departments.iter().map(|b| b.units).collect();
        assert_eq!(bands, vec![Some(4), Some(2), None, None]);
        // Only the adult area (1 unit) is below two units, so the next smallest
        // cost (children, 1200) is hidden too: 4700 − 2000 no longer gives it away.
        assert_eq!(
            areas(&o),
            vec![
                ("Kontante ydelser".to_string(), Some(3), Some(2000.0)),
                (
                    "Tilbud til børn og unge med særlige behov".to_string(),
                    None,
                    None
                ),
                (
                    "Tilbud til voksne med særlige behov".to_string(),
                    None,
                    None
                ),
            ]
        );
        assert_eq!(o.overlaps[0].units, Some(2));
        assert!(o.overlaps[1..].iter().all(|p| p.units.is_none()));
    }

    #[test]
    fn everything_is_hidden_below_min_cell_units() {
        let (config, loaded) = fixture();
        let o = overview(&units(&loaded, config.period, UnitMode::Family).unwrap(), 7).unwrap();
        assert_eq!((o.units, o.total_cost), (None, None));
        assert!(o.top_share.iter().all(|t| t.share.is_none()));
        assert!(o
            .by_departments
            .iter()
            .all(|b| b.units.is_none() && b.cost.is_none()));
    }
}
