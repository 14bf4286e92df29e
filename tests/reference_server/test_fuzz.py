"""Hypothesis fuzzing of the two entry points that parse client-chosen grammar: filters and PATCH.

Whatever arrives, the reference server answers with a SCIM status below 500 and a SCIM Error
body when it refuses, and the resources it holds stay valid against the JSON Schemas. Inputs
are a mix of grammar-shaped text (so that the parser gets deep) and arbitrary text (so that
its error paths are reached).
"""

from __future__ import annotations

import functools
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scimulator.reference_server import ServerConfig, create_app
from tests.conftest import ENTERPRISE, GROUP, PATCH_OP, TOKEN, USER, _registry, load_schema

EXAMPLES = 1200
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
AUTH = {"Authorization": f"Bearer {TOKEN}"}

KNOWN_PATHS = [
    "id", "externalId", "userName", "displayName", "active", "title", "name.givenName", "name.familyName",
    "emails", "emails.value", "emails.type", "emails.primary", "addresses.locality", "meta.created",
    "meta.lastModified", "members", "members.value", "nickName", "emails[type eq \"work\"].value",
    f"{USER}:userName", f"{USER}:name.givenName", f"{ENTERPRISE}:employeeNumber", f"{ENTERPRISE}:manager.value",
]
ODD_PATHS = ["name", "groups", "groups.display", "roles", "x509Certificates.value", "phoneNumbers",
             f"{ENTERPRISE}:manager", "meta.resourceType", "urn:unknown:schema:thing", "a.b.c", ""]
ATTRIBUTE_PATHS = KNOWN_PATHS + ODD_PATHS
GOOD_OPERATORS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Co"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
LITERALS = st.one_of(
    TEXT.map(json.dumps), TEXT.map(json.dumps),
    st.sampled_from(["true", "false", "null", "True", "1e400", "-0", "NaN", '"2024-01-01T00:00:00Z"',
                     '"2024-02-30T25:61:00Z"', '"unterminated', "'single'", "[]", "{}", '"fuzz"', '"example.com"']),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


STRING_ATTRIBUTES = ["externalId", "userName", "displayName", "title", "name.givenName", "name.familyName", "emails.value",
                     "emails.type", "addresses.locality", "members.value", "nickName", f"{USER}:userName",
                     f"{ENTERPRISE}:employeeNumber", f"{ENTERPRISE}:manager.value", "id"]
DATE_LITERALS = st.datetimes().map(lambda d: json.dumps(d.isoformat() + "Z"))


def comparisons() -> st.SearchStrategy[str]:
    """Mostly well-typed comparisons (so that evaluation, not only parsing, is fuzzed), some ill-typed."""
    string_compare = st.builds(lambda a, o, v: f"{a} {o} {v}", st.sampled_from(STRING_ATTRIBUTES),
                               st.sampled_from(GOOD_OPERATORS), TEXT.map(json.dumps))
    boolean_compare = st.builds(lambda a, o, v: f"{a} {o} {v}", st.sampled_from(["active", "emails.primary"]),
                                st.sampled_from(["eq", "ne", "EQ"]), st.sampled_from(["true", "false", "True"]))
    date_compare = st.builds(lambda a, o, v: f"{a} {o} {v}", st.sampled_from(["meta.created", "meta.lastModified"]),
                             st.sampled_from(GOOD_OPERATORS), DATE_LITERALS)
    present = st.sampled_from(ATTRIBUTE_PATHS).map(lambda a: f"{a} pr")
    anything = st.builds(lambda a, o, v: f"{a} {o} {v}", st.sampled_from(ATTRIBUTE_PATHS),
                         st.sampled_from(GOOD_OPERATORS + ["xx", "=="]), LITERALS)
    return st.one_of(string_compare, boolean_compare, date_compare, present, anything)


def filters() -> st.SearchStrategy[str]:
    grammar = st.recursive(
        comparisons(),
        lambda inner: st.one_of(
            st.builds(lambda l, j, r: f"{l} {j} {r}", inner, st.sampled_from(["and", "or", "AND", "Or", "and", "or", "xor"]), inner),
            inner.map(lambda f: f"not ({f})"),
            inner.map(lambda f: f"({f})"),
            st.builds(lambda a, f: f"{a}[{f}]", st.sampled_from(["emails", "members", "addresses", "name"]),
                      st.builds(lambda a, o, v: f"{a} {o} {v}", st.sampled_from(["value", "type", "primary", "display"]),
                                st.sampled_from(GOOD_OPERATORS), LITERALS)),
        ),
        max_leaves=8,
    )
    mutated = st.builds(lambda f, cut, junk: f[:cut] + junk + f[cut:], grammar, st.integers(0, 60),
                        st.sampled_from(["(", ")", "[", "]", '"', " ", "\\", ".", ":", "\x00", "é", "not"]))
    return st.one_of(grammar, grammar, grammar, grammar, mutated, st.text(max_size=80))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
                    TEXT, st.sampled_from(["True", "False", "true", "", "x@y.example"]))
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["value", "type", "primary", "display", "givenName", "familyName",
                                          "name.givenName", "emails", "active", "userName", "displayName",
                                          "members", "id", f"{ENTERPRISE}:department", ENTERPRISE, "$ref",
                                          "meta", "schemas", "bogus"]), inner, max_size=5),
    ),
    max_leaves=10,
)


