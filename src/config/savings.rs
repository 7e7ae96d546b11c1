//! The savings assumptions (`[savings]`, SPEC §3): defaults, the TOML
//! table and the command-line flags as layers merged in one place (flag over
//! config over default), and the ranges every value must lie in, with errors
//! that name the key or flag the user wrote.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Savings assumptions (SPEC §3), before any command-line override.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsConfig {
    /// Years modelled after year 0.
    pub horizon_years: u32,
    /// Yearly discount rate.
    pub discount_rate: f64,
    /// Coordinator cost per unit per year.
    pub coordinator_cost: f64,
    /// One-off cost at year 0.
    pub setup_cost: f64,
    /// Share of the full effect in years 1, 2, …; later years are 1.0.
    pub ramp_up: Vec<f64>,
    /// Share of the change that would have happened anyway.
    pub deadweight: f64,
    /// Share taken off every expected effect.
    pub optimism_bias: f64,
    /// Expected cost reduction per budget area; `default` for the rest.
    pub effects: BTreeMap<String, f64>,
    /// Effect multipliers of the low, base and high scenarios.
    pub scenarios: Scenarios,
}

/// Effect multipliers per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenarios {
    /// Pessimistic multiplier (0.5).
    pub low: f64,
    /// Expected multiplier (1.0).
    pub base: f64,
    /// Optimistic multiplier (1.5).
    pub high: f64,
}

impl Default for Scenarios {
    fn default() -> Self {
        Scenarios {
            low: 0.5,
            base: 1.0,
            high: 1.5,
        }
    }
}

impl Default for SavingsConfig {
    fn default() -> Self {
        SavingsConfig {
            horizon_years: 5,
            // The Ministry of Finance's social discount rate since 2021.
            discount_rate: 0.035,
            coordinator_cost: 90_000.0,
            setup_cost: 500_000.0,
            ramp_up: vec![0.5, 1.0],
            deadweight: 0.0,
            optimism_bias: 0.0,
            effects: BTreeMap::from([("default".to_string(), 0.05)]),
            scenarios: Scenarios::default(),
        }
    }
}

/// Savings values given in one place, the config's `[savings]` table or
/// the command line's flags; `None` where that place gives nothing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsLayer {
    /// `horizon_years`, `--horizon-years`.
    pub horizon_years: Option<u32>,
    /// `discount_rate`, `--discount-rate`.
    pub discount_rate: Option<f64>,
    /// `coordinator_cost`, `--coordinator-cost`.
    pub coordinator_cost: Option<f64>,
    /// `setup_cost`, `--setup-cost`.
    pub setup_cost: Option<f64>,
    /// `ramp_up`, `--ramp-up`.
    pub ramp_up: Option<Vec<f64>>,
    /// `deadweight`, `--deadweight`.
    pub deadweight: Option<f64>,
    /// `optimism_bias`, `--optimism-bias`.
    pub optimism_bias: Option<f64>,
    /// `[savings.effects]`, or each `--effect AREA=SHARE`.
    pub effects: Option<BTreeMap<String, f64>>,
    /// `[savings.scenarios]` (no flag).
    pub scenarios: Option<Scenarios>,
}

/// One savings setting, as the user names it: a config key or a flag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    /// Years modelled.
    HorizonYears,
    /// Yearly discount rate.
    DiscountRate,
    /// Coordinator cost per unit per year.
    CoordinatorCost,
    /// One-off cost.
    SetupCost,
    /// Shares of the effect per year.
    RampUp,
    /// Share that would have happened anyway.
    Deadweight,
    /// Share taken off every effect.
    OptimismBias,
    /// The effect in one budget area (or `default`).
    Effect(String),
    /// The factor of one scenario: `low`, `base` or `high`.
    Scenario(&'static str),
}

impl Setting {
    /// The setting as the user wrote it where it came from: `--discount-rate`
    /// for a flag, `savings.discount_rate` for the config (and a default).
    pub fn written(&self, origin: Origin) -> String {
        let (key, flag) = match self {
            Setting::HorizonYears => ("horizon_years", "--horizon-years"),
            Setting::DiscountRate => ("discount_rate", "--discount-rate"),
            Setting::CoordinatorCost => ("coordinator_cost", "--coordinator-cost"),
            Setting::SetupCost => ("setup_cost", "--setup-cost"),
            Setting::RampUp => ("ramp_up", "--ramp-up"),
            Setting::Deadweight => ("deadweight", "--deadweight"),
            Setting::OptimismBias => ("optimism_bias", "--optimism-bias"),
            Setting::Effect(area) => {
                return match origin {
                    Origin::Flag => format!("--effect {area:?}"),
                    Origin::Config | Origin::Default => format!("savings.effects.{area:?}"),
                }
            }
            // No flag sets a scenario's factor.
            Setting::Scenario(name) => return format!("savings.scenarios.{name}"),
        };
        match origin {
            Origin::Flag => flag.to_string(),
            Origin::Config | Origin::Default => format!("savings.{key}"),
        }
    }
}

/// Where a savings value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The built-in default (SPEC §3).
    Default,
    /// The config's `[savings]` table.
    Config,
    /// A command-line flag.
    Flag,
}

