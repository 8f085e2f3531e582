//! Atomic file replacement and the project lock.

use std::fs::{self, File};
use std::io::{self, Read as _, Write as _};

use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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

/// The most `stack` reads of a project file (`.stack.toml`, `.env`, `.mcp.json`, an env
/// file): far more than any real one, and a bound on what a hostile one can cost.
pub const MAX_READ: usize = 1 << 20;
const MAX_READ_SHOWN: &str = "1 MiB";

/// Reads the file at `path` as UTF-8 into a buffer wiped on drop (it may hold plaintext
/// values); `None` when it does not exist, `shown` names it in errors. It is opened
/// without blocking and checked on the open handle, so a FIFO or a device is refused (exit
/// 2) instead of hanging `stack` or reading forever, and at most [`MAX_READ`] is read.
pub fn read_text(path: &Path, shown: &Path) -> Result<Option<Zeroizing<String>>> {
    let Some(file) = open_regular(path, shown, MAX_READ as u64, MAX_READ_SHOWN, false)? else {
        return Ok(None);
    };
    read_bounded(file, shown).map(Some)
}

/// At most [`MAX_READ`] of `file` as UTF-8, wiped on drop.
fn read_bounded(file: File, shown: &Path) -> Result<Zeroizing<String>> {
    // The file may grow after the check: never read more than one byte past the limit.
    let text = crate::secret::read_to_string(file.take(MAX_READ as u64 + 1))
        .map_err(|e| Error::io("read", shown, e))?;
    if text.len() > MAX_READ {
        return Err(too_large(shown, MAX_READ_SHOWN));
    }
    Ok(text)
}

fn too_large(shown: &Path, limit: &str) -> Error {
    Error::usage(format!(
        "{} is larger than {limit}, the most stack reads from it",
        shown.display()
    ))
}

/// Opens `path` to read without blocking on a FIFO: a regular file of at most `limit`
/// bytes, or, with `streams`, also a pipe or a device (read in blocking mode, and bounded
/// by the caller); `None` when it does not exist.
fn open_regular(
    path: &Path,
    shown: &Path,
    limit: u64,
    limit_shown: &str,
    streams: bool,
) -> Result<Option<File>> {
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", shown, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io("read", shown, e))?;
    if meta.is_file() {
        if meta.len() > limit {
            return Err(too_large(shown, limit_shown));
        }
        return Ok(Some(file));
    }
    if streams && !meta.is_dir() {
        set_blocking(&file).map_err(|e| Error::io("read", shown, e))?;
        return Ok(Some(file));
    }
    Err(
        Error::usage(format!("{} is not a regular file", shown.display())).with_hint(
            "stack reads project files only when they are regular files (or links to one): a \
             FIFO or a device could hang it or never end",
        ),
    )
}

/// The most a vault file may hold: far beyond any real one (the slots of every project).
const MAX_VAULT: u64 = 64 << 20;

