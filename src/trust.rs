//! Which project roots may use a project id's vault items. A `.stack.toml` is the
//! project's, so the id in it proves nothing: a copy (or a symlink) carrying another
//! project's id would reach that project's secrets. The roots the user has used an id
//! from are recorded in the user's data directory (never in a project), like mise's
//! `trust` and direnv's `allow`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Remedy, Result};
use crate::fsutil::{self, ProjectLock};
use crate::project;

/// The store's file name in [`crate::data_dir`].
pub const FILE: &str = "trust.json";

/// `{"version": 1, "projects": {"<id>": ["<canonical root>", …]}}`
#[derive(Default, Serialize, Deserialize)]
struct Store {
    version: u32,
    projects: BTreeMap<String, Vec<String>>,
}

/// Another live project already uses the id: `root` may use it only once approved.
#[derive(Debug)]
pub struct Conflict {
    pub id: String,
    pub root: PathBuf,
    pub other: PathBuf,
}

impl Conflict {
    /// The refusal where nobody can be asked (exit 2).
    pub fn error(&self) -> Error {
        Error::usage(format!(
            "project id {:?} is already used by {}; {} may not use its secrets",
            self.id,
            self.other.display(),
            self.root.display()
        ))
        .with_remedy(Remedy::Trust {
            root: self.root.clone(),
        })
    }
}

/// Whether `root` may use the vault items of `id`. Records `root` where that needs
/// nobody's approval: an id never seen, or one whose recorded roots no longer hold it
/// (the project moved). Otherwise returns who else uses the id.
pub fn check(root: &Path, id: &str) -> Result<Option<Conflict>> {
    let root = canonical(root)?;
    let key = key(&root)?;
    let path = store_path()?;
    // Unlocked, a first writer's store can be seen empty for a moment: only a yes counts
    // here, anything else is decided again under the lock.
    if read(&path).is_ok_and(|store| store.projects.get(id).is_some_and(|r| r.contains(&key))) {
        return Ok(None);
    }
    let _lock = lock(&path)?;
    let mut store = read(&path)?;
    let roots = store.projects.entry(id.to_string()).or_default();
    if roots.contains(&key) {
        return Ok(None);
    }
    let live: Vec<String> = roots
        .iter()
        .filter(|r| holds(Path::new(r), id))
        .cloned()
        .collect();
    if let Some(other) = live.first() {
        return Ok(Some(Conflict {
            id: id.to_string(),
            root,
            other: PathBuf::from(other),
        }));
    }
    // Never seen, or moved: the places that no longer hold the id are forgotten.
    *roots = vec![key];
    write(&path, store).map(|()| None)
}

/// Approves `root` for `id`; returns the other roots recorded for it.
pub fn approve(root: &Path, id: &str) -> Result<Vec<PathBuf>> {
    let key = key(&canonical(root)?)?;
    let path = store_path()?;
    let _lock = lock(&path)?;
    let mut store = read(&path)?;
    let roots = store.projects.entry(id.to_string()).or_default();
    let others = roots
        .iter()
        .filter(|r| **r != key)
        .map(PathBuf::from)
        .collect();
    if !roots.contains(&key) {
        roots.push(key);
        write(&path, store)?;
    }
    Ok(others)
}

/// Whether `root` is recorded for `id` (approved, or used before).
pub fn is_approved(root: &Path, id: &str) -> Result<bool> {
    let key = key(&canonical(root)?)?;
    Ok(read(&store_path()?)?
        .projects
        .get(id)
        .is_some_and(|r| r.contains(&key)))
}

/// Whether `root` still holds a `.stack.toml` with project id `id`.
fn holds(root: &Path, id: &str) -> bool {
    project::load(root).is_ok_and(|c| c.stack.project == id)
}

fn canonical(root: &Path) -> Result<PathBuf> {
    fs::canonicalize(root).map_err(|e| Error::io("resolve", root, e))
}

/// A root as recorded: its canonical path, which must be text to compare exactly.
fn key(root: &Path) -> Result<String> {
    root.to_str().map(str::to_string).ok_or_else(|| {
        Error::usage(format!(
            "{}: stack needs a project path that is valid UTF-8",
            root.display()
        ))
    })
}

fn store_path() -> Result<PathBuf> {
    crate::data_dir().map(|d| d.join(FILE)).ok_or_else(|| {
        Error::usage("no data directory to record which directories use a project id")
            .with_hint("set HOME or XDG_DATA_HOME")
    })
}

/// The store, or an empty one when there is none yet; a damaged one is an error (a
/// store stack cannot read approves nothing).
fn read(path: &Path) -> Result<Store> {
    let Some(text) = fsutil::read_optional(path)? else {
        return Ok(Store::default());
    };
    let damaged = |why: &str| {
        Error::usage(format!("{}: {why}", path.display())).with_hint(format!(
            "delete {} to forget every approval; stack asks again",
            path.display()
        ))
    };
    let store: Store = serde_json::from_str(&text).map_err(|e| damaged(&e.to_string()))?;
    if store.version != 1 {
        return Err(damaged("not a version this stack reads (expected 1)"));
    }
    Ok(store)
}

/// The exclusive lock every writer of the store holds, on its private directory.
fn lock(path: &Path) -> Result<ProjectLock> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::io("create the directory", dir, e))?;
    ProjectLock::acquire(dir)
}

/// Writes the store atomically, `0600` (the new file takes the mode of the old one).
fn write(path: &Path, mut store: Store) -> Result<()> {
    store.version = 1;
    let mut text = serde_json::to_string_pretty(&store)
        .map_err(|e| Error::usage("could not encode the trust store").caused_by(&e))?;
    text.push('\n');
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    fsutil::write_atomic(path.parent().unwrap_or(Path::new(".")), path, &text)
}
