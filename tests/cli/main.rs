//! End-to-end tests: the real binary on small fixtures in a temporary folder,
//! comparing whole outputs. One test binary, so the build links once.

mod amounts;
mod clients;
mod documents;
mod flags;
mod generate;
mod help_examples;
mod hostile;
mod hostile_fuzz;
mod hotspots;
mod independent;
mod init;
mod ladder;
mod load;
mod manifest;
mod manual;
mod outputs;
mod overview;
mod pseudonymise;
mod readback;
mod realised;
mod realised_independent;
mod report_independent;
mod report_sections;
mod savings;
mod schema;
mod streams;
mod suppression;
mod suppression_audit;
mod terminal;
mod validate;
mod workdir;
mod xlsx;
