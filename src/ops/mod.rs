//! What the commands do, without a terminal: add, remove, check and resolve services.
//! One module per operation; the command files in `src/commands/` talk to the user and
//! call these.

mod add;
mod copy;
mod doctor;
mod files;
mod generate;
mod import;
mod list;
#[cfg(test)]
mod memory;
mod project;
mod record;
mod remove;
mod resolve;
mod stage;
mod verify;

pub use add::{AddFrontEnd, AddOptions, AddOutcome, AddTarget, Added, Existing, add, existing};
pub use copy::{copy, copy_check};
pub use doctor::{Finding, Report, ServiceReport, Status, check};
pub use files::check_files;
pub use import::{ImportPlan, ImportProvider, import_plan, rewrite_references};
pub use list::list;
pub use project::Project;
pub use remove::{RemoveOptions, RemoveOutcome, remove};
pub use resolve::{Injected, SlotValue, environment, preview, slot_values};
pub use stage::{stage_mismatch, stage_of, stage_warnings};
pub use verify::{verify_many, verify_one};

use crate::error::{Error, Remedy};
use crate::secret::Secret;

/// Values for some or all slots of a provider, in the manifest's slot order.
pub type Values = Vec<(String, Secret)>;

/// "no service named X", without echoing X when it is not shaped like a service name
/// (a key pasted in the wrong place must not land in a log).
pub fn no_such_service(name: &str) -> Error {
    let plausible = name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let shown = if plausible { name } else { "<not shown>" };
    Error::usage(format!("no service named {shown} in this project"))
        .with_remedy(Remedy::ListServices)
}
