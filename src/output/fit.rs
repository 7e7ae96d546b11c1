//! Fitting a text table into a terminal's width without wrapping its
//! figures: which columns to keep and how to write their names.
//!
//! A table wider than the terminal first loses its optional columns, widest
//! first, until it fits with every long name folded after its underscores
//! (`cumulative_` over `realised`); then only as many of the kept names are
//! folded as the width needs. The caller says which columns are optional
//! and lists the ones left out under the table, so nothing goes missing
//! unannounced. Widths count characters, as a terminal shows them, and the
//! same cells and width always give the same layout.

use std::borrow::Cow;
use std::cmp::Reverse;

/// How a table is laid out: the columns kept, the names left out (in
/// table order) and the header of each kept column (folded names on
/// several lines).
pub(super) struct Layout {
    pub(super) kept: Vec<usize>,
    pub(super) dropped: Vec<String>,
    pub(super) headers: Vec<String>,
}

/// Lays out a table of `names` (already safe to print) and `cells` (rows of
/// cell texts) in `target` columns: every column under its one-line name
/// where no target is given (not a terminal, or `--wide`) or the table fits.
pub(super) fn fit_columns(
    names: &[Cow<'_, str>],
    optional: &[bool],
    cells: &[Vec<String>],
    target: Option<usize>,
) -> Layout {
    let all: Vec<usize> = (0..names.len()).collect();
    let Some(target) = target else {
        return Layout {
            headers: names.iter().map(|n| n.clone().into_owned()).collect(),
            kept: all,
            dropped: Vec::new(),
        };
    };
    let content: Vec<usize> = (0..names.len())
        .map(|index| {
            cells
                .iter()
                .map(|row| row[index].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Each column: its widest cell or name line, a space either side and a border.
    let unfolded: Vec<usize> = (0..names.len())
        .map(|i| content[i].max(names[i].chars().count()) + 3)
        .collect();
    let folded: Vec<usize> = (0..names.len())
        .map(|i| content[i].max(longest_part(&names[i])) + 3)
        .collect();
    let mut total: usize = folded.iter().sum::<usize>() + 1;
    let mut droppable: Vec<usize> = all.iter().copied().filter(|&i| optional[i]).collect();
    // Widest first; ties by position, rightmost first, so the same table always loses the same columns.
    droppable.sort_by_key(|&i| (Reverse(folded[i]), Reverse(i)));
    let mut dropped = Vec::new();
    for index in droppable {
        if total <= target {
            break;
        }
        total -= folded[index];
        dropped.push(index);
    }
    dropped.sort_unstable();
    let kept: Vec<usize> = all.into_iter().filter(|i| !dropped.contains(i)).collect();
    // Fold the names that gain most first, and only until the table fits.
    let mut fold = vec![false; names.len()];
    let mut total: usize = kept.iter().map(|&i| unfolded[i]).sum::<usize>() + 1;
    let mut by_gain = kept.clone();
    by_gain.sort_by_key(|&i| (Reverse(unfolded[i] - folded[i]), Reverse(i)));
    for index in by_gain {
        if total <= target || unfolded[index] == folded[index] {
            break;
        }
        total -= unfolded[index] - folded[index];
        fold[index] = true;
    }
    Layout {
        headers: kept
            .iter()
            .map(|&i| match fold[i] {
                true => fold_name(&names[i], folded[i] - 3),
                false => names[i].clone().into_owned(),
            })
            .collect(),
        kept,
        dropped: dropped
            .into_iter()
            .map(|i| names[i].clone().into_owned())
            .collect(),
    }
}

/// The longest piece of a column name cut after each underscore.
fn longest_part(name: &str) -> usize {
    name.split_inclusive('_')
        .map(|part| part.chars().count())
        .max()
        .unwrap_or(0)
}

/// A column name on as few lines of at most `width` characters as its
/// underscores allow: `cumulative_realised_low` in 12 is `cumulative_` over
/// `realised_low`. A piece longer than `width` stays whole on its line.
fn fold_name(name: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in name.split_inclusive('_') {
        if !line.is_empty() && line.chars().count() + part.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(part);
    }
    lines.push(line);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(names: &[&str], optional: &[bool], row: &[&str], target: Option<usize>) -> Layout {
        let names: Vec<Cow<'_, str>> = names.iter().map(|n| Cow::Borrowed(*n)).collect();
        let cells = vec![row.iter().map(|c| c.to_string()).collect()];
        fit_columns(&names, optional, &cells, target)
    }

    #[test]
    fn names_fold_after_underscores_on_as_few_lines_as_the_width_allows() {
        assert_eq!(
            fold_name("cumulative_realised_low", 12),
            "cumulative_\nrealised_low"
        );
        assert_eq!(
            fold_name("cumulative_realised_low", 11),
            "cumulative_\nrealised_\nlow"
        );
        assert_eq!(fold_name("saving_low", 10), "saving_low");
        assert_eq!(fold_name("departments", 3), "departments");
        assert_eq!(longest_part("mean_first_step"), 6);
        assert_eq!(longest_part("æøå_x"), 4);
    }

    #[test]
    fn no_target_or_a_table_that_fits_keeps_every_column_on_one_line() {
        let names = ["period_start", "expected"];
        let row = ["2023-04-01", "40,585.38"];
        for target in [None, Some(28)] {
            let fit = layout(&names, &[true, true], &row, target);
            assert_eq!(fit.kept, [0, 1]);
            assert_eq!(fit.headers, names);
            assert!(fit.dropped.is_empty());
        }
    }

    /// Unfolded: 1 + 15 + 12 + 22 = 50. Folding `cumulative_realised` (to
    /// 13 + 3) gains 6 and is enough for 45; `period_start` (12 over a
    /// 10-wide date) stays on one line. At 43 both fold: 1 + 13 + 12 + 16.
    #[test]
    fn only_as_many_names_fold_as_the_width_needs_those_that_gain_most_first() {
        let names = ["period_start", "expected", "cumulative_realised"];
        let row = ["2023-04-01", "40,585.38", "14,272,977.59"];
        let fit = layout(&names, &[false; 3], &row, Some(45));
        assert_eq!(
            fit.headers,
            ["period_start", "expected", "cumulative_\nrealised"]
        );
        let fit = layout(&names, &[false; 3], &row, Some(43));
        assert_eq!(
            fit.headers,
            ["period_\nstart", "expected", "cumulative_\nrealised"]
        );
        assert!(fit.dropped.is_empty());
    }

    /// Folded: id 5, long_optional_name 12, short 8, cost 11 and a border:
    /// 37. At 30 the widest optional column goes, then the fit is 25.
    #[test]
    fn optional_columns_go_widest_first_only_when_folding_is_not_enough() {
        let names = ["id", "long_optional_name", "short", "cost"];
        let row = ["a1", "x", "y", "1,234.50"];
        let fit = layout(&names, &[false, true, true, false], &row, Some(30));
        assert_eq!(fit.kept, [0, 2, 3]);
        assert_eq!(fit.dropped, ["long_optional_name"]);
        assert_eq!(fit.headers, ["id", "short", "cost"]);
        let fit = layout(&names, &[false, true, true, false], &row, Some(37));
        assert_eq!(fit.kept, [0, 1, 2, 3]);
        assert_eq!(
            fit.headers,
            ["id", "long_\noptional_\nname", "short", "cost"]
        );
    }
}
