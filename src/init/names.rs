//! What names mean: the column headers, file names and folder names that
//! Danish municipal systems and their English counterparts use for each
//! canonical field, kind of extract and department. Names are compared
//! folded (lower case, `æ`/`ø`/`å` as `ae`/`oe`/`aa`, without spaces, `_`,
//! `-` and `.`), so `Beløb`, `BELOEB` and `be_loeb` are one name.

/// A name folded for comparison.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' => out.push('e'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// A name for a source or glob: lower case, `æ`/`ø`/`å` spelt out, every
/// run of other characters one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Header names of each canonical field, folded. The field's own name is
/// always among them, so a file with canonical headers maps without help.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "citizen",
        &[
            "citizen",
            "citizenid",
            "cpr",
            "cprnr",
            "cprnummer",
            "borgerid",
            "borgerpseudoid",
            "borger",
            "borgernr",
            "personnummer",
            "personid",
            "person",
            "pseudoid",
            "pseudonym",
            "personpseudoid",
            "personnr",
            "cprpseudonym",
            "pseudocpr",
            "borgerpseudonym",
            "borgernummer",
            "personnoegle",
            "borgernoegle",
            "cprnoegle",
            "pseudonoegle",
            "deltager",
            "deltagerid",
            "klient",
            "klientid",
            "modtager",
            "modtagerid",
        ],
    ),
    (
        "date",
        &[
            "date",
            "dato",
            "bogfoeringsdato",
            "posteringsdato",
            "kontaktdato",
            "betalingsdato",
            "udbetalingsdato",
            "registreringsdato",
            "vurderingsdato",
            "moededato",
            "haendelsesdato",
            "bookingdate",
            "postingdate",
            "contactdate",
            "paymentdate",
            "assessmentdate",
            "bogforingsdato",
            "bogfoertdato",
            "transaktionsdato",
            "transactiondate",
            "aktivitetsdato",
            "oprettetdato",
        ],
    ),
    (
        "amount",
        &[
            "amount",
            "beloeb",
            "beloebkr",
            "beloebdkk",
            "udgift",
            "udgifter",
            "bevilget",
            "bevilgetbeloeb",
            "udbetalt",
            "kr",
            "dkk",
            "cost",
            "belob",
            "nettobeloeb",
            "bruttobeloeb",
            "udbetaltbeloeb",
        ],
    ),
    (
        "account",
        &[
            "account",
            "accountcode",
            "konto",
            "kontonummer",
            "kontonr",
            "art",
            "kontostreng",
            "artskonto",
            "kontokode",
            "accountno",
            "accountnumber",
        ],
    ),
    (
        "case",
        &[
            "case",
            "caseid",
            "casenumber",
            "casenr",
            "caseno",
            "sagsnr",
            "sagsnummer",
            "sag",
            "sagsid",
            "sagnr",
            "journalnr",
            "journalnummer",
        ],
    ),
    (
        "caseworker",
        &[
            "caseworker",
            "caseworkerid",
            "sagsbehandler",
            "sagsbehandlerid",
            "medarbejder",
            "medarbejderid",
            "raadgiver",
            "raadgiverid",
            "initialer",
            "behandler",
            "worker",
            "employee",
        ],
    ),
    (
        "family",
        &[
            "family",
            "familyid",
            "familie",
            "familieid",
            "husstand",
            "husstandid",
            "household",
            "householdid",
            "husstandsnr",
            "husstandsnummer",
            "familienr",
            "familienummer",
        ],
    ),
    ("valid_from", &["validfrom", "gyldigfra", "fra", "fradato"]),
    ("valid_to", &["validto", "gyldigtil", "til", "tildato"]),
    (
        "step",
        &[
            "step",
            "trin",
            "niveau",
            "level",
            "progressionstrin",
            "ladderstep",
        ],
    ),
    (
        "start",
        &[
            "start",
            "startdato",
            "startdate",
            "forloebsstart",
            "indskrevet",
        ],
    ),
    (
        "end",
        &[
            "end",
            "slut",
            "slutdato",
            "enddate",
            "forloebsslut",
            "udskrevet",
        ],
    ),
    (
        "service",
        &[
            "service",
            "ydelse",
            "ydelsestype",
            "ydelsesnavn",
            "ydelsesart",
            "paragraf",
            "lovgrundlag",
            "indsats",
            "tilbud",
        ],
    ),
    (
        "type",
        &[
            "type",
            "kontakttype",
            "contacttype",
            "aktivitet",
            "aktivitetstype",
            "kontaktform",
            "haendelsestype",
            "moedetype",
        ],
    ),
    (
        "department",
        &[
            "department",
            "afdeling",
            "forvaltning",
            "center",
            "omraade",
            "fagomraade",
            "enhed",
        ],
    ),
];

/// The canonical field a header names, if any. An amount may carry its
/// unit: `Udgift (kr.)`, `Beløb DKK`.
pub fn field_of(header: &str) -> Option<&'static str> {
    let folded = fold(header);
    let named = |name: &str| {
        FIELDS
            .iter()
            .find(|(_, names)| names.contains(&name))
            .map(|(field, _)| *field)
    };
    named(&folded).or_else(|| {
        let bare = folded
            .strip_suffix("dkk")
            .or_else(|| folded.strip_suffix("kr"))?;
        named(bare).filter(|field| *field == "amount")
    })
}

