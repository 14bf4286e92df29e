"""What the reference server accepts from JumpCloud, OneLogin, Ping and Google Workspace, each with its source.

A tolerant SCIM server accepts these shapes (docs/idp-behaviour-more.md section 6.2); each test names the
source key of the client that sends it (reports/sources.json).
"""

from __future__ import annotations

import httpx

from tests.conftest import ENTERPRISE, USER, new_user

SCIM_11_CORE = "urn:scim:schemas:core:1.0"


def _one(client: httpx.Client, user_name: str) -> dict:
    found = client.get("/Users", params={"filter": f'userName eq "{user_name}"'}).json()["Resources"]
    assert len(found) == 1
    return found[0]


def test_emails_as_one_object_is_read_as_the_primary_email(client):
    """[OL1][OL8]: OneLogin's Enterprise template sends emails as one object."""
    created = client.post("/Users", json={"schemas": [SCIM_11_CORE], "userName": "ol.object",
                                          "emails": {"value": "ol.object@example.com", "type": "work", "primary": True}})
    assert created.status_code == 201, created.text
    assert created.json()["emails"] == [{"value": "ol.object@example.com", "type": "work", "primary": True}]


def test_the_scim_11_urns_of_a_template_are_accepted(client):
    """[OL1]: urn:scim:schemas:core:1.0 and the 1.0 enterprise URN; [OL7]: urn:scim:schemas:core:2.0."""
    for user_name, schemas in (("ol.core", [SCIM_11_CORE]),
                               ("ol.enterprise", [SCIM_11_CORE, "urn:scim:schemas:extension:enterprise:1.0"]),
                               ("ol.captured", ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"])):
        answer = client.post("/Users", json={"schemas": schemas, "userName": user_name, "title": "Engineer"})
        assert answer.status_code == 201, answer.text
        assert answer.json()["schemas"][0] == USER


def test_the_10_urn_beside_the_20_one_is_accepted(client):
    """[GW4]: Google's catalog connector lists urn:scim:schemas:core:1.0 before the 2.0 User URN."""
    answer = client.post("/Users", json={"schemas": [SCIM_11_CORE, USER], "userName": "google.user", "active": True,
                                         "emails": [{"primary": True, "value": "google.user@example.com", "type": "work"}]})
    assert answer.status_code == 201, answer.text


def test_operators_and_attribute_names_in_any_case(client):
    """[PG7]: Ping's filter expression `username Eq "%s"`; RFC 7644 section 3.4.2.2 (case-insensitive)."""
    new_user(client, "ping.user", emails=[{"value": "ping.user@example.com", "type": "work"}])
    for expression in ('username Eq "ping.user"', 'USERNAME EQ "ping.user"', 'userName Co "ping.u"',
                       'emails eq "ping.user@example.com"'):
        found = client.get("/Users", params={"filter": expression}).json()
        assert [r["userName"] for r in found["Resources"]] == ["ping.user"], expression


def test_a_dangling_ampersand_and_an_empty_query_are_ignored(client):
    """[OL7]: OneLogin's lookup ends in "&" and its PUT URL in "?"."""
    user = new_user(client, "ol.dangling")
    found = client.get("/Users?filter=userName+eq+%22ol.dangling%22&").json()
    assert found["totalResults"] == 1
    updated = client.put(f"/Users/{user['id']}?", json={"schemas": [USER], "userName": "ol.dangling", "title": "Lead"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["title"] == "Lead"


def test_an_empty_user_agent_is_served(client):
    """[OL7]: OneLogin sends `User-Agent: ` with no value."""
    assert client.get("/Users", headers={"User-Agent": ""}).status_code == 200


def test_null_emails_in_a_put_clear_the_emails(client):
    """[JC6] (LOW): JumpCloud's minimal PUT carries "emails": null, which is unassigned (RFC 7643 section 2.5)."""
    user = new_user(client, "jc.null", emails=[{"value": "jc.null@example.com", "type": "work"}])
    answer = client.put(f"/Users/{user['id']}", json={"schemas": [ENTERPRISE, USER], "id": user["id"],
                                                     "userName": "jc.null", "emails": None, "active": True})
    assert answer.status_code == 200, answer.text
    assert not _one(client, "jc.null").get("emails")


def test_a_null_id_in_a_create_is_ignored(client):
    """[OL9] (LOW): a OneLogin template with "id": null; RFC 7643 section 3.1 (id is assigned by the server)."""
    answer = client.post("/Users", json={"schemas": [USER], "userName": "ol.null.id", "id": None,
                                         "meta": {"resourceType": "User"}})
    assert answer.status_code == 201, answer.text
    assert answer.json()["id"]


def test_a_bare_user_list_and_start_index_without_count_answer_list_responses(client):
    """[GW4]: Google's first GET /Users carries no parameters; its lookups send startIndex=1 without count."""
    new_user(client, "google.list")
    assert client.get("/Users").json()["totalResults"] == 1
    found = client.get("/Users", params={"filter": 'userName eq "google.list"', "startIndex": 1}).json()
    assert found["totalResults"] == 1 and found["startIndex"] == 1
