"""Broken targets for the vendors' listing tests: Okta's SPEC test and Microsoft's SCIM Validation Logic App.

Each breaker turns off one thing an official test asserts, and names the scenario of that test it
must fail and one it must leave passing. The last ones are legal variants (pages capped below the
count asked for, PATCH answered 204): the official tests' scenarios must pass on them.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_protocol import refuses_plain_json
from tests.suite.broken_targets import ERROR, Broken, Call, _json_response, breaker, scim_error, without_endpoint

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _changed_json(call: Call, change, applies) -> tuple[str, list, bytes]:
    """Forward the call; where `applies(call, status, body)`, answer `change(body)` instead of the body."""
    status, headers, data = call.forward()
    try:
        body = json.loads(data) if data else None
    except ValueError:
        return status, headers, data
    if isinstance(body, dict) and applies(call, status, body):
        return _json_response(status, headers, change(body))
    return status, headers, data


def _is_list(call: Call, status: str, body: dict) -> bool:
    return call.method == "GET" and status.startswith("200") and "Resources" in body


def _without(*keys: str):
    return lambda body: {k: v for k, v in body.items() if k not in keys}


# --- Okta's SPEC test --------------------------------------------------------------------------------

@breaker
def list_without_schemas(call: Call):
    """A ListResponse without its "schemas" member (Okta's SPEC steps 1, 3 and 5 look for the ListResponse URN)."""
    return _changed_json(call, _without("schemas"), _is_list)


@breaker
def list_without_items_per_page(call: Call):
    """A ListResponse without itemsPerPage (Okta's SPEC step 1 asserts it is a number)."""
    return _changed_json(call, _without("itemsPerPage"), _is_list)


@breaker
def list_entries_without_emails(call: Call):
    """List entries leave out emails, which GET by id still returns (Okta's SPEC step 1 reads Resources[0].emails)."""
    def change(body):
        return dict(body, Resources=[{k: v for k, v in r.items() if k != "emails"} for r in body["Resources"]])
    return _changed_json(call, change, _is_list)


def _is_error(call: Call, status: str, body: dict) -> bool:
    return not status.startswith("2") and ERROR in (body.get("schemas") or [])


@breaker
def errors_without_detail(call: Call):
    """Error bodies without "detail" (Okta's SPEC steps 4, 11 and 12 assert it is not empty)."""
    return _changed_json(call, _without("detail"), _is_error)


@breaker
def errors_without_status(call: Call):
    """Error bodies without "status" (Okta's SPEC steps 11 and 12 read it; step 4 does not)."""
    return _changed_json(call, _without("status"), _is_error)


@breaker
def malformed_authorization_forbidden(call: Call):
    """An Authorization header that is not "Bearer ..." answers 403, where Okta's SPEC step 11 expects 401."""
    if not call.environ.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        return scim_error("403 FORBIDDEN", "Forbidden.")
    return call.forward()


@breaker
def created_user_without_schemas(call: Call):
    """The answer to POST /Users leaves out "schemas" (Okta's SPEC step 6 looks for the core User URN)."""
    return _changed_json(call, _without("schemas"),
                         lambda c, status, body: c.method == "POST" and c.path.endswith("/Users") and status.startswith("201"))


@breaker
def user_read_without_names(call: Call):
    """GET /Users/{id} leaves out "name" (Okta's SPEC steps 2 and 7 read name.givenName and name.familyName)."""
    return _changed_json(call, _without("name"), lambda c, status, body: c.method == "GET" and status.startswith("200")
                         and "/Users/" in c.path and "Resources" not in body)


@breaker
def no_groups_endpoint(call: Call):
    """GET /Groups answers 404 (Okta's optional SPEC step 10)."""
    return without_endpoint(call, "/Groups")


# --- Microsoft's SCIM Validation Logic App ----------------------------------------------------------------

@breaker
def schemas_without_enterprise_user(call: Call):
    """/Schemas leaves out the enterprise User extension that Entra maps department and employeeNumber to (test 15)."""
    def change(body):
        kept = [r for r in body["Resources"] if r.get("id") != ENTERPRISE]
        return dict(body, Resources=kept, totalResults=len(kept), itemsPerPage=len(kept))
    return _changed_json(call, change, lambda c, status, body: c.path.endswith("/Schemas") and _is_list(c, status, body))


def _is_user_patch(call: Call) -> bool:
    return call.method == "PATCH" and re.fullmatch(r".*/Users/[^/]+", call.path) is not None


@breaker
def keeps_emptied_attributes(call: Call):
    """A PATCH that sets a value to "" or null is answered 200 and changes nothing (Logic App test 16)."""
    body = call.json()
    if _is_user_patch(call) and isinstance(body, dict):
        operations = [o for o in body.get("Operations") or [] if o.get("value") not in ("", None)]
        if len(operations) != len(body.get("Operations") or []):
            if not operations:
                return call.forward(method="GET", body=b"")
            return call.forward(body=json.dumps(dict(body, Operations=operations)).encode())
    return call.forward()


@breaker
def ignores_user_patch(call: Call):
    """PATCH /Users/{id} answers 204 and changes nothing (Logic App tests 18 and 25)."""
    if _is_user_patch(call):
        return "204 NO CONTENT", [], b""
    return call.forward()


@breaker
def user_create_lowercases_user_name(call: Call):
    """POST /Users answers with the userName in lower case, not as sent (Logic App test 17's round trip)."""
    def change(body):
        return dict(body, userName=str(body.get("userName", "")).lower())
    return _changed_json(call, change,
                         lambda c, status, body: c.method == "POST" and c.path.endswith("/Users") and status.startswith("201"))


@breaker
def group_create_trims_display_name(call: Call):
    """POST /Groups answers with a displayName other than the one sent (Logic App test 19's round trip)."""
    def change(body):
        return dict(body, displayName=str(body.get("displayName", "")).rsplit(" ", 1)[0])
    return _changed_json(call, change,
                         lambda c, status, body: c.method == "POST" and c.path.endswith("/Groups") and status.startswith("201"))


@breaker
def ignores_group_patch(call: Call):
    """PATCH /Groups/{id} answers 204 and changes nothing (Logic App test 20)."""
    if call.method == "PATCH" and re.fullmatch(r".*/Groups/[^/]+", call.path):
        return "204 NO CONTENT", [], b""
    return call.forward()


@breaker
def start_index_always_one(call: Call):
    """Every ListResponse says startIndex 1, whatever was asked (Logic App tests 23 and 24)."""
    return _changed_json(call, lambda body: dict(body, startIndex=1), _is_list)


# --- legal variants: the official tests' scenarios must pass ------------------------------------------

@breaker
def caps_pages_at_two(call: Call):
    """A page holds at most 2 resources whatever count asks (RFC 7644 section 3.4.2.4 lets a server cap it)."""
    query = dict(call.query)
    if call.method == "GET" and "count" in query and query["count"].isdigit():
        query["count"] = str(min(int(query["count"]), 2))
    return call.forward(query=query)


@breaker
def patch_answered_204(call: Call):
    """Every successful PATCH answers 204 with no body (RFC 7644 section 3.5.2 allows it; Entra recommends it)."""
    status, headers, data = call.forward()
    if call.method == "PATCH" and status.startswith("200"):
        return "204 NO CONTENT", [(k, v) for k, v in headers if k.lower() != "content-type"], b""
    return status, headers, data


SPEC = {n: name for n, name in enumerate([
    "test_spec_step_1_required_test_test_users_endpoint",
    "test_spec_step_2_required_test_get_usersid",
    "test_spec_step_3_required_test_test_invalid_user_by_username",
    "test_spec_step_4_required_test_test_invalid_user_by_id",
    "test_spec_step_5_required_test_make_sure_random_user_doesnt_exist",
    "test_spec_step_6_required_test_create_okta_user_with_realistic_values",
    "test_spec_step_7_required_test_verify_that_user_was_created",
    "test_spec_step_8_required_test_expect_failure_when_recreating_user_with_same_values",
    "test_spec_step_9_required_test_username_case_sensitivity_check",
    "test_spec_step_10_optional_test_verify_groups_endpoint",
    "test_spec_step_11_required_test_check_status_401",
    "test_spec_step_12_required_test_check_status_404"], start=1)}
LOGIC_APP = {
    15: "test_logic_app_test_15_schema_discoverability_test",
    16: "test_logic_app_test_16_scim_null_update_test",
    17: "test_logic_app_test_17_scim_user_create_test",
    18: "test_logic_app_test_18_scim_user_update_test",
    19: "test_logic_app_test_19_scim_group_create_test",
    20: "test_logic_app_test_20_scim_group_update_test",
    23: "test_logic_app_test_23_scim_user_pagination_test",
    24: "test_logic_app_test_24_scim_group_pagination_test",
    25: "test_logic_app_test_25_scim_update_manager_test",
}


def _spec(*steps: int) -> tuple[str, ...]:
    return tuple(SPEC[n] for n in steps)


def _logic_app(*tests: int) -> tuple[str, ...]:
    return tuple(LOGIC_APP[n] for n in tests)


BREAKERS = {
    "list_without_schemas": Broken(list_without_schemas, must_fail=_spec(1, 3, 5), must_pass=_spec(2)),
    "list_without_items_per_page": Broken(list_without_items_per_page, must_fail=_spec(1), must_pass=_spec(3)),
    "list_entries_without_emails": Broken(list_entries_without_emails, must_fail=_spec(1), must_pass=_spec(2)),
    "errors_without_detail": Broken(errors_without_detail, must_fail=_spec(4, 11, 12), must_pass=_spec(3)),
    "errors_without_status": Broken(errors_without_status, must_fail=_spec(11, 12), must_pass=_spec(4)),
    "malformed_authorization_forbidden": Broken(malformed_authorization_forbidden, must_fail=_spec(11),
                                                must_pass=_spec(12)),
    "refuses_plain_json_in_spec_test": Broken(refuses_plain_json, must_fail=_spec(6, 8), must_pass=_spec(7)),
    "created_user_without_schemas": Broken(created_user_without_schemas, must_fail=_spec(6), must_pass=_spec(7)),
    "user_read_without_names": Broken(user_read_without_names, must_fail=_spec(2, 7), must_pass=_spec(3)),
    "no_groups_endpoint": Broken(no_groups_endpoint, must_fail=_spec(10), must_pass=_spec(1)),
    "schemas_without_enterprise_user": Broken(schemas_without_enterprise_user, must_fail=_logic_app(15),
                                              must_pass=_logic_app(17)),
    "keeps_emptied_attributes": Broken(keeps_emptied_attributes, must_fail=_logic_app(16), must_pass=_logic_app(18)),
    "ignores_user_patch": Broken(ignores_user_patch, must_fail=_logic_app(18, 25), must_pass=_logic_app(17)),
    "user_create_lowercases_user_name": Broken(user_create_lowercases_user_name, must_fail=_logic_app(17),
                                               must_pass=_logic_app(19)),
    "group_create_trims_display_name": Broken(group_create_trims_display_name, must_fail=_logic_app(19),
                                              must_pass=_logic_app(20)),
    "ignores_group_patch": Broken(ignores_group_patch, must_fail=_logic_app(20), must_pass=_logic_app(19)),
    "start_index_always_one": Broken(start_index_always_one, must_fail=_logic_app(23, 24), must_pass=_logic_app(17)),
    "caps_pages_at_two": Broken(caps_pages_at_two, must_fail=(), must_pass=_logic_app(23, 24) + _spec(1)),
    "patch_answered_204": Broken(patch_answered_204, must_fail=(), must_pass=_logic_app(16, 18, 20, 25)),
}
