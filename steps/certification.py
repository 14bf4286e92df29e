"""Certification profiles in pytest: ``--profile okta-oin`` runs the scenarios that judge a vendor's listing tests.

    pytest steps --profile okta-oin        # Okta's SPEC and CRUD tests
    pytest steps --profile entra-gallery   # Microsoft's SCIM Validation Logic App

Each official test has a tag (``@oin_spec_1``, ``@oin_crud_4``, ``@entra_la_15``; reports/certification.py);
the tags are markers, so ``-m oin_spec_6`` works too. Under a profile, scenarios carrying none of its
tags are deselected, and the reports carry the per-test table.
"""

from __future__ import annotations

import pytest

from scimulator.reports.certification import PROFILES
from .plugin import run_settings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "interop: judges a requirement of the SCIM interoperability profile draft")
    config.addinivalue_line("markers", "ipsie: judges a requirement of the IPSIE SCIM profile draft")
    for profile in PROFILES.values():
        for test in profile.tests:
            config.addinivalue_line("markers", f"{test.tag}: judges {test.suite} {test.number}, {test.name}")
            for tag in test.also_judged_by:
                config.addinivalue_line("markers", f"{tag}: judges {profile.name} {test.suite} {test.number}")
    name = selected_profile(config)
    if name and name not in PROFILES:
        raise pytest.UsageError(f"--profile takes {' or '.join(PROFILES)}, not {name}")


def selected_profile(config: pytest.Config) -> str | None:
    return run_settings(config).profile


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    name = selected_profile(config)
    if not name:
        return
    wanted = set(PROFILES[name].tags)
    kept, dropped = [], []
    for item in items:
        (kept if wanted & {marker.name for marker in item.iter_markers()} else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

