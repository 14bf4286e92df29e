"""`make bench`: measure, print ratios against the named peer, write bench/results/latest.{json,md}.

    python -m bench [--seconds S] [--clients N] [--sizes 1000,100000] [--only server,cycle,harness]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import entra_cycle, harness, load_locust, server_throughput

RESULTS = Path(__file__).resolve().parent / "results"
OURS, PEER = "scimulator serve", "scim2-server 0.8.3"
OURS_TWO_WORKERS = "scimulator serve --workers 2"
BENCHES = ("server", "cycle", "harness", "load")  # server throughput, the Entra initial cycle, the harness's overhead,
# `scimulator load` (Locust) against the servers and beside plain Locust


def log(line: str) -> None:
    print(line, flush=True)


def ratios(rows: list[dict]) -> list[dict]:
    """Ours against the peer for each size and operation, and ours at the largest size against the smallest."""
    by_key = {(row["target"], row["users"], row["operation"]): row["per_second"] for row in rows}
    cpu = {(row["target"], row["users"], row["operation"]): row["server_cpu_us"] for row in rows}
    sizes = sorted({row["users"] for row in rows})
    operations = list(dict.fromkeys(row["operation"] for row in rows))
    out = []
    for operation in operations:
        for users in sizes:
            ours, peer = by_key.get((OURS, users, operation)), by_key.get((PEER, users, operation))
            if ours and peer:
                out.append({"comparison": f"{operation} at {users:,} users: requests/s, {OURS} / {PEER}",
                            "ratio": round(ours / peer, 2)})
            two = by_key.get((OURS_TWO_WORKERS, users, operation))
            if ours and two:
                out.append({"comparison": f"{operation} at {users:,} users: requests/s, {OURS_TWO_WORKERS} / {OURS}",
                            "ratio": round(two / ours, 2)})
            ours_cpu, peer_cpu = cpu.get((OURS, users, operation)), cpu.get((PEER, users, operation))
            if ours_cpu and peer_cpu:
                out.append({"comparison": f"{operation} at {users:,} users: server CPU per request, {PEER} / {OURS}",
                            "ratio": round(peer_cpu / ours_cpu, 2)})
        if len(sizes) > 1:
            small, large = by_key.get((OURS, sizes[0], operation)), by_key.get((OURS, sizes[-1], operation))
            if small and large:
                out.append({"comparison": f"{operation}, {OURS}: time per request at {sizes[-1]:,} / at {sizes[0]:,} users",
                            "ratio": round(small / large, 2)})
    return out


def cycle_ratios(cycles: list[dict]) -> list[dict]:
    by_target = {row["target"]: row["objects_per_second"] for row in cycles}
    if by_target.get(OURS) and by_target.get(PEER):
        return [{"comparison": f"Entra initial cycle, objects/s: {OURS} / {PEER}",
                 "ratio": round(by_target[OURS] / by_target[PEER], 2)}]
    return []


def markdown(report: dict) -> str:
    lines = [f"# scimulator benchmark, {report['when']}", "",
             f"{report['machine']}; {report['clients']} client threads over keep-alive connections, "
             f"{report['seconds']} s per measurement."]
    if report["rows"]:
        lines += ["", "| target | users | operation | requests/s | server CPU µs/request | wrong answers |",
                  "|---|---:|---|---:|---:|---:|"]
        lines += [f"| {r['target']} | {r['users']:,} | {r['operation']} | {r['per_second']:,.1f} | {r['server_cpu_us']:,.0f} | {r['wrong']} |"
                  for r in report["rows"]]
    if report["entra_cycle"]:
        lines += ["", "Entra initial cycle (simulator's Entra engine, one cycle over everything in scope):", "",
                  "| target | users | groups | requests | failures | seconds | objects/s |", "|---|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['target']} | {r['users']:,} | {r['groups']:,} | {r['requests']:,} | {r['failures']} | {r['seconds']} | "
                  f"{r['objects_per_second']:,.1f} |" for r in report["entra_cycle"]]
    lines += harness.markdown(report["harness"])
    if report.get("load"):
        lines += load_locust.markdown(report["load"])
    lines += ["", "| comparison | ratio |", "|---|---:|"]
    lines += [f"| {r['comparison']} | {r['ratio']} |" for r in report["ratios"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement (default 5)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients (default 4)")
    parser.add_argument("--sizes", default="1000,100000", help="user counts to measure at (default 1000,100000)")
    parser.add_argument("--cycle", default="10000,500", help="users,groups of the Entra initial cycle (default 10000,500)")
    parser.add_argument("--only", default=",".join(BENCHES), metavar="NAMES",
                        help=f"run only these benches, comma-separated: {', '.join(BENCHES)} (default all)")
    parser.add_argument("--harness-runs", type=int, default=2, metavar="N",
                        help="runs of each harness measurement, the fastest kept (default 2)")
    parser.add_argument("--load-seconds", type=int, default=8, metavar="S",
                        help="length of each `scimulator load` measurement (default 8)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    only = set(args.only.split(","))
    if not only <= set(BENCHES):
        parser.error(f"--only takes {', '.join(BENCHES)}, not {', '.join(sorted(only - set(BENCHES)))}")

    started = time.time()
    rows, cycles, overhead = [], [], []
    if "server" in only:
        log(f"Server throughput: {OURS} against {PEER}")
        rows = server_throughput.run(sizes, args.seconds, args.clients, log)
    if "cycle" in only:
        cycle_users, cycle_groups = (int(n) for n in args.cycle.split(","))
        log(f"Entra initial cycle: {OURS} against {PEER}")
        cycles = entra_cycle.run(cycle_users, cycle_groups, members_each=20, log=log)
    if "harness" in only:
        log("Harness overhead: `scimulator run`, wall time against its exchanges' time, before and after")
        overhead = harness.run(args.harness_runs, log)
    load = load_locust.run(args.load_seconds, log) if "load" in only else {}
    report = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
                         f"{os.cpu_count()} CPUs",
              "seconds": args.seconds, "clients": args.clients, "rows": rows, "entra_cycle": cycles,
              "harness": overhead, "load": load,
              "ratios": ratios(rows) + cycle_ratios(cycles) + harness.ratios(overhead) + load_locust.ratios(load)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown(report))
    log("")
    for ratio in report["ratios"]:
        log(f"  {ratio['ratio']:>6}x  {ratio['comparison']}")
    log(f"\nWritten to {RESULTS / 'latest.md'} and latest.json ({time.time() - started:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
