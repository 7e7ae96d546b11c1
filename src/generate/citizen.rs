//! One citizen's rows: spells with departments, monthly payments following a
//! latent cost level, contacts with changing caseworkers, progress on the
//! ladder, and possibly enrolment in the coordinated course.
//!
//! The cost level is `exp(persistent + transient)`: the persistent part grows
//! with the citizen's complexity; the transient part is an AR(1) process with
//! occasional crises that decay, which is what makes this period's most
//! expensive citizens cheaper next period (regression to the mean). A
//! citizen's rows are drafted first without any effect, so the enrolment
//! decision sees the costs a municipality would have seen, and only then is
//! the planted effect applied to the payments after the course starts.

use std::fmt::Write as _;

use anyhow::Result;
use chrono::{Months, NaiveDate};

use super::calendar::{add_days, Calendar, MONTHS};
use super::departments::{
    in_planted_area, Programme, DEPARTMENTS, EMPLOYMENT, SUSPENSE_ACCOUNT, SUSPENSE_SHARE,
};
use super::random::Draws;
use super::tables::{ContactRow, EnrolmentRow, ExpenseRow, LadderRow, RowSink};
use super::{EnrolBy, DATA_TO, PLANTED_EFFECT};

/// Complexity's weight on the log-odds of being in contact with a department.
const COMPLEXITY_SLOPE: f64 = 2.2;
/// Spells of a citizen of complexity `c` last `exp(SPELL_COMPLEXITY * c)` times
/// the department's mean.
const SPELL_COMPLEXITY: f64 = 0.15;
/// The persistent log cost level: `PERSISTENT_SLOPE * complexity + N(0, PERSISTENT_SPREAD)`.
const PERSISTENT_SLOPE: f64 = 0.45;
const PERSISTENT_SPREAD: f64 = 0.45;
/// The transient log cost level: AR(1) with this monthly persistence and
/// noise, plus crises of exponential size arriving at a monthly rate.
const TRANSIENT_PERSISTENCE: f64 = 0.88;
const TRANSIENT_NOISE: f64 = 0.12;
const CRISIS_RATE: f64 = 0.02;
const CRISIS_SIZE: f64 = 0.8;
/// Monthly chance that a spell's caseworker is replaced.
const CASEWORKER_TURNOVER: f64 = 0.06;
/// Share of payments followed by a (partial) refund.
const REFUND_SHARE: f64 = 0.012;

/// Enrolment: a citizen whose cost in the 12 months before their (drawn)
/// start reaches this many kroner, with rows in at least two departments in
/// those months, is eligible; eligible citizens are enrolled with
/// `ENROL_SHARE`, the rest stay as the comparison group. The threshold is
/// about the top-5 % cut-off of active citizens over 12 months, so the
/// eligible are the hotspots of SPEC.md section 2 for the year before the
/// start. A comparison group chosen by the same rule over the 12 months before
/// the cohort's median start then regresses to the mean as the cohort does.
pub(crate) const ENROL_THRESHOLD: f64 = 1_250_000.0;
/// Share of eligible citizens who are enrolled.
pub(crate) const ENROL_SHARE: f64 = 0.5;
/// [`EnrolBy::Random`]: the share of citizens with rows in two or more
/// departments in the 12 months before their start who are enrolled, chosen
/// so that the cohort is about as large as [`EnrolBy::EarlierCost`]'s.
pub(crate) const RANDOM_SHARE: f64 = 0.055;
/// [`EnrolBy::Recent`]: the cost in the 3 months before the start (in
/// kroner) from which a citizen with rows in two or more departments in the
/// 12 months before is eligible; half of the eligible are enrolled. Chosen so
/// that the cohort is about as large as [`EnrolBy::EarlierCost`]'s.
pub(crate) const RECENT_THRESHOLD: f64 = 330_000.0;

/// Who the citizen is, as decided by the household.
pub(crate) struct Citizen<'a> {
    pub(crate) id: &'a str,
    /// Group (`departments::CHILD`, `YOUTH`, `ADULT`, `PARENT`).
    pub(crate) age_group: usize,
    /// Pension age: no employment spells.
    pub(crate) retired: bool,
    /// Latent complexity, shared in part with the family.
    pub(crate) complexity: f64,
    /// First month with any rows (the birth month for babies born in the span).
    pub(crate) first_month: usize,
}

