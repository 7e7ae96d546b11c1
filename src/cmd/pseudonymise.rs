//! `tvaers pseudonymise`: keyed pseudonyms for CSV columns.

use super::Diagnostics;
use crate::cli::PseudonymiseArgs;
use anyhow::{anyhow, bail, Context, Result};
use std::io::Write;
use tvaers::config::{parse_delimiter, parse_encoding};
use tvaers::output::write_atomically;
use tvaers::pseudonym::Key;
use tvaers::pseudonymise::{pseudonymise, PseudonymiseRequest, PseudonymiseSummary};

pub fn run(args: PseudonymiseArgs, diagnostics: &Diagnostics) -> Result<()> {
    let request = PseudonymiseRequest {
        columns: args.columns.iter().map(|c| c.trim().to_string()).collect(),
        delimiter: parse_delimiter(&args.delimiter).map_err(|e| anyhow!("--delimiter {e}"))?,
        encoding: parse_encoding(&args.encoding).map_err(|e| anyhow!("--encoding {e}"))?,
        to_utf8: args.to_utf8,
    };
    let key = Key::from_file(&args.key)?;
    let strict = args.strict;
    let check = |summary: &PseudonymiseSummary| -> Result<()> {
        if strict && summary.not_cpr > 0 {
            bail!(
                "{} values do not look like CPR numbers (lines {}); --strict writes nothing",
                summary.not_cpr,
                lines(summary)
            );
        }
        Ok(())
    };
    let summary = match &args.output {
        Some(path) => {
            let mut result = None;
            write_atomically(path, |out| {
                let summary = pseudonymise(&args.input, &key, &request, out)?;
                check(&summary)?;
                result = Some(summary);
                Ok(())
            })?;
            result.unwrap_or_default()
        }
        None => {
            let mut out = std::io::BufWriter::new(crate::stdio::stdout()?);
            let summary = pseudonymise(&args.input, &key, &request, &mut out)?;
            out.flush().context("cannot write to stdout")?;
            check(&summary)?;
            summary
        }
    };
    diagnostics.note(&format!(
        "pseudonymised {} values in {} rows ({} empty values left empty)",
        summary.pseudonymised, summary.rows, summary.empty
    ));
    if summary.not_cpr > 0 {
        diagnostics.warn(&format!(
            "{} values did not look like CPR numbers (lines {}); they were keyed as they are: check that the right columns were named",
            summary.not_cpr,
            lines(&summary)
        ));
    }
    Ok(())
}

fn lines(summary: &PseudonymiseSummary) -> String {
    let mut text = summary
        .not_cpr_lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if summary.not_cpr > summary.not_cpr_lines.len() as u64 {
        text.push_str(", …");
    }
    text
}
