"""Broken targets for the standards' profiles: the SCIM interoperability profile and the IPSIE SCIM profile.

Each breaker does one thing a MUST of a draft forbids, and names the scenario judging that requirement
it must fail and one it must leave passing. tests/suite/test_standard_profiles.py runs
`scimulator run --profile ...` against them too.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_targets import Broken, Call, _json_response, breaker, scim_error, without_endpoint

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
USER_FILTER_ATTRIBUTES = ("username", "externalid", "id", "displayname", "emails", "active", "name", "meta")
ONE_USER = re.compile(r".*/Users/[^/]+")

UNDEFINED_FILTER = "test_a_filter_on_an_attribute_the_user_schema_does_not_define_is_a_400_invalidfilter"
DELETED_USER = "test_a_deleted_user_answers_404_and_no_query_finds_it_any_more"
USERNAME_REUSE = "test_the_username_of_a_deleted_user_can_be_used_again"
DISCOVERY = "test_the_three_discovery_endpoints_answer"
COUNT_ABOVE_MAXIMUM = "test_a_count_above_the_servers_maximum_gives_a_page_not_an_error"
EMPTY_GROUP = "test_a_group_can_be_created_with_no_members"
GROUP_BY_ID = "test_a_group_is_read_by_its_id"
ADD_IS_REPLACE = "test_add_on_a_singular_simple_attribute_sets_it_as_replace_does"
ONE_GROUP = re.compile(r".*/Groups/[^/]+")
MAXIMUM_COUNT = 1000


def _filters_an_undefined_attribute(call: Call) -> bool:
    attribute = call.query.get("filter", "").strip().split(" ", 1)[0].split("[", 1)[0].split(".", 1)[0]
    return bool(attribute) and attribute.lower() not in USER_FILTER_ATTRIBUTES


@breaker
def undefined_filter_attribute_matches_nothing(call: Call):
    """A filter on an attribute the User schema does not define is answered with an empty list, not invalidFilter."""
    if call.method == "GET" and call.path.endswith("/Users") and _filters_an_undefined_attribute(call):
        empty = {"schemas": [LIST_RESPONSE], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}
        return _json_response("200 OK", [("Content-Type", "application/scim+json")], empty)
    return call.forward()


@breaker
def delete_only_deactivates(call: Call):
    """DELETE of a user is a soft delete: the user stays, inactive, under its userName (204 all the same)."""
    if call.method == "DELETE" and ONE_USER.fullmatch(call.path):
        patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "active", "value": False}]}
        status, headers, data = call.forward(method="PATCH", body=json.dumps(patch).encode())
        return ("204 NO CONTENT", [], b"") if status.startswith("2") else (status, headers, data)
    return call.forward()


@breaker
def no_resource_types_endpoint(call: Call):
    """/ResourceTypes is not served."""
    return without_endpoint(call, "/ResourceTypes")


@breaker
def count_above_maximum_refused(call: Call):
    """A list asked with a count above the server's maximum is refused instead of answered with a shorter page."""
    count = call.query.get("count", "")
    if call.method == "GET" and count.isdigit() and int(count) > MAXIMUM_COUNT:
        return scim_error("400 BAD REQUEST", f"count may be at most {MAXIMUM_COUNT}.", "invalidValue")
    return call.forward()


@breaker
def group_needs_members(call: Call):
    """A group created without members is refused."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Groups") and isinstance(body, dict) and not body.get("members"):
        return scim_error("400 BAD REQUEST", "A group needs at least one member.", "invalidValue")
    return call.forward()


@breaker
def group_not_readable_by_id(call: Call):
    """GET /Groups/{id} is not served: groups are only listed."""
    if call.method == "GET" and ONE_GROUP.fullmatch(call.path):
        return scim_error("404 NOT FOUND", "Resource not found.")
    return call.forward()


def _without_add_on_singular(body: dict) -> dict:
    operations = [op for op in body.get("Operations", [])
                  if not (str(op.get("op", "")).lower() == "add" and op.get("path") == "displayName")]
    return {**body, "Operations": operations}


@breaker
def add_on_singular_attribute_ignored(call: Call):
    """A PATCH add on displayName is dropped: only replace sets a singular attribute."""
    body = call.json()
    if call.method == "PATCH" and ONE_USER.fullmatch(call.path) and isinstance(body, dict):
        changed = _without_add_on_singular(body)
        if changed != body:
            if not changed["Operations"]:
                return "204 NO CONTENT", [], b""
            return call.forward(body=json.dumps(changed).encode())
    return call.forward()


BREAKERS = {
    "undefined_filter_attribute_matches_nothing": Broken(undefined_filter_attribute_matches_nothing,
                                                         must_fail=(UNDEFINED_FILTER,), must_pass=(DELETED_USER,)),
    "delete_only_deactivates": Broken(delete_only_deactivates, must_fail=(DELETED_USER, USERNAME_REUSE),
                                      must_pass=(UNDEFINED_FILTER,)),
    "no_resource_types_endpoint": Broken(no_resource_types_endpoint, must_fail=(DISCOVERY,), must_pass=(DELETED_USER,)),
    "count_above_maximum_refused": Broken(count_above_maximum_refused, must_fail=(COUNT_ABOVE_MAXIMUM,),
                                          must_pass=(DISCOVERY,)),
    "add_on_singular_attribute_ignored": Broken(add_on_singular_attribute_ignored, must_fail=(ADD_IS_REPLACE,),
                                                must_pass=(DELETED_USER,)),
    "group_needs_members": Broken(group_needs_members, must_fail=(EMPTY_GROUP,), must_pass=(GROUP_BY_ID,)),
    "group_not_readable_by_id": Broken(group_not_readable_by_id, must_fail=(GROUP_BY_ID,), must_pass=(EMPTY_GROUP,)),
}
