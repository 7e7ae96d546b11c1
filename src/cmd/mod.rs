//! Command glue: each command turns its clap arguments into the library's
//! request types, calls the core and hands the result to the output layer.
//! Messages for people (warnings, counts) are printed here, on stderr.

mod analysis;
mod generate;
mod init;
mod manifest;
mod manual;
mod progress;
mod pseudonymise;
mod savings;
mod validate;
mod workspace;

use crate::cli::{Cli, Command, FormatArg, LangArg, OutputArgs};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use tvaers::language::Language;
use tvaers::output::{self, Format, RenderOptions};
use tvaers::validate::RejectRateExceeded;
use tvaers::workspace::Workspace;

/// Runs the parsed command line; `arguments` (after the program's name)
/// are recorded in a `--manifest`.
pub fn run(cli: Cli, arguments: Vec<String>) -> Result<()> {
    let manifest = cli
        .command
        .workspace()
        .and_then(|w| w.manifest.clone())
        .map(|path| (path, manifest::Record::new(cli.command.name(), arguments)));
    let diagnostics = Diagnostics {
        quiet: cli.quiet,
        record: manifest.as_ref().map(|(_, record)| record.clone()),
    };
    let result = dispatch(cli.command, &diagnostics);
    match manifest {
        Some((path, record)) => manifest::finish(&path, &record, result),
        None => result,
    }
}

/// The exit code of a run that ended with `err` (see `cli::EXIT_CODES`).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if output::is_broken_pipe(err) {
        // `tvaers hotspots | head` closing the pipe early is not a failure.
        0
    } else if err.downcast_ref::<RejectRateExceeded>().is_some() {
        3
    } else if err.downcast_ref::<UsageError>().is_some() {
        2
    } else {
        1
    }
}

fn dispatch(command: Command, diagnostics: &Diagnostics) -> Result<()> {
    match command {
        Command::Validate(args) => validate::run(args, diagnostics),
        Command::Report(args) => analysis::report_command(args, diagnostics),
        Command::Overview(args) => analysis::overview_command(args, diagnostics),
        Command::Hotspots(args) => analysis::hotspots(args, diagnostics),
        Command::Savings(args) => savings::run(args, diagnostics),
        Command::Realised(args) => analysis::realised_command(args, diagnostics),
        Command::Monitor(args) => analysis::monitor_command(args, diagnostics),
        Command::Ladder(args) => analysis::ladder_command(args, diagnostics),
        Command::Pseudonymise(args) => pseudonymise::run(args, diagnostics),
        Command::Init(args) => init::run(args, diagnostics),
        Command::Generate(args) => generate::run(args, diagnostics),
        Command::Completions(args) => manual::completions(args),
        Command::Man(args) => manual::man(args, diagnostics),
    }
}

/// What a run reports besides its result: messages on stderr (unless
/// `--quiet`) and, with `--manifest`, the record of what it read.
pub struct Diagnostics {
    quiet: bool,
    record: Option<manifest::Record>,
}

impl Diagnostics {
    /// Adds to the run's manifest, when one is written.
    pub fn record(&self, add: impl FnOnce(&mut tvaers::manifest::Manifest)) {
        if let Some(record) = &self.record {
            record.update(add);
        }
    }

    /// A warning about the data or the run.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            crate::stdio::say(&format!("tvaers: warning: {message}"));
        }
    }

    /// A note on what was done.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            crate::stdio::say(&format!("tvaers: {message}"));
        }
    }
}

/// A bad combination of flags that clap cannot see by itself: exit code 2,
/// as for any other usage error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The output flags: the format and where to write. The options a render
/// gets are made in `write`, from these and the workspace: the small-cell
/// threshold comes only from there, so no output can suppress at another.
pub struct Destination {
    format: Format,
    excel_da: bool,
    wide: bool,
    name: String,
    file: Option<std::path::PathBuf>,
    /// `--lang`, which the config's `[report] language` does not override.
    lang: Option<Language>,
}

impl Destination {
    /// Resolves `--format`, `--output` and `--excel-da`.
    pub fn new(args: &OutputArgs) -> Result<Destination> {
        let flag = args.format.map(|f| match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Html => Format::Html,
        });
        // `--excel-da` on a terminal means CSV, not the terminal's table.
        let flag = flag.or((args.excel_da && args.output.is_none()).then_some(Format::Csv));
        let format = output::resolve_format(
            flag,
            args.output.as_deref(),
            std::io::stdout().is_terminal(),
        )?;
        if args.output.is_none() {
            // Fail before the work, not after it, when the result has nowhere to go.
            drop(crate::stdio::stdout()?);
        }
        if args.excel_da && format != Format::Csv {
            return Err(UsageError(format!(
                "--excel-da shapes CSV output; it cannot be used with --format {}",
                format.name()
            ))
            .into());
        }
        Ok(Destination {
            format,
            excel_da: args.excel_da,
            wide: args.wide,
            name: "data".to_string(),
            file: args.output.clone(),
            lang: args.lang.map(|lang| match lang {
                LangArg::Da => Language::Danish,
                LangArg::En => Language::English,
            }),
        })
    }

    /// The format written (known before the workspace is read, so a command
    /// can plan to read only what that format shows).
    pub fn format(&self) -> Format {
        self.format
    }

    /// Names a lone table in a workbook after the command (`hotspots`).
    pub fn named(mut self, name: &str) -> Destination {
        self.name = name.to_string();
        self
    }

    /// Renders with `render` to the output file (atomically) or stdout,
    /// suppressing at the workspace's `min_cell`, in `--lang` or else the
    /// config's `[report] language`.
    pub fn write(
        &self,
        ws: &Workspace,
        render: impl FnOnce(&RenderOptions, &mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let options = RenderOptions {
            format: self.format,
            excel_da: self.excel_da,
            min_cell: ws.min_cell,
            table_width: output::terminal_width(),
            name: self.name.clone(),
            language: self
                .lang
                .or(ws.config.report_language)
                .unwrap_or(Language::English),
            wide: self.wide,
        };
        match &self.file {
            Some(path) => output::write_atomically(path, |out| render(&options, out))
                .with_context(|| format!("cannot write {}", path.display())),
            None => {
                let mut out = std::io::BufWriter::new(crate::stdio::stdout()?);
                render(&options, &mut out).context("cannot write to stdout")?;
                out.flush().context("cannot write to stdout")?;
                Ok(())
            }
        }
    }
}
