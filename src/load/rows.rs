//! One source's rows, from text fields to typed polars columns. A row is
//! parsed whole before anything is appended, so a rejected row leaves no
//! trace in the columns; a raw CPR number stops the load. The rules are
//! those of `schema` (each field's type and whether it is required, and the
//! kind's `RowRule`s), read here for rows of text and in `parquet_file` for
//! typed columns, so the two paths cannot drift apart.

use super::record::Fields;
use super::stream::{Row, RowTarget, What};
use super::value::{
    clean, epoch_days, parse_amount, parse_step, placeholder_id, AmountError, DateFormat,
    AMOUNT_LIMIT,
};
use crate::accounts::{normalise, AccountMap};
use crate::config::{Decimal, Period};
use crate::cpr::looks_like_cpr;
use crate::interner::same;
use crate::schema::{col, label_type, Field, FieldType, Kind, RowRule, DEPARTMENT, MAX_FIELDS};
use polars::prelude::*;

mod typed;

/// Dates more than this many days outside the period are called far outside.
const FAR_OUTSIDE_DAYS: i64 = 5 * 365;

/// Why a row was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// The row is rejected for this reason; the load goes on.
    Reject(String),
    /// The field holds what looks like a raw CPR number; the load stops.
    Cpr(&'static str),
}

/// Where one file keeps each field, and how it writes values.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Per field of the kind: its index in the record, if the file has it.
    pub columns: Vec<Option<usize>>,
    /// Index of the department column, for sources without a fixed department.
    pub department: Option<usize>,
    /// The format of dates in this file.
    pub date_format: DateFormat,
    /// Decimal mark of amounts in this file.
    pub decimal: Decimal,
}

#[derive(Clone, Copy)]
enum Parsed<'a> {
    Null,
    Text(&'a str),
    Date(i32),
    Number(f64),
    Whole(i64),
}

enum Builder {
    Text(StringChunkedBuilder),
    Date(Vec<Option<i32>>),
    Number(Vec<Option<f64>>),
    Whole(Vec<Option<i64>>),
}

impl Builder {
    fn new(ty: FieldType, name: &str) -> Builder {
        match ty {
            FieldType::Id | FieldType::Text | FieldType::Account => {
                Builder::Text(StringChunkedBuilder::new(name.into(), 1024))
            }
            FieldType::Date => Builder::Date(Vec::new()),
            FieldType::Amount => Builder::Number(Vec::new()),
            FieldType::Step => Builder::Whole(Vec::new()),
        }
    }

    fn push(&mut self, value: Parsed<'_>) {
        match (self, value) {
            (Builder::Text(b), Parsed::Text(s)) => b.append_value(s),
            (Builder::Text(b), _) => b.append_null(),
            (Builder::Date(v), Parsed::Date(d)) => v.push(Some(d)),
            (Builder::Date(v), _) => v.push(None),
            (Builder::Number(v), Parsed::Number(x)) => v.push(Some(x)),
            (Builder::Number(v), _) => v.push(None),
            (Builder::Whole(v), Parsed::Whole(x)) => v.push(Some(x)),
            (Builder::Whole(v), _) => v.push(None),
        }
    }

    fn finish(self, name: &str) -> PolarsResult<Column> {
        Ok(match self {
            Builder::Text(b) => b.finish().into_column(),
            Builder::Date(v) => Column::new(name.into(), v).cast(&DataType::Date)?,
            Builder::Number(v) => Column::new(name.into(), v),
            Builder::Whole(v) => Column::new(name.into(), v),
        })
    }
}

