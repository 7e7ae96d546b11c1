//! The `tvaers` binary: parse the command line, run the command, print any
//! error as one paragraph on stderr and exit with a documented code (see
//! `cli::EXIT_CODES`).

mod cli;
mod cmd;
mod stdio;

use clap::Parser;
use std::process::ExitCode;
use tvaers::validate::RejectRateExceeded;

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
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `tvaers hotspots | head` closing the pipe early is not a failure.
        Err(err) if tvaers::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            stdio::say(&format!("tvaers: {err:#}"));
            if err.downcast_ref::<RejectRateExceeded>().is_some() {
                ExitCode::from(3)
            } else if err.downcast_ref::<cmd::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
