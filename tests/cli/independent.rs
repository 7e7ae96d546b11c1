//! A municipality written by a different system, for testing `tvaers realised`
//! against data that `tvaers generate` did not design.
//!
//! Nothing here comes from `src/generate`: the cost model, the payment
//! calendar, the file dialect and the choice of cohort are all its own. A
//! citizen has a heavy-tailed (lognormal) monthly level, takes part in each
//! department with a chance that grows with a latent need, and has a transient
//! level that jumps in a crisis and decays (so the costliest of any year are
//! cheaper the next). Costs follow the seasons and rise 4 % a year across the
//! municipality, so a before/after comparison of the cohort alone is biased
//! both ways at once. Departments pay in their own rhythm: fortnightly
//! benefits, weekly activation, institution invoices a quarter in arrears with
//! occasional lump sums, irregular provider invoices, a monthly health fee;
//! some payments are later partly refunded.
//!
//! The whole population is simulated first, in memory; then a cohort of
//! [`ENROLLED`] citizens is chosen at population level in one of three ways
//! ([`CohortBy`]), each citizen having drawn a start day in 2023; then every
//! enrolled citizen's payments dated on or after the start are cut by exactly
//! 30 % (amounts are whole multiples of 10 øre, so the cut is exact), in every
//! budget area, refunds too. [`Truth`] holds the removed amount inside the
//! after-window (the start month and the 11 months after it) per enrolled
//! unit-month: the saving a realised-savings estimate must find.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

/// Citizens enrolled in the course, whichever way they are chosen.
pub const ENROLLED: usize = 200;
/// The months of the window after (and before) the start.
pub const WINDOW_MONTHS: usize = 12;
/// First month with data: October 2021 (the analysis period starts January 2022).
const FIRST_YEAR: i32 = 2021;
const FIRST_MONTH: u32 = 10;
/// October 2021 to March 2025 (the analysis period ends December 2024).
pub const MONTHS: usize = 42;

/// How the cohort is chosen among the citizens with payments from two or
/// more departments in the 12 months before their start month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CohortBy {
    /// The costliest over those 12 months.
    EarlierCost,
    /// Uniformly at random.
    Random,
    /// The costliest over the last 3 of those months.
    Recent,
}

/// How a department pays.
#[derive(Clone, Copy)]
enum Rhythm {
    /// A fixed amount every second Thursday (26 a year).
    Fortnightly,
    /// A fixed amount every Monday (52 a year).
    Weekly,
    /// The quarter's cost invoiced in the following month, plus lump sums.
    QuarterInArrears,
    /// What has built up is invoiced at irregular times, in one to three parts.
    Irregular,
    /// On the 10th of the month.
    Monthly,
}

struct Department {
    /// Folder and file stem.
    folder: &'static str,
    name: &'static str,
    /// Accounts as this system writes them, and the budget area each falls in
    /// under the chart of accounts (its *hovedfunktion*).
    accounts: [(&'static str, &'static str); 2],
    rhythm: Rhythm,
    /// Log-odds of taking part at average need.
    participation: f64,
    /// Cost relative to the citizen's level.
    scale: f64,
}

const DEPARTMENTS: [Department; 5] = [
    Department {
        folder: "ydelser",
        name: "Ydelsescentret",
        accounts: [
            ("5.57.73", "Kontante ydelser"),
            ("5.57.71.002", "Kontante ydelser"),
        ],
        rhythm: Rhythm::Fortnightly,
        participation: -2.2,
        scale: 1.0,
    },
    Department {
        folder: "boern",
        name: "Børn og Unge",
        accounts: [
            ("5.28.21", "Tilbud til børn og unge med særlige behov"),
            ("5.28.23.001", "Tilbud til børn og unge med særlige behov"),
        ],
        rhythm: Rhythm::QuarterInArrears,
        participation: -3.4,
        scale: 3.0,
    },
    Department {
        folder: "handicap",
        name: "Handicap og Psykiatri",
        accounts: [
            ("5.38.42", "Tilbud til voksne med særlige behov"),
            ("5.38.50.010", "Tilbud til voksne med særlige behov"),
        ],
        rhythm: Rhythm::Irregular,
        participation: -3.2,
        scale: 2.5,
    },
    Department {
        folder: "beskaeftigelse",
        name: "Jobcentret",
        accounts: [
            ("5.68.90", "Arbejdsmarkedsforanstaltninger"),
            ("5.68.98", "Arbejdsmarkedsforanstaltninger"),
        ],
        rhythm: Rhythm::Weekly,
        participation: -3.5,
        scale: 0.5,
    },
    Department {
        folder: "sundhed",
        name: "Sundhed og Omsorg",
        accounts: [
            ("4.62.82", "Sundhedsudgifter m.v."),
            ("4.62.89", "Sundhedsudgifter m.v."),
        ],
        rhythm: Rhythm::Monthly,
        participation: -2.4,
        scale: 0.3,
    },
];

