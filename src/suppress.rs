//! Small-cell suppression (SPEC §4): aggregated outputs may be shared, so no
//! count below `min_cell` and no sum or mean from fewer than `min_cell` units
//! is shown. Where parts are shown beside their total and only one part is
//! suppressed, the next smallest part is suppressed too, so the hidden one
//! cannot be recovered by subtraction. The analyses compute exact figures;
//! this module decides which of them may be shown.

/// A figure that may be suppressed.
pub type Shown<T> = Option<T>;

/// A count, unless below `min_cell`.
pub fn count(n: u64, min_cell: u32) -> Shown<u64> {
    (n >= u64::from(min_cell)).then_some(n)
}

/// A sum or mean over `units` units, unless they are fewer than `min_cell`.
pub fn over_units<T>(value: T, units: u64, min_cell: u32) -> Shown<T> {
    (units >= u64::from(min_cell)).then_some(value)
}

/// Secondary suppression over parts that add up to a shown total: `hidden[i]`
/// says part `i` is already suppressed, `size[i]` orders the parts. When
/// exactly one part is hidden, the smallest of the others (first by index on
/// ties) is hidden too. Returns the new flags.
pub fn complementary(hidden: &[bool], size: &[f64]) -> Vec<bool> {
    let mut out = hidden.to_vec();
    if hidden.iter().filter(|&&h| h).count() == 1 {
        let next = (0..hidden.len())
            .filter(|&i| !hidden[i])
            .min_by(|&a, &b| size[a].total_cmp(&size[b]).then(a.cmp(&b)));
        if let Some(i) = next {
            out[i] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_below_min_cell_are_hidden() {
        assert_eq!(count(4, 5), None);
        assert_eq!(count(5, 5), Some(5));
        assert_eq!(count(0, 5), None);
        assert_eq!(count(2, 1), Some(2));
    }

    #[test]
    fn sums_from_few_units_are_hidden() {
        assert_eq!(over_units(1234.5, 4, 5), None);
        assert_eq!(over_units(1234.5, 5, 5), Some(1234.5));
    }

    #[test]
    fn one_hidden_part_hides_the_next_smallest() {
        let hidden = [false, true, false, false];
        let size = [100.0, 3.0, 7.0, 50.0];
        assert_eq!(
            complementary(&hidden, &size),
            vec![false, true, true, false]
        );
    }

    #[test]
    fn two_hidden_parts_are_enough() {
        let hidden = [true, true, false];
        assert_eq!(complementary(&hidden, &[1.0, 2.0, 3.0]), hidden.to_vec());
        let none = [false, false];
        assert_eq!(complementary(&none, &[1.0, 2.0]), none.to_vec());
    }

    #[test]
    fn ties_take_the_first_part() {
        assert_eq!(
            complementary(&[false, false, true], &[9.0, 9.0, 1.0]),
            vec![true, false, true]
        );
    }
}