impl Origin {
    /// `default`, `config` or `flag`.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Default => "default",
            Origin::Config => "config",
            Origin::Flag => "flag",
        }
    }
}

/// The savings assumptions in force, and where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Savings {
    /// The values.
    pub values: SavingsConfig,
    /// The origin of every setting not at its default.
    pub origins: BTreeMap<Setting, Origin>,
}

impl Savings {
    /// Where `setting` came from.
    pub fn origin(&self, setting: &Setting) -> Origin {
        self.origins
            .get(setting)
            .copied()
            .unwrap_or(Origin::Default)
    }
}

/// A savings value out of range, named as the user wrote it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} {problem}", setting.written(*origin))]
pub struct SavingsError {
    /// The setting.
    pub setting: Setting,
    /// Where its value came from.
    pub origin: Origin,
    /// What is wrong, e.g. `must be between 0 and 1, found 1.5`.
    pub problem: String,
}

/// The one merge of savings settings: each flag over the config's value
/// over the default. The config's `[savings.effects]` is a whole table (an
/// area it leaves out gets `default`'s effect); each `--effect` changes one
/// area. Every value is then checked, and an error names it as written.
pub fn merge(config: &SavingsLayer, flags: &SavingsLayer) -> Result<Savings, SavingsError> {
    let mut savings = Savings {
        values: SavingsConfig::default(),
        origins: BTreeMap::new(),
    };
    for (layer, origin) in [(config, Origin::Config), (flags, Origin::Flag)] {
        let values = &mut savings.values;
        let origins = &mut savings.origins;
        let mut set = |setting: Setting, given: bool| {
            if given {
                origins.insert(setting, origin);
            }
        };
        set(Setting::HorizonYears, layer.horizon_years.is_some());
        set(Setting::DiscountRate, layer.discount_rate.is_some());
        set(Setting::CoordinatorCost, layer.coordinator_cost.is_some());
        set(Setting::SetupCost, layer.setup_cost.is_some());
        set(Setting::RampUp, layer.ramp_up.is_some());
        set(Setting::Deadweight, layer.deadweight.is_some());
        set(Setting::OptimismBias, layer.optimism_bias.is_some());
        for name in ["low", "base", "high"] {
            set(Setting::Scenario(name), layer.scenarios.is_some());
        }
        values.horizon_years = layer.horizon_years.unwrap_or(values.horizon_years);
        values.discount_rate = layer.discount_rate.unwrap_or(values.discount_rate);
        values.coordinator_cost = layer.coordinator_cost.unwrap_or(values.coordinator_cost);
        values.setup_cost = layer.setup_cost.unwrap_or(values.setup_cost);
        if let Some(ramp_up) = &layer.ramp_up {
            values.ramp_up = ramp_up.clone();
        }
        values.deadweight = layer.deadweight.unwrap_or(values.deadweight);
        values.optimism_bias = layer.optimism_bias.unwrap_or(values.optimism_bias);
        values.scenarios = layer.scenarios.unwrap_or(values.scenarios);
        if let Some(effects) = &layer.effects {
            if origin == Origin::Config {
                values.effects.clear();
            }
            for (area, share) in effects {
                values.effects.insert(area.clone(), *share);
                origins.insert(Setting::Effect(area.clone()), origin);
            }
        }
    }
    check(&savings)?;
    Ok(savings)
}

/// Checks that every savings value is in range.
fn check(savings: &Savings) -> Result<(), SavingsError> {
    let config = &savings.values;
    let error = |setting: Setting, problem: String| SavingsError {
        origin: savings.origin(&setting),
        setting,
        problem,
    };
    let share = |setting: Setting, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(error(
                setting,
                format!("must be between 0 and 1, found {v}"),
            ))
        }
    };
    share(Setting::Deadweight, config.deadweight)?;
    share(Setting::OptimismBias, config.optimism_bias)?;
    for v in &config.ramp_up {
        share(Setting::RampUp, *v)?;
    }
    for (area, v) in &config.effects {
        if area.trim().is_empty() {
            return Err(error(
                Setting::Effect(area.clone()),
                "has an empty budget area name".to_string(),
            ));
        }
        share(Setting::Effect(area.clone()), *v)?;
    }
    for (name, v) in [
        ("low", config.scenarios.low),
        ("base", config.scenarios.base),
        ("high", config.scenarios.high),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(error(
                Setting::Scenario(name),
                format!("must be a factor of zero or more, found {v}"),
            ));
        }
    }
    if config.horizon_years == 0 || config.horizon_years > 100 {
        return Err(error(
            Setting::HorizonYears,
            format!("must be between 1 and 100, found {}", config.horizon_years),
        ));
    }
    // A negative rate or one of 100 % or more is a typo, not an assumption.
    if !(0.0..1.0).contains(&config.discount_rate) {
        return Err(error(
            Setting::DiscountRate,
            format!(
                "must be a yearly rate, at least 0 and below 1, found {}",
                config.discount_rate
            ),
        ));
    }
    for (setting, v) in [
        (Setting::CoordinatorCost, config.coordinator_cost),
        (Setting::SetupCost, config.setup_cost),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(error(setting, format!("must be zero or more, found {v}")));
        }
    }
    Ok(())
}
