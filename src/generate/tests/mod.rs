//! Tests of the whole generator: determinism, the shapes a municipality has,
//! and that the planted effect is what a difference in differences recovers.

mod calibration;
mod collect;