def plausible_user_operation() -> st.SearchStrategy[dict]:
    """User operations shaped like what Okta, Entra and RFC 7644 section 3.5.2 send, with fuzzed contents."""
    op = st.sampled_from(["add", "replace", "Add", "Replace", "REPLACE"])
    email = st.fixed_dictionaries({"value": TEXT.map(lambda t: f"{t}@example.com")},
                                  optional={"type": st.sampled_from(["work", "home", "other"]), "primary": st.booleans()})
    return st.one_of(
        st.builds(lambda o, p, v: {"op": o, "path": p, "value": v}, op,
                  st.sampled_from(["displayName", "title", "nickName", "name.givenName", f"{ENTERPRISE}:employeeNumber",
                                   "userName", "externalId"]), TEXT),
        st.builds(lambda o, v: {"op": o, "path": "active", "value": v}, op,
                  st.sampled_from([True, False, "True", "False", "true", "false"])),
        st.builds(lambda o, v: {"op": o, "path": "emails", "value": v}, op, st.lists(email, max_size=3)),
        st.builds(lambda o, v: {"op": o, "path": 'emails[type eq "work"].value', "value": v}, op, TEXT),
        st.builds(lambda o, v: {"op": o, "value": v}, op,
                  st.dictionaries(st.sampled_from(["displayName", "name.givenName", "title", f"{ENTERPRISE}:department",
                                                   "nickName"]), TEXT, max_size=3)),
        st.builds(lambda o, p: {"op": o, "path": p}, st.sampled_from(["remove", "Remove"]),
                  st.sampled_from(["title", "emails", 'emails[type eq "home"]', "nickName", f"{ENTERPRISE}:manager"])),
    )


def plausible_group_operation(member_ids: list[str]) -> st.SearchStrategy[dict]:
    """Group operations: Okta's Group Push and Entra's membership shapes, with fuzzed contents."""
    member = st.sampled_from(member_ids).map(lambda i: {"value": i})
    return st.one_of(
        st.builds(lambda o, v: {"op": o, "path": "displayName", "value": v}, st.sampled_from(["replace", "Replace"]),
                  TEXT.map(lambda t: f"g{t}")),
        st.builds(lambda v: {"op": "replace", "value": v},
                  st.fixed_dictionaries({"displayName": TEXT.map(lambda t: f"g{t}")}, optional={"externalId": TEXT})),
        st.builds(lambda o, v: {"op": o, "path": "members", "value": v}, st.sampled_from(["add", "Add", "remove", "Remove"]),
                  st.lists(member, min_size=1, max_size=3)),
        st.builds(lambda o, i: {"op": o, "path": f'members[value eq "{i}"]'}, st.sampled_from(["remove", "Remove"]),
                  st.sampled_from(member_ids)),
        st.builds(lambda v: {"op": "replace", "path": "members", "value": v}, st.lists(member, max_size=3)),
    )


def arbitrary_operation() -> st.SearchStrategy[dict]:
    op = st.one_of(st.sampled_from(["add", "replace", "remove", "Add", "Replace", "Remove", "copy", ""]),
                   st.text(max_size=8), st.integers(), st.none())
    value_filter = st.builds(lambda a, f: f"{a}[{f}]", st.sampled_from(["emails", "members", "addresses", "phoneNumbers"]),
                             comparisons())
    with_sub = st.builds(lambda p, s: f"{p}.{s}", value_filter, st.sampled_from(["value", "type", "primary", "display", "x"]))
    path = st.one_of(st.none(), st.sampled_from(ATTRIBUTE_PATHS), value_filter, with_sub, st.text(max_size=30))
    return st.fixed_dictionaries({"op": op}, optional={"path": path, "value": JSON_VALUES})


