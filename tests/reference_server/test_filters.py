"""RFC 7644 section 3.4.2.2: every example of the section, and the grammar's corners, over HTTP.

The data set is small and fixed so that each expected answer can be worked out by hand.
"""

from __future__ import annotations

import pytest

from scimulator.reference_server.errors import ScimError
from scimulator.reference_server.filter import And, Compare, Not, Or, ValuePath, _comparator, parse
from scimulator.reference_server.schema import Attribute
from tests.conftest import ENTERPRISE, new_group, new_user

PEOPLE = {
    "bjensen": dict(name={"familyName": "Jensen", "givenName": "Barbara"}, title="Tour Guide", userType="Employee",
                    externalId="EXT-bj", active=True,
                    emails=[{"value": "bjensen@example.com", "type": "work", "primary": True},
                            {"value": "babs@jensen.org", "type": "home"}],
                    ims=[{"value": "bjensen@foo.com", "type": "xmpp"}],
                    **{ENTERPRISE: {"employeeNumber": "701984"}}),
    "JSmith": dict(name={"familyName": "O'Malley"}, userType="Intern", active=False,
                   emails=[{"value": "jsmith@example.org", "type": "home"}]),
    "alice": dict(userType="Employee", active=True, emails=[{"value": "alice@EXAMPLE.com", "type": "home"}]),
    "zed": dict(title="Boss", userType="Contractor", emails=[{"value": "zed@other.net", "type": "work"}],
                ims=[{"value": "zed@foo.com", "type": "xmpp"}]),
}

# Every example of RFC 7644 section 3.4.2.2, in the order the RFC gives them, with the users it matches.
RFC_EXAMPLES = [
    ('userName eq "bjensen"', {"bjensen"}),
    ('name.familyName co "O\'Malley"', {"JSmith"}),
    ('userName sw "J"', {"JSmith"}),
    ('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', {"JSmith"}),
    ("title pr", {"bjensen", "zed"}),
    ('meta.lastModified gt "2011-05-13T04:42:34Z"', set(PEOPLE)),
    ('meta.lastModified ge "2011-05-13T04:42:34Z"', set(PEOPLE)),
    ('meta.lastModified lt "2011-05-13T04:42:34Z"', set()),
    ('meta.lastModified le "2011-05-13T04:42:34Z"', set()),
    ('title pr and userType eq "Employee"', {"bjensen"}),
    ('title pr or userType eq "Intern"', {"bjensen", "zed", "JSmith"}),
    ('schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', {"bjensen"}),
    ('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', {"bjensen", "alice"}),
    ('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', {"zed"}),
    ('userType eq "Employee" and (emails.type eq "work")', {"bjensen"}),
    ('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', {"bjensen"}),
    ('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
     {"bjensen", "zed"}),
]

MORE = [
    # Precedence: not > and > or. A parser with equal and/or precedence answers {"bjensen"} here.
    ('userType eq "Intern" or userType eq "Employee" and title pr', {"JSmith", "bjensen"}),
    ('title pr and userType eq "Employee" or userType eq "Intern"', {"bjensen", "JSmith"}),
    ('(userType eq "Intern" or userType eq "Employee") and title pr', {"bjensen"}),
    ('not (title pr) and userType eq "Employee"', {"alice"}),
    ('not(title pr) and not (userType eq "Employee")', {"JSmith"}),
    # Operators and case-exactness from the schema: userName and emails.value are caseExact=false.
    ('USERNAME EQ "BJENSEN"', {"bjensen"}),
    ('emails.value eq "ALICE@example.COM"', {"alice"}),
    ('userName ew "ith"', {"JSmith"}),
    ('userName ne "bjensen"', {"JSmith", "alice", "zed"}),
    ('userName gt "b" and userName lt "k"', {"bjensen", "JSmith"}),
    ('userName ge "zed"', {"zed"}),
    ('userName le "alice"', {"alice"}),
    # externalId is caseExact=true.
    ('externalId eq "EXT-bj"', {"bjensen"}),
    ('externalId eq "ext-bj"', set()),
    # Booleans, with the string forms the IdPs use.
    ("active eq true", {"bjensen", "alice"}),
    ("active eq false", {"JSmith"}),
    ('active eq "False"', {"JSmith"}),
    ("active pr", {"bjensen", "alice", "JSmith"}),
    # Dates are compared as instants, whatever the offset.
    ('meta.created gt "2011-05-13T09:42:34+05:00"', set(PEOPLE)),
    ('meta.created lt "2999-01-01T00:00:00Z"', set(PEOPLE)),
    # Sub-attributes, URN-qualified extension paths, value paths with a sub-attribute (Entra's form).
    ('name.givenName sw "bar"', {"bjensen"}),
    ('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"', {"bjensen"}),
    ('emails[type eq "work"].value co "other"', {"zed"}),
    ('emails[type eq "home" or primary eq true]', {"bjensen", "JSmith", "alice"}),
    ('emails[not (type eq "work")]', {"bjensen", "JSmith", "alice"}),
    ('emails[type eq "work" and (value ew ".com" or value ew ".net")]', {"bjensen", "zed"}),
    ("nickName pr", set()),
    ('name.familyName eq null', {"alice", "zed"}),
    ('title ne null', {"bjensen", "zed"}),
]


