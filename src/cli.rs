//! The command line: clap definitions only. Each command's arguments are
//! turned into the library's plain request types in `cmd/`, so the library
//! never sees clap.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tvaers::hotspots::Percent;
use tvaers::realised::RealisedRequest;
use tvaers::units::UnitMode;
use values::{parse_amount, parse_effect, parse_positive, parse_rate, parse_share};

mod values;

/// Exit codes, for scripts and schedulers.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  error (bad config, unreadable file, missing column, raw CPR number, …)
  2  usage error (unknown flag or command, bad flag value)
  3  data-quality threshold exceeded (a source's rejected share is above --max-reject-rate)";

#[derive(Debug, Parser)]
#[command(
    name = "tvaers",
    version,
    about = "Link pseudonymised department extracts per citizen and family, find the high-cost \
             multi-contact units, and report what coordination would save per budget area.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Print nothing but errors on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load every source, report counts, rejects and warnings.
    #[command(after_help = "Examples:
  tvaers validate --config data-samples/tvaers.toml
  tvaers validate --config data-samples/tvaers.toml --format csv --rejects rejects.csv")]
    Validate(ValidateArgs),
    /// The main job: overview, top hotspots as citizens and as families, in one run.
    #[command(after_help = "Examples:
  tvaers report --config data-samples/tvaers.toml
  tvaers report --config data-samples/tvaers.toml --format json --output report.json
  tvaers report --config data-samples/tvaers.toml --lang da --output rapport.html
  tvaers report --config data-samples/tvaers.toml --output report.xlsx")]
    Report(ReportArgs),
    /// Population: concentration of cost, departments, overlaps, budget areas (suppressed).
    #[command(after_help = "Examples:
  tvaers overview --config data-samples/tvaers.toml
  tvaers overview --config data-samples/tvaers.toml --unit family --format json")]
    Overview(OverviewArgs),
    /// High-cost multi-contact units, ranked (unit-level: not for sharing unless --rekey).
    #[command(after_help = "Examples:
  tvaers hotspots --config data-samples/tvaers.toml --limit 20 --min-departments 3
  tvaers hotspots --config data-samples/tvaers.toml --unit family --min-cost 500000 --format csv
  tvaers hotspots --config data-samples/tvaers.toml --top-percent 1 --excel-da -o top.csv")]
    Hotspots(HotspotsArgs),
    /// Savings per budget area and department for a cohort (the hotspots, or --cohort FILE).
    #[command(after_help = "Examples:
  tvaers savings --config data-samples/tvaers.toml
  tvaers savings --config data-samples/tvaers.toml --scenario all --deadweight 0.2
  tvaers savings --config data-samples/tvaers.toml --effect 'Kontante ydelser=0.15'
  tvaers hotspots --config data-samples/tvaers.toml --format csv > cohort.csv
  tvaers savings --config data-samples/tvaers.toml --cohort cohort.csv")]
    Savings(SavingsArgs),
    /// Realised savings of an enrolled cohort against matched units not enrolled.
    #[command(after_help = "Examples:
  tvaers realised --config data-samples/tvaers.toml
  tvaers realised --config data-samples/tvaers.toml --window-months 6 --format json
  tvaers realised --config data-samples/tvaers.toml --neighbours 10 --match-on departments
  tvaers realised --config data-samples/tvaers.toml --event-study --format csv")]
    Realised(RealisedArgs),
    /// Expected (the [savings] model) against realised savings per calendar period, to date.
    #[command(after_help = "Examples:
  tvaers monitor --config data-samples/tvaers.toml
  tvaers monitor --config data-samples/tvaers.toml --every year --format json")]
    Monitor(MonitorArgs),
    /// Progress on the step scale for a cohort, beside everyone else assessed.
    #[command(after_help = "Examples:
  tvaers ladder --config data-samples/tvaers.toml
  tvaers ladder --config data-samples/tvaers.toml --enrolled --format json")]
    Ladder(LadderArgs),
    /// Replace CPR columns of a CSV with keyed pseudonyms (HMAC-SHA256), streaming any size.
    #[command(after_help = "Examples:
  head -c 32 /dev/urandom > secret.key     # once, shared between departments out of band
  tvaers pseudonymise udbetalinger.csv --key secret.key --columns BorgerID -o pseudo.csv
  tvaers pseudonymise husstande.csv --key secret.key --columns BorgerID,MorCPR --to-utf8 > out.csv")]
    Pseudonymise(PseudonymiseArgs),
    /// Write a tvaers.toml for a folder of extracts: sources, dialects, columns and period.
    #[command(after_help = "Examples:
  tvaers init                      # the extracts in this folder and its subfolders
  tvaers init extracts --out extracts/tvaers.toml
  tvaers init extracts --force     # replace an existing extracts/tvaers.toml")]
    Init(InitArgs),
    /// Write a synthetic municipality (any size, seeded) and a tvaers.toml that reads it.
    #[command(after_help = "Examples:
  tvaers generate --citizens 2000 --seed 7 --out demo --dialect danish
  tvaers generate --citizens 5000 --seed 1 --out demo-parquet --format parquet
  tvaers generate --citizens 2000 --seed 9 --out random-cohort --enrol-by random")]
    Generate(GenerateArgs),
    /// Print a shell completion script (bash, zsh, fish or PowerShell).
    #[command(after_help = "Examples:
  tvaers completions bash > ~/.local/share/bash-completion/completions/tvaers
  tvaers completions zsh > ~/.zfunc/_tvaers
  tvaers completions fish > ~/.config/fish/completions/tvaers.fish")]
    Completions(CompletionsArgs),
    /// Write the manual page (roff): tvaers(1) to stdout, or one page per command into a folder.
    #[command(after_help = "Examples:
  tvaers man > tvaers.1 && man -l tvaers.1
  tvaers man --dir man1")]
    Man(ManArgs),
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::Report(_) => "report",
            Command::Overview(_) => "overview",
            Command::Hotspots(_) => "hotspots",
            Command::Savings(_) => "savings",
            Command::Realised(_) => "realised",
            Command::Monitor(_) => "monitor",
            Command::Ladder(_) => "ladder",
            Command::Pseudonymise(_) => "pseudonymise",
            Command::Init(_) => "init",
            Command::Generate(_) => "generate",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }

    /// The workspace flags of an analysis command.
    pub fn workspace(&self) -> Option<&WorkspaceArgs> {
        match self {
            Command::Validate(a) => Some(&a.workspace),
            Command::Report(a) => Some(&a.workspace),
            Command::Overview(a) => Some(&a.workspace),
            Command::Hotspots(a) => Some(&a.workspace),
            Command::Savings(a) => Some(&a.workspace),
            Command::Realised(a) => Some(&a.workspace),
            Command::Monitor(a) => Some(&a.workspace),
            Command::Ladder(a) => Some(&a.workspace),
            Command::Pseudonymise(_)
            | Command::Init(_)
            | Command::Generate(_)
            | Command::Completions(_)
            | Command::Man(_) => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

/// The shells `tvaers completions` writes for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tvaers.1 and a tvaers-COMMAND.1 for every command into this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where the data is and how strictly to read it.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// Workspace config.
    #[arg(long, value_name = "PATH", default_value = "tvaers.toml")]
    pub config: PathBuf,
    /// First day of the analysis period (YYYY-MM-DD); overrides [analysis] from.
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day of the analysis period (YYYY-MM-DD); overrides [analysis] to.
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Write every rejected row (source, file, line, reason, raw) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Fail with exit code 3 when a source rejects more than this share of its rows.
    #[arg(long, value_name = "SHARE", default_value_t = 0.01, value_parser = parse_share, allow_negative_numbers = true)]
    pub max_reject_rate: f64,
    /// Write a manifest of the run (inputs with SHA-256, config hash, period, counts, exit code)
    /// to this JSON file, also when the run fails.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

/// How and where results are written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, csv otherwise, or from --output's extension].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV for a Danish-locale Excel: `;`, decimal comma, UTF-8 with BOM.
    #[arg(long)]
    pub excel_da: bool,
    /// Language of HTML output [default: the config's [report] language, else en].
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,
    /// Text tables keep every column on a narrow terminal (instead of leaving out the widest optional ones).
    #[arg(long)]
    pub wide: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Danish.
    Da,
    /// English.
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Parquet,
    Xlsx,
    Html,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which units count as hotspots (SPEC §2).
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Keep the top P % of units by total cost (ceil(N × P / 100)).
    #[arg(long, value_name = "P", default_value = "5")]
    pub top_percent: Percent,
    /// Instead of --top-percent: keep units whose total cost is at least this.
    #[arg(long, value_name = "AMOUNT", conflicts_with = "top_percent", value_parser = parse_amount, allow_negative_numbers = true)]
    pub min_cost: Option<f64>,
    /// Keep units active in at least this many departments.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_departments: u32,
    /// Keep units with at least this many caseworkers.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_caseworkers: u32,
    /// Keep units active for at least this many years (active_days >= 365 × Y).
    #[arg(long, value_name = "Y", default_value_t = 0.0, value_parser = parse_amount, allow_negative_numbers = true)]
    pub min_years: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// One citizen.
    Citizen,
    /// The household a citizen belonged to on each row's date.
    Family,
}

/// The flag value of a unit mode (the defaults of `realised` are the library's).
const fn unit_arg(mode: UnitMode) -> UnitArg {
    match mode {
        UnitMode::Citizen => UnitArg::Citizen,
        UnitMode::Family => UnitArg::Family,
    }
}

#[derive(Debug, Args)]
pub struct HotspotsArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Unit of analysis.
    #[arg(long, value_enum, default_value_t = UnitArg::Citizen)]
    pub unit: UnitArg,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Show at most this many units.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Re-pseudonymise unit ids with this key file (HMAC-SHA256) for sharing.
    #[arg(long, value_name = "KEYFILE")]
    pub rekey: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OverviewArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Unit of analysis.
    #[arg(long, value_enum, default_value_t = UnitArg::Citizen)]
    pub unit: UnitArg,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Hotspots listed per unit mode.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Include the hotspot lists (unit ids: personal data) in HTML and xlsx reports.
    #[arg(long)]
    pub units: bool,
    /// Re-pseudonymise the hotspot lists' unit ids with this key file (HMAC-SHA256) for sharing.
    #[arg(long, value_name = "KEYFILE")]
    pub rekey: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SavingsArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Unit of analysis.
    #[arg(long, value_enum, default_value_t = UnitArg::Citizen)]
    pub unit: UnitArg,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// The cohort's unit ids instead of the hotspots: hotspots' CSV or JSON output (a unit_id column), or one id per line.
    #[arg(long, value_name = "FILE")]
    pub cohort: Option<PathBuf>,
    /// Effects scaled by the scenario's factor (low 0.5, base 1, high 1.5), or all three side by side.
    #[arg(long, value_enum, default_value_t = ScenarioArg::Base)]
    pub scenario: ScenarioArg,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

/// Overrides of the config's [savings] table.
#[derive(Debug, Args)]
pub struct AssumptionArgs {
    /// Years modelled.
    #[arg(long, value_name = "YEARS", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub horizon_years: Option<u32>,
    /// Yearly discount rate, at least 0 and below 1 (default 0.035, the Ministry of Finance's).
    #[arg(long, value_name = "RATE", value_parser = parse_rate, allow_negative_numbers = true)]
    pub discount_rate: Option<f64>,
    /// Coordinator cost per unit per year.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_negative_numbers = true)]
    pub coordinator_cost: Option<f64>,
    /// One-off cost at year 0.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_negative_numbers = true)]
    pub setup_cost: Option<f64>,
    /// Share of the full effect in years 1, 2, …, comma-separated (e.g. 0.5,1).
    #[arg(long, value_name = "SHARES", value_delimiter = ',', value_parser = parse_share, allow_negative_numbers = true)]
    pub ramp_up: Option<Vec<f64>>,
    /// Share of the change that would have happened anyway.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, allow_negative_numbers = true)]
    pub deadweight: Option<f64>,
    /// Share taken off every expected effect.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, allow_negative_numbers = true)]
    pub optimism_bias: Option<f64>,
    /// Expected effect in a budget area, as AREA=SHARE (repeatable; AREA "default" for the rest).
    #[arg(long, value_name = "AREA=SHARE", value_parser = parse_effect)]
    pub effect: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    Low,
    Base,
    High,
    All,
}

#[derive(Debug, Args)]
pub struct RealisedArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Table and CSV show the event study (cost per month around start) instead of the areas.
    #[arg(long)]
    pub event_study: bool,
}

