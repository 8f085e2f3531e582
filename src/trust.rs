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
use crate::settings::Settings;

/// The store's file name in the data dir (`Settings::data_dir`).
pub const FILE: &str = "trust.json";

/// `{"version": 1, "projects": {"<id>": ["<canonical root>", …]}, "approved": [root, …]}`:
/// `projects` records which roots use an id (silently on first use, or approved);
/// `approved` holds only the roots the user approved by `stack trust` or at the question,
/// the only ones whose `.stack.toml` may be owned by someone else.
#[derive(Default, Serialize, Deserialize)]
struct Store {
    version: u32,
    projects: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    approved: Vec<String>,
}

/// Why `root` may not use the vault items of `id` without the user's approval.
#[derive(Debug)]
pub struct Conflict {
    pub id: String,
    pub root: PathBuf,
    /// Another live project recorded for the id; `None`: no directory is recorded for
    /// it, but the vault already holds its items (see [`settle_new`]).
    pub other: Option<PathBuf>,
}

impl Conflict {
    /// What the user is told (and asked about, on a terminal).
    pub fn reason(&self) -> String {
        match &self.other {
            Some(other) => format!(
                "project id {:?} is already used by {}",
                self.id,
                other.display()
            ),
            None => format!(
                "project id {:?} already has secrets in this vault, stored from a directory \
                 stack has not recorded",
                self.id
            ),
        }
    }

    /// The refusal where nobody can be asked (exit 2).
    pub fn error(&self) -> Error {
        Error::usage(format!(
            "{}; {} may not use its secrets",
            self.reason(),
            self.root.display()
        ))
        .with_remedy(Remedy::Trust {
            root: self.root.clone(),
        })
    }
}

/// How `root` stands with the vault items of `id`.
#[derive(Debug)]
pub enum Binding {
    /// Recorded for the id (used or approved before, or the project moved here).
    Known,
    /// Nobody has recorded the id: see [`settle_new`] before using it.
    New,
    /// Someone else uses the id: the user must approve `root` first.
    Conflict(Conflict),
}

/// Whether `root` may use the vault items of `id`. Records `root` silently only where
/// it takes the place of recorded roots that no longer hold the id (the project moved).
pub fn check(root: &Path, id: &str, settings: &Settings) -> Result<Binding> {
    let root = canonical(root)?;
    let key = key(&root)?;
    let path = store_path(settings)?;
    let known = |store: &Store| store.projects.get(id).is_some_and(|r| r.contains(&key));
    // Unlocked, only a clear answer counts; a store that cannot be read now is read again
    // under the lock, where an error is an error.
    if let Ok(store) = read(&path) {
        if known(&store) {
            return Ok(Binding::Known);
        }
        if !store.projects.contains_key(id) {
            return Ok(Binding::New);
        }
    }
    let _lock = lock(&path)?;
    let mut store = read(&path)?;
    if known(&store) {
        return Ok(Binding::Known);
    }
    let Some(roots) = store.projects.get_mut(id) else {
        return Ok(Binding::New);
    };
    if let Some(other) = roots.iter().find(|r| holds(Path::new(r), id)) {
        return Ok(Binding::Conflict(Conflict {
            id: id.to_string(),
            other: Some(PathBuf::from(other)),
            root,
        }));
    }
    // Moved: the places that no longer hold the id are forgotten.
    *roots = vec![key];
    write(&path, store).map(|()| Binding::Known)
}

/// Settles an id nobody has recorded ([`Binding::New`]): when `vault_holds_it` (the
/// vault, shared with other projects, already holds items of the id), that is a
/// conflict the user must approve; otherwise `root` is recorded for the id.
pub fn settle_new(
    root: &Path,
    id: &str,
    vault_holds_it: bool,
    settings: &Settings,
) -> Result<Option<Conflict>> {
    if vault_holds_it {
        return Ok(Some(Conflict {
            id: id.to_string(),
            root: canonical(root)?,
            other: None,
        }));
    }
    record(root, id, settings).map(|_| None)
}

