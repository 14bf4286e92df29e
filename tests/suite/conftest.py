"""Fixtures the suite's tests share."""

from __future__ import annotations

import pytest

from tests.suite.suite_runner import run_profile


@pytest.fixture(scope="module")
def bundled_profile_run(tmp_path_factory):
    """`scimulator run --profile NAME` against the bundled server, run once per profile and module:
    (the process, report.json, the report directory)."""
    runs = {}

    def run(profile: str):
        if profile not in runs:
            directory = tmp_path_factory.mktemp(profile)
            runs[profile] = (*run_profile(profile, directory), directory / "report")
        return runs[profile]
    return run
