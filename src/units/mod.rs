//! Units and their metrics (SPEC §2): every expense and contact row of the
//! period is given a unit (its citizen, or in family mode the family the
//! citizen belonged to on that row's date), and each active unit gets the
//! table of metrics that hotspots, overview and savings read. The unit is
//! decided per row, so a child who moves contributes to each household for
//! the dates it was a member.
//!
//! The workspace's pass gathers the units while the files are read, never
//! holding the rows; `units` gathers them from loaded rows, with the same
//! accumulator.

mod accumulator;
mod keyed;
mod membership;
mod table;
mod unit;

pub use accumulator::Accumulator;
pub use keyed::{Keyed, KeyedWhat, Remap, Texts};
pub use membership::Membership;

use crate::config::Period;
use crate::load::Loaded;
use crate::schema::Kind;
use polars::prelude::*;
use std::sync::Arc;

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitMode {
    /// One citizen.
    Citizen,
    /// The household a citizen belonged to on a row's date (the citizen alone if none).
    Family,
}

/// Column names of the unit table, in output order (before the `cost_<area>` columns).
pub mod metric {
    /// Citizen id or family id.
    pub const UNIT_ID: &str = "unit_id";
    /// Distinct citizens with rows in the unit.
    pub const MEMBERS: &str = "members";
    /// Sum of expense amounts.
    pub const TOTAL_COST: &str = "total_cost";
    /// Distinct departments among expense and contact rows.
    pub const DEPARTMENTS: &str = "departments";
    /// Distinct (department, caseworker) pairs among contact rows with a caseworker.
    pub const CASEWORKERS: &str = "caseworkers";
    /// Contact rows.
    pub const CONTACTS: &str = "contacts";
    /// Distinct (department, case) pairs among rows with a case.
    pub const CASES: &str = "cases";
    /// Earliest row date.
    pub const FIRST_DATE: &str = "first_date";
    /// Latest row date.
    pub const LAST_DATE: &str = "last_date";
    /// `last_date - first_date + 1`.
    pub const ACTIVE_DAYS: &str = "active_days";
    /// Prefix of the per-budget-area cost columns.
    pub const COST_PREFIX: &str = "cost_";
}

/// The active units of a period, one row each, sorted by `unit_id`.
#[derive(Debug, Clone)]
pub struct Units {
    /// `unit_id, members, total_cost, departments, caseworkers, contacts,
    /// cases, first_date, last_date, active_days, cost_<area>…`.
    pub frame: DataFrame,
    /// Budget areas with expense rows in the period, sorted; one `cost_<area>` column each.
    pub areas: Vec<String>,
    /// Each unit's departments and costs, when they were asked for.
    pub details: Option<Details>,
}

/// Each unit's departments and its cost per budget area and department,
/// as long tables: the overview and the savings read them; a list of
/// hotspots does not, and at a million units they are millions of rows.
#[derive(Debug, Clone)]
pub struct Details {
    /// `unit_id, department`: each department a unit has rows in, sorted.
    pub departments: DataFrame,
    /// `unit_id, budget_area, department, amount`: each unit's cost per
    /// budget area and department it has expense rows in, sorted.
    pub costs: DataFrame,
}

impl Units {
    /// `unit_id, department`, if the units were gathered with their details.
    pub fn departments(&self) -> PolarsResult<&DataFrame> {
        Ok(&self.details()?.departments)
    }

    /// `unit_id, budget_area, department, amount`, if the units were
    /// gathered with their details.
    pub fn costs(&self) -> PolarsResult<&DataFrame> {
        Ok(&self.details()?.costs)
    }

    fn details(&self) -> PolarsResult<&Details> {
        self.details.as_ref().ok_or_else(|| {
            polars_err!(ComputeError: "the units were gathered without their departments and costs")
        })
    }
}

/// Rows whose `field` date lies in the period.
pub fn in_period(frame: LazyFrame, field: &str, period: Period) -> LazyFrame {
    let mut frame = frame;
    if let Some(from) = period.from {
        frame = frame.filter(col(field).gt_eq(lit(from)));
    }
    if let Some(to) = period.to {
        frame = frame.filter(col(field).lt_eq(lit(to)));
    }
    frame
}

/// The name of an area's cost column.
pub fn cost_column(area: &str) -> String {
    format!("{}{area}", metric::COST_PREFIX)
}