/// The field a header names by a looser rule, for headers no list has: a
/// name with `cpr` in it or starting `borger` or `person` is a citizen, one
/// with `beloeb`, `udgift` or `amount` an amount, one ending in `dato` or `date` a date
/// (unless it names a start, an end or a validity bound). Used only for
/// fields no column names by the lists.
pub fn field_of_loosely(header: &str) -> Option<&'static str> {
    let folded = fold(header);
    let bound = ["start", "slut", "end", "gyldig", "valid", "fra", "til"]
        .iter()
        .any(|w| folded.starts_with(w));
    if folded.contains("cpr") || folded.starts_with("borger") || folded.starts_with("person") {
        Some("citizen")
    } else if ["beloeb", "belob", "amount", "udgift"]
        .iter()
        .any(|w| folded.contains(w))
    {
        Some("amount")
    } else if (folded.ends_with("dato") || folded.ends_with("date")) && !bound {
        Some("date")
    } else {
        None
    }
}

/// Words in file names that say what kind of rows a file holds, not whose
/// they are: a file named after them takes its department from its folder.
const KIND_WORDS: &[&str] = &[
    "udbetalinger",
    "udbetaling",
    "udgifter",
    "udgift",
    "betalinger",
    "posteringer",
    "kontakter",
    "kontakt",
    "sager",
    "husstande",
    "husstand",
    "familier",
    "progression",
    "trin",
    "forloeb",
    "indskrivninger",
    "expenses",
    "payments",
    "contacts",
    "households",
    "ladder",
    "enrolments",
    "enrollments",
    "data",
    "extract",
    "udtraek",
];

/// Whether a file name's first word names a kind of rows rather than a department.
pub fn is_kind_word(word: &str) -> bool {
    KIND_WORDS.contains(&fold(word).as_str())
}

/// Department names as municipalities write them; a folder or file word
/// that folds to one of them takes its spelling.
const DEPARTMENTS: &[&str] = &[
    "Beskæftigelse",
    "Børn og Familie",
    "Børn og Unge",
    "Specialiserede voksne",
    "Sundhed",
    "Skole",
    "Jobcenter",
    "Ældre",
    "Handicap",
    "Psykiatri",
    "Socialområdet",
    "Voksne",
    "Dagtilbud",
    "Misbrug",
    "Borgerservice",
    "Ydelse",
    "Arbejdsmarked",
    "Uddannelse",
    "Sundhed og Omsorg",
    "Social og Sundhed",
    "Familie",
    "Ungdom",
    "Hjemmepleje",
];

/// The department a folder or file word names: a known department's
/// spelling, or the word itself with separators as spaces and a capital.
pub fn department_name(word: &str) -> (String, bool) {
    let folded = fold(word);
    if let Some(known) = DEPARTMENTS.iter().find(|d| fold(d) == folded) {
        return ((*known).to_string(), true);
    }
    let spaced: String = word
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    let mut chars = spaced.trim().chars();
    let named = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    (named, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_other_spellings_name_one_field() {
        for (header, field) in [
            ("Beløb", "amount"),
            ("BELOEB", "amount"),
            ("Udgift", "amount"),
            ("Bogføringsdato", "date"),
            ("bogfoerings_dato", "date"),
            ("Posteringsdato", "date"),
            ("CPR", "citizen"),
            ("Borger Pseudo ID", "citizen"),
            ("Personnummer", "citizen"),
            ("Kontostreng", "account"),
            ("Sagsnummer", "case"),
            ("Rådgiver", "caseworker"),
            ("Raadgiver", "caseworker"),
            ("Husstand", "family"),
            ("Gyldig_Fra", "valid_from"),
            ("GyldigTil", "valid_to"),
            ("Trin", "step"),
            ("Startdato", "start"),
            ("Slutdato", "end"),
            ("valid_from", "valid_from"),
            // An export written by another system than the tests' own.
            ("Personnøgle", "citizen"),
            ("Borgernøgle", "citizen"),
            ("Deltager", "citizen"),
            ("Udgift (kr.)", "amount"),
            ("Beløb DKK", "amount"),
            ("Forløbsstart", "start"),
        ] {
            assert_eq!(field_of(header), Some(field), "{header}");
        }
        assert_eq!(field_of("Bemærkning"), None);
        assert_eq!(field_of("Konto (kr.)"), None, "only an amount takes a unit");
        assert_eq!(field_of_loosely("Udgift i alt (kr.)"), Some("amount"));
        assert_eq!(field_of_loosely("Person_pseudo"), Some("citizen"));
        assert_eq!(field_of_loosely("Borger_CPR_pseudo"), Some("citizen"));
        assert_eq!(field_of_loosely("Udbetalt beløb i alt"), Some("amount"));
        assert_eq!(field_of_loosely("Dato for kontakt"), None);
        assert_eq!(field_of_loosely("Kontakt_dato"), Some("date"));
        assert_eq!(field_of_loosely("Slutdato"), None);
    }

    #[test]
    fn folders_name_departments() {
        assert_eq!(
            department_name("boern-og-familie"),
            ("Børn og Familie".to_string(), true)
        );
        assert_eq!(department_name("aeldre"), ("Ældre".to_string(), true));
        assert_eq!(
            department_name("social_vicevaert"),
            ("Social vicevaert".to_string(), false)
        );
        assert_eq!(slug("Børn og Familie"), "boern-og-familie");
        assert!(is_kind_word("Udbetalinger"));
        assert!(!is_kind_word("jobcenter"));
    }
}
