//! Tests of what lands on disk: identical bytes for identical requests, the
//! Danish dialect's bytes, Parquet types, and a config whose globs find
//! exactly the files written.

use std::path::{Path, PathBuf};

use polars::prelude::{DataType, ParquetReader, SerReader};

use crate::generate::*;

fn request(
    out: &Path,
    citizens: u64,
    seed: u64,
    dialect: Dialect,
    format: FileFormat,
) -> GenerateRequest {
    GenerateRequest {
        citizens,
        seed,
        out: out.to_path_buf(),
        dialect,
        format,
        enrol_by: EnrolBy::EarlierCost,
    }
}

fn assert_same_files(a: &Path, b: &Path, summary: &GenerateSummary) {
    for file in &summary.files {
        let relative = file.strip_prefix(a).unwrap();
        let left = std::fs::read(file).unwrap();
        let right = std::fs::read(b.join(relative)).unwrap();
        assert!(left == right, "{} differs between runs", relative.display());
    }
}

#[test]
fn the_same_request_writes_the_same_bytes_in_every_dialect_and_format() {
    for (dialect, format) in [
        (Dialect::Plain, FileFormat::Csv),
        (Dialect::Danish, FileFormat::Csv),
        (Dialect::Plain, FileFormat::Parquet),
    ] {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let first = generate(&request(a.path(), 400, 11, dialect, format)).unwrap();
        let second = generate(&request(b.path(), 400, 11, dialect, format)).unwrap();
        assert_eq!(first.rows, second.rows);
        assert_same_files(a.path(), b.path(), &first);
        let other = generate(&request(c.path(), 400, 12, dialect, format)).unwrap();
        assert_ne!(first.rows, other.rows, "another seed, another municipality");
    }
}

#[test]
fn danish_files_are_windows_1252_with_danish_numbers_dates_and_escaped_cases() {
    let dir = tempfile::tempdir().unwrap();
    generate(&request(
        dir.path(),
        1_000,
        3,
        Dialect::Danish,
        FileFormat::Csv,
    ))
    .unwrap();
    let bytes = std::fs::read(dir.path().join("boern-og-familie/udbetalinger_2023.csv")).unwrap();
    assert!(bytes.starts_with(b"BorgerID;Bogf\xf8ringsdato;Bel\xf8b;Konto;Sagsnr;Ydelse\r\n"));
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let (text, _, malformed) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!malformed);
    let mut escaped = 0;
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        assert_eq!(fields.len(), 6, "{line}");
        let date = chrono::NaiveDate::parse_from_str(fields[1], "%d-%m-%Y");
        assert!(date.is_ok(), "{line}");
        let amount = fields[2];
        let (whole, decimals) = amount.rsplit_once(',').unwrap();
        assert_eq!(decimals.len(), 2, "{line}");
        let groups: Vec<&str> = whole.trim_start_matches('-').split('.').collect();
        assert!(
            groups[1..].iter().all(|g| g.len() == 3) && groups[0].len() <= 3,
            "{line}"
        );
        if fields[4].starts_with("\"=\"\"0") {
            assert!(fields[4].ends_with("\"\"\""));
            escaped += 1;
        } else {
            assert!(!fields[4].starts_with('0'), "{line}");
        }
    }
    assert!(escaped > 0, "no case number with a leading zero");
    assert!(text.contains("Døgninstitution"));
    let contacts = std::fs::read(dir.path().join("sundhed/kontakter.csv")).unwrap();
    assert!(contacts.starts_with(b"BorgerID;Kontaktdato;Sagsbehandler;Sagsnr;Kontakttype\r\n"));
    let households = std::fs::read(dir.path().join("husstande/husstande.csv")).unwrap();
    assert!(households.starts_with(b"BorgerID;FamilieID;GyldigFra;GyldigTil\r\n"));
}

