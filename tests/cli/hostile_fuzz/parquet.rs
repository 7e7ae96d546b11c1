//! Raw CPR numbers planted in a Parquet file: the file is read, one text
//! value replaced (the whole value, or free text holding the number) and
//! the file written again, so the number reaches the reader intact rather
//! than as damaged bytes.

use super::mutate::{cpr_number, Applied};
use polars::prelude::*;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Plants a CPR number in a random text value of a readable Parquet file.
pub fn plant_cpr(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>, planted: &mut Vec<String>) -> Applied {
    let none = |why: &str| Applied {
        description: format!("plant a CPR number: {why}"),
        records_delta: None,
    };
    let Ok(mut frame) = ParquetReader::new(std::io::Cursor::new(bytes.clone())).finish() else {
        return none("the file no longer reads");
    };
    let texts: Vec<PlSmallStr> = frame
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .map(|c| c.name().clone())
        .collect();
    let Some(name) = texts.choose(rng).cloned() else {
        return none("no text column");
    };
    if frame.height() == 0 {
        return none("no rows");
    }
    let row = rng.random_range(0..frame.height());
    let cpr = cpr_number(rng);
    planted.push(cpr.clone());
    let (how, text) = if rng.random_bool(0.5) {
        ("as the value", cpr.clone())
    } else {
        ("in free text", format!("ring til borger {cpr}, tak"))
    };
    let values: Vec<Option<String>> = frame
        .column(&name)
        .expect("the column just listed")
        .str()
        .expect("a text column")
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i == row {
                Some(text.clone())
            } else {
                v.map(str::to_string)
            }
        })
        .collect();
    frame
        .with_column(Column::new(name.clone(), values))
        .expect("same length");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut frame)
        .expect("write Parquet to memory");
    *bytes = out;
    Applied {
        description: format!("plant CPR {cpr:?} {how} of column {name:?}, row {row}"),
        records_delta: Some(0),
    }
}
