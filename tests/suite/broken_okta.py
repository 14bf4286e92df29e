"""Broken targets for Okta's production behaviours: each one fails the scenarios about its behaviour.

Like tests/suite/broken_targets.py, each is WSGI middleware around the real reference server. Some are
shared with the Entra scenarios (inactive users in lookups, the enterprise extension, userName
renames); their ``must_fail`` lists name every scenario that judges the behaviour.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from scimulator.simulator.scim import ENTERPRISE
from tests.suite.broken_targets import Broken, Call, _json_response, breaker, scim_error

USER_BY_ID = re.compile(r".*/Users/[^/]+")
GROUP_BY_ID = re.compile(r".*/Groups/[^/]+")


def _is_user_lookup(call: Call) -> bool:
    return call.method == "GET" and call.path.endswith("/Users") and bool(call.query.get("filter"))


def _rewrite_json(call: Call, change) -> tuple[str, list, bytes]:
    """Forward the request with its JSON body changed by `change(body)` (in place)."""
    body = call.json()
    if not isinstance(body, dict):
        return call.forward()
    change(body)
    return call.forward(body=json.dumps(body).encode())


def _stored(call: Call) -> dict:
    status, _, data = call.forward(method="GET", query={}, body=b"")
    return json.loads(data) if status.startswith("200") else {}


@breaker
def hides_inactive_users(call: Call):
    """Filter lookups leave out users with active false (they are still readable by id)."""
    status, headers, data = call.forward()
    if _is_user_lookup(call) and status.startswith("200"):
        body = json.loads(data)
        body["Resources"] = [r for r in body.get("Resources", []) if r.get("active") is not False]
        body["totalResults"] = body["itemsPerPage"] = len(body["Resources"])
        return _json_response(status, headers, body)
    return status, headers, data


def _without_extension_values(value: Any) -> Any:
    """A PATCH value with the extension's object and its URN-prefixed (dotted) keys removed."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if not k.startswith(ENTERPRISE)}
    return value


def _drop_extension(body: dict) -> None:
    body.pop(ENTERPRISE, None)
    operations = body.get("Operations")
    if isinstance(operations, list):
        body["Operations"] = [dict(op, value=_without_extension_values(op.get("value"))) if "value" in op else op
                              for op in operations if not str(op.get("path") or "").startswith(ENTERPRISE)]


@breaker
def ignores_enterprise_extension(call: Call):
    """User writes lose the Enterprise User extension: its object in POST and PUT, its URN paths and keys in PATCH.

    A PATCH left with no operation is answered 200 with the user unchanged, as a server that skips
    what it does not know would answer.
    """
    if call.method in ("POST", "PUT", "PATCH") and "/Users" in call.path:
        body = call.json()
        if isinstance(body, dict):
            _drop_extension(body)
            if call.method == "PATCH" and not body.get("Operations"):
                status, headers, data = call.forward(method="GET", query={}, body=b"")
                return status, headers, data
            return call.forward(body=json.dumps(body).encode())
    return call.forward()


def _keep(attribute: str, stored: dict):
    """A body change that puts the stored value of `attribute` back, in a PUT body or PATCH operations."""
    def change(body: dict) -> None:
        if attribute in body and attribute in stored:
            body[attribute] = stored[attribute]
        operations = body.get("Operations")
        if isinstance(operations, list):
            body["Operations"] = [op for op in operations if not str(op.get("path") or "").startswith(attribute)]
            for op in body["Operations"]:
                if isinstance(op.get("value"), dict):
                    op["value"].pop(attribute, None)
    return change


def _keeping(attribute: str):
    """A breaker whose user PUTs and PATCHes silently keep the stored `attribute`."""
    def change(call: Call):
        if call.method in ("PUT", "PATCH") and USER_BY_ID.fullmatch(call.path):
            return _rewrite_json(call, _keep(attribute, _stored(call)))
        return call.forward()
    change.__doc__ = f"A PUT or PATCH of a user keeps the stored {attribute} (the change is silently dropped)."
    return breaker(change)


