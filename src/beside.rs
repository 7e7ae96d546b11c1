//! Work side by side: two pieces (`beside`), the first on a thread of its
//! own and the second on the calling thread, or a list of items (`each`),
//! each on a thread of its own. Where the system refuses another thread,
//! the work runs on the calling thread, one after the other: slower, never
//! a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};
use std::thread::Builder;

/// `(first(), second())`, `first` run on a thread of its own where one can
/// be started. A panic in `first` comes back as its `Err`, as from
/// `JoinHandle::join`.
pub fn beside<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (std::thread::Result<A>, B) {
    beside_on(Builder::new, first, second)
}

/// `beside`, its thread made by `thread`.
fn beside_on<A: Send, B>(
    thread: impl Fn() -> Builder,
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
        let other = thread().spawn_scoped(scope, run);
        let second = second();
        let first = match other {
            Ok(other) => other.join(),
            Err(_) => catch_unwind(AssertUnwindSafe(run)),
        };
        // The work is taken once, by whichever thread runs it: never `None`.
        let first = first.and_then(|a| a.ok_or_else(|| Box::new("not run") as Box<_>));
        (first, second)
    })
}

/// `work` of every item, each on a thread of its own where one can be
/// started (else on the caller, once `also` is done), while the caller
/// runs `also`. A panic in an item's work comes back as its `Err`.
pub fn each<T: Send, R: Send, A>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    also: impl FnOnce() -> A,
) -> (Vec<std::thread::Result<R>>, A) {
    each_on(Builder::new, items, work, also)
}

/// `each`, its threads made by `thread`.
fn each_on<T: Send, R: Send, A>(
    thread: impl Fn() -> Builder,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    also: impl FnOnce() -> A,
) -> (Vec<std::thread::Result<R>>, A) {
    // Each item where both threads can take it, as in `beside`.
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let work = &work;
    let run = move |slot: &Mutex<Option<T>>| {
        let item = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        item.map(work)
    };
    std::thread::scope(|scope| {
        let started: Vec<_> = slots
            .iter()
            .map(|slot| thread().spawn_scoped(scope, move || run(slot)))
            .collect();
        let also = also();
        let results = started
            .into_iter()
            .zip(&slots)
            .map(|(thread, slot)| {
                let result = match thread {
                    Ok(thread) => thread.join(),
                    Err(_) => catch_unwind(AssertUnwindSafe(|| run(slot))),
                };
                result.and_then(|r| r.ok_or_else(|| Box::new("not run") as Box<_>))
            })
            .collect();
        (results, also)
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

    #[test]
    fn each_item_is_worked_once_in_order_beside_the_callers_work() {
        let (results, also) = each(vec![1, 2, 3], |i| i * 10, || "also");
        let results: Vec<i32> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!((results, also), (vec![10, 20, 30], "also"));
        let (results, ()) = each(
            vec![1, 2],
            |i| match i {
                1 => panic!("in the first"),
                i => i,
            },
            || (),
        );
        assert!(results[0].is_err());
        assert_eq!(*results[1].as_ref().unwrap(), 2);
    }

    /// A thread the system refuses: its stack would be larger than the
    /// address space.
    fn refused() -> Builder {
        Builder::new().stack_size(1 << 48)
    }

    #[test]
    fn where_no_thread_can_start_the_work_runs_on_the_caller() {
        let caller = std::thread::current().id();
        assert!(std::thread::scope(|s| refused()
            .spawn_scoped(s, || ())
            .is_err()));
        let (a, b) = beside_on(refused, || std::thread::current().id(), || "b");
        assert_eq!((a.unwrap(), b), (caller, "b"));
        let (a, ()) = beside_on(refused, || -> u8 { panic!("in the first") }, || ());
        assert!(a.is_err());
        let (results, also) = each_on(
            refused,
            vec![1, 2],
            |i| (i, std::thread::current().id()),
            || 3,
        );
        let results: Vec<_> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!((results, also), (vec![(1, caller), (2, caller)], 3));
    }
}
