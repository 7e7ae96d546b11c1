#!/usr/bin/env python3
"""tvaers hotspots against DuckDB doing the same job (`duckdb_hotspots.py`,
typed reads) on the same files, side by side: each run of tvaers is followed
by a run of DuckDB, so both meet the same load on a shared machine. Time and
peak resident memory come from `/usr/bin/time -v`; the answers are compared
as `e2e.py` compares them.

usage: python3 benches/versus_duckdb.py --tvaers BINARY [--runs 3] [--modes] DIR...

Each DIR is a `tvaers generate` municipality (plain CSV or Parquet, told by
its files). Prints one Markdown row per DIR and program, then the ratios:
tvaers' median over DuckDB's, and the median of the paired ratios. With
--modes, each run also times `hotspots --unit family` and `report` (the
main job, both unit modes and savings) on the same files, and their ratios
to `hotspots` in the same run.
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e import same_hotspots, size_of  # noqa: E402


# The other tvaers jobs --modes times beside hotspots.
OTHERS = {
    "hotspots --unit family": ["hotspots", "--unit", "family"],
    "report": ["report"],
}


def timed(cmd, stdout_path):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS in MiB)."""
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
        status = subprocess.run(["/usr/bin/time", "-v", *map(str, cmd)], stdout=out, stderr=err).returncode
        err.seek(0)
        text = err.read().decode(errors="replace")
    if status != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{text}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    hours, minutes, seconds = wall.groups()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds), int(rss.group(1)) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tvaers", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", action="store_true")
    parser.add_argument("dirs", type=Path, nargs="+")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    print("| input | program | time, median (min-max) | peak memory (max) |")
    print("|---|---|---|---|")
    summary = []
    for root in args.dirs:
        fmt = "parquet" if any(root.rglob("*.parquet")) else "csv"
        label = f"{'Parquet' if fmt == 'parquet' else 'CSV plain'} ({size_of(root) / 2**20:,.0f} MiB)"
        with tempfile.TemporaryDirectory() as tmp:
            ours, theirs = Path(tmp) / "tvaers.csv", Path(tmp) / "duckdb.csv"
            runs, others = [], {name: [] for name in OTHERS} if args.modes else {}
            config = root / "tvaers.toml"
            for _ in range(args.runs):
                t = timed([args.tvaers, "hotspots", "--format", "csv", "--quiet", "--config", config], ours)
                d = timed([sys.executable, here / "duckdb_hotspots.py", root, fmt, theirs], Path(tmp) / "ignored")
                runs.append((t, d))
                for name, command in OTHERS.items() if args.modes else []:
                    timing = timed([args.tvaers, *command, "--format", "csv", "--quiet", "--config", config],
                                   Path(tmp) / "ignored")
                    others[name].append((timing, timing[0] / t[0]))
            problem = same_hotspots(ours, theirs)
        for name, i in [("tvaers hotspots", 0), ("DuckDB 2.0.1 (typed reads)", 1)]:
            times = [r[i][0] for r in runs]
            rss = max(r[i][1] for r in runs)
            print(f"| {label} | {name} | {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f}) | {rss:,.0f} MiB |")
        for name, timings in others.items():
            times = [t[0][0] for t in timings]
            print(f"| {label} | tvaers {name} | {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f}) "
                  f"| {max(t[0][1] for t in timings):,.0f} MiB |")
            summary.append(f"- {label}: tvaers {name} / hotspots time, paired median "
                           f"{statistics.median(t[1] for t in timings):.2f}")
        ratio = statistics.median(r[0][0] for r in runs) / statistics.median(r[1][0] for r in runs)
        paired = statistics.median(r[0][0] / r[1][0] for r in runs)
        summary.append(f"- {label}: tvaers / DuckDB time {ratio:.2f} (paired median {paired:.2f}); "
                       f"memory {max(r[0][1] for r in runs):,.0f} against {max(r[1][1] for r in runs):,.0f} MiB; "
                       + ("same units and figures" if problem is None else f"**answers differ**: {problem}"))
    print()
    print("\n".join(summary))


if __name__ == "__main__":
    main()
