//! Reading configs: what is accepted, and the error for what is not.

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "citizen\n").unwrap();
    Config::parse(text, &dir.path().join("tvaers.toml"))
}

const SOURCE: &str = r#"
[[sources]]
name = "s"
kind = "households"
path = "a.csv"
"#;

#[test]
fn misspelt_key_names_it_and_the_allowed_keys() {
    let err = parse(&format!(
        "[analysis]\nfrom = \"2022-01-01\"\nmin_cel = 3\n{SOURCE}"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown field `min_cel`"), "{err}");
    assert!(err.contains("`from`, `to`, `min_cell`"), "{err}");
}

#[test]
fn unknown_column_field_lists_the_kinds_fields() {
    let err = parse(&format!("{SOURCE}[sources.columns]\ncitzen = \"x\"\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field \"citzen\""), "{err}");
    assert!(
        err.contains("citizen, family, valid_from, valid_to"),
        "{err}"
    );
}

#[test]
fn glob_matching_nothing_names_the_path() {
    let err = parse("[[sources]]\nname = \"s\"\nkind = \"ladder\"\npath = \"nope/*.csv\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"nope/*.csv\" matches no file"), "{err}");
}

#[test]
fn expenses_need_a_department() {
    let err = parse("[[sources]]\nname = \"s\"\nkind = \"expenses\"\npath = \"a.csv\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs `department"), "{err}");
}

#[test]
fn dates_may_be_strings_or_toml_dates() {
    let c = parse(&format!(
        "[analysis]\nfrom = 2022-01-01\nto = \"2024-12-31\"\n{SOURCE}"
    ))
    .unwrap();
    assert_eq!(c.period.from, NaiveDate::from_ymd_opt(2022, 1, 1));
    assert_eq!(c.period.to, NaiveDate::from_ymd_opt(2024, 12, 31));
    assert_eq!(c.min_cell, 5);
}

#[test]
fn report_language_and_the_savings_keys_given_are_read() {
    let c = parse(&format!(
        "{SOURCE}[report]\nlanguage = \"da\"\n[savings]\nsetup_cost = 1\n[savings.effects]\ndefault = 0.1\n"
    ))
    .unwrap();
    assert_eq!(c.report_language, Some(crate::language::Language::Danish));
    let origins = merge_savings(&c.savings_layer, &SavingsLayer::default())
        .unwrap()
        .origins;
    assert_eq!(
        origins.into_iter().collect::<Vec<_>>(),
        [
            (Setting::SetupCost, Origin::Config),
            (Setting::Effect("default".into()), Origin::Config)
        ]
    );
    let plain = parse(SOURCE).unwrap();
    assert_eq!(plain.report_language, None);
    assert_eq!(plain.savings_layer, SavingsLayer::default());
    let err = parse(&format!("{SOURCE}[report]\nlanguage = \"de\"\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("report.language: unknown language \"de\""),
        "{err}"
    );
}

#[test]
fn budget_area_keys_are_normalised_to_digits() {
    let c = parse(&format!(
        "{SOURCE}[budget_areas]\n\"5.28.21\" = \"Forebyggelse\"\n"
    ))
    .unwrap();
    assert_eq!(
        c.budget_areas.get("52821").map(String::as_str),
        Some("Forebyggelse")
    );
}

#[test]
fn config_without_sources_is_an_error_naming_the_file() {
    let err = parse("[analysis]\nfrom = \"2022-01-01\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("tvaers.toml"), "{err}");
    assert!(
        err.contains("lists no sources; add a [[sources]] table for each extract"),
        "{err}"
    );
}

#[test]
fn date_format_without_a_year_is_refused() {
    assert!(check_date_format("%d-%m").is_err());
    assert!(check_date_format("%d-%m-%Y").is_ok());
    assert!(check_date_format("%d.%m.%y").is_ok());
}

#[test]
fn out_of_range_savings_are_refused() {
    let err = parse(&format!("{SOURCE}[savings]\ndeadweight = 1.5\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("savings.deadweight must be between 0 and 1"),
        "{err}"
    );
}

#[test]
fn a_flag_over_the_config_over_the_default_is_merged_once_and_named_as_written() {
    let config = SavingsLayer {
        discount_rate: Some(0.04),
        effects: Some(BTreeMap::from([("Kontante ydelser".into(), 0.2)])),
        ..SavingsLayer::default()
    };
    let flags = SavingsLayer {
        discount_rate: Some(0.02),
        effects: Some(BTreeMap::from([("Børn_og_unge".into(), 0.3)])),
        ..SavingsLayer::default()
    };
    let merged = merge_savings(&config, &flags).unwrap();
    assert_eq!(merged.values.discount_rate, 0.02);
    assert_eq!(merged.values.setup_cost, 500_000.0);
    // The config's effects replace the defaults' `default`; a flag adds one area.
    assert_eq!(
        merged.values.effects,
        BTreeMap::from([
            ("Børn_og_unge".into(), 0.3),
            ("Kontante ydelser".into(), 0.2)
        ])
    );
    assert_eq!(merged.origin(&Setting::DiscountRate), Origin::Flag);
    assert_eq!(merged.origin(&Setting::SetupCost), Origin::Default);
    assert_eq!(
        merged.origin(&Setting::Effect("Kontante ydelser".into())),
        Origin::Config
    );
    // An area name with `_` is named as written, not turned into a flag name.
    let flags = SavingsLayer {
        effects: Some(BTreeMap::from([("Børn_og_unge".into(), 1.5)])),
        ..SavingsLayer::default()
    };
    let error = merge_savings(&config, &flags).unwrap_err();
    assert_eq!(
        error.to_string(),
        "--effect \"Børn_og_unge\" must be between 0 and 1, found 1.5"
    );
    assert_eq!(error.setting, Setting::Effect("Børn_og_unge".into()));
    let config = SavingsLayer {
        optimism_bias: Some(-0.1),
        ..SavingsLayer::default()
    };
    assert_eq!(
        merge_savings(&config, &SavingsLayer::default())
            .unwrap_err()
            .to_string(),
        "savings.optimism_bias must be between 0 and 1, found -0.1"
    );
}
