"""`scimulator run`: the conformance suite, in-process through pytest, ending in a report.

Exit codes (architecture.md): 0 every selected scenario passed, or failed only where the baseline
accepts it; 1 conformance failures, or a scenario that could not run for a reason of its own (outcome
"error": the suite itself is wrong, so the run cannot vouch for the target); 2 the run could not happen
(bad arguments, or a pre-flight check below); 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: the
report is still written, marked interrupted, and no verdict in it says "ready". The run's deadline
(--deadline, 3600 s by default, counted from the start of the run) ends it the same way but with exit 1
and the sentence "stopped at the deadline": no scenario starts after it, the one running finishes (each
exchange is bounded by the IdP's own timeout).

Pre-flight, before the first scenario, each in one sentence with exit 2 and, when the report directory
is writable, a report.json whose "could_not_run" says why (so a CI step that reads it finds the reason):
the report directory is writable; the folder of --write-baseline exists; the baseline parses; every
feature file parses (else its file and line); the target answers, accepts the token and answers like a
SCIM endpoint. That last check is the request Okta sends when its provisioning settings are saved,
`GET /Users?startIndex=1&count=2` (Okta's SCIM reference [O6]), sent with the suite's own User-Agent
(scimulator-verify). It waits up to 60 s, as Okta does [O2]: a target an IdP would wait for is not turned
away by the pre-flight; a refused connection still fails at once.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.gherkin_parser import get_gherkin_document

import scimulator.steps as steps
from scimulator.reports.baseline import BaselineError, read_baseline
from scimulator.reports.certification import PROFILES as CERTIFICATION_PROFILES
from scimulator.reports.model import RunResult
from scimulator.reports.writers import write_all
from scimulator.progress import Progress
from scimulator.simulator import VERIFY, Transport
from scimulator.steps.language import LanguageError
from scimulator.steps.language import check_features as check_step_language
from scimulator.simulator.scim import LIST_RESPONSE
from scimulator.simulator.transport import TOOL_VERSION
from scimulator.steps.plugin import DEADLINE_SENTENCE
from scimulator.simulator.oauth import OAuthBearer, TokenRefused, TokenSource
from scimulator.steps.settings import RunSettings, SettingsError, client_from_environment, token_from_environment

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
EXIT_SIGNAL_BASE = 128  # the shell's convention: 128 + the signal's number
PREFLIGHT = replace(VERIFY, timeout_s=60.0)  # Okta's socket timeout [O2]
PREFLIGHT_QUERY = [("startIndex", 1), ("count", 2)]  # Okta's request after its settings are saved [O6]


class RunError(Exception):
    """The run cannot happen; the message is one plain sentence."""


def settings_from(args) -> RunSettings:
    """The run's settings from the command's arguments; the token from --token, else SCIMULATOR_TOKEN (read once),
    the OAuth client from --client-id and --client-secret, else SCIMULATOR_CLIENT_ID and SCIMULATOR_CLIENT_SECRET."""
    return RunSettings(**oauth_settings(args), target=args.target, token=args.token or token_from_environment(), idps=tuple(args.idp or ()),
                       tags=args.tags, profile=args.profile, preset=args.preset,
                       features=tuple(str(Path(d).resolve()) for d in args.features or ()),
                       report_dir=str(Path(args.report_dir).resolve()), baseline=args.baseline,
                       write_baseline=args.write_baseline, deadline=args.deadline)


def oauth_settings(args) -> dict:
    """The OAuth client options (absent from an argument set built before they existed: static tokens)."""
    option = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    client_id, client_secret = client_from_environment()
    return {"auth": option("auth", "bearer"), "token_url": option("oauth_token_url"),
            "client_id": option("client_id") or client_id, "client_secret": option("client_secret") or client_secret,
            "scope": option("scope"), "client_auth": option("client_auth", "basic"),
            "private_key_file": option("private_key")}


def check_selection(settings: RunSettings) -> None:
    try:
        settings.marker_expression()
    except SettingsError as error:
        raise RunError(str(error)) from None


def check_private_key(settings: RunSettings) -> None:
    """--private-key names a PEM file of an RSA or EC private key (read once, then a secret of the run)."""
    try:
        settings.private_key_pem()
    except SettingsError as error:
        raise RunError(str(error)) from None


def check_profile(name: str | None) -> None:
    if name and name not in CERTIFICATION_PROFILES:
        raise RunError(f"--profile takes {' or '.join(CERTIFICATION_PROFILES)}, not {name}")


def check_report_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise RunError(f"cannot write reports to {directory} ({error.strerror or error})") from None


def check_write_baseline(path: str | None) -> None:
    if path and not Path(path).resolve().parent.is_dir():
        raise RunError(f"cannot write the baseline {path}: the folder {Path(path).resolve().parent} does not exist")


def check_baseline(path: str | None) -> None:
    if not path:
        return
    try:
        read_baseline(Path(path))
    except BaselineError as error:
        raise RunError(str(error)) from None


def feature_directories(settings: RunSettings) -> list[Path]:
    directories = [Path(d) for d in settings.feature_directories]
    missing = [str(d) for d in directories if not d.is_dir()]
    if missing:
        raise RunError(f"the feature directory {missing[0]} does not exist")
    return directories


def check_features(directories: list[Path]) -> None:
    """Every feature file parses (else the file and line of the first that does not) and speaks the step language.
    The step-language check parses every file itself; only when it finds a problem are the files parsed again, as
    pytest-bdd parses them, to name the first that does not parse in pytest-bdd's words."""
    try:
        check_step_language(directories)
    except LanguageError as error:
        check_parsing(directories)
        raise RunError(str(error)) from None


