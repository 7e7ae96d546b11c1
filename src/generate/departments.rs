//! The five synthetic departments: their accounts, services, caseworker ids
//! and how likely and how long citizens are in contact with them.
//!
//! Accounts are real function codes of the Danish chart of accounts (see
//! `shared/reference/kontoplan-functions.csv`), each written the way the
//! department's own system writes it: some as `5.57.73`, some longer
//! (`5.28.21.001`, `53842001`), as real extracts do. The numbers (monthly
//! costs, rates) are plausible orders of magnitude, not statistics.

/// Groups of citizens with different departments: children (0–14), young
/// people (15–29), adults, and adults living with children (parents, whom the
/// children's department may support too).
pub(crate) const CHILD: usize = 0;
pub(crate) const YOUTH: usize = 1;
pub(crate) const ADULT: usize = 2;
pub(crate) const PARENT: usize = 3;
/// Number of groups.
pub(crate) const GROUPS: usize = 4;

/// A kind of payment a department makes while a citizen is in its care.
#[derive(Debug)]
pub(crate) struct Programme {
    /// The canonical function code, e.g. `5.57.73`.
    pub(crate) account: &'static str,
    /// The account as the department's system writes it in the extract.
    pub(crate) written: &'static str,
    /// The service text of the extract's optional service column.
    pub(crate) service: &'static str,
    /// Typical monthly cost in kroner at cost level 1.
    pub(crate) monthly: f64,
    /// Exponent on the citizen's cost level: near 0 for fixed-rate benefits,
    /// near 1 for placements whose price follows the need.
    pub(crate) sensitivity: f64,
    /// Paid on the last weekday of the month (benefits) rather than on any day
    /// (invoices).
    pub(crate) monthly_payment: bool,
    /// Log-weight of choosing this programme, and its slope in complexity:
    /// expensive programmes go to complex citizens.
    pub(crate) weight: f64,
    pub(crate) complexity_weight: f64,
    /// Which groups (child, youth, adult, parent) can receive it.
    pub(crate) ages: [bool; GROUPS],
}

/// A department with expenses and contacts.
#[derive(Debug)]
pub(crate) struct Department {
    pub(crate) name: &'static str,
    /// ASCII folder and source name.
    pub(crate) slug: &'static str,
    /// Caseworker ids are `PREFIX-NNN`; two departments share `SB`, so the same
    /// id string occurs in both.
    pub(crate) caseworker_prefix: &'static str,
    /// Caseworkers per 1,000 citizens (at least a handful in any municipality).
    pub(crate) caseworkers_per_1000: f64,
    /// Digits of a case number, zero-padded: about one in ten has a leading zero.
    pub(crate) case_digits: u32,
    /// Whether expense rows carry the case number.
    pub(crate) expense_case: bool,
    /// Log-odds of a citizen of complexity 0 being in contact during the data
    /// span, per group; `NEG_INFINITY` where the department has no business.
    pub(crate) eligibility: [f64; GROUPS],
    /// Mean length of a spell, and of the pause between two spells, in months.
    pub(crate) mean_spell_months: f64,
    pub(crate) mean_gap_months: f64,
    /// Mean contacts per month in a spell.
    pub(crate) contacts_per_month: f64,
    /// Main programmes, one chosen per spell.
    pub(crate) programmes: &'static [Programme],
    /// Occasional extra payment during a spell, and its monthly probability.
    pub(crate) extra: Programme,
    pub(crate) extra_rate: f64,
}

/// Index in [`DEPARTMENTS`] of the employment department, whose spells get
/// ladder assessments and which pensioners are not in.
pub(crate) const EMPLOYMENT: usize = 0;

/// An account that is not in the chart of accounts' social functions: a
/// suspense account where a small share of payments is mis-booked, so that the
/// `Uncategorised` budget area appears.
pub(crate) const SUSPENSE_ACCOUNT: &str = "9.99.99";
/// Share of payments booked to [`SUSPENSE_ACCOUNT`] (about the same share of cost).
pub(crate) const SUSPENSE_SHARE: f64 = 0.005;

