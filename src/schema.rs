//! The canonical data model (SPEC §1): the five kinds of source, the fields
//! each kind has, the rules a row must meet (SPEC §5), and the column names
//! of the typed frames the loader hands to the analyses. Config validation,
//! the loader (its CSV, xlsx and Parquet paths alike) and the analyses all
//! read this one table, so a field or a row rule is written in exactly one
//! place, and fields are addressed by name, never by position.

use serde::Deserialize;
use std::fmt;

/// What one row of a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A booked payment or cost.
    Expenses,
    /// A contact, meeting, decision or case event.
    Contacts,
    /// Membership of a family or household.
    Households,
    /// A progress assessment on a step scale.
    Ladder,
    /// Enrolment in a coordinated course.
    Enrolments,
}

/// How a field's raw text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A pseudonymised citizen or family id: text, checked for raw CPR numbers.
    Id,
    /// Free text (case numbers, caseworker ids, services, departments).
    Text,
    /// A calendar date in the source's `date_format`.
    Date,
    /// Money, with the source's decimal mark.
    Amount,
    /// A chart-of-accounts code, normalised to its digits.
    Account,
    /// A whole number on a step scale.
    Step,
}

/// One canonical field of a kind.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Canonical name, as used in `[sources.columns]` and in the typed frames.
    pub name: &'static str,
    /// How its raw text is parsed.
    pub ty: FieldType,
    /// Whether an empty value rejects the row.
    pub required: bool,
}

const fn field(name: &'static str, ty: FieldType, required: bool) -> Field {
    Field { name, ty, required }
}

/// A rule across the fields of one row, checked after each field has parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRule {
    /// The date in `from` is not after the date in `to` where both are given.
    Interval {
        /// The field holding the first day.
        from: &'static str,
        /// The field holding the last day.
        to: &'static str,
    },
    /// At least one of these fields is given; a file must have a column
    /// for one of them.
    AnyOf(&'static [&'static str]),
}

impl RowRule {
    /// Why a row that breaks the rule is rejected.
    pub fn reason(&self) -> String {
        match self {
            RowRule::Interval { from, to } => format!("{from} is after {to}"),
            RowRule::AnyOf(names) => match names {
                [one] => format!("{one} is empty"),
                [a, b] => format!("{a} and {b} are both empty"),
                _ => format!("{} are all empty", names.join(", ")),
            },
        }
    }
}

/// The `department` field: a mapped column when the source has no fixed department.
pub const DEPARTMENT: Field = field("department", FieldType::Text, true);

const EXPENSES: &[Field] = &[
    field("citizen", FieldType::Id, true),
    field("date", FieldType::Date, true),
    field("amount", FieldType::Amount, true),
    field("account", FieldType::Account, true),
    field("case", FieldType::Text, false),
    field("service", FieldType::Text, false),
];
const CONTACTS: &[Field] = &[
    field("citizen", FieldType::Id, true),
    field("date", FieldType::Date, true),
    field("caseworker", FieldType::Text, false),
    field("case", FieldType::Text, false),
    field("type", FieldType::Text, false),
];
const HOUSEHOLDS: &[Field] = &[
    field("citizen", FieldType::Id, true),
    field("family", FieldType::Id, true),
    field("valid_from", FieldType::Date, false),
    field("valid_to", FieldType::Date, false),
];
const LADDER: &[Field] = &[
    field("citizen", FieldType::Id, true),
    field("date", FieldType::Date, true),
    field("step", FieldType::Step, true),
];
const HOUSEHOLD_RULES: &[RowRule] = &[RowRule::Interval {
    from: "valid_from",
    to: "valid_to",
}];
// Either id may be mapped; a row needs at least one of them.
const ENROLMENTS: &[Field] = &[
    field("citizen", FieldType::Id, false),
    field("family", FieldType::Id, false),
    field("start", FieldType::Date, true),
    field("end", FieldType::Date, false),
];
const ENROLMENT_RULES: &[RowRule] = &[
    RowRule::AnyOf(&["citizen", "family"]),
    RowRule::Interval {
        from: "start",
        to: "end",
    },
];

/// The most fields any kind has: a row's parsed values fit in this many slots.
pub const MAX_FIELDS: usize = {
    let all = [EXPENSES, CONTACTS, HOUSEHOLDS, LADDER, ENROLMENTS];
    let (mut max, mut i) = (0, 0);
    while i < all.len() {
        if all[i].len() > max {
            max = all[i].len();
        }
        i += 1;
    }
    max
};

