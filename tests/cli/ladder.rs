//! `tvaers ladder` end to end.

use crate::eqnice;
use crate::workdir::Workdir;

#[test]
fn cohort_beside_everyone_else_with_suppression() {
    let wd = Workdir::new();
    wd.write(
        "tvaers.toml",
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = 2\n\
         [[sources]]\nname = \"l\"\nkind = \"ladder\"\npath = \"l.csv\"\n",
    );
    // Cohort a, b, c; others d, e. a 1→3, b 2→3, c 4→4; d 1→2, e 1→1.
    wd.write(
        "l.csv",
        "citizen,date,step\na,2023-01-01,1\na,2023-09-01,3\nb,2023-02-01,2\nb,2023-03-01,3\nc,2023-04-01,4\n\
         d,2023-01-01,1\nd,2023-12-31,2\ne,2023-05-01,1\ne,2024-01-01,4\n",
    );
    wd.write("cohort.txt", "a\nb\nc\n");
    let run = wd.run(&["ladder", "--cohort", "cohort.txt", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Cohort: 3 assessed, first 7/3, last 10/3; up 1: 2 of 3 (the other 1 is
    // below 2, so hidden); up 2: 1 (hidden); at top (4): 1 (hidden).
    // Others: 2 assessed; up 1: 1 of 2 (hidden), at top: 0 (hidden).
    eqnice!(
        "group,units,mean_first_step,mean_last_step,share_up_1,share_up_2,share_at_top\n\
         cohort,3,2.3333333333333335,3.3333333333333335,,,\n\
         others,2,1,1.5,,,\n",
        run.stdout
    );
}
