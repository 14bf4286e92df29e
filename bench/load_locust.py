"""`make bench`, load: `scimulator load` against the bundled server (1 and 2 server worker processes) and
scim2-server 0.8.3, at a fixed rate and at the highest sustained rate; and the load generator's requests
per CPU second beside plain Locust (an HttpUser sending the same requests), in the same run.

Sustained: the achieved rate is at least 90% of the rate asked for, p99 (Locust's Aggregated row) is under
1 s, and under 1% of the requests failed. The rate is stepped up through ``RATE_STEPS`` and stops at the
first step that is not sustained (bounded). The generator's cost is the CPU time its Locust worker spent from the
start of the test to its end (``time.process_time`` in the worker, sent to the master with its stats),
each generator closed-loop (no rate) against the bundled server with 2 workers, one Locust worker each.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.targets import TOKEN, Target, scim2_server, served
from scimulator.load.processes import LoadPlan, free_port, run_locust
from scimulator.load.results import read_results

MIXES = ("okta-assignment-waves", "entra-initial-cycle")
CLIENTS = 4  # simulated IdP clients of each mix (one tenant): enough in flight for the highest rates measured
FIXED_RATE = 100.0
RATE_STEPS = (50.0, 100.0, 200.0, 400.0, 800.0, 1600.0)
SUSTAINED_SHARE, SUSTAINED_P99_MS, SUSTAINED_ERRORS = 0.9, 1000.0, 0.01
PLAIN_LOCUSTFILE = Path(__file__).resolve().with_name("plain_locustfile.py")


def scimulator_serve(workers: int):
    """`scimulator serve --workers N` on an empty temporary SQLite file."""
    return served(0, workers, name=f"scimulator serve --workers {workers}")


def aggregated(report_dir: Path) -> dict[str, float]:
    """Locust's Aggregated row of locust_stats.csv: requests, failures and its percentiles."""
    with (report_dir / "locust_stats.csv").open(newline="") as rows:
        row = next(r for r in csv.DictReader(rows) if r["Name"] == "Aggregated")
    number = lambda name: float(row[name]) if row[name] not in ("", "N/A") else 0.0  # noqa: E731
    return {"requests": number("Request Count"), "failures": number("Failure Count"), "p50_ms": number("50%"),
            "p95_ms": number("95%"), "p99_ms": number("99%")}


def measure(target: Target, rate: float | None, seconds: int, mixes=MIXES) -> dict:
    """One `scimulator load` run (one Locust worker) against `target`; its figures and the generator's CPU time."""
    with tempfile.TemporaryDirectory(prefix="scimulator-bench-report-") as directory:
        plan = LoadPlan(target=target.base_url, token=TOKEN, mixes=mixes, tenants=1, users_per_tenant=CLIENTS,
                        rate=rate, duration_s=seconds, max_requests=10**7, workers=1, report_dir=Path(directory),
                        group_members=50)
        figures_file = run_locust(plan, lambda progress: None)
        load = read_results(plan, figures_file)
        cpu = json.loads(figures_file.read_text())["generator_cpu_s"]
        figures = aggregated(Path(directory))
    achieved = load["requests"] / load["duration_s"] if load["duration_s"] else 0.0
    sustained = (rate is None or achieved >= SUSTAINED_SHARE * rate) and figures["p99_ms"] < SUSTAINED_P99_MS \
        and load["error_rate"] < SUSTAINED_ERRORS
    return {"target": target.name, "rate_requested": rate, "achieved_rps": round(achieved, 1),
            "p50_ms": figures["p50_ms"], "p95_ms": figures["p95_ms"], "p99_ms": figures["p99_ms"],
            "error_rate": load["error_rate"], "requests": load["requests"], "generator_cpu_s": round(cpu, 2),
            "sustained": sustained}