def patch_bodies(plausible: st.SearchStrategy[dict]) -> st.SearchStrategy[object]:
    operation = st.one_of(plausible, plausible, plausible, arbitrary_operation())
    well_formed = st.builds(lambda ops: {"schemas": [PATCH_OP], "Operations": ops}, st.lists(operation, min_size=1, max_size=3))
    odd = st.one_of(JSON_VALUES, st.builds(lambda ops: {"Operations": ops}, JSON_VALUES),
                    st.builds(lambda s, ops: {"schemas": s, "Operations": ops}, JSON_VALUES, st.lists(operation, max_size=2)))
    return st.one_of(well_formed, well_formed, well_formed, well_formed, odd)


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    """One app with a few realistic resources, shared by all examples (the point is breadth, not isolation)."""
    app = create_app(ServerConfig(db_path=str(tmp_path_factory.mktemp("fuzz") / "scim.db"), tokens=[TOKEN]))
    http = app.test_client()
    ids = {}
    for n in range(3):
        answer = http.post("/scim/v2/Users", headers=AUTH, json={
            "schemas": [USER, ENTERPRISE], "userName": f"fuzz{n}@example.com", "externalId": f"ext-{n}",
            "name": {"givenName": "Zoë", "familyName": "O'Brien"}, "active": True,
            "emails": [{"value": f"fuzz{n}+tag@example.com", "type": "work", "primary": True}],
            ENTERPRISE: {"employeeNumber": str(n), "manager": {"value": "boss"}},
        })
        assert answer.status_code == 201, answer.get_data(as_text=True)
        ids.setdefault("users", []).append(answer.get_json()["id"])
    answer = http.post("/scim/v2/Groups", headers=AUTH, json={
        "schemas": [GROUP], "displayName": "Fuzzers", "members": [{"value": i} for i in ids["users"]]})
    assert answer.status_code == 201
    ids["group"] = answer.get_json()["id"]
    return http, ids


def assert_scim_answer(response, allowed: set[int]) -> None:
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows how deep the inputs reached
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.status_code in allowed, (response.status_code, response.get_data(as_text=True))
    if response.status_code >= 400:
        body = response.get_json()
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"], body
        assert body["status"] == str(response.status_code), body
        assert body.get("detail"), body


@functools.cache
def validator_for(schema: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(schema), registry=_registry())


def assert_valid(body: dict, schema: str) -> None:
    validator = validator_for(schema)
    errors = list(validator.iter_errors(body))
    assert not errors, f"{schema}: {errors[0].message} in {json.dumps(body)[:400]}"


@FUZZ_SETTINGS
@given(expression=filters(), endpoint=st.sampled_from(["/Users", "/Groups"]))
def test_fuzzed_filters_get_a_list_or_invalid_filter(fuzz_target, expression, endpoint):
    http, _ = fuzz_target
    response = http.get(f"/scim/v2{endpoint}", headers=AUTH, query_string={"filter": expression})
    assert_scim_answer(response, {200, 400})
    if response.status_code == 400:
        assert response.get_json()["scimType"] == "invalidFilter"
    else:
        assert_valid(response.get_json(), "ListResponse")


@FUZZ_SETTINGS
@given(expression=filters(), sort_by=st.one_of(st.none(), st.sampled_from(ATTRIBUTE_PATHS)),
       attributes=st.one_of(st.none(), st.lists(st.sampled_from(ATTRIBUTE_PATHS), max_size=3)),
       start=st.one_of(st.integers(-5, 10), st.integers(-5, 10), JSON_VALUES),
       count=st.one_of(st.integers(-5, 10), st.integers(-5, 10), JSON_VALUES))
def test_fuzzed_search_bodies_never_fail_the_server(fuzz_target, expression, sort_by, attributes, start, count):
    http, _ = fuzz_target
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": expression,
            "startIndex": start, "count": count}
    if sort_by is not None:
        body["sortBy"] = sort_by
    if attributes is not None:
        body["attributes"] = attributes
    response = http.post("/scim/v2/.search", headers=AUTH, json=body)
    assert_scim_answer(response, {200, 400})