/// Accumulates one source's accepted rows.
pub struct RowSink<'m> {
    kind: Kind,
    fields: &'static [Field],
    builders: Vec<Builder>,
    department: Option<StringChunkedBuilder>,
    budget_area: Option<(StringChunkedBuilder, StringChunkedBuilder)>,
    accounts: &'m AccountMap,
    account_skip_digits: usize,
    /// Each distinct account text seen: its entry in `mapped`, or none when it has no digits.
    account_texts: hashbrown::HashMap<String, Option<u32>>,
    /// Account digits with their budget area and function.
    mapped: Vec<Account<'m>>,
    /// The period's first and last day since 1970, open ends as the extremes.
    period_days: (i32, i32),
    period_field: Option<usize>,
    /// Rows in the builders, not yet in `chunks`.
    pending: usize,
    /// Typed, encoded frames of the rows flushed so far.
    chunks: Vec<DataFrame>,
    /// Accepted rows whose date lies outside the period.
    pub outside_period: u64,
    /// Accepted rows whose date lies more than five years outside the period.
    pub far_outside: u64,
    /// Accepted rows.
    pub accepted: u64,
    /// Accepted rows whose citizen or family id is a placeholder such as
    /// `NULL` or `0` (see `value::placeholder_id`).
    pub placeholder_ids: u64,
    /// Departments read from the department column, in order of first sight.
    pub departments: Vec<String>,
    /// Where rows go instead of the frame, when streamed.
    streaming: Option<Streaming<'m>>,
    /// Per field, the last id that passed the CPR check, and whether it is
    /// a placeholder.
    checked_ids: Vec<(String, bool)>,
}

/// An account's digits (after the skipped ones) and their mapping.
struct Account<'m> {
    digits: String,
    area: &'m str,
    function: Option<&'m str>,
}

/// A sink's streaming target and where, among the kind's fields (found by
/// name), its rows keep what it needs.
struct Streaming<'m> {
    rows: &'m mut dyn RowTarget,
    department: Option<&'m str>,
    citizen: Option<usize>,
    date: Option<usize>,
    amount: Option<usize>,
    case: Option<usize>,
    caseworker: Option<usize>,
}

