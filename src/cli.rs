//! The command line: global flags, one dispatch `match`, the wording of the library's
//! remedies as hints, and the mapping of errors to exit codes (contract §5).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use stack::vault::VaultKind;
use stack::{Secret, Settings};

use crate::commands;
use crate::ui::{ColorChoice, Ui};

#[derive(Parser)]
#[command(
    name = "stack",
    version,
    about = "Wire third-party services into your project without leaving a secret in plaintext",
    after_help = "Run `stack add <provider>` to start; `stack exec -- <cmd>` runs a program with the secrets injected."
)]
pub struct Cli {
    /// Run as if stack was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Where slot values live [default: keychain, or `vault` in ~/.config/stack/config.toml]
    #[arg(long, global = true, env = "STACK_VAULT", value_name = "VAULT",
          value_parser = commands::vault_names(&VaultKind::ALL))]
    vault: Option<String>,
    /// When to use colours
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Print only errors and warnings
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more about what happens
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Add(commands::add::Args),
    Remove(commands::remove::Args),
    Doctor(commands::doctor::Args),
    Exec(commands::exec::Args),
    List(commands::list::Args),
    Env(commands::env::Args),
    Import(commands::import::Args),
    Completion(commands::completion::Args),
    Vault(commands::vault::Args),
    Ci(commands::ci::Args),
    Providers(commands::providers::Args),
    Recommend(commands::recommend::Args),
    Trust(commands::trust::Args),
}

/// What every command gets: the terminal and the resolved global options.
pub struct Context {
    pub ui: Ui,
    pub cwd: PathBuf,
    pub vault: VaultKind,
    /// What the environment says, read once here.
    pub settings: Settings,
}

impl Context {
    /// Sets up the selected vault; nothing is contacted or unlocked until it is used.
    pub fn open_vault(&self) -> stack::Result<Box<dyn stack::vault::Vault>> {
        stack::vault::open(self.vault, Box::new(self.ui.clone()), &self.settings)
    }
}

pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Parses the command line, runs the command and returns the process exit code.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            crate::ui::raw_stderr(&redact_secrets(e.render().to_string()));
            return e.exit_code() as u8;
        }
        // `--help` and `--version`, on stdout: it may fail as any output does.
        Err(e) => {
            let ui = Ui::new(ColorChoice::Auto, false, 0);
            ui.write_out(|_| e.print());
            return ui.finish(e.exit_code() as u8);
        }
    };
    let ui = Ui::new(cli.color, cli.quiet, cli.verbose);
    let is_exec = matches!(cli.command, Command::Exec(_));
    let ctx = match setup(ui, cli.dir.as_deref(), cli.vault.as_deref()) {
        Ok(ctx) => ctx,
        Err((ui, e)) => {
            let e = worded(e);
            ui.error(&e);
            return exit_code(&e, false);
        }
    };
    let code = dispatch(&ctx, cli.command).unwrap_or_else(|e| {
        let e = worded(e);
        ctx.ui.error(&e);
        exit_code(&e, is_exec)
    });
    // `exec` forwards the child's output itself and returns the child's code as it is.
    if is_exec { code } else { ctx.ui.finish(code) }
}

/// The one mapping of a command's failure to the process exit code (contract §5): its
/// kind's code, except for a failure of `exec`'s own (`exec_own`), which is 125 unless
/// interrupted, so that every other code is the child's.
pub fn exit_code(err: &stack::Error, exec_own: bool) -> u8 {
    if exec_own && err.kind != stack::Kind::Interrupted {
        125
    } else {
        err.kind.exit_code()
    }
}

/// The error with its remedy worded as a hint naming what to run (an error the library
/// already gave a hint keeps it).
pub fn worded(mut err: stack::Error) -> stack::Error {
    use stack::Remedy;
    if err.hint.is_some() {
        return err;
    }
    err.hint = err.remedy.as_deref().map(|remedy| match remedy {
        Remedy::AddService { provider, env } => format!("run `stack add {provider} --env {env}`"),
        Remedy::StartProject => "run `stack add <provider>` to start a project here".into(),
        Remedy::AddProviderFirst => "run `stack add <provider>` first".into(),
        Remedy::ListServices => "run `stack list` to see the project's services".into(),
        Remedy::Repair => "run `stack doctor --fix`".into(),
        Remedy::RepairFirst => "run `stack doctor --fix` first".into(),
        Remedy::RemoveService { name } => format!("remove {name} first: `stack remove {name}`"),
        Remedy::Trust { root } => format!(
            "if {} should share them, run `stack trust {}`",
            root.display(),
            root.display()
        ),
        Remedy::TrustAnyway { root } => format!(
            "if you trust it, run `stack trust {}` to use it anyway",
            root.display()
        ),
    });
    err
}

