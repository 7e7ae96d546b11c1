//! Text tables for people at a terminal.
//!
//! Built with comfy-table: numbers right-aligned, money with thousands
//! grouping and 2 decimals (`1,234,567.89`), shares as percentages with one
//! decimal (`12.3 %`), suppressed cells as `<5` (or `..` where a figure is
//! hidden to protect another, explained under the output), other floats
//! (means, standardised differences) to 2 decimals, so a column reads
//! `1.64` beside `1.50`, and tiny ones to two significant digits (CSV and
//! JSON keep every digit). On a terminal narrower than a table, a column
//! name longer than its figures is folded after its underscores, then the
//! table's optional columns are left out, widest first, and a line under it
//! says which (`--wide` keeps them); text columns then wrap to fit; numeric
//! columns never wrap, so a very wide table may run past the width rather
//! than split a number. The width is always given
//! explicitly (never detected here), so the same data gives the same bytes.
//! Key/value parts are laid out by `summary.rs`.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ColumnConstraint, ContentArrangement, Width};

use super::cells::{Cell, Role, TableView};
use super::document::{PartKey, PreparedPart};
use super::fit::{fit_columns, Layout};
use super::number::{group_thousands, iso_date, plain_float, Decimal};
use super::{summary, RenderOptions, Table};

/// The width used when none is given: readable in a 100-column terminal.
const DEFAULT_WIDTH: u16 = 100;
/// Narrower than this, wrapping makes tables unreadable; they overflow instead.
const MIN_WIDTH: u16 = 40;
/// Text columns wrap, but never narrower than this (or their content).
const MIN_TEXT_WIDTH: u16 = 30;

/// Writes one table, under its title when it has one.
pub(super) fn write_table(
    table: &Table,
    view: &TableView<'_>,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut text = String::new();
    let mut markers = Markers::default();
    let title = table.title.as_deref();
    push_table(&mut text, title, view, &table.optional, opts, &mut markers);
    markers.push_legend(&mut text, opts.min_cell, usize::from(width(opts)));
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes every part of a document, separated by blank lines, each under
/// its title in `titles` (by key), else a table's own title, else its key.
pub(super) fn write_document(
    parts: &[(&str, PreparedPart<'_>)],
    titles: &[(PartKey, String)],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut text = String::new();
    let mut markers = Markers::default();
    for (index, (key, part)) in parts.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        let titled = titles
            .iter()
            .find(|(k, _)| k.as_str() == *key)
            .map(|(_, title)| title.as_str());
        let keyed = Some(*key).filter(|k| !k.is_empty());
        match part {
            PreparedPart::Table(table, view) => {
                let title = titled.or(table.title.as_deref()).or(keyed);
                push_table(&mut text, title, view, &table.optional, opts, &mut markers);
            }
            PreparedPart::Fields(fields) => summary::push_fields(
                &mut text,
                titled.or(keyed),
                fields,
                opts.min_cell,
                usize::from(width(opts)),
                &mut markers,
            ),
        }
    }
    markers.push_legend(&mut text, opts.min_cell, usize::from(width(opts)));
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Which suppression markers were printed, to explain them once below.
#[derive(Default)]
pub(super) struct Markers {
    below: bool,
    complement: bool,
}

impl Markers {
    /// Notes a cell's marker, if it has one.
    pub(super) fn saw(&mut self, cell: Cell<'_>) {
        self.below |= cell == Cell::Suppressed;
        self.complement |= cell == Cell::Complement;
    }

    fn push_legend(&self, text: &mut String, min_cell: u32, width: usize) {
        if self.below || self.complement {
            text.push('\n');
        }
        if self.below {
            summary::push_paragraph(
                text,
                &format!("<{min_cell}: fewer than {min_cell} units; hidden for privacy."),
                width,
            );
        }
        if self.complement {
            summary::push_paragraph(
                text,
                &format!(
                    "{COMPLEMENT}: {min_cell} units or more; hidden so that no figure marked <{min_cell} can be worked out from the others."
                ),
                width,
            );
        }
    }
}

/// The marker of a figure hidden to protect another (Statistics Denmark's
/// sign for discretion).
const COMPLEMENT: &str = "..";

/// The width tables are laid out in.
fn width(opts: &RenderOptions) -> u16 {
    opts.table_width.unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH)
}

fn new_table(opts: &RenderOptions) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width(opts));
    table
}

