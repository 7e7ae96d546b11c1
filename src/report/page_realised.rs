//! The report page's sections of the enrolments and ladder sources: the
//! realised saving per budget area with its interval and the event study,
//! `monitor`'s expected against realised, and the ladder. Each appears only
//! where its source exists (see `followup.rs`).
//!
//! An estimate that is not balanced is no saving: the verdict on balance is
//! written above the realised figures, and a chart of an unbalanced estimate
//! says so in its title, so that neither can be read, or copied onto a
//! slide, without it. Like the rest of the page, every chart is drawn from
//! the published tables only, so a suppressed value draws no mark.

use polars::prelude::*;

use super::page::{column_hidden, column_numbers, column_texts, FrameFn, PageRequest, TableFn};
use super::FullReport;
use crate::chart::{self, Bars, Estimate, Intervals, Lines, Series};
use crate::language::Language;
use crate::output::html::{Block, Section};
use crate::output::{Table, Value};
use crate::realised::{MonitorTables, RealisedTables};

/// What every section here draws with.
struct Tools<'a> {
    lang: Language,
    marker: String,
    frame: &'a FrameFn<'a>,
    table: &'a TableFn<'a>,
}

impl Tools<'_> {
    fn pick(&self, en: &str, da: &str) -> String {
        self.lang.pick(en, da).to_string()
    }

    /// A summary value as the page writes it (`<5` where suppressed).
    /// A chart title, marked when the estimate behind it is not balanced.
    fn flagged(&self, title: String, balanced: bool) -> String {
        match balanced {
            true => title,
            false => {
                title
                    + &self.pick(
                        " (NOT BALANCED: read as unknown)",
                        " (IKKE BALANCERET: læs som ukendt)",
                    )
            }
        }
    }

    fn value(&self, value: Option<&Value>) -> String {
        match value {
            Some(Value::UInt(n)) => self.lang.numbers().format(*n as f64, 0),
            Some(Value::Suppressed) => self.marker.clone(),
            Some(Value::Complement) => "..".to_string(),
            _ => String::new(),
        }
    }
}

/// Appends the realised, monitor and ladder sections whose sources exist.
pub(super) fn sections<'a>(
    report: &FullReport,
    request: &PageRequest,
    sections: &mut Vec<Section>,
    frame: &'a FrameFn<'a>,
    table: &'a TableFn<'a>,
) -> anyhow::Result<()> {
    let tools = Tools {
        lang: request.language,
        marker: format!("<{}", request.min_cell),
        frame,
        table,
    };
    let followup = &report.followup;
    if let Some(realised) = &followup.realised {
        sections.push(realised_section(realised, &tools)?);
    }
    if let Some(monitor) = &followup.monitor {
        sections.push(monitor_section(monitor, &tools)?);
    }
    if let Some(ladder) = &followup.ladder {
        sections.push(ladder_section(ladder, &tools)?);
    }
    Ok(())
}

fn field<'a>(fields: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The verdict on balance in the page's language. The detailed note is the
/// library's (in English); Danish readers get the verdict in Danish first.
fn verdict(summary: &[(String, Value)], tools: &Tools) -> String {
    let note = match field(summary, "balance_note") {
        Some(Value::Text(text)) => text.clone(),
        _ => String::new(),
    };
    if tools.lang == Language::English {
        return note;
    }
    let lead = match field(summary, "balanced") {
        Some(Value::Bool(true)) => {
            "Balanceret: de tilmeldte og deres sammenligningsenheder lignede hinanden før start."
        }
        Some(Value::Bool(false)) => {
            "IKKE BALANCERET: der blev ikke fundet en sammenlignelig gruppe, så besparelsen kan \
             ikke skelnes fra det, de tilmeldte ville have gjort alligevel. Læs tallene som \
             ukendte, ikke som en besparelse eller et tab."
        }
        _ => "Skønnet vises ikke: for få enheder, eller ingen tilmeldt enhed kunne indgå.",
    };
    if note.is_empty() {
        lead.to_string()
    } else {
        format!("{lead} (På engelsk: {note})")
    }
}

/// `table` with only `columns`, in that order, keeping their roles.
fn narrow(table: &Table, columns: &[&str]) -> PolarsResult<Table> {
    let keep = |c: &String| columns.contains(&c.as_str());
    let mut narrow = table.clone();
    narrow.frame = table.frame.select(columns.iter().copied())?;
    narrow.money.retain(keep);
    narrow.shares.retain(keep);
    narrow.suppressed.retain(keep);
    narrow.ids.retain(keep);
    narrow.optional.retain(keep);
    narrow.complement_cells.retain(|(c, _)| keep(c));
    Ok(narrow)
}

