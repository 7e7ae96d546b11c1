//! Work side by side: two pieces (`beside`), the first on a thread of its
//! own and the second on the calling thread, or a list of items (`each`),
//! each on a thread of its own. Where the system refuses another thread,
//! the work runs on the calling thread, one after the other: slower, never
//! a crash.

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

/// `work` of every item, each on a thread of its own where one can be
/// started (else on the caller, once `also` is done), while the caller
/// runs `also`. A panic in an item's work comes back as its `Err`.
pub fn each<T: Send, R: Send, A>(
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
            .map(|slot| std::thread::Builder::new().spawn_scoped(scope, move || run(slot)))
            .collect();
        let also = also();
        let results = started
            .into_iter()
            .zip(&slots)
            .map(|(thread, slot)| {
                let result = match thread {
                    Ok(thread) => thread.join(),
                    Err(_) => Ok(run(slot)),
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
}
