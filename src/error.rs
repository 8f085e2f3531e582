//! One error type for the whole tool: a message, its causes, what the user can do about
//! it (a [`Remedy`], which the front end words as a hint naming what to run), and the
//! exit-code class of contract §5.

use std::fmt;

/// What kind of failure this is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A check failed: credential rejected, slot missing, user declined (exit 1).
    Failed,
    /// Usage or input error: bad flag, malformed file or value, no terminal (exit 2).
    Usage,
    /// Something could not be reached: vault or provider (exit 3).
    Unavailable,
    /// Interrupted at a prompt (exit 130).
    Interrupted,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Failed => 1,
            Kind::Usage => 2,
            Kind::Unavailable => 3,
            Kind::Interrupted => 130,
        }
    }
}

/// What the user can do about an error, as a fact: the front end words it (the CLI
/// names a `stack …` command, another front end its own way of doing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Add `provider`'s service for environment `env`.
    AddService { provider: String, env: String },
    /// Add a first provider: this starts a project here.
    StartProject,
    /// Add a provider before this can be done.
    AddProviderFirst,
    /// Look at the project's services.
    ListServices,
    /// Let doctor ask for the missing or rejected values again.
    Repair,
    /// The same, before this can be done.
    RepairFirst,
    /// Remove service `name` before this can be done.
    RemoveService { name: String },
    /// Let `root` share the vault items of a project id another root uses.
    Trust { root: std::path::PathBuf },
    /// Use `root`'s `.stack.toml` although another user owns it.
    TrustAnyway { root: std::path::PathBuf },
}

/// Never holds a secret value: messages are built from names, paths and statuses only.
#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<String>,
    /// Advice in words, where the library has no [`Remedy`] for it.
    pub hint: Option<String>,
    pub remedy: Option<Box<Remedy>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            remedy: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(Kind::Unavailable, message)
    }

    pub fn interrupted() -> Self {
        Self::new(Kind::Interrupted, "interrupted")
    }

    /// Records `source` and every error in its `source()` chain as causes.
    pub fn caused_by(mut self, source: &(dyn std::error::Error + 'static)) -> Self {
        let mut next = Some(source);
        while let Some(err) = next {
            let text = err.to_string();
            if self.causes.last() != Some(&text) {
                self.causes.push(text);
            }
            next = err.source();
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(Box::new(remedy));
        self
    }

    /// An I/O failure on a file of the project, as an input/output error naming it.
    pub fn io(action: &str, path: &std::path::Path, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            // Permissions, or a file that is not text: input the user must fix.
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::InvalidData => Kind::Usage,
            _ => Kind::Unavailable,
        };
        Error::new(kind, format!("could not {action} {}", path.display())).caused_by(&err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
