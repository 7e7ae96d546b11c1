//! How far a load has got, for whoever wants to show it.
//!
//! The library never prints: it reports the bytes read of the input files
//! and the rows read to a [`Progress`] observer that the caller hands in
//! (the binary draws a bar on a terminal). Reports come from every reading
//! thread at once, so an observer must be cheap and thread-safe; the
//! default observes nothing.

use std::io::{self, Read};
use std::sync::Arc;

/// Receives reports of one load.
pub trait Progress: Send + Sync {
    /// The load starts: the files to read hold `total_bytes` bytes (as
    /// stored, so a gzip file counts its compressed size).
    fn start(&self, total_bytes: u64);
    /// `bytes` more bytes of the files were read.
    fn bytes(&self, bytes: u64);
    /// `rows` more data rows were read.
    fn rows(&self, rows: u64);
    /// The load has ended, however it ended.
    fn finish(&self);
}

/// A shared [`Progress`] observer, or none.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<dyn Progress>>);

impl Observer {
    /// Reports to `progress`.
    pub fn new(progress: Arc<dyn Progress>) -> Observer {
        Observer(Some(progress))
    }

    /// Reports to no one.
    pub fn none() -> Observer {
        Observer(None)
    }

    pub(super) fn start(&self, total_bytes: u64) {
        if let Some(p) = &self.0 {
            p.start(total_bytes);
        }
    }

    pub(super) fn bytes(&self, bytes: u64) {
        if let Some(p) = &self.0 {
            p.bytes(bytes);
        }
    }

    pub(super) fn rows(&self, rows: u64) {
        if let Some(p) = &self.0 {
            p.rows(rows);
        }
    }

    pub(super) fn finish(&self) {
        if let Some(p) = &self.0 {
            p.finish();
        }
    }
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(..)"
        } else {
            "Observer(none)"
        })
    }
}

/// A reader that reports the bytes read through it.
pub(super) struct Counting<R> {
    pub(super) inner: R,
    pub(super) observer: Observer,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.observer.bytes(n as u64);
        Ok(n)
    }
}

/// Rows are reported in batches of this many, so a big file shows movement
/// without a report per row.
pub(super) const ROW_BATCH: u64 = 65_536;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[derive(Default)]
    struct Tally {
        total: AtomicU64,
        bytes: AtomicU64,
        rows: AtomicU64,
        finished: AtomicU64,
    }

    impl Progress for Tally {
        fn start(&self, total_bytes: u64) {
            self.total.store(total_bytes, Ordering::Relaxed);
        }
        fn bytes(&self, bytes: u64) {
            self.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
        fn rows(&self, rows: u64) {
            self.rows.fetch_add(rows, Ordering::Relaxed);
        }
        fn finish(&self) {
            self.finished.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_load_reports_every_byte_and_row_of_its_files_once() {
        let dir = tempfile::tempdir().unwrap();
        let expenses = "citizen,date,amount,account\nA,2023-01-02,10,52821\nB,2023-01-03,x,52821\n";
        let contacts = "citizen,date\nA,2023-01-02\n";
        std::fs::write(dir.path().join("e.csv"), expenses).unwrap();
        std::fs::write(dir.path().join("c.csv"), contacts).unwrap();
        let config = dir.path().join("tvaers.toml");
        std::fs::write(
            &config,
            "[[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"X\"\npath = \"e.csv\"\n\
             [[sources]]\nname = \"c\"\nkind = \"contacts\"\ndepartment = \"X\"\npath = \"c.csv\"\n",
        )
        .unwrap();
        let mut config = crate::config::Config::load(&config).unwrap();
        let tally = Arc::new(Tally::default());
        config.progress = Observer::new(tally.clone());
        let loaded = super::super::load(&config, config.period).unwrap();
        assert_eq!(loaded.rejects.len(), 1);
        let size = (expenses.len() + contacts.len()) as u64;
        assert_eq!(tally.total.load(Ordering::Relaxed), size);
        assert_eq!(tally.bytes.load(Ordering::Relaxed), size);
        // Data rows, the header left out: two payments (one rejected) and one contact.
        assert_eq!(tally.rows.load(Ordering::Relaxed), 3);
        assert_eq!(tally.finished.load(Ordering::Relaxed), 1);
    }
}