fn realised_section(r: &RealisedTables, tools: &Tools) -> anyhow::Result<Section> {
    let pick = |en: &str, da: &str| tools.pick(en, da);
    let balanced = matches!(field(&r.summary, "balanced"), Some(Value::Bool(true)));
    let mut blocks = vec![Block::Text(verdict(&r.summary, tools))];
    // Whom the figures count: citizens, or families where those were enrolled.
    let unit = match field(&r.summary, "unit") {
        Some(Value::Text(unit)) if unit == "family" => pick("families", "familier"),
        _ => pick("citizens", "borgere"),
    };
    let mut figures = vec![(pick("Units", "Enheder"), unit)];
    for (name, en, da) in [
        ("enrolled_units", "Enrolled units", "Tilmeldte enheder"),
        (
            "cohort_units",
            "Estimated (matched) units",
            "Enheder i skønnet (matchet)",
        ),
        (
            "comparison_units",
            "Comparison units",
            "Sammenligningsenheder",
        ),
        (
            "window_months",
            "Months before and after start",
            "Måneder før og efter start",
        ),
        (
            "neighbours",
            "Comparison units per enrolled unit",
            "Sammenligningsenheder pr. tilmeldt",
        ),
    ] {
        figures.push((pick(en, da), tools.value(field(&r.summary, name))));
    }
    blocks.push(Block::Figures(figures));

    let areas = &r.areas;
    let (saving, low, high) = (
        column_numbers(areas, "saving"),
        column_numbers(areas, "saving_low"),
        column_numbers(areas, "saving_high"),
    );
    let hidden = column_hidden(areas, "saving");
    let rows = column_texts(areas, "budget_area")
        .into_iter()
        .enumerate()
        .map(|(i, name)| Estimate {
            name,
            value: saving[i],
            interval: low[i].zip(high[i]),
            hidden: hidden.contains(&i),
        })
        .collect();
    let title = tools.flagged(
        pick(
            "Realised saving per enrolled unit-month",
            "Realiseret besparelse pr. tilmeldt enhed-måned",
        ),
        balanced,
    );
    let chart = Intervals {
        frame: (tools.frame)(
            "realised-areas",
            title,
            pick(
                "Per budget area and in total: the enrolled units' change in mean cost per unit-month from before to after their start, less that of their matched comparison units, with its 95 % bootstrap interval. Above zero is a saving.",
                "Pr. budgetområde og i alt: de tilmeldtes ændring i gennemsnitlig udgift pr. enhed-måned fra før til efter deres start, fratrukket deres matchede sammenligningsenheders, med 95 %-bootstrapinterval. Over nul er en besparelse.",
            ),
            pick("Budget area", "Budgetområde"),
            pick(
                "Saving (DKK per enrolled unit-month)",
                "Besparelse (kr. pr. tilmeldt enhed-måned)",
            ),
        ),
        rows,
        decimals: 0,
    };
    blocks.push(Block::Markup(chart::intervals(&chart)));
    let shown = narrow(
        areas,
        &[
            "budget_area",
            "cohort_units",
            "saving",
            "saving_low",
            "saving_high",
            "saving_per_year",
            "balanced",
        ],
    )?;
    blocks.push(Block::Markup((tools.table)(&shown)?));

    // The event study: the cohort's and its matches' cost around the start.
    let study = &r.event_study;
    let months = column_texts(study, "month");
    let start = months.iter().position(|m| m == "0");
    // Every sixth month is labelled (-24, -18, …, 0, …, 24); the table has all.
    let labels = months
        .iter()
        .map(|m| match m.parse::<i32>() {
            Ok(month) if month % 6 == 0 => m.clone(),
            _ => String::new(),
        })
        .collect();
    let lines = Lines {
        frame: (tools.frame)(
            "event-study",
            pick("Event study: mean cost per month around the start", "Hændelsesstudie: gennemsnitlig udgift pr. måned omkring start"),
            pick(
                "Mean cost per unit-month of the enrolled units and of their matched comparison units, by month from each unit's own start (0 is the start month).",
                "Gennemsnitlig udgift pr. enhed-måned for de tilmeldte og for deres matchede sammenligningsenheder, efter måned fra hver enheds egen start (0 er startmåneden).",
            ),
            pick("Months from start", "Måneder fra start"),
            pick("Cost (DKK per unit-month)", "Udgift (kr. pr. enhed-måned)"),
        ),
        x_labels: labels,
        series: vec![
            Series {
                name: pick("Enrolled units", "Tilmeldte"),
                values: column_numbers(study, "cohort"),
                band: vec![],
                hidden: column_hidden(study, "cohort"),
            },
            Series {
                name: pick("Matched comparison units", "Matchede sammenligningsenheder"),
                values: column_numbers(study, "comparison"),
                band: vec![],
                hidden: column_hidden(study, "comparison"),
            },
        ],
        marker: start.map(|i| (i, pick("Start", "Start"))),
        label_every: 1,
    };
    blocks.push(Block::Heading(pick("Event study", "Hændelsesstudie")));
    blocks.push(Block::Markup(chart::lines(&lines)));
    blocks.push(Block::Markup((tools.table)(study)?));
    blocks.push(Block::Heading(pick(
        "Balance before start",
        "Balance før start",
    )));
    blocks.push(Block::Text(pick(
        "How far the enrolled units differed from their matches before start, on every feature matched on (standardised mean difference; the gap in level of cost as a share).",
        "Hvor meget de tilmeldte adskilte sig fra deres match før start på hvert kendetegn, der er matchet på (standardiseret forskel i gennemsnit; forskellen i udgiftsniveau som andel).",
    )));
    blocks.push(Block::Markup((tools.table)(&r.balance)?));
    Ok(Section {
        id: "realised".into(),
        title: pick("Realised savings", "Realiserede besparelser"),
        blocks,
    })
}

