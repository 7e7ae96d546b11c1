//! How flag values are read and checked as clap parses them: shares, rates,
//! amounts and `AREA=SHARE` effects. A value out of range is a usage error
//! (exit 2) that quotes what was written.

pub(super) fn parse_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a share between 0 and 1, found {text:?}")),
    }
}

pub(super) fn parse_positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a number above 0, found {text:?}")),
    }
}

/// An amount, a count of years or a threshold: a finite number, zero or more.
pub(super) fn parse_amount(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number, zero or more, found {text:?}")),
    }
}

/// A yearly discount rate: at least 0 and below 1 (a negative or 100 % rate
/// is a typo, not an assumption).
pub(super) fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a yearly rate, at least 0 and below 1 (e.g. 0.035), found {text:?}"
        )),
    }
}

/// `AREA=SHARE`, the area not empty, the share between 0 and 1. The last `=`
/// splits, so an area name may hold one.
pub(super) fn parse_effect(text: &str) -> Result<(String, f64), String> {
    let Some((area, share)) = text.rsplit_once('=') else {
        return Err(format!(
            "expected AREA=SHARE, e.g. 'Kontante ydelser=0.1', found {text:?}"
        ));
    };
    let area = area.trim();
    if area.is_empty() {
        return Err(format!(
            "expected AREA=SHARE with a budget area name (or \"default\"), found {text:?}"
        ));
    }
    Ok((area.to_string(), parse_share(share)?))
}
