//! The `tvaers` binary: parse the command line, run the command, print any
//! error as one paragraph on stderr and exit with a documented code (see
//! `cli::EXIT_CODES`).

mod cli;
mod cmd;
mod huge_pages;
mod stdio;

#[global_allocator]
static ALLOCATOR: huge_pages::HugePages = huge_pages::HugePages;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            // clap's own printing reports a failed write instead of panicking.
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let arguments = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match cmd::run(cli, arguments) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match cmd::exit_code(&err) {
            0 => ExitCode::SUCCESS,
            code => {
                stdio::say(&format!("tvaers: {err:#}"));
                ExitCode::from(code)
            }
        },
    }
}