/// Applies the global options; errors here are usage errors for every command.
fn setup(
    ui: Ui,
    dir: Option<&std::path::Path>,
    vault: Option<&str>,
) -> Result<Context, (Ui, stack::Error)> {
    if let Some(dir) = dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        let mut err = stack::Error::io("change to", dir, e);
        err.kind = stack::Kind::Usage;
        return Err((ui, err));
    }
    let settings = settings();
    let vault = match stack::vault::select(vault, &settings) {
        Ok(v) => v,
        Err(e) => return Err((ui, e)),
    };
    match std::env::current_dir() {
        Ok(cwd) => Ok(Context {
            ui,
            cwd,
            vault,
            settings,
        }),
        Err(e) => Err((ui, stack::Error::io("read", std::path::Path::new("."), e))),
    }
}

/// The environment variables the library's settings come from, read once.
fn settings() -> Settings {
    let api_bases = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value)))
        .filter(|(name, _)| {
            name.strip_prefix("STACK_")
                .and_then(|n| n.strip_suffix("_API_BASE"))
                .is_some_and(|n| !n.is_empty())
        })
        .collect();
    Settings {
        http_timeout: std::env::var("STACK_HTTP_TIMEOUT").ok(),
        api_bases,
        bao: stack::settings::BaoSettings {
            addr: ["VAULT_ADDR", "BAO_ADDR"].map(var),
            token: ["VAULT_TOKEN", "BAO_TOKEN"].map(|name| var(name).map(Secret::new)),
            namespace: var("VAULT_NAMESPACE"),
            mount: var("STACK_BAO_MOUNT"),
            token_file: std::env::home_dir().map(|h| h.join(".vault-token")),
        },
        file: stack::settings::FileSettings {
            path: var("STACK_VAULT_FILE"),
            identity: var("STACK_AGE_IDENTITY").map(Secret::new),
            passphrase: var("STACK_VAULT_PASSPHRASE").map(Secret::new),
        },
        data_dir: user_dir("XDG_DATA_HOME", ".local/share"),
        config_dir: user_dir("XDG_CONFIG_HOME", ".config"),
        runtime_dir: std::env::var_os("XDG_RUNTIME_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from),
        environment: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .map(|(k, v)| (k, Secret::new(v)))
            .collect(),
    }
}

/// `$<var>/stack`, else `~/<fallback>/stack`. A relative `XDG_*` value is ignored, as the
/// XDG specification says (it would put the user's data inside whatever directory stack
/// runs in).
fn user_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    let base = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::home_dir().map(|h| h.join(fallback)))?;
    Some(base.join("stack"))
}

/// A variable's value, if it is set and valid UTF-8.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A key pasted as an argument must not be echoed into a terminal log by a usage error:
/// arguments shaped like a provider's secret are blanked out. `STACK_VAULT` and
/// `STACK_ENV` are not on the command line the user sees: an invalid one is never shown.
fn redact_secrets(mut text: String) -> String {
    let Ok(catalog) = stack::catalog::Catalog::builtin() else {
        return text;
    };
    for arg in std::env::args().skip(1) {
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        if catalog.looks_secret(value) || commands::secret_shaped(value) {
            text = text.replace(value, "<redacted>");
        }
    }
    let vault = std::env::var("STACK_VAULT")
        .ok()
        .filter(|v| v.parse::<VaultKind>().is_err());
    let env = std::env::var("STACK_ENV")
        .ok()
        .filter(|v| commands::env_name(v).is_err());
    for value in [vault, env].into_iter().flatten().filter(|v| !v.is_empty()) {
        // clap quotes the value it refuses.
        text = text.replace(&format!("'{value}'"), "'<redacted>'");
    }
    text
}

fn dispatch(ctx: &Context, command: Command) -> stack::Result<u8> {
    // Asked once, before the command: it then finds the project approved.
    if !matches!(
        command,
        Command::Completion(_) | Command::Providers(_) | Command::Recommend(_) | Command::Trust(_)
    ) {
        commands::trust::confirm(ctx)?;
    }
    match command {
        Command::Add(args) => commands::add::run(ctx, args),
        Command::Remove(args) => commands::remove::run(ctx, args),
        Command::Doctor(args) => commands::doctor::run(ctx, args),
        Command::Exec(args) => commands::exec::run(ctx, args),
        Command::List(args) => commands::list::run(ctx, args),
        Command::Env(args) => commands::env::run(ctx, args),
        Command::Import(args) => commands::import::run(ctx, args),
        Command::Completion(args) => commands::completion::run(ctx, args),
        Command::Vault(args) => commands::vault::run(ctx, args),
        Command::Ci(args) => commands::ci::run(ctx, args),
        Command::Providers(args) => commands::providers::run(ctx, args),
        Command::Recommend(args) => commands::recommend::run(ctx, args),
        Command::Trust(args) => commands::trust::run(ctx, args),
    }
}
