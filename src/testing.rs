//! Helpers for the library's tests.

use crate::config::Config;

/// The `files` (name, text) written to a temporary folder, and the config
/// read from the `tvaers.toml` among them. The folder lives as long as the
/// returned guard.
pub(crate) fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("file written");
    }
    let config = Config::load(&dir.path().join("tvaers.toml")).expect("config");
    (dir, config)
}