/// How `realised` and `monitor` match each enrolled unit.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Unit of analysis (enrolments are read from the citizen or family column).
    #[arg(long, value_enum, default_value_t = unit_arg(RealisedRequest::DEFAULT.mode))]
    pub unit: UnitArg,
    /// Months before and after each start; the months before are matched on.
    #[arg(long, value_name = "N", default_value_t = RealisedRequest::DEFAULT.window_months, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub window_months: u32,
    /// Comparison units per enrolled unit (nearest neighbours, with replacement).
    #[arg(long, value_name = "K", default_value_t = RealisedRequest::DEFAULT.neighbours as u32, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub neighbours: u32,
    /// Also match exactly on this (repeat or comma-separate).
    #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
    pub match_on: Vec<MatchOnArg>,
    /// Largest absolute standardised mean difference of a matching feature still called balanced.
    #[arg(long, value_name = "SMD", default_value_t = RealisedRequest::DEFAULT.max_imbalance, value_parser = parse_positive)]
    pub max_imbalance: f64,
    /// Largest gap in the enrolled units' and their matches' cost before start, as a share of the
    /// enrolled units' cost, still called balanced.
    #[arg(long, value_name = "SHARE", default_value_t = RealisedRequest::DEFAULT.max_level_gap, value_parser = parse_share)]
    pub max_level_gap: f64,
    /// Bootstrap resamples for the interval.
    #[arg(long, value_name = "N", default_value_t = RealisedRequest::DEFAULT.resamples)]
    pub resamples: usize,
    /// Seed of the resampling.
    #[arg(long, value_name = "S", default_value_t = RealisedRequest::DEFAULT.seed)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Length of the calendar periods followed.
    #[arg(long, value_enum, default_value_t = EveryArg::Quarter)]
    pub every: EveryArg,
}

