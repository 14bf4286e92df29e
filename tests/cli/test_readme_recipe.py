"""The README's CI recipe for QA teams, run as written: its shell lines, in a fresh directory, with a copy of
this checkout where the recipe expects one, and the README's example feature in the team's folder."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.cli.packaging import INSTALL_TIMEOUT, ROOT, clean_environment, copy_of_the_checkout, readme_block

CHECKOUT_IN_THE_RECIPE = "./scimulator"


def recipe_lines() -> list[str]:
    return [line for line in readme_block("ci-recipe").splitlines() if line.strip() and not line.startswith("#")]


def test_the_recipe_installs_from_a_checkout_and_runs_the_teams_own_features():
    lines = recipe_lines()
    assert any(CHECKOUT_IN_THE_RECIPE in line and "pip install" in line for line in lines), lines
    assert any("--features qa-features" in line and "--tags" in line for line in lines), lines


def test_no_install_in_the_readme_fetches_scimulator_by_name_from_an_index():
    by_name = re.compile(r"pip install (--\S+ )*['\"]?scimulator(\[[^\]]*\])?['\"]?(\s|$)")
    assert not [line for line in (ROOT / "README.md").read_text().splitlines() if by_name.search(line)]


@pytest.mark.installs
def test_the_recipe_runs_green_in_a_fresh_venv(tmp_path):
    project = tmp_path / "team-project"
    (project / "qa-features").mkdir(parents=True)
    (project / "qa-features" / "billing.feature").write_text(readme_block("example-feature"))
    checkout = copy_of_the_checkout(tmp_path / "scimulator-checkout")
    script = "set -eu\n" + "\n".join(line.replace(CHECKOUT_IN_THE_RECIPE, str(checkout)) for line in recipe_lines())
    result = subprocess.run(["sh", "-c", script], cwd=project, capture_output=True, text=True,
                            timeout=INSTALL_TIMEOUT, env=clean_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((project / "scimulator-report" / "report.json").read_text())
    assert report["summary"]["passed"] == 2 and report["summary"]["failed"] == report["summary"]["error"] == 0
    assert all("billing_checks" in s["tags"] for s in report["scenarios"])
