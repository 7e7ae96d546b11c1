//! A boundary around the Parquet reader. polars panics on some damaged or
//! unusual files (a corrupt footer, a type it was built without) instead of
//! returning an error. A panic on bad input must become a clear error naming
//! the file, and the default panic message must not reach the terminal
//! beside it: the panic is caught here, and the panic hook stays silent
//! while a guarded call is running.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Guarded calls running now, on any thread. polars may panic on one of its
/// own worker threads, so the hook cannot tell by the thread it runs on.
static GUARDED: AtomicUsize = AtomicUsize::new(0);
static HOOK: Once = Once::new();

/// Runs `f`, turning a panic into its message. Outside guarded calls the
/// previous panic hook runs as before.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.load(Ordering::SeqCst) == 0 {
                previous(info);
            }
        }));
    });
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        // One line, no control characters: it ends up in an error message.
        let first = message.lines().next().unwrap_or_default();
        super::text::printable(first).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::catch;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch(|| 7), Ok(7));
        let caught = catch(|| -> u8 { panic!("footer is damaged\nsecond line") });
        assert_eq!(caught, Err("footer is damaged".to_string()));
    }
}
