//! The independent municipality's files (see `independent`) read back by a
//! parser of the tests' own, which knows nothing of tvaers' loader: the
//! truth that tvaers' output is compared with comes from the files as
//! written, checked to the øre.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

/// One expense row read back from a file.
pub struct Row {
    /// The citizen's number in the simulated population.
    pub citizen: usize,
    /// The department's folder.
    pub department: &'static str,
    pub date: NaiveDate,
    pub ore: i64,
    pub account: String,
}

/// Decodes ISO-8859-1 (every byte is the code point of the same value), or
/// UTF-8 after a byte order mark; checks every line ends in CRLF.
fn lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("written file");
    let text: String = match bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Some(utf8) => String::from_utf8(utf8.to_vec()).expect("UTF-8 after the BOM"),
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    let body = text.strip_suffix("\r\n").expect("last line ends in CRLF");
    let lines: Vec<String> = body.split("\r\n").map(str::to_string).collect();
    assert!(
        lines.iter().all(|l| !l.contains('\n')),
        "{}: bare LF",
        path.display()
    );
    lines
}

/// `-1.234,50` to øre.
fn ore(text: &str) -> i64 {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (kroner, cents) = digits.split_once(',').expect("decimal comma");
    assert_eq!(cents.len(), 2, "{text}");
    let groups: Vec<&str> = kroner.split('.').collect();
    assert!(groups[1..].iter().all(|g| g.len() == 3), "{text}");
    let kroner: i64 = groups.concat().parse().expect("kroner");
    sign * (kroner * 100 + cents.parse::<i64>().expect("øre"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%d.%m.%Y").expect("dd.mm.yyyy")
}

/// Every expense row of the written municipality, and the enrolments.
pub fn read_back(dir: &Path, index: &HashMap<&str, usize>) -> (Vec<Row>, Vec<(String, NaiveDate)>) {
    let mut rows = Vec::new();
    for folder in ["ydelser", "boern", "handicap", "beskaeftigelse", "sundhed"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(folder))
            .expect("department folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let lines = lines(&file);
            let separator = if folder == "sundhed" { ';' } else { '|' };
            let header: Vec<&str> = lines[0].split(separator).collect();
            let column = |names: [&str; 2]| {
                header
                    .iter()
                    .position(|h| names.contains(h))
                    .unwrap_or_else(|| panic!("{names:?} in {header:?}"))
            };
            let citizen = column(["Personnøgle", "Borgernøgle"]);
            let when = column(["Bilagsdato", "Ydelsesdato"]);
            let amount = column(["Beløb", "Udgift (kr.)"]);
            let account = column(["Artskonto", "Kontonummer"]);
            for line in &lines[1..] {
                let cells: Vec<&str> = line.split(separator).collect();
                assert_eq!(cells.len(), header.len(), "{line}");
                rows.push(Row {
                    department: folder,
                    citizen: *index
                        .get(cells[citizen])
                        .unwrap_or_else(|| panic!("unknown citizen in {line}")),
                    date: date(cells[when]),
                    ore: ore(cells[amount]),
                    account: cells[account].to_string(),
                });
            }
        }
    }
    let lines = lines(&dir.join("forloeb/deltagere.txt"));
    assert_eq!(lines[0], "Deltager|Forløbsstart|Visiteret af");
    let enrolled = lines[1..]
        .iter()
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            (cells[0].to_string(), date(cells[1]))
        })
        .collect();
    (rows, enrolled)
}

pub const AREAS: [&str; 5] = [
    "Kontante ydelser",
    "Tilbud til børn og unge med særlige behov",
    "Tilbud til voksne med særlige behov",
    "Arbejdsmarkedsforanstaltninger",
    "Sundhedsudgifter m.v.",
];

/// The budget area of an account, by its *hovedfunktion* (an index into [`AREAS`]).
pub fn area(account: &str) -> usize {
    let digits: String = account.chars().filter(char::is_ascii_digit).collect();
    match &digits[..3] {
        "557" => 0,
        "528" => 1,
        "538" => 2,
        "568" => 3,
        "462" => 4,
        other => panic!("unexpected account {account} ({other})"),
    }
}
