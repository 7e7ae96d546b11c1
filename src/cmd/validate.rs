//! `tvaers validate`: per-source counts (SPEC §6 columns), then warnings.

use super::{workspace, Destination, Diagnostics};
use crate::cli::ValidateArgs;
use anyhow::Result;
use tvaers::output::{render_table, Table};
use tvaers::validate;

pub fn run(args: ValidateArgs, diagnostics: &Diagnostics) -> Result<()> {
    let destination = Destination::new(&args.output)?.named("validate");
    let writes = workspace::Writes::of(&args.output, None);
    let ws = workspace::configure(&args.workspace, &writes, diagnostics)?.open_for_validate()?;
    // A narrow terminal keeps each source's counts; what it is and where it
    // comes from are in the config.
    let table = Table::new(validate::report_frame(ws.loaded.reports())?).with_optional([
        "kind",
        "department",
        "files",
    ]);
    destination.write(&ws, |options, out| render_table(&table, options, out))?;
    for warning in validate::warnings(&ws.loaded, ws.summary()?, ws.period)? {
        diagnostics.warn(&warning.message);
    }
    // After the table: a source over the limit is shown with the others.
    ws.check_reject_rate(args.workspace.max_reject_rate)?;
    Ok(())
}
