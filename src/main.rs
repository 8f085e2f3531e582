mod child;
mod cli;
mod commands;
mod prompt;
mod ui;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run())
}
