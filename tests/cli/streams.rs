//! Standard streams that cannot be written: a closed or full stdout is an
//! error (exit 1), and a stderr that cannot be written
//! never turns a run into a panic.

use crate::eqnice;
use crate::workdir::Workdir;

const HOTSPOTS: &str = "\"$TVAERS\" hotspots --format csv";

#[test]
fn closed_stdout_is_an_error_not_a_lost_result() {
    let wd = Workdir::fixture("units");
    let run = wd.shell(&format!("{HOTSPOTS} >&-"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: stdout is closed, so the result would be lost: redirect stdout or use --output FILE\n",
        run.stderr
    );
}

#[test]
fn full_stdout_is_an_error() {
    let wd = Workdir::fixture("units");
    let run = wd.shell(&format!("{HOTSPOTS} > /dev/full"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    eqnice!(
        "tvaers: cannot write to stdout: No space left on device (os error 28)\n",
        run.stderr
    );
}

#[test]
fn closed_stderr_does_not_panic_on_a_warning_or_an_error() {
    let wd = Workdir::fixture("units");
    // A note (rows rejected) and then an error (exit 1) with nowhere to say them.
    wd.write(
        "expenses.csv",
        "citizen,date,amount,account,department,case\nA,bad,1,5.57.73,Job,J1\n",
    );
    let run = wd.shell(&format!("{HOTSPOTS} 2>&-; echo \"exit $?\""));
    // 3: the rejected share is above --max-reject-rate; a panic would be 101.
    eqnice!("exit 3\n", run.stdout);
    let run = wd.shell(&format!(
        "{HOTSPOTS} --max-reject-rate 1 2>&- >/dev/null; echo \"exit $?\""
    ));
    eqnice!("exit 0\n", run.stdout);
}

#[test]
fn full_stderr_does_not_panic_on_a_warning_or_an_error() {
    let wd = Workdir::fixture("units");
    wd.write(
        "expenses.csv",
        "citizen,date,amount,account,department,case\nA,bad,1,5.57.73,Job,J1\n",
    );
    let run = wd.shell(&format!("{HOTSPOTS} 2>/dev/full; echo \"exit $?\""));
    // 3: the rejected share is above --max-reject-rate; a panic would be 101.
    eqnice!("exit 3\n", run.stdout);
    let run = wd.shell(&format!(
        "{HOTSPOTS} --max-reject-rate 1 2>/dev/full >/dev/null; echo \"exit $?\""
    ));
    eqnice!("exit 0\n", run.stdout);
}
