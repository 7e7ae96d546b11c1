//! End-to-end tests: the real binary on small fixtures in a temporary folder,
//! comparing whole outputs. One test binary, so the build links once.

mod amounts;
mod generate;
mod hostile;
mod hotspots;
mod ladder;
mod load;
mod overview;
mod pseudonymise;
mod realised;
mod savings;
mod validate;
mod workdir;