ignores_user_name_rename = _keeping("userName")
ignores_email_changes = _keeping("emails")


@breaker
def lists_users_without_emails_and_names(call: Call):
    """Filter lookups list users with id, userName and active only (no emails, no name)."""
    status, headers, data = call.forward()
    if _is_user_lookup(call) and status.startswith("200"):
        body = json.loads(data)
        body["Resources"] = [{k: r[k] for k in ("schemas", "id", "userName", "active", "meta") if k in r}
                             for r in body.get("Resources", [])]
        return _json_response(status, headers, body)
    return status, headers, data


def _literal_plus_query(raw: str) -> dict:
    """The query as a parser that does not take '+' for a space reads it: percent-decoding only."""
    pairs = (part.partition("=") for part in raw.split("&") if part)
    return {unquote(name): unquote(value) for name, _, value in pairs}


@breaker
def takes_plus_literally(call: Call):
    """The query string is percent-decoded only: Okta's `userName+eq+"x"` stays a filter with '+' in it."""
    if call.method == "GET" and "+" in call.environ.get("QUERY_STRING", ""):
        return call.forward(query=_literal_plus_query(call.environ["QUERY_STRING"]))
    return call.forward()


@breaker
def takes_only_plus_for_space(call: Call):
    """A hand-written query decoder that knows only '+' for a space: every other escape is decoded, but
    Okta's current `userName%20eq%20"x"` [O1] reaches the filter parser with "%20" in it."""
    raw = call.environ.get("QUERY_STRING", "")
    if call.method == "GET" and "%20" in raw:
        pairs = (part.partition("=") for part in raw.split("&") if part)
        return call.forward(query={unquote(name): unquote(value.replace("%20", "%2520").replace("+", " "))
                                   for name, _, value in pairs})
    return call.forward()


@breaker
def ignores_group_create_members(call: Call):
    """POST /Groups creates the group without the members the create carried."""
    if call.method == "POST" and call.path.endswith("/Groups"):
        return _rewrite_json(call, lambda body: body.update(members=[]))
    return call.forward()


def _member_ids(group: dict) -> set:
    return {member.get("value") for member in group.get("members") or [] if isinstance(member, dict)}


@breaker
def refuses_member_changes_by_put(call: Call):
    """A PUT of a group whose members differ from the stored ones is refused as a change of an immutable
    attribute (the failure of the 2022 capture of Okta's AIW group push, SimpleIdServer#247)."""
    body = call.json()
    if call.method == "PUT" and GROUP_BY_ID.fullmatch(call.path) and isinstance(body, dict):
        if _member_ids(body) != _member_ids(_stored(call)):
            return scim_error("400 BAD REQUEST", "attribute members is immutable", "mutability")
    return call.forward()


@breaker
def refuses_delete_with_content_type(call: Call):
    """A DELETE that carries a Content-Type with an empty body is answered 400."""
    if call.method == "DELETE" and call.environ.get("CONTENT_TYPE") and not call.body:
        return scim_error("400 BAD REQUEST", "A request with a Content-Type needs a body.")
    return call.forward()


