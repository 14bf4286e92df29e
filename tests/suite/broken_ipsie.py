"""Broken targets for the IPSIE SCIM profile's scenarios (features/ipsie/): each breaks one requirement.

The rate-limit scenarios run only when asked for, so their targets run the suite with ``--tags
rate_limit``; the OAuth ones need the target's token endpoint, so theirs run it with client credentials
(tests/suite/broken_oauth.py). The reference server the breakers wrap has no rate limit of its own.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from scimulator.reference_server.oauth import METADATA_PATH
from scimulator.reference_server.rate_limit import RateLimiter, retry_after
from tests.suite.broken_oauth import TOKEN_PATH, BrokenOAuth
from tests.suite.broken_targets import Broken, Call, _json_response, breaker, resources_of, scim_error

SPC = "/ServiceProviderConfig"
ONE_RESOURCE = re.compile(r".*/(Users|Groups)/[^/]+")

USER_ATTRIBUTES = "test_a_user_keeps_its_username_displayname_active_and_externalid"
GROUP_ATTRIBUTES = "test_a_group_keeps_its_displayname_members_and_externalid"
NO_CREDENTIALS = "test_no_schema_beyond_the_core_ones_defines_a_credential_attribute"
USER_BY_EXTERNAL_ID = "test_a_user_is_found_by_externalid_eq"
USER_BY_EMAIL = "test_a_user_is_found_by_emailsvalue_eq"
USER_BY_WORK_EMAIL = "test_a_user_is_found_by_emailstype_eq_work_and_value_eq"
GROUP_BY_EXTERNAL_ID = "test_a_group_is_found_by_externalid_eq"
GROUP_BY_MEMBER = "test_a_group_is_found_by_membersvalue_eq"
MULTI_ATTRIBUTE_PATCH = "test_one_patch_updates_several_attributes"
FIFTY_MEMBERS = "test_one_patch_adds_50_members_one_operation_each_and_another_removes_them"
BULK = "test_bulk_is_supported_and_carries_out_each_operation"
PAGE_CAP = "test_a_page_holds_at_most_1000_users"
ERRORS = "test_a_malformed_request_gets_a_scim_error_that_shows_no_internals"
SCOPE = "test_the_token_endpoint_grants_the_scim_scope_and_nothing_broader"
METADATA = "test_the_authorization_server_publishes_rfc_8414_metadata_naming_its_token_endpoint"
PACED = "test_a_pace_of_25_requests_a_second_is_served_without_a_429"
SAME_GROUP_NAME = "test_a_second_group_with_the_same_displayname_is_refused"
BURST = "test_a_burst_of_parallel_requests_meets_the_rate_limit_429_with_retryafter"


@dataclass(frozen=True)
class BrokenRateLimit(Broken):
    """A target the rate-limit scenarios run against: the suite is told to run them (``--tags rate_limit``)."""

    def run_args(self, base_url: str) -> tuple[str, ...]:
        return ("--tags", "rate_limit")


def _rewritten(call: Call, change) -> tuple[str, list, bytes]:
    """The server's answer with `change(body)` applied to its JSON body (when it has one)."""
    status, headers, data = call.forward()
    try:
        body = json.loads(data) if data else None
    except ValueError:
        return status, headers, data
    return (status, headers, data) if body is None else _json_response(status, headers, change(body))


def _without_external_id(body):
    for resource in resources_of(body):
        resource.pop("externalId", None)
    return body


@breaker
def forgets_external_id(call: Call):
    """externalId is accepted and dropped: users and groups come back without it."""
    if ONE_RESOURCE.fullmatch(call.path) or call.path.endswith(("/Users", "/Groups")):
        return _rewritten(call, _without_external_id)
    return call.forward()


def _empty_list() -> tuple[str, list, bytes]:
    return _json_response("200 OK", [("Content-Type", "application/scim+json")], {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "startIndex": 1,
        "itemsPerPage": 0, "Resources": []})


@breaker
def external_id_filter_matches_nothing(call: Call):
    """A filter on externalId finds nothing (only userName and displayName are looked up)."""
    if call.method == "GET" and call.query.get("filter", "").strip().lower().startswith("externalid"):
        return _empty_list()
    return call.forward()


@breaker
def value_path_filters_match_nothing(call: Call):
    """A filter with a value path (emails[...], members[...]) finds nothing."""
    if call.method == "GET" and "[" in call.query.get("filter", ""):
        return _empty_list()
    return call.forward()


