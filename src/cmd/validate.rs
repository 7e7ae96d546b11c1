//! `tvaers validate`: per-source counts (SPEC §6 columns), then warnings.

use super::{workspace, Destination, Diagnostics};
use crate::cli::ValidateArgs;
use anyhow::Result;
use tvaers::output::{render_table, Table};
use tvaers::validate;

pub fn run(args: ValidateArgs, diagnostics: &Diagnostics) -> Result<()> {
    let mut destination = Destination::new(&args.output)?.named("validate");
    let writes = workspace::Writes::of(&args.output, None);
    let (ws, summary) =
        workspace::open_validated(&args.workspace, &writes, diagnostics, &mut destination)?;
    let table = Table::new(validate::report_frame(ws.loaded.reports())?);
    destination.write(|options, out| render_table(&table, options, out))?;
    for warning in validate::warnings(&ws.loaded, &summary, ws.period)? {
        diagnostics.warn(&warning.message);
    }
    validate::check_reject_rate(ws.loaded.reports(), args.workspace.max_reject_rate)?;
    Ok(())
}
