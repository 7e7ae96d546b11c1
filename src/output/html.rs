//! One self-contained HTML page, for reading on screen and printing on A4.
//!
//! The page carries everything inline: its CSS and its charts (SVG); it has
//! no script and refers to nothing outside itself (no font, stylesheet,
//! image or link), so it opens offline in any browser and prints the same
//! everywhere. Print CSS puts every section on a new page and never splits
//! a table row.
//!
//! Any document renders as a page of its tables ([`write_document`]);
//! `report` composes a page of its own from the same parts ([`Page`]).
//! Numbers follow the page's language (`1.234.567,89` in Danish); a
//! suppressed cell shows as `<5`, a complement as `..`, as in text tables.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::cells::{Cell, Role, TableView};
use super::document::{flat_fields, PreparedPart};
use super::number::{iso_date, plain_float, Decimal};
use super::Table;
use crate::chart::{escape, Numbers};
use crate::language::Language;

/// The page's style sheet: plain, printable, and free of any reference to
/// another file (no `url(`, no `@import`).
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;\
color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:2px solid #0072B2;\
padding-bottom:.2rem;margin-top:2.5rem}h3{font-size:1.05rem}\
p.lead{color:#444}\
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.85rem}\
caption{text-align:left;font-weight:bold;padding:.3rem 0}\
th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
dl.figures{display:grid;grid-template-columns:max-content auto;gap:.2rem 1.5rem}\
dl.figures dt{color:#444}dl.figures dd{margin:0;font-weight:bold;font-variant-numeric:tabular-nums}\
svg.chart{max-width:100%;height:auto;font-family:inherit;margin:.5rem 0}\
.note{font-size:.85rem;color:#444}\
footer{margin-top:3rem;font-size:.8rem;color:#555}\
@page{size:A4;margin:15mm}\
@media print{body{max-width:none;margin:0;padding:0}section{break-before:page}\
section:first-of-type{break-before:auto}h2,h3,caption{break-after:avoid}\
tr{break-inside:avoid}svg.chart{break-inside:avoid}\
table{font-size:.68rem}th,td{padding:.15rem .3rem}}\
";

/// A page: a title, a lead paragraph, sections and a footer line.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Language of the text and the numbers.
    pub language: Language,
    /// The `<h1>` and `<title>`.
    pub title: String,
    /// A line under the title (the period, say).
    pub lead: String,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// The last line (the tool and its version).
    pub footer: String,
}

/// One section of a page: printed from the top of a new sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The `id` of the section (for links within the page).
    pub id: String,
    /// Its `<h2>`.
    pub title: String,
    /// What it shows, in order.
    pub blocks: Vec<Block>,
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of plain text (escaped when written).
    Text(String),
    /// A sub-heading.
    Heading(String),
    /// Headline figures: terms and their values (plain text).
    Figures(Vec<(String, String)>),
    /// Markup made by this module or the chart module: a chart or a table.
    Markup(String),
}

/// The whole page as HTML.
pub fn page_html(page: &Page) -> String {
    let mut html = String::with_capacity(64 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1>{title}</h1>\n<p class=\"lead\">{lead}</p>\n</header>\n",
        lang = page.language.code(),
        title = escape(&page.title),
        lead = escape(&page.lead),
    );
    for section in &page.sections {
        let _ = write!(
            html,
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            escape(&section.id),
            escape(&section.title)
        );
        for block in &section.blocks {
            match block {
                Block::Text(text) => {
                    let _ = writeln!(html, "<p>{}</p>", escape(text));
                }
                Block::Heading(text) => {
                    let _ = writeln!(html, "<h3>{}</h3>", escape(text));
                }
                Block::Figures(figures) => {
                    html.push_str("<dl class=\"figures\">\n");
                    for (term, value) in figures {
                        let _ =
                            writeln!(html, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
                    }
                    html.push_str("</dl>\n");
                }
                Block::Markup(markup) => html.push_str(markup),
            }
        }
        html.push_str("</section>\n");
    }
    let _ = write!(
        html,
        "<footer>\n<p>{}</p>\n</footer>\n</body>\n</html>\n",
        escape(&page.footer)
    );
    html
}

/// A table as an HTML `<table>`, its title as the caption, numbers in the
/// page's language. `labels` renames column headings (for readers; the
/// data keeps its names).
pub fn table_html(
    table: &Table,
    language: Language,
    min_cell: u32,
    labels: &dyn Fn(&str) -> Option<String>,
) -> Result<String> {
    let view = TableView::new(table)?;
    Ok(view_html(
        table.title.as_deref(),
        &view,
        language,
        min_cell,
        labels,
    ))
}

fn view_html(
    title: Option<&str>,
    view: &TableView<'_>,
    language: Language,
    min_cell: u32,
    labels: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut html = String::from("<table>\n");
    if let Some(title) = title {
        let _ = writeln!(html, "<caption>{}</caption>", escape(title));
    }
    html.push_str("<thead><tr>");
    for column in &view.columns {
        let class = if column.is_numeric() {
            " class=\"num\""
        } else {
            ""
        };
        let label = labels(column.name).unwrap_or_else(|| column.name.to_string());
        let _ = write!(html, "<th{class}>{}</th>", escape(&label));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in 0..view.height {
        html.push_str("<tr>");
        for column in &view.columns {
            let class = if column.is_numeric() {
                " class=\"num\""
            } else {
                ""
            };
            let text = cell_text(column.cell(row), column.role, language, min_cell);
            let _ = write!(html, "<td{class}>{}</td>", escape(&text));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// The text of a cell for readers in `language`.
pub(super) fn cell_text(cell: Cell<'_>, role: Role, language: Language, min_cell: u32) -> String {
    let numbers = language.numbers();
    let decimal = |x: Option<Decimal>, f: &dyn Fn(Decimal) -> String| {
        x.map(f)
            .map_or_else(String::new, |text| localise(&text, numbers))
    };
    let float = |x: f64, d: Option<Decimal>| match role {
        Role::Money => decimal(d, &|d| d.round(2)),
        Role::Share => {
            decimal(d, &|d| d.shift(2).round(1))
                + if x.is_finite() {
                    language.pick("%", " %")
                } else {
                    ""
                }
        }
        Role::Plain => decimal(d, &|d| plain_float(Some(x), &d)),
    };
    match cell {
        Cell::Null => String::new(),
        Cell::Suppressed => format!("<{min_cell}"),
        Cell::Complement => "..".to_string(),
        Cell::Int(i) => match role {
            Role::Plain => localise(&i.to_string(), numbers),
            _ => float(i as f64, Some(Decimal::from_i64(i))),
        },
        Cell::UInt(u) => match role {
            Role::Plain => localise(&u.to_string(), numbers),
            _ => float(u as f64, Some(Decimal::from_u64(u))),
        },
        Cell::F64(x) => float(x, Decimal::from_f64(x)),
        Cell::F32(x) => float(f64::from(x), Decimal::from_f32(x)),
        Cell::Bool(b) => match (b, language) {
            (true, Language::Danish) => "ja".into(),
            (false, Language::Danish) => "nej".into(),
            (b, _) => b.to_string(),
        },
        Cell::Str(s) => s.to_string(),
        Cell::Date(d) => iso_date(d),
    }
}

/// `-1234567.89` in the language's marks: `-1.234.567,89` in Danish.
fn localise(number: &str, numbers: Numbers) -> String {
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut out = String::with_capacity(number.len() + integer.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i) % 3 == 0 {
            out.push(numbers.group);
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(numbers.decimal);
        out.push_str(fraction);
    }
    out
}

/// One table as a page of one section.
pub(super) fn write_table(
    title: Option<&str>,
    view: &TableView<'_>,
    name: &str,
    language: Language,
    min_cell: u32,
    out: &mut dyn Write,
) -> Result<()> {
    let page = Page {
        language,
        title: format!("tvaers {name}"),
        lead: String::new(),
        sections: vec![Section {
            id: name.to_string(),
            title: title.unwrap_or(name).to_string(),
            blocks: vec![Block::Markup(view_html(
                None,
                view,
                language,
                min_cell,
                &|_| None,
            ))],
        }],
        footer: footer(language),
    };
    out.write_all(page_html(&page).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A document as a page: one section per part.
pub(super) fn write_document(
    parts: &[(&str, PreparedPart<'_>)],
    name: &str,
    language: Language,
    min_cell: u32,
    out: &mut dyn Write,
) -> Result<()> {
    let sections = parts
        .iter()
        .map(|(key, part)| {
            let key = if key.is_empty() { "summary" } else { key };
            let (title, markup) = match part {
                PreparedPart::Table(table, view) => (
                    table.title.clone().unwrap_or_else(|| key.to_string()),
                    view_html(None, view, language, min_cell, &|_| None),
                ),
                PreparedPart::Fields(fields) => {
                    let mut markup = String::from("<table>\n<tbody>\n");
                    for (field, cell, role) in flat_fields(fields) {
                        let numeric = matches!(
                            cell,
                            Cell::Int(_) | Cell::UInt(_) | Cell::F64(_) | Cell::F32(_)
                        );
                        let class = if numeric { " class=\"num\"" } else { "" };
                        let _ = writeln!(
                            markup,
                            "<tr><th>{}</th><td{class}>{}</td></tr>",
                            escape(&field),
                            escape(&cell_text(cell, role, language, min_cell))
                        );
                    }
                    markup.push_str("</tbody>\n</table>\n");
                    (key.to_string(), markup)
                }
            };
            Section {
                id: key.to_string(),
                title,
                blocks: vec![Block::Markup(markup)],
            }
        })
        .collect();
    let page = Page {
        language,
        title: format!("tvaers {name}"),
        lead: String::new(),
        sections,
        footer: footer(language),
    };
    out.write_all(page_html(&page).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The footer line: the tool and its version, never a time.
pub fn footer(language: Language) -> String {
    format!(
        "{} tvaers {}",
        language.pick("Made with", "Lavet med"),
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_language_writes_numbers() {
        let da = Language::Danish;
        assert_eq!(
            cell_text(Cell::F64(1234567.891), Role::Money, da, 5),
            "1.234.567,89"
        );
        assert_eq!(
            cell_text(Cell::F64(2.675), Role::Money, Language::English, 5),
            "2.68"
        );
        assert_eq!(cell_text(Cell::F64(0.1234), Role::Share, da, 5), "12,3 %");
        assert_eq!(cell_text(Cell::UInt(12345), Role::Plain, da, 5), "12.345");
        assert_eq!(cell_text(Cell::Suppressed, Role::Money, da, 5), "<5");
        assert_eq!(cell_text(Cell::Complement, Role::Plain, da, 5), "..");
        assert_eq!(cell_text(Cell::F64(0.05), Role::Plain, da, 5), "0,05");
        assert_eq!(
            cell_text(Cell::Date(19_723), Role::Plain, da, 5),
            "2024-01-01"
        );
    }

    #[test]
    fn a_page_escapes_text_and_refers_to_nothing_outside() {
        let page = Page {
            language: Language::English,
            title: "A <b> & c".into(),
            lead: "x".into(),
            sections: vec![Section {
                id: "s".into(),
                title: "S".into(),
                blocks: vec![Block::Text("<script>".into())],
            }],
            footer: footer(Language::English),
        };
        let html = page_html(&page);
        assert!(html.contains("<h1>A &lt;b&gt; &amp; c</h1>"), "{html}");
        assert!(html.contains("<p>&lt;script&gt;</p>"), "{html}");
        for outside in ["http", "src=", "href=", "@import", "url(", "<script"] {
            assert!(!html.contains(outside), "{outside} in {html}");
        }
        assert!(html.contains("tr{break-inside:avoid}"));
        assert!(html.contains("@page{size:A4"));
    }
}
