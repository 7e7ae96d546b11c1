//! The report as the page a director reads: headline figures, then one
//! section per question, each chart with its data in a table below it
//! (the savings in `page_savings.rs`; the realised savings, the monitor and
//! the ladder, where their sources exist, in `page_realised.rs`), and last
//! the assumptions, the data quality and the tool's version.
//!
//! Charts are drawn only from the published (suppressed) tables of the
//! report, never from exact figures, so a suppressed value cannot reach a
//! chart. Unit ids appear only when asked for (`units`), as unit-level rows
//! are personal data.

use polars::prelude::*;

use super::FullReport;
use crate::chart::{self, Bars, Frame, HeatCell, Heatmap, Lines, Series};
use crate::config::Period;
use crate::language::Language;
use crate::output::html::{footer, table_html, Block, Page, Section};
use crate::output::{PartKey, Table};
use crate::overview;

/// What the page needs besides the report.
#[derive(Debug, Clone)]
pub struct PageRequest {
    /// Language of the text and numbers.
    pub language: Language,
    /// Small-cell threshold (the `<5` marker).
    pub min_cell: u32,
    /// Show the hotspot lists with unit ids.
    pub units: bool,
    /// Whether the ids shown are re-keyed (`--rekey`).
    pub rekeyed: bool,
    /// The analysis period.
    pub period: Period,
    /// `assumptions_table`'s table.
    pub assumptions: Table,
    /// Per source: files, read, accepted, rejected, outside_period.
    pub sources: Table,
}

/// A column's values as numbers; nulls (suppressed or empty) as `None`.
pub(super) fn column_numbers(table: &Table, column: &str) -> Vec<Option<f64>> {
    table
        .frame
        .column(column)
        .and_then(|c| c.cast(&DataType::Float64))
        .ok()
        .and_then(|c| c.f64().ok().map(|v| v.iter().collect()))
        .unwrap_or_default()
}