def plain_locust(target: Target, seconds: int) -> dict:
    """Plain Locust (bench/plain_locustfile.py), master and one worker, closed loop: requests and CPU time."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="scimulator-bench-plain-") as directory:
        env = {"SCIMULATOR_TOKEN": TOKEN, "PLAIN_RESULTS": f"{directory}/cpu.json"}
        common = [sys.executable, "-m", "locust", "-f", str(PLAIN_LOCUSTFILE), "--loglevel", "WARNING"]
        worker = subprocess.Popen([*common, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
                                  cwd=directory, env=_environment(env), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        subprocess.run([*common, "--headless", "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port",
                        str(port), "--expect-workers", "1", "--users", str(CLIENTS), "--spawn-rate", str(CLIENTS),
                        "--run-time", f"{seconds}s", "--host", target.base_url, "--csv", f"{directory}/locust",
                        "--only-summary"],
                       cwd=directory, env=_environment(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=seconds + 60)
        worker.wait(timeout=30)
        cpu = json.loads(Path(f"{directory}/cpu.json").read_text())["generator_cpu_s"]
        figures = aggregated(Path(directory))
    return {"requests": int(figures["requests"]), "failures": int(figures["failures"]), "generator_cpu_s": round(cpu, 2)}


def _environment(extra: dict) -> dict:
    return {**os.environ, **extra}


def generator_cost(seconds: int, log: Callable[[str], None]) -> list[dict]:
    """Requests per CPU second of `scimulator load` (Okta assignment waves) and of plain Locust, same target."""
    with scimulator_serve(2) as target:
        ours = measure(target, None, seconds, mixes=("okta-assignment-waves",))
        plain = plain_locust(target, seconds)
    rows = [{"generator": "scimulator load (okta-assignment-waves)", "requests": ours["requests"],
             "generator_cpu_s": ours["generator_cpu_s"]},
            {"generator": "plain Locust HttpUser (the same requests)", "requests": plain["requests"],
             "generator_cpu_s": plain["generator_cpu_s"]}]
    for row in rows:
        row["requests_per_cpu_s"] = round(row["requests"] / row["generator_cpu_s"], 1) if row["generator_cpu_s"] else None
        log(f"  {row['generator']}: {row['requests']:,} requests, {row['generator_cpu_s']} CPU s, "
            f"{row['requests_per_cpu_s']} requests per CPU second")
    return rows


TARGETS = [("scimulator serve --workers 1", lambda: scimulator_serve(1)),
           ("scimulator serve --workers 2", lambda: scimulator_serve(2)),
           ("scim2-server 0.8.3", lambda: scim2_server(0))]


def rates(seconds: int, log: Callable[[str], None]) -> list[dict]:
    """Each target at the fixed rate, then stepped up to its highest sustained rate."""
    rows = []
    for name, start in TARGETS:
        with start() as target:
            fixed = measure(target, FIXED_RATE, seconds)
            rows.append({**fixed, "target": name, "step": "fixed"})
            log(f"  {name} at {FIXED_RATE:g}/s: {fixed['achieved_rps']} achieved, p99 {fixed['p99_ms']:g} ms, "
                f"errors {fixed['error_rate']:.2%}")
            for rate in RATE_STEPS:
                row = {**measure(target, rate, seconds), "target": name, "step": "search"}
                rows.append(row)
                log(f"  {name} at {rate:g}/s: {row['achieved_rps']} achieved, p99 {row['p99_ms']:g} ms, "
                    f"errors {row['error_rate']:.2%}{'' if row['sustained'] else ' (not sustained)'}")
                if not row["sustained"]:
                    break
    return rows


def highest_sustained(rows: list[dict]) -> list[dict]:
    best: dict[str, dict] = {}
    for row in rows:
        if row["step"] == "search" and row["sustained"]:
            best[row["target"]] = row
    return [{"target": name, "rate_requested": row["rate_requested"], "achieved_rps": row["achieved_rps"],
             "p99_ms": row["p99_ms"]} for name, row in best.items()]


def run(seconds: int, log: Callable[[str], None]) -> dict:
    log("scimulator load against the bundled server (1 and 2 workers) and scim2-server 0.8.3")
    measured = rates(seconds, log)
    log("Load generator cost: scimulator load beside plain Locust")
    return {"seconds": seconds, "mixes": list(MIXES), "rates": measured, "highest_sustained": highest_sustained(measured),
            "generators": generator_cost(seconds, log)}


def markdown(load: dict) -> list[str]:
    lines = ["", f"`scimulator load` ({', '.join(load['mixes'])}; 1 tenant, {CLIENTS} clients per mix, one Locust worker, "
                 f"{load['seconds']} s per measurement):", "",
             "| target | requested/s | achieved/s | p50 ms | p95 ms | p99 ms | errors | sustained |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {r['target']} | {r['rate_requested']:g} | {r['achieved_rps']:,.1f} | {r['p50_ms']:g} | {r['p95_ms']:g} | "
              f"{r['p99_ms']:g} | {r['error_rate']:.2%} | {'yes' if r['sustained'] else 'no'} |" for r in load["rates"]]
    lines += ["", "Highest sustained rate (p99 under 1 s, at least 90% of the rate achieved, under 1% errors):", "",
              "| target | requested/s | achieved/s | p99 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {r['target']} | {r['rate_requested']:g} | {r['achieved_rps']:,.1f} | {r['p99_ms']:g} |"
              for r in load["highest_sustained"]]
    lines += ["", "Load generator cost (closed loop against `scimulator serve --workers 2`):", "",
              "| generator | requests | worker CPU s | requests per CPU second |", "|---|---:|---:|---:|"]
    lines += [f"| {r['generator']} | {r['requests']:,} | {r['generator_cpu_s']} | {r['requests_per_cpu_s']} |"
              for r in load["generators"]]
    return lines


def ratios(load: dict) -> list[dict]:
    """The generator's cost against plain Locust, and the highest sustained rates against each other."""
    if not load:
        return []
    out = []
    ours, plain = (row["requests_per_cpu_s"] for row in load["generators"])
    if ours and plain:
        out.append({"comparison": "load generator, requests per CPU second: scimulator load / plain Locust",
                    "ratio": round(ours / plain, 2)})
    best = {row["target"]: row["achieved_rps"] for row in load["highest_sustained"]}
    one, two, peer = (best.get(name) for name, _ in TARGETS)
    if one and two:
        out.append({"comparison": "highest sustained load rate: scimulator serve --workers 2 / --workers 1",
                    "ratio": round(two / one, 2)})
    if one and peer:
        out.append({"comparison": "highest sustained load rate: scimulator serve --workers 1 / scim2-server 0.8.3",
                    "ratio": round(one / peer, 2)})
    return out