/// The type of loaded text columns (all but the ids of kinds that are not
/// `Kind::ids_as_labels`): each distinct value is stored once,
/// with a small code per row. Ids repeat on every row of a citizen and
/// departments, accounts and budget areas on millions of rows, so this is
/// most of the memory a workspace takes. One global dictionary serves every
/// frame, so columns from different files join and stack directly.
pub fn label_type() -> polars::prelude::DataType {
    polars::prelude::DataType::from_categories(polars::prelude::Categories::global())
}

/// Columns the loader adds to every typed frame.
pub mod col {
    /// The source's name from the config.
    pub const SOURCE: &str = "source";
    /// Department of an expense or contact row.
    pub const DEPARTMENT: &str = "department";
    /// Budget area of an expense row (SPEC §1 mapping).
    pub const BUDGET_AREA: &str = "budget_area";
    /// Name of the account's function (drill-down), when the default table knows it.
    pub const FUNCTION: &str = "function";
}

impl Kind {
    /// Every kind, in the order reports list them.
    pub const ALL: [Kind; 5] = [
        Kind::Expenses,
        Kind::Contacts,
        Kind::Households,
        Kind::Ladder,
        Kind::Enrolments,
    ];

    /// The canonical fields of this kind, excluding `department`.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Expenses => EXPENSES,
            Kind::Contacts => CONTACTS,
            Kind::Households => HOUSEHOLDS,
            Kind::Ladder => LADDER,
            Kind::Enrolments => ENROLMENTS,
        }
    }

    /// Whether the id columns of this kind's frames are labels (see
    /// `label_type`): a citizen's id repeats on each of its expense,
    /// contact and ladder rows, but a household or enrolment row mostly has
    /// ids of its own, and a dictionary of a million distinct ids is only
    /// the time it takes to build (a fifth of a family-mode run at a
    /// million citizens).
    pub fn ids_as_labels(self) -> bool {
        !matches!(self, Kind::Households | Kind::Enrolments)
    }

    /// The rules across fields that a row of this kind must meet, in the
    /// order they are checked (the first broken one is the reason given).
    pub fn rules(self) -> &'static [RowRule] {
        match self {
            Kind::Households => HOUSEHOLD_RULES,
            Kind::Enrolments => ENROLMENT_RULES,
            Kind::Expenses | Kind::Contacts | Kind::Ladder => &[],
        }
    }

    /// The position of the field `name` among `fields()`, if the kind has it.
    pub fn position(self, name: &str) -> Option<usize> {
        self.fields().iter().position(|f| f.name == name)
    }

    /// Whether rows of this kind belong to a department.
    pub fn has_department(self) -> bool {
        matches!(self, Kind::Expenses | Kind::Contacts)
    }

    /// The field whose date places a row inside or outside the analysis period.
    pub fn period_field(self) -> Option<&'static str> {
        match self {
            Kind::Expenses | Kind::Contacts | Kind::Ladder => Some("date"),
            Kind::Enrolments => Some("start"),
            Kind::Households => None,
        }
    }

    /// Names allowed as keys of `[sources.columns]` for this kind.
    pub fn mappable_fields(self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.fields().iter().map(|f| f.name).collect();
        if self.has_department() {
            names.push(DEPARTMENT.name);
        }
        names
    }

    /// Lower-case name as written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Expenses => "expenses",
            Kind::Contacts => "contacts",
            Kind::Households => "households",
            Kind::Ladder => "ladder",
            Kind::Enrolments => "enrolments",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_fields_its_kind_has_with_the_type_it_needs() {
        for kind in Kind::ALL {
            let field = |name: &str| kind.fields().iter().find(|f| f.name == name);
            for rule in kind.rules() {
                match *rule {
                    RowRule::Interval { from, to } => {
                        for name in [from, to] {
                            assert_eq!(
                                field(name).map(|f| f.ty),
                                Some(FieldType::Date),
                                "{kind} {name}"
                            );
                        }
                    }
                    RowRule::AnyOf(names) => {
                        assert!(names.len() >= 2, "{kind}");
                        // A required field would reject the row before the rule is read.
                        for &name in names {
                            assert_eq!(
                                field(name).map(|f| f.required),
                                Some(false),
                                "{kind} {name}"
                            );
                        }
                    }
                }
            }
        }
        assert_eq!(MAX_FIELDS, 6);
    }

    #[test]
    fn rules_give_the_reasons_rejects_are_written_with() {
        let reasons: Vec<String> = Kind::ALL
            .iter()
            .flat_map(|k| k.rules())
            .map(RowRule::reason)
            .collect();
        assert_eq!(
            reasons,
            [
                "valid_from is after valid_to",
                "citizen and family are both empty",
                "start is after end"
            ]
        );
    }
}
