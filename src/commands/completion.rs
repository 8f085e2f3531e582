//! `stack completion <shell>`: print a completion script.

use crate::cli::Context;

/// Print a shell completion script
#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete for
    shell: clap_complete::Shell,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "stack", &mut script);
    ctx.ui.out_bytes(&script);
    Ok(0)
}
