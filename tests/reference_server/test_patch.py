"""PATCH (RFC 7644 section 3.5.2) and the dialects Okta and Entra send (idp-behaviour.md 1.5-1.8,
2.3-2.7), over HTTP against a fresh user or group for each case.

Placeholders in the operations: {u1} {u2} {u3} are user ids, {gid} the group's id, {uid} the
patched user's id, {base} the base URL.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ENTERPRISE, new_group, new_user, patch_body

PAT = {
    "name": {"givenName": "Pat", "familyName": "Doe"},
    "title": "Engineer",
    "active": True,
    "emails": [{"value": "pat@work.example", "type": "work", "primary": True},
               {"value": "pat@home.example", "type": "home"}],
    "phoneNumbers": [{"value": "+1 555 0100", "type": "work"}],
    ENTERPRISE: {"department": "R&D"},
}


def emails(user, type_):
    return [e for e in user.get("emails", []) if e.get("type") == type_]


def primaries(user, attribute="emails"):
    return [e for e in user.get(attribute, []) if e.get("primary") is True]


# (case id, source, operations, check of the resulting user)
USER_CASES = [
    ("add attribute", "RFC 7644 3.5.2.1", [{"op": "add", "path": "nickName", "value": "Patty"}],
     lambda u: u["nickName"] == "Patty"),
    ("add without path", "RFC 7644 3.5.2.1",
     [{"op": "add", "value": {"nickName": "P", "emails": [{"value": "p@other.example", "type": "other"}]}}],
     lambda u: u["nickName"] == "P" and len(u["emails"]) == 3),
    ("add appends to multi-valued", "RFC 7644 3.5.2.1",
     [{"op": "add", "path": "emails", "value": [{"value": "p@other.example", "type": "other"}]}],
     lambda u: [e["value"] for e in u["emails"]][-1] == "p@other.example" and len(u["emails"]) == 3),
    ("add of a value already there adds nothing", "RFC 7644 3.5.2.1",
     [{"op": "add", "path": "emails", "value": [{"value": "pat@home.example", "type": "home"}]}],
     lambda u: len(u["emails"]) == 2),
    ("add to complex merges", "RFC 7644 3.5.2.1", [{"op": "add", "path": "name", "value": {"middleName": "Q"}}],
     lambda u: u["name"] == {"givenName": "Pat", "familyName": "Doe", "middleName": "Q"}),
    ("replace attribute", "RFC 7644 3.5.2.3", [{"op": "replace", "path": "title", "value": "Manager"}],
     lambda u: u["title"] == "Manager"),
    ("replace multi-valued replaces all", "RFC 7644 3.5.2.3",
     [{"op": "replace", "path": "emails", "value": [{"value": "only@x.example", "type": "work"}]}],
     lambda u: [e["value"] for e in u["emails"]] == ["only@x.example"]),
    ("replace sub-attribute", "RFC 7644 3.5.2.3", [{"op": "replace", "path": "name.familyName", "value": "Roe"}],
     lambda u: u["name"] == {"givenName": "Pat", "familyName": "Roe"}),
    ("replace sub-attribute of filtered element", "RFC 7644 3.5.2.3",
     [{"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@work.example"}],
     lambda u: emails(u, "work")[0]["value"] == "new@work.example" and emails(u, "home")[0]["value"] == "pat@home.example"),
    ("replace filtered element whole", "RFC 7644 3.5.2.3",
     [{"op": "replace", "path": 'emails[type eq "home"]', "value": {"value": "h2@home.example", "type": "home"}}],
     lambda u: emails(u, "home") == [{"value": "h2@home.example", "type": "home"}]),
    ("replace without path merges complex", "RFC 7644 3.5.2.3",
     [{"op": "replace", "value": {"name": {"givenName": "Max"}, "title": "CTO"}}],
     lambda u: u["name"] == {"givenName": "Max", "familyName": "Doe"} and u["title"] == "CTO"),
    ("replace of an absent attribute adds it", "RFC 7644 3.5.2.3",
     [{"op": "replace", "path": "nickName", "value": "N"}], lambda u: u["nickName"] == "N"),
    ("remove attribute", "RFC 7644 3.5.2.2", [{"op": "remove", "path": "title"}], lambda u: "title" not in u),
    ("remove elements by filter", "RFC 7644 3.5.2.2", [{"op": "remove", "path": 'emails[type eq "home"]'}],
     lambda u: [e["type"] for e in u["emails"]] == ["work"]),
    ("remove sub-attribute of filtered elements", "RFC 7644 3.5.2.2",
     [{"op": "remove", "path": 'emails[type eq "work"].primary'}], lambda u: "primary" not in emails(u, "work")[0]),
    ("remove whole multi-valued", "RFC 7644 3.5.2.2", [{"op": "remove", "path": "emails"}],
     lambda u: "emails" not in u),
    ("remove by a filter that matches nothing is a no-op", "RFC 7644 3.5.2.2",
     [{"op": "remove", "path": 'emails[type eq "other"]'}], lambda u: len(u["emails"]) == 2),
    ("a new primary value demotes the old one", "RFC 7644 3.5.2",
     [{"op": "add", "path": "emails", "value": [{"value": "p@new.example", "type": "other", "primary": True}]}],
     lambda u: [e["value"] for e in primaries(u)] == ["p@new.example"]),
    ("setting primary through a filter demotes the old one", "RFC 7644 3.5.2",
     [{"op": "replace", "path": 'emails[type eq "home"].primary', "value": True}],
     lambda u: [e["value"] for e in primaries(u)] == ["pat@home.example"]),
    ("extension attribute by URN path", "RFC 7644 3.5.2 / 3.10",
     [{"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Sales"}],
     lambda u: u[ENTERPRISE]["department"] == "Sales"),
    ("extension sub-attribute by URN path", "RFC 7644 3.10",
     [{"op": "add", "path": f"{ENTERPRISE}:manager.value", "value": "{u1}"}],
     lambda u: u[ENTERPRISE]["manager"]["value"] and u[ENTERPRISE]["department"] == "R&D"),
    ("extension object by its URN", "RFC 7644 3.5.2.1",
     [{"op": "add", "path": ENTERPRISE, "value": {"costCenter": "42"}}],
     lambda u: u[ENTERPRISE] == {"department": "R&D", "costCenter": "42"}),
    ("remove the last extension attribute drops the extension schema", "RFC 7643 3",
     [{"op": "remove", "path": f"{ENTERPRISE}:department"}],
     lambda u: ENTERPRISE not in u and ENTERPRISE not in u["schemas"]),
    # Okta (idp-behaviour.md 1.5-1.7)
    ("Okta OIN deactivation", "idp-behaviour.md 1.5", [{"op": "replace", "value": {"active": False}}],
     lambda u: u["active"] is False),
    ("Okta OIN reactivation", "idp-behaviour.md 1.6", [{"op": "replace", "value": {"active": True}}],
     lambda u: u["active"] is True),
    ("Okta password sync", "idp-behaviour.md 1.7", [{"op": "replace", "value": {"password": "n3w-Secret!"}}],
     lambda u: "password" not in u),
    # Entra without aadOptscim062020 (2.4-2.6)
    ("Entra disable with capitalised op and \"False\"", "idp-behaviour.md 2.5",
     [{"op": "Replace", "path": "active", "value": "False"}], lambda u: u["active"] is False),
    ("Entra reactivation with \"True\"", "idp-behaviour.md 2.6",
     [{"op": "Replace", "path": "active", "value": "True"}], lambda u: u["active"] is True),
    ("Entra lowercase \"false\" string", "idp-behaviour.md 2.4",
     [{"op": "Replace", "path": "active", "value": "false"}], lambda u: u["active"] is False),
    ("Entra Add of an attribute with no value", "idp-behaviour.md 2.4",
     [{"op": "Add", "path": "nickName", "value": "Pip"}], lambda u: u["nickName"] == "Pip"),
    ("Entra Add on a filtered element that does not exist", "idp-behaviour.md 2.4",
     [{"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+41 79 000 00 00"}],
     lambda u: {"value": "+41 79 000 00 00", "type": "mobile"} in u["phoneNumbers"] and len(u["phoneNumbers"]) == 2),
    ("Entra Add of a work address that does not exist", "idp-behaviour.md 2.4",
     [{"op": "Add", "path": 'addresses[type eq "work"].formatted', "value": "1 Main St\nZürich"}],
     lambda u: u["addresses"] == [{"type": "work", "formatted": "1 Main St\nZürich"}]),
    ("Entra Replace of the work email", "idp-behaviour.md 2.4",
     [{"op": "Replace", "path": 'emails[type eq "work"].value', "value": "o'brien@work.example"}],
     lambda u: emails(u, "work")[0]["value"] == "o'brien@work.example" and emails(u, "work")[0]["primary"] is True),
    ("Entra per-attribute operations in one request", "idp-behaviour.md 2.4", [
        {"op": "Replace", "path": "name.familyName", "value": "Doe-Smith"},
        {"op": "Replace", "path": "name.formatted", "value": "Pat Doe-Smith"},
        {"op": "Replace", "path": "displayName", "value": "Pat Doe-Smith"},
        {"op": "Replace", "path": "externalId", "value": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Sales"}],
     lambda u: u["name"]["familyName"] == "Doe-Smith" and u["externalId"].startswith("0a21")
     and u[ENTERPRISE]["department"] == "Sales" and u["displayName"] == "Pat Doe-Smith"),
    ("Entra manager as a one-element list", "idp-behaviour.md 2.3",
     [{"op": "Add", "path": "manager", "value": [{"$ref": "{base}/Users/{u1}", "value": "{u1}"}]}],
     lambda u: u[ENTERPRISE]["manager"]["value"] and u[ENTERPRISE]["department"] == "R&D"),
    ("Entra manager in the field shape: a plain id on the enterprise path", "idp-behaviour.md 5 [F5][F11]",
     [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "{u1}"}],
     lambda u: u[ENTERPRISE]["manager"] == {"value": u[ENTERPRISE]["manager"]["value"]}
     and u[ENTERPRISE]["manager"]["value"] and u[ENTERPRISE]["department"] == "R&D"),
    ("a new manager drops the old manager's $ref", "RFC 7643 4.3 (manager.$ref is the manager's URI)",
     [{"op": "Add", "path": "manager", "value": [{"$ref": "{base}/Users/{u1}", "value": "{u1}"}]},
      {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": "{uid}"}],
     lambda u: u[ENTERPRISE]["manager"] == {"value": u["id"]}),
    ("manager replaced with an empty string is cleared", "Entra SCIM Validation Logic App, SCIM_Update_Manager_Test",
     [{"op": "Add", "path": "manager", "value": [{"value": "{u1}"}]},
      {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": ""}],
     lambda u: "manager" not in u[ENTERPRISE] and u[ENTERPRISE]["department"] == "R&D"),
    ("manager replaced with an empty value object is cleared", "Entra SCIM Validation Logic App",
     [{"op": "Add", "path": "manager", "value": [{"value": "{u1}"}]},
      {"op": "Replace", "path": "manager", "value": {"value": ""}}],
     lambda u: "manager" not in u[ENTERPRISE]),
    ("empty strings clear singular attributes", "Entra SCIM Validation Logic App, SCIM_Null_Update_Test",
     [{"op": "Replace", "path": "title", "value": ""}, {"op": "Replace", "path": "name.familyName", "value": ""},
      {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": ""}],
     lambda u: "title" not in u and u["name"] == {"givenName": "Pat"} and ENTERPRISE not in u),
    ("null and empty values on a filtered path clear the element", "Entra SCIM Validation Logic App, SCIM_Null_Update_Test",
     [{"op": "Replace", "path": 'emails[type eq "work"].value', "value": ""},
      {"op": "Replace", "path": 'emails[type eq "work"].value', "value": None},
      {"op": "Replace", "path": 'phoneNumbers[type eq "work"].value', "value": None}],
     lambda u: [e["type"] for e in u["emails"]] == ["home"] and "phoneNumbers" not in u),
    ("manager removed through a value filter, as Entra was seen sending", "thomaspoignant/scim-patch#453",
     [{"op": "Add", "path": "manager", "value": [{"value": "{u1}"}]},
      {"op": "remove", "path": 'manager[value eq "{u1}"]'}],
     lambda u: "manager" not in u[ENTERPRISE] and u[ENTERPRISE]["department"] == "R&D"),
    ("a manager filter that does not match removes nothing", "thomaspoignant/scim-patch#453",
     [{"op": "Add", "path": "manager", "value": [{"value": "{u1}"}]},
      {"op": "remove", "path": 'manager[value eq "someone-else"]'}],
     lambda u: u[ENTERPRISE]["manager"]["value"]),
    # Entra with aadOptscim062020 (2.4, 2.5)
    ("Entra flag: collapsed pathless replace with dotted and URN keys", "idp-behaviour.md 2.4",
     [{"op": "replace", "value": {"displayName": "Bjfe", "name.givenName": "Kkom", "name.familyName": "Unua",
                                  f"{ENTERPRISE}:employeeNumber": "Aklq"}}],
     lambda u: u["displayName"] == "Bjfe" and u["name"] == {"givenName": "Kkom", "familyName": "Unua"}
     and u[ENTERPRISE] == {"department": "R&D", "employeeNumber": "Aklq"}),
    ("Entra flag: boolean disable", "idp-behaviour.md 2.5",
     [{"op": "replace", "path": "active", "value": False}], lambda u: u["active"] is False),
]


@pytest.fixture
def others(client):
    return [new_user(client, f"other{i}@example.com")["id"] for i in (1, 2, 3)]


def fill(operations, **ids) -> list:
    text = json.dumps(operations)
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return json.loads(text)


@pytest.mark.parametrize("case, source, operations, check", USER_CASES, ids=[c[0] for c in USER_CASES])
def test_user_patch_table(client, others, case, source, operations, check):
    user = new_user(client, "pat@example.com", **PAT)
    ops = fill(operations, u1=others[0], uid=user["id"], base=str(client.base_url).rstrip("/"))
    response = client.patch(f"/Users/{user['id']}", json=patch_body(*ops))
    assert response.status_code == 200, f"{case} ({source}): {response.text}"
    assert check(response.json()), f"{case} ({source}): {json.dumps(response.json(), indent=1)}"
    assert client.get(f"/Users/{user['id']}").json() == response.json()


# (case id, operations, status, scimType)
USER_ERRORS = [
    ("replace through a filter that matches nothing", [
        {"op": "replace", "path": 'emails[type eq "other"].value', "value": "x"}], 400, "noTarget"),
    ("remove without a path", [{"op": "remove"}], 400, "noTarget"),
    ("remove the required userName", [{"op": "remove", "path": "userName"}], 400, "mutability"),
    ("replace the id", [{"op": "replace", "path": "id", "value": "other"}], 400, "mutability"),
    ("replace meta", [{"op": "replace", "path": "meta.created", "value": "2011-01-01T00:00:00Z"}], 400, "mutability"),
    ("replace groups", [{"op": "add", "path": "groups", "value": [{"value": "x"}]}], 400, "mutability"),
    ("unparseable path", [{"op": "replace", "path": 'emails[type eq "work"', "value": "x"}], 400, "invalidPath"),
    ("unknown attribute", [{"op": "replace", "path": "favouriteColour", "value": "x"}], 400, "invalidPath"),
    ("unknown sub-attribute", [{"op": "replace", "path": "name.nick", "value": "x"}], 400, "invalidPath"),
    ("unknown op", [{"op": "move", "path": "title", "value": "x"}], 400, "invalidSyntax"),
    ("boolean that is not one", [{"op": "replace", "path": "active", "value": "maybe"}], 400, "invalidValue"),
    ("object for a string", [{"op": "replace", "path": "title", "value": {"a": 1}}], 400, "invalidValue"),
    ("add with no value", [{"op": "add", "path": "title"}], 400, "invalidValue"),
    ("two primaries at once", [{"op": "replace", "path": "emails", "value": [
        {"value": "a@x.example", "primary": True}, {"value": "b@x.example", "primary": True}]}], 400, "invalidValue"),
    ("empty userName", [{"op": "replace", "path": "userName", "value": " "}], 400, "invalidValue"),
    ("second operation fails: nothing is applied", [
        {"op": "replace", "path": "title", "value": "Changed"},
        {"op": "replace", "path": "nope", "value": "x"}], 400, "invalidPath"),
]


@pytest.mark.parametrize("case, operations, status, scim_type", USER_ERRORS, ids=[c[0] for c in USER_ERRORS])
def test_user_patch_errors_change_nothing(client, case, operations, status, scim_type):
    user = new_user(client, "pat@example.com", **PAT)
    response = client.patch(f"/Users/{user['id']}", json=patch_body(*operations))
    assert response.status_code == status, response.text
    assert response.json().get("scimType") == scim_type
    assert client.get(f"/Users/{user['id']}").json() == user


@pytest.mark.parametrize("body", [
    {"Operations": []},
    {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]},
    {"schemas": ["urn:wrong"], "Operations": [{"op": "add", "path": "title", "value": "x"}]},
    {"Operations": ["not an object"]},
    [],
])
def test_malformed_patch_bodies(client, body):
    user = new_user(client, "pat@example.com")
    response = client.patch(f"/Users/{user['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"


def members(group) -> list[str]:
    return sorted(m["value"] for m in group.get("members") or [])


# (case id, source, operations, expected member placeholders, expected displayName or None)
GROUP_CASES = [
    ("Okta first push: replace of id and displayName", "idp-behaviour.md 1.8",
     [{"op": "replace", "value": {"id": "{gid}", "displayName": "Pushed"}}], ["u1", "u2"], "Pushed"),
    ("Okta member add", "idp-behaviour.md 1.8",
     [{"op": "add", "path": "members", "value": [{"value": "{u3}", "display": "other3@example.com"}]}],
     ["u1", "u2", "u3"], None),
    ("Okta member remove by filter", "idp-behaviour.md 1.8",
     [{"op": "remove", "path": 'members[value eq "{u1}"]'}], ["u2"], None),
    ("Okta remove and add in one request", "idp-behaviour.md 1.8", [
        {"op": "remove", "path": 'members[value eq "{u1}"]'},
        {"op": "add", "path": "members", "value": [{"value": "{u3}", "display": "other3@example.com"}]}],
     ["u2", "u3"], None),
    ("Okta full replace", "idp-behaviour.md 1.8",
     [{"op": "replace", "path": "members", "value": [{"value": "{u3}"}]}], ["u3"], None),
    ("Okta Push Now of an empty group", "idp-behaviour.md 1.8",
     [{"op": "replace", "path": "members", "value": []}], [], None),
    ("Okta rename resends id and displayName with the membership", "idp-behaviour.md 1.8", [
        {"op": "replace", "value": {"id": "{gid}", "displayName": "Renamed"}},
        {"op": "add", "path": "members", "value": [{"value": "{u3}"}]}], ["u1", "u2", "u3"], "Renamed"),
    ("adding a member twice keeps one", "RFC 7644 3.5.2.1",
     [{"op": "add", "path": "members", "value": [{"value": "{u1}"}, {"value": "{u1}"}]}], ["u1", "u2"], None),
    ("Entra member add with $ref null", "idp-behaviour.md 2.7",
     [{"op": "Add", "path": "members", "value": [{"$ref": None, "value": "{u3}"}]}], ["u1", "u2", "u3"], None),
    ("Entra member removal shape removes only those members", "idp-behaviour.md 2.7",
     [{"op": "Remove", "path": "members", "value": [{"value": "{u1}"}]}], ["u2"], None),
    ("Entra member removal, the docs' $ref null variant", "idp-behaviour.md 2.7",
     [{"op": "Remove", "path": "members", "value": [{"$ref": None, "value": "{u2}"}]}], ["u1"], None),
    ("Entra flag: member removal by filter", "idp-behaviour.md 2.7",
     [{"op": "remove", "path": 'members[value eq "{u2}"]'}], ["u1"], None),
    ("Entra rename", "idp-behaviour.md 2.7", [{"op": "Replace", "path": "displayName", "value": "Ünïcode Team"}],
     ["u1", "u2"], "Ünïcode Team"),
    ("remove all members", "RFC 7644 3.5.2.2", [{"op": "remove", "path": "members"}], [], None),
]


@pytest.mark.parametrize("case, source, operations, expected, name", GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_group_patch_table(client, others, case, source, operations, expected, name):
    ids = dict(zip(("u1", "u2", "u3"), others))
    group = new_group(client, "Team", [ids["u1"], ids["u2"]])
    response = client.patch(f"/Groups/{group['id']}", json=patch_body(*fill(operations, gid=group["id"], **ids)))
    assert response.status_code == 200, f"{case} ({source}): {response.text}"
    stored = client.get(f"/Groups/{group['id']}").json()
    assert members(stored) == sorted(ids[p] for p in expected), f"{case} ({source})"
    assert stored["displayName"] == (name or "Team")


def test_entra_adds_many_members_in_one_patch(client):
    group = new_group(client, "Big")
    ids = [new_user(client, f"many{i}@example.com")["id"] for i in range(60)]
    response = client.patch(f"/Groups/{group['id']}", json=patch_body(
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": i} for i in ids]}))
    assert response.status_code == 200
    assert members(client.get(f"/Groups/{group['id']}").json()) == sorted(ids)


@pytest.mark.parametrize("case, operations, scim_type", [
    ("Okta replace naming another id", [{"op": "replace", "value": {"id": "someone-else", "displayName": "X"}}],
     "mutability"),
    ("unknown member", [{"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}], "invalidValue"),
    ("member without value", [{"op": "add", "path": "members", "value": [{"display": "x"}]}], "invalidValue"),
    ("Entra removal shape without values", [{"op": "Remove", "path": "members", "value": [{"display": "x"}]}],
     "invalidValue"),
    ("remove displayName", [{"op": "remove", "path": "displayName"}], "mutability"),
])
def test_group_patch_errors_change_nothing(client, others, case, operations, scim_type):
    group = new_group(client, "Team", others[:2])
    response = client.patch(f"/Groups/{group['id']}", json=patch_body(*operations))
    assert response.status_code == 400, response.text
    assert response.json()["scimType"] == scim_type
    assert client.get(f"/Groups/{group['id']}").json() == group
