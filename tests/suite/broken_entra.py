"""Broken targets for Entra's production behaviours: each one fails the scenarios about its behaviour.

Like tests/suite/broken_targets.py, each is WSGI middleware around the real reference server. The ones
shared with Okta's scenarios (inactive users in lookups, the enterprise extension, userName
renames) live in tests/suite/broken_okta.py and name the Entra scenarios too.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_targets import SCIM_JSON, Broken, Call, _json_response, breaker, scim_error

USER_BY_ID = re.compile(r".*/Users/[^/]+")
GROUP_BY_ID = re.compile(r".*/Groups/[^/]+")


def _operations(call: Call) -> list[dict]:
    body = call.json()
    operations = body.get("Operations") if isinstance(body, dict) else None
    return [op for op in operations or [] if isinstance(op, dict)]


def _forward_without(call: Call, dropped) -> tuple[str, list, bytes]:
    """Forward a PATCH without the operations `dropped(op)` picks; nothing left is answered 204 unsent."""
    body = call.json()
    kept = [op for op in _operations(call) if not dropped(op)]
    if not kept:
        return "204 NO CONTENT", [], b""
    return call.forward(body=json.dumps(dict(body, Operations=kept)).encode())


def _leaves_in_place(resource: re.Pattern):
    """DELETE answered 204 while the resource stays (and stays findable)."""
    def change(call: Call):
        if call.method == "DELETE" and resource.fullmatch(call.path):
            return "204 NO CONTENT", [], b""
        return call.forward()
    return breaker(change)


delete_leaves_user = _leaves_in_place(USER_BY_ID)
delete_leaves_group = _leaves_in_place(GROUP_BY_ID)


def _is_manager(op: dict) -> bool:
    path = str(op.get("path") or "").lower()
    return path == "manager" or path.endswith(":manager")


@breaker
def refuses_string_manager(call: Call):
    """A manager sent as a plain id string (the field shape) is refused with 400; only the $ref list is taken."""
    if call.method == "PATCH" and any(_is_manager(op) and isinstance(op.get("value"), str) and op["value"]
                                      for op in _operations(call)):
        return scim_error("400 BAD REQUEST", "manager must be an object with a value.", "invalidValue")
    return call.forward()


def _clears_manager(op: dict) -> bool:
    value = op.get("value")
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("value")
    return _is_manager(op) and (str(op.get("op", "")).lower() == "remove" or value in ("", None))


@breaker
def keeps_manager_on_removal(call: Call):
    """An operation that clears the manager is answered with success and ignored: the old manager stays."""
    if call.method == "PATCH" and USER_BY_ID.fullmatch(call.path):
        return _forward_without(call, _clears_manager)
    return call.forward()


@breaker
def refuses_filtered_manager_removal(call: Call):
    """A value filter on the single-valued manager is refused, as RFC 7644 defines filters on multi-valued
    attributes only: Azure AD's `remove` of `manager[value eq "<id>"]` [F24] is answered 400."""
    if call.method == "PATCH" and any(str(op.get("path") or "").lower().startswith("manager[") for op in _operations(call)):
        return scim_error("400 BAD REQUEST", "'manager' is not multi-valued; it cannot take a [value filter].", "invalidPath")
    return call.forward()


def _is_roles(op: dict) -> bool:
    return str(op.get("path") or "").lower().startswith("roles")


@breaker
def drops_roles(call: Call):
    """Roles are silently dropped: from the create body and from PATCH operations on roles."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Users") and isinstance(body, dict):
        body.pop("roles", None)
        return call.forward(body=json.dumps(body).encode())
    if call.method == "PATCH" and USER_BY_ID.fullmatch(call.path):
        return _forward_without(call, _is_roles)
    return call.forward()


@breaker
def external_id_filter_never_matches(call: Call):
    """`externalId eq "..."` never matches anything (an unindexed or mis-mapped attribute)."""
    if call.method == "GET" and call.path.endswith("/Users") and \
            call.query.get("filter", "").strip().lower().startswith("externalid"):
        return _json_response("200 OK", SCIM_JSON, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                                                        "totalResults": 0, "startIndex": 1, "itemsPerPage": 0,
                                                        "Resources": []})
    return call.forward()


def _string_active(op: dict) -> bool:
    return str(op.get("path") or "").lower() == "active" and isinstance(op.get("value"), str)


@breaker
def ignores_string_booleans(call: Call):
    """`active` given as the string "False"/"True" is ignored (answered with success): only real booleans count."""
    if call.method == "PATCH" and USER_BY_ID.fullmatch(call.path):
        return _forward_without(call, _string_active)
    return call.forward()


@breaker
def refuses_capitalised_ops(call: Call):
    """PATCH `op` compared case-sensitively: "Add", "Replace" and "Remove" are refused with 400."""
    if call.method == "PATCH" and any(str(op.get("op", "")) != str(op.get("op", "")).lower() for op in _operations(call)):
        return scim_error("400 BAD REQUEST", "op must be one of add, replace, remove.", "invalidSyntax")
    return call.forward()


@breaker
def requires_scim_accept(call: Call):
    """A GET whose Accept names no JSON media type is answered 406 (the server renders HTML otherwise)."""
    if call.method == "GET" and "json" not in call.environ.get("HTTP_ACCEPT", ""):
        return scim_error("406 NOT ACCEPTABLE", "Accept must be application/scim+json.")
    return call.forward()


@breaker
def requires_schemas_first(call: Call):
    """A PATCH body is parsed in key order and must start with `schemas`; Entra's `Operations` first is refused."""
    if call.method == "PATCH" and not call.body.lstrip().startswith(b'{"schemas"'):
        return scim_error("400 BAD REQUEST", "schemas must come first.", "invalidSyntax")
    return call.forward()