/// Records `root` for `id` (a project stack just created, or one settled as new);
/// returns the other roots recorded for it.
pub fn record(root: &Path, id: &str, settings: &Settings) -> Result<Vec<PathBuf>> {
    update(root, id, false, settings)
}

/// Approves `root` for `id` at the user's word (`stack trust`, or yes at the question):
/// it may use the id's items, and its `.stack.toml` may be owned by someone else.
pub fn approve(root: &Path, id: &str, settings: &Settings) -> Result<Vec<PathBuf>> {
    update(root, id, true, settings)
}

fn update(root: &Path, id: &str, approved: bool, settings: &Settings) -> Result<Vec<PathBuf>> {
    let key = key(&canonical(root)?)?;
    let path = store_path(settings)?;
    let _lock = lock(&path)?;
    let mut store = read(&path)?;
    let roots = store.projects.entry(id.to_string()).or_default();
    let others = roots
        .iter()
        .filter(|r| **r != key)
        .map(PathBuf::from)
        .collect();
    let mut changed = false;
    if !roots.contains(&key) {
        roots.push(key.clone());
        changed = true;
    }
    if approved && !store.approved.contains(&key) {
        store.approved.push(key);
        changed = true;
    }
    if changed {
        write(&path, store)?;
    }
    Ok(others)
}

/// Whether the user approved `root` ([`approve`]): only then is a `.stack.toml` there
/// that another user owns obeyed.
pub fn is_approved(root: &Path, settings: &Settings) -> Result<bool> {
    let key = key(&canonical(root)?)?;
    Ok(read(&store_path(settings)?)?.approved.contains(&key))
}

/// Whether `root` still holds a `.stack.toml` with project id `id`. Only a file that is
/// gone, or that reads as another id, no longer holds it: one stack cannot read (a merge
/// conflict, a FIFO) still might, so it keeps its claim.
fn holds(root: &Path, id: &str) -> bool {
    let file = root.join(project::FILE);
    match project::load(root) {
        Ok(config) => config.stack.project == id,
        Err(_) => fs::symlink_metadata(file).is_ok(),
    }
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

fn store_path(settings: &Settings) -> Result<PathBuf> {
    settings
        .data_dir
        .as_ref()
        .map(|d| d.join(FILE))
        .ok_or_else(|| {
            Error::usage("no data directory to record which directories use a project id")
                .with_hint("set HOME or XDG_DATA_HOME")
        })
}

/// The store, or an empty one when there is none yet; a damaged one is an error (a
/// store stack cannot read approves nothing).
fn read(path: &Path) -> Result<Store> {
    let damaged = |why: &str| {
        Error::usage(format!("{}: {why}", path.display())).with_hint(format!(
            "delete {} to forget every approval; stack asks again",
            path.display()
        ))
    };
    // Approvals count only from a file of the user's own that nobody else can change.
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
        Err(e) => return Err(Error::io("read", path, e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(damaged(
                "is a symlink; stack reads approvals only from its own file",
            ));
        }
        #[cfg(unix)]
        Ok(meta) => {
            use std::os::unix::fs::MetadataExt;
            let me = rustix::process::geteuid().as_raw();
            if meta.uid() != me {
                return Err(damaged(&format!(
                    "is owned by uid {}, not by you (uid {me})",
                    meta.uid()
                )));
            }
            if meta.mode() & 0o022 != 0 {
                return Err(damaged("can be written by other users"));
            }
        }
        #[cfg(not(unix))]
        Ok(_) => {}
    }
    let Some(text) = fsutil::read_optional(path)? else {
        return Ok(Store::default());
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
    // stack's own data directory: nobody else's business, whatever mode it was made with.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("restrict", dir, e))?;
    }
    ProjectLock::acquire(dir)
}

/// Writes the store atomically, `0600` whatever mode the old one had.
fn write(path: &Path, mut store: Store) -> Result<()> {
    store.version = 1;
    let mut text = serde_json::to_string_pretty(&store)
        .map_err(|e| Error::usage("could not encode the trust store").caused_by(&e))?;
    text.push('\n');
    fsutil::write_atomic(path.parent().unwrap_or(Path::new(".")), path, &text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io("restrict", path, e))?;
    }
    Ok(())
}
