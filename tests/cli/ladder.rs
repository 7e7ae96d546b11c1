//! `tvaers ladder` end to end.

use crate::eqnice;
use crate::workdir::Workdir;

/// A workspace with ladder rows for a, b, c (the cohort in every test) and
/// d, e; a 1→3, b 2→3, c 4→4; d 1→2, e 1→1 (its 2024 row is outside).
fn workspace(extra_sources: &str) -> Workdir {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        format!(
            "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = 2\n\
             [[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"l.csv\"\n{extra_sources}"
        ),
    );
    wd.write(
        "l.csv",
        "citizen,date,step\na,2023-01-01,1\na,2023-09-01,3\nb,2023-02-01,2\nb,2023-03-01,3\nc,2023-04-01,4\n\
         d,2023-01-01,1\nd,2023-12-31,2\ne,2023-05-01,1\ne,2024-01-01,4\n",
    );
    wd
}

// Cohort: 3 assessed, first 7/3, last 10/3; up 1: 2 of 3 (the other 1 is
// below 2, so hidden); up 2: 1 (hidden); at top (4): 1 (hidden).
// Others: 2 assessed; up 1: 1 of 2 (hidden), at top: 0 (hidden).
const EXPECTED: &str =
    "group,units,mean_first_step,mean_last_step,share_up_1,share_up_2,share_at_top\n\
                        cohort,3,2.3333333333333335,3.3333333333333335,,,\n\
                        others,2,1,1.5,,,\n";

#[test]
fn cohort_beside_everyone_else_with_suppression() {
    let wd = workspace("");
    wd.write("cohort.txt", "a\nb\nc\n");
    let run = wd.run(&["ladder", "--cohort", "cohort.txt", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(EXPECTED, run.stdout);
}

#[test]
fn enrolled_citizens_as_the_cohort() {
    let wd = workspace("[[sources]]\nname = \"k\"\nkind = \"enrolments\"\npath = \"k.csv\"\n");
    // a twice, and a family-only enrolment that names no citizen.
    wd.write(
        "k.csv",
        "citizen,family,start,end\na,,2023-01-01,\nb,,2023-02-01,\nc,,2023-03-01,\na,,2023-06-01,\n,F1,2023-01-01,\n",
    );
    let run = wd.run(&["ladder", "--enrolled", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(EXPECTED, run.stdout);
}

#[test]
fn hotspots_as_the_cohort() {
    let wd = workspace(
        "[[sources]]\nname = \"e\"\nkind = \"expenses\"\ndepartment = \"Job\"\npath = \"e.csv\"\n",
    );
    // a, b and c cost most; d and e less; f has no ladder rows.
    wd.write(
        "e.csv",
        "citizen,date,amount,account\na,2023-01-05,900,5.57.73\nb,2023-01-05,800,5.57.73\n\
         c,2023-01-05,700,5.57.73\nf,2023-01-05,600,5.57.73\nd,2023-01-05,20,5.57.73\n\
         e,2023-01-05,10,5.57.73\n",
    );
    // The top 4 of 6 units (ceil(6 × 60 / 100)) are a, b, c and f.
    let run = wd.run(&[
        "ladder",
        "--top-percent",
        "60",
        "--min-departments",
        "1",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(EXPECTED, run.stdout);
}

#[test]
fn cohort_ids_never_assessed_are_not_counted_and_are_counted_in_a_warning() {
    let wd = workspace("");
    wd.write("cohort.txt", "a\nb\nc\nstranger\n");
    let run = wd.run(&["ladder", "--cohort", "cohort.txt", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    eqnice!(EXPECTED, run.stdout);
    eqnice!(
        "tvaers: warning: 1 of the 4 ids in the --cohort file match no citizen assessed on the ladder in the period; they are not counted\n",
        run.stderr
    );
}