def check_parsing(directories: list[Path]) -> None:
    for path in sorted(p for d in directories for p in d.rglob("*.feature")):
        try:
            get_gherkin_document(str(path))
        except GherkinParseError as error:
            raise RunError(f"the feature file {path} does not parse at line {error.line} "
                           f"({error.line_content.strip()!r}: {error.message.rstrip('.')})") from None


def client_credentials_auth(settings: RunSettings) -> OAuthBearer | None:
    """With client credentials for a target: a first token from its token endpoint (else why not)."""
    try:
        credentials = settings.client_credentials()
        if credentials is None:
            return None
        source = TokenSource(credentials)
        source.access_token()
    except (SettingsError, TokenRefused) as error:
        raise RunError(str(error)) from None
    return OAuthBearer(source)


def check_target(url: str, token: str | None, auth: OAuthBearer | None = None) -> None:
    """The target answers Okta's first request, accepts the token, and answers with a SCIM ListResponse."""
    with Transport(url, token, PREFLIGHT, auth=auth) as http:
        answer = http.get("/Users", PREFLIGHT_QUERY)
    request = "GET /Users?startIndex=1&count=2"
    if answer.status is None:
        reason = answer.failure.removeprefix("the target could not be reached (").removesuffix(")")
        raise RunError(f"cannot reach the target at {url} ({reason})")
    if answer.status in (401, 403):
        raise RunError(f"the target refused the token ({answer.status} to {request})")
    if answer.status == 429:
        return  # it answers; how it limits its rate is for the scenarios to judge
    if not is_list_response(answer.response_body):
        content_type = answer.response_headers.get("content-type", "no Content-Type")
        raise RunError(f"the target at {url} does not answer like a SCIM endpoint ({request} gave "
                       f"{answer.status} {content_type}, not a SCIM ListResponse)")


def is_list_response(body) -> bool:
    return isinstance(body, dict) and (LIST_RESPONSE in (body.get("schemas") or []) or "totalResults" in body)


# pytest's own plugins the scenarios never use (each adds its hooks around every scenario's phases: about 50 ms a
# run of the bundled suite in all): the debugger, unittest and doctest items, the legacy and pastebin options,
# pytest's JUnit XML (the run writes its own), --setup-only and --setup-plan, warnings captured per test (Python
# prints them as it does anywhere), recwarn, monkeypatch and subtests. Capture stays, at the sys level: the
# scenarios print nothing, and output of the same process is all there is to keep from the terminal. An Allure run
# keeps every plugin (allure-pytest-bdd reads what some of them record). Logging capture is left out too when the run
# has a target: it keeps the bundled reference server's log records (which it writes in the run's own process) off
# the terminal, and nothing else in the process logs.
UNUSED_PYTEST_PLUGINS = ("debugging", "unittest", "doctest", "legacypath", "pastebin", "junitxml", "setuponly",
                         "setupplan", "warnings", "recwarn", "monkeypatch", "subtests")


def pytest_arguments(allure_dir: str | None, target: str | None = None) -> list[str]:
    """pytest's own arguments: the suite's one test module, the plugins it needs and no others, and no
    configuration of the directory the command runs in (everything else reaches the plugin as the RunSettings
    object). Plugins installed beside it (xdist, hypothesis, anyio, Locust's, Faker's) are not loaded: the suite
    uses none of them, and each would add its imports and its hooks to every scenario. Nor is pytest's
    unraisable-exception plugin, which ends the session with a full garbage collection to find exceptions raised
    where Python cannot raise them; Python prints those on stderr itself."""
    suite = Path(steps.__file__).resolve().parent
    arguments = [str(suite / "test_conformance.py"), "--disable-plugin-autoload", "-p", "no:cacheprovider",
                 "-p", "no:unraisableexception", "-p", "no:terminal", "--rootdir", str(suite.parent),
                 "-c", str(suite / "run.ini")]
    if allure_dir:
        return [*arguments, "-p", "pytest_bdd.plugin", "-p", "scimulator.steps.plugin",
                "-p", "allure_pytest_bdd.plugin", "--alluredir", allure_dir]
    unused = UNUSED_PYTEST_PLUGINS + (() if target is None else ("logging",))
    return [*arguments, "-p", "scimulator.steps.bdd_core", "-p", "scimulator.steps.plugin",
            *(part for name in unused for part in ("-p", f"no:{name}")), "--capture=sys"]


