"""steps/bdd_core.py stands in for pytest-bdd's plugin in `scimulator run`: everything of that plugin is either
there or one of the reporting and generation parts a run does not use. A new pytest-bdd whose plugin adds a hook
or a fixture fails here until bdd_core takes it or names it below."""

from __future__ import annotations

import pytest_bdd.plugin
from _pytest.fixtures import FixtureFunctionDefinition

from scimulator.run import pytest_arguments
from scimulator.steps import bdd_core

# pytest-bdd's own reports (Cucumber JSON, the Gherkin terminal reporter, the per-step records they read), its
# step-skeleton generator (--generate-missing), and its "trace" steps that open the debugger.
NOT_TAKEN = {"pytest_runtest_makereport", "pytest_bdd_before_scenario", "pytest_bdd_before_step",
             "pytest_bdd_after_step", "pytest_bdd_step_error", "pytest_cmdline_main",
             "pytestbdd_stepdef_given_trace", "pytestbdd_stepdef_when_trace", "pytestbdd_stepdef_then_trace"}


def parts(module) -> set[str]:
    """The hooks a plugin module implements and the fixtures it defines."""
    return {name for name, value in vars(module).items()
            if name.startswith("pytest_") or isinstance(value, FixtureFunctionDefinition)}


def test_bdd_core_has_every_part_of_pytest_bdds_plugin_a_run_uses():
    assert parts(bdd_core) == parts(pytest_bdd.plugin) - NOT_TAKEN
    assert NOT_TAKEN <= parts(pytest_bdd.plugin)  # each name left out is still pytest-bdd's


def test_a_run_loads_bdd_core_and_an_allure_run_loads_pytest_bdds_own_plugin():
    plain, allure = pytest_arguments(None), pytest_arguments("allure-results")
    assert "scimulator.steps.bdd_core" in plain and "pytest_bdd.plugin" not in plain
    assert "pytest_bdd.plugin" in allure and "scimulator.steps.bdd_core" not in allure


def test_a_tag_becomes_a_mark_of_the_same_name():
    def scenario():
        pass

    marked = bdd_core.pytest_bdd_apply_tag(tag="okta", function=scenario)
    assert [mark.name for mark in marked.pytestmark] == ["okta"]
