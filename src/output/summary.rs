//! Key/value summaries for people at a terminal: an aligned two-column list
//! of names and values, and long notes under it as wrapped paragraphs.
//!
//! A summary's values are mostly short figures, with now and then a
//! sentence (why an estimate is not balanced, what a figure means). Put in
//! a table's value column, such a sentence squeezes every other value into
//! a sliver and breaks dates over two lines; under the list, wrapped at the
//! width between words, it reads as a paragraph.

use super::cells::{Cell, Role};
use super::document::flat_fields;
use super::table::{cell_text, printable, Markers};
use super::Value;

/// A text value longer than this (in characters) is a note, shown as a
/// paragraph under the list rather than in it.
const LONGEST_IN_LIST: usize = 40;

/// Writes `fields` under `title` as an aligned list, notes after it.
pub(super) fn push_fields(
    text: &mut String,
    title: Option<&str>,
    fields: &[(String, Value)],
    min_cell: u32,
    width: usize,
    markers: &mut Markers,
) {
    if let Some(title) = title {
        text.push_str(&printable(title));
        text.push('\n');
    }
    let mut list: Vec<(String, String, bool)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    for (name, cell, role) in flat_fields(fields) {
        markers.saw(cell);
        let value = cell_text(cell, role, min_cell);
        let name = printable(&name).into_owned();
        if matches!(cell, Cell::Str(_)) && value.chars().count() > LONGEST_IN_LIST {
            notes.push((name, value));
        } else {
            let right = role != Role::Plain || !matches!(cell, Cell::Str(_) | Cell::Bool(_));
            list.push((name, value, right));
        }
    }
    let name_width = list
        .iter()
        .map(|(n, ..)| n.chars().count())
        .max()
        .unwrap_or(0);
    let value_width = list
        .iter()
        .map(|(_, v, _)| v.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value, right) in &list {
        let line = if *right {
            format!("{name:<name_width$}  {value:>value_width$}")
        } else {
            format!("{name:<name_width$}  {value}")
        };
        text.push_str(line.trim_end());
        text.push('\n');
    }
    for (index, (name, note)) in notes.iter().enumerate() {
        if index > 0 || !list.is_empty() {
            text.push('\n');
        }
        push_paragraph(text, &format!("{name}: {note}"), width);
    }
}

/// Writes `paragraph` wrapped between words at `width` columns, lines
/// after the first indented by two spaces. A word longer than a line is
/// left whole (an id or a path is not to be broken).
pub(super) fn push_paragraph(text: &mut String, paragraph: &str, width: usize) {
    let mut line = String::new();
    let mut line_width = 0;
    let mut has_word = false;
    for word in paragraph.split_whitespace() {
        let word_width = word.chars().count();
        if has_word && line_width + 1 + word_width > width {
            text.push_str(&line);
            text.push('\n');
            line = "  ".to_string();
            line_width = 2;
            has_word = false;
        }
        if has_word {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += word_width;
        has_word = true;
    }
    if has_word {
        text.push_str(&line);
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(fields: &[(String, Value)], width: usize) -> String {
        let mut text = String::new();
        push_fields(
            &mut text,
            Some("Summary"),
            fields,
            5,
            width,
            &mut Markers::default(),
        );
        text
    }

    #[test]
    fn names_and_values_align_in_two_columns_with_figures_to_the_right() {
        let fields = vec![
            ("enrolled_units".to_string(), Value::UInt(13)),
            ("total_cost".to_string(), Value::Money(457_578_373.157)),
            ("pre_level_gap".to_string(), Value::Share(0.096)),
            ("from".to_string(), Value::Date(19_534)),
            ("balanced".to_string(), Value::Bool(false)),
            ("hidden".to_string(), Value::Suppressed),
            ("scenario".to_string(), Value::from("base")),
        ];
        assert_eq!(
            summary(&fields, 80),
            "Summary
enrolled_units              13
total_cost      457,578,373.16
pre_level_gap            9.6 %
from                2023-06-26
balanced        false
hidden                      <5
scenario        base
"
        );
    }

    #[test]
    fn long_notes_become_paragraphs_wrapped_between_words_under_the_list() {
        let note = "NOT BALANCED: no comparable comparison group was found before \
                    the start on 2023-06-26, so the figures cannot tell a saving from a loss.";
        let fields = vec![
            ("units".to_string(), Value::UInt(7)),
            ("balance_note".to_string(), Value::from(note)),
        ];
        assert_eq!(
            summary(&fields, 40),
            "Summary
units  7

balance_note: NOT BALANCED: no
  comparable comparison group was found
  before the start on 2023-06-26, so the
  figures cannot tell a saving from a
  loss.
"
        );
        for line in summary(&fields, 40).lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_kept_whole() {
        let mut text = String::new();
        push_paragraph(
            &mut text,
            "see /a/very/long/path/that/does/not/fit here",
            10,
        );
        assert_eq!(text, "see\n  /a/very/long/path/that/does/not/fit\n  here\n");
    }
}
