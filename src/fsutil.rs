//! Atomic file replacement and the project lock.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// 1-based line and column (in characters) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A usage error for malformed `text`: `file:line:column: message`.
pub fn malformed(file: &str, text: &str, span: Option<std::ops::Range<usize>>, msg: &str) -> Error {
    let at = span
        .map(|s| line_col(text, s.start))
        .map(|(l, c)| format!(":{l}:{c}"))
        .unwrap_or_default();
    Error::usage(format!("{file}{at}: {}", msg.trim_end()))
}

/// Reads a file that may not exist yet.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path, e)),
    }
}

/// Replaces `path` with `contents` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over the original (whose permissions it keeps).
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    // A symlinked file (a shared .env) is updated where it really lives.
    let path = &fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Unpredictable and never an existing file: a planted symlink cannot redirect it.
    let tmp = dir.join(format!(".{name}.stack-{:016x}.tmp", crate::random_u64()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename itself must survive a crash.
        File::open(dir).and_then(|d| d.sync_all()).or(Ok(()))
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io("write", path, e)
    })
}

/// A planned replacement of one file: its old content (`None`: it did not exist) and new.
pub struct Write {
    pub path: PathBuf,
    pub old: Option<String>,
    pub new: String,
}

/// Writes every changed file, in order, or, when one fails, puts back those already
/// written. The order matters to callers: the last file is the commit point.
pub fn write_all_or_none(writes: &[Write]) -> Result<()> {
    let changed: Vec<&Write> = writes
        .iter()
        .filter(|w| w.old.as_deref() != Some(w.new.as_str()))
        .collect();
    for (i, w) in changed.iter().enumerate() {
        if let Err(e) = write_atomic(&w.path, &w.new) {
            restore(&changed[..i]);
            return Err(e);
        }
    }
    Ok(())
}

/// Puts every file of `writes` that was changed back as it was (best effort), after a
/// later step failed.
pub fn put_back(writes: &[Write]) {
    let changed: Vec<&Write> = writes
        .iter()
        .filter(|w| w.old.as_deref() != Some(w.new.as_str()))
        .collect();
    restore(&changed);
}

/// Restores in reverse order, so the commit point (the last file) is undone first.
fn restore(done: &[&Write]) {
    for w in done.iter().rev() {
        let _ = match &w.old {
            Some(old) => write_atomic(&w.path, old),
            None => fs::remove_file(&w.path).map_err(|e| Error::io("remove", &w.path, e)),
        };
    }
}

/// Removes the temporary files [`write_atomic`] leaves for `names` in `dir` when a process
/// is killed between creating and renaming one. Call only under the [`ProjectLock`] of
/// `dir`: every writer of those files holds it, so any such file found then is stale.
pub fn remove_stale_temps(dir: &Path, names: &[&str]) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if names.iter().any(|n| is_temp_of(file_name, n)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether `file_name` is `.<name>.stack-<16 hex digits>.tmp`.
fn is_temp_of(file_name: &str, name: &str) -> bool {
    file_name
        .strip_prefix('.')
        .and_then(|r| r.strip_prefix(name))
        .and_then(|r| r.strip_prefix(".stack-"))
        .and_then(|r| r.strip_suffix(".tmp"))
        .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An exclusive advisory lock on the project directory, held across a whole
/// read-modify-write of the project files so concurrent `stack` processes lose nothing.
pub struct ProjectLock {
    _file: File,
}

impl ProjectLock {
    pub fn acquire(dir: &Path) -> Result<ProjectLock> {
        let path = lock_path(dir);
        let file = open_lock(&path).map_err(|e| Error::io("lock", &path, e))?;
        file.lock().map_err(|e| Error::io("lock", &path, e))?;
        Ok(ProjectLock { _file: file })
    }
}

// On Unix the directory itself is locked, so no lock file is left in the project.
#[cfg(unix)]
fn lock_path(dir: &Path) -> PathBuf {
    dir.to_path_buf()
}

#[cfg(unix)]
fn open_lock(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(not(unix))]
fn lock_path(dir: &Path) -> PathBuf {
    dir.join(".stack.lock")
}

#[cfg(not(unix))]
fn open_lock(path: &Path) -> std::io::Result<File> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 8), (3, 1));
    }

    #[test]
    fn only_our_own_temporary_files_count_as_stale() {
        let env = "..env.stack-0123456789abcdef.tmp";
        assert!(is_temp_of(env, ".env"));
        assert!(is_temp_of(
            "..stack.toml.stack-0123456789abcdef.tmp",
            ".stack.toml"
        ));
        assert!(!is_temp_of(env, ".mcp.json"));
        assert!(!is_temp_of(".env.stack-0123456789abcdef.tmp", ".env"));
        assert!(!is_temp_of("..env.stack-0123.tmp", ".env"));
        assert!(!is_temp_of("..env.stack-0123456789abcdeg.tmp", ".env"));
        assert!(!is_temp_of(".env", ".env"));
    }

    #[test]
    fn a_failed_write_puts_back_the_files_already_written() {
        let dir = std::env::temp_dir().join(format!("stack-fsutil-{}", crate::random_u64()));
        fs::create_dir_all(&dir).unwrap();
        let kept = dir.join("kept");
        let created = dir.join("created");
        fs::write(&kept, "old").unwrap();
        let writes = [
            Write {
                path: kept.clone(),
                old: Some("old".into()),
                new: "new".into(),
            },
            Write {
                path: created.clone(),
                old: None,
                new: "fresh".into(),
            },
            Write {
                path: dir.join("missing-dir").join("file"),
                old: None,
                new: "never".into(),
            },
        ];
        assert!(write_all_or_none(&writes).is_err());
        assert_eq!(fs::read_to_string(&kept).unwrap(), "old");
        assert!(!created.exists());
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
