//! The accumulator against hand-computed units: citizens who move between
//! families, workers that merge, rows in runs and interleaved, segments
//! against each mode gathered alone.

use super::*;
use crate::load::{Row, What};

fn row<'a>(citizen: &'a str, date: i32, case: &'a str, amount: Option<f64>) -> Row<'a> {
    let what = match amount {
        Some(amount) => What::Expense {
            amount,
            account: "5.22.07",
            area: "Voksne",
        },
        None => What::Contact {
            caseworker: Some("W"),
        },
    };
    Row {
        citizen,
        department: "D",
        date,
        case: Some(case),
        what,
    }
}

/// Citizen A belongs to family "B" throughout; citizen B to none.
fn membership() -> Arc<Membership> {
    let households = DataFrame::new(
        1,
        vec![
            Column::new("citizen".into(), ["A"]),
            Column::new("family".into(), ["B"]),
            Column::new("valid_from".into(), [None::<i32>])
                .cast(&DataType::Date)
                .unwrap(),
            Column::new("valid_to".into(), [None::<i32>])
                .cast(&DataType::Date)
                .unwrap(),
        ],
    )
    .unwrap();
    Arc::new(Membership::new(&households).unwrap())
}

/// The units of an accumulator of one mode.
fn finished(units: Accumulator, texts: &Texts) -> Units {
    let mut modes = units.finish(texts, &|_| true).unwrap();
    assert_eq!(modes.len(), 1);
    modes.remove(0).1
}

