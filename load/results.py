"""The results reader: Locust's figures and CSV files into the "load" section of report.json.

Per-kind counts and latency percentiles are Locust's own statistics, as the master holds them at the
end (``scimulator_load.json``, written by the locustfile after the workers' last reports): read, never
recomputed. The timeline is Locust's stats history (``locust_stats_history.csv``, the Aggregated rows:
requests and failures per second from the differences of its running totals, and the response-time
percentiles of its last ten seconds). The
achieved rate of a tenant is its requests over the run's duration.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .processes import CSV_PREFIX, LoadPlan
from .yardsticks import judge

KIND_FIELDS = ("kind", "requests", "failures", "p50_ms", "p95_ms", "p99_ms", "max_ms", "rps")


def read_results(plan: LoadPlan, figures_file: Path) -> dict:
    """The agreed "load" shape, verdicts included."""
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    duration = float(figures["duration_s"]) or 1e-9
    requests, failures = figures["requests"], figures["failures"]
    load = {"target": plan.target, "started_at": figures["started_at"], "duration_s": round(float(figures["duration_s"]), 3),
            "workers": plan.workers, "tenants": plan.tenants, "users_per_tenant": plan.users_per_tenant,
            "rate_requested": plan.rate, "mixes": list(plan.mixes), "requests": requests, "failures": failures,
            "error_rate": round(failures / requests, 6) if requests else 0.0,
            "kinds": [{name: kind[name] for name in KIND_FIELDS} for kind in figures["kinds"]],
            "tenants_detail": [{"tenant": name, "requests": row["requests"], "failures": row["failures"],
                                "achieved_rps": round(row["requests"] / duration, 3)}
                               for name, row in figures["tenants"].items()],
            "timeline": timeline(plan.report_dir / f"{CSV_PREFIX}_stats_history.csv"),
            "csv": sorted(path.name for path in plan.report_dir.glob(f"{CSV_PREFIX}*.csv"))}
    load["verdicts"] = judge(load, figures["pushes"], figures["errors"])
    return load


def timeline(history: Path) -> list[dict]:
    """One point per second of the run, from Locust's Aggregated history rows."""
    if not history.is_file():
        return []
    with history.open(newline="", encoding="utf-8") as rows:
        aggregated = [row for row in csv.DictReader(rows) if row.get("Name") == "Aggregated"]
    if not aggregated:
        return []
    first = int(aggregated[0]["Timestamp"])
    points, before = [], None
    for row in aggregated:
        points.append({"t_s": float(int(row["Timestamp"]) - first), **per_second(row, before),
                       "p50_ms": number(row["50%"]), "p95_ms": number(row["95%"])})
        before = row
    return points


def per_second(row: dict, before: dict | None) -> dict:
    """Requests and failures per second since the row before, from the cumulative totals (Locust's own
    Requests/s is a moving average that trails the run by seconds); the first row has its running rates."""
    if before is None:
        return {"rps": number(row["Requests/s"]) or 0.0, "failures_per_s": number(row["Failures/s"]) or 0.0}
    seconds = max(1, int(row["Timestamp"]) - int(before["Timestamp"]))
    return {"rps": (int(row["Total Request Count"]) - int(before["Total Request Count"])) / seconds,
            "failures_per_s": (int(row["Total Failure Count"]) - int(before["Total Failure Count"])) / seconds}


def number(text: str | None) -> float | None:
    """A CSV figure, or None where Locust writes "N/A" (no request finished in the window): the plot leaves a gap
    there rather than draw a latency of 0 ms."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