BREAKERS = {
    "hides_inactive_users": Broken(hides_inactive_users, must_fail=(
        "test_an_unassigned_user_is_still_found_by_the_lookup_and_reassigning_it_links_it_again_flavour_app[OIN]",
        "test_an_unassigned_user_is_still_found_by_the_lookup_and_reassigning_it_links_it_again_flavour_app[AIW]",
        "test_suspending_or_deactivating_the_okta_user_deactivates_it_in_the_target[suspends]",
        "test_suspending_or_deactivating_the_okta_user_deactivates_it_in_the_target[deactivates]",
        "test_an_unassigned_user_is_still_found_by_entras_lookup_and_reassigning_it_sends_no_post_flag_the_flag[without]",
        "test_an_unassigned_user_is_still_found_by_entras_lookup_and_reassigning_it_sends_no_post_flag_the_flag[with]",
        "test_a_disabled_user_is_still_found_by_entras_lookup_and_enabling_it_makes_the_same_user_active",
    ), must_pass=("test_assignment_looks_the_user_up_then_creates_it_flavour_app[OIN]",
                  "test_unassignment_deactivates_and_never_deletes_flavour_app[OIN]")),
    "ignores_enterprise_extension": Broken(ignores_enterprise_extension, must_fail=(
        "test_mapped_enterprise_attributes_reach_the_extension_on_create_and_on_change_flavour_app[OIN]",
        "test_mapped_enterprise_attributes_reach_the_extension_on_create_and_on_change_flavour_app[AIW]",
        "test_enterprise_attributes_reach_the_extension_flag_the_flag[without]",
        "test_enterprise_attributes_reach_the_extension_flag_the_flag[with]",
    ), must_pass=("test_a_profile_change_is_pushed_as_get_then_put_of_the_whole_user_flavour_app[AIW]",)),
    "ignores_user_name_rename": Broken(ignores_user_name_rename, must_fail=(
        "test_a_renamed_okta_username_reaches_the_target_as_the_same_user_flavour_app[OIN]",
        "test_a_renamed_okta_username_reaches_the_target_as_the_same_user_flavour_app[AIW]",
        "test_a_userprincipalname_change_renames_the_user_flag_the_flag[without]",
        "test_a_userprincipalname_change_renames_the_user_flag_the_flag[with]",
    ), must_pass=("test_a_profile_change_is_pushed_as_get_then_put_of_the_whole_user_flavour_app[OIN]",)),
    "ignores_email_changes": Broken(ignores_email_changes, must_fail=(
        "test_an_email_change_is_pushed_as_get_then_put_flavour_app[OIN]",
        "test_an_email_change_is_pushed_as_get_then_put_flavour_app[AIW]",
    ), must_pass=("test_a_renamed_okta_username_reaches_the_target_as_the_same_user_flavour_app[OIN]",)),
    "lists_users_without_emails_and_names": Broken(lists_users_without_emails_and_names, must_fail=(
        "test_assignment_looks_the_user_up_then_creates_it_flavour_app[OIN]",
        "test_assignment_looks_the_user_up_then_creates_it_flavour_app[AIW]",
    ), must_pass=("test_a_user_the_target_already_holds_is_linked_not_duplicated",)),
    "takes_plus_literally": Broken(takes_plus_literally, must_fail=(
        "test_oktas_lookup_is_understood_with_spaces_encoded_as_space[+]",
    ), must_pass=("test_oktas_lookup_is_understood_with_spaces_encoded_as_space[%20]",)),
    # No must_pass: the suite's own read-backs encode spaces as %20 too, so every scenario that reads back fails.
    "takes_only_plus_for_space": Broken(takes_only_plus_for_space, must_fail=(
        "test_oktas_lookup_is_understood_with_spaces_encoded_as_space[%20]",
    )),
    "ignores_group_create_members": Broken(ignores_group_create_members, must_fail=(
        "test_a_group_push_whose_create_carries_the_members",
    ), must_pass=("test_a_pushed_group_is_created_with_its_provisioned_members",)),
    "refuses_member_changes_by_put": Broken(refuses_member_changes_by_put, must_fail=(
        "test_the_aiw_flavour_pushes_the_whole_group_with_put[Finance]",
    ), must_pass=("test_a_pushed_group_is_created_with_its_provisioned_members",
                  "test_members_are_added_and_removed_by_patch")),
    "refuses_delete_with_content_type": Broken(refuses_delete_with_content_type, must_fail=(
        "test_oktas_group_delete_carries_a_contenttype_and_no_body_and_is_accepted",
        "test_deleting_the_group_in_the_target_app_sends_delete_and_a_later_push_succeeds",
    ), must_pass=("test_leaving_the_group_then_pushing_the_same_name_is_oktas_conflict_error",)),
}