impl<'m> RowSink<'m> {
    /// A sink for a source of `kind`; `column_department` when departments come from a column.
    pub fn new(
        kind: Kind,
        column_department: bool,
        accounts: &'m AccountMap,
        account_skip_digits: usize,
        period: Period,
    ) -> RowSink<'m> {
        let fields = kind.fields();
        RowSink {
            kind,
            fields,
            builders: fields.iter().map(|f| Builder::new(f.ty, f.name)).collect(),
            department: column_department
                .then(|| StringChunkedBuilder::new(col::DEPARTMENT.into(), 1024)),
            budget_area: (kind == Kind::Expenses).then(|| {
                (
                    StringChunkedBuilder::new(col::BUDGET_AREA.into(), 1024),
                    StringChunkedBuilder::new(col::FUNCTION.into(), 1024),
                )
            }),
            accounts,
            account_skip_digits,
            account_texts: hashbrown::HashMap::new(),
            mapped: Vec::new(),
            period_days: (
                period.from.map_or(i32::MIN, epoch_days),
                period.to.map_or(i32::MAX, epoch_days),
            ),
            period_field: kind
                .period_field()
                .and_then(|name| fields.iter().position(|f| f.name == name)),
            pending: 0,
            chunks: Vec::new(),
            outside_period: 0,
            far_outside: 0,
            accepted: 0,
            placeholder_ids: 0,
            departments: Vec::new(),
            streaming: None,
            checked_ids: vec![(String::new(), false); fields.len()],
        }
    }

    /// This sink with its expense or contact rows handed to `rows` instead
    /// of kept; `department` is the source's fixed department.
    pub fn streaming(mut self, rows: &'m mut dyn RowTarget, department: Option<&'m str>) -> Self {
        let at = |name: &str| self.kind.position(name);
        self.streaming = Some(Streaming {
            rows,
            department,
            citizen: at("citizen"),
            date: at("date"),
            amount: at("amount"),
            case: at("case"),
            caseworker: at("caseworker"),
        });
        self
    }

    /// Whether the rows are handed to a target instead of kept.
    pub fn is_streaming(&self) -> bool {
        self.streaming.is_some()
    }

    /// Whether typed rows are handed to the target as a batch of columns
    /// (`append_typed`): streamed expenses and contacts.
    pub fn streams_columns(&self) -> bool {
        self.streaming.is_some() && self.kind.has_department()
    }

    /// Whether `field` is free text that no row rule can reject and that
    /// the streaming target does not read (a service, a contact's type):
    /// typed columns of it need not be read at all.
    pub fn unread(&self, field: &Field) -> bool {
        let Some(streaming) = &self.streaming else {
            return false;
        };
        let read = [streaming.case, streaming.caseworker].contains(&self.kind.position(field.name));
        field.ty == FieldType::Text && !field.required && !read
    }

    /// The kind's fields, in `Layout::columns` order.
    pub fn fields(&self) -> &'static [Field] {
        self.fields
    }

    /// Parses one record and appends it, or says why not.
    pub fn push(
        &mut self,
        layout: &Layout,
        record: &(impl Fields + ?Sized),
    ) -> Result<(), Problem> {
        // One slot per field of the kind, in `fields()` order.
        let mut parsed = [Parsed::Null; MAX_FIELDS];
        let mut account = None;
        let mut placeholder = false;
        let fields = self.fields;
        for (i, field) in fields.iter().enumerate() {
            let text = layout.columns[i].map_or("", |c| clean(record.field(c)));
            if text.is_empty() {
                if field.required {
                    return Err(Problem::Reject(format!("{} is empty", field.name)));
                }
                continue;
            }
            parsed[i] = match field.ty {
                FieldType::Id => {
                    // Rows come in runs of one id: it is checked once per run.
                    let (last, last_placeholder) = &mut self.checked_ids[i];
                    if !same(last, text) {
                        if looks_like_cpr(text) {
                            return Err(Problem::Cpr(field.name));
                        }
                        last.clear();
                        last.push_str(text);
                        *last_placeholder = placeholder_id(text);
                    }
                    placeholder |= *last_placeholder;
                    Parsed::Text(text)
                }
                FieldType::Text => Parsed::Text(text),
                FieldType::Date => match layout.date_format.epoch_day(text) {
                    Some(day) => Parsed::Date(day),
                    None => {
                        return Err(reject(format!(
                            "{}: {text:?} is not a date in the format {}",
                            field.name, layout.date_format.text
                        )))
                    }
                },
                FieldType::Amount => match parse_amount(text, layout.decimal) {
                    // Whole øre below 2^53 are exact as an f64 hundredth:
                    // `value::ore` gives them back unchanged.
                    Ok(ore) => Parsed::Number(ore as f64 / 100.0),
                    Err(AmountError::OutOfRange) => {
                        return Err(reject(format!(
                            "{} out of range: {text:?} is {AMOUNT_LIMIT} kr or more in magnitude",
                            field.name
                        )))
                    }
                    Err(AmountError::Malformed) => {
                        let mark = if layout.decimal == Decimal::Comma {
                            ","
                        } else {
                            "."
                        };
                        return Err(reject(format!(
                            "{}: {text:?} is not an amount with decimal mark {mark:?}",
                            field.name
                        )));
                    }
                },
                FieldType::Account => {
                    account = self.account(text);
                    if account.is_none() {
                        return Err(reject(format!(
                            "{}: {text:?} has no account digits",
                            field.name
                        )));
                    }
                    Parsed::Null
                }
                FieldType::Step => match parse_step(text) {
                    Some(x) => Parsed::Whole(x),
                    None => {
                        return Err(reject(format!(
                            "{}: {text:?} is not a whole number",
                            field.name
                        )))
                    }
                },
            };
        }
        let department = match (&self.department, layout.department) {
            (Some(_), Some(c)) => match clean(record.field(c)) {
                "" => return Err(reject(format!("{} is empty", DEPARTMENT.name))),
                d => Some(d),
            },
            _ => None,
        };
        self.check_row(&parsed)?;
        self.accepted += 1;
        self.placeholder_ids += u64::from(placeholder);
        if let Some(d) = department {
            remember(&mut self.departments, d);
        }
        if let Some(Parsed::Date(day)) = self.period_field.map(|i| parsed[i]) {
            self.count_period(day);
        }
        if let Some(streaming) = &mut self.streaming {
            let value = |at: Option<usize>| at.map_or(Parsed::Null, |i| parsed[i]);
            let text = |at: Option<usize>| match value(at) {
                Parsed::Text(t) => Some(t),
                _ => None,
            };
            if let (Some(citizen), Parsed::Date(date), Some(department)) = (
                text(streaming.citizen),
                value(streaming.date),
                department.or(streaming.department),
            ) {
                let what = match (self.kind, value(streaming.amount)) {
                    (Kind::Expenses, Parsed::Number(amount)) => {
                        let (account, area) = account
                            .map(|a| &self.mapped[a as usize])
                            .map_or(("", ""), |a| (a.digits.as_str(), a.area));
                        What::Expense {
                            amount,
                            account,
                            area,
                        }
                    }
                    _ => What::Contact {
                        caseworker: text(streaming.caseworker),
                    },
                };
                streaming.rows.row(Row {
                    citizen,
                    department,
                    date,
                    case: text(streaming.case),
                    what,
                });
            }
            return Ok(());
        }

        let account = account.map(|a| &self.mapped[a as usize]);
        for (i, field) in self.fields.iter().enumerate() {
            match (field.ty, account) {
                (FieldType::Account, Some(a)) => self.builders[i].push(Parsed::Text(&a.digits)),
                _ => self.builders[i].push(parsed[i]),
            }
        }
        if let (Some(b), Some(d)) = (&mut self.department, department) {
            b.append_value(d);
        }
        if let (Some((areas, functions)), Some(a)) = (&mut self.budget_area, account) {
            areas.append_value(a.area);
            functions.append_option(a.function);
        }
        self.pending += 1;
        Ok(())
    }

    /// The mapped account of a raw account text, or none when it has no
    /// digits; each distinct text is normalised and looked up once.
    fn account(&mut self, text: &str) -> Option<u32> {
        if let Some(&known) = self.account_texts.get(text) {
            return known;
        }
        let digits = normalise(text);
        let entry = match digits.get(self.account_skip_digits..) {
            Some(rest) if !rest.is_empty() => {
                let mapping = self.accounts.lookup(rest);
                self.mapped.push(Account {
                    digits: rest.to_string(),
                    area: mapping.area,
                    function: mapping.function,
                });
                Some(self.mapped.len() as u32 - 1)
            }
            _ => None,
        };
        self.account_texts.insert(text.to_string(), entry);
        entry
    }

    /// The kind's rules across the fields of one row (`schema::RowRule`).
    fn check_row(&self, parsed: &[Parsed<'_>]) -> Result<(), Problem> {
        let value = |name: &str| self.kind.position(name).map_or(Parsed::Null, |i| parsed[i]);
        for rule in self.kind.rules() {
            let broken = match *rule {
                RowRule::Interval { from, to } => {
                    matches!((value(from), value(to)), (Parsed::Date(a), Parsed::Date(b)) if a > b)
                }
                RowRule::AnyOf(names) => names
                    .iter()
                    .all(|&name| matches!(value(name), Parsed::Null)),
            };
            if broken {
                return Err(reject(rule.reason()));
            }
        }
        Ok(())
    }

    fn count_period(&mut self, day: i32) {
        let (from, to) = self.period_days;
        if day < from || day > to {
            self.outside_period += 1;
            let before = i64::from(from) - i64::from(day);
            let after = i64::from(day) - i64::from(to);
            if before > FAR_OUTSIDE_DAYS || after > FAR_OUTSIDE_DAYS {
                self.far_outside += 1;
            }
        }
    }

    /// Rows parsed but not yet flushed.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Moves the pending rows into a typed frame whose text is encoded (see
    /// `schema::label_type`), so that a large file never holds more than a
    /// chunk of rows as plain strings.
    pub fn flush(&mut self, source: &str, fixed_department: Option<&str>) -> PolarsResult<()> {
        if self.pending == 0 && !self.chunks.is_empty() {
            return Ok(());
        }
        let height = std::mem::take(&mut self.pending);
        let fresh: Vec<Builder> = self
            .fields
            .iter()
            .map(|f| Builder::new(f.ty, f.name))
            .collect();
        let builders = std::mem::replace(&mut self.builders, fresh);
        let text = |name: &str| StringChunkedBuilder::new(name.into(), 1024);
        let department = self
            .department
            .as_mut()
            .map(|b| std::mem::replace(b, text(col::DEPARTMENT)));
        let budget_area = self.budget_area.as_mut().map(|(a, f)| {
            (
                std::mem::replace(a, text(col::BUDGET_AREA)),
                std::mem::replace(f, text(col::FUNCTION)),
            )
        });
        let mut fields = Vec::with_capacity(self.fields.len());
        for (builder, field) in builders.into_iter().zip(self.fields) {
            fields.push(builder.finish(field.name)?);
        }
        let frame = self.chunk(
            height,
            source,
            department
                .map(|b| b.finish().into_column())
                .or_else(|| fixed(fixed_department, height)),
            fields,
            budget_area.map(|(a, f)| (a.finish().into_column(), f.finish().into_column())),
        )?;
        self.chunks.push(frame);
        Ok(())
    }

    /// One chunk in the frame's column order: `source`, `department` (for
    /// kinds that have one), the fields, then `budget_area` and `function`;
    /// text encoded as labels (see `schema::label_type`) unless the chunk is
    /// streamed, and so read once and dropped.
    fn chunk(
        &self,
        height: usize,
        source: &str,
        department: Option<Column>,
        fields: Vec<Column>,
        areas: Option<(Column, Column)>,
    ) -> PolarsResult<DataFrame> {
        let encode = self.streaming.is_none();
        let id = |name: &str| {
            !self.kind.ids_as_labels()
                && self
                    .fields
                    .iter()
                    .any(|f| f.name == name && f.ty == FieldType::Id)
        };
        let mut columns = vec![text_scalar(col::SOURCE, source, height)];
        if self.kind.has_department() {
            columns.extend(department);
        }
        columns.extend(fields);
        if let Some((area, function)) = areas {
            columns.extend([area, function]);
        }
        let columns = columns
            .into_iter()
            .map(|c| {
                if encode && c.dtype() == &DataType::String && !id(c.name()) {
                    c.cast(&label_type())
                } else {
                    Ok(c)
                }
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        DataFrame::new(height, columns)
    }

    /// The typed frame: `source`, `department` (expenses and contacts), the
    /// kind's fields, then `budget_area` and `function` (expenses).
    pub fn finish(
        mut self,
        source: &str,
        fixed_department: Option<&str>,
    ) -> PolarsResult<DataFrame> {
        self.flush(source, fixed_department)?;
        let mut chunks = self.chunks.into_iter();
        let mut frame = chunks.next().unwrap_or_default();
        for chunk in chunks {
            frame.vstack_mut_owned(chunk)?;
        }
        Ok(frame)
    }
}

/// A column holding one text on every row.
fn text_scalar(name: &str, value: &str, height: usize) -> Column {
    Column::new_scalar(
        name.into(),
        Scalar::new(DataType::String, AnyValue::StringOwned(value.into())),
        height,
    )
}

/// The department column of a source with a fixed department.
fn fixed(department: Option<&str>, height: usize) -> Option<Column> {
    department.map(|d| text_scalar(col::DEPARTMENT, d, height))
}

/// Adds `department` to `seen` unless there.
fn remember(seen: &mut Vec<String>, department: &str) {
    if !seen.iter().any(|d| d == department) {
        seen.push(department.to_string());
    }
}

fn reject(reason: String) -> Problem {
    Problem::Reject(reason)
}
