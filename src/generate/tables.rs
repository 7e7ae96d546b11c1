//! The shape of every generated table: its columns, their names in each
//! dialect and their types, and the values one row carries.
//!
//! The CSV writer, the Parquet writer and the config all read the same
//! [`TableSpec`], so a column can never be named one way in a file and another
//! way in `tvaers.toml`.

use chrono::NaiveDate;

use super::Dialect;

/// How a column is written: as text, in CSV; as a typed column, in Parquet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// Free text (ids, accounts, services); empty when absent.
    Text,
    /// A case number: text that Danish exports escape as `="0123"` when it has
    /// a leading zero.
    Case,
    /// A calendar date; empty when absent.
    Date,
    /// Money in øre, written with two decimals.
    Money,
    /// A small integer (ladder steps).
    Integer,
}

/// One column: its canonical field name (the config's key), its Danish name
/// and its type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldSpec {
    pub(crate) canonical: &'static str,
    pub(crate) danish: &'static str,
    pub(crate) field_type: FieldType,
}

impl FieldSpec {
    /// The column name as it appears in a file of `dialect`.
    pub(crate) fn name(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Plain => self.canonical,
            Dialect::Danish => self.danish,
        }
    }
}

/// The columns of one kind of source, in file order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TableSpec {
    /// The config's `kind`.
    pub(crate) kind: &'static str,
    pub(crate) fields: &'static [FieldSpec],
}

const fn field(canonical: &'static str, danish: &'static str, field_type: FieldType) -> FieldSpec {
    FieldSpec {
        canonical,
        danish,
        field_type,
    }
}

pub(crate) const EXPENSES: TableSpec = TableSpec {
    kind: "expenses",
    fields: &[
        field("citizen", "BorgerID", FieldType::Text),
        field("date", "Bogføringsdato", FieldType::Date),
        field("amount", "Beløb", FieldType::Money),
        field("account", "Konto", FieldType::Text),
        field("case", "Sagsnr", FieldType::Case),
        field("service", "Ydelse", FieldType::Text),
    ],
};

pub(crate) const CONTACTS: TableSpec = TableSpec {
    kind: "contacts",
    fields: &[
        field("citizen", "BorgerID", FieldType::Text),
        field("date", "Kontaktdato", FieldType::Date),
        field("caseworker", "Sagsbehandler", FieldType::Text),
        field("case", "Sagsnr", FieldType::Case),
        field("type", "Kontakttype", FieldType::Text),
    ],
};

pub(crate) const HOUSEHOLDS: TableSpec = TableSpec {
    kind: "households",
    fields: &[
        field("citizen", "BorgerID", FieldType::Text),
        field("family", "FamilieID", FieldType::Text),
        field("valid_from", "GyldigFra", FieldType::Date),
        field("valid_to", "GyldigTil", FieldType::Date),
    ],
};

pub(crate) const LADDER: TableSpec = TableSpec {
    kind: "ladder",
    fields: &[
        field("citizen", "BorgerID", FieldType::Text),
        field("date", "Dato", FieldType::Date),
        field("step", "Trin", FieldType::Integer),
    ],
};

pub(crate) const ENROLMENTS: TableSpec = TableSpec {
    kind: "enrolments",
    fields: &[
        field("citizen", "BorgerID", FieldType::Text),
        field("start", "Startdato", FieldType::Date),
        field("end", "Slutdato", FieldType::Date),
    ],
};

/// One cell of a row; `None` means an empty (null) cell.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    Text(Option<&'a str>),
    Date(Option<NaiveDate>),
    Money(i64),
    Integer(i32),
}

/// A booked payment, amount in øre.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpenseRow<'a> {
    pub(crate) citizen: &'a str,
    pub(crate) date: NaiveDate,
    pub(crate) amount: i64,
    pub(crate) account: &'a str,
    pub(crate) case: Option<&'a str>,
    pub(crate) service: Option<&'a str>,
}

impl<'a> ExpenseRow<'a> {
    pub(crate) fn values(&self) -> [Value<'a>; 6] {
        [
            Value::Text(Some(self.citizen)),
            Value::Date(Some(self.date)),
            Value::Money(self.amount),
            Value::Text(Some(self.account)),
            Value::Text(self.case),
            Value::Text(self.service),
        ]
    }
}

/// A contact, meeting, decision or letter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ContactRow<'a> {
    pub(crate) citizen: &'a str,
    pub(crate) date: NaiveDate,
    pub(crate) caseworker: Option<&'a str>,
    pub(crate) case: Option<&'a str>,
    pub(crate) contact_type: &'a str,
}

impl<'a> ContactRow<'a> {
    pub(crate) fn values(&self) -> [Value<'a>; 5] {
        [
            Value::Text(Some(self.citizen)),
            Value::Date(Some(self.date)),
            Value::Text(self.caseworker),
            Value::Text(self.case),
            Value::Text(Some(self.contact_type)),
        ]
    }
}

/// Membership of a household over an inclusive interval (open when `None`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct HouseholdRow<'a> {
    pub(crate) citizen: &'a str,
    pub(crate) family: &'a str,
    pub(crate) valid_from: Option<NaiveDate>,
    pub(crate) valid_to: Option<NaiveDate>,
}

impl<'a> HouseholdRow<'a> {
    pub(crate) fn values(&self) -> [Value<'a>; 4] {
        [
            Value::Text(Some(self.citizen)),
            Value::Text(Some(self.family)),
            Value::Date(self.valid_from),
            Value::Date(self.valid_to),
        ]
    }
}

/// A progress assessment on the 1–4 step scale.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LadderRow<'a> {
    pub(crate) citizen: &'a str,
    pub(crate) date: NaiveDate,
    pub(crate) step: i32,
}

impl<'a> LadderRow<'a> {
    pub(crate) fn values(&self) -> [Value<'a>; 3] {
        [
            Value::Text(Some(self.citizen)),
            Value::Date(Some(self.date)),
            Value::Integer(self.step),
        ]
    }
}

/// Enrolment in the coordinated course.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EnrolmentRow<'a> {
    pub(crate) citizen: &'a str,
    pub(crate) start: NaiveDate,
    pub(crate) end: Option<NaiveDate>,
}

impl<'a> EnrolmentRow<'a> {
    pub(crate) fn values(&self) -> [Value<'a>; 3] {
        [
            Value::Text(Some(self.citizen)),
            Value::Date(Some(self.start)),
            Value::Date(self.end),
        ]
    }
}

/// Where generated rows go: files on disk, or a collector in tests.
/// `department` indexes [`super::departments::DEPARTMENTS`].
pub(crate) trait RowSink {
    fn expense(&mut self, department: usize, row: &ExpenseRow<'_>) -> anyhow::Result<()>;
    fn contact(&mut self, department: usize, row: &ContactRow<'_>) -> anyhow::Result<()>;
    fn household(&mut self, row: &HouseholdRow<'_>) -> anyhow::Result<()>;
    fn ladder(&mut self, row: &LadderRow<'_>) -> anyhow::Result<()>;
    fn enrolment(&mut self, row: &EnrolmentRow<'_>) -> anyhow::Result<()>;
}
