//! `--output` and `--rejects`: never over an input, straight through to a
//! device or a pipe.

use crate::workdir::Workdir;

#[test]
fn output_or_rejects_naming_an_input_is_refused_before_reading() {
    let wd = Workdir::fixture("units");
    wd.write("cohort.txt", "A\n");
    let before = wd.read("expenses.csv");
    let cases: &[(&[&str], &str)] = &[
        (
            &["hotspots", "--output", "expenses.csv"],
            "tvaers: --output expenses.csv is a file of source \"expenses\": refusing to overwrite an input; write somewhere else\n",
        ),
        (
            &["validate", "--rejects", "./contacts.csv"],
            "tvaers: --rejects ./contacts.csv is a file of source \"contacts\": refusing to overwrite an input; write somewhere else\n",
        ),
        (
            &["overview", "-o", "tvaers.toml", "--format", "csv"],
            "tvaers: --output tvaers.toml is the config file: refusing to overwrite an input; write somewhere else\n",
        ),
        (
            &["savings", "--cohort", "cohort.txt", "-o", "cohort.txt", "--format", "csv"],
            "tvaers: --output cohort.txt is the --cohort file: refusing to overwrite an input; write somewhere else\n",
        ),
    ];
    for (args, message) in cases {
        let run = wd.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        crate::eqnice!(*message, run.stderr);
    }
    assert_eq!(wd.read("expenses.csv"), before);
    assert_eq!(wd.read("cohort.txt"), "A\n");
}

#[cfg(unix)]
#[test]
fn output_through_a_link_to_an_input_is_refused() {
    let wd = Workdir::fixture("units");
    std::os::unix::fs::symlink("expenses.csv", wd.path().join("report.csv")).unwrap();
    let run = wd.run(&["hotspots", "-o", "report.csv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("is a file of source \"expenses\""),
        "{}",
        run.stderr
    );
}

#[test]
fn rejects_to_dev_stdout_is_written_through_not_replaced() {
    let wd = Workdir::fixture("units");
    wd.write(
        "expenses.csv",
        "citizen,date,amount,account,department,case\nA,bad,1,5.57.73,Job,J1\n",
    );
    let run = wd.shell(
        "\"$TVAERS\" validate -o /dev/null --format csv --max-reject-rate 1 --rejects /dev/stdout --quiet | cat",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("source,file,line,reason,raw\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("A,bad,1,5.57.73,Job,J1"),
        "{}",
        run.stdout
    );
}

#[test]
fn rejects_to_dev_stdout_redirected_to_a_file_keeps_both_outputs() {
    let wd = Workdir::fixture("units");
    wd.write(
        "expenses.csv",
        "citizen,date,amount,account,department,case\nA,bad,1,5.57.73,Job,J1\n",
    );
    let run = wd.shell(
        "\"$TVAERS\" validate --format csv --max-reject-rate 1 --rejects /dev/stdout --quiet > out.csv",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = wd.read("out.csv");
    assert!(out.starts_with("source,file,line,reason,raw\n"), "{out}");
    assert!(
        out.contains("source,kind,department,files,read,accepted,rejected,outside_period\n"),
        "{out}"
    );
}