/// Calendar periods of `monitor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EveryArg {
    Month,
    Quarter,
    Year,
}

/// What `realised` can match exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchOnArg {
    /// Number of departments in touch in the months before start (1, 2, 3, 4+).
    Departments,
}

#[derive(Debug, Args)]
pub struct LadderArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// The cohort's citizen ids instead of the hotspots: hotspots' CSV or JSON output (a unit_id column), or one per line.
    #[arg(long, value_name = "FILE", conflicts_with = "enrolled")]
    pub cohort: Option<PathBuf>,
    /// The cohort is every citizen in an enrolments source.
    #[arg(long)]
    pub enrolled: bool,
    /// The top step of the scale [default: the highest step assessed].
    #[arg(long, value_name = "STEP")]
    pub top_step: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PseudonymiseArgs {
    /// CSV file to read (.csv or .csv.gz).
    pub input: PathBuf,
    /// Secret key file (at least 32 bytes); never printed.
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// Columns to replace, comma-separated.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', required = true)]
    pub columns: Vec<String>,
    /// Write here (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Input delimiter: auto, tab, or one character.
    #[arg(long, value_name = "D", default_value = "auto")]
    pub delimiter: String,
    /// Input encoding: auto, utf-8, windows-1252 or iso-8859-1.
    #[arg(long, value_name = "E", default_value = "auto")]
    pub encoding: String,
    /// Write UTF-8 instead of the input's encoding.
    #[arg(long)]
    pub to_utf8: bool,
    /// Fail (and write no output file) when a value does not look like a CPR number.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of extracts, scanned with its subfolders.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Config to write (default: tvaers.toml in DIR); paths in it are relative to it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing config.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of citizens.
    #[arg(long, value_name = "N")]
    pub citizens: u64,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into: new or empty (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write into a folder that is not empty, overwriting the files generate writes
    /// (refused still when the folder holds other files the config would read).
    #[arg(long)]
    pub force: bool,
    /// How the files are written.
    #[arg(long, value_enum, default_value_t = DialectArg::Plain)]
    pub dialect: DialectArg,
    /// File format of the sources.
    #[arg(long, value_enum, default_value_t = FileFormatArg::Csv)]
    pub format: FileFormatArg,
    /// How the cohort of the coordinated course is chosen (each rule enrols
    /// about 0.5 % of citizens, all with rows in two or more departments in
    /// the 12 months before their start).
    #[arg(long, value_enum, value_name = "RULE", default_value_t = EnrolByArg::EarlierCost)]
    pub enrol_by: EnrolByArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnrolByArg {
    /// The costliest in the 12 months before the start (half of those above 1.25 million kr).
    EarlierCost,
    /// A random 5.5 % of citizens in two or more departments, whatever their cost.
    Random,
    /// The costliest in the 3 months before the start (half of those above 330,000 kr).
    Recent,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    /// `,`, UTF-8, ISO dates, decimal point, English column names.
    Plain,
    /// `;`, Windows-1252, dd-mm-yyyy, decimal comma with thousands dots, Danish column names.
    Danish,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormatArg {
    Csv,
    Parquet,
}