/// The rows of a column whose value is hidden to protect another figure
/// (a complement), not for being small: a chart labels them `..` as the
/// table does.
pub(super) fn column_hidden(table: &Table, column: &str) -> Vec<usize> {
    let mut rows: Vec<usize> = table
        .complement_cells
        .iter()
        .filter(|(c, _)| c == column)
        .map(|&(_, row)| row)
        .chain(table.complement_rows.iter().copied())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// A column's values as text.
pub(super) fn column_texts(table: &Table, column: &str) -> Vec<String> {
    table
        .frame
        .column(column)
        .and_then(|c| c.cast(&DataType::String))
        .ok()
        .and_then(|c| {
            c.str()
                .ok()
                .map(|v| v.iter().map(|s| s.unwrap_or("").to_string()).collect())
        })
        .unwrap_or_default()
}

pub(super) fn table_of(report: &FullReport, key: PartKey) -> Option<&Table> {
    report.document.table(key)
}

/// Builds the report page.
pub fn report_page(report: &FullReport, request: &PageRequest) -> anyhow::Result<Page> {
    let lang = request.language;
    let pick = |en: &str, da: &str| lang.pick(en, da).to_string();
    let marker = format!("<{}", request.min_cell);
    let frame = |id: &str, title: String, desc: String, x: String, y: String| Frame {
        id: id.to_string(),
        title,
        desc,
        x_label: x,
        y_label: y,
        numbers: lang.numbers(),
        suppressed: marker.clone(),
    };
    let table = |t: &Table| match lang {
        Language::English => table_html(t, lang, request.min_cell, &|_| None),
        // The captions are the data's English titles: the section headings
        // say the same in Danish, and the cells show what is hidden.
        Language::Danish => {
            let untitled = Table {
                title: None,
                ..t.clone()
            };
            table_html(&untitled, lang, request.min_cell, &danish_heading)
        }
    };
    let million = pick("DKK million", "mio. kr.");
    let mut sections = Vec::new();

    // Headline figures.
    let ov = &report.overview;
    let hidden = |v: Option<String>| v.unwrap_or_else(|| marker.clone());
    let period = match (request.period.from, request.period.to) {
        (Some(from), Some(to)) => format!("{from} – {to}"),
        (from, to) => format!(
            "{} – {}",
            from.map_or(String::new(), |d| d.to_string()),
            to.map_or(String::new(), |d| d.to_string())
        ),
    };
    let mut figures = vec![
        (pick("Period", "Periode"), period.clone()),
        (
            pick("Units (citizens)", "Enheder (borgere)"),
            hidden(ov.units.map(|u| lang.numbers().format(u as f64, 0))),
        ),
        (
            pick("Total cost", "Samlede udgifter"),
            hidden(ov.total_cost.map(|c| lang.money(c))),
        ),
    ];
    for top in ov.top_share.iter().filter(|t| t.percent <= 10) {
        figures.push((
            format!(
                "{} {} %",
                pick(
                    "Share of cost held by the top",
                    "Andel af udgifterne hos de øverste"
                ),
                top.percent
            ),
            hidden(top.share.map(|s| lang.percent(s))),
        ));
    }
    let mut head = vec![Block::Figures(figures)];
    head.push(Block::Text(if request.units {
        pick(
            "This report lists hotspot units by id (--units): it holds personal data; share it only with those who work on the cases.",
            "Rapporten viser hotspot-enheder med id (--units): den indeholder personoplysninger; del den kun med dem, der arbejder med sagerne.",
        ) + if request.rekeyed { lang.pick(" The ids are re-keyed.", " Id'erne er omkodet.") } else { "" }
    } else {
        pick(
            "Unit ids are left out of this report, as unit-level rows are personal data; run with --units to include the hotspot lists.",
            "Enheders id er udeladt af rapporten, da rækker pr. enhed er personoplysninger; brug --units for at få hotspot-listerne med.",
        )
    }));
    head.push(Block::Text(format!(
        "{} {} {}",
        pick("Figures from fewer than", "Tal fra færre end"),
        request.min_cell,
        pick(
            "units are suppressed: shown as <5 (or .. where hidden to protect another figure), and drawn as no mark in the charts.",
            "enheder er skjult: vist som <5 (eller .., hvor de skjules for at beskytte et andet tal) og uden mærke i diagrammerne.",
        )
    )));
    sections.push(Section {
        id: "headline".into(),
        title: pick("Key figures", "Nøgletal"),
        blocks: head,
    });

    // Concentration.
    let curve = report.curve_table()?;
    let points = column_numbers(&curve, "share");
    let lines = Lines {
        frame: frame(
            "concentration",
            pick("Concentration of cost", "Koncentration af udgifter"),
            pick(
                "Share of total cost held by the top 1 to 100 percent of units, ranked by cost.",
                "Andel af de samlede udgifter hos de øverste 1 til 100 procent af enhederne, sorteret efter udgift.",
            ),
            pick("Top percent of units", "Øverste procent af enhederne"),
            pick("Share of cost (%)", "Andel af udgifter (%)"),
        ),
        x_labels: (1..=points.len()).map(|p| p.to_string()).collect(),
        series: vec![Series {
            name: pick("Share of cost", "Andel af udgifter"),
            values: points.iter().map(|p| p.map(|s| s * 100.0)).collect(),
            band: vec![],
            hidden: column_hidden(&curve, "share"),
        }],
        marker: None,
        label_every: 10,
    };
    sections.push(Section {
        id: "concentration".into(),
        title: pick("Concentration of cost", "Koncentration af udgifter"),
        blocks: vec![
            Block::Markup(chart::lines(&lines)),
            Block::Markup(table(&curve)?),
        ],
    });

    // Departments.
    if let Some(bands) = table_of(report, overview::part::BY_DEPARTMENTS) {
        let names: Vec<String> = column_texts(bands, "departments");
        let cost = column_numbers(bands, "cost");
        let units = column_numbers(bands, "units");
        let units_chart = Bars {
            frame: frame(
                "bands-units",
                pick(
                    "Units by number of departments",
                    "Enheder efter antal afdelinger",
                ),
                pick(
                    "Number of units active in 1, 2, 3 and 4 or more departments.",
                    "Antal enheder aktive i 1, 2, 3 og 4 eller flere afdelinger.",
                ),
                pick("Departments", "Afdelinger"),
                pick("Units", "Enheder"),
            ),
            values: names.iter().cloned().zip(units).collect(),
            decimals: 0,
            hidden: column_hidden(bands, "units"),
        };
        let cost_chart = Bars {
            frame: frame(
                "bands-cost",
                pick(
                    "Cost by number of departments",
                    "Udgifter efter antal afdelinger",
                ),
                pick(
                    "Total cost of the units active in 1, 2, 3 and 4 or more departments.",
                    "Samlede udgifter for enheder aktive i 1, 2, 3 og 4 eller flere afdelinger.",
                ),
                pick("Departments", "Afdelinger"),
                format!("{} ({million})", pick("Cost", "Udgifter")),
            ),
            values: names
                .into_iter()
                .zip(cost.into_iter().map(|c| c.map(|c| c / 1e6)))
                .collect(),
            decimals: 1,
            hidden: column_hidden(bands, "cost"),
        };
        sections.push(Section {
            id: "departments".into(),
            title: pick(
                "Units and cost by number of departments",
                "Enheder og udgifter efter antal afdelinger",
            ),
            blocks: vec![
                Block::Markup(chart::bars(&units_chart)),
                Block::Markup(chart::bars(&cost_chart)),
                Block::Markup(table(bands)?),
            ],
        });
    }

    // Overlaps.
    if let Some(overlaps) = table_of(report, overview::part::OVERLAPS) {
        let (a, b, units) = (
            column_texts(overlaps, "a"),
            column_texts(overlaps, "b"),
            column_numbers(overlaps, "units"),
        );
        let mut labels: Vec<String> = a.iter().chain(&b).cloned().collect();
        labels.sort();
        labels.dedup();
        let index = |name: &str| labels.iter().position(|l| l == name).unwrap_or(0);
        let mut cells = vec![vec![HeatCell::Empty; labels.len()]; labels.len()];
        let hidden = column_hidden(overlaps, "units");
        for (row, ((a, b), units)) in a.iter().zip(&b).zip(&units).enumerate() {
            let cell = match units {
                Some(units) => HeatCell::Value(*units),
                None if hidden.contains(&row) => HeatCell::Hidden,
                None => HeatCell::Suppressed,
            };
            let (i, j) = (index(a), index(b));
            cells[i][j] = cell;
            cells[j][i] = cell;
        }
        let heat = Heatmap {
            frame: frame(
                "overlaps",
                pick(
                    "Units active in both departments",
                    "Enheder aktive i begge afdelinger",
                ),
                pick(
                    "For every pair of departments, the number of units with rows in both.",
                    "For hvert par af afdelinger antallet af enheder med rækker i begge.",
                ),
                pick("Units in both departments", "Enheder i begge afdelinger"),
                String::new(),
            ),
            labels,
            cells,
        };
        sections.push(Section {
            id: "overlaps".into(),
            title: pick("Department overlaps", "Overlap mellem afdelinger"),
            blocks: vec![
                Block::Markup(chart::heatmap(&heat)),
                Block::Markup(table(overlaps)?),
            ],
        });
    }

    // Budget areas.
    if let Some(areas) = table_of(report, overview::part::BUDGET_AREAS) {
        let chart = Bars {
            frame: frame(
                "areas",
                pick("Cost per budget area", "Udgifter pr. budgetområde"),
                pick(
                    "Total cost of all units in each budget area.",
                    "Samlede udgifter for alle enheder i hvert budgetområde.",
                ),
                pick("Budget area", "Budgetområde"),
                format!("{} ({million})", pick("Cost", "Udgifter")),
            ),
            values: column_texts(areas, "area")
                .into_iter()
                .zip(
                    column_numbers(areas, "cost")
                        .into_iter()
                        .map(|c| c.map(|c| c / 1e6)),
                )
                .collect(),
            decimals: 1,
            hidden: column_hidden(areas, "cost"),
        };
        sections.push(Section {
            id: "budget-areas".into(),
            title: pick("Cost per budget area", "Udgifter pr. budgetområde"),
            blocks: vec![
                Block::Markup(chart::bars(&chart)),
                Block::Markup(table(areas)?),
            ],
        });
    }

    super::page_savings::sections(report, request, &mut sections, &frame, &table)?;
    super::page_realised::sections(report, request, &mut sections, &frame, &table)?;

    // Assumptions, data quality, version.
    sections.push(Section {
        id: "assumptions".into(),
        title: pick("Assumptions and data quality", "Forudsætninger og datakvalitet"),
        blocks: vec![
            Block::Text(pick(
                "Every savings assumption, and whether it came from the tool's default or the config file.",
                "Alle forudsætninger for besparelsen, og om de kommer fra værktøjets standard eller konfigurationsfilen.",
            )),
            Block::Markup(table(&request.assumptions)?),
            Block::Heading(pick("Data quality per source", "Datakvalitet pr. kilde")),
            Block::Markup(table(&request.sources)?),
            Block::Text(footer(lang)),
        ],
    });
    Ok(Page {
        language: lang,
        title: pick("Cross-department report", "Rapport på tværs"),
        lead: period,
        sections,
        footer: footer(lang),
    })
}

/// The Danish heading of a column the report's tables use.
fn danish_heading(column: &str) -> Option<String> {
    if let Some(year) = column.strip_prefix("year_") {
        return Some(format!("År {year}"));
    }
    let heading = match column {
        "area" | "budget_area" => "Budgetområde",
        "units" => "Enheder",
        "cost" => "Udgifter",
        "departments" => "Afdelinger",
        "department" => "Afdeling",
        "a" => "Afdeling A",
        "b" => "Afdeling B",
        "percent" => "Øverste procent",
        "share" => "Andel af udgifter",
        "baseline" => "Grundlag pr. år",
        "effect" => "Effekt",
        "total" => "I alt",
        "discounted" => "Diskonteret",
        "scenario" => "Scenarie",
        "cohort_units" => "Enheder i kohorten",
        "investment" => "Investering",
        "gross_savings" => "Bruttobesparelse",
        "net" => "Netto",
        "npv" => "Nutidsværdi",
        "roi" => "Afkast (ROI)",
        "payback_year" => "Tilbagebetalingsår",
        "year" => "År",
        "cumulative_net" => "Akkumuleret netto",
        "assumption" => "Forudsætning",
        "value" => "Værdi",
        "source" => "Kilde",
        "kind" => "Type",
        "files" => "Filer",
        "read" => "Læst",
        "accepted" => "Godkendt",
        "rejected" => "Afvist",
        "outside_period" => "Uden for perioden",
        _ => return super::page_realised::danish_heading(column).map(str::to_string),
    };
    Some(heading.to_string())
}

/// A chart frame builder, shared with the savings sections.
pub(super) type FrameFn<'a> = dyn Fn(&str, String, String, String, String) -> Frame + 'a;
/// An HTML table builder, shared with the savings sections.
pub(super) type TableFn<'a> = dyn Fn(&Table) -> anyhow::Result<String> + 'a;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_hides_its_complement_cells_and_the_complement_rows() {
        let frame = df!("a" => [1, 2, 3, 4], "b" => [1, 2, 3, 4]).unwrap();
        let table = Table::new(frame)
            .with_complement_rows([2])
            .with_complement_cells("a", [3, 0])
            .with_complement_cells("b", [1]);
        assert_eq!(column_hidden(&table, "a"), [0, 2, 3]);
        assert_eq!(column_hidden(&table, "b"), [1, 2]);
        assert_eq!(column_hidden(&table, "c"), [2]);
    }
}
