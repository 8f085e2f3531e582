//! `stack trust [DIR]`: lets the project at DIR use the vault items of its project id,
//! and the question asked before a command when another project already uses that id.

use std::path::PathBuf;

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
    let others = trust::approve(&root, &id)?;
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

/// Before a command that uses the project: when another project already uses its id,
/// asks on a terminal whether this one may too (a yes is remembered). Everything else,
/// refusals included, is left to the command: it meets them in `ops::Project::find`.
pub fn confirm(ctx: &Context) -> stack::Result<()> {
    let Ok(Some(project::Located {
        conflict: Some(conflict),
        ..
    })) = project::locate(&ctx.cwd)
    else {
        return Ok(());
    };
    if !ctx.ui.can_prompt() {
        return Ok(());
    }
    let question = format!(
        "Project id {:?} is already used by {}. Let {} use the same secrets?",
        conflict.id,
        conflict.other.display(),
        conflict.root.display()
    );
    if ctx.ui.confirm(&question)? {
        trust::approve(&conflict.root, &conflict.id)?;
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
