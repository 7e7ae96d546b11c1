//! `tvaers generate`: a synthetic municipality and its config.

use super::Diagnostics;
use crate::cli::{DialectArg, EnrolByArg, FileFormatArg, GenerateArgs};
use anyhow::Result;
use tvaers::generate::{self, Dialect, EnrolBy, FileFormat, GenerateRequest};

pub fn run(args: GenerateArgs, diagnostics: &Diagnostics) -> Result<()> {
    let format = match args.format {
        FileFormatArg::Csv => FileFormat::Csv,
        FileFormatArg::Parquet => FileFormat::Parquet,
    };
    generate::check_out_folder(&args.out, format, args.force)?;
    let request = GenerateRequest {
        citizens: args.citizens,
        seed: args.seed,
        out: args.out,
        dialect: match args.dialect {
            DialectArg::Plain => Dialect::Plain,
            DialectArg::Danish => Dialect::Danish,
        },
        format,
        enrol_by: match args.enrol_by {
            EnrolByArg::EarlierCost => EnrolBy::EarlierCost,
            EnrolByArg::Random => EnrolBy::Random,
            EnrolByArg::Recent => EnrolBy::Recent,
        },
    };
    let summary = generate::generate(&request)?;
    let rows: u64 = summary.rows.iter().map(|(_, n)| n).sum();
    diagnostics.note(&format!(
        "wrote {} files ({rows} rows) and tvaers.toml to {}",
        summary.files.len(),
        request.out.display()
    ));
    Ok(())
}