/// One payment as simulated, before any cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub citizen: u32,
    pub department: u8,
    pub date: NaiveDate,
    /// Øre, a whole multiple of 10 (negative: a refund).
    pub ore: i64,
    /// Index into the department's accounts.
    pub account: u8,
}

/// The simulated municipality before any cohort is chosen.
pub struct Population {
    pub ids: Vec<String>,
    /// Each citizen's drawn start day (used only if enrolled).
    pub starts: Vec<NaiveDate>,
    /// Every payment, uncut, in the order simulated.
    pub payments: Vec<Payment>,
}

/// What the written municipality holds, computed while writing it.
pub struct Truth {
    /// The enrolled citizens' ids and starts, in the enrolments file's order.
    pub enrolled: Vec<(String, NaiveDate)>,
    /// Removed by the cut inside the after-windows, in øre.
    pub removed: i64,
    /// The same per budget area (the chart of accounts' names).
    pub removed_by_area: BTreeMap<&'static str, i64>,
    /// The cohort's mean cost per unit-month in the 12 months before the start
    /// month, in kroner.
    pub cohort_before: f64,
    /// Every citizen's mean cost per unit-month in the 12 months before their
    /// own drawn start month, in kroner.
    pub population_before: f64,
}

impl Truth {
    /// The planted saving per enrolled unit-month, in kroner.
    pub fn saving(&self) -> f64 {
        self.removed as f64 / 100.0 / (self.enrolled.len() * WINDOW_MONTHS) as f64
    }

    /// The planted saving per enrolled unit-month in one budget area, in kroner.
    pub fn saving_in(&self, area: &str) -> f64 {
        self.removed_by_area.get(area).copied().unwrap_or(0) as f64
            / 100.0
            / (self.enrolled.len() * WINDOW_MONTHS) as f64
    }
}

/// Month index of a date (0 = October 2021); may lie outside `0..MONTHS`.
pub fn month_of(date: NaiveDate) -> i64 {
    (date.year() - FIRST_YEAR) as i64 * 12 + date.month() as i64 - FIRST_MONTH as i64
}

fn first_day(month: usize) -> NaiveDate {
    let m = FIRST_MONTH as usize - 1 + month;
    NaiveDate::from_ymd_opt(FIRST_YEAR + (m / 12) as i32, (m % 12) as u32 + 1, 1).expect("month")
}

fn last_data_day() -> NaiveDate {
    first_day(MONTHS) - Duration::days(1)
}

