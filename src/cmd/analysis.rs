//! `tvaers hotspots`, `overview` and `report`: the unit analyses.

use super::{workspace, Destination, Diagnostics};
use crate::cli::{
    EveryArg, HotspotsArgs, LadderArgs, MatchArgs, MatchOnArg, MonitorArgs, OverviewArgs,
    RealisedArgs, ReportArgs, SelectionArgs, UnitArg,
};
use anyhow::Result;
use tvaers::config::{merge_savings, Config};
use tvaers::hotspots::{self, CostCriterion, HotspotCriteria};
use tvaers::ladder::{self, highest_step};
use tvaers::load::Loaded;
use tvaers::output::html::page_html;
use tvaers::output::{render_document, render_table, Format};
use tvaers::output::{PartKey, Table};
use tvaers::overview::overview;
use tvaers::pseudonym::Key;
use tvaers::realised::{
    balance_note, monitor, part, realised, Every, MatchOn, MonthlyPanel, RealisedRequest,
};
use tvaers::report::{
    assumptions_table, full_report, report_page, Followup, PageRequest, ReportRequest,
};
use tvaers::savings::read_cohort;
use tvaers::schema::Kind;
use tvaers::units::UnitMode;
use tvaers::workspace::{Plan, Workspace};

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
    let destination = Destination::new(&args.output)?.named("hotspots");
    let writes = workspace::Writes::of(&args.output, None);
    let criteria = criteria(&args.selection, args.limit)?;
    let key = args.rekey.as_deref().map(Key::from_file).transpose()?;
    let mode = mode(args.unit);
    // A list of units reads no unit's departments or costs.
    let plan = Plan::units(&[mode]).without_details(&[mode]);
    let ws = workspace::configure(&args.workspace, &writes, diagnostics)?.open(&plan)?;
    let units = ws.units(mode)?;
    let selected = hotspots::select(units, &criteria)?;
    destination.write(&ws, |options, out| {
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
    let destination = Destination::new(&args.output)?.named("overview");
    let writes = workspace::Writes::of(&args.output, None);
    let mode = mode(args.unit);
    let ws =
        workspace::configure(&args.workspace, &writes, diagnostics)?.open(&Plan::units(&[mode]))?;
    let document = overview(ws.units(mode)?, ws.min_cell)?.document()?;
    destination.write(&ws, |options, out| render_document(&document, options, out))
}

pub fn report_command(args: ReportArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("report");
    let writes = workspace::Writes::of(&args.output, None);
    let criteria = criteria(&args.selection, Some(args.top))?;
    let key = args.rekey.as_deref().map(Key::from_file).transpose()?;
    let opening = workspace::configure(&args.workspace, &writes, diagnostics)?;
    // Only the page and the workbook show the enrolments and ladder sources.
    let shown = match destination.format() {
        Format::Html | Format::Xlsx => FollowupSources::of(opening.config()),
        _ => FollowupSources::default(),
    };
    // Families are only listed; the overview and the savings are of citizens.
    let mut plan =
        Plan::units(&[UnitMode::Citizen, UnitMode::Family]).without_details(&[UnitMode::Family]);
    if shown.ladder {
        plan = plan.with_frames(&[Kind::Ladder]);
    }
    if shown.enrolments {
        plan = plan
            .with_frames(&[Kind::Enrolments])
            .with_panel(RealisedRequest::DEFAULT.panel().as_enrolled());
    }
    let ws = opening.open(&plan)?;
    if shown.enrolments {
        warn_unlisted(ws.panel()?, diagnostics);
    }
    let (citizens, families) = (ws.units(UnitMode::Citizen)?, ws.units(UnitMode::Family)?);
    let request = ReportRequest {
        period: ws.period,
        min_cell: ws.min_cell,
        criteria,
        savings: ws.config.savings.clone(),
    };
    let mut full = full_report(citizens, families, &request, key.as_ref())?;
    if shown.ladder || shown.enrolments {
        full = full.with_followup(report_followup(&ws, &request.criteria, shown)?);
    }
    destination.write(&ws, |options, out| match options.format {
        Format::Html | Format::Xlsx => {
            let savings = merge_savings(&ws.config.savings_layer, &Default::default())?;
            let assumptions = assumptions_table(&savings)?;
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

/// Which of the report's sources beyond the expenses and contacts the
/// config has: the sections they feed are planned into the one pass only
/// where the source exists.
#[derive(Debug, Clone, Copy, Default)]
struct FollowupSources {
    enrolments: bool,
    ladder: bool,
}

impl FollowupSources {
    /// The config's kinds.
    fn of(config: &Config) -> FollowupSources {
        let has = |kind: Kind| config.sources.iter().any(|s| s.kind == kind);
        FollowupSources {
            enrolments: has(Kind::Enrolments),
            ladder: has(Kind::Ladder),
        }
    }
}

/// The report's realised, monitor and ladder sections, with the defaults of
/// `tvaers realised`, `monitor` (every quarter) and `ladder` (the citizen
/// hotspots as cohort, all of them, the highest step as top). A section is
/// left out where its source is absent, nobody is enrolled, or no one is
/// assessed on the ladder.
fn report_followup(
    ws: &Workspace,
    criteria: &HotspotCriteria,
    sources: FollowupSources,
) -> Result<Followup> {
    // Per citizen, or per family where the enrolments name families only.
    let monitored = match sources.enrolments && ws.panel()?.enrolled_units() > 0 {
        true => Some(monitor(
            ws.panel()?,
            &RealisedRequest {
                mode: ws.panel()?.mode(),
                ..RealisedRequest::DEFAULT
            },
            Every::Quarter,
            &ws.config.savings,
        )?),
        false => None,
    };
    let ladder = match (sources.ladder, highest_step(&ws.loaded)?) {
        (true, Some(top)) => {
            let cohort = hotspots::cohort(ws.units(UnitMode::Citizen)?, &criteria.uncapped())?;
            let groups = ladder::ladder(&ws.loaded, ws.period, &cohort, top)?;
            Some(ladder::table(&groups, top, ws.min_cell)?)
        }
        _ => None,
    };
    let unit = ws.panel().map_or(UnitMode::Citizen, |p| p.mode());
    let monitored = monitored.as_ref().map(|m| (m, unit));
    Ok(Followup::new(monitored, ladder, ws.min_cell)?)
}

pub fn ladder_command(args: LadderArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("ladder");
    let writes = workspace::Writes::of(&args.output, args.cohort.as_deref());
    let criteria = criteria(&args.selection, None)?;
    let opening = workspace::configure(&args.workspace, &writes, diagnostics)?;
    // Read after the outputs are checked against the inputs, before the sources.
    let file_cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
    // The hotspot cohort needs the citizen units; a given cohort only the ladder.
    let hotspot_cohort = file_cohort.is_none() && !args.enrolled;
    let plan = match hotspot_cohort {
        true => Plan::units(&[UnitMode::Citizen]),
        false => Plan::default(),
    }
    .with_frames(&[Kind::Ladder, Kind::Enrolments]);
    let ws = opening.open(&plan)?;
    let cohort = match file_cohort {
        Some(ids) => {
            let assessed = citizens(&ws.loaded, Kind::Ladder)?;
            let assessed: std::collections::HashSet<String> = assessed.into_iter().collect();
            super::savings::given_cohort(
                ids,
                |id| assessed.contains(id),
                "citizen assessed on the ladder",
                diagnostics,
            )?
        }
        None if hotspot_cohort => hotspots::cohort(ws.units(UnitMode::Citizen)?, &criteria)?,
        None => citizens(&ws.loaded, Kind::Enrolments)?,
    };
    let Some(top) = args.top_step.or(highest_step(&ws.loaded)?) else {
        anyhow::bail!("there are no ladder rows: add a ladder source to the config");
    };
    let groups = ladder::ladder(&ws.loaded, ws.period, &cohort, top)?;
    let table = ladder::table(&groups, top, ws.min_cell)?;
    destination.write(&ws, |options, out| render_table(&table, options, out))
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

/// The workspace of an estimate of realised savings: the monthly panel in
/// one pass, and an error naming what is missing when nobody is enrolled.
fn open_estimate(
    args: &MatchArgs,
    workspace_args: &crate::cli::WorkspaceArgs,
    writes: &workspace::Writes<'_>,
    diagnostics: &Diagnostics,
) -> Result<(Workspace, RealisedRequest)> {
    let request = realised_request(args);
    let ws = workspace::configure(workspace_args, writes, diagnostics)?
        .open(&Plan::default().with_panel(request.panel()))?;
    warn_unlisted(ws.panel()?, diagnostics);
    if ws.panel()?.enrolled_units() == 0 {
        return Err(no_enrolments(args.unit));
    }
    Ok((ws, request))
}

/// Enrolments the estimate cannot follow are said, as they are left out:
/// families no households source lists, and rows that name no unit of the
/// estimate's kind.
fn warn_unlisted(panel: &MonthlyPanel, diagnostics: &Diagnostics) {
    match panel.unlisted_families() {
        0 => {}
        n => diagnostics.warn(&format!(
            "{n} enrolled families are in no households source: no row can be theirs, so they are left out of the realised savings"
        )),
    }
    let (unit, other) = match panel.mode() {
        UnitMode::Citizen => ("citizen", "realised --unit family"),
        UnitMode::Family => ("family", "realised --unit citizen"),
    };
    match panel.unnamed_rows() {
        0 => {}
        n => diagnostics.warn(&format!(
            "{n} enrolment rows name no {unit}: the realised savings per {unit} leave them out ({other} follows them)"
        )),
    }
}

/// Renders an estimate's document; CSV gets the one table named `csv_part`.
fn write_estimate(
    destination: &Destination,
    ws: &Workspace,
    document: &tvaers::output::Document,
    csv_part: PartKey,
) -> Result<()> {
    destination.write(ws, |options, out| match document.table(csv_part) {
        Some(table) if options.format == Format::Csv => render_table(table, options, out),
        _ => render_document(document, options, out),
    })
}

pub fn monitor_command(args: MonitorArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("monitor");
    let writes = workspace::Writes::of(&args.output, None);
    let every = match args.every {
        EveryArg::Month => Every::Month,
        EveryArg::Quarter => Every::Quarter,
        EveryArg::Year => Every::Year,
    };
    let (ws, request) = open_estimate(&args.matching, &args.workspace, &writes, diagnostics)?;
    let monitor = monitor(ws.panel()?, &request, every, &ws.config.savings)?;
    let document = monitor.document(ws.min_cell)?;
    write_estimate(&destination, &ws, &document, part::PERIODS)?;
    diagnostics.note(&balance_note(&monitor.realised, ws.min_cell));
    Ok(())
}

pub fn realised_command(args: RealisedArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("realised");
    let writes = workspace::Writes::of(&args.output, None);
    let (ws, request) = open_estimate(&args.matching, &args.workspace, &writes, diagnostics)?;
    let estimate = realised(ws.panel()?, &request)?;
    let document = estimate.document(ws.min_cell)?;
    // Table and CSV readers get one table: the areas, or the event study.
    let csv_part = if args.event_study {
        part::EVENT_STUDY
    } else {
        part::AREAS
    };
    write_estimate(&destination, &ws, &document, csv_part)?;
    // Whatever the format, the verdict on balance reaches a reader of stderr.
    diagnostics.note(&balance_note(&estimate, ws.min_cell));
    Ok(())
}
