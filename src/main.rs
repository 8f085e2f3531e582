mod child;
mod cli;
mod commands;
mod prompt;
mod ui;

fn main() -> std::process::ExitCode {
    std::panic::set_hook(Box::new(crash_report));
    std::process::ExitCode::from(cli::run())
}

/// A formatted panic message can quote data (slicing a string quotes the string, `unwrap`
/// of a `Result` the error), so a crash shows only a message fixed at compile time (such
/// as `Option::unwrap`'s) and where it happened. The backtrace (RUST_BACKTRACE=1) is code
/// locations only.
fn crash_report(info: &std::panic::PanicHookInfo<'_>) {
    let what = match info.payload().downcast_ref::<&'static str>() {
        Some(fixed) => format!(": {fixed}"),
        None => " (its message is left out: it may quote a secret)".to_string(),
    };
    let at = info
        .location()
        .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    let backtrace = std::backtrace::Backtrace::capture();
    let backtrace = match backtrace.status() {
        std::backtrace::BacktraceStatus::Captured => format!("{backtrace}\n"),
        _ => String::new(),
    };
    ui::raw_stderr(&format!(
        "error: stack crashed{at}{what}\n\
         hint: this is a bug; please report it with the command you ran and `stack --version`\n\
         {backtrace}"
    ));
}
