"""`scimulator load` end to end: Locust's master and workers on loopback, the report's figures and verdicts.

Each run is bounded: a few seconds of load (``--duration``), small groups, one or two workers.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scimulator.cli import main
from scimulator.load.yardsticks import ENTRA_GALLERY_RPS, NEAR_OKTA_TIMEOUT_MS
from tests.load.targets import RETRY_AFTER_S, TOKEN, fails_every_create, serving, throttles_everything

YARDSTICKS = {"entra-gallery-25rps", "okta-60s-timeout", "large-group-push"}
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


SCHEMA = Path(__file__).resolve().parents[2] / "reports" / "report.schema.json"


def load(report_dir: Path, *options: str) -> tuple[int, dict]:
    """Run `scimulator load`; its exit code and report.json's load section (checked against the report schema)."""
    status = main(["load", "--report-dir", str(report_dir), *options])
    report = json.loads((report_dir / "report.json").read_text())
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    return status, report["load"]


def verdicts_of(load_section: dict) -> dict[str, dict]:
    return {verdict["yardstick"]: verdict for verdict in load_section["verdicts"]}


def test_two_workers_against_the_bundled_server_report_consistent_figures_and_verdicts(tmp_path, capsys):
    status, figures = load(tmp_path, "--workers", "2", "--duration", "4", "--tenants", "2", "--group-members", "20")

    assert figures["workers"] == 2 and figures["tenants"] == 2 and figures["requests"] > 0
    assert figures["requests"] == sum(kind["requests"] for kind in figures["kinds"])
    assert figures["failures"] == sum(kind["failures"] for kind in figures["kinds"])
    for kind in figures["kinds"]:
        assert kind["requests"] > 0
        assert 0 <= kind["p50_ms"] <= kind["p95_ms"] <= kind["p99_ms"] <= kind["max_ms"] * 1.05 + 1, kind  # Locust rounds to 2 digits
    assert {"lookup user", "create user"} <= {kind["kind"] for kind in figures["kinds"]}
    tenants = figures["tenants_detail"]
    assert {tenant["tenant"] for tenant in tenants} == {"tenant-1", "tenant-2"}
    assert sum(tenant["requests"] for tenant in tenants) == figures["requests"]
    for tenant in tenants:
        assert tenant["achieved_rps"] == pytest.approx(tenant["requests"] / figures["duration_s"], rel=0.01)
    assert figures["timeline"] and all(point["rps"] >= 0 for point in figures["timeline"])

    verdicts = verdicts_of(figures)
    assert set(verdicts) == YARDSTICKS
    gallery_met = figures["failures"] == 0 and min(t["achieved_rps"] for t in tenants) >= ENTRA_GALLERY_RPS
    assert verdicts["entra-gallery-25rps"]["outcome"] == ("passed" if gallery_met else "failed")
    near_timeout = max(kind["max_ms"] for kind in figures["kinds"]) >= NEAR_OKTA_TIMEOUT_MS
    assert verdicts["okta-60s-timeout"]["outcome"] == ("failed" if near_timeout else "passed")
    assert verdicts["large-group-push"]["outcome"] in ("passed", "not judged")
    assert status == (EXIT_FAILED if any(v["outcome"] == "failed" for v in verdicts.values()) else EXIT_OK)

    assert {"locust_stats.csv", "locust_stats_history.csv", "locust_failures.csv"} <= set(figures["csv"])
    assert all((tmp_path / name).is_file() for name in figures["csv"])
    assert "requests/s" in capsys.readouterr().out  # the progress lines


def test_a_429_with_retry_after_is_waited_on(tmp_path):
    """Okta reschedules the task after Retry-After, Entra pauses and sends again: a few requests in 4 s, not thousands."""
    with serving(tmp_path, throttles_everything) as url:
        status, figures = load(tmp_path / "report", "--target", url, "--token", TOKEN, "--duration", "4",
                               "--mix", "okta-assignment-waves", "--mix", "entra-initial-cycle")

    clients = 2
    assert 0 < figures["requests"] <= clients * (4 // RETRY_AFTER_S + 2)
    assert figures["failures"] == figures["requests"]
    assert verdicts_of(figures)["entra-gallery-25rps"]["outcome"] == "failed"
    assert status == EXIT_FAILED


def test_a_target_that_fails_its_creates_fails_the_gallery_and_group_push_verdicts(tmp_path):
    with serving(tmp_path, fails_every_create) as url:
        status, figures = load(tmp_path / "report", "--target", url, "--token", TOKEN, "--duration", "4",
                               "--mix", "group-push-bursts", "--group-members", "5")

    verdicts = verdicts_of(figures)
    assert figures["failures"] > 0
    assert verdicts["entra-gallery-25rps"]["outcome"] == "failed"
    assert verdicts["large-group-push"]["outcome"] == "failed"
    assert "none of the group's members could be provisioned" in verdicts["large-group-push"]["detail"] \
        or "did not complete" in verdicts["large-group-push"]["detail"]
    assert status == EXIT_FAILED


@pytest.mark.parametrize("options, words", [
    (["--duration", "0"], "--duration must be between 1 and 3,600"),
    (["--duration", "90000"], "--duration must be between 1 and 3,600"),
    (["--workers", "0"], "--workers must be between 1 and 64"),
    (["--max-requests", "0"], "--max-requests must be between"),
    (["--rate", "0"], "--rate must be a positive number"),
    (["--target", "ftp://example.com/scim"], "--target must start with http:// or https://"),
    (["--target", "http://127.0.0.1:9/scim/v2"], "--target needs a bearer token"),
    (["--target", "http://127.0.0.1:9/scim/v2", "--token", "t0k3n"], "cannot reach the target"),
    (["--mix", "okta-everything"], "invalid choice"),
    (["--tenants", "many"], "invalid int value"),
])
def test_bad_arguments_get_one_sentence_and_exit_2(tmp_path, capsys, monkeypatch, options, words):
    monkeypatch.delenv("SCIMULATOR_TOKEN", raising=False)
    with pytest.raises(SystemExit) if "invalid" in words else _returns() as outcome:
        outcome.value = main(["load", "--report-dir", str(tmp_path), *options])
    code = outcome.value.code if isinstance(outcome.value, SystemExit) else outcome.value
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


class _returns:
    """A stand-in for pytest.raises where the command returns its exit code."""

    value = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_print_locustfile_names_the_file_remote_workers_load(capsys):
    assert main(["load", "--print-locustfile"]) == EXIT_OK
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "locustfile.py" and path.is_file()