/// Reusable buffers for drafting one citizen at a time.
#[derive(Default)]
pub(crate) struct Drafts {
    levels: Vec<f64>,
    cases: Vec<String>,
    expenses: Vec<DraftExpense>,
    contacts: Vec<DraftContact>,
    employment: Vec<(usize, usize)>,
    text: String,
}

struct DraftExpense {
    department: usize,
    date: NaiveDate,
    /// Øre, before any planted effect.
    amount: i64,
    account: &'static str,
    service: Option<&'static str>,
    case: Option<usize>,
    planted: bool,
}

struct DraftContact {
    department: usize,
    date: NaiveDate,
    caseworker: Option<u64>,
    case: usize,
    contact_type: &'static str,
}

const CONTACT_TYPES: [&str; 4] = ["Møde", "Telefon", "Brev", "Afgørelse"];
const CONTACT_WEIGHTS: [f64; 4] = [0.35, 0.35, 0.2, 0.1];

/// Drafts and writes one citizen's rows.
pub(crate) fn write_citizen(
    draws: &mut Draws,
    citizen: &Citizen<'_>,
    calendar: &Calendar,
    caseworker_pools: &[u64; 5],
    enrol_by: EnrolBy,
    drafts: &mut Drafts,
    sink: &mut impl RowSink,
) -> Result<()> {
    drafts.expenses.clear();
    drafts.contacts.clear();
    drafts.cases.clear();
    drafts.employment.clear();
    draw_levels(draws, citizen, &mut drafts.levels);
    for (department_index, department) in DEPARTMENTS.iter().enumerate() {
        let base = department.eligibility[citizen.age_group];
        if !base.is_finite() || (department_index == EMPLOYMENT && citizen.retired) {
            continue;
        }
        if !draws.chance(sigmoid(base + COMPLEXITY_SLOPE * citizen.complexity)) {
            continue;
        }
        // Spells and pauses alternate, started in their long-run proportions
        // so that the municipality has no artificial trend over the span.
        // Complex cases run longer and come back sooner.
        let stretch = (SPELL_COMPLEXITY * citizen.complexity).exp();
        let (mean_spell, mean_gap) = (
            department.mean_spell_months * stretch,
            department.mean_gap_months / stretch,
        );
        let mut in_spell = draws.chance(mean_spell / (mean_spell + mean_gap));
        let mut month = 0i64;
        while month < MONTHS as i64 {
            let mean = if in_spell { mean_spell } else { mean_gap };
            let length = 1 + draws.exponential(mean) as i64;
            let last = (month + length - 1).min(MONTHS as i64 - 1);
            let first = month.max(citizen.first_month as i64);
            if in_spell && first <= last {
                let spell = Spell {
                    department: department_index,
                    first: first as usize,
                    last: last as usize,
                };
                draft_spell(draws, citizen, calendar, caseworker_pools, &spell, drafts);
            }
            month += length;
            in_spell = !in_spell;
        }
    }
    let start = add_days(COURSE_YEAR, draw_start_day(draws));
    let enrolled = match enrol_by {
        EnrolBy::EarlierCost => is_eligible(drafts, start) && draws.chance(ENROL_SHARE),
        EnrolBy::Random => departments_before(drafts, start) >= 2 && draws.chance(RANDOM_SHARE),
        EnrolBy::Recent => {
            cost_before(drafts, start, 3) as f64 >= RECENT_THRESHOLD * 100.0
                && departments_before(drafts, start) >= 2
                && draws.chance(ENROL_SHARE)
        }
    };
    let enrolled_from = enrolled.then_some(start);
    emit(citizen.id, enrolled_from, drafts, sink)?;
    write_ladder(draws, citizen, calendar, enrolled_from, drafts, sink)?;
    if enrolled {
        let end = if draws.chance(0.1) {
            add_days(start, draws.between(30, 180))
        } else {
            add_days(start, draws.between(270, 720))
        };
        sink.enrolment(&EnrolmentRow {
            citizen: citizen.id,
            start,
            end: (end <= DATA_TO).then_some(end),
        })?;
    }
    Ok(())
}

/// 1 January of the year the course starts.
const COURSE_YEAR: NaiveDate = super::date(2023, 1, 1);

