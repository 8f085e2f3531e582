//! `stack trust [DIR]`: lets the project at DIR use the vault items of its project id,
//! and the question asked before a command when another project already uses that id.

use std::path::PathBuf;

use stack::vault::Key;
use stack::{Error, project, trust};

use crate::cli::Context;

/// Let the project at DIR use the secrets of its project id (and a .stack.toml you do not own)
#[derive(clap::Args)]
pub struct Args {
    /// A directory of the project [default: the current one]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    dir: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let start = args
        .dir
        .map_or_else(|| ctx.cwd.clone(), |d| ctx.cwd.join(d));
    let root = project::walk(&start).ok_or_else(|| {
        Error::usage(format!(
            "no {} in {} or any parent directory",
            project::FILE,
            start.display()
        ))
    })?;
    let id = project::load(&root)?.stack.project;
    let others = trust::approve(&root, &id, &ctx.settings)?;
    ctx.ui.status(
        "Trusted",
        &format!("{} for project id {id:?}", root.display()),
    );
    for other in others {
        ctx.ui
            .info(&format!("it shares its secrets with {}", other.display()));
    }
    Ok(0)
}

/// Before a command that uses the project: settles whether its root may use the vault
/// items of its id. An id nobody has recorded is recorded, unless the vault (shared with
/// other projects) already holds its items; then, as when another live project uses the
/// id, a terminal is asked (a yes is remembered) and anything else refused. Errors in
/// finding the project, or in reading the vault, are left to the command, which meets
/// them again.
pub fn confirm(ctx: &Context) -> stack::Result<()> {
    let Ok(Some(located)) = project::locate(&ctx.cwd, &ctx.settings) else {
        return Ok(());
    };
    let conflict = match located.binding {
        trust::Binding::Known => return Ok(()),
        trust::Binding::Conflict(conflict) => conflict,
        trust::Binding::New => {
            // A vault that cannot be read now is met again by the command itself, which
            // reads nothing from it either; the id stays unrecorded until it can be.
            let Ok(holds) = vault_holds(ctx, &located.root, &located.config) else {
                return Ok(());
            };
            match trust::settle_new(
                &located.root,
                &located.config.stack.project,
                holds,
                &ctx.settings,
            )? {
                None => return Ok(()),
                Some(conflict) => conflict,
            }
        }
    };
    if !ctx.ui.can_prompt() {
        return Err(conflict.error());
    }
    let question = format!(
        "{}. Let {} use the same secrets?",
        conflict.reason(),
        conflict.root.display()
    );
    if ctx.ui.confirm(&question)? {
        trust::approve(&conflict.root, &conflict.id, &ctx.settings)?;
        Ok(())
    } else {
        Err(Error::failed(format!(
            "{} may not use the secrets of project id {:?}",
            conflict.root.display(),
            conflict.id
        ))
        .with_hint(format!(
            "run `stack trust {}` to approve it later",
            conflict.root.display()
        )))
    }
}

/// Whether the vault, when it holds other projects' items too, holds any slot the project
/// records under its id (read only on an id's first use).
fn vault_holds(
    ctx: &Context,
    root: &std::path::Path,
    config: &project::Config,
) -> stack::Result<bool> {
    let vault = ctx.open_vault()?;
    if !vault.may_hold_other_projects(root) {
        return Ok(false);
    }
    let id = &config.stack.project;
    let keys: Vec<Key> = config
        .services
        .values()
        .flat_map(|s| {
            s.environments
                .iter()
                .flat_map(move |env| s.secrets.iter().map(move |slot| Key::new(id, env, slot)))
        })
        .collect();
    if keys.is_empty() {
        return Ok(false);
    }
    Ok(vault.get(&keys)?.iter().any(Option::is_some))
}
