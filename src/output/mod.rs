//! The one place where results become bytes.

mod error;
mod format;

pub use error::{is_broken_pipe, OutputError};
pub use format::{resolve_format, Format};
