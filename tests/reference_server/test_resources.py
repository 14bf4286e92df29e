"""Users and Groups over real HTTP: create, read, replace, delete, meta, uniqueness, persistence."""

from __future__ import annotations

import httpx

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.conftest import ENTERPRISE, GROUP, TOKEN, USER, ValidatingClient, new_group, new_user


def test_create_returns_201_with_server_assigned_id_meta_location_and_etag(client):
    response = client.post("/Users", json={"schemas": [USER], "userName": "bjensen@example.com", "id": "mine",
                                           "password": "t1meMa$heen", "active": "True"})
    assert response.status_code == 201
    user = response.json()
    assert user["id"] != "mine"
    assert user["active"] is True
    assert "password" not in user
    meta = user["meta"]
    assert meta["resourceType"] == "User"
    assert meta["location"] == f"{client.base_url}/Users/{user['id']}".replace("//Users", "/Users")
    assert response.headers["Location"] == meta["location"]
    assert response.headers["ETag"] == meta["version"]
    assert meta["created"] == meta["lastModified"]


def test_every_write_changes_the_version(client):
    user = new_user(client, "versions@example.com")
    versions = {user["meta"]["version"]}
    put = client.put(f"/Users/{user['id']}", json={"schemas": [USER], "userName": "versions@example.com",
                                                    "displayName": "V"})
    versions.add(put.json()["meta"]["version"])
    patch = client.patch(f"/Users/{user['id']}", json={"Operations": [{"op": "replace", "path": "title",
                                                                        "value": "x"}]})
    versions.add(patch.json()["meta"]["version"])
    assert len(versions) == 3
    assert patch.json()["meta"]["lastModified"] >= user["meta"]["lastModified"]


def test_user_name_is_unique_case_insensitively(client):
    new_user(client, "Dup@Example.com")
    response = client.post("/Users", json={"schemas": [USER], "userName": "dup@example.COM"})
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"


def test_group_display_name_is_unique(client):
    new_group(client, "Engineering")
    response = client.post("/Groups", json={"schemas": [GROUP], "displayName": "engineering"})
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"


def test_renaming_onto_an_existing_user_name_is_a_conflict(client):
    new_user(client, "one@example.com")
    two = new_user(client, "two@example.com")
    response = client.patch(f"/Users/{two['id']}", json={"Operations": [
        {"op": "replace", "path": "userName", "value": "ONE@example.com"}]})
    assert response.status_code == 409


def test_put_replaces_the_whole_resource_and_ignores_read_only_echoes(client):
    user = new_user(client, "put@example.com", title="Engineer", nickName="P")
    body = {**user, "title": "Manager", "groups": [], "meta": {"resourceType": "User"}}
    del body["nickName"]
    response = client.put(f"/Users/{user['id']}", json=body)
    assert response.status_code == 200
    replaced = response.json()
    assert replaced["title"] == "Manager"
    assert "nickName" not in replaced
    assert replaced["id"] == user["id"]


def test_delete_then_get_is_404_and_membership_goes(client):
    user = new_user(client, "gone@example.com")
    group = new_group(client, "Leavers", [user["id"]])
    assert client.delete(f"/Users/{user['id']}").status_code == 204
    missing = client.get(f"/Users/{user['id']}")
    assert missing.status_code == 404
    assert missing.json()["status"] == "404"
    assert client.get(f"/Groups/{group['id']}").json()["members"] == []


def test_group_members_carry_type_and_ref_and_users_show_their_groups(client):
    user = new_user(client, "member@example.com")
    group = new_group(client, "Readers", [user["id"]])
    member = group["members"][0]
    assert member["type"] == "User"
    assert member["$ref"].endswith(f"/Users/{user['id']}")
    groups = client.get(f"/Users/{user['id']}").json()["groups"]
    assert [(g["value"], g["display"]) for g in groups] == [(group["id"], "Readers")]


def test_unknown_member_is_refused(client):
    response = client.post("/Groups", json={"schemas": [GROUP], "displayName": "Ghosts",
                                            "members": [{"value": "no-such-id"}]})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"


