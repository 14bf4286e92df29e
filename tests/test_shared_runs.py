"""The shared-run groups of tests/conftest.py name tests that exist, so a rename cannot silently split a run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import SHARED_RUNS, work_unit

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("prefix", sorted(SHARED_RUNS))
def test_each_shared_run_names_an_existing_test_file_or_test(prefix):
    path, _, test = prefix.partition("::")
    assert (ROOT / path).is_file(), f"SHARED_RUNS names {path}, which does not exist"
    if test:
        functions = {node.name for node in ast.walk(ast.parse((ROOT / path).read_text()))
                     if isinstance(node, ast.FunctionDef)}
        assert test in functions, f"SHARED_RUNS names {prefix}, which does not exist"


def test_tests_of_one_shared_run_form_one_work_unit_and_the_others_stand_alone():
    assert work_unit("tests/suite/test_profiles.py::test_summary_md_holds_the_certification_table") == \
        work_unit("tests/suite/test_profiles.py::test_a_profile_is_ready_against_the_bundled_server[okta-oin]")
    assert work_unit("tests/cli/test_run_command.py::test_a_report_with_a_failure_also_validates") == \
        work_unit("tests/reports/test_report_in_chromium.py::test_report_html_shows_verdicts_and_the_failing_exchange")
    alone = "tests/suite/test_broken_targets.py::test_a_broken_target_fails_the_scenarios_about_its_behaviour[x]"
    assert work_unit(alone) == alone
