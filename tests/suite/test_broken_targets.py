"""The suite fails targets that would break under Okta or Entra, in the scenarios about that behaviour.

Each target is the reference server with one behaviour switched off, over real HTTP; the suite runs
against it through --target, as a vendor would run it. Only the scenarios a breaker names run
(the ones it must fail and the ones it must leave passing), which keeps each case to seconds.

Breakers live by room: tests/suite/broken_targets.py (the first ones), broken_okta.py, broken_entra.py,
broken_protocol.py and broken_certification.py (the vendors' listing tests); each declares what
the suite must say of it.
"""

from __future__ import annotations

import importlib

import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.suite.suite_runner import run_suite

TOKEN = "broken-target-token"
MODULES = ("tests.suite.broken_targets", "tests.suite.broken_okta", "tests.suite.broken_entra", "tests.suite.broken_protocol",
           "tests.suite.broken_certification", "tests.suite.broken_language", "tests.suite.broken_profiles",
           "tests.suite.broken_oauth", "tests.suite.broken_interop", "tests.suite.broken_ipsie",
           "tests.suite.broken_oss", "tests.suite.broken_idps")


def all_breakers() -> dict:
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        overlap = set(found) & set(module.BREAKERS)
        assert not overlap, f"breaker names used twice: {overlap}"
        found.update(module.BREAKERS)
    return found


BREAKERS = all_breakers()


@pytest.mark.parametrize("breaker", sorted(BREAKERS))
def test_a_broken_target_fails_the_scenarios_about_its_behaviour(breaker, tmp_path):
    broken = BREAKERS[breaker]
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "broken.db"), tokens=[TOKEN],
                                               **broken.server_options()), wrap=broken.wrap)
    try:
        outcomes = run_suite(running.base_url, TOKEN, tmp_path, *broken.run_args(running.base_url),
                             only=broken.must_fail + broken.must_pass)
    finally:
        running.stop()
    for name in broken.must_fail:
        assert outcomes.get(name) == "failed", f"{breaker}: {name} should fail, it {outcomes.get(name, 'did not run')}"
    for name in broken.must_pass:
        assert outcomes.get(name) == "passed", f"{breaker}: {name} should pass, it {outcomes.get(name, 'did not run')}"
