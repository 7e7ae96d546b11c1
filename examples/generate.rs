//! Drives `tvaers::generate` until the CLI has a `generate` command:
//! `cargo run --release --example generate -- CITIZENS SEED OUT [plain|danish] [csv|parquet]`.

use std::path::PathBuf;

use tvaers::generate::{generate, Dialect, FileFormat, GenerateRequest};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let request = GenerateRequest {
        citizens: arg(0, "2000").parse()?,
        seed: arg(1, "1").parse()?,
        out: PathBuf::from(arg(2, "synthetic")),
        dialect: if arg(3, "plain") == "danish" {
            Dialect::Danish
        } else {
            Dialect::Plain
        },
        format: if arg(4, "csv") == "parquet" {
            FileFormat::Parquet
        } else {
            FileFormat::Csv
        },
    };
    let summary = generate(&request)?;
    for (source, rows) in &summary.rows {
        println!("{source}\t{rows}");
    }
    println!("{} files", summary.files.len());
    Ok(())
}