/// Day of 2023 (0–364) of a course start: spread over the year but mostly
/// around its middle (a sum of four uniforms), as a cohort is enrolled in
/// waves. Keeping the starts near their median keeps a comparison group timed
/// at the median start comparable with every enrolled unit.
fn draw_start_day(draws: &mut Draws) -> i64 {
    let sum: f64 = (0..4).map(|_| draws.uniform()).sum();
    ((sum / 4.0 * 365.0) as i64).min(364)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The monthly cost level: persistent level times a decaying transient shock.
fn draw_levels(draws: &mut Draws, citizen: &Citizen<'_>, levels: &mut Vec<f64>) {
    let persistent = PERSISTENT_SLOPE * citizen.complexity + PERSISTENT_SPREAD * draws.normal();
    let mut transient = 0.0;
    levels.clear();
    // Three years of burn-in so the first month is already in the steady state.
    for month in 0..(36 + MONTHS) {
        transient = TRANSIENT_PERSISTENCE * transient + TRANSIENT_NOISE * draws.normal();
        if draws.chance(CRISIS_RATE) {
            transient += draws.exponential(CRISIS_SIZE);
        }
        if month >= 36 {
            levels.push((persistent + transient).exp());
        }
    }
}

struct Spell {
    department: usize,
    first: usize,
    last: usize,
}

fn draft_spell(
    draws: &mut Draws,
    citizen: &Citizen<'_>,
    calendar: &Calendar,
    caseworker_pools: &[u64; 5],
    spell: &Spell,
    drafts: &mut Drafts,
) {
    let department = &DEPARTMENTS[spell.department];
    let weights: Vec<f64> = department
        .programmes
        .iter()
        .map(|p| {
            if p.ages[citizen.age_group] {
                (p.weight + p.complexity_weight * citizen.complexity).exp()
            } else {
                0.0
            }
        })
        .collect();
    let programme = &department.programmes[draws.weighted(&weights)];
    // A heavy-tailed price of this particular arrangement (mean about 1);
    // benefits are paid at rates, not prices.
    let price = draws.pareto(1.0, 3.0).min(2.5) / 1.4;
    let price = if programme.monthly_payment {
        1.0
    } else {
        price
    };
    let case = drafts.cases.len();
    let number = draws.below(10u64.pow(department.case_digits));
    drafts.cases.push(format!(
        "{:0width$}",
        number,
        width = department.case_digits as usize
    ));
    let pool = caseworker_pools[spell.department];
    let mut caseworker = 1 + draws.below(pool);
    if spell.department == EMPLOYMENT {
        drafts.employment.push((spell.first, spell.last));
    }
    for month in spell.first..=spell.last {
        let level = drafts.levels[month];
        let payment = draft_payment(
            draws,
            calendar,
            month,
            level,
            price,
            programme,
            spell.department,
            department.expense_case.then_some(case),
        );
        if draws.chance(REFUND_SHARE) {
            // A correction weeks later: part or all of the payment comes back.
            let date = add_days(payment.date, draws.between(5, 45));
            let share = 0.1 + 0.9 * draws.uniform();
            if date <= DATA_TO {
                drafts.expenses.push(DraftExpense {
                    date,
                    amount: -((payment.amount as f64 * share).round() as i64),
                    ..payment
                });
            }
        }
        drafts.expenses.push(payment);
        if draws.chance(department.extra_rate) {
            let extra = draft_payment(
                draws,
                calendar,
                month,
                level,
                1.0,
                &department.extra,
                spell.department,
                department.expense_case.then_some(case),
            );
            drafts.expenses.push(extra);
        }
        let mut contacts =
            draws.poisson(department.contacts_per_month * (0.7 + 0.3 * level.sqrt()).min(3.0));
        if month == spell.first {
            // Every spell opens with a decision.
            drafts.contacts.push(DraftContact {
                department: spell.department,
                date: calendar.random_day(draws, month),
                caseworker: Some(caseworker),
                case,
                contact_type: "Afgørelse",
            });
        }
        while contacts > 0 {
            contacts -= 1;
            let contact_type = CONTACT_TYPES[draws.weighted(&CONTACT_WEIGHTS)];
            let date = calendar.random_day(draws, month);
            let caseworker = (!draws.chance(0.03)).then_some(caseworker);
            drafts.contacts.push(DraftContact {
                department: spell.department,
                date,
                caseworker,
                case,
                contact_type,
            });
        }
        if draws.chance(CASEWORKER_TURNOVER) {
            caseworker = 1 + draws.below(pool);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draft_payment(
    draws: &mut Draws,
    calendar: &Calendar,
    month: usize,
    level: f64,
    price: f64,
    programme: &'static Programme,
    department: usize,
    case: Option<usize>,
) -> DraftExpense {
    let noise = if programme.monthly_payment {
        draws.lognormal(0.0, 0.03)
    } else {
        draws.lognormal(0.0, 0.12)
    };
    let kroner = programme.monthly * level.powf(programme.sensitivity) * price * noise;
    let date = if programme.monthly_payment {
        calendar.payday(month)
    } else {
        calendar.random_day(draws, month)
    };
    let (account, planted) = if draws.chance(SUSPENSE_SHARE) {
        (SUSPENSE_ACCOUNT, false)
    } else {
        (programme.written, in_planted_area(programme.account))
    };
    let service = (!draws.chance(0.03)).then_some(programme.service);
    DraftExpense {
        department,
        date,
        amount: (kroner * 100.0).round() as i64,
        account,
        service,
        case,
        planted,
    }
}

/// The municipality's rule: expensive in the 12 months before the start and
/// in contact with at least two departments then.
fn is_eligible(drafts: &Drafts, start: NaiveDate) -> bool {
    cost_before(drafts, start, 12) as f64 >= ENROL_THRESHOLD * 100.0
        && departments_before(drafts, start) >= 2
}

/// Cost in øre (before any planted effect) dated in the `months` months before `start`.
pub(crate) fn cost_before(drafts: &Drafts, start: NaiveDate, months: u32) -> i64 {
    let from = start - Months::new(months);
    drafts
        .expenses
        .iter()
        .filter(|e| e.date >= from && e.date < start)
        .map(|e| e.amount)
        .sum()
}

/// Departments with payments or contacts in the 12 months before `start`.
pub(crate) fn departments_before(drafts: &Drafts, start: NaiveDate) -> usize {
    let from = start - Months::new(12);
    let in_window = |date: NaiveDate| date >= from && date < start;
    let mut departments = [false; 5];
    for e in drafts.expenses.iter().filter(|e| in_window(e.date)) {
        departments[e.department] = true;
    }
    for c in drafts.contacts.iter().filter(|c| in_window(c.date)) {
        departments[c.department] = true;
    }
    departments.iter().filter(|d| **d).count()
}

/// Writes the drafted payments (with refunds and the planted effect) and contacts.
fn emit(
    citizen: &str,
    enrolled_from: Option<NaiveDate>,
    drafts: &mut Drafts,
    sink: &mut impl RowSink,
) -> Result<()> {
    for e in &drafts.expenses {
        let treated = e.planted && enrolled_from.is_some_and(|start| e.date >= start);
        let amount = if treated {
            (e.amount as f64 * (1.0 - PLANTED_EFFECT)).round() as i64
        } else {
            e.amount
        };
        sink.expense(
            e.department,
            &ExpenseRow {
                citizen,
                date: e.date,
                amount,
                account: e.account,
                case: e.case.map(|i| drafts.cases[i].as_str()),
                service: e.service,
            },
        )?;
    }
    let text = &mut drafts.text;
    for c in &drafts.contacts {
        text.clear();
        if let Some(number) = c.caseworker {
            let prefix = DEPARTMENTS[c.department].caseworker_prefix;
            let _ = write!(text, "{prefix}-{number:03}");
        }
        sink.contact(
            c.department,
            &ContactRow {
                citizen,
                date: c.date,
                caseworker: c.caseworker.map(|_| text.as_str()),
                case: Some(drafts.cases[c.case].as_str()),
                contact_type: c.contact_type,
            },
        )?;
    }
    Ok(())
}

/// Assessments on the 1–4 step scale every three months of an employment
/// spell; enrolled citizens move up more often after their start.
fn write_ladder(
    draws: &mut Draws,
    citizen: &Citizen<'_>,
    calendar: &Calendar,
    enrolled_from: Option<NaiveDate>,
    drafts: &Drafts,
    sink: &mut impl RowSink,
) -> Result<()> {
    if drafts.employment.is_empty() {
        return Ok(());
    }
    let mut step: i32 = if citizen.complexity > 0.8 || draws.chance(0.4) {
        1
    } else {
        2
    };
    for &(first, last) in &drafts.employment {
        for month in (first..=last).step_by(3) {
            let date = calendar.random_day(draws, month);
            let up = if enrolled_from.is_some_and(|start| date >= start) {
                0.35
            } else {
                0.22
            };
            let u = draws.uniform();
            if u < up {
                step = (step + 1).min(4);
            } else if u < up + 0.08 {
                step = (step - 1).max(1);
            }
            sink.ladder(&LadderRow {
                citizen: citizen.id,
                date,
                step,
            })?;
        }
    }
    Ok(())
}