CREDENTIAL_SCHEMA = {"id": "urn:example:params:scim:schemas:extension:acme:2.0:User", "name": "AcmeUser",
                     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
                     "attributes": [{"name": "apiKey", "type": "string", "multiValued": False, "required": False,
                                     "mutability": "writeOnly", "returned": "never"}]}


def _with_credential_schema(body):
    if isinstance(body, dict) and "Resources" in body:
        body["Resources"].append(CREDENTIAL_SCHEMA)
        body["totalResults"] = len(body["Resources"])
        body["itemsPerPage"] = len(body["Resources"])
    return body


@breaker
def credential_in_custom_schema(call: Call):
    """/Schemas describes an extension with an apiKey attribute."""
    if call.method == "GET" and call.path.endswith("/Schemas"):
        return _rewritten(call, _with_credential_schema)
    return call.forward()


@breaker
def patch_applies_first_operation_only(call: Call):
    """A PATCH carries out its first operation and drops the rest, answering 204."""
    body = call.json()
    if call.method == "PATCH" and isinstance(body, dict) and len(body.get("Operations") or []) > 1:
        status, headers, data = call.forward(body=json.dumps({**body, "Operations": body["Operations"][:1]}).encode())
        return ("204 NO CONTENT", [], b"") if status.startswith("2") else (status, headers, data)
    return call.forward()


@breaker
def patch_capped_at_ten_operations(call: Call):
    """A PATCH of more than 10 operations is refused with 400 tooMany."""
    body = call.json()
    if call.method == "PATCH" and isinstance(body, dict) and len(body.get("Operations") or []) > 10:
        return scim_error("400 BAD REQUEST", "At most 10 operations per PATCH.", "tooMany")
    return call.forward()


def _bulk_unsupported(body):
    if isinstance(body, dict) and isinstance(body.get("bulk"), dict):
        body["bulk"]["supported"] = False
    return body


@breaker
def no_bulk(call: Call):
    """/Bulk is not offered: 501, and /ServiceProviderConfig says bulk.supported false."""
    if call.path.endswith("/Bulk"):
        return scim_error("501 NOT IMPLEMENTED", "Bulk is not supported.")
    if call.method == "GET" and call.path.endswith(SPC):
        return _rewritten(call, _bulk_unsupported)
    return call.forward()


def _pages_of_5000(body):
    if isinstance(body, dict) and isinstance(body.get("filter"), dict):
        body["filter"]["maxResults"] = 5000
    return body


@breaker
def pages_of_5000(call: Call):
    """/ServiceProviderConfig says a page may hold 5,000 resources."""
    if call.method == "GET" and call.path.endswith(SPC):
        return _rewritten(call, _pages_of_5000)
    return call.forward()


TRACEBACK = ('Traceback (most recent call last):\n  File "/srv/app/scim/views.py", line 88, in create_user\n'
             "sqlite3.IntegrityError: CHECK constraint failed")


def _with_traceback(body):
    if isinstance(body, dict) and "detail" in body:
        body["detail"] = f"{body['detail']}\n{TRACEBACK}"
    return body


@breaker
def errors_show_a_traceback(call: Call):
    """Every 400 error's detail carries the server's traceback."""
    status, headers, data = call.forward()
    if status.startswith("400"):
        return _json_response(status, headers, _with_traceback(json.loads(data)))
    return status, headers, data


def _broader_scope(body):
    if isinstance(body, dict) and "access_token" in body:
        body["scope"] = "scim admin"
    return body


@breaker
def token_grants_admin_scope_too(call: Call):
    """Issued tokens carry the scope "scim admin"."""
    if call.path == TOKEN_PATH:
        return _rewritten(call, _broader_scope)
    return call.forward()


@breaker
def no_authorization_server_metadata(call: Call):
    """No RFC 8414 metadata: its well-known path is an unknown route."""
    if call.path == METADATA_PATH:
        return scim_error("404 NOT FOUND", "No such endpoint.")
    return call.forward()


def _renamed_apart(body: dict) -> bytes:
    return json.dumps({**body, "displayName": f"{body['displayName']} ({uuid.uuid4().hex[:8]})"}).encode()