const NONE: f64 = f64::NEG_INFINITY;
const ALL: [bool; GROUPS] = [true, true, true, true];
const NOT_CHILD: [bool; GROUPS] = [false, true, true, true];
const NOT_ADULT: [bool; GROUPS] = [true, true, false, false];
const FAMILY: [bool; GROUPS] = [true, true, false, true];
const ONLY_CHILD: [bool; GROUPS] = [true, false, false, false];

/// An invoiced programme. Arguments in table order: account, as written,
/// service, monthly kroner, sensitivity, weight, complexity weight, groups.
#[allow(clippy::too_many_arguments)]
const fn programme(
    account: &'static str,
    written: &'static str,
    service: &'static str,
    monthly: f64,
    sensitivity: f64,
    weight: f64,
    complexity_weight: f64,
    ages: [bool; GROUPS],
) -> Programme {
    Programme {
        account,
        written,
        service,
        monthly,
        sensitivity,
        monthly_payment: false,
        weight,
        complexity_weight,
        ages,
    }
}

/// A monthly benefit paid on the last weekday (account as written = canonical).
const fn benefit(
    account: &'static str,
    service: &'static str,
    monthly: f64,
    weight: f64,
    slope: f64,
) -> Programme {
    Programme {
        account,
        written: account,
        service,
        monthly,
        sensitivity: 0.4,
        monthly_payment: true,
        weight,
        complexity_weight: slope,
        ages: NOT_CHILD,
    }
}

/// The departments, in the order of their files and config sources.
/// Programme rows: account, as written, service, monthly kroner, sensitivity,
/// weight, complexity weight, groups.
#[rustfmt::skip]
pub(crate) const DEPARTMENTS: [Department; 5] = [
    Department {
        name: "Beskæftigelse",
        slug: "beskaeftigelse",
        caseworker_prefix: "JC",
        caseworkers_per_1000: 2.0,
        case_digits: 8,
        expense_case: true,
        eligibility: [NONE, -3.2, -3.0, -3.0],
        mean_spell_months: 20.0,
        mean_gap_months: 18.0,
        contacts_per_month: 1.1,
        programmes: &[
            benefit("5.57.73", "Kontanthjælp", 13_500.0, 0.8, 0.3),
            benefit("5.57.71", "Sygedagpenge", 19_000.0, 0.5, -0.3),
            programme("5.58.82", "5.58.82", "Ressourceforløb", 16_500.0, 0.25, -0.8, 0.7, NOT_CHILD),
        ],
        extra: programme("5.68.90", "5.68.90", "Mentor, virksomhedspraktik", 3_500.0, 0.4, 0.0, 0.0, NOT_CHILD),
        extra_rate: 0.12,
    },
    Department {
        name: "Børn og Familie",
        slug: "boern-og-familie",
        caseworker_prefix: "BF",
        caseworkers_per_1000: 1.2,
        case_digits: 7,
        expense_case: true,
        eligibility: [-3.7, -3.6, NONE, -4.4],
        mean_spell_months: 48.0,
        mean_gap_months: 36.0,
        contacts_per_month: 1.0,
        programmes: &[
            programme("5.28.21", "5.28.21.001", "Forebyggende foranstaltning, § 11", 9_000.0, 0.5, 1.5, 0.0, FAMILY),
            programme("5.28.20", "5.28.20.002", "Plejefamilie", 38_000.0, 0.45, -0.6, 0.8, NOT_ADULT),
            programme("5.28.23", "5.28.23.001", "Døgninstitution", 85_000.0, 0.5, -2.0, 1.2, NOT_ADULT),
        ],
        extra: programme("5.28.21", "5.28.21.003", "Familiebehandling", 6_000.0, 0.5, 0.0, 0.0, FAMILY),
        extra_rate: 0.15,
    },
    Department {
        name: "Specialiserede voksne",
        slug: "specialiserede-voksne",
        caseworker_prefix: "SV",
        caseworkers_per_1000: 0.8,
        case_digits: 8,
        expense_case: true,
        eligibility: [NONE, -4.2, -4.0, -4.0],
        mean_spell_months: 48.0,
        mean_gap_months: 30.0,
        contacts_per_month: 0.6,
        programmes: &[
            programme("5.38.53", "53853001", "Ledsageordning, § 97", 5_000.0, 0.4, 1.0, 0.0, NOT_CHILD),
            programme("5.38.45", "53845001", "Stofmisbrugsbehandling, § 101", 11_000.0, 0.5, 0.5, 0.3, NOT_CHILD),
            programme("5.38.42", "53842002", "Botilbud, § 110", 32_000.0, 0.5, -0.5, 0.6, NOT_CHILD),
            programme("5.38.50", "53850001", "Længerevarende botilbud, § 108", 68_000.0, 0.45, -2.0, 1.0, NOT_CHILD),
        ],
        extra: programme("5.38.45", "53845002", "Ambulant behandling", 3_000.0, 0.4, 0.0, 0.0, NOT_CHILD),
        extra_rate: 0.10,
    },
    Department {
        name: "Sundhed",
        slug: "sundhed",
        caseworker_prefix: "SB",
        caseworkers_per_1000: 0.8,
        case_digits: 6,
        expense_case: false,
        eligibility: [-2.6, -3.8, -3.2, -3.2],
        mean_spell_months: 6.0,
        mean_gap_months: 20.0,
        contacts_per_month: 0.8,
        programmes: &[
            programme("4.62.82", "4.62.82", "Genoptræning", 3_200.0, 0.35, 0.5, 0.2, NOT_CHILD),
            programme("4.62.89", "4.62.89", "Sundhedspleje", 900.0, 0.25, 0.5, 0.0, NOT_ADULT),
        ],
        extra: programme("4.62.82", "4.62.82", "Vedligeholdelsestræning", 1_200.0, 0.35, 0.0, 0.0, ALL),
        extra_rate: 0.05,
    },
    Department {
        name: "Skole",
        slug: "skole",
        caseworker_prefix: "SB",
        caseworkers_per_1000: 0.6,
        case_digits: 6,
        expense_case: true,
        eligibility: [-2.9, -3.5, NONE, NONE],
        mean_spell_months: 48.0,
        mean_gap_months: 24.0,
        contacts_per_month: 0.3,
        programmes: &[
            programme("3.22.05", "3.22.05", "SFO, særligt tilrettelagt", 1_900.0, 0.1, 1.2, -0.3, ONLY_CHILD),
            programme("3.22.08", "3.22.08", "Kommunal specialskole", 24_000.0, 0.4, -0.3, 0.8, NOT_ADULT),
            programme("3.22.07", "3.22.07", "Specialundervisning i regionalt tilbud", 42_000.0, 0.4, -2.0, 1.0, NOT_ADULT),
        ],
        extra: programme("3.22.08", "3.22.08", "Befordring", 2_000.0, 0.2, 0.0, 0.0, NOT_ADULT),
        extra_rate: 0.2,
    },
];

