//! The savings assumptions (`[savings]`, SPEC §3): defaults, the TOML
//! table, and the ranges every value must lie in, whether it came from the
//! config or from a command-line flag.

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSavings {
    horizon_years: Option<u32>,
    discount_rate: Option<f64>,
    coordinator_cost: Option<f64>,
    setup_cost: Option<f64>,
    ramp_up: Option<Vec<f64>>,
    deadweight: Option<f64>,
    optimism_bias: Option<f64>,
    effects: Option<BTreeMap<String, f64>>,
    scenarios: Option<Scenarios>,
}

/// The keys a `[savings]` table gives, by their config names.
pub(super) fn given_keys(raw: Option<&RawSavings>) -> std::collections::BTreeSet<String> {
    let Some(raw) = raw else {
        return Default::default();
    };
    [
        ("horizon_years", raw.horizon_years.is_some()),
        ("discount_rate", raw.discount_rate.is_some()),
        ("coordinator_cost", raw.coordinator_cost.is_some()),
        ("setup_cost", raw.setup_cost.is_some()),
        ("ramp_up", raw.ramp_up.is_some()),
        ("deadweight", raw.deadweight.is_some()),
        ("optimism_bias", raw.optimism_bias.is_some()),
        ("effects", raw.effects.is_some()),
        ("scenarios", raw.scenarios.is_some()),
    ]
    .into_iter()
    .filter(|(_, given)| *given)
    .map(|(key, _)| key.to_string())
    .collect()
}

pub(super) fn savings_config(raw: Option<RawSavings>) -> Result<SavingsConfig, String> {
    let mut config = SavingsConfig::default();
    let Some(raw) = raw else { return Ok(config) };
    if let Some(v) = raw.horizon_years {
        config.horizon_years = v;
    }
    if let Some(v) = raw.discount_rate {
        config.discount_rate = v;
    }
    if let Some(v) = raw.coordinator_cost {
        config.coordinator_cost = v;
    }
    if let Some(v) = raw.setup_cost {
        config.setup_cost = v;
    }
    if let Some(v) = raw.ramp_up {
        config.ramp_up = v;
    }
    if let Some(v) = raw.deadweight {
        config.deadweight = v;
    }
    if let Some(v) = raw.optimism_bias {
        config.optimism_bias = v;
    }
    if let Some(v) = raw.effects {
        config.effects = v;
    }
    if let Some(v) = raw.scenarios {
        config.scenarios = v;
    }
    check_savings(&config)?;
    Ok(config)
}

/// Checks that savings assumptions are in range.
pub fn check_savings(config: &SavingsConfig) -> Result<(), String> {
    let share = |name: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(format!("savings.{name} must be between 0 and 1, found {v}"))
        }
    };
    share("deadweight", config.deadweight)?;
    share("optimism_bias", config.optimism_bias)?;
    for v in &config.ramp_up {
        share("ramp_up", *v)?;
    }
    for (area, v) in &config.effects {
        if area.trim().is_empty() {
            return Err("savings.effects has an empty budget area name".to_string());
        }
        share(&format!("effects.{area:?}"), *v)?;
    }
    for (name, v) in [
        ("low", config.scenarios.low),
        ("base", config.scenarios.base),
        ("high", config.scenarios.high),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(format!(
                "savings.scenarios.{name} must be a factor of zero or more, found {v}"
            ));
        }
    }
    if config.horizon_years == 0 || config.horizon_years > 100 {
        return Err(format!(
            "savings.horizon_years must be between 1 and 100, found {}",
            config.horizon_years
        ));
    }
    // A negative rate or one of 100 % or more is a typo, not an assumption.
    if !(0.0..1.0).contains(&config.discount_rate) {
        return Err(format!(
            "savings.discount_rate must be a yearly rate, at least 0 and below 1, found {}",
            config.discount_rate
        ));
    }
    for (name, v) in [
        ("coordinator_cost", config.coordinator_cost),
        ("setup_cost", config.setup_cost),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(format!("savings.{name} must be zero or more, found {v}"));
        }
    }
    Ok(())
}