@breaker
def duplicate_group_names_allowed(call: Call):
    """A group whose displayName another group has is created all the same (stored under a suffixed name)."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Groups") and isinstance(body, dict) and body.get("displayName"):
        status, headers, data = call.forward()
        return call.forward(body=_renamed_apart(body)) if status.startswith("409") else (status, headers, data)
    return call.forward()


class Throttle:
    """`rate` requests a second per token; beyond, 429 (with a Retry-After, unless told not to)."""

    def __init__(self, rate: int, says_when: bool = True):
        self.limiter = RateLimiter(rate, rate)
        self.says_when = says_when

    def answer(self, call: Call) -> tuple[str, list, bytes]:
        wait = self.limiter.wait(call.environ.get("HTTP_AUTHORIZATION", "").encode())
        if wait <= 0:
            return call.forward()
        status, headers, data = scim_error("429 TOO MANY REQUESTS", "Slow down.")
        return status, headers + ([("Retry-After", retry_after(wait))] if self.says_when else []), data


@breaker
def ten_requests_a_second(call: Call, throttle=Throttle(10)):
    """A rate limit of 10 requests a second per token, answered 429 with Retry-After."""
    return throttle.answer(call)


@breaker
def throttles_without_retry_after(call: Call, throttle=Throttle(50, says_when=False)):
    """50 requests a second per token; beyond, 429 with no Retry-After saying when to come back."""
    return throttle.answer(call)


@breaker
def no_rate_limit(call: Call):
    """Every request is served, however many come at once (the plain reference server)."""
    return call.forward()


BREAKERS = {
    "ipsie_forgets_external_id": Broken(forgets_external_id, must_fail=(USER_ATTRIBUTES, GROUP_ATTRIBUTES),
                                        must_pass=(MULTI_ATTRIBUTE_PATCH,)),
    "ipsie_external_id_filter_matches_nothing": Broken(external_id_filter_matches_nothing,
                                                       must_fail=(USER_BY_EXTERNAL_ID, GROUP_BY_EXTERNAL_ID),
                                                       must_pass=(USER_BY_EMAIL,)),
    "ipsie_value_path_filters_match_nothing": Broken(value_path_filters_match_nothing,
                                                     must_fail=(USER_BY_EMAIL, USER_BY_WORK_EMAIL, GROUP_BY_MEMBER),
                                                     must_pass=(USER_BY_EXTERNAL_ID,)),
    "ipsie_credential_in_custom_schema": Broken(credential_in_custom_schema, must_fail=(NO_CREDENTIALS,),
                                                must_pass=(USER_ATTRIBUTES,)),
    "ipsie_patch_applies_first_operation_only": Broken(patch_applies_first_operation_only,
                                                       must_fail=(MULTI_ATTRIBUTE_PATCH, FIFTY_MEMBERS),
                                                       must_pass=(GROUP_ATTRIBUTES,)),
    "ipsie_patch_capped_at_ten_operations": Broken(patch_capped_at_ten_operations, must_fail=(FIFTY_MEMBERS,),
                                                   must_pass=(MULTI_ATTRIBUTE_PATCH,)),
    "ipsie_no_bulk": Broken(no_bulk, must_fail=(BULK,), must_pass=(USER_ATTRIBUTES,)),
    "ipsie_pages_of_5000": Broken(pages_of_5000, must_fail=(PAGE_CAP,), must_pass=(BULK,)),
    "ipsie_errors_show_a_traceback": Broken(errors_show_a_traceback, must_fail=(ERRORS,),
                                            must_pass=(USER_ATTRIBUTES,)),
    "ipsie_token_grants_admin_scope_too": BrokenOAuth(token_grants_admin_scope_too, must_fail=(SCOPE,),
                                                      must_pass=(METADATA,)),
    "ipsie_no_authorization_server_metadata": BrokenOAuth(no_authorization_server_metadata, must_fail=(METADATA,),
                                                          must_pass=(SCOPE,)),
    "ipsie_duplicate_group_names_allowed": Broken(duplicate_group_names_allowed, must_fail=(SAME_GROUP_NAME,),
                                                  must_pass=(GROUP_ATTRIBUTES,)),
    "ipsie_no_rate_limit": BrokenRateLimit(no_rate_limit, must_fail=(BURST,), must_pass=(PACED,)),
    "ipsie_ten_requests_a_second": BrokenRateLimit(ten_requests_a_second, must_fail=(PACED,), must_pass=(BURST,)),
    "ipsie_throttles_without_retry_after": BrokenRateLimit(throttles_without_retry_after, must_fail=(BURST,),
                                                           must_pass=(PACED,)),
}
