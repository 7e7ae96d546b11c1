//! The one place where results become bytes.

mod atomic;
mod error;
mod format;

pub use atomic::write_atomically;
pub use error::{is_broken_pipe, OutputError};
pub use format::{resolve_format, Format};
