//! Regression tests for figures that could be worked out from others the
//! same run published (SPEC §4), one per way it happened.

use crate::eqnice;
use crate::workdir::Workdir;

/// Four departments; 6 units in one, 5 in two, 1 in three, none in four;
/// every unit costs 1000 in `Kontante ydelser` (account 5.72) except the
/// three-department unit (7000).
fn bands_workdir() -> Workdir {
    let wd = Workdir::new();
    let mut csv = String::from("citizen,department,date,amount,account\n");
    for i in 1..=6 {
        csv.push_str(&format!("u{i},A,2023-02-01,1000,57201\n"));
    }
    for i in 7..=11 {
        csv.push_str(&format!(
            "u{i},A,2023-02-01,500,57201\nu{i},B,2023-03-01,500,57201\n"
        ));
    }
    csv.push_str(
        "u12,A,2023-02-01,3000,57201\nu12,C,2023-03-01,3000,57201\nu12,D,2023-04-01,1000,57201\n",
    );
    wd.write("expenses.csv", csv);
    wd.write(
        "tvaers.toml",
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = 5\n\n\
         [[sources]]\nname = \"expenses\"\nkind = \"expenses\"\npath = \"expenses.csv\"\n\
         [sources.columns]\ndepartment = \"department\"\n",
    );
    wd
}

#[test]
fn a_band_of_zero_units_protected_a_band_of_one_unit() {
    // Before: bands 3 (1 unit, 7000) and 4+ (0 units) were both `<5`, and
    // 12 − 6 − 5 = 1 unit costing 18000 − 6000 − 5000 = 7000 gave it away.
    let run = bands_workdir().run(&["overview", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["by_departments"],
        serde_json::json!([
            {"departments": "1", "units": 6, "cost": 6000.0},
            {"departments": "2", "units": null, "cost": null},
            {"departments": "3", "units": null, "cost": null},
            {"departments": "4+", "units": null, "cost": null}
        ])
    );
    assert_eq!(
        (v["units"].clone(), v["total_cost"].clone()),
        (12.into(), 18000.0.into())
    );
}

#[test]
fn a_complement_showed_as_below_min_cell_though_it_held_five_units() {
    let run = bands_workdir().run(&["overview", "--format", "table"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bands = run
        .stdout
        .split("Units and cost by number of departments\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default();
    eqnice!(
        "┌─────────────┬───────┬──────────┐
│ departments ┆ units ┆     cost │
╞═════════════╪═══════╪══════════╡
│ 1           ┆     6 ┆ 6,000.00 │
│ 2           ┆    .. ┆       .. │
│ 3           ┆    <5 ┆       <5 │
│ 4+          ┆    <5 ┆       <5 │
└─────────────┴───────┴──────────┘",
        bands
    );
    assert!(
        run.stdout.ends_with(
            "\n<5: fewer than 5 units; hidden for privacy.\n\
             ..: 5 units or more; hidden so that no figure marked <5 can be worked out from the others.\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn top_shares_at_full_precision_gave_the_cost_of_four_units_by_difference() {
    // 84 units costing 100, 200, … 8400 (total 357000): the top 1, 5, 10 and
    // 20 % are 1, 5, 9 and 17 units. 9 − 5 = 4 units, so the 10 % share goes
    // (as `..`); 17 − 5 = 12 units is enough. Shares keep 0.1 %.
    let wd = Workdir::new();
    let mut csv = String::from("citizen,date,amount,account\n");
    for i in 1..=84 {
        csv.push_str(&format!("u{i},2023-05-01,{},57201\n", i * 100));
    }
    wd.write("expenses.csv", csv);
    wd.write(
        "tvaers.toml",
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = 5\n\n\
         [[sources]]\nname = \"expenses\"\nkind = \"expenses\"\ndepartment = \"A\"\npath = \"expenses.csv\"\n",
    );
    let run = wd.run(&["overview", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // 41000 / 357000 = 0.11484…; 129200 / 357000 = 0.36190…
    assert_eq!(
        v["top_share"],
        serde_json::json!({"1": null, "5": 0.115, "10": null, "20": 0.362})
    );
    let run = wd.run(&["overview", "--format", "table"]);
    assert!(
        run.stdout.starts_with(
            "Population: active units and the share of cost the costliest hold
units                 84
total_cost    357,000.00
top_share.1           <5
top_share.5       11.5 %
top_share.10          ..
top_share.20      36.2 %
"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn department_baselines_and_gross_savings_solved_two_hidden_areas() {
    // Areas A (8 units, all booked by X), B (2 units, X), C (3 units, Y) and
    // D (6 units, Y), effects 0.1, 0.2, 0.3, 0.05, over exactly four years.
    // B and C are below five and D (the smallest other) joins them. Before,
    // X + Y covered every area, so X + Y − A = B + C + D and the gross
    // savings gave a second equation: two hidden areas were solvable. Now the
    // departments cover A only, and the summary keeps every area.
    let wd = Workdir::new();
    let mut csv = String::from("citizen,department,date,amount,account\n");
    let mut ids = String::from("unit_id\n");
    let mut unit = 0;
    for (area, department, units, cost) in [
        ("91", "X", 8, 1000),
        ("92", "X", 2, 4000),
        ("93", "Y", 3, 4000),
        ("94", "Y", 6, 500),
    ] {
        for _ in 0..units {
            unit += 1;
            csv.push_str(&format!(
                "u{unit},{department},2023-02-01,{cost},{area}01\n"
            ));
            ids.push_str(&format!("u{unit}\n"));
        }
    }
    wd.write("expenses.csv", csv);
    wd.write("cohort.csv", ids);
    wd.write(
        "tvaers.toml",
        "[analysis]\nfrom = \"2022-01-01\"\nto = \"2025-12-31\"\nmin_cell = 5\n\n\
         [budget_areas]\n\"91\" = \"A\"\n\"92\" = \"B\"\n\"93\" = \"C\"\n\"94\" = \"D\"\n\n\
         [savings]\nhorizon_years = 1\nramp_up = []\nsetup_cost = 0\ncoordinator_cost = 0\n\
         [savings.effects]\n\"A\" = 0.1\n\"B\" = 0.2\n\"C\" = 0.3\n\"D\" = 0.05\n\n\
         [[sources]]\nname = \"expenses\"\nkind = \"expenses\"\npath = \"expenses.csv\"\n\
         [sources.columns]\ndepartment = \"department\"\n",
    );
    let run = wd.run(&["savings", "--cohort", "cohort.csv", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let shown: Vec<(&str, Option<f64>)> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["budget_area"].as_str().unwrap(), a["baseline"].as_f64()))
        .collect();
    assert_eq!(
        shown,
        [("A", Some(2000.0)), ("B", None), ("C", None), ("D", None)]
    );
    let departments: Vec<(&str, Option<f64>, Option<f64>)> = v["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["department"].as_str().unwrap(),
                d["baseline"].as_f64(),
                d["total"].as_f64(),
            )
        })
        .collect();
    assert_eq!(departments, [("X", Some(2000.0), Some(200.0))]);
    // 2000 × 0.1 + 2000 × 0.2 + 3000 × 0.3 + 750 × 0.05 = 1537.5 a year.
    assert_eq!(v["summary"]["gross_savings"], 1537.5);
}
