"""`scimulator run`: the conformance suite, in-process through pytest, ending in a report.

Exit codes (architecture.md): 0 every selected scenario passed, or failed only where the baseline
accepts it; 1 conformance failures; 2 the run could not happen (bad arguments, target unreachable).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

import steps
from reports.certification import PROFILES as CERTIFICATION_PROFILES
from scimulator.progress import Progress

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
IDPS = ("okta", "entra", "rfc7644", "vendor")


class RunError(Exception):
    """The run cannot happen; the message is one plain sentence."""


def marker_expression(idps: list[str] | None, tags: str | None) -> str | None:
    parts = []
    if idps:
        unknown = [idp for idp in idps if idp not in IDPS]
        if unknown:
            raise RunError(f"--idp takes {', '.join(IDPS)}, not {', '.join(unknown)}")
        parts.append("(" + " or ".join(idps) + ")")
    if tags:
        parts.append(f"({tags.replace('@', '')})")
    return " and ".join(parts) or None


def check_profile(name: str | None) -> None:
    if name and name not in CERTIFICATION_PROFILES:
        raise RunError(f"--profile takes {' or '.join(CERTIFICATION_PROFILES)}, not {name}")


def check_reachable(url: str, token: str) -> None:
    """Any HTTP answer will do; only a target that answers nothing at all stops the run."""
    try:
        httpx.get(url.rstrip("/") + "/ServiceProviderConfig", headers={"Authorization": f"Bearer {token}"}, timeout=15)
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise RunError(f"cannot reach the target at {url} ({reason})") from None


def pytest_arguments(args, markers: str | None) -> list[str]:
    suite = Path(steps.__file__).resolve().parent
    arguments = [str(suite / "test_conformance.py"), "-p", "steps.plugin", "-p", "no:cacheprovider",
                 "-p", "no:terminal", "--rootdir", str(suite.parent), "-c", str(suite / "run.ini"),
                 "--scim-report-dir", str(Path(args.report_dir).resolve())]
    if args.target:
        arguments += ["--scim-url", args.target]
    if markers:
        arguments += ["-m", markers]
    if args.baseline:
        arguments += ["--scim-baseline", args.baseline]
    if args.write_baseline:
        arguments += ["--scim-write-baseline", args.write_baseline]
    if args.preset:
        arguments += ["--preset", args.preset]
    if args.profile:
        arguments += ["--scim-profile", args.profile]
    if args.allure_dir:
        arguments += ["--alluredir", args.allure_dir]
    return arguments


def run(args) -> int:
    token = args.token or os.environ.get("SCIMULATOR_TOKEN")
    try:
        if args.target and not token:
            raise RunError("--target needs a bearer token: give --token or set SCIMULATOR_TOKEN")
        if args.baseline and not Path(args.baseline).is_file():
            raise RunError(f"the baseline file {args.baseline} does not exist")
        markers = marker_expression(args.idp, args.tags)
        check_profile(args.profile)
        if args.target:
            check_reachable(args.target, token)
    except RunError as error:
        print(f"scimulator: {error}.", file=sys.stderr)
        return EXIT_UNUSABLE

    if token:
        os.environ["SCIMULATOR_TOKEN"] = token  # handed to the plugin without appearing in any argument list
    progress = Progress(sys.stdout, target=args.target or "the bundled reference server")
    status = pytest.main(pytest_arguments(args, markers), plugins=[progress])
    if progress.run is None:
        if status == pytest.ExitCode.NO_TESTS_COLLECTED or progress.total == 0:
            print("scimulator: no scenario matches that selection.", file=sys.stderr)
        else:
            print("scimulator: the suite could not run (pytest exit code "
                  f"{int(status)}); check the options.", file=sys.stderr)
        return EXIT_UNUSABLE
    if not progress.run.scenarios:
        print("scimulator: no scenario matches that selection.", file=sys.stderr)
        return EXIT_UNUSABLE
    progress.print_summary(Path(args.report_dir).resolve())
    return EXIT_FAILED if progress.run.gating_failures() else EXIT_OK
