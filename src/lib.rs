//! tvaers: link pseudonymised department extracts per citizen and family,
//! find the high-cost multi-contact units, and report what coordination would
//! save per budget area.
//!
//! Data flows one way: [`config`] → [`load`] (typed polars frames and
//! rejects) → analyses ([`validate`], [`units`], [`hotspots`], [`overview`])
//! → [`output`]. The library never prints and knows nothing of the command
//! line; `src/main.rs` does both.

pub mod accounts;
pub mod chart;
pub mod config;
pub mod cpr;
pub mod generate;
pub mod hotspots;
pub mod init;
pub mod interner;
pub mod ladder;
pub mod language;
pub mod load;
pub mod manifest;
pub mod output;
pub mod overview;
pub mod pseudonym;
pub mod pseudonymise;
pub mod realised;
pub mod report;
pub mod savings;
pub mod schema;
pub mod suppress;
#[cfg(test)]
mod testing;
pub mod units;
pub mod validate;
