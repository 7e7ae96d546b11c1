//! Chart-of-accounts codes and budget areas (SPEC §1). An account is kept as
//! its digits and mapped to a budget area by longest prefix: the config's
//! `[budget_areas]` first, then the default table of the Danish *autoriseret
//! kontoplan* (one area per *hovedfunktion*, function names kept for
//! drill-down), else `Uncategorised`. Nothing is dropped for lack of a match.

use std::collections::{BTreeMap, HashMap};

/// The area of an account that matches no prefix.
pub const UNCATEGORISED: &str = "Uncategorised";

/// The reference table shipped in the binary (`data/kontoplan-functions.csv`).
const DEFAULT_TABLE: &str = include_str!("../data/kontoplan-functions.csv");

/// Maps normalised account digits to a budget area and function name.
#[derive(Debug, Clone)]
pub struct AccountMap {
    /// Config prefixes, longest first.
    overrides: Vec<(String, String)>,
    /// Three-digit *hovedfunktion* → area name.
    main_functions: HashMap<String, String>,
    /// Five-digit *funktion* → function name.
    functions: HashMap<String, String>,
}

/// The budget area and (when known) function of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping<'a> {
    /// Budget area name.
    pub area: &'a str,
    /// Name of the five-digit function, when the default table has it.
    pub function: Option<&'a str>,
}

/// Keeps only the digits of an account code (`5.28.21` → `52821`).
pub fn normalise(account: &str) -> String {
    account.chars().filter(char::is_ascii_digit).collect()
}

impl AccountMap {
    /// The default table with the config's `[budget_areas]` (keys already digits) on top.
    pub fn new(overrides: &BTreeMap<String, String>) -> AccountMap {
        let mut main_functions = HashMap::new();
        let mut functions = HashMap::new();
        let mut reader = csv::Reader::from_reader(DEFAULT_TABLE.as_bytes());
        for record in reader.records().flatten() {
            let (Some(code), Some(level), Some(name)) =
                (record.get(0), record.get(1), record.get(2))
            else {
                continue;
            };
            let digits = normalise(code);
            match level {
                "hovedfunktion" => main_functions.insert(digits, name.to_string()),
                _ => functions.insert(digits, name.to_string()),
            };
        }
        let mut overrides: Vec<(String, String)> = overrides
            .iter()
            .map(|(p, a)| (p.clone(), a.clone()))
            .collect();
        // Longest prefix first; ties cannot happen as keys are unique.
        overrides.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        AccountMap {
            overrides,
            main_functions,
            functions,
        }
    }

    /// Maps normalised account digits.
    pub fn lookup(&self, digits: &str) -> Mapping<'_> {
        let function = digits
            .get(..5)
            .and_then(|f| self.functions.get(f))
            .map(String::as_str);
        if let Some((_, area)) = self
            .overrides
            .iter()
            .find(|(p, _)| digits.starts_with(p.as_str()))
        {
            return Mapping { area, function };
        }
        let area = digits
            .get(..3)
            .and_then(|m| self.main_functions.get(m))
            .map_or(UNCATEGORISED, String::as_str);
        Mapping { area, function }
    }

    /// Every budget area an account can map to: the config's, the default
    /// table's and [`UNCATEGORISED`], sorted.
    pub fn area_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .overrides
            .iter()
            .map(|(_, area)| area.as_str())
            .chain(self.main_functions.values().map(String::as_str))
            .chain([UNCATEGORISED])
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The known area whose name is closest to `name` (fewest single-character
    /// edits, case ignored), for a "did you mean" hint.
    pub fn closest_area(&self, name: &str) -> Option<&str> {
        let name = name.to_lowercase();
        self.area_names()
            .into_iter()
            .min_by_key(|area| edit_distance(&area.to_lowercase(), &name))
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_maps_alike() {
        let map = AccountMap::new(&BTreeMap::new());
        for raw in ["5.28.21", "52821", "5-28-21-001", "52821001"] {
            let m = map.lookup(&normalise(raw));
            assert_eq!(m.area, "Tilbud til børn og unge med særlige behov", "{raw}");
            assert_eq!(
                m.function,
                Some("Forebyggende foranstaltninger for børn og unge")
            );
        }
    }

    #[test]
    fn config_prefixes_win_longest_first() {
        let overrides = BTreeMap::from([
            ("528".to_string(), "Børn".to_string()),
            ("52821".to_string(), "Forebyggelse".to_string()),
        ]);
        let map = AccountMap::new(&overrides);
        assert_eq!(map.lookup("52821001").area, "Forebyggelse");
        assert_eq!(map.lookup("52823").area, "Børn");
        assert_eq!(
            map.lookup("55773").area,
            "Kontante ydelser",
            "falls back to the default table"
        );
    }

    #[test]
    fn a_misspelt_area_finds_the_closest_known_name() {
        let overrides = BTreeMap::from([("528".to_string(), "Børn".to_string())]);
        let map = AccountMap::new(&overrides);
        let names = map.area_names();
        assert!(names.contains(&"Børn") && names.contains(&"Kontante ydelser"));
        assert!(names.contains(&UNCATEGORISED));
        assert_eq!(
            map.closest_area("kontante ydelse"),
            Some("Kontante ydelser")
        );
        assert_eq!(map.closest_area("Bøn"), Some("Børn"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn unknown_accounts_are_uncategorised() {
        let map = AccountMap::new(&BTreeMap::new());
        assert_eq!(map.lookup("99999").area, UNCATEGORISED);
        assert_eq!(map.lookup("5").area, UNCATEGORISED);
        assert_eq!(map.lookup("").area, UNCATEGORISED);
        assert_eq!(map.lookup("52899").function, None);
    }
}