fn push_table(
    text: &mut String,
    title: Option<&str>,
    view: &TableView<'_>,
    optional: &[String],
    opts: &RenderOptions,
    markers: &mut Markers,
) {
    if let Some(title) = title {
        summary::push_paragraph(text, &printable(title), usize::from(width(opts)));
    }
    if view.columns.is_empty() {
        text.push_str("(no columns)\n");
        return;
    }
    let rows: Vec<Vec<String>> = (0..view.height)
        .map(|row| {
            view.columns
                .iter()
                .map(|c| cell_text(c.cell(row), c.role, opts.min_cell))
                .collect()
        })
        .collect();
    let names: Vec<Cow<'_, str>> = view.columns.iter().map(|c| printable(c.name)).collect();
    let is_optional: Vec<bool> = view
        .columns
        .iter()
        .map(|c| optional.iter().any(|name| name == c.name))
        .collect();
    // On a terminal (a width given), unless asked for every column.
    let target = opts
        .table_width
        .filter(|_| !opts.wide)
        .map(|w| usize::from(w.max(MIN_WIDTH)));
    let Layout {
        kept,
        dropped,
        headers,
    } = fit_columns(&names, &is_optional, &rows, target);
    let mut table = new_table(opts);
    table.set_header(headers);
    // A column with no spaces (ids, codes) cannot wrap usefully: keep it whole.
    let mut wraps = vec![false; kept.len()];
    for (row, cells) in rows.into_iter().enumerate() {
        let cells: Vec<String> = kept
            .iter()
            .map(|&i| {
                markers.saw(view.columns[i].cell(row));
                cells[i].clone()
            })
            .collect();
        for (wrap, cell) in wraps.iter_mut().zip(&cells) {
            *wrap |= cell.contains(' ');
        }
        table.add_row(cells);
    }
    let widths = table.column_max_content_widths();
    for (index, column) in kept.iter().map(|&i| &view.columns[i]).enumerate() {
        let Some(target) = table.column_mut(index) else {
            continue;
        };
        if column.is_numeric() {
            target.set_cell_alignment(CellAlignment::Right);
            target.set_constraint(ColumnConstraint::ContentWidth);
        } else if column.is_date() || !wraps[index] {
            target.set_constraint(ColumnConstraint::ContentWidth);
        } else {
            let width = widths.get(index).copied().unwrap_or(1);
            target.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                width.min(MIN_TEXT_WIDTH),
            )));
        }
    }
    text.push_str(&table.to_string());
    text.push('\n');
    if view.height == 0 {
        text.push_str("(no rows)\n");
    }
    if !dropped.is_empty() {
        summary::push_paragraph(
            text,
            &format!(
                "Left out to fit {} columns: {}; --wide shows every column.",
                width(opts),
                dropped.join(", ")
            ),
            usize::from(width(opts)),
        );
    }
}

/// Text safe to show on a terminal: control characters (C0, DEL, C1, so
/// every escape sequence's ESC) and the bidirectional overrides that can
/// reorder what is shown are written escaped, as `\u{1b}`, so an id in the
/// data cannot move the cursor, retitle the window or hide other cells.
pub(super) fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// The text of one table cell.
pub(super) fn cell_text(cell: Cell<'_>, role: Role, min_cell: u32) -> String {
    let decimal = match cell {
        Cell::Null => return String::new(),
        Cell::Suppressed => return format!("<{min_cell}"),
        Cell::Complement => return COMPLEMENT.to_string(),
        Cell::Bool(b) => return b.to_string(),
        Cell::Str(s) => return printable(s).into_owned(),
        Cell::Date(days) => return iso_date(days),
        Cell::Int(i) if role == Role::Plain => return i.to_string(),
        Cell::UInt(u) if role == Role::Plain => return u.to_string(),
        Cell::Int(i) => Decimal::from_i64(i),
        Cell::UInt(u) => Decimal::from_u64(u),
        Cell::F64(x) => match Decimal::from_f64(x) {
            Some(decimal) => decimal,
            None => return non_finite(x.is_nan(), x.is_sign_negative()),
        },
        Cell::F32(x) => match Decimal::from_f32(x) {
            Some(decimal) => decimal,
            None => return non_finite(x.is_nan(), x.is_sign_negative()),
        },
    };
    match role {
        Role::Money => group_thousands(&decimal.round(2), ','),
        Role::Share => format!("{} %", decimal.shift(2).round(1)),
        Role::Plain => {
            let x = match cell {
                Cell::F64(x) => Some(x),
                Cell::F32(x) => Some(f64::from(x)),
                _ => None,
            };
            plain_float(x, &decimal)
        }
    }
}

