"""report.html opened in a real headless Chromium: the verdicts and a failure's exchange are on the page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def failing_report(entra_group_removal_broken_run) -> Path:
    result = entra_group_removal_broken_run.result
    assert result.returncode == 1, result.stdout + result.stderr
    return entra_group_removal_broken_run.report_dir / "report.html"


@pytest.mark.whole_suite
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SCIMULATOR_REQUIRE_CHROMIUM"),
                    reason="Debian's chromium is not installed (.ci/run installs it and requires this test)")
def test_report_html_shows_verdicts_and_the_failing_exchange(failing_report, tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    screenshot = tmp_path / "report.png"
    shot = chromium(tmp_path / "profile-1", "--window-size=1280,2000", f"--screenshot={screenshot}",
                    failing_report.as_uri())
    assert screenshot.exists() and screenshot.stat().st_size > 10_000, shot.stderr[-500:]
    dom = chromium(tmp_path / "profile-2", "--dump-dom", failing_report.as_uri()).stdout
    text = dom.replace("&quot;", '"')
    assert "scimulator conformance report" in text
    assert "not ready" in text and ">ready<" in text  # Entra fails, Okta passes
    assert "Removing one member removes only that member" in text
    assert '"op": "Remove"' in text and '"path": "members"' in text  # the failing exchange, pretty-printed
    assert "curl -i -X PATCH" in text and "$SCIMULATOR_TOKEN" in text
    assert "broken-run-token" not in text
