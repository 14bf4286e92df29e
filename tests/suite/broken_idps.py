"""Broken targets for the JumpCloud, OneLogin, Ping and Google Workspace scenarios.

Each is WSGI middleware around the real reference server (tests/suite/broken_targets.py), doing one thing
the way a naive or strict server does, and failing the scenarios about that behaviour. Where an older
breaker already does it (deactivation as deletion, a value-list removal that empties the group), its wrap
is reused under a name of this module, with the scenarios of these IdPs.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_entra import USER_BY_ID
from tests.suite.broken_targets import (Broken, Call, _json_response, breaker, deletes_on_deactivation,
                                        empties_group_on_entra_removal, scim_error)

RFC_URN = "urn:ietf:params:scim:"


def _user_write(call: Call) -> dict | None:
    """The JSON body of a POST /Users or PUT /Users/{id}, or None."""
    body = call.json()
    writes = (call.method == "POST" and call.path.endswith("/Users")) or \
             (call.method == "PUT" and USER_BY_ID.fullmatch(call.path))
    return body if writes and isinstance(body, dict) else None


def _request_uri(call: Call) -> str:
    return call.environ.get("REQUEST_URI") or call.environ.get("RAW_URI") or ""


@breaker
def refuses_scim11_urns(call: Call):
    """A user write whose schemas name anything but an RFC 7643 URN is refused 400 (strict schema validation)."""
    body = _user_write(call)
    if body is not None and any(not str(urn).startswith(RFC_URN) for urn in body.get("schemas") or []):
        return scim_error("400 BAD REQUEST", "Invalid data!", "invalidValue")
    return call.forward()


@breaker
def refuses_emails_object(call: Call):
    """A user write whose emails is one object, not a list, is refused 400."""
    body = _user_write(call)
    if body is not None and isinstance(body.get("emails"), dict):
        return scim_error("400 BAD REQUEST", "emails must be an array.", "invalidSyntax")
    return call.forward()


@breaker
def crashes_on_null_emails(call: Call):
    """A user write with "emails": null is answered 500 (the server iterates emails without a null check)."""
    body = _user_write(call)
    if body is not None and "emails" in body and body["emails"] is None:
        return scim_error("500 INTERNAL SERVER ERROR", "'NoneType' object is not iterable")
    return call.forward()


@breaker
def refuses_trailing_ampersand(call: Call):
    """A query string ending in "&" is refused 400, as a strict router does."""
    if _request_uri(call).endswith("&"):
        return scim_error("400 BAD REQUEST", "Malformed query string.")
    return call.forward()


@breaker
def refuses_empty_query(call: Call):
    """A URL ending in "?" (an empty query) is refused 400, as a strict router does."""
    if _request_uri(call).endswith("?"):
        return scim_error("400 BAD REQUEST", "Malformed query string.")
    return call.forward()


@breaker
def refuses_empty_user_agent(call: Call):
    """A request whose User-Agent header is present but empty is refused 403, as some WAFs do."""
    if call.environ.get("HTTP_USER_AGENT", None) == "":
        return scim_error("403 FORBIDDEN", "Requests without a User-Agent are blocked.")
    return call.forward()


@breaker
def ignores_user_delete(call: Call):
    """DELETE /Users/{id} answers 204 and deletes nothing."""
    if call.method == "DELETE" and USER_BY_ID.fullmatch(call.path):
        return "204 NO CONTENT", [], b""
    return call.forward()


@breaker
def filters_users_by_user_name_only(call: Call):
    """A /Users filter on any attribute but userName is refused 400 invalidFilter."""
    text = call.query.get("filter", "")
    if call.method == "GET" and call.path.endswith("/Users") and text and not text.lower().startswith("username "):
        return scim_error("400 BAD REQUEST", "Only userName can be filtered.", "invalidFilter")
    return call.forward()


@breaker
def refuses_mixed_case_filter_grammar(call: Call):
    """Filters must spell the attribute "userName" and the operator "eq" exactly; other cases are 400."""
    match = re.match(r"\s*(\S+)\s+(\S+)\s", call.query.get("filter", ""))
    if call.method == "GET" and match and match.group(1).lower() == "username" \
            and (match.group(1), match.group(2)) != ("userName", "eq"):
        return scim_error("400 BAD REQUEST", f"Unknown attribute or operator: {match.group(0).strip()}", "invalidFilter")
    return call.forward()


def _lists_nothing_when(call: Call, matches: bool) -> tuple[str, list, bytes]:
    """The target's answer, but an empty list where `matches` holds and the list succeeded."""
    status, headers, data = call.forward()
    if matches and status.startswith("200"):
        body = json.loads(data)
        body.update(Resources=[], totalResults=0, itemsPerPage=0)
        return _json_response(status, headers, body)
    return status, headers, data


