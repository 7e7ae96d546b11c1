#!/usr/bin/env python3
"""Benchmark of `realised` and `monitor` against `hotspots` on one seeded
municipality: all three read the same expense rows once, and matching must
not be quadratic in the population, so the target is at most twice the time
of `hotspots`. Writes its section of BENCHMARKS.md (between the markers
below), leaving the rest of the file as `e2e.py` wrote it.

usage: python3 benches/realised.py [--citizens 1000000] [--runs 3] [--data bench-data] [--binary PATH]

Reuses `e2e.py`'s timing (whole processes, median of runs, peak RSS from
wait4) and its data folder.
"""
import argparse
import datetime
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e import ROOT, SEED, measure, target_dir, timed, size_of  # noqa: E402

import subprocess  # noqa: E402

BEGIN = "<!-- realised benchmark: begin -->"
END = "<!-- realised benchmark: end -->"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--binary", type=Path, help="time this tvaers build instead of building the release one")
    args = parser.parse_args()

    if args.binary:
        tvaers = args.binary
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        tvaers = target_dir() / "release" / "tvaers"
    out = args.data / f"{args.citizens}-plain-csv"
    if not (out / "tvaers.toml").exists():
        measure([tvaers, "generate", "--citizens", str(args.citizens), "--seed", str(SEED), "--out", out,
                 "--dialect", "plain", "--format", "csv", "--quiet"])
    config = out / "tvaers.toml"
    jobs = {
        "hotspots (citizens)": ["hotspots", "--format", "csv"],
        "realised": ["realised", "--format", "csv"],
        "monitor": ["monitor", "--format", "csv"],
    }
    results = {job: timed([tvaers, *flags, "--config", config, "--quiet"], args.runs, "/dev/null")
               for job, flags in jobs.items()}
    base = results["hotspots (citizens)"]["median"]
    enrolled = sum(1 for _ in open(next((out / "koordinering").glob("*.csv")), encoding="utf-8")) - 1
    lines = [
        BEGIN,
        "## realised and monitor",
        "",
        f"Measured {datetime.date.today()} by `python3 benches/realised.py --citizens {args.citizens}`"
        f" on {platform.machine()}, {platform.system()} {platform.release()}: "
        f"{args.citizens:,} citizens, plain CSV ({size_of(out) / 2**20:,.0f} MiB), {enrolled:,} enrolled; "
        f"median of {args.runs} runs (min-max), peak memory.",
        "",
        "| command | time | peak memory | time / hotspots |",
        "|---|---|---|---|",
    ]
    for job, r in results.items():
        lines.append(f"| {job} | {r['median']:.2f} s ({r['min']:.2f}-{r['max']:.2f}) | {r['rss']:,.0f} MiB "
                     f"| {r['median'] / base:.2f} |")
    worst = max(results["realised"]["median"], results["monitor"]["median"]) / base
    lines += ["", f"Target, `realised` and `monitor` each at most 2x `hotspots`: "
                  f"{'met' if worst <= 2 else 'missed'} ({worst:.2f}x at most).", END]
    text = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + "\n".join(lines) + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
