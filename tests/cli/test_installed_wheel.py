"""The wheel, installed into a fresh venv, as a QA team uses it: a project of its own with its own `steps/`
package and `features/` folder, run with `scimulator run --features` against the bundled server."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.cli.packaging import (ROOT, build_wheel, clean_environment, copy_of_the_checkout, fresh_venv, pip_install,
                                 readme_block)

pytestmark = pytest.mark.installs

ROOMS = ("steps", "simulator", "reports", "reference_server", "features", "load")

# Written from the step catalogue alone, tagged with the team's own tag: the README's example for QA teams.
TEAM_FEATURE = readme_block("example-feature")

# The team's own pytest-bdd suite, laid out the usual way: a `steps` package, loaded by the root conftest.
# Each module leaves a mark when imported, so an import of it by scimulator would show.
TEAM_MODULE = """\
from pathlib import Path
Path(__file__).with_suffix(".imported").write_text(__name__)
"""
TEAM_FILES = {
    "conftest.py": 'pytest_plugins = ["steps.plugin"]\n',
    "steps/__init__.py": TEAM_MODULE,
    "steps/plugin.py": TEAM_MODULE + "\nimport pytest\n\n\n@pytest.fixture\ndef team_fixture():\n    return 'ours'\n",
    "steps/judge.py": TEAM_MODULE,
    "steps/conftest.py": TEAM_MODULE,
    "features/billing.feature": TEAM_FEATURE,
    "tests/test_own_steps.py": ("import steps\n\n\ndef test_our_steps_package_is_ours(team_fixture):\n"
                                "    assert team_fixture == 'ours' and 'site-packages' not in steps.__file__\n"),
}


@pytest.fixture(scope="session")
def source_tree(tmp_path_factory) -> Path:
    return copy_of_the_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="session")
def wheel(source_tree, tmp_path_factory) -> Path:
    return build_wheel(source_tree, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the wheel and its dependencies."""
    bin_dir = fresh_venv(tmp_path_factory.mktemp("venv") / "venv")
    pip_install(bin_dir, str(wheel))
    return bin_dir


@pytest.fixture
def team_project(tmp_path) -> Path:
    for name, text in TEAM_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def top_level_names(record: str) -> set[str]:
    """The top-level names a RECORD (a wheel's, or an installed distribution's) puts in site-packages."""
    return {line.split(",", 1)[0].split("/", 1)[0] for line in record.splitlines() if line.strip()}


def test_the_wheel_puts_only_the_scimulator_package_at_the_top_of_site_packages(wheel):
    with zipfile.ZipFile(wheel) as archive:
        record = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
        assert top_level_names(archive.read(record).decode()) - {record.split("/")[0]} == {"scimulator"}


def test_the_wheel_ships_exactly_the_feature_files_of_the_tree_it_was_built_from(wheel, source_tree):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n.removeprefix("scimulator/features/") for n in archive.namelist()
                   if n.startswith("scimulator/features/") and n.endswith(".feature")}
    in_tree = {str(p.relative_to(source_tree / "features")) for p in (source_tree / "features").rglob("*.feature")}
    assert shipped == in_tree and any(name.startswith("okta/") for name in shipped)


def test_installed_nothing_generic_lands_in_site_packages_and_no_bare_room_imports(installed, tmp_path):
    (record,) = installed.parent.glob("lib/python3.*/site-packages/scimulator-*.dist-info/RECORD")
    assert not top_level_names(record.read_text()) & set(ROOMS)
    assert top_level_names(record.read_text()) - {record.parent.name} <= {"scimulator", "..", "bin"}
    probe = ("import importlib.util, scimulator.steps, scimulator.features; "
             "print([n for n in %r if importlib.util.find_spec(n)]); "
             "print(scimulator.steps.__file__, scimulator.features.__file__)" % (ROOMS,))
    found = subprocess.run([str(installed / "python"), "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                           env=clean_environment())
    bare, located = found.stdout.splitlines()
    assert bare == "[]", f"a room is importable by its bare name: {bare}"
    assert located.count(str(installed.parent)) == 2 and str(ROOT) not in located


def test_a_team_project_with_its_own_steps_package_runs_its_features_against_the_bundled_server(installed,
                                                                                              team_project):
    result = subprocess.run([str(installed / "scimulator"), "run", "--features", "features", "--tags",
                             "billing_checks", "--report-dir", "scimulator-report"], cwd=team_project,
                            capture_output=True, text=True, timeout=600, env=clean_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((team_project / "scimulator-report" / "report.json").read_text())
    outcomes = {s["name"]: s["outcome"] for s in report["scenarios"]}
    assert outcomes == {"A person Okta assigns is created active": "passed",
                        "Unassigning a person deactivates and never deletes": "passed"}
    assert report["target"]["bundled"] is True and report["profiles"]["okta"]["verdict"] == "ready"
    assert not list(team_project.rglob("*.imported")), "scimulator imported the team's own steps package"


def catalogue_patterns(catalogue: str) -> list[re.Pattern]:
    """Each step shape `scimulator steps` prints ("When the Okta admin assigns "{person}" to the app") as a regex."""
    shapes = [line for line in catalogue.splitlines() if line.startswith(("Given ", "When ", "Then "))]
    return [re.compile("".join(".+?" if part.startswith("{") else re.escape(part)
                               for part in re.split(r"(\{\w+\})", shape)) + "$") for shape in shapes]


def feature_steps(feature: str) -> list[str]:
    """The steps of a feature file with their own keyword (an `And` takes the one before it)."""
    steps, keyword = [], None
    for line in (line.strip() for line in feature.splitlines()):
        word, _, rest = line.partition(" ")
        if word in ("Given", "When", "Then"):
            keyword = word
        if word in ("Given", "When", "Then", "And", "But"):
            steps.append(f"{keyword} {rest}")
    return steps


def test_the_team_scenarios_use_only_steps_the_installed_catalogue_prints(installed, tmp_path):
    catalogue = subprocess.run([str(installed / "scimulator"), "steps"], cwd=tmp_path, capture_output=True, text=True,
                               timeout=120, env=clean_environment())
    assert catalogue.returncode == 0, catalogue.stderr[-2000:]
    patterns = catalogue_patterns(catalogue.stdout)
    steps = feature_steps(TEAM_FEATURE)
    assert len(steps) >= 10 and len(patterns) > 50
    assert not [step for step in steps if not any(p.match(step) for p in patterns)]


def test_the_team_suite_keeps_its_own_steps_package_beside_scimulator(installed, team_project):
    result = subprocess.run([str(installed / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                            cwd=team_project, capture_output=True, text=True, timeout=300, env=clean_environment())
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    assert {p.stem for p in (team_project / "steps").glob("*.imported")} == {"__init__", "plugin"}


@pytest.mark.whole_suite
def test_the_installed_features_run_outside_any_checkout(installed, tmp_path):
    result = subprocess.run([str(installed / "scimulator"), "run", "--idp", "rfc7644", "--idp", "okta",
                             "--report-dir", "r"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env=clean_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["summary"]["passed"] >= 40 and report["summary"]["failed"] == 0
    assert {"okta", "rfc7644"} <= set(report["profiles"])
    (features,) = report["selection"]["features"]
    assert features.startswith(str(installed.parent)) and features.endswith("site-packages/scimulator/features")