/// Every active unit of the period with its metrics, from rows already
/// loaded: the reference the streamed path (the workspace's, which every command
/// uses) is tested against, on one thread.
pub fn units(loaded: &Loaded, period: Period, mode: UnitMode) -> PolarsResult<Units> {
    let membership = match mode {
        UnitMode::Family => Some(Arc::new(Membership::new(
            &loaded.frame(Kind::Households)?.collect()?,
        )?)),
        UnitMode::Citizen => None,
    };
    let mut all = Accumulator::new(mode, period, membership);
    let mut texts = Texts::default();
    for source in &loaded.sources {
        if source.report.kind.has_department() {
            all.add_frame(&mut texts, source.report.kind, &source.frame)?;
        }
    }
    let units = all.finish(&texts, &|_| true)?.into_iter().next();
    units
        .map(|(_, units)| units)
        .ok_or_else(|| polars_err!(ComputeError: "no units were built"))
}

/// The unit of a row of `citizen` on `day`: the citizen, or in family mode
/// the family whose membership covers the day (the citizen when none does).
pub fn unit_of<'a>(
    mode: UnitMode,
    membership: Option<&'a Membership>,
    citizen: &'a str,
    day: i32,
) -> &'a str {
    match (mode, membership) {
        (UnitMode::Family, Some(m)) => m.family(citizen, day).unwrap_or(citizen),
        _ => citizen,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::Config;

    /// The hand-computed fixture in `tests/fixtures/units`.
    pub(crate) fn fixture() -> (Config, Loaded) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/units/tvaers.toml");
        let config = Config::load(&path).expect("fixture config");
        let loaded = crate::load::load(&config, config.period).expect("fixture loads");
        (config, loaded)
    }

    /// The units of each mode as the commands gather them, in one pass,
    /// with the pass's counts and rejects.
    fn stream(config: &Config, modes: &[UnitMode]) -> (Loaded, Vec<Units>) {
        let plan = crate::workspace::Plan::units(modes);
        let ws = crate::workspace::Workspace::open(config.clone(), config.period, &plan).unwrap();
        let units = modes
            .iter()
            .map(|&m| ws.units(m).unwrap().clone())
            .collect();
        (ws.loaded, units)
    }

    /// The units of one mode as the commands gather them.
    fn streamed(config: &Config, mode: UnitMode) -> Units {
        stream(config, &[mode]).1.remove(0)
    }

    /// One unit's row as text, `|`-separated, for whole-row comparison.
    fn row(units: &Units, id: &str) -> String {
        let ids = units.frame.column(metric::UNIT_ID).unwrap().str().unwrap();
        let i = ids
            .iter()
            .position(|x| x == Some(id))
            .expect("unit present");
        units
            .frame
            .columns()
            .iter()
            .map(|c| match c.get(i).unwrap() {
                AnyValue::String(s) => s.to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    /// `stream` gives the units, counts and rejects that loading every row does.
    fn streamed_equals_loaded(config: &Config, what: &str) {
        let loaded = crate::load::load(config, config.period).unwrap();
        for mode in [UnitMode::Citizen, UnitMode::Family] {
            let (streamed, mut from_files) = stream(config, &[mode]);
            let from_files = from_files.remove(0);
            let from_rows = units(&loaded, config.period, mode).unwrap();
            assert!(from_rows.frame.height() > 0, "{what}");
            assert_eq!(from_files.areas, from_rows.areas, "{what} {mode:?}");
            assert!(
                from_files.frame.equals_missing(&from_rows.frame),
                "{what} {mode:?}:\n{}\n{}",
                from_files.frame,
                from_rows.frame
            );
            let read: Vec<Kind> = match mode {
                UnitMode::Citizen => vec![Kind::Expenses, Kind::Contacts],
                UnitMode::Family => vec![Kind::Expenses, Kind::Contacts, Kind::Households],
            };
            let expected: Vec<_> = loaded
                .reports()
                .filter(|r| read.contains(&r.kind))
                .cloned()
                .collect();
            let got: Vec<_> = streamed.reports().cloned().collect();
            assert_eq!(got, expected, "{what} {mode:?}");
            let expected: Vec<_> = loaded
                .rejects
                .iter()
                .filter(|r| expected.iter().any(|s| s.name == r.source))
                .collect();
            assert_eq!(streamed.rejects.iter().collect::<Vec<_>>(), expected);
        }
        // Both modes in one pass, as `report` gathers them (from segments).
        let modes = [UnitMode::Citizen, UnitMode::Family];
        for (mode, from_files) in modes.into_iter().zip(stream(config, &modes).1) {
            let from_rows = units(&loaded, config.period, mode).unwrap();
            assert_eq!(from_files.areas, from_rows.areas, "{what} {mode:?}");
            for (a, b) in [
                (&from_files.frame, &from_rows.frame),
                (from_files.costs().unwrap(), from_rows.costs().unwrap()),
                (
                    from_files.departments().unwrap(),
                    from_rows.departments().unwrap(),
                ),
            ] {
                assert!(a.equals_missing(b), "{what} {mode:?}:\n{a}\n{b}");
            }
        }
    }

    #[test]
    fn streaming_the_fixture_gives_the_loaded_units() {
        let (config, _) = fixture();
        streamed_equals_loaded(&config, "fixture");
    }

    #[test]
    fn streaming_a_fixture_with_bad_rows_rejects_what_loading_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/units");
        for name in [
            "tvaers.toml",
            "expenses.csv",
            "contacts.csv",
            "households.csv",
        ] {
            std::fs::copy(fixture.join(name), dir.path().join(name)).unwrap();
        }
        let append = |name: &str, lines: &str| {
            let path = dir.path().join(name);
            let text = std::fs::read_to_string(&path).unwrap() + lines;
            std::fs::write(path, text).unwrap();
        };
        append(
            "expenses.csv",
            "A,2023-02-30,10,5.57.73,Job,J1\nB,2023-03-01,12;50,5.57.73,Job,\nB,2023-03-01,50,,Job,\n",
        );
        append(
            "contacts.csv",
            ",2023-02-01,Job,CW1,J1\nE,2023-07-02,,CW5,S1\nE,2023-07-03\n",
        );
        append("households.csv", "K,F4,2023-08-01,2023-07-01\n");
        let config = Config::load(&dir.path().join("tvaers.toml")).unwrap();
        let loaded = crate::load::load(&config, config.period).unwrap();
        assert_eq!(loaded.rejects.len(), 7);
        streamed_equals_loaded(&config, "bad rows");
    }

    /// A CSV file's rows as a Parquet file, empty as null: when `typed`,
    /// `date` as Date and `amount` as Float64, everything else as text;
    /// otherwise all as text.
    fn as_parquet(csv: &std::path::Path, parquet: &std::path::Path, typed: bool) {
        let text = std::fs::read_to_string(csv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, &name)| {
                let values = rows.iter().map(|r| Some(r[i]).filter(|v| !v.is_empty()));
                match name {
                    _ if !typed => Column::new(name.into(), values.collect::<Vec<_>>()),
                    "date" => Column::new(
                        name.into(),
                        values
                            .map(|v| v.map(|d| d.parse::<chrono::NaiveDate>().unwrap()))
                            .collect::<Vec<_>>(),
                    ),
                    "amount" => Column::new(
                        name.into(),
                        values
                            .map(|v| v.map(|a| a.parse::<f64>().unwrap()))
                            .collect::<Vec<_>>(),
                    ),
                    _ => Column::new(name.into(), values.collect::<Vec<_>>()),
                }
            })
            .collect();
        let mut frame = DataFrame::new(rows.len(), columns).unwrap();
        let file = std::fs::File::create(parquet).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }

    #[test]
    fn streaming_typed_parquet_with_bad_rows_gives_the_loaded_units_and_rejects() {
        parquet_with_bad_rows(true);
    }

    #[test]
    fn streaming_text_parquet_with_bad_rows_gives_the_loaded_units_and_rejects() {
        parquet_with_bad_rows(false);
    }

    /// The fixture as Parquet with three bad rows at its end; the streamed
    /// files are read three rows at a time in tests, so the rows cross slices.
    fn parquet_with_bad_rows(typed: bool) {
        let dir = tempfile::tempdir().unwrap();
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/units");
        let config = std::fs::read_to_string(fixture.join("tvaers.toml"))
            .unwrap()
            .replace(".csv\"", ".parquet\"");
        std::fs::write(dir.path().join("tvaers.toml"), config).unwrap();
        // An account without digits, an untrimmed citizen, an empty
        // department: one reject, one row cleaned by the row rules, one reject.
        let expenses = std::fs::read_to_string(fixture.join("expenses.csv")).unwrap()
            + "A,2023-02-01,10,x.y,Job,J1\n B ,2023-03-02,20,5.57.73,Job,\nC,2023-04-02,30,5.57.73,,\n";
        std::fs::write(dir.path().join("expenses.csv"), expenses).unwrap();
        as_parquet(
            &dir.path().join("expenses.csv"),
            &dir.path().join("expenses.parquet"),
            typed,
        );
        for name in ["contacts", "households"] {
            as_parquet(
                &fixture.join(format!("{name}.csv")),
                &dir.path().join(format!("{name}.parquet")),
                typed,
            );
        }
        let config = Config::load(&dir.path().join("tvaers.toml")).unwrap();
        let loaded = crate::load::load(&config, config.period).unwrap();
        let reasons: Vec<(u64, &str)> = loaded
            .rejects
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        let rows = std::fs::read_to_string(fixture.join("expenses.csv"))
            .unwrap()
            .lines()
            .count() as u64
            - 1;
        assert_eq!(
            reasons,
            [
                (rows + 1, "account: \"x.y\" has no account digits"),
                (rows + 3, "department is empty")
            ]
        );
        streamed_equals_loaded(&config, "typed parquet");
        let b = row(&streamed(&config, UnitMode::Citizen), "B");
        assert_eq!(
            b,
            "B|1|1520.0|2|0|1|0|2023-03-01|2023-05-01|62|1520.0|0.0|0.0"
        );
    }

    #[test]
    fn streaming_generated_csv_and_parquet_gives_the_loaded_units() {
        use crate::generate::{generate, Dialect, EnrolBy, FileFormat, GenerateRequest};
        let dir = tempfile::tempdir().unwrap();
        for (name, dialect, format) in [
            ("danish", Dialect::Danish, FileFormat::Csv),
            ("parquet", Dialect::Plain, FileFormat::Parquet),
        ] {
            let out = dir.path().join(name);
            generate(&GenerateRequest {
                citizens: 1500,
                seed: 7,
                out: out.clone(),
                dialect,
                format,
                enrol_by: EnrolBy::EarlierCost,
            })
            .unwrap();
            let config = Config::load(&out.join("tvaers.toml")).unwrap();
            streamed_equals_loaded(&config, name);
        }
    }

    #[test]
    fn citizen_units_match_the_hand_computed_table() {
        let (config, _) = fixture();
        let units = streamed(&config, UnitMode::Citizen);
        assert_eq!(
            units.areas,
            [
                "Kontante ydelser",
                "Tilbud til børn og unge med særlige behov",
                "Tilbud til voksne med særlige behov"
            ]
        );
        let names: Vec<&str> = units
            .frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "unit_id",
                "members",
                "total_cost",
                "departments",
                "caseworkers",
                "contacts",
                "cases",
                "first_date",
                "last_date",
                "active_days",
                "cost_Kontante ydelser",
                "cost_Tilbud til børn og unge med særlige behov",
                "cost_Tilbud til voksne med særlige behov"
            ]
        );
        assert_eq!(units.frame.height(), 6);
        // One caseworker id in two departments is two caseworkers.
        assert_eq!(
            row(&units, "A"),
            "A|1|1500.0|2|2|3|2|2023-01-01|2023-06-30|181|1000.0|500.0|0.0"
        );
        // Missing caseworker and case count for nothing.
        assert_eq!(
            row(&units, "B"),
            "B|1|1500.0|2|0|1|0|2023-03-01|2023-05-01|62|1500.0|0.0|0.0"
        );
        // The 2024 row is one day outside the period.
        assert_eq!(
            row(&units, "C"),
            "C|1|1500.0|1|0|0|1|2023-04-01|2023-04-01|1|0.0|0.0|1500.0"
        );
        // A refund makes the cost negative; kept, not clamped.
        assert_eq!(
            row(&units, "D"),
            "D|1|-500.0|1|0|0|1|2023-05-01|2023-05-02|2|-500.0|0.0|0.0"
        );
        // Contacts only: active, with no cost.
        assert_eq!(
            row(&units, "E"),
            "E|1|0.0|1|1|1|1|2023-07-01|2023-07-01|1|0.0|0.0|0.0"
        );
        assert_eq!(
            row(&units, "K"),
            "K|1|700.0|1|0|0|1|2023-02-01|2023-09-01|213|0.0|700.0|0.0"
        );
    }

    #[test]
    fn family_units_follow_membership_on_each_rows_date() {
        let (config, _) = fixture();
        let units = streamed(&config, UnitMode::Family);
        assert_eq!(units.frame.height(), 6);
        // K's February row belongs to F1, its September row to F2.
        assert_eq!(
            row(&units, "F1"),
            "F1|2|1800.0|2|2|3|3|2023-01-01|2023-06-30|181|1000.0|800.0|0.0"
        );
        // D's 1 May row is F2's (F3 starts 2 May) …
        assert_eq!(
            row(&units, "F2"),
            "F2|2|600.0|2|0|0|2|2023-05-01|2023-09-01|124|200.0|400.0|0.0"
        );
        // … and its 2 May row F3's: the overlapping membership with the latest valid_from wins.
        assert_eq!(
            row(&units, "F3"),
            "F3|1|-700.0|1|0|0|1|2023-05-02|2023-05-02|1|-700.0|0.0|0.0"
        );
        // Citizens outside any household are their own unit.
        assert_eq!(
            row(&units, "B"),
            "B|1|1500.0|2|0|1|0|2023-03-01|2023-05-01|62|1500.0|0.0|0.0"
        );
        assert_eq!(
            row(&units, "E"),
            "E|1|0.0|1|1|1|1|2023-07-01|2023-07-01|1|0.0|0.0|0.0"
        );
    }
}
