"""What a conformance run costs beyond its HTTP exchanges, phase by phase, before and after a change.

Each measurement is one `scimulator run` in a child process (bench/harness_probe.py puts timers on its
phases), in two modes:

- **own process**: the reference server runs as `scimulator serve` in a process of its own and the run
  targets it with --target, so no server time is counted as harness time;
- **bundled**: the demo, `scimulator run` with no target (the server on a thread of the run's process).

The ratio is the run's wall time (process start to exit) over the sum of its exchanges' elapsed times as
report.json records them: the scenarios' exchanges and, against a target, the run-level "cleanup" exchanges
that remove what the run created (an earlier harness that does not record those counts only the scenarios'). "Before" is the harness of an earlier commit, taken with `git archive` into a
temporary folder and imported from there (PYTHONPATH) by the same interpreter and packages: nothing in the
checkout changes. The same `scimulator serve` (this checkout's) answers both, so only the harness differs.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from bench.targets import ROOT, TOKEN, served

# The commit before the harness was made faster (issue 15): the "before" of every figure.
BEFORE_COMMIT = "454ad97"
ROOMS = ("steps", "simulator", "reports", "reference_server", "features")
MODES = ("own process", "bundled")
PROBE = Path(__file__).resolve().parent / "harness_probe.py"


def earlier_harness(commit: str, into: Path) -> Path | None:
    """A folder to put on PYTHONPATH that imports `scimulator` as the commit had it (the installed layout:
    every room a subpackage), or None when the checkout has no git history to take it from."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True)
    if archive.returncode != 0:
        return None
    source = into / "source"
    source.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    package = into / "importable" / "scimulator"
    shutil.copytree(source / "scimulator", package)
    for room in ROOMS:
        shutil.copytree(source / room, package / room)
    return package.parent


def measure(mode: str, python_path: Path | None, workdir: Path) -> dict:
    """One run, its phases in seconds, and each scenario's outcome."""
    workdir.mkdir(parents=True)
    marks_file, report_dir = workdir / "marks.json", workdir / "report"
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    with served(0) if mode == "own process" else nullcontext() as target:  # this checkout's, a fresh SQLite file
        options = ["--target", target.base_url, "--token", TOKEN] if target else []
        spawned = time.time()
        subprocess.run([sys.executable, str(PROBE), str(marks_file), *options, "--report-dir", str(report_dir)],
                       cwd=workdir, env=env, stdout=subprocess.DEVNULL, check=False, timeout=600)
        wall = time.time() - spawned
    probe = json.loads(marks_file.read_text())
    if python_path is not None and not probe["package"].startswith(str(python_path)):
        raise RuntimeError(f"the earlier harness was not the one imported ({probe['package']})")
    report = json.loads((report_dir / "report.json").read_text())
    return phases(wall, spawned, probe, report)


def phases(wall: float, spawned: float, probe: dict, report: dict) -> dict:
    marks, totals = probe["marks"], probe["totals"]
    in_scenarios = [exchange for scenario in report["scenarios"] for exchange in scenario["exchanges"]]
    removals = report.get("cleanup", {}).get("exchanges", [])  # recorded since the third pass; before, none
    exchanges = in_scenarios + removals
    http = elapsed_s(exchanges)
    scenarios = marks["scenarios_done"] - marks["collected"]
    figures = {
        "start-up": marks["pytest"] - spawned,  # interpreter, imports, pre-flight
        "collection": marks["collected"] - marks["pytest"],
        "directory": totals["directory"],
        "steps": scenarios - elapsed_s(in_scenarios) - totals["directory"] - totals["cleanup"],
        "HTTP": http,  # the scenarios' exchanges and the removal's
        "cleanup": totals["cleanup"] - elapsed_s(removals),  # the removal of the run's data beyond its exchanges
        "reports": totals["reports"],
    }
    figures["rest"] = wall - sum(figures.values())  # session end, server stop, interpreter exit
    return {"wall_s": round(wall, 2), "http_s": round(http, 2), "ratio": round(wall / http, 2),
            "ratio_scenarios_only": round(wall / elapsed_s(in_scenarios), 2),  # the ratio as the first two passes took it
            "scenarios": len(report["scenarios"]), "exchanges": len(exchanges), "cleanup_exchanges": len(removals),
            "phases": {name: round(seconds, 2) for name, seconds in figures.items()},
            "outcomes": {scenario["id"]: scenario["outcome"] for scenario in report["scenarios"]}}


