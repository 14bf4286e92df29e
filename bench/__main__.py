"""`make bench`: measure, print ratios against the named peer, write bench/results/latest.{json,md}.

    python -m bench [--seconds S] [--clients N] [--sizes 1000,100000]
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

from bench import entra_cycle, server_throughput

RESULTS = Path(__file__).resolve().parent / "results"
OURS, PEER = "scimulator serve", "scim2-server 0.8.3"


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
             f"{report['seconds']} s per measurement.", "",
             "| target | users | operation | requests/s | server CPU µs/request | wrong answers |",
             "|---|---:|---|---:|---:|---:|"]
    lines += [f"| {r['target']} | {r['users']:,} | {r['operation']} | {r['per_second']:,.1f} | {r['server_cpu_us']:,.0f} | {r['wrong']} |"
              for r in report["rows"]]
    lines += ["", "Entra initial cycle (simulator's Entra engine, one cycle over everything in scope):", "",
              "| target | users | groups | requests | failures | seconds | objects/s |", "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['target']} | {r['users']:,} | {r['groups']:,} | {r['requests']:,} | {r['failures']} | {r['seconds']} | "
              f"{r['objects_per_second']:,.1f} |" for r in report["entra_cycle"]]
    lines += ["", "| comparison | ratio |", "|---|---:|"]
    lines += [f"| {r['comparison']} | {r['ratio']} |" for r in report["ratios"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement (default 5)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients (default 4)")
    parser.add_argument("--sizes", default="1000,100000", help="user counts to measure at (default 1000,100000)")
    parser.add_argument("--cycle", default="10000,500", help="users,groups of the Entra initial cycle (default 10000,500)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    started = time.time()
    log(f"Server throughput: {OURS} against {PEER}")
    rows = server_throughput.run(sizes, args.seconds, args.clients, log)
    cycle_users, cycle_groups = (int(n) for n in args.cycle.split(","))
    log(f"Entra initial cycle: {OURS} against {PEER}")
    cycles = entra_cycle.run(cycle_users, cycle_groups, members_each=20, log=log)
    report = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
                         f"{os.cpu_count()} CPUs",
              "seconds": args.seconds, "clients": args.clients, "rows": rows, "entra_cycle": cycles,
              "ratios": ratios(rows) + cycle_ratios(cycles)}
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
