#!/usr/bin/env python3
"""End-to-end benchmark: seeded municipalities, whole `tvaers` processes
against DuckDB doing the same hotspots job from the same files. Regenerates
BENCHMARKS.md.

usage: python3 benches/e2e.py [--sizes 200000 1000000] [--runs 3] [--data bench-data]
                              [--national 5000000]

Needs a release build (it runs `cargo build --release`) and installs DuckDB
from PyPI (pinned) if missing. Each figure is a whole process, started
fresh on the files, timed several times (median, min-max) with its peak resident
memory from wait4(2). The files stay in the page cache between runs, as
they would for an analyst running one command after another.
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUCKDB_VERSION = "2.0.1"
SEED = 2026


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def measure(cmd, stdout_path=None):
    """Runs cmd once; returns (seconds, peak RSS in MiB)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if stdout_path:
        out.close()
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{err.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def timed(cmd, runs, stdout_path=None):
    results = [measure(cmd, stdout_path) for _ in range(runs)]
    times = [t for t, _ in results]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss": max(r for _, r in results),
    }


def size_of(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def ensure_duckdb():
    try:
        import duckdb  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"duckdb=={DUCKDB_VERSION}"], check=True)


def same_hotspots(tvaers_csv, duckdb_csv):
    """Compares the common columns row by row; money to the cent."""
    import csv

    def rows(path):
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    a, b = rows(tvaers_csv), rows(duckdb_csv)
    if len(a) != len(b):
        return f"{len(a)} rows against {len(b)}"
    keys = ["rank", "unit_id", "departments", "caseworkers", "contacts", "cases", "first_date", "last_date", "active_days"]
    for x, y in zip(a, b):
        for k in keys:
            if x[k] != y[k]:
                return f"rank {x['rank']}: {k} {x[k]} against {y[k]}"
        if abs(float(x["total_cost"]) - float(y["total_cost"])) > 0.006:
            return f"rank {x['rank']}: total_cost {x['total_cost']} against {y['total_cost']}"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--national", type=int, default=0, help="also run hotspots on a Parquet municipality this large")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    tvaers = target_dir() / "release" / "tvaers"
    ensure_duckdb()
    args.data.mkdir(parents=True, exist_ok=True)
    lines = []
    checks = []

    def generate(n, dialect, fmt):
        out = args.data / f"{n}-{dialect}-{fmt}"
        if not (out / "tvaers.toml").exists():
            t, rss = measure([tvaers, "generate", "--citizens", str(n), "--seed", str(SEED), "--out", out,
                              "--dialect", dialect, "--format", fmt, "--force", "--quiet"])
            lines.append(f"| generate {n:,} citizens, {dialect} {fmt} | {t:.1f} s | {rss:,.0f} MiB |")
        return out

    lines.append("| step | time | peak memory |")
    lines.append("|---|---|---|")
    rows = []
    measured = {}  # (citizens, input label, job) -> result, with the input's size
    for n in args.sizes:
        sets = {
            "CSV plain": generate(n, "plain", "csv"),
            "CSV danish": generate(n, "danish", "csv"),
            "Parquet": generate(n, "plain", "parquet"),
        }
        for label, path in sets.items():
            config = path / "tvaers.toml"
            input_mib = size_of(path) / 2**20
            jobs = {
                "validate": ["validate", "--format", "csv"],
                "hotspots (citizens)": ["hotspots", "--format", "csv"],
                "hotspots (families)": ["hotspots", "--unit", "family", "--format", "csv"],
                "overview": ["overview", "--format", "json"],
                "savings": ["savings", "--format", "csv"],
                "report (main job)": ["report", "--format", "csv"],
                "realised": ["realised", "--format", "csv"],
                "monitor": ["monitor", "--format", "csv"],
                "ladder": ["ladder", "--format", "csv"],
            }
            results = {}
            with tempfile.TemporaryDirectory() as tmp:
                for job, flags in jobs.items():
                    out = Path(tmp) / "out.csv"
                    results[job] = timed([tvaers, *flags, "--config", config, "--quiet"], args.runs, out)
                    if job == "hotspots (citizens)":
                        hot = Path(tmp) / "tvaers-hotspots.csv"
                        out.rename(hot)
                duck = None
                if label != "CSV danish":
                    duck_out = Path(tmp) / "duckdb.csv"
                    fmt = "csv" if label == "CSV plain" else "parquet"
                    duck = timed([sys.executable, ROOT / "benches" / "duckdb_hotspots.py", path, fmt, duck_out], args.runs)
                    problem = same_hotspots(hot, duck_out)
                    checks.append(f"- {n:,} citizens, {label}: "
                                  + ("tvaers and DuckDB select the same units with the same figures" if problem is None
                                     else f"**answers differ**: {problem}"))
            for job, r in results.items():
                measured[(n, label, job)] = dict(r, input_mib=input_mib)
            if duck:
                measured[(n, label, "duckdb")] = dict(duck, input_mib=input_mib)
            for job, r in results.items():
                ratio = f"{r['median'] / duck['median']:.2f}" if duck and job == "hotspots (citizens)" else ""
                rows.append(f"| {n:,} | {label} ({input_mib:,.0f} MiB) | {job} | {r['median']:.2f} s "
                            f"({r['min']:.2f}-{r['max']:.2f}) | {r['rss']:,.0f} MiB | {ratio} |")
            if duck:
                rows.append(f"| {n:,} | {label} ({input_mib:,.0f} MiB) | DuckDB {DUCKDB_VERSION}: hotspots | "
                            f"{duck['median']:.2f} s ({duck['min']:.2f}-{duck['max']:.2f}) | {duck['rss']:,.0f} MiB | |")

    targets = []
    national = []
    if args.national:
        path = generate(args.national, "plain", "parquet")
        r = timed([tvaers, "hotspots", "--format", "csv", "--config", path / "tvaers.toml", "--quiet"], 1, os.devnull)
        targets.append(f"- a {args.national:,}-citizen municipality in Parquet completes within 24 GiB: "
                       f"{'met' if r['rss'] < 24 * 1024 else 'missed'} ({r['rss'] / 1024:.1f} GiB peak)")
        national.append(f"| {args.national:,} | Parquet ({size_of(path) / 2**20:,.0f} MiB) | hotspots (citizens) | "
                        f"{r['median']:.2f} s | {r['rss']:,.0f} MiB |")

    top = max(args.sizes)
    csv, parquet, duck = (measured.get((top, label, job)) for label, job in
                          [("CSV plain", "hotspots (citizens)"), ("Parquet", "hotspots (citizens)"), ("CSV plain", "duckdb")])
    if csv and duck:
        ratio = csv["median"] / duck["median"]
        targets.append(f"- hotspots on the {top:,}-citizen CSV municipality within DuckDB's time: "
                       f"{'met' if ratio <= 1 else 'missed'} ({csv['median']:.2f} s against {duck['median']:.2f} s, ratio {ratio:.2f})")
    if csv and parquet:
        speedup = csv["median"] / parquet["median"]
        targets.append(f"- hotspots from Parquet at least twice as fast as from CSV: "
                       f"{'met' if speedup >= 2 else 'missed'} ({speedup:.2f} times as fast)"
                       + ("" if speedup >= 2 else
                          "; both formats feed every row into the same per-unit sums, and Parquet adds per-row work of its own"
                          " (decompressing, checking typed text for values the row rules would reject, mapping accounts),"
                          " so dropping the CSV parsing, about half of the CSV run's CPU time in perf, cannot halve the time"))
    if csv:
        targets.append(f"- peak memory of that run below the input's size: "
                       f"{'met' if csv['rss'] < csv['input_mib'] else 'missed'} "
                       f"({csv['rss']:,.0f} MiB against {csv['input_mib']:,.0f} MiB of CSV)")

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    text = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today()} by `python3 benches/e2e.py {' '.join(sys.argv[1:])}`".rstrip() + ".",
        f"Machine: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB memory, {platform.system()} {platform.release()}.",
        f"Data: `tvaers generate --seed {SEED}` municipalities; each figure is a whole process reading the files",
        f"(in the page cache, as after any first read), median of {args.runs} runs (min-max), with the highest peak resident memory.",
        "`ratio` is tvaers / DuckDB for the same hotspots job (lower is better for tvaers).",
        "DuckDB cannot read the Danish dialect as written (thousands dots in amounts), so it runs on plain CSV and Parquet.",
        "",
        "## Generating the data",
        "",
        *lines,
        "",
        "## Commands",
        "",
        "| citizens | input | command | time | peak memory | ratio |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "## Targets (issue: fast at municipal scale)",
        "",
        *targets,
        "",
        "## Answers checked",
        "",
        *checks,
        "",
    ]
    if national:
        text += ["## National scale", "", "| citizens | input | command | time | peak memory |", "|---|---|---|---|---|", *national, ""]
    args.output.write_text("\n".join(text))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