def elapsed_s(exchanges: list[dict]) -> float:
    return sum(exchange["elapsed_ms"] or 0 for exchange in exchanges) / 1000


def best_of(runs: list[dict]) -> dict:
    """The run with the lowest wall time (the least disturbed by the rest of the machine)."""
    return min(runs, key=lambda run: run["wall_s"])


def differing_outcomes(before: dict, after: dict) -> list[str]:
    """Scenarios both runs have whose outcome differs (a faster harness must judge the same)."""
    common = before["outcomes"].keys() & after["outcomes"].keys()
    return sorted(scenario for scenario in common if before["outcomes"][scenario] != after["outcomes"][scenario])


def run(repeats: int, log, before_commit: str = BEFORE_COMMIT) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="scimulator-harness-") as directory:
        root = Path(directory)
        earlier = earlier_harness(before_commit, root / "before")
        if earlier is None:
            log(f"  (no git history here: the harness of {before_commit} is not measured)")
        trees = [(f"before ({before_commit})", earlier)] if earlier else []
        trees.append(("after (this checkout)", None))
        for mode in MODES:
            measured = {}
            for tree, python_path in trees:
                runs = [measure(mode, python_path, root / f"{tree[:5]}-{mode[:3]}-{n}") for n in range(repeats)]
                measured[tree] = best_of(runs)
                row = {"tree": tree, "mode": mode, **measured[tree],
                       "ratio_median": round(statistics.median(run["ratio"] for run in runs), 2)}
                log(f"  {mode:11} {tree:26} {row['wall_s']:6.2f} s wall, {row['http_s']:5.2f} s in "
                    f"{row['exchanges']:,} exchanges ({row['cleanup_exchanges']:,} removing the run's data): ratio "
                    f"{row['ratio']} ({row['ratio_scenarios_only']} counting the scenarios' exchanges only; median of "
                    f"{repeats}: {row['ratio_median']})")
                rows.append(row)
            if len(measured) == 2:
                before, after = measured.values()
                rows[-1]["outcomes_differing"] = differing_outcomes(before, after)
                rows[-1]["scenarios_compared"] = len(before["outcomes"].keys() & after["outcomes"].keys())
    for row in rows:
        row.pop("outcomes")
    return rows


def seconds_cells(phases: dict, names: list[str]) -> str:
    return " | ".join(f"{phases[name]:.2f}" for name in names)


def markdown(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    names = list(rows[0]["phases"])
    lines = ["", "Harness overhead (one `scimulator run`; seconds per phase; ratio = wall time / sum of exchanges' "
             "elapsed times):", "",
             f"| mode | harness | scenarios | exchanges | {' | '.join(names)} | wall | ratio |",
             "|---|---|---:|---:|" + "---:|" * (len(names) + 2)]
    lines += [f"| {r['mode']} | {r['tree']} | {r['scenarios']} | {r['exchanges']:,} | "
              f"{seconds_cells(r['phases'], names)} | {r['wall_s']:.2f} | {r['ratio']} |" for r in rows]
    for row in rows:
        if "outcomes_differing" in row:
            lines.append(f"\n{row['mode']}: {row['scenarios_compared']} scenarios in both runs, "
                         f"{len(row['outcomes_differing'])} with a different outcome"
                         + (f" ({', '.join(row['outcomes_differing'][:5])})" if row["outcomes_differing"] else "") + ".")
    return lines


def ratios(rows: list[dict]) -> list[dict]:
    """The overhead ratio of each run measured, for the bench's table of ratios."""
    return [{"comparison": f"harness, {row['mode']} server, {row['tree']}: run wall time / sum of exchanges' elapsed times",
             "ratio": row["ratio"]} for row in rows]
