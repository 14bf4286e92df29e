"""Lists: pagination (RFC 7644 3.4.2.4), sorting (3.4.2.3), attribute selection (3.4.2.5), and the
Okta import walk (idp-behaviour.md 1.9)."""

from __future__ import annotations

import pytest

from tests.conftest import ENTERPRISE, new_group, new_user


@pytest.fixture
def twelve(client):
    names = [f"user{i:02d}@example.com" for i in range(12)]
    for i, name in enumerate(names):
        new_user(client, name, title=f"T{11 - i:02d}", name={"familyName": f"F{i % 3}"})
    return names


def test_pages_walk_every_user_once_in_a_stable_order(client, twelve):
    seen, start = [], 1
    while True:
        page = client.get("/Users", params={"startIndex": start, "count": 5}).json()
        assert page["totalResults"] == 12
        assert page["startIndex"] == start
        assert page["itemsPerPage"] == len(page["Resources"])
        if not page["Resources"]:
            break
        seen += [r["userName"] for r in page["Resources"]]
        start += 5
    assert seen == twelve


def test_okta_connection_test_probe(client, twelve):
    body = client.get("/Users", params={"startIndex": 1, "count": 2}).json()
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (12, 1, 2)


def test_count_zero_gives_only_the_total(client, twelve):
    body = client.get("/Users", params={"count": 0}).json()
    assert body["totalResults"] == 12 and body["Resources"] == [] and body["itemsPerPage"] == 0


def test_out_of_range_paging_is_clamped(client, twelve):
    assert client.get("/Users", params={"startIndex": 0, "count": 3}).json()["startIndex"] == 1
    assert client.get("/Users", params={"startIndex": -4}).json()["itemsPerPage"] == 12
    assert client.get("/Users", params={"count": -1}).json()["itemsPerPage"] == 0
    assert client.get("/Users", params={"startIndex": 99}).json()["Resources"] == []


@pytest.mark.parametrize("param", ["startIndex", "count"])
def test_non_integer_paging_is_invalid_value(client, param):
    response = client.get("/Users", params={param: "ten"})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"


def test_filtered_pages(client, twelve):
    page = client.get("/Users", params={"filter": 'userName sw "user0"', "startIndex": 3, "count": 4}).json()
    assert page["totalResults"] == 10
    assert [r["userName"] for r in page["Resources"]] == twelve[2:6]


def test_sort_ascending_and_descending(client, twelve):
    up = client.get("/Users", params={"sortBy": "title"}).json()["Resources"]
    assert [r["title"] for r in up] == sorted(r["title"] for r in up)
    down = client.get("/Users", params={"sortBy": "title", "sortOrder": "descending", "count": 3}).json()
    assert [r["title"] for r in down["Resources"]] == ["T11", "T10", "T09"]


def test_sort_is_case_insensitive_for_case_insensitive_attributes(client):
    for name in ("b@x.example", "A@x.example", "c@x.example"):
        new_user(client, name)
    listed = client.get("/Users", params={"sortBy": "userName"}).json()["Resources"]
    assert [r["userName"] for r in listed] == ["A@x.example", "b@x.example", "c@x.example"]


def test_sort_puts_missing_values_last(client):
    new_user(client, "none@x.example")
    new_user(client, "b@x.example", nickName="b")
    new_user(client, "a@x.example", nickName="a")
    for order in ("ascending", "descending"):
        listed = client.get("/Users", params={"sortBy": "nickName", "sortOrder": order}).json()["Resources"]
        assert listed[-1]["userName"] == "none@x.example"


def test_sort_by_multi_valued_uses_the_primary_value(client):
    new_user(client, "one@x.example", emails=[{"value": "z@x.example"}, {"value": "a-not@x.example"}, ])
    new_user(client, "two@x.example", emails=[{"value": "a@x.example"}, {"value": "m@x.example", "primary": True}])
    listed = client.get("/Users", params={"sortBy": "emails.value"}).json()["Resources"]
    assert [r["userName"] for r in listed] == ["two@x.example", "one@x.example"]


@pytest.mark.parametrize("params", [{"sortBy": "nope"}, {"sortBy": "title", "sortOrder": "sideways"}])
def test_bad_sort_is_invalid_value(client, params):
    response = client.get("/Users", params=params)
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"


def test_attributes_selects_and_keeps_always_returned(client):
    new_user(client, "sel@x.example", title="T", name={"givenName": "G", "familyName": "F"},
             **{ENTERPRISE: {"department": "D", "costCenter": "C"}})
    r = client.get("/Users", params={"attributes": f"name.givenName,{ENTERPRISE}:department"}).json()["Resources"][0]
    assert set(r) == {"schemas", "id", "name", ENTERPRISE}
    assert r["name"] == {"givenName": "G"}
    assert r[ENTERPRISE] == {"department": "D"}


def test_excluded_attributes(client):
    user = new_user(client, "exc@x.example", title="T", emails=[{"value": "e@x.example", "type": "work"}])
    r = client.get(f"/Users/{user['id']}", params={"excludedAttributes": "title,emails.type,id"}).json()
    assert "title" not in r and r["emails"] == [{"value": "e@x.example"}]
    assert r["id"] == user["id"]  # returned "always" wins over exclusion


def test_entra_group_lookup_excludes_members(client):
    member = new_user(client, "m@x.example")
    group = new_group(client, "Lookup Me", [member["id"]])
    listed = client.get("/Groups", params={"excludedAttributes": "members",
                                           "filter": 'displayName eq "Lookup Me"'}).json()
    assert listed["totalResults"] == 1 and "members" not in listed["Resources"][0]
    one = client.get(f"/Groups/{group['id']}", params={"excludedAttributes": "members"}).json()
    assert "members" not in one and one["displayName"] == "Lookup Me"


def test_entra_connection_probe_gets_an_empty_list(client):
    body = client.get("/Users", params={"filter": 'userName eq "1b7e1c5c-7e6d-4c52-9d0b-2f9c1f6b3a11"'}).json()
    assert body == {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0,
                    "startIndex": 1, "itemsPerPage": 0, "Resources": []}
