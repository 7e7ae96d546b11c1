//! The binary's two standard streams, where they can fail.
//!
//! Diagnostics go to stderr through [`say`], the one place that writes
//! there: `eprintln!` panics when stderr cannot be written (a full disk, a
//! closed pipe), and a warning must never turn a good run into a crash.
//!
//! Results go to stdout through [`stdout`], which refuses a stdout that was
//! closed when the program started (`tvaers report >&-`). The Rust runtime
//! quietly reopens a closed stdout on `/dev/null` before `main`, so without
//! this check such a run would exit 0 having written its result nowhere. A
//! constructor that runs before the runtime's own start-up records whether
//! file descriptor 1 was open.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Writes one line to stderr, ignoring any failure to do so: there is
/// nowhere else to report it.
pub fn say(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
    let _ = stderr.flush();
}

/// Stdout for results, or an error when stdout was closed at start-up.
pub fn stdout() -> anyhow::Result<std::io::StdoutLock<'static>> {
    if STDOUT_CLOSED_AT_START.load(Ordering::Relaxed) {
        anyhow::bail!(
            "stdout is closed, so the result would be lost: redirect stdout or use --output FILE"
        );
    }
    Ok(std::io::stdout().lock())
}

static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static RECORD_CLOSED_STDOUT: extern "C" fn() = record_closed_stdout;

#[cfg(target_os = "linux")]
extern "C" fn record_closed_stdout() {
    // SAFETY: F_GETFD only reads the descriptor's flags; it touches no memory.
    let open = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } != -1;
    if !open {
        STDOUT_CLOSED_AT_START.store(true, Ordering::Relaxed);
    }
}