@breaker
def lists_no_groups_without_filter(call: Call):
    """GET /Groups without a filter answers an empty list (only filtered lookups find groups)."""
    return _lists_nothing_when(call, call.method == "GET" and call.path.endswith("/Groups")
                               and not call.query.get("filter"))


@breaker
def refuses_unparameterised_user_list(call: Call):
    """GET /Users with no query at all is refused 400 (the server wants a filter or paging)."""
    if call.method == "GET" and call.path.endswith("/Users") and not call.query:
        return scim_error("400 BAD REQUEST", "A filter or startIndex and count are required.")
    return call.forward()


@breaker
def refuses_start_index_without_count(call: Call):
    """GET /Users with startIndex but no count is refused 400."""
    if call.method == "GET" and call.path.endswith("/Users") and "startIndex" in call.query and "count" not in call.query:
        return scim_error("400 BAD REQUEST", "startIndex needs count.", "invalidValue")
    return call.forward()


@breaker
def refuses_id_in_create(call: Call):
    """A POST /Users that carries "id" (even null) is refused 400 instead of ignoring the readOnly value."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Users") and isinstance(body, dict) and "id" in body:
        return scim_error("400 BAD REQUEST", "id is readOnly.", "mutability")
    return call.forward()


@breaker
def finds_no_groups_by_display_name(call: Call):
    """A filtered GET /Groups answers an empty list: groups are found only by listing them all."""
    return _lists_nothing_when(call, call.method == "GET" and call.path.endswith("/Groups")
                               and bool(call.query.get("filter")))


@breaker
def refuses_distinguished_names(call: Call):
    """A group create whose displayName holds "=" and "," (an LDAP DN) is refused 400."""
    body = call.json()
    name = str(body.get("displayName", "")) if isinstance(body, dict) else ""
    if call.method == "POST" and call.path.endswith("/Groups") and "=" in name and "," in name:
        return scim_error("400 BAD REQUEST", "displayName may hold letters, digits, spaces and dashes only.",
                          "invalidValue")
    return call.forward()


@breaker
def user_name_lookups_find_nothing(call: Call):
    """`userName eq` lookups answer an empty list (the server filters on another attribute it calls userName)."""
    return _lists_nothing_when(call, call.method == "GET" and call.path.endswith("/Users")
                               and call.query.get("filter", "").startswith("userName eq"))


@breaker
def creates_every_user_active(call: Call):
    """POST /Users ignores "active": every new user is active."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Users") and isinstance(body, dict) and "active" in body:
        return call.forward(body=json.dumps({**body, "active": True}).encode())
    return call.forward()


ONELOGIN_CORE = "test_onelogins_default_core_template_creates_a_user"
ONELOGIN_EMAILS_OBJECT = "test_a_user_whose_emails_arrive_as_one_object_is_created_with_that_email"
ONELOGIN_AMPERSAND = "test_onelogins_lookup_with_a_dangling_ampersand_finds_a_user_the_target_already_holds"
ONELOGIN_PUT = "test_onelogins_put_with_a_dangling_question_mark_updates_the_user"
ONELOGIN_USER_AGENT = "test_requests_with_an_empty_useragent_are_served"
ONELOGIN_DELETE = "test_onelogins_delete_action_deletes_the_user"
ONELOGIN_SUSPEND = "test_onelogins_suspend_action_deactivates_the_user_and_keeps_it_readable"
JUMPCLOUD_TEST = "test_jumpclouds_connection_test_creates_a_test_user_and_group_and_cleans_them_up"
JUMPCLOUD_REMOVAL = "test_jumpcloud_removes_one_member_by_a_value_list_and_the_other_members_stay"
JUMPCLOUD_DEACTIVATE = "test_jumpcloud_deactivates_a_user_by_patch_replace_on_active"
JUMPCLOUD_NULL_EMAILS = "test_a_jumpcloud_put_with_null_emails_updates_the_user"
PING_USER_NAME = "test_ping_finds_a_user_the_target_already_holds_by_its_ping_identifier[userName]"
PING_WORK_EMAIL = "test_ping_finds_a_user_the_target_already_holds_by_its_ping_identifier[workEmail]"
PING_FILTER_CASE = "test_a_filter_expression_with_a_capitalised_operator_and_a_lowercase_attribute_finds_the_user"
PING_DELETE = "test_pings_delete_remove_action_deletes_the_user"
PING_DISABLE = "test_pings_disable_remove_action_keeps_the_user_readable_and_inactive"
PING_GROUPS = "test_ping_finds_an_existing_group_by_listing_every_group"
ONELOGIN_SLIPS = "test_a_misspelt_attribute_and_a_null_id_from_a_onelogin_template_do_not_fail_the_create"
JUMPCLOUD_TAKEOVER = "test_jumpcloud_takes_over_a_group_the_target_already_holds_under_the_same_name"
PING_DN = "test_a_group_named_by_an_ldap_distinguished_name_is_created_and_found"
PING_DISABLED_CREATE = "test_a_user_ping_provisions_while_disabled_is_created_inactive"
GOOGLE_FIRST_SYNC = "test_googles_first_sync_lists_users_then_creates_with_the_10_urn_beside_the_20_one"
GOOGLE_LOOKUP = "test_googles_lookup_with_startindex_and_no_count_finds_a_user_the_target_already_holds"