/// Whether `account` (a canonical code) lies in one of the planted areas.
pub(crate) fn in_planted_area(account: &str) -> bool {
    super::PLANTED_AREAS
        .iter()
        .any(|area| account.starts_with(area))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(code: &str) -> String {
        code.chars().filter(char::is_ascii_digit).collect()
    }

    #[test]
    fn accounts_are_functions_of_the_reference_chart() {
        // The reference table lives beside the repository in the shared folder;
        // a checkout without it skips this check rather than failing to build.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/reference/kontoplan-functions.csv"
        );
        let Ok(reference) = std::fs::read_to_string(path) else {
            return;
        };
        let codes: Vec<String> = reference
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .map(digits)
            .collect();
        for department in &DEPARTMENTS {
            for p in department.programmes.iter().chain([&department.extra]) {
                assert!(
                    codes.contains(&digits(p.account)),
                    "{} not in reference",
                    p.account
                );
                assert!(
                    digits(p.written).starts_with(&digits(p.account)),
                    "{} written as {}",
                    p.account,
                    p.written
                );
            }
        }
        assert!(!codes
            .iter()
            .any(|code| digits(SUSPENSE_ACCOUNT).starts_with(code.as_str())));
    }

    #[test]
    fn every_age_group_has_a_programme_where_the_department_is_open_to_it() {
        for department in &DEPARTMENTS {
            for age in [CHILD, YOUTH, ADULT, PARENT] {
                if department.eligibility[age].is_finite() {
                    assert!(
                        department.programmes.iter().any(|p| p.ages[age]),
                        "{} {age}",
                        department.name
                    );
                }
            }
        }
    }
}
