#!/bin/sh
# The long hostile-input run: 2,000 seeded cases (four seeds of 500) of
# damaged workspaces, configs and flags through the release binary, checked
# against the invariants in tests/cli/hostile_fuzz.rs. A failure prints the
# seed, case, mutations and command; `replay(seed, case)` there reruns one.
#
# usage: sh benches/hostile.sh [extra arguments for the test harness]
set -eu
cd "$(dirname "$0")/.."
exec cargo test --release --test cli hostile_fuzz_long -- --ignored "$@"