BREAKERS = {
    "refuses_scim11_urns": Broken(refuses_scim11_urns, must_fail=(ONELOGIN_CORE, ONELOGIN_EMAILS_OBJECT, GOOGLE_FIRST_SYNC),
                                  must_pass=(PING_USER_NAME, JUMPCLOUD_NULL_EMAILS)),
    "refuses_emails_object": Broken(refuses_emails_object, must_fail=(ONELOGIN_EMAILS_OBJECT,), must_pass=(ONELOGIN_CORE,)),
    "crashes_on_null_emails": Broken(crashes_on_null_emails, must_fail=(JUMPCLOUD_NULL_EMAILS,),
                                     must_pass=(JUMPCLOUD_DEACTIVATE,)),
    "refuses_trailing_ampersand": Broken(refuses_trailing_ampersand, must_fail=(ONELOGIN_AMPERSAND,),
                                         must_pass=(PING_USER_NAME, GOOGLE_LOOKUP)),
    "refuses_empty_query": Broken(refuses_empty_query, must_fail=(ONELOGIN_PUT,), must_pass=(ONELOGIN_DELETE,)),
    "refuses_empty_user_agent": Broken(refuses_empty_user_agent, must_fail=(ONELOGIN_USER_AGENT,),
                                       must_pass=(PING_USER_NAME, JUMPCLOUD_TEST)),
    "ignores_user_delete": Broken(ignores_user_delete, must_fail=(ONELOGIN_DELETE, PING_DELETE, JUMPCLOUD_TEST),
                                  must_pass=(ONELOGIN_SUSPEND, PING_DISABLE)),
    "deletes_on_idp_deactivation": Broken(deletes_on_deactivation,
                                          must_fail=(ONELOGIN_SUSPEND, PING_DISABLE, JUMPCLOUD_DEACTIVATE),
                                          must_pass=(ONELOGIN_DELETE, PING_DELETE)),
    "empties_group_on_value_list_removal": Broken(empties_group_on_entra_removal, must_fail=(JUMPCLOUD_REMOVAL,),
                                                  must_pass=(PING_GROUPS,)),
    "filters_users_by_user_name_only": Broken(filters_users_by_user_name_only, must_fail=(PING_WORK_EMAIL,),
                                              must_pass=(PING_USER_NAME, PING_FILTER_CASE)),
    "refuses_mixed_case_filter_grammar": Broken(refuses_mixed_case_filter_grammar, must_fail=(PING_FILTER_CASE,),
                                            must_pass=(PING_USER_NAME, PING_WORK_EMAIL)),
    "lists_no_groups_without_filter": Broken(lists_no_groups_without_filter, must_fail=(PING_GROUPS,),
                                             must_pass=(JUMPCLOUD_REMOVAL,)),
    "refuses_unparameterised_user_list": Broken(refuses_unparameterised_user_list, must_fail=(GOOGLE_FIRST_SYNC,),
                                                must_pass=(GOOGLE_LOOKUP,)),
    "refuses_id_in_create": Broken(refuses_id_in_create, must_fail=(ONELOGIN_SLIPS,), must_pass=(ONELOGIN_CORE,)),
    "finds_no_groups_by_display_name": Broken(finds_no_groups_by_display_name, must_fail=(JUMPCLOUD_TAKEOVER,),
                                              must_pass=(JUMPCLOUD_REMOVAL,)),
    "refuses_distinguished_names": Broken(refuses_distinguished_names, must_fail=(PING_DN,), must_pass=(PING_GROUPS,)),
    "user_name_lookups_find_nothing": Broken(user_name_lookups_find_nothing, must_fail=(PING_USER_NAME,),
                                             must_pass=(PING_DELETE, ONELOGIN_DELETE)),
    "creates_every_user_active": Broken(creates_every_user_active, must_fail=(PING_DISABLED_CREATE,),
                                        must_pass=(PING_DISABLE,)),
    "refuses_start_index_without_count": Broken(refuses_start_index_without_count, must_fail=(GOOGLE_LOOKUP,),
                                                must_pass=(PING_USER_NAME,)),
}
