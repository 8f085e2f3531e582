//! `stack exec -- <cmd>`: run a program with the slots in its environment. On a terminal
//! `stack` becomes the program (exec); where output is kept, it stays the parent and masks
//! the secrets in the program's output (see `crate::child`).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::Command;

use stack::Error;
use stack::mask::Masker;
use stack::ops::Injected;

use crate::child::Failure;
use crate::cli::Context;

/// Run a command with this project's secrets in its environment
#[derive(clap::Args)]
#[command(mut_arg("env", |a| a.help("Environment whose slots to inject")))]
pub struct Args {
    #[command(flatten)]
    env: super::EnvArg,
    /// Inject only this service's slots (repeatable)
    #[arg(long, value_name = "SERVICE")]
    only: Vec<String>,
    /// Load variables from a dotenv file (repeatable); `stack://` references in it resolve
    #[arg(long = "env-file", value_name = "F")]
    env_files: Vec<std::path::PathBuf>,
    /// Hide injected secrets in the command's output [default: when stdout or stderr is
    /// not a terminal, or in CI]
    #[arg(long)]
    mask: bool,
    /// Pass the command's output through untouched, even in CI or to a file
    #[arg(long, conflicts_with = "mask")]
    no_mask: bool,
    /// Leave the vault's own credentials (STACK_AGE_IDENTITY, STACK_VAULT_PASSPHRASE,
    /// VAULT_TOKEN, BAO_TOKEN) in the command's environment: for a command that is itself
    /// `stack`. They are masked in its output all the same
    #[arg(long)]
    pass_vault_credentials: bool,
    /// The command and its arguments, passed through byte for byte
    #[arg(required = true, trailing_var_arg = true, value_name = "CMD",
          value_parser = clap::value_parser!(OsString))]
    command: Vec<OsString>,
}

pub fn run(ctx: &Context, args: Args) -> stack::Result<u8> {
    // A vault that is not set up (no address, nothing to unlock with) is a usage error,
    // exit 2, as for every command; failures after this point are exec's own 125.
    let vault = match ctx.open_vault() {
        Ok(v) => v,
        Err(e) => {
            ctx.ui.error(&e);
            return Ok(crate::cli::exit_code(&e, e.kind != stack::Kind::Usage));
        }
    };
    let values = stack::ops::environment(
        &ctx.cwd,
        &*vault,
        &args.env.name,
        &args.only,
        &args.env_files,
        &ctx.settings,
    )?;
    #[cfg(debug_assertions)]
    debug_panic(&values);
    ctx.ui.verbose(&format!(
        "setting {} variable(s) for environment {}",
        values.len(),
        args.env.name
    ));
    // stack's own credentials, not the command's: kept from it, and masked in any case,
    // with those the vault was unlocked with from elsewhere (~/.vault-token, a prompt).
    let mut credentials = vault_credentials();
    credentials.extend(vault.credentials());
    let (values, shadowing): (Vec<Injected>, Vec<Injected>) = values
        .into_iter()
        .partition(|v| !VAULT_CREDENTIALS.contains(&v.name.as_str()));
    for v in &shadowing {
        ctx.ui.warn(&format!(
            "{} is not set for the command: that name is kept for the vault's own credential",
            v.name
        ));
    }
    let mut cmd = Command::new(&args.command[0]);
    cmd.args(&args.command[1..]);
    if !args.pass_vault_credentials {
        for name in VAULT_CREDENTIALS {
            cmd.env_remove(name);
        }
    }
    for v in &values {
        cmd.env(&v.name, v.value.expose());
    }
    if masking(&args) {
        let secrets: Vec<(&str, &stack::Secret)> = secret_slots(&values)
            .into_iter()
            .chain(shadowing.iter().map(|v| (v.name.as_str(), &v.value)))
            .chain(credentials.iter().map(|(name, value)| (*name, value)))
            .collect();
        let masker = Masker::new(&secrets);
        if !masker.is_empty() {
            drop(secrets);
            drop(values);
            drop(shadowing);
            drop(credentials);
            ctx.ui
                .verbose("masking secrets in the command's output; stack stays its parent");
            ctx.ui.flush();
            return match crate::child::run(cmd, &masker) {
                Ok(code) => Ok(code),
                Err(Failure::Start(err)) => Ok(cannot_start(ctx, &args.command[0], err)),
                Err(Failure::Setup(err)) => Err(err),
            };
        }
    }
    drop(values);
    start(ctx, cmd, &args.command[0])
}

