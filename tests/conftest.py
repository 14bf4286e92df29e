"""Fixtures: the reference server on a loopback port with a fresh SQLite file, and clients."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import jsonschema
import pytest

from scimulator.reference_server import ServerConfig, create_app
from scimulator.reference_server.serving import start_in_background
from tests.suite.broken_targets import BREAKERS
from tests.suite.suite_runner import CommandRun, run_command

# Let child processes (the suite in a child pytest, `scimulator run`) keep the compiled and assertion-rewritten
# modules the first of them writes, instead of each compiling some 300 modules again (about 1.5 s of CPU a child).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

TOKEN = "test-token-7f3a9c"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "reference_server" / "json_schemas"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def _registry():
    from referencing import Registry, Resource

    resources = [(path.name, Resource.from_contents(json.loads(path.read_text())))
                 for path in SCHEMA_DIR.glob("*.json")]
    return Registry().with_resources(resources)


class ValidatingClient(httpx.Client):
    """An httpx client that checks every JSON answer against the JSON Schemas in reference_server/."""

    registry = None

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        check_response(response)
        return response


def check_response(response: httpx.Response) -> None:
    if response.status_code in (204, 304):
        return
    assert response.headers["content-type"].startswith("application/scim+json"), response.headers["content-type"]
    body = response.json()
    if ValidatingClient.registry is None:
        ValidatingClient.registry = _registry()
    schema = pick_schema(response, body)
    if schema is not None:
        validator = jsonschema.Draft202012Validator(load_schema(schema), registry=ValidatingClient.registry)
        errors = sorted(validator.iter_errors(body), key=str)
        assert not errors, f"{schema} schema: {errors[0].message} in {json.dumps(body)[:500]}"


def pick_schema(response: httpx.Response, body: dict) -> str | None:
    schemas = body.get("schemas") or []
    if response.status_code >= 400:
        return "Error"
    if "urn:ietf:params:scim:api:messages:2.0:ListResponse" in schemas:
        resources = body.get("Resources") or []
        if resources and resources[0].get("meta", {}).get("resourceType") in ("User", "Group"):
            return "ListResponse"
        return None
    if USER in schemas:
        return "User"
    if GROUP in schemas:
        return "Group"
    return None


@pytest.fixture
def server(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN]))
    yield running
    running.stop()


@pytest.fixture
def client(server):
    with ValidatingClient(base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"},
                          timeout=30) as c:
        yield c


@pytest.fixture
def app(tmp_path):
    """The Flask app alone, for fast in-process tests of one entry point (fuzzing)."""
    return create_app(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN]))


def patch_body(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def new_user(client: httpx.Client, user_name: str, **attributes) -> dict:
    response = client.post("/Users", json={"schemas": [USER], "userName": user_name, **attributes})
    assert response.status_code == 201, response.text
    return response.json()


def new_group(client: httpx.Client, name: str, members: list[str] = (), **attributes) -> dict:
    response = client.post("/Groups", json={"schemas": [GROUP], "displayName": name,
                                            "members": [{"value": m} for m in members], **attributes})
    assert response.status_code == 201, response.text
    return response.json()


# Under pytest-xdist (`make test` runs two workers), tests that read one shared run go to one worker, so the run
# happens once; every other test is handed out on its own. (xdist's own `--dist loadgroup` does not group on
# pytest 9.2, whose node ids it can no longer tag: pytest-xdist issue 1386.)
SHARED_RUNS = {
    "tests/suite/test_legal_variants.py": "legal-target-run",
    "tests/suite/test_profiles.py": "bundled-profile-runs",
    "tests/reports/test_failure_reports.py": "failure-reports-run",
    "tests/cli/test_installed_wheel.py": "installed-wheel",
    "tests/cli/test_run_command.py::test_a_report_with_a_failure_also_validates": "entra-group-removal-broken-run",
    "tests/reports/test_report_in_chromium.py": "entra-group-removal-broken-run",
}


def work_unit(nodeid: str) -> str:
    """The shared run a test reads (its tests go to one worker together), else the test itself."""
    return next((group for prefix, group in SHARED_RUNS.items() if nodeid.startswith(prefix)), nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedRunScheduling(LoadScopeScheduling):
        """Largest units first (LoadScopeScheduling's order), each shared run one unit."""

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return SharedRunScheduling(config, log)


# Whole-suite runs that several tests only read: each runs once per session (per worker under pytest-xdist).

@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> CommandRun:
    """A plain `scimulator run`: every scenario against the bundled reference server, no other option."""
    return run_command(tmp_path_factory.mktemp("bundled-run"))


@pytest.fixture(scope="session")
def entra_group_removal_broken_run(tmp_path_factory) -> CommandRun:
    """Okta's and Entra's scenarios against a target that empties a group when Entra removes one member."""
    workdir = tmp_path_factory.mktemp("entra-group-removal-broken")
    running = start_in_background(ServerConfig(db_path=str(workdir / "t.db"), tokens=["broken-run-token"]),
                                  wrap=BREAKERS["empties_group_on_entra_removal"].wrap)
    try:
        return run_command(workdir, "--target", running.base_url, "--token", "broken-run-token",
                           "--idp", "entra", "--idp", "okta")
    finally:
        running.stop()
