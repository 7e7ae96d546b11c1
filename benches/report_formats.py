#!/usr/bin/env python3
"""What the HTML page and the workbook add to the main job: `tvaers report`
in CSV, HTML and xlsx on the same municipality, timed as whole processes.

usage: python3 benches/report_formats.py CONFIG [--runs 3] [--binary PATH]

Prints a Markdown table (median, min-max, peak resident memory, output size
and each format's time against CSV's) for BENCHMARKS.md. Needs a release
build: `cargo build --release` (the binary is taken from CARGO_TARGET_DIR).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(cmd, out_path):
    """Runs cmd once; returns (seconds, peak RSS in MiB)."""
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{err.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    parser.add_argument("--binary", type=Path, default=target / "release" / "tvaers")
    args = parser.parse_args()
    rows, base = [], None
    with tempfile.TemporaryDirectory() as tmp:
        # Interleaved, so a slow spell of the machine hits every format alike.
        times = {fmt: [] for fmt in ("csv", "html", "xlsx")}
        rss = {fmt: 0.0 for fmt in times}
        for _ in range(args.runs):
            for fmt in times:
                out = Path(tmp) / f"report.{fmt}"
                cmd = [args.binary, "report", "--config", args.config, "--format", fmt,
                       "--output", out, "--quiet"]
                seconds, peak = measure(cmd, out)
                times[fmt].append(seconds)
                rss[fmt] = max(rss[fmt], peak)
        for fmt, ts in times.items():
            median = statistics.median(ts)
            base = base or median
            size = (Path(tmp) / f"report.{fmt}").stat().st_size
            rows.append(f"| report --format {fmt} | {median:.2f} s ({min(ts):.2f}-{max(ts):.2f}) | "
                        f"{rss[fmt]:,.0f} MiB | {size / 1024:,.0f} KiB | {median / base:.3f} |")
    print("| command | time | peak memory | output | against csv |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