@FUZZ_SETTINGS
@given(data=st.data(), target=st.sampled_from(["user", "group"]))
def test_fuzzed_patches_are_applied_or_refused_and_leave_valid_resources(fuzz_target, data, target):
    http, ids = fuzz_target
    plausible = plausible_user_operation() if target == "user" else plausible_group_operation(ids["users"])
    body = data.draw(patch_bodies(plausible), label="body")
    path = f"/scim/v2/Users/{ids['users'][0]}" if target == "user" else f"/scim/v2/Groups/{ids['group']}"
    before = http.get(path, headers=AUTH).get_json()
    response = http.patch(path, headers=AUTH, json=body)
    assert_scim_answer(response, {200, 204, 400, 409})
    after = http.get(path, headers=AUTH)
    assert after.status_code == 200
    assert_valid(after.get_json(), "User" if target == "user" else "Group")
    if response.status_code >= 400:
        assert after.get_json() == before, "a refused PATCH must change nothing"
    else:
        assert after.get_json()["id"] == before["id"]


@FUZZ_SETTINGS
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_fuzzed_raw_bytes_as_patch_body_are_refused_cleanly(fuzz_target, raw):
    http, ids = fuzz_target
    response = http.patch(f"/scim/v2/Users/{ids['users'][1]}", headers={**AUTH, "Content-Type": "application/scim+json"},
                          data=raw)
    assert_scim_answer(response, {200, 400})


# --- Hostile shapes (issue 12): depth, lone surrogates, numeric extremes, filter depth and width ---------

HOSTILE_EXAMPLES = 2000
HOSTILE_SETTINGS = settings(max_examples=HOSTILE_EXAMPLES, deadline=None, database=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                   HealthCheck.data_too_large])
RAW_JSON = {**AUTH, "Content-Type": "application/scim+json"}


def wrapped(depth: int, kinds: list[str]) -> str:
    """A JSON value nested ``depth`` levels deep, each level an array or an object."""
    opening = "".join("[" if kinds[i % len(kinds)] == "list" else '{"a":' for i in range(depth))
    closing = "".join("]" if kinds[i % len(kinds)] == "list" else "}" for i in reversed(range(depth)))
    return opening + "1" + closing


@HOSTILE_SETTINGS
@given(depth=st.one_of(st.integers(0, 40), st.integers(0, 1500)), kinds=st.lists(st.sampled_from(["list", "dict"]),
       min_size=1, max_size=3), where=st.sampled_from(["create", "patch", "search", "bulk"]))
def test_fuzzed_json_depth_is_kept_or_refused_never_a_500(fuzz_target, depth, kinds, where):
    http, ids = fuzz_target
    value = wrapped(depth, kinds)
    if where == "create":
        response = http.post("/scim/v2/Users", headers=RAW_JSON, data=f'{{"userName": "deep", "title": {value}}}')
    elif where == "patch":
        response = http.patch(f"/scim/v2/Users/{ids['users'][2]}", headers=RAW_JSON,
                              data=f'{{"Operations": [{{"op": "add", "path": "nickName", "value": {value}}}]}}')
    elif where == "search":
        response = http.post("/scim/v2/.search", headers=RAW_JSON, data=f'{{"count": {value}}}')
    else:
        response = http.post("/scim/v2/Bulk", headers=RAW_JSON, data=f'{{"schemas": ["{BULK_REQUEST}"], '
                                                                     f'"Operations": [{{"method": "PATCH", "data": {value}}}]}}')
    assert_scim_answer(response, {200, 201, 400, 409})


SURROGATE_TEXT = st.text(st.characters(codec=None, categories=["Cs", "Ll", "Nd", "Zs"]), min_size=1, max_size=8)


@HOSTILE_SETTINGS
@given(text=SURROGATE_TEXT, where=st.sampled_from(["userName", "key", "filter", "patch", "path", "search"]))
def test_fuzzed_lone_surrogates_are_refused_or_stored_never_a_500(fuzz_target, text, where):
    http, ids = fuzz_target
    user = f"/scim/v2/Users/{ids['users'][2]}"
    escaped = json.dumps(text)  # lone surrogates become \\udXXX escapes, as a client would send them
    if where == "userName":
        response = http.post("/scim/v2/Users", headers=RAW_JSON, data=f'{{"userName": {escaped}}}')
    elif where == "key":
        response = http.post("/scim/v2/Users", headers=RAW_JSON, data=f'{{"userName": "k", {escaped}: 1}}')
    elif where == "filter":
        response = http.get("/scim/v2/Users", headers=AUTH, query_string={"filter": f"userName eq {escaped}"})
    elif where == "patch":
        response = http.patch(user, headers=RAW_JSON, data=f'{{"Operations": [{{"op": "replace", "path": "title", '
                                                           f'"value": {escaped}}}]}}')
    elif where == "path":
        response = http.patch(user, headers=AUTH, json=patch_body_of(
            {"op": "add", "path": f"emails[value eq {escaped}].type", "value": "work"}))
    else:
        response = http.post("/scim/v2/.search", headers=RAW_JSON, data=f'{{"filter": {json.dumps("title eq " + escaped)}}}')
    assert_scim_answer(response, {200, 201, 400, 409})
    assert http.get(user, headers=AUTH).status_code == 200


