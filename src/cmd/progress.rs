//! A progress bar on stderr while the sources load: the bytes read of the
//! total, the rows read, the time taken and the time left.
//!
//! Shown only where someone is watching: stderr a terminal, no `--quiet`,
//! and no `CI` in the environment (a CI log records every redraw). Even
//! then a load that ends within a second draws nothing, so short runs keep
//! a clean terminal. The library reports through the [`Progress`] trait
//! and never draws itself.

use super::Diagnostics;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tvaers::load::progress::{Observer, Progress};

/// How long a load runs before its bar is drawn, unless
/// `TVAERS_PROGRESS_AFTER_MS` says otherwise (the tests set 0, so that
/// whether a bar is drawn does not hang on how fast the machine is).
const QUIET_FOR: Duration = Duration::from_secs(1);

fn quiet_for() -> Duration {
    std::env::var("TVAERS_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(QUIET_FOR, Duration::from_millis)
}

/// The observer for this run: a bar on a watched terminal, else none.
pub fn observer(diagnostics: &Diagnostics) -> Observer {
    let watched =
        !diagnostics.quiet && std::env::var_os("CI").is_none() && std::io::stderr().is_terminal();
    if watched {
        Observer::new(Arc::new(Bar::default()))
    } else {
        Observer::none()
    }
}

/// The bar of the load under way, if one is.
#[derive(Default)]
struct Bar {
    current: Mutex<Option<Load>>,
    rows: AtomicU64,
}

struct Load {
    bar: ProgressBar,
    started: Instant,
    quiet_for: Duration,
    shown: bool,
}

impl Bar {
    /// Runs `f` on the load under way; draws its bar once it has run for
    /// [`QUIET_FOR`] (or `TVAERS_PROGRESS_AFTER_MS`).
    fn with_load(&self, f: impl FnOnce(&ProgressBar)) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if let Some(load) = current.as_mut() {
            if !load.shown && load.started.elapsed() >= load.quiet_for {
                load.bar.set_draw_target(ProgressDrawTarget::stderr());
                load.shown = true;
            }
            f(&load.bar);
        }
    }
}

impl Progress for Bar {
    fn start(&self, total_bytes: u64) {
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "reading {bytes}/{total_bytes} {wide_bar} {msg}, {elapsed} elapsed, about {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        self.rows.store(0, Ordering::Relaxed);
        if let Ok(mut current) = self.current.lock() {
            *current = Some(Load {
                bar,
                started: Instant::now(),
                quiet_for: quiet_for(),
                shown: false,
            });
        }
    }

    fn bytes(&self, bytes: u64) {
        self.with_load(|bar| bar.inc(bytes));
    }

    fn rows(&self, rows: u64) {
        let total = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        self.with_load(|bar| bar.set_message(format!("{} rows", grouped(total))));
    }

    fn finish(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(load) = current.take() {
                load.bar.finish_and_clear();
            }
        }
    }
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn row_counts_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(26_512_345), "26,512,345");
    }
}
