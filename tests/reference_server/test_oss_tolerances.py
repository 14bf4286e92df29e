"""What the reference server accepts from the open-source SCIM clients (docs/idp-behaviour-oss.md), each
case naming the client source it comes from, over HTTP against a fresh user or group."""

from __future__ import annotations

import pytest

from tests.conftest import GROUP, new_group, new_user, patch_body


@pytest.mark.parametrize("sent, held", [("false", False), ("true", True), ("False", False)])
def test_active_as_a_string_in_patch_is_taken_as_a_boolean(client, sent, held):
    """keycloak-scim with "Use patchOp for users": replace of active with value(active.toString())
    (mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/UserAdapter.java [KC5][KC6])."""
    user = new_user(client, "kc.string.active", active=not held)
    operations = [{"op": "replace", "path": "active", "value": sent},
                  {"op": "replace", "path": "userName", "value": "kc.string.active"},
                  {"op": "replace", "path": "displayName", "value": "K C"}]
    answer = client.patch(f"/Users/{user['id']}", json=patch_body(*operations))
    assert answer.status_code in (200, 204), answer.text
    assert client.get(f"/Users/{user['id']}").json()["active"] is held


def test_member_removal_by_value_list_removes_only_the_listed_member(client):
    """authentik: {"op":"remove","path":"members","value":[{"value":ID}]} per member removed
    (goauthentik/authentik, authentik/providers/scim/clients/groups.py [AK4])."""
    ann, ben = new_user(client, "ak.ann")["id"], new_user(client, "ak.ben")["id"]
    group = new_group(client, "ak-ops", members=[ann, ben])
    remove = {"op": "remove", "path": "members", "value": [{"value": ann}]}
    assert client.patch(f"/Groups/{group['id']}", json=patch_body(remove)).status_code in (200, 204)
    assert [m["value"] for m in client.get(f"/Groups/{group['id']}").json()["members"]] == [ben]


def test_members_with_a_relative_ref_are_accepted_in_put(client):
    """keycloak-scim: group members with "$ref": "Users/<id>" (mitodl/keycloak-scim,
    src/main/java/sh/libre/scim/core/GroupAdapter.java [KC4]); RFC 7643 section 2.3.7 allows a relative URI."""
    ann = new_user(client, "kc.ann")["id"]
    group = new_group(client, "kc-ops")
    body = {"schemas": [GROUP], "id": group["id"], "externalId": "kc-group-1", "displayName": "kc-ops",
            "members": [{"value": ann, "$ref": f"Users/{ann}"}]}
    answer = client.put(f"/Groups/{group['id']}", json=body)
    assert answer.status_code == 200, answer.text
    assert [m["value"] for m in answer.json()["members"]] == [ann]


def test_remove_of_members_with_no_value_empties_the_group(client):
    """keycloak-scim with "Use patchOp for groups": {"op":"remove","path":"members"} for an empty group
    (mitodl/keycloak-scim, GroupAdapter.java [KC5]); RFC 7644 section 3.5.2.2."""
    ann = new_user(client, "kc.last")["id"]
    group = new_group(client, "kc-last", members=[ann])
    operations = [{"op": "remove", "path": "members"}, {"op": "replace", "path": "displayName", "value": "kc-last"},
                  {"op": "replace", "path": "externalId", "value": "kc-group-2"}]
    assert client.patch(f"/Groups/{group['id']}", json=patch_body(*operations)).status_code in (200, 204)
    assert not client.get(f"/Groups/{group['id']}").json().get("members")
