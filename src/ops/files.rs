//! The project files `add` and `remove` edit, read and checked together.

use std::path::{Path, PathBuf};

use crate::dotenv::{self, DotEnv};
use crate::error::Result;
use crate::fsutil::{Write, read_optional};
use crate::mcp::{self, McpFile};
use crate::project;

use super::Project;

/// The files `add` and `remove` write, only ever under the project lock.
pub(super) const PROJECT_FILES: [&str; 3] = [project::FILE, dotenv::FILE, mcp::FILE];

/// `.env` and `.mcp.json` as read, to be edited and written back together.
pub(super) struct ProjectFiles {
    env_path: PathBuf,
    env_old: Option<String>,
    pub(super) env: DotEnv,
    mcp_path: PathBuf,
    mcp_old: Option<String>,
    pub(super) mcp: McpFile,
}

impl ProjectFiles {
    pub(super) fn read(root: &Path) -> Result<ProjectFiles> {
        let env_path = root.join(dotenv::FILE);
        let env_old = read_optional(&env_path)?;
        let env = DotEnv::parse(&env_path, env_old.as_deref().unwrap_or(""))?;
        let mcp_path = root.join(mcp::FILE);
        let mcp_old = read_optional(&mcp_path)?;
        let mcp = McpFile::parse(&mcp_path, mcp_old.as_deref())?;
        Ok(ProjectFiles {
            env_path,
            env_old,
            env,
            mcp_path,
            mcp_old,
            mcp,
        })
    }

    /// The writes to make; a file that did not exist and would be empty is not created.
    pub(super) fn writes(self) -> Vec<Write> {
        let env_new = self.env.render().to_string();
        let mcp_new = self.mcp.render();
        let mut out = Vec::new();
        if self.env_old.is_some() || !env_new.is_empty() {
            out.push(Write {
                path: self.env_path,
                old: self.env_old,
                new: env_new,
            });
        }
        if self.mcp.changed() {
            out.push(Write {
                path: self.mcp_path,
                old: self.mcp_old,
                new: mcp_new,
            });
        }
        out
    }
}

pub(super) fn changed_names(writes: &[Write]) -> Vec<&'static str> {
    writes
        .iter()
        .filter(|w| w.old.as_deref() != Some(w.new.as_str()))
        .map(|w| match w.path.file_name().and_then(|n| n.to_str()) {
            Some(project::FILE) => project::FILE,
            Some(dotenv::FILE) => dotenv::FILE,
            _ => mcp::FILE,
        })
        .collect()
}

/// Parses the project files that exist, and checks where they would be written, so a
/// malformed or misplaced one (or an `.mcp.json` naming one of `mcp_names` twice) stops a
/// command before it asks for values or sends anything.
/// (`.stack.toml` itself was parsed when `project` was found.)
pub fn check_files(start: &Path, project: Option<&Project>, mcp_names: &[&str]) -> Result<()> {
    let root = project.map_or(start, |p| p.root.as_path());
    let files = ProjectFiles::read(root)?;
    // A link out of the project is refused before any value is asked for or stored.
    for name in PROJECT_FILES {
        crate::fsutil::destination(root, &root.join(name))?;
    }
    mcp_names.iter().try_for_each(|name| files.mcp.check(name))
}