NUMBERS = st.one_of(
    st.integers(-10**40, 10**40).map(str), st.integers(0, 4400).map(lambda n: "9" * max(n, 1)),
    st.sampled_from(["1e999", "-1e999", "1e308", "1.7976931348623157e308", "5e-324", "-0", "0.5", "1e-999",
                     "2147483648", "9223372036854775808", "18446744073709551616"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


@HOSTILE_SETTINGS
@given(number=NUMBERS, where=st.sampled_from(["startIndex", "count", "query", "title", "active", "failOnErrors",
                                               "admin-limits", "admin-clock", "filter"]))
def test_fuzzed_numeric_extremes_never_get_a_500(fuzz_target, admin_target, number, where):
    http, ids = fuzz_target
    if where in ("startIndex", "count"):
        response = http.post("/scim/v2/Users/.search", headers=RAW_JSON, data=f'{{"{where}": {number}}}')
    elif where == "query":
        response = http.get("/scim/v2/Users", headers=AUTH, query_string={"startIndex": number, "count": number})
    elif where in ("title", "active"):
        response = http.patch(f"/scim/v2/Users/{ids['users'][2]}", headers=RAW_JSON,
                              data=f'{{"Operations": [{{"op": "replace", "path": "{where}", "value": {number}}}]}}')
    elif where == "failOnErrors":
        response = http.post("/scim/v2/Bulk", headers=RAW_JSON,
                             data=f'{{"schemas": ["{BULK_REQUEST}"], "failOnErrors": {number}, "Operations": []}}')
    elif where == "filter":
        response = http.get("/scim/v2/Users", headers=AUTH, query_string={"filter": f"meta.created gt {number}"})
    else:
        admin_http = admin_target
        key, path = ("max_users", "/limits") if where == "admin-limits" else ("advance_seconds", "/clock")
        response = admin_http.open(f"/admin/v1{path}", method="PUT" if path == "/limits" else "POST",
                                   headers={**ADMIN_AUTH, "Content-Type": "application/json"}, data=f'{{"{key}": {number}}}')
        assert response.status_code < 500, response.get_data(as_text=True)
        return
    assert_scim_answer(response, {200, 201, 400, 409})


COMPARISON = st.sampled_from(['userName eq "fuzz0@example.com"', "title pr", 'emails[type eq "work"]', "active eq true",
                              'name.givenName sw "Z"'])


@HOSTILE_SETTINGS
@given(depth=st.one_of(st.integers(0, 30), st.integers(0, 400)), width=st.one_of(st.integers(1, 250), st.integers(1, 1500)),
       joiner=st.sampled_from([" or ", " and ", " OR "]), comparison=COMPARISON, negate=st.booleans())
def test_fuzzed_filter_depth_and_width_are_answered_or_refused_never_a_500(fuzz_target, depth, width, joiner,
                                                                            comparison, negate):
    http, _ = fuzz_target
    wide = joiner.join([comparison] * width)
    opening = "not (" if negate else "("
    text = opening * depth + wide + ")" * depth
    response = http.get("/scim/v2/Users", headers=AUTH, query_string={"filter": text})
    assert_scim_answer(response, {200, 400})
    if response.status_code == 400:
        assert response.get_json()["scimType"] == "invalidFilter"


ADMIN_AUTH = {"Authorization": "Bearer fuzz-admin-token"}
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def patch_body_of(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


@pytest.fixture(scope="module")
def admin_target(tmp_path_factory):
    app = create_app(ServerConfig(db_path=str(tmp_path_factory.mktemp("fuzz-admin") / "a.db"), tokens=[TOKEN],
                                  admin_tokens=["fuzz-admin-token"], vendor_extras=True, movable_clock=True))
    return app.test_client()
