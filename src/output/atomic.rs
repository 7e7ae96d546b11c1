//! Output files that are either complete or untouched.
//!
//! A scheduled job that fails halfway must not leave a truncated report
//! that the next step mistakes for a good one (SPEC §5). So `--output` and
//! `--rejects` are written to a hidden temporary file in the target's own
//! directory (a rename is only atomic within one file system), flushed to
//! disk, and renamed over the target only when everything succeeded. On any
//! error the temporary file is removed and an existing target keeps its old
//! contents. Only regular files are replaced so: a FIFO or a device is
//! written straight through, and a link's target is written, never the
//! link.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes to `path` through a temporary file in the same directory, then
/// renames it into place: a failed run never leaves a half-written file.
///
/// `write` gets a buffered writer; its error is returned unchanged (with the
/// target named in context), and the target is then left as it was. A
/// replaced file keeps its permissions; a new one gets the usual permissions
/// for new files (subject to the umask).
///
/// Only regular files (and new paths) are replaced. A FIFO, a character
/// device (`/dev/null`, `/dev/stdout` on a terminal or pipe) or anything
/// else that is not a regular file is written straight through, as a shell
/// redirection would: replacing it would turn a pipe into a file nobody
/// reads. So is any path under `/dev` or `/proc` (`/dev/stdout` redirected
/// to a file by the shell). A symbolic link is followed: what it points to
/// is written or replaced, the link itself stays.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match target(path)? {
        Target::Stream => write_through(path, write),
        Target::File(file) => replace(&file, write),
    }
}

/// What writing to a path means.
enum Target {
    /// Not a regular file: open it and write.
    Stream,
    /// A regular file, or a new one, at this path (links resolved).
    File(PathBuf),
}

fn target(path: &Path) -> Result<Target> {
    // `/dev/stdout` or `/dev/fd/3` may lead to a regular file the shell
    // opened (`> out.csv`): replacing that file would orphan the descriptor
    // the rest of the output goes to, so such names are always streams.
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return Ok(Target::Stream);
    }
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Ok(Target::Stream),
        Ok(_) if is_link => {
            Ok(Target::File(fs::canonicalize(path).with_context(|| {
                format!("cannot resolve the link {}", path.display())
            })?))
        }
        Err(_) if is_link => Ok(Target::File(dangling_target(path)?)),
        _ => Ok(Target::File(path.to_path_buf())),
    }
}

/// Where a link to a file that does not exist yet points, through any chain
/// of links.
fn dangling_target(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        if !fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok(current);
        }
        let link = fs::read_link(&current)
            .with_context(|| format!("cannot read the link {}", current.display()))?;
        current = match current.parent() {
            Some(parent) if link.is_relative() => parent.join(link),
            _ => link,
        };
    }
    anyhow::bail!("cannot write {}: too many levels of links", path.display())
}

fn write_through(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    // Opening `/dev/stdout` anew would start at offset 0 of a file the shell
    // redirected it to, and the process's own stdout would then overwrite
    // what was written; writing to the open stream shares its offset.
    let sink: Box<dyn Write> = match path.to_str() {
        Some("/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1") => Box::new(std::io::stdout()),
        Some("/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2") => Box::new(std::io::stderr()),
        _ => Box::new(
            fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        ),
    };
    let mut buffered = BufWriter::new(sink);
    write(&mut buffered).with_context(|| format!("cannot write {}", path.display()))?;
    buffered
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn replace(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("cannot write {}: it does not name a file", path.display()))?;

    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", file_name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile's default is 0600; ask for what `File::create` would give.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder
        .tempfile_in(directory)
        .with_context(|| format!("cannot create a temporary file in {}", directory.display()))?;
    if let Ok(existing) = fs::metadata(path) {
        fs::set_permissions(temporary.path(), existing.permissions())
            .with_context(|| format!("cannot copy the permissions of {}", path.display()))?;
    }

    {
        let mut buffered = BufWriter::new(temporary.as_file_mut());
        write(&mut buffered).with_context(|| format!("cannot write {}", path.display()))?;
        buffered
            .flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    temporary
        .as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    temporary
        .persist(path)
        .map_err(|err| err.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        write_atomically(&path, |out| {
            out.write_all(b"a,b\n1,2\n")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"a,b\n1,2\n");
        assert_eq!(entries(dir.path()), ["report.csv"]);
    }

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        let result = write_atomically(&path, |out| {
            out.write_all(b"a,b\n1,")?;
            anyhow::bail!("the analysis failed")
        });
        let err = result.unwrap_err();
        assert!(format!("{err:#}").contains("the analysis failed"));
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        fs::write(&path, b"old report\n").unwrap();
        let result = write_atomically(&path, |out| {
            out.write_all(&vec![b'x'; 100_000])?;
            anyhow::bail!("disk full, say")
        });
        assert!(result.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old report\n");
        assert_eq!(entries(dir.path()), ["report.csv"]);
    }

    #[test]
    fn replaces_an_existing_file_keeping_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hotspots.csv");
        fs::write(&path, b"old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&path, |out| Ok(out.write_all(b"new\n")?)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir").join("report.csv");
        let err = write_atomically(&path, |_| Ok(())).unwrap_err();
        assert!(format!("{err:#}").contains("no-such-dir"), "{err:#}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_through_not_replaced_by_a_file() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, |out| Ok(out.write_all(b"a,b\n1,2\n")?)).unwrap();
        assert_eq!(reader.join().unwrap(), b"a,b\n1,2\n");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(entries(dir.path()), ["pipe"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_written_through_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomically(Path::new("/dev/null"), |out| Ok(out.write_all(b"x\n")?)).unwrap();
        assert!(fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        fs::write(&real, b"old\n").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_atomically(&link, |out| Ok(out.write_all(b"new\n")?)).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new\n");

        // A link to a file not yet written: the file is created, the link kept.
        let dangling = dir.path().join("later.csv");
        std::os::unix::fs::symlink("sub/made.csv", &dangling).unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        write_atomically(&dangling, |out| Ok(out.write_all(b"made\n")?)).unwrap();
        assert!(fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read(dir.path().join("sub/made.csv")).unwrap(),
            b"made\n"
        );
    }
}