#[test]
fn plain_files_are_rfc_4180_utf8_with_canonical_names() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&request(
        dir.path(),
        1_000,
        3,
        Dialect::Plain,
        FileFormat::Csv,
    ))
    .unwrap();
    let mut counted = 0;
    for file in summary
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "csv"))
    {
        let mut reader = csv::Reader::from_path(file).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(record.len(), header.len());
            counted += 1;
            if header[2] == "amount" {
                let amount: f64 = record[2].parse().unwrap();
                assert!(amount.is_finite());
                assert!(chrono::NaiveDate::parse_from_str(&record[1], "%Y-%m-%d").is_ok());
            }
        }
    }
    let expected: u64 = summary.rows.iter().map(|(_, n)| n).sum();
    assert_eq!(counted as u64, expected);
    let head = std::fs::read_to_string(dir.path().join("skole/udbetalinger_2022.csv")).unwrap();
    assert!(head.starts_with("citizen,date,amount,account,case,service\n"));
    let ladder =
        std::fs::read_to_string(dir.path().join("beskaeftigelse/progression.csv")).unwrap();
    assert!(ladder.starts_with("citizen,date,step\n"));
    let enrolments = std::fs::read_to_string(dir.path().join("koordinering/forloeb.csv")).unwrap();
    assert!(enrolments.starts_with("citizen,start,end\n"));
}

#[test]
fn parquet_files_have_typed_columns_and_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&request(
        dir.path(),
        1_000,
        5,
        Dialect::Danish,
        FileFormat::Parquet,
    ))
    .unwrap();
    let expenses =
        std::fs::File::open(dir.path().join("beskaeftigelse/udbetalinger_2022.parquet")).unwrap();
    let frame = ParquetReader::new(expenses).finish().unwrap();
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "BorgerID",
            "Bogføringsdato",
            "Beløb",
            "Konto",
            "Sagsnr",
            "Ydelse"
        ]
    );
    assert_eq!(
        frame.column("Bogføringsdato").unwrap().dtype(),
        &DataType::Date
    );
    assert_eq!(frame.column("Beløb").unwrap().dtype(), &DataType::Float64);
    assert!(frame.height() > 0);
    let mut total = 0u64;
    for file in summary
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "parquet"))
    {
        let frame = ParquetReader::new(std::fs::File::open(file).unwrap())
            .finish()
            .unwrap();
        total += frame.height() as u64;
        if file.ends_with("beskaeftigelse/progression.parquet") {
            assert_eq!(frame.column("Trin").unwrap().dtype(), &DataType::Int32);
        }
    }
    assert_eq!(total, summary.rows.iter().map(|(_, n)| n).sum::<u64>());
}

#[test]
fn the_config_globs_find_exactly_the_files_written() {
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(&request(dir.path(), 200, 1, Dialect::Danish, format)).unwrap();
        let config_path = dir.path().join("tvaers.toml");
        assert_eq!(summary.files.last(), Some(&config_path));
        let config: toml::Value =
            toml::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
        let sources = config["sources"].as_array().unwrap();
        assert_eq!(sources.len(), summary.rows.len());
        let mut found: Vec<PathBuf> = Vec::new();
        for (source, (name, _)) in sources.iter().zip(&summary.rows) {
            assert_eq!(source["name"].as_str(), Some(name.as_str()));
            let pattern = dir.path().join(source["path"].as_str().unwrap());
            found.extend(
                glob::glob(pattern.to_str().unwrap())
                    .unwrap()
                    .map(Result::unwrap),
            );
        }
        found.push(config_path);
        found.sort();
        let mut written = summary.files.clone();
        written.sort();
        assert_eq!(found, written);
    }
}

#[test]
fn an_unwritable_output_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let out = blocker.join("municipality");
    let error = generate(&request(&out, 10, 1, Dialect::Plain, FileFormat::Csv)).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("not-a-directory"), "{message}");
}

#[test]
fn zero_citizens_writes_headers_and_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&request(
        dir.path(),
        0,
        1,
        Dialect::Plain,
        FileFormat::Parquet,
    ))
    .unwrap();
    assert!(summary.rows.iter().all(|(_, n)| *n == 0));
    let frame = ParquetReader::new(
        std::fs::File::open(dir.path().join("husstande/husstande.parquet")).unwrap(),
    )
    .finish()
    .unwrap();
    assert_eq!(frame.height(), 0);
    assert_eq!(frame.width(), 4);
}
