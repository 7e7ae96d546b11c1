//! Two pieces of work side by side: the first on a thread of its own, the
//! second on the calling thread. Where the system refuses another thread,
//! both run on the calling thread, one after the other: slower, never a
//! crash.

use std::sync::{Mutex, PoisonError};

/// `(first(), second())`, `first` run on a thread of its own where one can
/// be started. A panic in `first` comes back as its `Err`, as from
/// `JoinHandle::join`.
pub fn beside<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (std::thread::Result<A>, B) {
    // Held where both threads can take it: a thread that fails to start
    // drops what it was given, and the work must then be done here.
    let first = Mutex::new(Some(first));
    let run = || {
        let work = first.lock().unwrap_or_else(PoisonError::into_inner).take();
        work.map(|f| f())
    };
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new().spawn_scoped(scope, run);
        let second = second();
        let first = match other {
            Ok(other) => other.join(),
            Err(_) => Ok(run()),
        };
        // The work is taken once, by whichever thread runs it: never `None`.
        let first = first.and_then(|a| a.ok_or_else(|| Box::new("not run") as Box<_>));
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_run_and_a_panic_in_the_first_comes_back_as_an_error() {
        let (a, b) = beside(|| 2 + 2, || "b");
        assert_eq!((a.unwrap(), b), (4, "b"));
        let (a, b) = beside(|| -> u8 { panic!("in the first") }, || 7);
        assert!(a.is_err());
        assert_eq!(b, 7);
    }
}
