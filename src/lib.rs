//! tvaers: link pseudonymised department extracts per citizen and family,
//! find the high-cost multi-contact units, and report what coordination would
//! save per budget area.

pub mod generate;
