//! The one owner of the terminal: data on stdout; status, warnings, errors and hints on
//! stderr; colour; spinners; and whether a prompt is possible.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

// Messages quote paths, link targets and names from files a repository controls: every
// control character is shown escaped, so none can drive the terminal.
use stack::project::escape;
use stack::{Error, Kind, Secret};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether this runs in CI (`CI` set, and not to "", "0" or "false"): nothing is asked,
/// and `exec` masks output by default.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// Text already formatted elsewhere (clap's usage errors), to stderr as is.
pub fn raw_stderr(text: &str) {
    to_stderr(format_args!("{text}"));
}

#[derive(Clone)]
pub struct Ui {
    color: bool,
    quiet: bool,
    verbose: u8,
    interactive: bool,
    /// The first error writing to stdout (shared by clones); nothing more is written after
    /// it, and [`Ui::finish`] decides what it means for the exit code.
    stdout_error: Arc<Mutex<Option<std::io::Error>>>,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[1;32m";
const CYAN: &str = "\x1b[1;36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Ui {
    pub fn new(choice: ColorChoice, quiet: bool, verbose: u8) -> Ui {
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stderr_tty && !no_color,
        };
        let ci = is_ci();
        Ui {
            color,
            quiet,
            verbose,
            interactive: stderr_tty && std::io::stdin().is_terminal() && !ci,
            stdout_error: Arc::default(),
        }
    }

    /// Whether stack may ask the user something: a terminal on both ends and not CI.
    pub fn can_prompt(&self) -> bool {
        self.interactive
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// Writes to stdout unless an earlier write failed; a failure is kept for [`Ui::finish`].
    pub fn write_out(
        &self,
        write: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
    ) {
        let mut error = self
            .stdout_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if error.is_none()
            && let Err(e) = write(&mut std::io::stdout().lock())
        {
            *error = Some(e);
        }
    }

    /// A line of data on stdout.
    pub fn out(&self, line: &str) {
        self.write_out(|out| writeln!(out, "{line}"));
    }

    /// Flushes stdout, before this process is replaced by another.
    pub fn flush(&self) {
        self.write_out(|out| out.flush());
    }

    /// Raw bytes on stdout (generated scripts).
    pub fn out_bytes(&self, bytes: &[u8]) {
        self.write_out(|out| out.write_all(bytes));
    }

    /// The exit code of a command that returned `code`, once its stdout is flushed. Output
    /// that could not be written fails the command (`error:`, exit 2: `stack ci github >
    /// wf.yml` on a full disk must not look like success), except a broken pipe: the
    /// reader stopped reading (`stack providers | head -1`), so the command ends quietly
    /// with its own code, as ripgrep does.
    pub fn finish(&self, code: u8) -> u8 {
        self.flush();
        let error = self
            .stdout_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match error {
            None => code,
            Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
            Some(e) => {
                self.error(&Error::usage("could not write to stdout").caused_by(&e));
                if code == 0 {
                    Kind::Usage.exit_code()
                } else {
                    code
                }
            }
        }
    }

    /// One JSON document on stdout.
    pub fn json(&self, value: &serde_json::Value) {
        self.out(&serde_json::to_string_pretty(value).expect("JSON values serialize"));
    }

    /// A status line on stderr: `   Added workos (dev)`; hidden by `-q`.
    pub fn status(&self, verb: &str, message: &str) {
        if !self.quiet {
            to_stderr(format_args!(
                "{} {}\n",
                self.paint(GREEN, &format!("{verb:>9}")),
                escape(message)
            ));
        }
    }

    /// Plain information on stderr; hidden by `-q`.
    pub fn info(&self, message: &str) {
        if !self.quiet {
            to_stderr(format_args!("{}\n", escape(message)));
        }
    }

    /// Detail shown with `-v`.
    pub fn verbose(&self, message: &str) {
        if self.verbose > 0 && !self.quiet {
            to_stderr(format_args!(
                "{} {}\n",
                self.paint(BOLD, "verbose:"),
                escape(message)
            ));
        }
    }

    pub fn warn(&self, message: &str) {
        to_stderr(format_args!(
            "{} {}\n",
            self.paint(YELLOW, "warning:"),
            escape(message)
        ));
    }

    /// Advice on what to run next; hidden by `-q` (an error's own hint is always shown).
    pub fn hint(&self, message: &str) {
        if !self.quiet {
            self.print_hint(message);
        }
    }

    fn print_hint(&self, message: &str) {
        to_stderr(format_args!(
            "{} {}\n",
            self.paint(CYAN, "hint:"),
            escape(message)
        ));
    }

    /// `error: …`, each cause as `Caused by: …`, then `hint: …`.
    pub fn error(&self, err: &Error) {
        if err.kind == Kind::Interrupted {
            to_stderr(format_args!("\n"));
        }
        to_stderr(format_args!(
            "{} {}\n",
            self.paint(RED, "error:"),
            escape(&err.message)
        ));
        for cause in &err.causes {
            to_stderr(format_args!(
                "  {} {}\n",
                self.paint(BOLD, "Caused by:"),
                escape(cause)
            ));
        }
        if let Some(hint) = &err.hint {
            self.print_hint(hint);
        }
    }

    /// A spinner on stderr while `work` runs, only when stderr is a terminal.
    pub fn spin<T>(&self, message: &str, work: impl FnOnce() -> T) -> T {
        if self.quiet || !std::io::stderr().is_terminal() {
            return work();
        }
        let bar = indicatif::ProgressBar::new_spinner().with_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(80));
        let out = work();
        bar.finish_and_clear();
        out
    }

    /// Asks for a value on the terminal; secrets are not echoed.
    pub fn ask(&self, question: &str, hidden: bool) -> stack::Result<Secret> {
        crate::prompt::read_line(&self.paint(BOLD, &escape(question)), hidden)
    }

    /// A yes/no question; anything but y/yes is no.
    pub fn confirm(&self, question: &str) -> stack::Result<bool> {
        let answer = self.ask(&format!("{question} [y/N]"), false)?;
        Ok(matches!(
            answer.expose().trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// Vaults ask for passphrases through the terminal, when there is one.
impl stack::vault::Ask for Ui {
    fn can_ask(&self) -> bool {
        self.can_prompt()
    }

    fn tell(&self, message: &str) {
        self.warn(message);
    }

    fn passphrase(&self, question: &str, confirm: bool) -> stack::Result<Option<Secret>> {
        if !self.can_prompt() {
            return Ok(None);
        }
        loop {
            let first = self.ask(question, true)?;
            if !confirm {
                return Ok(Some(first));
            }
            if self.ask("Repeat it:", true)? == first {
                return Ok(Some(first));
            }
            self.warn("the passphrases differ; try again");
        }
    }
}

/// Writes to stderr. A stderr that is gone (a closed pipe) loses the message: there is
/// nowhere left to report that, and the exit code still says how the command ended.
fn to_stderr(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().write_fmt(args);
}
