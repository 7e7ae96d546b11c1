//! `tvaers hotspots`, `overview` and `report`: the unit analyses.

use super::{workspace, Destination, Diagnostics};
use crate::cli::{
    EveryArg, HotspotsArgs, LadderArgs, MatchArgs, MatchOnArg, MonitorArgs, OverviewArgs,
    RealisedArgs, ReportArgs, SelectionArgs, UnitArg,
};
use anyhow::Result;
use tvaers::hotspots::{self, CostCriterion, HotspotCriteria};
use tvaers::ladder::{self, highest_step};
use tvaers::load::{self, Loaded};
use tvaers::output::html::page_html;
use tvaers::output::Table;
use tvaers::output::{render_document, render_table, Format};
use tvaers::overview::overview;
use tvaers::pseudonym::Key;
use tvaers::realised::{balance_note, monitor, realised, Every, MatchOn, RealisedRequest};
use tvaers::report::{assumptions_table, full_report, report_page, PageRequest, ReportRequest};
use tvaers::savings::read_cohort;
use tvaers::schema::Kind;
use tvaers::units::{stream, UnitMode};
use tvaers::validate::check_reject_rate;

pub(super) fn mode(unit: UnitArg) -> UnitMode {
    match unit {
        UnitArg::Citizen => UnitMode::Citizen,
        UnitArg::Family => UnitMode::Family,
    }
}

pub(super) fn criteria(selection: &SelectionArgs, limit: Option<usize>) -> Result<HotspotCriteria> {
    // The flags' ranges are checked as they are parsed (cli.rs).
    Ok(HotspotCriteria {
        cost: match selection.min_cost {
            Some(x) => CostCriterion::MinCost(x),
            None => CostCriterion::TopPercent(selection.top_percent),
        },
        min_departments: selection.min_departments,
        min_caseworkers: selection.min_caseworkers,
        min_years: selection.min_years,
        limit,
    })
}

pub fn hotspots(args: HotspotsArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("hotspots");
    let writes = workspace::Writes::of(&args.output, None);
    let criteria = criteria(&args.selection, args.limit)?;
    let key = args.rekey.as_deref().map(Key::from_file).transpose()?;
    let (ws, units) = workspace::open_units(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        mode(args.unit),
    )?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    let selected = hotspots::select(&units, &criteria)?;
    destination.write(|options, out| {
        // One column per budget area is for files; a terminal gets the narrow view.
        let table = if options.format == Format::Table {
            hotspots::compact_table(&selected, &units.areas, key.as_ref())?
        } else {
            hotspots::table(selected.clone(), &units.areas, key.as_ref())?
        };
        render_table(&table, options, out)
    })
}

pub fn overview_command(args: OverviewArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("overview");
    let writes = workspace::Writes::of(&args.output, None);
    let (ws, units) = workspace::open_units(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        mode(args.unit),
    )?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    let document = overview(&units, ws.config.min_cell)?.document()?;
    destination.write(|options, out| render_document(&document, options, out))
}

pub fn report_command(args: ReportArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("report");
    let writes = workspace::Writes::of(&args.output, None);
    let criteria = criteria(&args.selection, Some(args.top))?;
    let key = args.rekey.as_deref().map(Key::from_file).transpose()?;
    let (ws, units) = workspace::open_units_in(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        &[UnitMode::Citizen, UnitMode::Family],
    )?;
    let [citizens, families] = <[_; 2]>::try_from(units)
        .map_err(|_| anyhow::anyhow!("expected citizen and family units"))?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    let request = ReportRequest {
        period: ws.period,
        min_cell: ws.config.min_cell,
        criteria,
        savings: ws.config.savings.clone(),
    };
    let full = full_report(&citizens, &families, &request, key.as_ref())?;
    destination.write(|options, out| match options.format {
        Format::Html | Format::Xlsx => {
            let assumptions = assumptions_table(&ws.config.savings, &ws.config.savings_given)?;
            let sources = Table::new(tvaers::validate::report_frame(ws.loaded.reports())?)
                .with_title("Data quality per source");
            if options.format == Format::Xlsx {
                let workbook = full.workbook(args.units, assumptions, sources)?;
                return render_document(&workbook, options, out);
            }
            let page = report_page(
                &full,
                &PageRequest {
                    language: options.language,
                    min_cell: options.min_cell,
                    units: args.units,
                    rekeyed: key.is_some(),
                    period: ws.period,
                    assumptions,
                    sources,
                },
            )?;
            out.write_all(page_html(&page).as_bytes())?;
            out.flush()?;
            Ok(())
        }
        _ => render_document(&full.document, options, out),
    })
}