MANAGER = "test_a_manager_is_set_changed_and_removed_shape_shape_flag_the_flag"
DISABLE = "test_disabling_in_entra_deactivates_the_target_user_in_each_form_entra_sends_form"
ON_DEMAND_PATCH = ("test_a_user_the_target_already_holds_is_patched_on_demand_in_the_flagless_dialect_on_an_app_with_"
                   "the_flag")
ON_DEMAND_CREATE = "test_a_user_provisioned_on_demand_is_created_at_once_on_an_app_with_the_flag"
ON_DEMAND_GROUP = "test_a_group_provisioned_on_demand_is_created_with_its_members_on_an_app_with_the_flag"
OKTA_ASSIGNMENT = "test_assignment_looks_the_user_up_then_creates_it_flavour_app[OIN]"
OKTA_DEACTIVATION = "test_suspending_or_deactivating_the_okta_user_deactivates_it_in_the_target[suspends]"

BREAKERS = {
    "delete_leaves_user": Broken(delete_leaves_user, must_fail=(
        "test_a_permanently_deleted_user_is_gone_404_by_id_and_absent_from_lookups",
    ), must_pass=("test_a_soft_delete_disables_at_once_and_deletes_after_30_days",)),
    "delete_leaves_group": Broken(delete_leaves_group, must_fail=(
        "test_a_group_deleted_in_entra_is_gone_from_the_target",
        "test_an_unassigned_group_is_deleted_and_comes_back_with_its_members_when_assigned_again",
    ), must_pass=("test_a_rename_and_a_new_member_reach_the_target_at_the_next_cycle",)),
    "refuses_string_manager": Broken(refuses_string_manager, must_fail=(
        f"{MANAGER}[without-field]", f"{MANAGER}[with-field]",
    ), must_pass=(f"{MANAGER}[without-documented]",)),
    "keeps_manager_on_removal": Broken(keeps_manager_on_removal, must_fail=(
        f"{MANAGER}[without-documented]", f"{MANAGER}[without-field]", f"{MANAGER}[with-field]",
    ), must_pass=("test_enterprise_attributes_reach_the_extension_flag_the_flag[without]",)),
    "refuses_filtered_manager_removal": Broken(refuses_filtered_manager_removal, must_fail=(
        "test_a_manager_removed_through_a_value_filter_on_its_id_is_gone",
    ), must_pass=(f"{MANAGER}[without-documented]",)),
    "drops_roles": Broken(drops_roles, must_fail=(
        "test_singleapproleassignment_creates_the_user_with_its_role_as_the_primary_role",
        "test_approleassignmentscomplex_adds_a_new_role_and_keeps_the_one_taken_away",
    ), must_pass=("test_the_initial_cycle_creates_the_assigned_users_and_groups_with_their_members",)),
    "external_id_filter_never_matches": Broken(external_id_filter_never_matches, must_fail=(
        "test_a_user_the_target_holds_with_entras_object_id_as_externalid_is_matched_not_created_again",
    ), must_pass=("test_a_create_the_target_refuses_with_409_is_escrowed_and_retried_after_6_12_and_24_hours",
                  "test_the_initial_cycle_creates_the_assigned_users_and_groups_with_their_members")),
    "ignores_string_booleans": Broken(ignores_string_booleans, must_fail=(
        f'{DISABLE}[Replace "False"]',
        "test_unassignment_disables_and_never_deletes_flag_the_flag[without]",
    ), must_pass=(f"{DISABLE}[Replace false]", f"{DISABLE}[replace false with the flag]")),
    "refuses_capitalised_ops": Broken(refuses_capitalised_ops, must_fail=(
        f'{DISABLE}[Replace "False"]', f"{DISABLE}[Replace false]", ON_DEMAND_PATCH, ON_DEMAND_GROUP,
    ), must_pass=(f"{DISABLE}[replace false with the flag]", ON_DEMAND_CREATE)),
    "requires_scim_accept": Broken(requires_scim_accept, must_fail=(
        "test_test_connection_gets_an_empty_list_for_a_user_that_does_not_exist",
        "test_a_filter_that_matches_nothing_is_answered_with_an_empty_list_not_404_so_the_job_is_not_quarantined",
    ), must_pass=(OKTA_ASSIGNMENT,)),
    "requires_schemas_first": Broken(requires_schemas_first, must_fail=(
        f'{DISABLE}[Replace "False"]', f"{DISABLE}[Replace false]", f"{DISABLE}[replace false with the flag]",
    ), must_pass=(OKTA_DEACTIVATION,)),
}