fn normal(rng: &mut ChaCha12Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Kroner to øre, to a whole multiple of 10 øre.
fn tens_of_ore(kroner: f64) -> i64 {
    (kroner * 10.0).round() as i64 * 10
}

/// Every day of `weekday` from `first` on, `step` days apart, inside the data span.
fn every(weekday: Weekday, step: i64) -> Vec<NaiveDate> {
    let mut day = first_day(0);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    let mut days = Vec::new();
    while day <= last_data_day() {
        days.push(day);
        day += Duration::days(step);
    }
    days
}

impl Population {
    /// Each citizen's number by id; no two citizens share an id.
    pub fn index(&self) -> HashMap<&str, usize> {
        let index: HashMap<&str, usize> = self
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        assert_eq!(index.len(), self.ids.len(), "two citizens share an id");
        index
    }

    /// Simulates `citizens` citizens over the data span, seeded.
    pub fn simulate(citizens: usize, seed: u64) -> Population {
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        let fortnightly = every(Weekday::Thu, 14);
        let weekly = every(Weekday::Mon, 7);
        let course_year = NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
        let mut population = Population {
            ids: Vec::with_capacity(citizens),
            starts: Vec::with_capacity(citizens),
            payments: Vec::new(),
        };
        let mut levels = [0.0f64; MONTHS];
        // Pseudonyms: a bijection of the citizen's number (an odd multiplier
        // and a key), so no two citizens share one.
        let key: u32 = rng.random();
        for citizen in 0..citizens as u32 {
            population.ids.push(format!(
                "bx-{:08x}",
                citizen.wrapping_mul(0x9e37_79b1) ^ key
            ));
            let need = normal(&mut rng);
            let base = (7.4 + 0.7 * need + 0.6 * normal(&mut rng)).exp();
            // The transient level: AR(1) in logs with crises that decay.
            let mut transient = 0.3 * normal(&mut rng);
            for (month, level) in levels.iter_mut().enumerate() {
                transient = 0.85 * transient + 0.15 * normal(&mut rng);
                if rng.random_bool(0.012) {
                    transient += rng.random_range(0.8..2.2);
                }
                let calendar_month = (FIRST_MONTH as usize - 1 + month) % 12;
                let season =
                    1.0 + 0.12 * (std::f64::consts::TAU * calendar_month as f64 / 12.0).cos();
                let trend = 1.04f64.powf(month as f64 / 12.0);
                *level = base * transient.exp() * season * trend;
            }
            for (index, department) in DEPARTMENTS.iter().enumerate() {
                let p = 1.0 / (1.0 + (-(department.participation + 1.4 * need)).exp());
                if !rng.random_bool(p) {
                    continue;
                }
                let weight = department.scale * (0.5 * normal(&mut rng)).exp();
                let account = u8::from(rng.random_bool(0.35));
                let mut on = rng.random_bool(0.6);
                let mut owed = 0.0;
                let mut pay = |date: NaiveDate, kroner: f64, rng: &mut ChaCha12Rng| {
                    let ore = tens_of_ore(kroner);
                    if ore == 0 || date > last_data_day() {
                        return;
                    }
                    let payment = Payment {
                        citizen,
                        department: index as u8,
                        date,
                        ore,
                        account,
                    };
                    if rng.random_bool(0.015) {
                        let back = date + Duration::days(rng.random_range(10..60));
                        let share = rng.random_range(0.1..1.0);
                        let refund = -tens_of_ore(kroner * share);
                        if back <= last_data_day() && refund != 0 {
                            population.payments.push(Payment {
                                date: back,
                                ore: refund,
                                ..payment.clone()
                            });
                        }
                    }
                    population.payments.push(payment);
                };
                for (month, level) in levels.iter().enumerate() {
                    let flip = if on { 1.0 / 14.0 } else { 1.0 / 9.0 };
                    if month > 0 && rng.random_bool(flip) {
                        on = !on;
                    }
                    let first = first_day(month);
                    let next = first_day(month + 1);
                    let cost = if on { level * weight } else { 0.0 };
                    match department.rhythm {
                        Rhythm::Fortnightly | Rhythm::Weekly => {
                            let (days, per_year) = match department.rhythm {
                                Rhythm::Fortnightly => (&fortnightly, 26.0),
                                _ => (&weekly, 52.0),
                            };
                            for day in days.iter().filter(|d| **d >= first && **d < next) {
                                if on {
                                    pay(*day, cost * 12.0 / per_year, &mut rng);
                                }
                            }
                        }
                        Rhythm::QuarterInArrears => {
                            if first.month() % 3 == 1 && owed > 0.0 {
                                let day = first + Duration::days(rng.random_range(4..25));
                                pay(day, owed, &mut rng);
                                owed = 0.0;
                            }
                            owed += cost;
                            if on && rng.random_bool(0.04) {
                                let day = first + Duration::days(rng.random_range(0..28));
                                pay(day, cost * rng.random_range(2.0..6.0), &mut rng);
                            }
                        }
                        Rhythm::Irregular => {
                            owed += cost;
                            if owed > 0.0 && rng.random_bool(0.6) {
                                let parts = rng.random_range(1..=3);
                                for _ in 0..parts {
                                    let day = first + Duration::days(rng.random_range(0..28));
                                    pay(day, owed / parts as f64, &mut rng);
                                }
                                owed = 0.0;
                            }
                        }
                        Rhythm::Monthly => {
                            if on {
                                pay(first + Duration::days(9), cost, &mut rng);
                            }
                        }
                    }
                }
            }
            population
                .starts
                .push(course_year + Duration::days(rng.random_range(0..365)));
        }
        population
    }

    /// Per citizen: cost in øre in each data month and the departments paying
    /// in it (a bit mask), from the uncut payments.
    pub fn monthly(&self) -> (Vec<[i64; MONTHS]>, Vec<[u8; MONTHS]>) {
        let mut cost = vec![[0i64; MONTHS]; self.ids.len()];
        let mut departments = vec![[0u8; MONTHS]; self.ids.len()];
        for p in &self.payments {
            let m = month_of(p.date) as usize;
            cost[p.citizen as usize][m] += p.ore;
            departments[p.citizen as usize][m] |= 1 << p.department;
        }
        (cost, departments)
    }

    /// The cohort chosen `by`, as citizen numbers in ascending order.
    pub fn choose(&self, by: CohortBy, seed: u64) -> Vec<u32> {
        let (cost, departments) = self.monthly();
        let mut eligible: Vec<(i64, u32)> = Vec::new();
        for citizen in 0..self.ids.len() {
            let start = month_of(self.starts[citizen]) as usize;
            let window = start - WINDOW_MONTHS..start;
            let mask = departments[citizen][window.clone()]
                .iter()
                .fold(0u8, |a, b| a | b);
            if mask.count_ones() < 2 {
                continue;
            }
            let recent = match by {
                CohortBy::Recent => start - 3..start,
                _ => window,
            };
            let spent: i64 = cost[citizen][recent].iter().sum();
            eligible.push((spent, citizen as u32));
        }
        let mut chosen: Vec<u32> = match by {
            CohortBy::EarlierCost | CohortBy::Recent => {
                eligible.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                eligible.iter().take(ENROLLED).map(|e| e.1).collect()
            }
            CohortBy::Random => {
                let mut rng = ChaCha12Rng::seed_from_u64(seed ^ 0x5eed_c040);
                for i in 0..ENROLLED.min(eligible.len()) {
                    let j = rng.random_range(i..eligible.len());
                    eligible.swap(i, j);
                }
                eligible.iter().take(ENROLLED).map(|e| e.1).collect()
            }
        };
        chosen.sort_unstable();
        chosen
    }

    /// Writes the municipality with the cohort chosen `by` into `dir` (with
    /// its `tvaers.toml`) and returns the truth about it.
    pub fn write(&self, dir: &Path, by: CohortBy, seed: u64) -> Truth {
        let cohort = self.choose(by, seed);
        let mut enrolled_from: Vec<Option<NaiveDate>> = vec![None; self.ids.len()];
        for c in &cohort {
            enrolled_from[*c as usize] = Some(self.starts[*c as usize]);
        }
        let (cost, _) = self.monthly();
        let before = |citizen: usize| {
            let start = month_of(self.starts[citizen]) as usize;
            cost[citizen][start - WINDOW_MONTHS..start]
                .iter()
                .sum::<i64>()
        };
        let cohort_before: i64 = cohort.iter().map(|c| before(*c as usize)).sum();
        let population_before: i64 = (0..self.ids.len()).map(before).sum();
        let mut truth = Truth {
            enrolled: cohort
                .iter()
                .map(|c| (self.ids[*c as usize].clone(), self.starts[*c as usize]))
                .collect(),
            removed: 0,
            removed_by_area: BTreeMap::new(),
            cohort_before: cohort_before as f64 / 100.0 / (cohort.len() * WINDOW_MONTHS) as f64,
            population_before: population_before as f64
                / 100.0
                / (self.ids.len() * WINDOW_MONTHS) as f64,
        };
        // Rows per department as the other system exports them: by posting
        // date, then citizen.
        let mut rows: Vec<Vec<(NaiveDate, u32, i64, u8)>> = vec![Vec::new(); DEPARTMENTS.len()];
        for p in &self.payments {
            let written = match enrolled_from[p.citizen as usize] {
                Some(start) if p.date >= start => {
                    let kept = p.ore / 10 * 7;
                    let start_month = month_of(start);
                    let month = month_of(p.date);
                    if month < start_month + WINDOW_MONTHS as i64 {
                        let area =
                            DEPARTMENTS[p.department as usize].accounts[p.account as usize].1;
                        truth.removed += p.ore - kept;
                        *truth.removed_by_area.entry(area).or_default() += p.ore - kept;
                    }
                    kept
                }
                _ => p.ore,
            };
            rows[p.department as usize].push((p.date, p.citizen, written, p.account));
        }
        for (index, department) in DEPARTMENTS.iter().enumerate() {
            let rows = &mut rows[index];
            rows.sort();
            if department.folder == "sundhed" {
                self.write_health(dir, department, rows);
            } else if department.folder == "ydelser" {
                let split = NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
                let (early, late): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.0 < split);
                self.write_bars(dir, department, "2021-2022", &early);
                self.write_bars(dir, department, "2023-2025", &late);
            } else {
                let all: Vec<_> = rows.iter().collect();
                self.write_bars(dir, department, "alle", &all);
            }
        }
        let mut text = String::from("Deltager|Forløbsstart|Visiteret af\r\n");
        for (id, start) in &truth.enrolled {
            text.push_str(&format!("{id}|{}|Tværgående team\r\n", dotted(*start)));
        }
        write_file(dir, "forloeb/deltagere.txt", latin1(&text));
        write_file(dir, "tvaers.toml", config().into_bytes());
        truth
    }

    /// `|`-separated ISO-8859-1 with CRLF, `dd.mm.yyyy` dates and `1.234,50` amounts.
    fn write_bars(
        &self,
        dir: &Path,
        department: &Department,
        part: &str,
        rows: &[&(NaiveDate, u32, i64, u8)],
    ) {
        let mut text = String::from("Personnøgle|Bilagsdato|Beløb|Artskonto|Bilagsnr\r\n");
        for (n, (date, citizen, ore, account)) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{}|{}|{}|{}|{}{:07}\r\n",
                self.ids[*citizen as usize],
                dotted(*date),
                danish_amount(*ore),
                department.accounts[*account as usize].0,
                &department.folder[..2].to_uppercase(),
                n + 1
            ));
        }
        write_file(
            dir,
            &format!("{0}/{0}_{part}.txt", department.folder),
            latin1(&text),
        );
    }

    /// The health system's export: `;`-separated UTF-8 with a BOM and CRLF.
    fn write_health(
        &self,
        dir: &Path,
        department: &Department,
        rows: &[(NaiveDate, u32, i64, u8)],
    ) {
        let mut text = String::from("\u{feff}Borgernøgle;Ydelsesdato;Udgift (kr.);Kontonummer\r\n");
        for (date, citizen, ore, account) in rows {
            text.push_str(&format!(
                "{};{};{};{}\r\n",
                self.ids[*citizen as usize],
                dotted(*date),
                danish_amount(*ore),
                department.accounts[*account as usize].0
            ));
        }
        write_file(
            dir,
            &format!("{0}/{0}.csv", department.folder),
            text.into_bytes(),
        );
    }
}