pub fn ladder_command(args: LadderArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("ladder");
    let writes = workspace::Writes::of(&args.output, args.cohort.as_deref());
    let criteria = criteria(&args.selection, None)?;
    // The hotspot cohort needs the citizen units; a given cohort only the ladder.
    let hotspot_cohort = args.cohort.is_none() && !args.enrolled;
    let mut file_cohort = None;
    let (ws, units) = workspace::open_with(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        |config, period| {
            // Read after the outputs are checked against the inputs.
            file_cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
            let ladder = load::load_kinds(config, period, &[Kind::Ladder, Kind::Enrolments])?;
            if !hotspot_cohort {
                return Ok((ladder, None));
            }
            let (rows, mut units) = stream(config, period, &[UnitMode::Citizen])?;
            Ok((Loaded::combine(config, vec![ladder, rows]), units.pop()))
        },
    )?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    let cohort = match (file_cohort, units) {
        (Some(ids), _) => {
            let assessed = citizens(&ws.loaded, Kind::Ladder)?;
            let assessed: std::collections::HashSet<String> = assessed.into_iter().collect();
            super::savings::given_cohort(
                ids,
                |id| assessed.contains(id),
                "citizen assessed on the ladder",
                diagnostics,
            )?
        }
        (None, Some(units)) => hotspots::cohort(&units, &criteria)?,
        (None, None) => citizens(&ws.loaded, Kind::Enrolments)?,
    };
    let Some(top) = args.top_step.or(highest_step(&ws.loaded)?) else {
        anyhow::bail!("there are no ladder rows: add a ladder source to the config");
    };
    let groups = ladder::ladder(&ws.loaded, ws.period, &cohort, top)?;
    let table = ladder::table(&groups, top, ws.config.min_cell)?;
    destination.write(|options, out| render_table(&table, options, out))
}

/// The distinct citizens of a kind of source, in order of first appearance.
fn citizens(loaded: &Loaded, kind: Kind) -> Result<Vec<String>> {
    let frame = loaded
        .frame(kind)?
        .select([polars::prelude::col("citizen").cast(polars::prelude::DataType::String)])
        .drop_nulls(None)
        .unique_stable(None, polars::prelude::UniqueKeepStrategy::First)
        .collect()?;
    Ok(frame
        .column("citizen")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

fn realised_request(args: &MatchArgs) -> RealisedRequest {
    RealisedRequest {
        mode: mode(args.unit),
        window_months: args.window_months,
        neighbours: args.neighbours as usize,
        match_on: args
            .match_on
            .iter()
            .map(|m| match m {
                MatchOnArg::Departments => MatchOn::Departments,
            })
            .collect(),
        max_imbalance: args.max_imbalance,
        max_level_gap: args.max_level_gap,
        resamples: args.resamples,
        seed: args.seed,
    }
}

fn no_enrolments(unit: UnitArg) -> anyhow::Error {
    anyhow::anyhow!(
        "no enrolled units: this needs an enrolments source with a {} column",
        match unit {
            UnitArg::Citizen => "citizen",
            UnitArg::Family => "family",
        }
    )
}

pub fn monitor_command(args: MonitorArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("monitor");
    let writes = workspace::Writes::of(&args.output, None);
    let request = realised_request(&args.matching);
    let every = match args.every {
        EveryArg::Month => Every::Month,
        EveryArg::Quarter => Every::Quarter,
        EveryArg::Year => Every::Year,
    };
    let (ws, monitor) = workspace::open_with(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        |config, period| Ok(monitor(config, period, &request, every)?),
    )?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    if monitor.realised.enrolled_units == 0 {
        return Err(no_enrolments(args.matching.unit));
    }
    let document = monitor.document(ws.config.min_cell)?;
    destination.write(|options, out| {
        if options.format == Format::Csv {
            for (key, part) in &document.parts {
                if let tvaers::output::Part::Table(table) = part {
                    if key == "periods" {
                        return render_table(table, options, out);
                    }
                }
            }
        }
        render_document(&document, options, out)
    })?;
    diagnostics.note(&balance_note(&monitor.realised, ws.config.min_cell));
    Ok(())
}

pub fn realised_command(args: RealisedArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("realised");
    let writes = workspace::Writes::of(&args.output, None);
    let request = realised_request(&args.matching);
    let (ws, estimate) = workspace::open_with(
        &args.workspace,
        &writes,
        diagnostics,
        &mut destination,
        |config, period| Ok(realised(config, period, &request)?),
    )?;
    check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    if estimate.enrolled_units == 0 {
        return Err(no_enrolments(args.matching.unit));
    }
    let document = estimate.document(ws.config.min_cell)?;
    // Table and CSV readers get one table: the areas, or the event study.
    let wanted = if args.event_study {
        "event_study"
    } else {
        "areas"
    };
    destination.write(|options, out| {
        if options.format == Format::Csv {
            for (key, part) in &document.parts {
                if let tvaers::output::Part::Table(table) = part {
                    if key == wanted {
                        return render_table(table, options, out);
                    }
                }
            }
        }
        render_document(&document, options, out)
    })?;
    // Whatever the format, the verdict on balance reaches a reader of stderr.
    diagnostics.note(&balance_note(&estimate, ws.config.min_cell));
    Ok(())
}
