#!/bin/bash
# Runs every command's outputs with two builds on one config and compares
# the bytes: a change that should not alter any output is checked with it.
#
# usage: benches/same_outputs.sh CONFIG BEFORE_BINARY AFTER_BINARY
set -u
config=$1; before=$2; after=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
outputs() {
  local bin=$1 out=$2
  mkdir -p "$out"
  run() { local name=$1; shift; "$bin" "$@" --config "$config" --quiet > "$out/$name" 2> "$out/$name.err"; echo "exit $?" >> "$out/$name.err"; }
  for f in csv json; do
    run validate.$f validate --format $f --rejects "$out/rejects.$f.csv"
    run hotspots.$f hotspots --format $f
    run hotspots-family.$f hotspots --unit family --format $f
    run overview.$f overview --format $f
    run savings.$f savings --format $f
    run savings-all.$f savings --scenario all --format $f
    run report.$f report --format $f
    run realised.$f realised --format $f
    run realised-es.$f realised --event-study --format $f
    run monitor.$f monitor --format $f
    run monitor-m.$f monitor --every month --format $f
    run ladder.$f ladder --format $f
    run ladder-enrolled.$f ladder --enrolled --format $f
  done
  run report.html report --format html
  run report.xlsx report --format xlsx
  run hotspots.xlsx hotspots --format xlsx
}
outputs "$before" "$work/before"
outputs "$after" "$work/after"
if diff -r "$work/before" "$work/after"; then
  echo "same bytes: $(ls "$work/after" | wc -l) files"
else
  exit 1
fi
