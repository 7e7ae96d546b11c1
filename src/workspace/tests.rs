//! The one pass against a pass per target, and plans that read only what
//! they need.

use super::*;
use crate::realised::{monitor, realised, Every};

/// The names of the sources a workspace read.
fn read(ws: &Workspace) -> Vec<String> {
    ws.loaded.reports().map(|r| r.name.clone()).collect()
}

#[test]
fn a_plan_reads_only_the_sources_its_targets_need() {
    let (_dir, config, request) = crate::realised::tests::fixture();
    let open = |plan: &Plan| Workspace::open(config.clone(), config.period, plan).unwrap();
    // The fixture's sources: expenses `e`, enrolments `k`.
    assert_eq!(read(&open(&Plan::units(&[UnitMode::Citizen]))), ["e"]);
    assert_eq!(
        read(&open(&Plan::default().with_panel(request.panel()))),
        ["e", "k"]
    );
    assert_eq!(
        read(&open(&Plan::default().with_frames(&[Kind::Enrolments]))),
        ["k"]
    );
    assert_eq!(read(&open(&Plan::validate())), ["e", "k"]);
}

#[test]
fn one_pass_for_every_target_gives_what_a_pass_for_each_gives() {
    let (_dir, config, request) = crate::realised::tests::fixture();
    let open = |plan: &Plan| Workspace::open(config.clone(), config.period, plan).unwrap();
    let all = open(&Plan {
        units: vec![UnitMode::Citizen, UnitMode::Family],
        frames: vec![Kind::Ladder],
        panel: Some(request.panel()),
        summary: true,
        without_details: Vec::new(),
    });
    for mode in [UnitMode::Citizen, UnitMode::Family] {
        let alone = open(&Plan::units(&[mode]));
        let (a, b) = (all.units(mode).unwrap(), alone.units(mode).unwrap());
        assert!(a.frame.equals_missing(&b.frame), "{mode:?}");
        assert!(
            a.costs().unwrap().equals_missing(b.costs().unwrap()),
            "{mode:?}"
        );
    }
    // Without their details, units are the same table, and asking for the
    // details is an error, not an empty table.
    let listed = open(&Plan::units(&[UnitMode::Family]).without_details(&[UnitMode::Family]));
    let (a, b) = (
        all.units(UnitMode::Family).unwrap(),
        listed.units(UnitMode::Family).unwrap(),
    );
    assert!(a.frame.equals_missing(&b.frame));
    assert_eq!(b.areas, a.areas);
    assert!(b.costs().is_err() && b.departments().is_err());
    // Compared as text: with no resamples the intervals are NaN, never equal to themselves.
    let alone = open(&Plan::default().with_panel(request.panel()));
    let estimate = |ws: &Workspace| format!("{:?}", realised(ws.panel().unwrap(), &request));
    assert_eq!(estimate(&all), estimate(&alone));
    let followed = |ws: &Workspace| {
        let m = monitor(ws.panel().unwrap(), &request, Every::Month, &config.savings);
        format!("{m:?}")
    };
    assert_eq!(followed(&all), followed(&alone));
    let validated = open(&Plan::validate());
    let warnings = |ws: &Workspace| {
        crate::validate::warnings(&ws.loaded, ws.summary().unwrap(), ws.period).unwrap()
    };
    assert_eq!(warnings(&all), warnings(&validated));
    assert_eq!(
        all.loaded.reports().collect::<Vec<_>>(),
        validated.loaded.reports().collect::<Vec<_>>()
    );
}

#[test]
fn asking_for_what_the_plan_did_not_read_is_an_error_naming_it() {
    let (_dir, config, _) = crate::realised::tests::fixture();
    let ws = Workspace::open(config.clone(), config.period, &Plan::validate()).unwrap();
    let message = |e: WorkspaceError| e.to_string();
    assert_eq!(
        ws.units(UnitMode::Family).map(|_| ()).map_err(message),
        Err("the workspace was opened without the Family units".to_string())
    );
    assert_eq!(
        ws.panel().map(|_| ()).map_err(message),
        Err("the workspace was opened without the realised panel".to_string())
    );
}

#[test]
fn a_panel_for_an_open_period_is_refused_before_any_file_is_read() {
    let (dir, config, request) = crate::realised::tests::fixture();
    // Were the files read, this would be an error about the file instead.
    std::fs::remove_file(dir.path().join("e.csv")).unwrap();
    let period = Period {
        to: None,
        ..config.period
    };
    let plan = Plan::default().with_panel(request.panel());
    let error = Workspace::open(config, period, &plan).err().unwrap();
    assert!(
        matches!(error, WorkspaceError::Realised(RealisedError::OpenPeriod)),
        "{error}"
    );
}
