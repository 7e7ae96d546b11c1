//! The report page's hotspot and savings sections: the hotspots as
//! aggregates, then the savings by year and area, the cumulative net with
//! its payback year, the scenarios side by side and who invests and who
//! gains. Drawn, like the rest of the page, from the published tables only.

use super::page::{
    column_hidden, column_numbers, column_texts, table_of, FrameFn, PageRequest, TableFn,
};
use super::{part, FullReport};
use crate::chart::{self, Bars, Lines, Series, Stacked};
use crate::output::html::{Block, Section};

/// Appends the hotspot and savings sections to `sections`.
pub(super) fn sections(
    report: &FullReport,
    request: &PageRequest,
    sections: &mut Vec<Section>,
    frame: &FrameFn<'_>,
    table: &TableFn<'_>,
) -> anyhow::Result<()> {
    let lang = request.language;
    let pick = |en: &str, da: &str| lang.pick(en, da).to_string();
    let marker = format!("<{}", request.min_cell);
    let million = pick("DKK million", "mio. kr.");
    let view = match &report.savings {
        Ok(view) => view,
        Err(why) => {
            sections.push(Section {
                id: "savings".into(),
                title: pick("Savings", "Besparelser"),
                blocks: vec![Block::Text(format!(
                    "{}: {why}",
                    pick(
                        "No savings case could be made",
                        "Der kunne ikke laves en besparelsesberegning"
                    )
                ))],
            });
            return Ok(());
        }
    };

    // The hotspots as aggregates.
    let mut blocks = vec![Block::Figures(vec![
        (
            pick("Hotspot citizens", "Hotspot-borgere"),
            view.cohort_units
                .map_or(marker.clone(), |u| lang.numbers().format(u as f64, 0)),
        ),
        (
            pick("Their share of all cost", "Deres andel af alle udgifter"),
            view.cohort_share
                .map_or(marker.clone(), |s| lang.percent(s)),
        ),
    ])];
    let areas = &view.areas;
    let area_names = column_texts(areas, "budget_area");
    let baseline = Bars {
        frame: frame(
            "hotspot-areas",
            pick("Hotspots' yearly cost per budget area", "Hotspots' årlige udgifter pr. budgetområde"),
            pick("The hotspot citizens' cost per year in each budget area (the savings baseline).", "Hotspot-borgernes udgifter pr. år i hvert budgetområde (grundlaget for besparelsen)."),
            pick("Budget area", "Budgetområde"),
            format!("{} ({million})", pick("Cost per year", "Udgifter pr. år")),
        ),
        values: area_names
            .iter()
            .cloned()
            .zip(column_numbers(areas, "baseline").into_iter().map(|v| v.map(|v| v / 1e6)))
            .collect(),
        decimals: 2,
        hidden: column_hidden(areas, "baseline"),
    };
    blocks.push(Block::Markup(chart::bars(&baseline)));
    let departments = &view.departments;
    let department_names = column_texts(departments, "department");
    let department_chart = Bars {
        frame: frame(
            "hotspot-departments",
            pick(
                "Hotspots' yearly cost per department",
                "Hotspots' årlige udgifter pr. afdeling",
            ),
            pick(
                "The hotspot citizens' cost per year by department, over the shown budget areas.",
                "Hotspot-borgernes udgifter pr. år efter afdeling, over de viste budgetområder.",
            ),
            pick("Department", "Afdeling"),
            format!("{} ({million})", pick("Cost per year", "Udgifter pr. år")),
        ),
        values: department_names
            .iter()
            .cloned()
            .zip(
                column_numbers(departments, "baseline")
                    .into_iter()
                    .map(|v| v.map(|v| v / 1e6)),
            )
            .collect(),
        decimals: 2,
        hidden: column_hidden(departments, "baseline"),
    };
    blocks.push(Block::Markup(chart::bars(&department_chart)));
    if request.units {
        for key in [part::HOTSPOTS_CITIZEN, part::HOTSPOTS_FAMILY] {
            if let Some(list) = table_of(report, key) {
                blocks.push(Block::Markup(table(list)?));
            }
        }
    }
    sections.push(Section {
        id: "hotspots".into(),
        title: pick("The hotspots", "Hotspots"),
        blocks,
    });

    // Savings per year and area.
    let years: Vec<String> = areas
        .frame
        .get_column_names()
        .iter()
        .filter(|n| n.starts_with("year_"))
        .map(|n| n.to_string())
        .collect();
    let stacked = Stacked {
        frame: frame(
            "savings-years",
            pick(
                "Expected savings per year and budget area",
                "Forventede besparelser pr. år og budgetområde",
            ),
            pick(
                "Savings of the base case in each year, stacked by budget area.",
                "Basisforløbets besparelse i hvert år, stablet efter budgetområde.",
            ),
            pick("Year", "År"),
            format!("{} ({million})", pick("Savings", "Besparelse")),
        ),
        categories: (1..=years.len()).map(|t| t.to_string()).collect(),
        series: area_names
            .iter()
            .enumerate()
            .map(|(row, name)| {
                let values = years
                    .iter()
                    .map(|year| {
                        column_numbers(areas, year)
                            .get(row)
                            .copied()
                            .flatten()
                            .map(|v| v / 1e6)
                    })
                    .collect();
                (name.clone(), values)
            })
            .collect(),
        hidden: column_hidden(areas, "baseline"),
    };
    let mut blocks = vec![
        Block::Markup(chart::stacked_bars(&stacked)),
        Block::Markup(table(areas)?),
    ];

    // Cumulative net and payback.
    if view.summary_shown {
        blocks.push(Block::Figures(vec![
            (
                pick("Investment", "Investering"),
                lang.money(view.investment),
            ),
            (
                pick("Net present value", "Nutidsværdi (NPV)"),
                lang.money(view.npv),
            ),
            (
                pick("Payback year", "Tilbagebetalingsår"),
                view.payback_year.map_or_else(
                    || pick("not within the horizon", "ikke inden for horisonten"),
                    |y| y.to_string(),
                ),
            ),
        ]));
        let net = Lines {
            frame: frame(
                "cumulative-net",
                pick("Cumulative net (savings less investment)", "Akkumuleret netto (besparelse minus investering)"),
                pick("Cumulative undiscounted net of the base case after each year; the dashed line marks the payback year.", "Basisforløbets akkumulerede, ikke-diskonterede netto efter hvert år; den stiplede linje markerer tilbagebetalingsåret."),
                pick("Year", "År"),
                format!("{} ({million})", pick("Cumulative net", "Akkumuleret netto")),
            ),
            x_labels: (0..view.cumulative_net.len()).map(|t| t.to_string()).collect(),
            series: vec![Series {
                name: pick("Cumulative net", "Akkumuleret netto"),
                values: view.cumulative_net.iter().map(|v| Some(v / 1e6)).collect(),
                band: vec![],
                hidden: Vec::new(),
            }],
            marker: view
                .payback_year
                .map(|y| (y as usize, pick("Payback", "Tilbagebetalt"))),
            label_every: 1,
        };
        blocks.push(Block::Markup(chart::lines(&net)));
        let net_table = crate::output::Table::new(polars::prelude::df!(
            "year" => (0..view.cumulative_net.len() as u32).collect::<Vec<_>>(),
            "cumulative_net" => view.cumulative_net.clone(),
        )?)
        .with_money(["cumulative_net"]);
        blocks.push(Block::Markup(table(&net_table)?));
    } else {
        blocks.push(Block::Text(pick(
            "The cohort's summary figures are suppressed, so the net by year is not shown.",
            "Kohortens samlede tal er skjult, så nettoen pr. år vises ikke.",
        )));
    }

    // Scenarios.
    match &view.scenarios {
        Ok(scenarios) => {
            let chart = Bars {
                frame: frame(
                    "scenarios",
                    pick("Net present value per scenario", "Nutidsværdi pr. scenarie"),
                    pick("NPV of the low, base and high scenarios (effects × 0.5, 1 and 1.5 by default).", "Nutidsværdi i lavt, basis- og højt scenarie (effekter × 0,5, 1 og 1,5 som standard)."),
                    pick("Scenario", "Scenarie"),
                    format!("NPV ({million})"),
                ),
                values: column_texts(scenarios, "scenario")
                    .into_iter()
                    .zip(column_numbers(scenarios, "npv").into_iter().map(|v| v.map(|v| v / 1e6)))
                    .collect(),
                decimals: 2,
                hidden: column_hidden(scenarios, "npv"),
            };
            blocks.push(Block::Markup(chart::diverging(&chart)));
            blocks.push(Block::Markup(table(scenarios)?));
        }
        Err(why) => blocks.push(Block::Text(format!(
            "{}: {why}",
            pick("No scenarios", "Ingen scenarier")
        ))),
    }

    // Who invests and who gains.
    let mut flows: Vec<(String, Option<f64>)> = department_names
        .iter()
        .cloned()
        .zip(
            column_numbers(departments, "total")
                .into_iter()
                .map(|v| v.map(|v| v / 1e6)),
        )
        .collect();
    if view.summary_shown {
        flows.push((
            pick("Investment (coordination)", "Investering (koordinering)"),
            Some(-view.investment / 1e6),
        ));
    }
    let who = Bars {
        frame: frame(
            "who-gains",
            pick("Who invests and who gains", "Hvem investerer, og hvem vinder"),
            pick("Savings over the horizon per department (right) against the investment in coordination (left).", "Besparelse over horisonten pr. afdeling (højre) over for investeringen i koordinering (venstre)."),
            pick("Department", "Afdeling"),
            format!("{} ({million})", pick("Over the horizon", "Over horisonten")),
        ),
        // The departments' rows first, as in their table; the investment
        // after them is never hidden.
        values: flows,
        decimals: 2,
        hidden: column_hidden(departments, "total"),
    };
    blocks.push(Block::Markup(chart::diverging(&who)));
    blocks.push(Block::Markup(table(departments)?));
    sections.push(Section {
        id: "savings".into(),
        title: pick("Savings", "Besparelser"),
        blocks,
    });
    Ok(())
}