fn gathered(workers: &[&[Row<'_>]]) -> Units {
    let period = Period {
        from: None,
        to: None,
    };
    let mut parts = workers.iter().map(|rows| {
        let mut texts = Texts::default();
        let mut units = Accumulator::new(UnitMode::Family, period, Some(membership()));
        for row in rows.iter() {
            let keyed = texts.key(row);
            units.add(&texts, &keyed);
        }
        (texts, units)
    });
    let (mut texts, mut all) = parts.next().unwrap();
    for (theirs, units) in parts {
        let remap = texts.absorb(&theirs).unwrap();
        all.merge(units, &remap);
    }
    finished(all, &texts)
}

#[test]
fn a_citizen_who_moves_goes_to_each_family_on_its_days_in_any_order_of_rows() {
    // M is in family F1 to day 99, alone on days 100-199, in F2 from 200.
    let households = DataFrame::new(
        2,
        vec![
            Column::new("citizen".into(), ["M", "M"]),
            Column::new("family".into(), ["F1", "F2"]),
            Column::new("valid_from".into(), [None, Some(200)])
                .cast(&DataType::Date)
                .unwrap(),
            Column::new("valid_to".into(), [Some(99), None])
                .cast(&DataType::Date)
                .unwrap(),
        ],
    )
    .unwrap();
    let membership = Arc::new(Membership::new(&households).unwrap());
    let period = Period {
        from: None,
        to: None,
    };
    let mut texts = Texts::default();
    let mut units = Accumulator::new(UnitMode::Family, period, Some(membership));
    // M's rows leave and come back to each span, between Q's rows.
    let days_amounts = [
        ("M", 10, 1.0),
        ("Q", 10, 1000.0),
        ("M", 250, 2.0),
        ("M", 20, 4.0),
        ("Q", 300, 1000.0),
        ("M", 150, 8.0),
        ("M", 99, 16.0),
        ("M", 200, 32.0),
        ("M", 100, 64.0),
    ];
    for (citizen, date, amount) in days_amounts {
        let keyed = texts.key(&row(citizen, date, "k1", Some(amount)));
        units.add(&texts, &keyed);
    }
    let units = finished(units, &texts);
    let expected = df!(
        "unit_id" => ["F1", "F2", "M", "Q"],
        "members" => [1i64, 1, 1, 1],
        "total_cost" => [21.0, 34.0, 72.0, 2000.0],
    )
    .unwrap();
    let names = expected.get_column_names_owned();
    assert_eq!(units.frame.select(names).unwrap(), expected);
}

#[test]
fn segments_give_each_modes_units_as_gathering_each_mode_alone() {
    // M is in F1 to day 99, alone on days 100-199, in F2 from 200; A is
    // in F2 throughout, and in family "Q" from day 300, which is also
    // the id of Q, a citizen alone.
    let households = df!(
        "citizen" => ["M", "M", "A", "A"],
        "family" => ["F1", "F2", "F2", "Q"],
        "valid_from" => [None, Some(200), None, Some(300)],
        "valid_to" => [Some(99), None, None, None],
    )
    .unwrap()
    .lazy()
    .with_columns([
        col("valid_from").cast(DataType::Date),
        col("valid_to").cast(DataType::Date),
    ])
    .collect()
    .unwrap();
    let membership = Arc::new(Membership::new(&households).unwrap());
    let period = Period {
        from: None,
        to: None,
    };
    let rows = [
        row("M", 10, "k1", Some(1.0)),
        row("A", 10, "k2", Some(2.0)),
        row("Q", 10, "k3", None),
        row("M", 250, "k1", Some(4.0)),
        row("M", 150, "k4", Some(8.0)),
        row("A", 350, "k2", Some(16.0)),
        row("M", 20, "k5", None),
        row("Q", 300, "k3", Some(32.0)),
        row("M", 200, "k1", Some(64.0)),
    ];
    let gather = |mut units: Accumulator| {
        let mut texts = Texts::default();
        for row in &rows {
            let keyed = texts.key(row);
            units.add(&texts, &keyed);
        }
        units.finish(&texts, &|_| true).unwrap()
    };
    let both = gather(Accumulator::both(period, membership.clone()));
    assert_eq!(
        both.iter().map(|(mode, _)| *mode).collect::<Vec<_>>(),
        [UnitMode::Citizen, UnitMode::Family]
    );
    for (mode, units) in &both {
        let alone = gather(Accumulator::new(*mode, period, Some(membership.clone())));
        let alone = &alone[0].1;
        assert_eq!(units.frame, alone.frame, "{mode:?}");
        assert_eq!(units.costs().unwrap(), alone.costs().unwrap(), "{mode:?}");
        assert_eq!(units.departments().unwrap(), alone.departments().unwrap());
    }
    let expected = |ids: &[&str], members: &[i64], costs: &[f64], cases: &[i64]| {
        df!(
            "unit_id" => ids,
            "members" => members,
            "total_cost" => costs,
            "cases" => cases,
        )
        .unwrap()
    };
    let select = |units: &Units| {
        units
            .frame
            .select(["unit_id", "members", "total_cost", "cases"])
            .unwrap()
    };
    assert_eq!(
        select(&both[0].1),
        expected(
            &["A", "M", "Q"],
            &[1, 1, 1],
            &[18.0, 77.0, 32.0],
            &[1, 3, 1]
        )
    );
    // F2: M's rows from day 200 and A's to day 299; Q: Q alone and A
    // from day 300, one unit of two members.
    assert_eq!(
        select(&both[1].1),
        expected(
            &["F1", "F2", "M", "Q"],
            &[1, 2, 1, 2],
            &[1.0, 70.0, 8.0, 48.0],
            &[2, 2, 1, 2]
        )
    );
}

#[test]
fn ids_sort_by_their_prefixes_as_by_their_bytes() {
    let mut names = [
        "abcdefgh2",
        "abcdefgh10",
        "ab",
        "ab\0",
        "b",
        "",
        "abcdefgh",
        "æ",
        "z",
    ];
    let mut by_prefix = names.to_vec();
    by_prefix.sort_by(|a, b| prefix(a).cmp(&prefix(b)).then_with(|| a.cmp(b)));
    names.sort();
    assert_eq!(by_prefix, names);
}

#[test]
fn a_family_and_a_citizen_alone_with_the_same_id_are_one_unit() {
    let rows = [row("A", 10, "k1", Some(100.0)), row("B", 20, "k2", None)];
    let units = gathered(&[&rows]);
    let expected = df!(
        "unit_id" => ["B"],
        "members" => [2i64],
        "total_cost" => [100.0],
        "departments" => [1i64],
        "caseworkers" => [1i64],
        "contacts" => [1i64],
        "cases" => [2i64],
    )
    .unwrap();
    let names = expected.get_column_names_owned();
    assert_eq!(units.frame.select(names).unwrap(), expected);
    assert_eq!(units.costs().unwrap().height(), 1);
}

#[test]
fn workers_that_saw_texts_in_another_order_merge_to_one_workers_units() {
    let rows = [
        row("A", 10, "k1", Some(100.0)),
        row("C", 11, "k1", None),
        row("B", 20, "k2", Some(0.5)),
        row("C", 30, "k3", Some(2.25)),
    ];
    let one = gathered(&[&rows]);
    let (first, second) = rows.split_at(2);
    let reversed: Vec<Row<'_>> = second.iter().rev().copied().collect();
    let two = gathered(&[&reversed, first]);
    assert_eq!(one.frame, two.frame);
    assert_eq!(one.costs().unwrap(), two.costs().unwrap());
    assert_eq!(one.departments().unwrap(), two.departments().unwrap());
    let ids = one.frame.column("unit_id").unwrap().str().unwrap();
    assert_eq!(ids.iter().collect::<Vec<_>>(), [Some("B"), Some("C")]);
}

/// Rows of two citizens outside any family, built field by field.
fn of<'a>(citizen: &'a str, department: &'a str, case: &'a str, what: What<'a>) -> Row<'a> {
    Row {
        citizen,
        department,
        date: 10,
        case: Some(case),
        what,
    }
}

#[test]
fn rows_in_runs_and_rows_interleaved_give_the_same_sets_and_sums() {
    let spend = |amount, area| What::Expense {
        amount,
        account: "5.22.07",
        area,
    };
    let meet = |caseworker| What::Contact {
        caseworker: Some(caseworker),
    };
    // P repeats what it was last given, goes back to a cost it left, and
    // has one case number and one caseworker in two departments.
    let p = [
        of("P", "D1", "k1", spend(10.0, "A1")),
        of("P", "D1", "k1", spend(5.0, "A1")),
        of("P", "D2", "k1", spend(1.25, "A1")),
        of("P", "D1", "k2", meet("W1")),
        of("P", "D2", "k1", meet("W1")),
        of("P", "D1", "k1", spend(2.0, "A2")),
        of("P", "D1", "k1", spend(3.0, "A1")),
    ];
    let q = [
        of("Q", "D1", "k1", spend(100.0, "A1")),
        of("Q", "D1", "k1", meet("W1")),
    ];
    let runs: Vec<Row<'_>> = p.iter().chain(&q).copied().collect();
    // Q between two rows of P that repeat each other, and between P's
    // two contacts.
    let interleaved = [p[0], q[0], p[1], p[2], p[3], q[1], p[4], p[5], p[6]];
    let (one, two) = (gathered(&[&runs]), gathered(&[&interleaved]));
    assert_eq!(one.costs().unwrap(), two.costs().unwrap());
    let expected = df!(
        "unit_id" => ["P"],
        "total_cost" => [21.25],
        "departments" => [2i64],
        "caseworkers" => [2i64],
        "contacts" => [2i64],
        "cases" => [3i64],
    )
    .unwrap();
    let names = expected.get_column_names_owned();
    let p_of = |units: &Units| {
        let is_p = units
            .frame
            .column("unit_id")
            .unwrap()
            .str()
            .unwrap()
            .equal("P");
        units
            .frame
            .filter(&is_p)
            .unwrap()
            .select(names.clone())
            .unwrap()
    };
    assert_eq!(p_of(&one), expected);
    assert_eq!(p_of(&two), expected);
    let p_costs = df!(
        "unit_id" => ["P", "P", "P"],
        "budget_area" => ["A1", "A1", "A2"],
        "department" => ["D1", "D2", "D1"],
        "amount" => [18.0, 1.25, 2.0],
    )
    .unwrap();
    let is_p = one
        .costs()
        .unwrap()
        .column("unit_id")
        .unwrap()
        .str()
        .unwrap()
        .equal("P");
    assert_eq!(one.costs().unwrap().filter(&is_p).unwrap(), p_costs);
}