def test_enterprise_extension_round_trips_and_sets_schemas(client):
    user = new_user(client, "ext@example.com", **{ENTERPRISE: {"department": "R&D", "employeeNumber": 42}})
    assert ENTERPRISE in user["schemas"]
    assert user[ENTERPRISE] == {"department": "R&D", "employeeNumber": "42"}


def test_data_survives_a_restart(tmp_path):
    config = ServerConfig(db_path=str(tmp_path / "keep.db"), tokens=[TOKEN])
    headers = {"Authorization": f"Bearer {TOKEN}"}
    first = start_in_background(config)
    try:
        with ValidatingClient(base_url=first.base_url, headers=headers) as c:
            user = new_user(c, "durable@example.com")
    finally:
        first.stop()
    second = start_in_background(ServerConfig(db_path=str(tmp_path / "keep.db"), tokens=[TOKEN]))
    try:
        with ValidatingClient(base_url=second.base_url, headers=headers) as c:
            again = c.get(f"/Users/{user['id']}")
            assert again.status_code == 200
            assert again.json()["userName"] == "durable@example.com"
            assert again.json()["meta"]["version"] == user["meta"]["version"]
    finally:
        second.stop()


def test_store_is_sqlite_in_wal_mode(tmp_path, server):
    import sqlite3

    path = server.app.extensions["scim"]["storage"].path
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_etag_if_match_and_if_none_match(client):
    user = new_user(client, "etag@example.com")
    tag = user["meta"]["version"]
    assert client.get(f"/Users/{user['id']}", headers={"If-None-Match": tag}).status_code == 304
    stale = client.patch(f"/Users/{user['id']}", headers={"If-Match": 'W/"999"'},
                         json={"Operations": [{"op": "replace", "path": "title", "value": "x"}]})
    assert stale.status_code == 412
    fresh = client.patch(f"/Users/{user['id']}", headers={"If-Match": tag},
                         json={"Operations": [{"op": "replace", "path": "title", "value": "x"}]})
    assert fresh.status_code == 200
    assert client.delete(f"/Users/{user['id']}", headers={"If-Match": tag}).status_code == 412
    assert client.get(f"/Users/{user['id']}", headers={"If-None-Match": tag}).status_code == 200


def test_passwords_are_stored_hashed(client, server):
    import sqlite3

    new_user(client, "secret@example.com", password="correct horse battery")
    path = server.app.extensions["scim"]["storage"].path
    dump = "\n".join(sqlite3.connect(path).iterdump())
    assert "correct horse battery" not in dump


def test_reads_by_any_client_see_no_password(client):
    user = new_user(client, "nopw@example.com", password="hunter2hunter2")
    listed = client.get("/Users", params={"filter": 'userName eq "nopw@example.com"', "attributes": "password"})
    assert "password" not in client.get(f"/Users/{user['id']}").text
    assert "hunter2" not in listed.text


def test_anonymous_request_gets_401_with_bearer_challenge(server):
    with httpx.Client(base_url=server.base_url) as anonymous:
        for path in ("/Users", "/ServiceProviderConfig"):
            response = anonymous.get(path)
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.json()["status"] == "401"
        wrong = anonymous.get("/Users", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        basic = anonymous.get("/Users", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status_code == 401


def test_anonymous_discovery_is_an_option(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "a.db"), tokens=[TOKEN],
                                               anonymous_discovery=True))
    try:
        with httpx.Client(base_url=running.base_url) as anonymous:
            assert anonymous.get("/ServiceProviderConfig").status_code == 200
            assert anonymous.get("/Schemas").status_code == 200
            assert anonymous.get("/Users").status_code == 401
    finally:
        running.stop()


def test_tokens_are_kept_only_as_hashes(app):
    verifier = app.extensions["scim"]["verifier"]
    assert TOKEN.encode() not in b"".join(verifier._hashes)
    assert all(len(h) == 32 for h in verifier._hashes)