/// `dd.mm.yyyy`.
fn dotted(date: NaiveDate) -> String {
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
}

/// `-1.234.567,80`: thousands dots, decimal comma.
pub fn danish_amount(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let kroner = (ore.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in kroner.chars().enumerate() {
        if i > 0 && (kroner.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped},{:02}", ore.abs() % 100)
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(c as u32).expect("text fits ISO-8859-1"))
        .collect()
}

fn write_file(dir: &Path, name: &str, bytes: Vec<u8>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("folder")).expect("create folder");
    std::fs::write(&path, bytes).expect("write file");
}

/// The config that maps this system's files onto tvaers's fields.
fn config() -> String {
    let mut text = String::from(
        "# A municipality exported by another system.\n\n\
         [analysis]\nfrom = \"2022-01-01\"\nto = \"2024-12-31\"\nmin_cell = 5\n",
    );
    for department in &DEPARTMENTS {
        if department.folder == "sundhed" {
            text.push_str(&format!(
                "\n[[sources]]\nname = \"{0}\"\nkind = \"expenses\"\ndepartment = \"{1}\"\npath = \"{0}/*.csv\"\n\
                 [sources.csv]\ndelimiter = \";\"\ndecimal = \",\"\nencoding = \"utf-8\"\ndate_format = \"%d.%m.%Y\"\n\
                 [sources.columns]\ncitizen = \"Borgernøgle\"\ndate = \"Ydelsesdato\"\namount = \"Udgift (kr.)\"\naccount = \"Kontonummer\"\n",
                department.folder, department.name
            ));
        } else {
            text.push_str(&format!(
                "\n[[sources]]\nname = \"{0}\"\nkind = \"expenses\"\ndepartment = \"{1}\"\npath = \"{0}/*.txt\"\n\
                 [sources.csv]\ndelimiter = \"|\"\ndecimal = \",\"\nencoding = \"iso-8859-1\"\ndate_format = \"%d.%m.%Y\"\n\
                 [sources.columns]\ncitizen = \"Personnøgle\"\ndate = \"Bilagsdato\"\namount = \"Beløb\"\naccount = \"Artskonto\"\n",
                department.folder, department.name
            ));
        }
    }
    text.push_str(
        "\n[[sources]]\nname = \"forloeb\"\nkind = \"enrolments\"\npath = \"forloeb/deltagere.txt\"\n\
         [sources.csv]\ndelimiter = \"|\"\nencoding = \"iso-8859-1\"\ndate_format = \"%d.%m.%Y\"\n\
         [sources.columns]\ncitizen = \"Deltager\"\nstart = \"Forløbsstart\"\n",
    );
    text
}