/// The bytes of a vault file, as [`read_text`] reads a project file: a regular file only
/// (a FIFO or a device in its place would hang stack or never end), of at most 64 MiB.
pub fn read_vault(path: &Path) -> Result<Option<Vec<u8>>> {
    let Some(file) = open_regular(path, path, MAX_VAULT, "64 MiB", false)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    file.take(MAX_VAULT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > MAX_VAULT {
        return Err(too_large(path, "64 MiB"));
    }
    Ok(Some(bytes))
}

/// A file the user named on the command line (`exec --env-file`, `import`), which must
/// exist: besides a regular file, a pipe or a device is read too (`<(sops -d …)`,
/// `/dev/stdin`), all of them bounded by [`MAX_READ`].
pub fn read_secret(path: &Path, shown: &Path) -> Result<Zeroizing<String>> {
    let file = open_regular(path, shown, MAX_READ as u64, MAX_READ_SHOWN, true)?
        .ok_or_else(|| Error::usage(format!("{} does not exist", shown.display())))?;
    read_bounded(file, shown)
}

/// [`read_text`] of a file that holds no secret and must exist.
pub fn read(path: &Path) -> Result<String> {
    read_text(path, path)?
        .map(|mut text| std::mem::take(&mut *text))
        .ok_or_else(|| Error::usage(format!("{} does not exist", path.display())))
}

/// [`read_text`] of a file that holds no secret and may not exist yet.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    Ok(read_text(path, path)?.map(|mut text| std::mem::take(&mut *text)))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // Without O_NONBLOCK, opening a FIFO waits for a writer that may never come.
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Reads of a pipe wait for the writer again (it was opened without blocking).
#[cfg(unix)]
fn set_blocking(file: &File) -> io::Result<()> {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let flags = fcntl_getfl(file)?;
    fcntl_setfl(file, flags - OFlags::NONBLOCK)?;
    Ok(())
}

#[cfg(not(unix))]
fn set_blocking(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Where a write to `path`, a file of the project at `root`, lands: `path` itself, or,
/// when it is a symlink, the file it resolves to, which must exist inside `root`. A link
/// out of the project (or a dangling one) is refused, naming the link and its target, so a
/// cloned repository cannot make `stack` write over a file elsewhere.
pub fn destination(root: &Path, path: &Path) -> Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {}
        Ok(_) => return Ok(path.to_path_buf()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(Error::io("write", path, e)),
    }
    let link = fs::read_link(path).map_err(|e| Error::io("write", path, e))?;
    let refuse = |target: &Path, why: &str| {
        Error::usage(format!(
            "refusing to write {}: it is a symlink to {}, {why}",
            path.display(),
            target.display()
        ))
        .with_hint(
            "stack writes through a link only to a file inside the project; replace the link \
             with a regular file, or edit its target by hand",
        )
    };
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refuse(&link, "which does not exist"));
        }
        Err(e) => return Err(Error::io("write", path, e)),
    };
    let root = fs::canonicalize(root).map_err(|e| Error::io("write", root, e))?;
    if !target.starts_with(&root) {
        let why = format!("outside the project {}", root.display());
        return Err(refuse(&target, &why));
    }
    Ok(target)
}

/// Replaces `path`, a file of the project at `root`, atomically (see [`replace`]); a
/// symlink is written through only as [`destination`] allows.
pub fn write_atomic(root: &Path, path: &Path, contents: &str) -> Result<()> {
    replace(&destination(root, path)?, contents)
}

/// Replaces `path` (not a link) with `contents` atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over the original (whose permissions it keeps).
fn replace(path: &Path, contents: &str) -> Result<()> {
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

/// Writes every changed file of the project at `root`, in order, or, when one fails, puts
/// back those already written. Every destination is checked first ([`destination`]), so a
/// refused link leaves every file untouched. The order matters to callers: the last file
/// is the commit point.
pub fn write_all_or_none(root: &Path, writes: &[Write]) -> Result<()> {
    let changed = resolve(root, writes)?;
    for (i, (path, w)) in changed.iter().enumerate() {
        if let Err(e) = replace(path, &w.new) {
            restore(&changed[..i]);
            return Err(e);
        }
    }
    Ok(())
}

/// Puts every file of `writes` that was changed back as it was (best effort), after a
/// later step failed.
pub fn put_back(root: &Path, writes: &[Write]) {
    if let Ok(changed) = resolve(root, writes) {
        restore(&changed);
    }
}

/// The writes that change something, each with its [`destination`].
fn resolve<'a>(root: &Path, writes: &'a [Write]) -> Result<Vec<(PathBuf, &'a Write)>> {
    writes
        .iter()
        .filter(|w| w.old.as_deref() != Some(w.new.as_str()))
        .map(|w| Ok((destination(root, &w.path)?, w)))
        .collect()
}

/// Restores in reverse order, so the commit point (the last file) is undone first.
fn restore(done: &[(PathBuf, &Write)]) {
    for (path, w) in done.iter().rev() {
        let _ = match &w.old {
            Some(old) => replace(path, old),
            None => fs::remove_file(path).map_err(|e| Error::io("remove", path, e)),
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

/// Opens (or creates) the lock file at `path` with `options`, never through a symlink: a
/// planted link (say a committed `.stack/vault.age.lock` pointing elsewhere) is an error
/// naming it, and no file is created at its target.
pub fn open_lock_file(options: &mut fs::OpenOptions, path: &Path) -> Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        options,
        rustix::fs::OFlags::NOFOLLOW.bits() as i32,
    );
    options.open(path).map_err(|e| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            Error::usage(format!(
                "{} is a symlink; stack never follows a link to open a lock file",
                path.display()
            ))
            .with_hint("remove the link: stack creates its lock files itself")
        } else {
            Error::io("open", path, e)
        }
    })
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
        assert!(write_all_or_none(&dir, &writes).is_err());
        assert_eq!(fs::read_to_string(&kept).unwrap(), "old");
        assert!(!created.exists());
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