fn non_finite(nan: bool, negative: bool) -> String {
    match (nan, negative) {
        (true, _) => "NaN",
        (false, true) => "-inf",
        (false, false) => "inf",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::{
        render_document, render_table, Document, Format, PartKey, RenderOptions, Table, Value,
    };
    use polars::prelude::*;

    fn render(table: &Table, width: Option<u16>) -> String {
        let opts = RenderOptions {
            table_width: width,
            ..RenderOptions::new(Format::Table)
        };
        let mut out = Vec::new();
        render_table(table, &opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn areas() -> Table {
        let frame = df!(
            "area" => ["Kontante ydelser", "Sundhed"],
            "units" => [Some(120i64), None],
            "cost" => [Some(1234567.885), None],
            "share" => [0.1234, 0.0005],
            "effect" => [0.1 + 0.2, 1e-7],
        )
        .unwrap();
        Table::new(frame)
            .with_title("Budget areas")
            .with_money(["cost"])
            .with_shares(["share"])
            .with_suppressed(["units", "cost"])
    }

    #[test]
    fn formats_money_shares_and_suppressed_cells() {
        assert_eq!(
            render(&areas(), None),
            "Budget areas
┌──────────────────┬───────┬──────────────┬────────┬────────┐
│ area             ┆ units ┆         cost ┆  share ┆ effect │
╞══════════════════╪═══════╪══════════════╪════════╪════════╡
│ Kontante ydelser ┆   120 ┆ 1,234,567.89 ┆ 12.3 % ┆   0.30 │
│ Sundhed          ┆    <5 ┆           <5 ┆  0.1 % ┆   1e-7 │
└──────────────────┴───────┴──────────────┴────────┴────────┘

<5: fewer than 5 units; hidden for privacy.
"
        );
    }

    #[test]
    fn complements_show_as_two_dots_and_both_markers_are_explained() {
        let table = areas().with_complement_rows([0]);
        let mut frame = table.frame.clone();
        frame
            .replace("units", Column::new("units".into(), [None::<i64>, None]))
            .unwrap();
        let table = Table { frame, ..table };
        let text = render(&table, None);
        assert!(
            text.contains("│ Kontante ydelser ┆    .. ┆ 1,234,567.89 ┆"),
            "{text}"
        );
        assert!(
            text.contains("│ Sundhed          ┆    <5 ┆           <5 ┆"),
            "{text}"
        );
        assert!(text.ends_with(
            "\n<5: fewer than 5 units; hidden for privacy.\n\
             ..: 5 units or more; hidden so that no figure marked <5 can be worked out from the others.\n"
        ), "{text}");
    }

    #[test]
    fn suppressed_marker_follows_min_cell() {
        let opts = RenderOptions {
            min_cell: 10,
            ..RenderOptions::new(Format::Table)
        };
        let mut out = Vec::new();
        render_table(&areas(), &opts, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("<10"));
    }

    #[test]
    fn narrow_or_odd_widths_and_shapes_never_panic() {
        let wide: Vec<Column> = (0..30)
            .map(|i| {
                Column::new(
                    format!("cost_area_{i}").into(),
                    [Some(1e9 * f64::from(i)), None],
                )
            })
            .collect();
        let wide = Table::new(DataFrame::new(2, wide).unwrap());
        for width in [Some(0), Some(1), Some(10), Some(u16::MAX), None] {
            render(&wide, width);
            render(&areas(), width);
        }
        let empty = render(&Table::new(DataFrame::empty()), None);
        assert_eq!(empty, "(no columns)\n");
        let no_rows = render(&Table::new(df!("a" => Vec::<f64>::new()).unwrap()), None);
        assert!(no_rows.ends_with("(no rows)\n"), "{no_rows}");
    }

    #[test]
    fn short_text_columns_do_not_wrap_when_numbers_fill_the_width() {
        let frame = df!(
            "id" => ["a1"],
            "area" => ["Forebyggende foranstaltninger for børn og unge"],
            "big" => [1e20],
            "bigger" => [1e21],
            "ok" => [true],
        )
        .unwrap();
        let text = render(&Table::new(frame).with_money(["big", "bigger"]), None);
        assert!(text.contains("│ id "), "{text}");
        assert!(
            text.contains("┆ true ┆") || text.contains("┆ true │"),
            "{text}"
        );
        assert!(text.contains("│ a1 ┆ Forebyggen"), "{text}");
    }

    #[test]
    fn long_text_wraps_to_the_width() {
        let long = "Forebyggende foranstaltninger for børn og unge ".repeat(4);
        let frame = df!("area" => [long.as_str()], "cost" => [1.0]).unwrap();
        let text = render(&Table::new(frame).with_money(["cost"]), None);
        assert!(
            text.lines().all(|line| line.chars().count() <= 100),
            "{text}"
        );
    }

    #[test]
    fn document_parts_have_titles_and_blank_lines_between_and_fields_as_an_aligned_list() {
        let document = Document::new()
            .with_fields(
                PartKey::new(""),
                vec![
                    ("units".into(), Value::Int(52)),
                    ("total_cost".into(), Value::Money(1234.5)),
                    (
                        "top_share".into(),
                        Value::Object(vec![("1".into(), Value::Share(0.5))]),
                    ),
                    ("hidden".into(), Value::Suppressed),
                ],
            )
            .with_table(
                PartKey::new("overlaps"),
                Table::new(df!("a" => ["X"], "units" => [3u32]).unwrap()),
            );
        let mut out = Vec::new();
        render_document(&document, &RenderOptions::new(Format::Table), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "units              52
total_cost   1,234.50
top_share.1    50.0 %
hidden             <5

overlaps
┌───┬───────┐
│ a ┆ units │
╞═══╪═══════╡
│ X ┆     3 │
└───┴───────┘

<5: fewer than 5 units; hidden for privacy.
"
        );
    }

    #[test]
    fn a_narrow_terminal_leaves_out_the_widest_optional_column_and_says_so() {
        let frame = df!(
            "id" => ["a1"],
            "area" => ["Kontante ydelser"],
            "note" => ["x"],
            "cost" => [1234.5],
        )
        .unwrap();
        let table = Table::new(frame)
            .with_money(["cost"])
            .with_optional(["area", "note"]);
        // Unwrapped: id 2+3, area 16+3, note 4+3, cost 8+3 and a border: 43 > 40.
        assert_eq!(
            render(&table, Some(40)),
            "┌────┬──────┬──────────┐
│ id ┆ note ┆     cost │
╞════╪══════╪══════════╡
│ a1 ┆ x    ┆ 1,234.50 │
└────┴──────┴──────────┘
Left out to fit 40 columns: area; --wide
  shows every column.
"
        );
        let wide = RenderOptions {
            table_width: Some(40),
            wide: true,
            ..RenderOptions::new(Format::Table)
        };
        let mut out = Vec::new();
        render_table(&table, &wide, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("│ id ┆ area"), "{text}");
        assert!(!text.contains("Left out"), "{text}");
        // Not on a terminal (no width given): every column, as in a file.
        assert!(render(&table, None).contains("┆ area"));
        // Wide enough: nothing left out.
        assert!(!render(&table, Some(43)).contains("Left out"));
    }

    #[test]
    fn tiny_floats_keep_two_significant_digits_not_twenty() {
        let frame = df!(
            "smd" => [0.0032246987860149396, -0.00049, 1.5e-7, 1e-7, 0.0, 0.125],
        )
        .unwrap();
        let text = render(&Table::new(frame), None);
        let cells: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix('│'))
            .map(|line| line.trim_end_matches('│').trim())
            .collect();
        assert_eq!(
            cells,
            ["smd", "0.0032", "-0.00049", "1.5e-7", "1e-7", "0.00", "0.13"]
        );
    }

    #[test]
    fn a_long_name_over_short_figures_folds_after_its_underscores_before_a_column_goes() {
        let frame = df!(
            "period_start" => ["2023-04-01"],
            "cumulative_realised" => [14272977.59],
            "note" => ["x"],
        )
        .unwrap();
        let table = Table::new(frame)
            .with_money(["cumulative_realised"])
            .with_optional(["note"]);
        // Unfolded: 1 + 15 + 22 + 7 = 45; `cumulative_` over `realised` makes it 39.
        assert_eq!(
            render(&table, Some(40)),
            "┌──────────────┬───────────────┬──────┐
│ period_start ┆   cumulative_ ┆ note │
│              ┆      realised ┆      │
╞══════════════╪═══════════════╪══════╡
│ 2023-04-01   ┆ 14,272,977.59 ┆ x    │
└──────────────┴───────────────┴──────┘
"
        );
    }

    #[test]
    fn escape_sequences_in_ids_are_shown_escaped_not_sent_to_the_terminal() {
        let frame = df!(
            "unit_id" => ["\u{1b}]0;pwned\u{7}A", "B\u{9b}2J\u{7f}", "C\r\nD\u{202e}"],
        )
        .unwrap();
        let table = Table::new(frame).with_title("ids\u{1b}[2J");
        let mut out = Vec::new();
        render_table(&table, &RenderOptions::new(Format::Table), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.starts_with("ids\\u{1b}[2J\n"), "{text}");
        for shown in [
            "\\u{1b}]0;pwned\\u{7}A",
            "B\\u{9b}2J\\u{7f}",
            "C\\u{d}\\u{a}D\\u{202e}",
        ] {
            assert!(text.contains(shown), "{shown} in\n{text}");
        }
    }
}