def preflight(settings: RunSettings) -> None:
    """Every check that can fail before the first scenario."""
    if settings.target and not settings.token and not settings.uses_client_credentials:
        raise RunError("--target needs a bearer token: give --token or set SCIMULATOR_TOKEN "
                       "(or client credentials: --oauth-token-url, --client-id, --client-secret)")
    if settings.token_url and not settings.target:
        raise RunError("--oauth-token-url needs --target (without a target, use --auth client-credentials)")
    check_selection(settings)
    check_private_key(settings)
    check_profile(settings.profile)
    check_report_dir(Path(settings.report_dir))
    check_write_baseline(settings.write_baseline)
    check_baseline(settings.baseline)
    check_features(feature_directories(settings))
    if settings.target:
        auth = client_credentials_auth(settings)
        if auth is None:
            check_target(settings.target, settings.token)
        else:
            check_target(settings.target, None, auth)


def report_could_not_run(settings: RunSettings, reason: str) -> None:
    """A report saying why no scenario ran, when the report directory can take one."""
    run = RunResult(tool_version=TOOL_VERSION, target_url=settings.target or "bundled reference server",
                    bundled=not settings.target, started_at=_now(), duration_s=0.0, scenarios=[],
                    selection=settings.selection(), could_not_run=reason,
                    certification_profile=settings.profile if settings.profile in CERTIFICATION_PROFILES else None)
    try:
        write_all(run, Path(settings.report_dir))
    except OSError:
        pass  # the directory is the reason, or unwritable: the sentence on stderr is all there is


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class DeadlineWatch:
    """Whether the session stopped at the run's deadline (steps/plugin.py stops it with DEADLINE_SENTENCE)."""

    reached = False

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.reached = session.shouldstop == DEADLINE_SENTENCE


def raise_on_sigterm(progress: Progress):
    """SIGTERM raises KeyboardInterrupt, as SIGINT does, so that pytest winds the run down and writes the report."""
    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the run wind down
        progress.interrupted_by = signal.SIGTERM
        raise KeyboardInterrupt()

    return signal.signal(signal.SIGTERM, handler)


def run(args) -> int:
    started = time.monotonic()
    settings = settings_from(args)
    try:
        preflight(settings)
    except RunError as error:
        print(f"scimulator: {error}.", file=sys.stderr)
        report_could_not_run(settings, f"{error}.")
        return EXIT_UNUSABLE

    progress = Progress(sys.stdout, target=settings.target or "the bundled reference server")
    previous = raise_on_sigterm(progress)
    deadline = DeadlineWatch()
    try:
        remaining = max(0.0, args.deadline - (time.monotonic() - started))
        status = pytest.main(pytest_arguments(args.allure_dir, settings.target),
                             plugins=[replace(settings, deadline=remaining), progress, deadline])
    except KeyboardInterrupt:  # a second Ctrl-C while the run winds down
        status = pytest.ExitCode.INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    return outcome(args, progress, status, Path(settings.report_dir), deadline.reached)


def outcome(args, progress: Progress, status, report_dir: Path, deadline_reached: bool = False) -> int:
    """The exit code, and the sentence or summary that goes with it."""
    if status == pytest.ExitCode.INTERRUPTED:
        if progress.run is not None:
            progress.print_summary(report_dir)
        signum = progress.interrupted_by or signal.SIGINT
        stopped = (f"{DEADLINE_SENTENCE} ({args.deadline:g} s)" if deadline_reached
                   else f"interrupted ({signal.Signals(signum).name})")
        print(f"scimulator: {stopped} after {progress.done} of {progress.total} "
              "scenarios; the report is partial and gives no verdict.", file=sys.stderr)
        return EXIT_FAILED if deadline_reached else EXIT_SIGNAL_BASE + int(signum)
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
    progress.print_summary(report_dir)
    if progress.run.errors():
        print(f"scimulator: {len(progress.run.errors())} scenario(s) could not run because of a mistake in the suite "
              "(outcome error); they count in no verdict.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if progress.run.gating_failures() else EXIT_OK
