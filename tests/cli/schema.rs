//! Every JSON document the tests make tvaers write is checked against its
//! command's JSON Schema in `schemas/`, so the schemas cannot drift from the
//! output: a field added to the output without the schema, or a type that
//! changed, fails the test that wrote it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// The commands whose JSON has a schema, by the file `schemas/NAME.schema.json`.
const SCHEMAS: [&str; 8] = [
    "validate", "overview", "hotspots", "report", "savings", "realised", "monitor", "ladder",
];

/// Asserts that `json` is valid against `schemas/{name}.schema.json`.
pub fn assert_valid(name: &str, json: &serde_json::Value) {
    static VALIDATORS: OnceLock<Mutex<HashMap<String, jsonschema::Validator>>> = OnceLock::new();
    let mut validators = VALIDATORS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let validator = validators.entry(name.to_string()).or_insert_with(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas")
            .join(format!("{name}.schema.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()))
    });
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the JSON does not match schemas/{name}.schema.json:\n{}\n===== JSON =====\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(json).unwrap_or_default()
    );
}

/// Parses `text` as JSON and checks it against `name`'s schema.
pub fn assert_valid_text(name: &str, text: &[u8]) {
    let json: serde_json::Value =
        serde_json::from_slice(text).unwrap_or_else(|e| panic!("{name}'s output is not JSON: {e}"));
    assert_valid(name, &json);
}

/// After a run with `args` in `dir`: checks the JSON it wrote against its
/// schema: a `--manifest` file, and when it exited 0 stdout with `--format
/// json` or an `--output` file ending in `.json` or written as JSON. Runs
/// that wrote no JSON are left alone.
pub fn check_run(dir: &Path, args: &[String], code: i32, stdout: &[u8]) {
    let value = |flags: &[&str]| -> Option<&str> {
        args.iter().enumerate().rev().find_map(|(i, a)| {
            if let Some((flag, v)) = a.split_once('=') {
                return flags.contains(&flag).then_some(v);
            }
            flags
                .contains(&a.as_str())
                .then(|| args.get(i + 1).map(String::as_str))
                .flatten()
        })
    };
    // A manifest is written whatever the exit code (a path not ending in
    // `.json` is a test of a refused manifest that names an input).
    if let Some(file) = value(&["--manifest"]).filter(|f| f.ends_with(".json")) {
        if let Ok(bytes) = std::fs::read(dir.join(file)) {
            assert_valid_text("manifest", &bytes);
        }
    }
    if code != 0 {
        return;
    }
    let Some(command) = args.iter().find(|a| SCHEMAS.contains(&a.as_str())) else {
        return;
    };
    let format = value(&["--format"]);
    let output = value(&["--output", "-o"]);
    let json = format == Some("json")
        || (format.is_none() && output.is_some_and(|o| o.ends_with(".json")));
    if json {
        match output {
            Some(file) if !file.starts_with("/dev/") => {
                let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_valid_text(command, &bytes);
            }
            Some(_) => {}
            None if !stdout.is_empty() => assert_valid_text(command, stdout),
            None => {}
        }
    }
}
