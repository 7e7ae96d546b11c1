//! A text column as runs of one value. Rows of an extract come in runs of
//! one citizen, case or account, and a Parquet reader gives each repeat of a
//! dictionary-encoded value the same string view: comparing two views is
//! one 16-byte comparison, where comparing texts reads them. So a check or
//! a lookup done once per run, not once per row, costs a fraction.
//!
//! Two rows share a run only when their views are identical, which means
//! the same bytes (the same inline text, or the same place in the same
//! buffer). Equal texts in different views (a plain-encoded page, an
//! untrimmed copy) start a new run: a run may be shorter than it could be,
//! never wrong, so whatever is done per run must give what it would give
//! per row.

use polars::prelude::StringChunked;
use polars_arrow::array::Array;
use std::ops::Range;

/// Calls `f` with each run of rows of `column` that hold one value (`None`
/// for null), in order: together the runs cover every row once.
pub fn for_each_run<'a>(
    column: &'a StringChunked,
    mut f: impl FnMut(Range<usize>, Option<&'a str>),
) {
    let mut base = 0;
    for array in column.downcast_iter() {
        let views = array.views();
        let mut start = 0;
        match array.validity().filter(|v| v.unset_bits() > 0) {
            // No null (most columns): views alone decide.
            None => {
                for i in 1..views.len() {
                    if views[i].as_u128() != views[start].as_u128() {
                        f(base + start..base + i, Some(array.value(start)));
                        start = i;
                    }
                }
                if start < views.len() {
                    f(base + start..base + views.len(), Some(array.value(start)));
                }
            }
            Some(validity) => {
                let valid = |i: usize| validity.get_bit(i);
                for i in 1..=views.len() {
                    let same = i < views.len()
                        && valid(i) == valid(start)
                        && (!valid(i) || views[i].as_u128() == views[start].as_u128());
                    if same {
                        continue;
                    }
                    f(
                        base + start..base + i,
                        valid(start).then(|| array.value(start)),
                    );
                    start = i;
                }
            }
        }
        base += views.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn runs(column: &StringChunked) -> Vec<(Range<usize>, Option<String>)> {
        let mut all = Vec::new();
        for_each_run(column, |rows, value| {
            all.push((rows, value.map(String::from)))
        });
        all
    }

    #[test]
    fn repeats_of_one_view_make_one_run_and_nulls_their_own() {
        let long = "a text longer than twelve bytes";
        let column = StringChunked::new(
            "c".into(),
            [
                Some("A"),
                Some("A"),
                None,
                None,
                Some(long),
                Some("B"),
                Some("A"),
            ],
        );
        let found = runs(&column);
        let expected = [
            (0..2, Some("A")),
            (2..4, None),
            (4..5, Some(long)),
            (5..6, Some("B")),
            (6..7, Some("A")),
        ]
        .map(|(r, v)| (r, v.map(String::from)));
        assert_eq!(found, expected);
    }

    #[test]
    fn runs_cover_every_row_in_order_across_chunks_and_agree_with_the_values() {
        let mut column = StringChunked::new("c".into(), ["x"; 3].map(Some));
        let long = StringChunked::new(
            "c".into(),
            [
                Some("x"),
                Some("a repeated text, written twice"),
                Some("a repeated text, written twice"),
                None,
            ],
        );
        column.append(&long).unwrap();
        assert_eq!(column.chunks().len(), 2);
        let found = runs(&column);
        // A run never crosses a chunk, so the two chunks' `x`s are two runs.
        assert_eq!(found[0], (0..3, Some("x".to_string())));
        assert_eq!(found[1], (3..4, Some("x".to_string())));
        let mut next = 0;
        for (rows, value) in &found {
            assert_eq!(rows.start, next);
            for row in rows.clone() {
                assert_eq!(column.get(row), value.as_deref());
            }
            next = rows.end;
        }
        assert_eq!(next, column.len());
    }
}
