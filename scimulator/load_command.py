"""`scimulator load`: IdP-shaped load on Locust against a target (the bundled server when none is given).

Bounded by construction: every run has a duration (``--duration``, at most ``MAX_DURATION_S``) and a
request cap (``--max-requests``), and there is no default target but the bundled server, started for
the run in its own process on a temporary SQLite file. Bad arguments and an unreachable target get one
plain sentence and exit 2; failed verdicts exit 1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from scimulator.load.mixes import MIXES
from scimulator.load.processes import LoadError, LoadPlan, Progress, bundled_server, locustfile, run_locust
from scimulator.load.report import write_report
from scimulator.reports.load import failed_verdicts, without_credentials
from scimulator.load.results import read_results

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_DURATION_S = 3600
LIMITS = {"tenants": (1, 1000), "users_per_tenant": (1, 1000), "workers": (1, 64), "max_requests": (1, 100_000_000),
          "group_members": (1, 10_000), "duration": (1, MAX_DURATION_S)}


def add_parser(commands) -> None:
    load = commands.add_parser("load", help="send IdP-shaped load (Locust) and judge it against named yardsticks")
    load.add_argument("--target", help="SCIM base URL to load (default: the bundled reference server, started for the run)")
    load.add_argument("--token", help="bearer token for the target (default: SCIMULATOR_TOKEN)")
    load.add_argument("--mix", action="append", choices=list(MIXES), metavar="MIX",
                      help=f"a traffic mix: {', '.join(MIXES)}; repeat for several (default: all)")
    load.add_argument("--tenants", type=int, default=1, help="tenants, each with its own people and groups (default 1)")
    load.add_argument("--users-per-tenant", type=int, default=1,
                      help="simulated IdP clients of each mix per tenant (default 1)")
    load.add_argument("--rate", type=float, metavar="PER_SECOND",
                      help="requests per second in all, paced per client (default: as fast as the target answers)")
    load.add_argument("--duration", type=int, default=30, metavar="SECONDS",
                      help=f"how long the load runs (default 30, at most {MAX_DURATION_S})")
    load.add_argument("--max-requests", type=int, default=100_000, help="stop the run at this many requests (default 100,000)")
    load.add_argument("--workers", type=int, default=1, help="local Locust worker processes (default 1)")
    load.add_argument("--group-members", type=int, default=200,
                      help="members of each group the group-push-bursts mix pushes (default 200)")
    load.add_argument("--report-dir", default="scimulator-report", help="where the reports go (default scimulator-report)")
    load.add_argument("--print-locustfile", action="store_true",
                      help="print the locustfile's path (for Locust workers on other machines) and exit")


def problem_with(args: argparse.Namespace) -> str | None:
    """Why the options cannot be used, in one sentence; None when they can."""
    for name, (low, high) in LIMITS.items():
        value = getattr(args, name)
        if not low <= value <= high:
            return f"--{name.replace('_', '-')} must be between {low:,} and {high:,}, not {value:,}"
    if args.rate is not None and not args.rate > 0:
        return "--rate must be a positive number of requests per second"
    if args.target and not args.target.startswith(("http://", "https://")):
        return "--target must start with http:// or https://"
    if args.target and not (args.token or os.environ.get("SCIMULATOR_TOKEN")):
        return "--target needs a bearer token: give --token or set SCIMULATOR_TOKEN"
    return None


def plan_from(args: argparse.Namespace, target: str, token: str | None) -> LoadPlan:
    return LoadPlan(target=target, token=token, mixes=tuple(dict.fromkeys(args.mix or MIXES)), tenants=args.tenants,
                    users_per_tenant=args.users_per_tenant, rate=args.rate, duration_s=args.duration,
                    max_requests=args.max_requests, workers=args.workers, report_dir=Path(args.report_dir).resolve(),
                    group_members=args.group_members)


class ProgressLines:
    """A line a second: the rate is the requests since the line before, over the seconds since it (Locust's own
    current rate averages the last seconds and stays at 0 until the workers' first reports)."""

    def __init__(self):
        self.last: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        rate = progress.rps
        if self.last is not None and progress.elapsed_s > self.last.elapsed_s:
            rate = (progress.requests - self.last.requests) / (progress.elapsed_s - self.last.elapsed_s)
        self.last = progress
        print(f"scimulator load: {progress.elapsed_s:.0f} s, {progress.requests:,} requests, {rate:,.1f} requests/s, "
              f"{progress.failures:,} failures", flush=True)


def load(args: argparse.Namespace) -> int:
    if args.print_locustfile:
        print(locustfile())
        return EXIT_OK
    from scimulator.run import RunError, check_report_dir, check_target  # the run's own pre-flight checks

    problem = problem_with(args)
    try:
        if problem:
            raise RunError(problem)
        check_report_dir(Path(args.report_dir))
        token = args.token or os.environ.get("SCIMULATOR_TOKEN")
        if args.target:
            check_target(args.target, token)
            return run_load(plan_from(args, args.target, token), bundled=False)
        token = secrets.token_urlsafe(24)
        with bundled_server(token, Path(args.report_dir).resolve() / "scimulator-serve.log") as url:
            return run_load(plan_from(args, url, token), bundled=True)
    except (RunError, LoadError) as error:
        print(f"scimulator: {str(error).rstrip('.')}.", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("scimulator: the load run was interrupted; no report was written.", file=sys.stderr)
        return EXIT_INTERRUPTED


def run_load(plan: LoadPlan, bundled: bool) -> int:
    where = "the bundled reference server" if bundled else without_credentials(plan.target)
    print(f"scimulator load: {', '.join(plan.mixes)} against {where}; {plan.clients} client(s) on {plan.workers} "
          f"worker(s), {plan.duration_s} s, at most {plan.max_requests:,} requests", flush=True)
    figures = run_locust(plan, ProgressLines())
    results = read_results(plan, figures)
    write_report(plan.report_dir, results, bundled)
    print(f"scimulator load: {results['requests']:,} requests, {results['failures']:,} failed "
          f"({results['error_rate']:.2%}) in {results['duration_s']:.1f} s; report in {plan.report_dir}")
    for verdict in results["verdicts"]:
        print(f"  {verdict['outcome']:>10}  {verdict['title']}: {verdict['detail']}")
    return EXIT_FAILED if failed_verdicts(results) else EXIT_OK
