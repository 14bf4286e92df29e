"""`pip install .` into a fresh venv, then `scimulator run` from another directory: the features ship in the wheel."""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_package_runs_the_suite_outside_the_checkout(tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True,
                             timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(environment / "bin" / "scimulator"), "run", "--idp", "rfc7644", "--idp", "okta"],
                            cwd=elsewhere, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads((elsewhere / "scimulator-report" / "report.json").read_text())
    assert report["summary"]["passed"] >= 40 and report["summary"]["failed"] == 0
    shipped = list((environment / "lib").glob("python3.*/site-packages/features/okta/*.feature"))
    assert shipped, "the wheel does not carry the features"
    located = subprocess.run([str(python), "-c", "import steps, features; print(steps.__file__, features.__file__)"],
                             cwd=elsewhere, capture_output=True, text=True).stdout
    assert str(environment) in located and str(ROOT) not in located
