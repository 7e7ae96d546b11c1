//! The suppression rules on hand-made parts, one test per rule and per
//! way the former rule let a hidden figure out.

use super::*;

fn parts(units: &[u64]) -> Vec<Part> {
    units.iter().map(|&u| Part::new(u, u as f64)).collect()
}

fn run(units: &[u64], membership: Membership, min_cell: u32) -> Protected {
    let p = parts(units);
    protect(&p, &primary(&p, min_cell), membership, true, min_cell)
}

use Status::{Below as B, Complement as C, Shown as S};

#[test]
fn counts_below_min_cell_are_hidden() {
    assert_eq!(count(4, 5), None);
    assert_eq!(count(5, 5), Some(5));
    assert_eq!(count(0, 5), None);
    assert_eq!(count(2, 1), Some(2));
    assert_eq!(Status::of(0, 5), B);
}

#[test]
fn sums_from_few_units_are_hidden() {
    assert_eq!(over_units(1234.5, 4, 5), None);
    assert_eq!(over_units(1234.5, 5, 5), Some(1234.5));
}

#[test]
fn one_hidden_part_hides_the_next_smallest() {
    // 3 hidden: 7 goes with it (3 + 7 = 10 units, neither pinned).
    let p = run(&[100, 3, 7, 50], Membership::Disjoint, 5);
    assert_eq!(p.parts, vec![S, B, C, S]);
    assert_eq!(p.total, S);
}

#[test]
fn a_part_of_zero_never_protects() {
    // The former rule stopped at {1, 0}: total − shown = one unit and its cost.
    let p = run(&[40, 20, 1, 0], Membership::Disjoint, 5);
    assert_eq!(p.parts, vec![S, C, B, B]);
    // Only zeros hidden: they describe no one and need no complement.
    let p = run(&[40, 20, 0, 0], Membership::Disjoint, 5);
    assert_eq!(p.parts, vec![S, S, B, B]);
    // A 0 and a 1 and one complement of exactly 5: a reader knows 0 + 1 + 5
    // = 6 and `..` ≥ 5, so the 1 is 0 or 1 and the complement 5 or 6.
    let p = run(&[40, 5, 1, 0], Membership::Disjoint, 5);
    assert_eq!(p.parts, vec![S, C, B, B]);
    assert!(!is_protected(
        &parts(&[40, 20, 1, 0]),
        &[S, S, B, B],
        Membership::Disjoint,
        5
    ));
}

#[test]
fn hidden_parts_must_hold_min_cell_units_together() {
    // 1 + 2 = 3 units hidden: still a sum from fewer than five, so 9 goes too.
    let p = run(&[30, 9, 1, 2], Membership::Disjoint, 5);
    assert_eq!(p.parts, vec![S, C, B, B]);
}

#[test]
fn counts_pinned_by_the_markers_ranges_are_not_protected() {
    // 4 + 4 = 8 with both at most 4: a reader knows both are 4.
    assert!(!is_protected(
        &parts(&[20, 4, 4]),
        &[S, B, B],
        Membership::Disjoint,
        5
    ));
    // 0 + 5 = 5 with `..` at least 5: a reader knows the complement is 5.
    assert!(!is_protected(
        &parts(&[20, 0, 5, 6]),
        &[S, B, C, S],
        Membership::Disjoint,
        5
    ));
    let p = run(&[20, 4, 4], Membership::Disjoint, 5);
    assert_eq!((p.parts, p.total), (vec![C, B, B], S));
    // Nothing left to hide and still pinned: the total goes.
    let p = run(&[4, 4], Membership::Disjoint, 5);
    assert_eq!((p.parts, p.total), (vec![B, B], C));
    assert!(is_protected(
        &parts(&[20, 3, 4]),
        &[S, B, B],
        Membership::Disjoint,
        5
    ));
}

#[test]
fn overlapping_parts_need_a_hidden_part_of_min_cell_units() {
    // Two areas of 3 units may be the same 3 units: not enough.
    let p = run(&[50, 3, 3, 8], Membership::Overlapping, 5);
    assert_eq!(p.parts, vec![S, B, B, C]);
}

#[test]
fn parts_outside_the_total_neither_need_nor_give_protection() {
    let p = vec![
        Part {
            units: 2,
            size: 1.0,
            weight: 0.1,
        },
        Part {
            units: 9,
            size: 2.0,
            weight: 0.0,
        },
        Part {
            units: 20,
            size: 3.0,
            weight: 0.1,
        },
    ];
    let out = protect(&p, &primary(&p, 5), Membership::Overlapping, true, 5);
    assert_eq!(out.parts, vec![B, S, C]);
}

#[test]
fn nothing_more_is_hidden_without_a_shown_total() {
    let p = parts(&[20, 1]);
    let out = protect(&p, &primary(&p, 5), Membership::Disjoint, false, 5);
    assert_eq!(out.parts, vec![S, B]);
}

#[test]
fn nested_groups_hide_small_differences() {
    // 100 units, top 1/5/10/20 % = 1, 5, 10, 20 units: the 1 % is below 5.
    assert_eq!(cumulative(&[1, 5, 10, 20], 100, 5), vec![B, S, S, S]);
    // 5 → 8 is a difference of 3 units: hidden; 8 → 12 then is 7 from 5.
    assert_eq!(cumulative(&[5, 8, 12], 100, 5), vec![S, C, S]);
    // Equal groups give equal figures: nothing new.
    assert_eq!(cumulative(&[6, 6], 100, 5), vec![S, S]);
    // 20 of 23 units leaves 3 outside: total − top would give their cost.
    assert_eq!(cumulative(&[5, 10, 20], 23, 5), vec![S, S, C]);
    assert_eq!(cumulative(&[5, 20], 20, 5), vec![S, S]);
}

#[test]
fn shares_are_rounded_to_a_tenth_of_a_percent() {
    assert_eq!(round_share(0.123_456), 0.123);
    assert_eq!(round_share(0.0125), 0.013);
    assert_eq!(round_share(1.0), 1.0);
}

#[test]
fn statuses_combine_to_the_stricter() {
    assert_eq!(S.and(C), C);
    assert_eq!(C.and(B), B);
    assert_eq!(S.and(S), S);
    assert_eq!(C.show(3), None);
}