fn monitor_section(m: &MonitorTables, tools: &Tools) -> anyhow::Result<Section> {
    let pick = |en: &str, da: &str| tools.pick(en, da);
    let million = pick("DKK million", "mio. kr.");
    let periods = &m.periods;
    let title = pick(
        "Expected against realised (monitor)",
        "Forventet over for realiseret (opfølgning)",
    );
    if periods.frame.height() == 0 {
        return Ok(Section {
            id: "monitor".into(),
            title,
            blocks: vec![Block::Text(pick(
                "No period to follow yet: no enrolled unit could be estimated (see the realised savings).",
                "Endnu ingen periode at følge: ingen tilmeldt enhed kunne indgå i skønnet (se de realiserede besparelser).",
            ))],
        });
    }
    let in_millions = |column: &str| -> Vec<Option<f64>> {
        column_numbers(periods, column)
            .into_iter()
            .map(|v| v.map(|v| v / 1e6))
            .collect()
    };
    let (low, high) = (
        in_millions("cumulative_realised_low"),
        in_millions("cumulative_realised_high"),
    );
    let balanced = matches!(field(&m.summary, "balanced"), Some(Value::Bool(true)));
    let chart_title = tools.flagged(
        pick(
            "Expected against realised savings to date",
            "Forventet over for realiseret besparelse til dato",
        ),
        balanced,
    );
    let lines = Lines {
        frame: (tools.frame)(
            "monitor",
            chart_title,
            pick(
                "Cumulative saving the savings model expected of the enrolled units, and the cumulative saving realised against their matched comparison units with its 95 % interval, at the end of each quarter.",
                "Den akkumulerede besparelse, som besparelsesmodellen forventede af de tilmeldte, og den akkumulerede realiserede besparelse over for deres matchede sammenligningsenheder med 95 %-interval, ved udgangen af hvert kvartal.",
            ),
            pick("Quarter (first day)", "Kvartal (første dag)"),
            format!("{} ({million})", pick("Saving to date", "Besparelse til dato")),
        ),
        x_labels: column_texts(periods, "period_start"),
        series: vec![
            Series {
                name: pick("Expected", "Forventet"),
                values: in_millions("cumulative_expected"),
                band: vec![],
                hidden: column_hidden(periods, "cumulative_expected"),
            },
            Series {
                name: pick("Realised (95 % interval)", "Realiseret (95 %-interval)"),
                values: in_millions("cumulative_realised"),
                band: low.iter().zip(&high).map(|(l, h)| l.zip(*h)).collect(),
                hidden: column_hidden(periods, "cumulative_realised"),
            },
        ],
        marker: None,
        label_every: 1,
    };
    let shown = narrow(
        periods,
        &[
            "period_start",
            "enrolled_units",
            "cumulative_expected",
            "cumulative_realised",
            "cumulative_realised_low",
            "cumulative_realised_high",
            "net_to_date",
            "status",
        ],
    )?;
    Ok(Section {
        id: "monitor".into(),
        title,
        blocks: vec![
            Block::Text(pick(
                "Quarter by quarter: what the savings model expected of the enrolled units to date, what the matched comparison says they saved to date (with its 95 % interval), and the net after the investment to date. The status is 'not estimable' wherever the estimate is not balanced (see the realised savings). The workbook has each period's own figures and splits them per budget area and per department.",
                "Kvartal for kvartal: hvad besparelsesmodellen forventede af de tilmeldte til dato, hvad sammenligningen viser, at de sparede til dato (med 95 %-interval), og nettoen efter investeringen til dato. Status er 'not estimable', hvor skønnet ikke er balanceret (se de realiserede besparelser). Regnearket har hver periodes egne tal og deler dem op pr. budgetområde og pr. afdeling.",
            )),
            Block::Markup(chart::lines(&lines)),
            Block::Markup((tools.table)(&shown)?),
        ],
    })
}

