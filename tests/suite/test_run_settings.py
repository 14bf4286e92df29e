"""The run's settings reach the plugin as one object, the plugin's options take the command's names, and the
reports read pytest-bdd through its public hooks only."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from scimulator import run as run_command
from scimulator.steps.settings import IDPS, RunSettings, SettingsError
from scimulator.steps.written import written_scenario

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "steps" / "test_conformance.py"
COMMAND_OPTIONS = ("--target", "--token", "--idp", "--tags", "--profile", "--preset", "--features", "--report-dir",
                   "--baseline", "--write-baseline", "--deadline", "--keep-data")
PYTEST_BDD_INTERNALS = ("pytest_bdd.reporting", "pytest_bdd.scenario", "pytest_bdd.parser", "pytest_bdd.gherkin_parser",
                        "pytest_bdd.feature")
# An internal a module uses on purpose, each guarded (where pytest-bdd lacks it, the module does nothing) and
# tested against pytest-bdd's own behaviour: language_cache.py lends pytest-bdd's table of parsed features the
# features an earlier run parsed (tests/suite/test_language_cache.py).
KNOWINGLY_USED = {"language_cache.py": {"pytest_bdd.feature"}}
FEATURE = """@okta @user_lifecycle
Feature: A team's own
  Background:
    Given an Okta app connected to the target

  @must
  Scenario Outline: Pushing <what>
    Source: RFC 7644 section 3.3.
    When the Okta admin pushes the group "<what>"
    Then the target holds a group named "<what>"

    Examples:
      | what  |
      | one   |
      | two   |
"""


def pytest_child(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=env)


def collected(*args: str) -> list[str]:
    result = pytest_child(str(SUITE.relative_to(ROOT)), "--collect-only", "-q", "-p", "no:cacheprovider", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_plugin_options_take_the_command_names_and_collide_with_no_other_plugin():
    result = pytest_child("--help", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stderr  # a clashing option would stop pytest before it prints anything
    for option in COMMAND_OPTIONS:
        assert f"  {option}" in result.stdout, option
    assert "--scim-" not in result.stdout


def test_idp_and_tags_select_under_pytest_as_under_the_command():
    chosen = collected("--idp", "entra", "--tags", "must and not quarantine")
    assert chosen and chosen == collected("-m", "(entra) and (must and not quarantine)")
    assert len(chosen) < len(collected())


def test_an_unknown_idp_is_one_sentence():
    result = pytest_child(str(SUITE.relative_to(ROOT)), "--collect-only", "-q", "-p", "no:cacheprovider", "--idp", "okat")
    assert result.returncode != 0 and f"--idp takes {', '.join(IDPS)}, not okat" in result.stderr
    with pytest.raises(SettingsError):
        RunSettings(idps=("okat",)).marker_expression()


def test_features_directories_reach_the_collection_without_the_environment(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "own.feature").write_text(FEATURE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMULATOR_")}
    result = pytest_child(str(SUITE.relative_to(ROOT)), "--collect-only", "-q", "-p", "no:cacheprovider",
                          "--features", str(tmp_path / "team"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split("::")[1] for line in result.stdout.splitlines() if "::" in line] == [
        "test_pushing_what[one]", "test_pushing_what[two]"]


def test_the_command_hands_pytest_one_settings_object_and_the_token_never_goes_through_the_environment(
        tmp_path, monkeypatch):
    monkeypatch.delenv("SCIMULATOR_TOKEN", raising=False)
    seen = {}

    def pytest_main(arguments, plugins):
        seen.update(arguments=arguments, plugins=plugins, environment=dict(os.environ))
        return pytest.ExitCode.NO_TESTS_COLLECTED

    monkeypatch.setattr(run_command.pytest, "main", pytest_main)
    monkeypatch.setattr(run_command, "check_target", lambda url, token: None)  # this test is about the hand-over
    args = SimpleNamespace(target="http://127.0.0.1:9/scim/v2", token="a-secret-token-4711", idp=["okta"], tags="must",
                           profile="okta-oin", preset=None, features=None, report_dir=str(tmp_path / "r"),
                           baseline=None, write_baseline=None, allure_dir=None, deadline=60.0)
    run_command.run(args)
    settings = [plugin for plugin in seen["plugins"] if isinstance(plugin, RunSettings)]
    assert len(settings) == 1 and settings[0].token == "a-secret-token-4711"
    assert settings[0].target == args.target and settings[0].idps == ("okta",) and settings[0].profile == "okta-oin"
    assert 0 < settings[0].deadline <= 60.0 and settings[0].report_dir == str((tmp_path / "r").resolve())
    assert "a-secret-token-4711" not in " ".join(seen["arguments"]) and "a-secret-token-4711" not in repr(settings[0])
    assert "a-secret-token-4711" not in seen["environment"].values() and "SCIMULATOR_FEATURES" not in seen["environment"]
    assert "SCIMULATOR_TOKEN" not in os.environ


def test_a_token_from_the_environment_is_read_once_into_the_settings(monkeypatch):
    monkeypatch.setenv("SCIMULATOR_TOKEN", "from-the-environment")
    args = SimpleNamespace(target="http://x/scim/v2", token=None, idp=None, tags=None, profile=None, preset=None,
                           features=None, report_dir="r", baseline=None, write_baseline=None, deadline=1.0)
    assert run_command.settings_from(args).token == "from-the-environment"
    assert run_command.settings_from(SimpleNamespace(**{**vars(args), "token": "given"})).token == "given"


def test_a_written_scenario_has_its_background_and_its_example_values(tmp_path):
    (tmp_path / "team").mkdir()
    path = tmp_path / "team" / "own.feature"
    path.write_text(FEATURE)
    item = SimpleNamespace(obj=SimpleNamespace(__doc__=f"{path}: Pushing <what>"),
                           callspec=SimpleNamespace(params={"_pytest_bdd_example": {"what": "two"}}))
    scenario = written_scenario(item)
    assert scenario.name == "Pushing two" and scenario.tags == ("must",) and scenario.feature_name == "A team's own"
    assert scenario.feature_file == "team/own.feature" and scenario.feature_tags == ("okta", "user_lifecycle")
    assert scenario.description.strip() == "Source: RFC 7644 section 3.3."
    assert [(s.keyword, s.name, s.type) for s in scenario.steps] == [
        ("Given", "an Okta app connected to the target", "given"),
        ("When", 'the Okta admin pushes the group "two"', "when"), ("Then", 'the target holds a group named "two"', "then")]
    assert written_scenario(SimpleNamespace(obj=SimpleNamespace(__doc__="a plain test"))) is None


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in (ROOT / "steps").glob("*.py")))
def test_the_steps_use_pytest_bdd_through_its_public_names_only(module):
    """pytest-bdd's registries (reporting's and scenario's) are internals; its hooks, decorators, parsers and
    exceptions are its public face."""
    internal = {name for name in imported_modules(ROOT / "steps" / module)
                if any(name == private or name.startswith(private + ".") for private in PYTEST_BDD_INTERNALS)}
    assert internal <= KNOWINGLY_USED.get(module, set()), f"{module} imports {sorted(internal)}"
