"""The reference server's vendor behaviours through its admin API (seeds: SingleStore, CloudThinker)."""

from __future__ import annotations

import pytest

from scimulator.reference_server import ServerConfig, create_app
from tests.conftest import GROUP, USER

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

SCIM_TOKEN, ADMIN_TOKEN = "static-scim-token", "admin-token-123"


@pytest.fixture
def server(tmp_path):
    app = create_app(ServerConfig(db_path=str(tmp_path / "v.db"), tokens=[SCIM_TOKEN], admin_tokens=[ADMIN_TOKEN],
                                  vendor_extras=True, movable_clock=True, max_users=3))
    return app.test_client()


def admin(server, method, path, body=None, token=ADMIN_TOKEN):
    return server.open(f"/admin/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def scim(server, method, path, token, body=None):
    return server.open(f"/scim/v2{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def test_admin_and_scim_tokens_do_not_open_each_other(server):
    assert admin(server, "GET", "/scim-configurations", token=SCIM_TOKEN).status_code == 401
    assert scim(server, "GET", "/Users", ADMIN_TOKEN).status_code == 401
    assert admin(server, "GET", "/scim-configurations").status_code == 200


def test_configurations_secrets_rotation_and_removal(server):
    first = admin(server, "POST", "/scim-configurations", {"description": "first"}).get_json()
    second = admin(server, "POST", "/scim-configurations", {"description": "second"}).get_json()
    listed = {c["id"]: c for c in admin(server, "GET", "/scim-configurations").get_json()}
    assert listed[second["id"]]["active"] and not listed[first["id"]]["active"]
    assert all("secret" not in c for c in listed.values())
    assert scim(server, "GET", "/Users", first["secret"]).status_code == 401
    assert scim(server, "GET", "/Users", second["secret"]).status_code == 200

    user = scim(server, "POST", "/Users", second["secret"], {"schemas": [USER], "userName": "owned@x.example"}).get_json()
    group = scim(server, "POST", "/Groups", second["secret"], {"schemas": [GROUP], "displayName": "Owned",
                                                                "members": [{"value": user["id"]}]}).get_json()
    rotated = admin(server, "POST", f"/scim-configurations/{second['id']}/rotate").get_json()
    assert scim(server, "GET", "/Users", second["secret"]).status_code == 200
    admin(server, "POST", "/clock", {"advance_seconds": 24 * 3600 + 1})
    assert scim(server, "GET", "/Users", second["secret"]).status_code == 401
    assert scim(server, "GET", "/Users", rotated["secret"]).status_code == 200

    regenerated = admin(server, "POST", f"/scim-configurations/{second['id']}/secret").get_json()
    assert scim(server, "GET", "/Users", rotated["secret"]).status_code == 401
    admin(server, "POST", f"/scim-configurations/{second['id']}/deactivate")
    refused = scim(server, "GET", "/Users", regenerated["secret"])
    assert refused.status_code == 401 and "deactivated" in refused.get_json()["detail"]
    assert scim(server, "GET", f"/Users/{user['id']}", SCIM_TOKEN).status_code == 200  # users kept

    removed = admin(server, "DELETE", f"/scim-configurations/{second['id']}").get_json()
    assert removed["deleted_resources"] == 2
    assert scim(server, "GET", f"/Users/{user['id']}", SCIM_TOKEN).status_code == 404
    assert scim(server, "GET", f"/Groups/{group['id']}", SCIM_TOKEN).status_code == 404


def test_the_limit_is_a_clear_error_and_the_sync_log_records_it(server):
    for n in range(3):
        assert scim(server, "POST", "/Users", SCIM_TOKEN, {"schemas": [USER], "userName": f"u{n}"}).status_code == 201
    refused = scim(server, "POST", "/Users", SCIM_TOKEN, {"schemas": [USER], "userName": "u3"})
    assert refused.status_code == 403 and "3 synchronized users" in refused.get_json()["detail"]
    assert scim(server, "DELETE", "/Users/missing", SCIM_TOKEN).status_code == 404
    logs = admin(server, "GET", "/sync-logs").get_json()
    statuses = [(e["action"], e["status"]) for e in logs]
    assert ("CREATE", "FAILED") in statuses and ("CREATE", "SUCCESS") in statuses and ("DELETE", "SKIPPED") in statuses
    assert all(e["timestamp"] and e["resourceType"] == "User" for e in logs)


def test_teams_carry_a_role_for_their_members(server):
    user = scim(server, "POST", "/Users", SCIM_TOKEN, {"schemas": [USER], "userName": "t@x.example"}).get_json()
    group = scim(server, "POST", "/Groups", SCIM_TOKEN, {"schemas": [GROUP], "displayName": "Team",
                                                         "members": [{"value": user["id"]}]}).get_json()
    assert admin(server, "PUT", f"/teams/{group['id']}", {"role": "Boss"}).status_code == 400
    admin(server, "PUT", f"/teams/{group['id']}", {"role": "Admin", "workspaces": ["prod"]})
    team = next(t for t in admin(server, "GET", "/teams").get_json() if t["id"] == group["id"])
    assert team["members"] == [{"id": user["id"], "role": "Admin"}] and team["workspaces"] == ["prod"]


def test_the_clock_only_moves_on_a_server_that_allows_it(tmp_path):
    fixed = create_app(ServerConfig(db_path=str(tmp_path / "f.db"), tokens=[SCIM_TOKEN], admin_tokens=[ADMIN_TOKEN],
                                    vendor_extras=True))
    answer = admin(fixed.test_client(), "POST", "/clock", {"advance_seconds": 60})
    assert answer.status_code == 409 and answer.get_json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_the_vendor_extras_are_there_only_when_asked_for(tmp_path):
    """Core SCIM alone: the admin API is an unknown route (404) and its token opens nothing; asked for, they work."""
    plain = create_app(ServerConfig(db_path=str(tmp_path / "plain.db"), tokens=[SCIM_TOKEN],
                                    admin_tokens=[ADMIN_TOKEN], movable_clock=True)).test_client()
    for method, path in (("GET", "/scim-configurations"), ("POST", "/scim-configurations"), ("GET", "/sync-logs"),
                         ("GET", "/teams"), ("PUT", "/limits"), ("POST", "/clock")):
        answer = admin(plain, method, path, {"description": "x"}, token=SCIM_TOKEN)
        assert answer.status_code == 404 and answer.get_json()["schemas"] == [ERROR], (method, path)
        assert admin(plain, method, path, {"description": "x"}).status_code == 401, (method, path)
    assert scim(plain, "GET", "/Users", SCIM_TOKEN).status_code == 200

    extras = create_app(ServerConfig(db_path=str(tmp_path / "extras.db"), tokens=[SCIM_TOKEN],
                                     admin_tokens=[ADMIN_TOKEN], vendor_extras=True)).test_client()
    created = admin(extras, "POST", "/scim-configurations", {"description": "asked for"})
    assert created.status_code == 201
    assert scim(extras, "GET", "/Users", created.get_json()["secret"]).status_code == 200
    assert admin(extras, "GET", "/sync-logs").status_code == 200
