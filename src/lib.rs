//! tvaers: link pseudonymised department extracts per citizen and family,
//! find the high-cost multi-contact units, and report what coordination would
//! save per budget area.
//!
//! Data flows one way: [`config`] → a [`workspace::Plan`] of what an
//! analysis needs → [`workspace::Workspace::open`], one pass through
//! [`load`] (rows checked, rejects counted) feeding [`units`], the realised
//! panel and validate's summary → analyses ([`validate`], [`hotspots`],
//! [`overview`], [`savings`], [`realised`], [`ladder`], [`report`]) →
//! documents → [`output`]. ARCHITECTURE.md has the whole map. The library never prints and knows nothing of the command
//! line; `src/main.rs` does both.

pub mod accounts;
pub mod beside;
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
pub mod workspace;
