#!/usr/bin/env python3
"""How often `realised` recovers a planted saving, says it cannot tell, or
misleads, on municipalities from two generators that do not share their
assumptions, with the cohort chosen three ways.

- `tvaers generate` plants a 25 % cut in two budget areas (Kontante ydelser,
  Tilbud til børn og unge med særlige behov) after each enrolled citizen's
  start. Recovered: both areas' `saving_share` intervals hold 0.25.
- The independent municipality of the tests (`tests/cli/independent.rs`:
  its own cost model, payment rhythms and export dialect) cuts every
  payment after the start by exactly 30 %. Recovered: the Total row's
  `saving` interval holds the planted kroner per enrolled unit-month, which
  the test writer reports from the files it wrote.

Each run is one of: `recovered` (balanced, truth inside), `cannot tell`
(not balanced), or `MISLEADS` (balanced, truth outside: a wrong number
called comparable). For `earlier-cost` and `random` the aim is `recovered`;
for `recent`, anything but `MISLEADS`.

usage: python3 benches/realised_recovery.py [--ours 9 10 11] [--independent 20231 7 8]
       [--output RECOVERY.md]

Writes the table to the output file with the machine and the commit, and
prints it. Uses the debug build (`cargo build`), as correctness, not speed,
is measured.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e import ROOT, target_dir  # noqa: E402

PLANTED_SHARE = 0.25
PLANTED_AREAS = ["Kontante ydelser", "Tilbud til børn og unge med særlige behov"]
WAYS = ["earlier-cost", "random", "recent"]
INDEPENDENT_NAMES = {"earlier-cost": "earliercost", "random": "random", "recent": "recent"}


def realised(tvaers, config):
    """The rows per budget area (as strings, like the CSV), and the placebo test's verdict."""
    run = subprocess.run([tvaers, "realised", "--config", config, "--format", "json", "--resamples", "400",
                          "--quiet"], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"realised failed on {config}: {run.stderr}")
    document = json.loads(run.stdout)
    text = lambda v: "true" if v is True else "false" if v is False else "" if v is None else str(v)
    areas = {row["budget_area"]: {k: text(v) for k, v in row.items()} for row in document["areas"]}
    return areas, text(document["summary"]["placebo"]["parallel"]) or "not made"


def verdict(balanced, inside):
    if not balanced:
        return "cannot tell"
    return "recovered" if inside else "MISLEADS"


def ours(tvaers, seed, work):
    rows = []
    for way in WAYS:
        out = work / f"ours-{seed}-{way}"
        subprocess.run([tvaers, "generate", "--citizens", "30000", "--seed", str(seed), "--out", out,
                        "--enrol-by", way, "--quiet"], check=True)
        areas, placebo = realised(tvaers, out / "tvaers.toml")
        total = areas["Total"]
        inside = all(float(areas[a]["saving_share_low"]) <= PLANTED_SHARE <= float(areas[a]["saving_share_high"])
                     for a in PLANTED_AREAS)
        found = "; ".join(f"{a.split()[0]} {float(areas[a]['saving_share']):.3f} "
                          f"[{float(areas[a]['saving_share_low']):.3f}, {float(areas[a]['saving_share_high']):.3f}]"
                          for a in PLANTED_AREAS)
        rows.append(("tvaers generate", seed, way, total["cohort_units"], f"share {PLANTED_SHARE} in two areas",
                     found, total["pre_smd"], total["pre_level_gap"], placebo, total["balanced"],
                     verdict(total["balanced"] == "true", inside)))
    return rows


def independent(tvaers, seed, work):
    out = work / f"independent-{seed}"
    env = dict(os.environ, TVAERS_INDEPENDENT_OUT=str(out), TVAERS_INDEPENDENT_SEED=str(seed))
    run = subprocess.run(["cargo", "test", "--quiet", "--test", "cli", "independent_municipalities_to_folder", "--",
                          "--ignored", "--nocapture"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    planted = {m.group(1): float(m.group(2))
               for m in re.finditer(r"^(\w+): planted ([\d.]+) kr", run.stdout, re.MULTILINE)}
    rows = []
    for way in WAYS:
        name = INDEPENDENT_NAMES[way]
        truth = next(v for k, v in planted.items() if k.lower() == name)
        areas, placebo = realised(tvaers, out / name / "tvaers.toml")
        total = areas["Total"]
        low, high = float(total["saving_low"]), float(total["saving_high"])
        rows.append(("independent", seed, way, total["cohort_units"], f"{truth:,.0f} kr",
                     f"{float(total['saving']):,.0f} [{low:,.0f}, {high:,.0f}]", total["pre_smd"],
                     total["pre_level_gap"], placebo, total["balanced"],
                     verdict(total["balanced"] == "true", low <= truth <= high)))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", type=int, nargs="*", default=[9, 10, 11])
    parser.add_argument("--independent", type=int, nargs="*", default=[20231, 7, 8])
    parser.add_argument("--output", type=Path, default=ROOT / "RECOVERY.md")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)
    tvaers = target_dir() / "debug" / "tvaers"
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for seed in args.ours:
            rows += ours(tvaers, seed, Path(work))
        for seed in args.independent:
            rows += independent(tvaers, seed, Path(work))
    header = ("generator", "seed", "cohort by", "enrolled", "planted", "realised (95 % interval)", "pre_smd",
              "pre_level_gap", "placebo parallel", "balanced", "verdict")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        smd = f"{float(r[6]):.2f}" if r[6] else ""
        lines.append("| " + " | ".join(map(str, (*r[:6], smd, *r[7:]))) + " |")
    counts = {v: sum(r[-1] == v for r in rows) for v in ("recovered", "cannot tell", "MISLEADS")}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    text = "\n".join([
        "# What `realised` finds on municipalities it was not built on",
        "",
        "Written by `python3 benches/realised_recovery.py` (see its docstring for what each generator plants and",
        f"what counts as recovered), at commit {commit}. Default flags: 5 neighbours, 12 months,",
        "`--max-imbalance 0.25`, `--max-level-gap 0.10`, 400 resamples.",
        "",
        *lines,
        "",
        f"In all: {counts['recovered']} recovered, {counts['cannot tell']} cannot tell, "
        f"{counts['MISLEADS']} misleading, of {len(rows)}.",
        "",
    ])
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