@pytest.fixture
def people(client):
    for user_name, attributes in PEOPLE.items():
        new_user(client, user_name, **attributes)
    return client


def matching(client, text: str) -> set[str]:
    response = client.get("/Users", params={"filter": text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totalResults"] == len(body["Resources"])
    return {r["userName"] for r in body["Resources"]}


@pytest.mark.parametrize("text, expected", RFC_EXAMPLES + MORE, ids=[t for t, _ in RFC_EXAMPLES + MORE])
def test_filter_table(people, text, expected):
    assert matching(people, text) == expected


@pytest.mark.parametrize("text, expected", RFC_EXAMPLES, ids=[t for t, _ in RFC_EXAMPLES])
def test_rfc_examples_through_search(people, text, expected):
    response = people.post("/Users/.search", json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": text})
    assert response.status_code == 200
    assert {r["userName"] for r in response.json()["Resources"]} == expected


def test_root_search_spans_users_and_groups(people):
    new_group(people, "Tour Guides")
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    users = people.post("/.search", json={**body, "filter": 'userName eq "bjensen"'}).json()
    assert [r["meta"]["resourceType"] for r in users["Resources"]] == ["User"]
    groups = people.post("/.search", json={**body, "filter": 'displayName sw "tour"'}).json()
    assert [r["meta"]["resourceType"] for r in groups["Resources"]] == ["Group"]
    everything = people.post("/.search", json=body).json()
    assert everything["totalResults"] == len(PEOPLE) + 1


INVALID = [
    'userName eq',
    'userName eq "unterminated',
    'userName regex "x"',
    '(userName eq "a"',
    'userName eq "a")',
    'userName eq "a" and',
    'noSuchAttribute eq "x"',
    'name.noSuchSub eq "x"',
    'urn:example:unknown:2.0:Thing:attr eq "x"',
    'active gt true',
    'active eq "maybe"',
    'meta.created gt "yesterday"',
    'x509Certificates.value gt "a"',
    'name eq "x"',
    'emails[type eq "work"',
    'emails[value[type eq "x"] pr]',
    'userName eq bjensen',
    'userName co null',
    '',
    'and',
    'title pr pr',
]


@pytest.mark.parametrize("text", INVALID)
def test_bad_filters_get_400_invalid_filter(people, text):
    response = people.get("/Users", params={"filter": text})
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["scimType"] == "invalidFilter"
    assert error["status"] == "400"


def test_unsupported_operator_is_named(people):
    detail = people.get("/Users", params={"filter": 'userName regex "x"'}).json()["detail"]
    assert "regex" in detail


def test_parse_tree_follows_rfc_precedence():
    tree = parse('a pr or b pr and not (c pr)')
    assert isinstance(tree, Or)
    assert isinstance(tree.right, And)
    assert isinstance(tree.right.right, Not)
    assert isinstance(parse('emails[type eq "work"]'), ValuePath)
    leaf = parse('x eq 1.5e3')
    assert isinstance(leaf, Compare) and leaf.value == 1500.0
    assert parse('x eq "quote \\" inside"').value == 'quote " inside'


@pytest.mark.parametrize("kind, op, expected, value, result", [
    ("integer", "gt", 5, 6, True),
    ("integer", "gt", 5, 5, False),
    ("integer", "le", 5, 5, True),
    ("decimal", "lt", 1.5e3, 1499.9, True),
    ("decimal", "eq", 2, 2.0, True),
])
def test_number_comparisons(kind, op, expected, value, result):
    assert _comparator(Attribute("n", kind), op, expected, "")(value) is result


@pytest.mark.parametrize("kind, op, expected", [
    ("integer", "co", 5), ("integer", "eq", "5"), ("boolean", "lt", True), ("binary", "gt", "a"),
])
def test_comparisons_that_the_type_forbids(kind, op, expected):
    with pytest.raises(ScimError) as raised:
        _comparator(Attribute("n", kind), op, expected, "")
    assert raised.value.scim_type == "invalidFilter"