fn ladder_section(ladder: &Table, tools: &Tools) -> anyhow::Result<Section> {
    let pick = |en: &str, da: &str| tools.pick(en, da);
    let groups = column_texts(ladder, "group");
    let (mut values, mut hidden) = (Vec::new(), Vec::new());
    for (column, en, da) in [
        ("share_up_1", "up 1 step or more", "op mindst 1 trin"),
        ("share_up_2", "up 2 steps or more", "op mindst 2 trin"),
        ("share_at_top", "at the top step", "på øverste trin"),
    ] {
        for (row, (group, share)) in groups
            .iter()
            .zip(column_numbers(ladder, column))
            .enumerate()
        {
            let who = match group.as_str() {
                "cohort" => pick("Hotspots", "Hotspots"),
                _ => pick("Others", "Øvrige"),
            };
            if column_hidden(ladder, column).contains(&row) {
                hidden.push(values.len());
            }
            values.push((format!("{who}: {}", pick(en, da)), share.map(|s| s * 100.0)));
        }
    }
    let chart = Bars {
        frame: (tools.frame)(
            "ladder",
            pick("Progress on the step scale", "Progression på trinskalaen"),
            pick(
                "Share of the citizen hotspots, and of everyone else assessed in the period, whose last step is at least one or two above their first, and who ended at the top step.",
                "Andel af hotspot-borgerne og af alle andre vurderede i perioden, hvis seneste trin ligger mindst et eller to over det første, og som endte på øverste trin.",
            ),
            pick("Group and movement", "Gruppe og bevægelse"),
            pick("Share of the group (%)", "Andel af gruppen (%)"),
        ),
        values,
        decimals: 1,
        hidden,
    };
    Ok(Section {
        id: "ladder".into(),
        title: pick("The step scale (ladder)", "Trinskalaen (progression)"),
        blocks: vec![
            Block::Text(pick(
                "The cohort is the report's citizen hotspots, as `tvaers ladder` takes by default; the others are everyone else assessed in the period. Each citizen's first and last step in the period are compared.",
                "Kohorten er rapportens hotspot-borgere, som `tvaers ladder` bruger som standard; de øvrige er alle andre vurderede i perioden. Hver borgers første og seneste trin i perioden sammenlignes.",
            )),
            Block::Markup(chart::bars(&chart)),
            Block::Markup((tools.table)(ladder)?),
        ],
    })
}

/// The Danish heading of a column of these sections' tables.
pub(super) fn danish_heading(column: &str) -> Option<&'static str> {
    Some(match column {
        "comparison_units" => "Sammenligningsenheder",
        "saving" => "Besparelse",
        "saving_low" => "Besparelse, nedre",
        "saving_high" => "Besparelse, øvre",
        "saving_share" => "Besparelse, andel",
        "saving_per_year" => "Besparelse pr. år",
        "balanced" => "Balanceret",
        "month" => "Måned fra start",
        "cohort" => "Tilmeldte",
        "comparison" => "Sammenligning",
        "difference" => "Forskel",
        "feature" => "Kendetegn",
        "cohort_mean" => "Tilmeldte, gns.",
        "comparison_mean" => "Sammenligning, gns.",
        "smd" => "Standardiseret forskel",
        "level_gap" => "Forskel i niveau",
        "period_start" => "Periodens start",
        "enrolled_units" => "Tilmeldte enheder",
        "expected" => "Forventet",
        "realised" => "Realiseret",
        "realised_low" => "Realiseret, nedre",
        "realised_high" => "Realiseret, øvre",
        "cumulative_expected" => "Forventet til dato",
        "cumulative_realised" => "Realiseret til dato",
        "cumulative_realised_low" => "Realiseret til dato, nedre",
        "cumulative_realised_high" => "Realiseret til dato, øvre",
        "net_to_date" => "Netto til dato",
        "status" => "Status",
        "group" => "Gruppe",
        "mean_first_step" => "Første trin, gns.",
        "mean_last_step" => "Seneste trin, gns.",
        "share_up_1" => "Op mindst 1 trin",
        "share_up_2" => "Op mindst 2 trin",
        "share_at_top" => "På øverste trin",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "page_realised_tests.rs"]
mod tests;
