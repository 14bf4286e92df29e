"""On a real target the suite removes what it created, unless asked to keep it."""

from __future__ import annotations

import httpx
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.suite.suite_runner import run_suite

TOKEN = "cleanup-token"


@pytest.mark.parametrize("keep", [False, True])
def test_the_run_removes_its_data_unless_kept(tmp_path, keep):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "real.db"), tokens=[TOKEN]))
    try:
        outcomes = run_suite(running.base_url, TOKEN, tmp_path, "-m", "okta and push_groups",
                             *(["--keep-data"] if keep else []))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        user_list = httpx.get(f"{running.base_url}/Users", headers=headers).json()
        group_list = httpx.get(f"{running.base_url}/Groups", headers=headers).json()
        users, groups = user_list["totalResults"], group_list["totalResults"]
    finally:
        running.stop()
    assert outcomes and all(outcome == "passed" for outcome in outcomes.values())
    if keep:
        assert users > 0 and groups > 0
        assert all(u["userName"].startswith("scimu-") for u in user_list["Resources"])
        assert all(g["displayName"].startswith("scimu-") for g in group_list["Resources"])
    else:
        assert (users, groups) == (0, 0)
