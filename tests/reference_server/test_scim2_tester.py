"""scim2-tester (python-scim's RFC checker, from PyPI) against `scimulator serve`: no ERROR result.

Marked third_party so that it can be deselected: pytest -m 'not third_party'.
"""

from __future__ import annotations

import pytest

from tests.reference_server.scim2_tester_check import describe, errors_in, run_checks
from tests.cli.serve_process import scimulator_serve

pytestmark = pytest.mark.third_party


def test_scim2_tester_reports_no_errors_against_scimulator_serve(tmp_path):
    with scimulator_serve(tmp_path / "scim.db", "third-party-token") as base_url:
        results = run_checks(base_url, "third-party-token")
    assert len(results) > 100, "scim2-tester ran far fewer checks than it has; did discovery fail?"
    assert not errors_in(results), "\n".join(describe(result) for result in errors_in(results))
