//! `tvaers hotspots`, `overview` and `report`: the unit analyses.

use super::{workspace, Destination, Diagnostics};
use crate::cli::{HotspotsArgs, OverviewArgs, ReportArgs, SelectionArgs, UnitArg};
use anyhow::{Context, Result};
use tvaers::hotspots::{self, CostCriterion, HotspotCriteria};
use tvaers::output::{render_document, render_table};
use tvaers::overview::overview;
use tvaers::pseudonym::Key;
use tvaers::report::{report, ReportRequest};
use tvaers::units::{units, UnitMode};
use tvaers::validate::check_reject_rate;

pub(super) fn mode(unit: UnitArg) -> UnitMode {
    match unit {
        UnitArg::Citizen => UnitMode::Citizen,
        UnitArg::Family => UnitMode::Family,
    }
}

pub(super) fn criteria(selection: &SelectionArgs, limit: Option<usize>) -> Result<HotspotCriteria> {
    if !(selection.min_years >= 0.0 && selection.min_years.is_finite()) {
        anyhow::bail!(
            "--min-years must be zero or more, found {}",
            selection.min_years
        );
    }
    Ok(HotspotCriteria {
        cost: match selection.min_cost {
            Some(x) if x.is_finite() => CostCriterion::MinCost(x),
            Some(x) => anyhow::bail!("--min-cost must be a number, found {x}"),
            None => CostCriterion::TopPercent(selection.top_percent),
        },
        min_departments: selection.min_departments,
        min_caseworkers: selection.min_caseworkers,
        min_years: selection.min_years,
        limit,
    })
}

pub fn hotspots(args: HotspotsArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?;
    let criteria = criteria(&args.selection, args.limit)?;
    let key = args.rekey.as_deref().map(Key::from_file).transpose()?;
    let ws = workspace::open(&args.workspace, diagnostics)?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    let units = units(&ws.loaded, ws.period, mode(args.unit)).context("computing units")?;
    let selected = hotspots::select(&units, &criteria)?;
    let table = hotspots::table(selected, &units.areas, key.as_ref())?;
    destination.write(|options, out| render_table(&table, options, out))
}

pub fn overview_command(args: OverviewArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?;
    let ws = workspace::open(&args.workspace, diagnostics)?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    destination.set_min_cell(ws.config.min_cell);
    let document =
        overview(&ws.loaded, ws.period, mode(args.unit), ws.config.min_cell)?.document()?;
    destination.write(|options, out| render_document(&document, options, out))
}

pub fn report_command(args: ReportArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?;
    let criteria = criteria(&args.selection, Some(args.top))?;
    let ws = workspace::open(&args.workspace, diagnostics)?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    destination.set_min_cell(ws.config.min_cell);
    let request = ReportRequest {
        period: ws.period,
        min_cell: ws.config.min_cell,
        criteria,
        savings: ws.config.savings.clone(),
    };
    let document = report(&ws.loaded, &request)?;
    destination.write(|options, out| render_document(&document, options, out))
}