/// Tests only, never in a release build: `STACK_DEBUG_PANIC=debug` panics with the loaded
/// secrets `Debug`-formatted in the message, `=value` with one exposed (as a bug quoting
/// data would), so tests/hygiene.rs can check that a crash prints neither.
#[cfg(debug_assertions)]
fn debug_panic(values: &[Injected]) {
    let secrets: Vec<&stack::Secret> = values.iter().map(|v| &v.value).collect();
    match std::env::var("STACK_DEBUG_PANIC").as_deref() {
        Ok("debug") => panic!("STACK_DEBUG_PANIC with {secrets:?}"),
        Ok("value") => panic!(
            "STACK_DEBUG_PANIC with {}",
            secrets.first().map_or("", |s| s.expose())
        ),
        _ => {}
    }
}

/// Whether the command's output goes through the masker: asked for, or by default
/// wherever output is likely kept (a pipe, a file, a CI log) rather than only seen.
fn masking(args: &Args) -> bool {
    if args.mask || args.no_mask {
        return args.mask;
    }
    crate::ui::is_ci() || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal()
}

/// The values of the secret slots among `values`, each with the slot it comes from (a
/// reference may have put it under another name): what is masked.
pub(super) fn secret_slots(values: &[Injected]) -> Vec<(&str, &stack::Secret)> {
    let catalog = manifests(values);
    values
        .iter()
        .filter(|v| is_secret(catalog.as_ref(), v))
        .map(|v| {
            let slot = v
                .source
                .as_ref()
                .map_or(v.name.as_str(), |(_, s)| s.as_str());
            (slot, &v.value)
        })
        .collect()
}

/// A slot's value not known to be public is treated as secret (built-in manifests only, so
/// a broken user manifest cannot turn masking off); a plain env-file value is not a slot.
/// The built-in manifests of the providers `values` come from: only those are parsed.
fn manifests(values: &[Injected]) -> Option<stack::catalog::Catalog> {
    let names = values
        .iter()
        .filter_map(|v| v.source.as_ref().map(|(p, _)| p.as_str()));
    Some(stack::catalog::Catalog::builtin_subset(names))
}

fn is_secret(catalog: Option<&stack::catalog::Catalog>, v: &Injected) -> bool {
    let Some((provider, slot)) = &v.source else {
        return false;
    };
    catalog
        .and_then(|c| c.get(provider))
        .and_then(|p| p.slot(slot))
        .is_none_or(|s| s.secret)
}

/// The variables that unlock a vault: `stack`'s credentials, never the command's.
const VAULT_CREDENTIALS: [&str; 4] = [
    "STACK_AGE_IDENTITY",
    "STACK_VAULT_PASSPHRASE",
    "VAULT_TOKEN",
    "BAO_TOKEN",
];

/// The vault credentials set in `stack`'s environment (an empty one is none).
fn vault_credentials() -> Vec<(&'static str, stack::Secret)> {
    VAULT_CREDENTIALS
        .into_iter()
        .filter_map(|name| {
            let value = std::env::var(name).ok()?;
            (!value.is_empty()).then(|| (name, stack::Secret::new(value)))
        })
        .collect()
}

/// Replaces this process with the command, so signals, the terminal and the exit code
/// are the child's own. Returns only if the command could not be started.
#[cfg(unix)]
fn start(ctx: &Context, mut cmd: Command, program: &OsString) -> stack::Result<u8> {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    Ok(cannot_start(ctx, program, err))
}

/// Windows has no exec: spawn, wait, and pass the child's code on.
#[cfg(not(unix))]
fn start(ctx: &Context, mut cmd: Command, program: &OsString) -> stack::Result<u8> {
    match cmd.status() {
        // Windows exit codes are 32-bit: pass them on whole.
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(err) => Ok(cannot_start(ctx, program, err)),
    }
}

fn cannot_start(ctx: &Context, program: &OsString, err: std::io::Error) -> u8 {
    let name = program.to_string_lossy();
    let name = stack::project::escape(&name);
    let (code, message) = match err.kind() {
        std::io::ErrorKind::NotFound => (127, format!("command not found: {name}")),
        _ => (126, format!("cannot run {name}")),
    };
    ctx.ui.error(&Error::failed(message).caused_by(&err));
    code
}
