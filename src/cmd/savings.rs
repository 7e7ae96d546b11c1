//! `tvaers savings`: a cohort's savings case per budget area and department.

use super::analysis::{criteria, mode};
use super::{workspace, Destination, Diagnostics};
use crate::cli::{AssumptionArgs, SavingsArgs, ScenarioArg};
use anyhow::{bail, Result};
use tvaers::accounts::AccountMap;
use tvaers::config::{merge_savings, Origin, Savings, SavingsLayer, Setting};
use tvaers::hotspots;
use tvaers::output::Format;
use tvaers::output::{render_document, render_table};
use tvaers::savings::{
    self, areas_table, case_document, cases_document, cohort_cost, match_cohort, read_cohort,
    Scenario,
};
use tvaers::workspace::Plan;

pub fn run(args: SavingsArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("savings");
    let writes = workspace::Writes::of(&args.output, args.cohort.as_deref());
    let criteria = criteria(&args.selection, None)?;
    let mode = mode(args.unit);
    let opening = workspace::configure(&args.workspace, &writes, diagnostics)?;
    // The cohort file is read after the outputs are checked against the
    // inputs, and before the long read of the sources.
    let file_cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
    let ws = opening.open(&Plan::units(&[mode]))?;
    let units = ws.units(mode)?;
    let savings = merge_savings(&ws.config.savings_layer, &flags(&args.assumptions))?;
    check_effect_areas(&savings, &ws.config.budget_areas)?;
    let config = savings.values;

    let cohort = match file_cohort {
        Some(ids) => {
            let active = unit_ids(units)?;
            given_cohort(ids, |id| active.contains(id), "active unit", diagnostics)?
        }
        None => hotspots::cohort(units, &criteria)?,
    };
    let cost = cohort_cost(units, &cohort)?;
    let scenarios = match args.scenario {
        ScenarioArg::Low => vec![Scenario::Low],
        ScenarioArg::Base => vec![Scenario::Base],
        ScenarioArg::High => vec![Scenario::High],
        ScenarioArg::All => vec![Scenario::Low, Scenario::Base, Scenario::High],
    };
    let cases = scenarios
        .into_iter()
        .map(|s| savings::model(&cost, &config, ws.period, s))
        .collect::<Result<Vec<_>, _>>()?;
    let min_cell = ws.min_cell;
    if cost.units < u64::from(min_cell) {
        diagnostics.warn(&format!(
            "the cohort has fewer than min_cell = {min_cell} units: its figures are suppressed"
        ));
    }
    destination.write(&ws, |options, out| {
        if options.format == Format::Csv {
            // SPEC §6: CSV is one row per budget area (per scenario, side by side).
            let visible: Vec<_> = cases.iter().map(|c| savings::shown(c, min_cell)).collect();
            let table = areas_table(
                &cases.iter().zip(&visible).collect::<Vec<_>>(),
                &config,
                cases.len() > 1,
            )?;
            return render_table(&table, options, out);
        }
        let document = match cases.as_slice() {
            [one] => case_document(one, &config, min_cell, &Default::default())?,
            many => cases_document(many, &config, min_cell)?,
        };
        render_document(&document, options, out)
    })
}

/// The command line's savings flags, as a layer over the config's.
fn flags(args: &AssumptionArgs) -> SavingsLayer {
    SavingsLayer {
        horizon_years: args.horizon_years,
        discount_rate: args.discount_rate,
        coordinator_cost: args.coordinator_cost,
        setup_cost: args.setup_cost,
        ramp_up: args.ramp_up.clone(),
        deadweight: args.deadweight,
        optimism_bias: args.optimism_bias,
        effects: (!args.effect.is_empty()).then(|| args.effect.iter().cloned().collect()),
        scenarios: None,
    }
}

/// Every area an effect names must be one an account can map to (or
/// `default`): a misspelt area would otherwise get no effect, silently.
fn check_effect_areas(
    savings: &Savings,
    budget_areas: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let map = AccountMap::new(budget_areas);
    let known = map.area_names();
    for area in savings.values.effects.keys() {
        if area == "default" || known.contains(&area.as_str()) {
            continue;
        }
        let setting = Setting::Effect(area.clone());
        let written = match savings.origin(&setting) {
            Origin::Flag => "--effect",
            Origin::Config | Origin::Default => "savings.effects",
        };
        let hint = map
            .closest_area(area)
            .map(|c| format!("; did you mean {c:?}?"))
            .unwrap_or_default();
        bail!(
            "{written} names the budget area {area:?}, which is neither in [budget_areas], \
             nor in the default kontoplan table, nor \"default\"{hint}"
        );
    }
    Ok(())
}

/// The ids of the active units.
fn unit_ids(units: &tvaers::units::Units) -> Result<std::collections::HashSet<String>> {
    Ok(units
        .frame
        .column(tvaers::units::metric::UNIT_ID)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// A `--cohort` file's ids that are `what` (by `is_unit`); the others are
/// counted in a warning (never listed: they may be anyone's), and a cohort
/// of none is an error.
pub(super) fn given_cohort(
    ids: Vec<String>,
    is_unit: impl Fn(&str) -> bool,
    what: &str,
    diagnostics: &Diagnostics,
) -> Result<Vec<String>> {
    let total = ids.len();
    let (matched, unmatched) = match_cohort(ids, is_unit);
    if matched.is_empty() {
        bail!("none of the {total} ids in the --cohort file matches an {what} in the period: check the file and the --unit");
    }
    if unmatched > 0 {
        diagnostics.warn(&format!(
            "{unmatched} of the {total} ids in the --cohort file match no {what} in the period; they are not counted"
        ));
    }
    Ok(matched)
}
