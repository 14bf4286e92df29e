"""`scimulator run --preset NAME` certifies exactly a seed vendor's documented setup, and passes on the bundled server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.whole_suite
@pytest.mark.parametrize("preset, skipped_reason", [
    ("singlestore", "the vendor documents AIW apps only"),
    ("cockroachdb", "the vendor documents Okta only"),
    ("cloudthinker", "CloudThinker filters on userName (users) and displayName (groups) only"),
])
def test_each_preset_passes_on_the_bundled_server(tmp_path, bundled_run, preset, skipped_reason):
    result = subprocess.run([sys.executable, "-m", "scimulator", "run", "--preset", preset, "--report-dir",
                             str(tmp_path / "r")], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    skipped = [s for s in report["scenarios"] if s["outcome"] == "skipped"]
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 40
    assert any(skipped_reason in (s["message"] or "") for s in skipped)
    # Every skip is the preset's, with its name, except those a run without a preset skips too, for the same reason.
    skipped_anyway = {(s["name"], s["message"]) for s in bundled_run.report["scenarios"] if s["outcome"] == "skipped"}
    assert all((s["message"] or "").startswith(f"{preset}: ") for s in skipped
               if (s["name"], s["message"]) not in skipped_anyway)
    ran_vendor = {tag for s in report["scenarios"] if s["outcome"] == "passed" for tag in s["tags"]}
    assert preset in ran_vendor  # the vendor's own promises ran
