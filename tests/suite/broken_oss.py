"""Broken targets for the open-source clients (authentik's SCIM provider, Keycloak's keycloak-scim plugin).

Like tests/suite/broken_targets.py, each is WSGI middleware around the real reference server. Where an
Entra breaker already breaks what an open-source client also relies on (a string boolean, a member
removal by value list, a DELETE that keeps the user), it is reused here with this room's scenarios.
"""

from __future__ import annotations

import json

from tests.suite.broken_entra import USER_BY_ID, GROUP_BY_ID, _forward_without, _operations, delete_leaves_user, ignores_string_booleans
from tests.suite.broken_targets import Broken, Call, breaker, empties_group_on_entra_removal, scim_error

AUTHENTIK_DEACTIVATES = "test_a_deactivated_authentik_user_is_put_whole_with_active_false_and_stays_readable_inactive"
AUTHENTIK_ADDS = "test_authentik_adds_members_one_patch_operation_each_the_member_in_a_value_list"
AUTHENTIK_REMOVES = "test_authentik_removes_a_member_with_a_remove_operation_whose_value_lists_that_member_only"
AUTHENTIK_LINKS = "test_a_create_the_target_refuses_with_409_is_linked_to_the_user_it_already_holds"
AUTHENTIK_DELETES = "test_a_user_deleted_in_authentik_is_deleted_in_the_target"
AUTHENTIK_AWS_CREATES = ("test_in_the_aws_compatibility_mode_a_group_is_created_with_its_members_then_each_is_added_"
                         "again_by_patch")
KEYCLOAK_PUT_DISABLES = "test_a_user_disabled_in_keycloak_is_put_whole_with_active_false_and_stays_readable_inactive"
KEYCLOAK_PATCH_DISABLES = "test_with_patchop_for_users_keycloak_disables_with_active_as_the_string_false"
KEYCLOAK_PUTS_GROUP = "test_keycloak_replaces_a_group_whole_its_members_carrying_a_relative_ref"
KEYCLOAK_EMPTIES_GROUP = "test_with_patchop_for_groups_the_last_member_leaving_is_a_remove_of_members_with_no_value"
KEYCLOAK_REPLACES_MEMBERS = "test_with_patchop_for_groups_a_member_joining_replaces_the_members_list_whole"
KEYCLOAK_DELETES = "test_a_user_deleted_in_keycloak_is_deleted_in_the_target"


@breaker
def put_keeps_active(call: Call):
    """A PUT of a user leaves `active` as it was: a deactivation by PUT is lost (answered 200)."""
    body = call.json()
    if call.method == "PUT" and USER_BY_ID.fullmatch(call.path) and isinstance(body, dict) and "active" in body:
        return call.forward(body=json.dumps({k: v for k, v in body.items() if k != "active"}).encode())
    return call.forward()


@breaker
def refuses_group_patch_it_advertises(call: Call):
    """/ServiceProviderConfig says PATCH is supported, yet PATCH /Groups/{id} is answered 501."""
    if call.method == "PATCH" and GROUP_BY_ID.fullmatch(call.path):
        return scim_error("501 NOT IMPLEMENTED", "PATCH is not implemented for groups.")
    return call.forward()


@breaker
def conflict_as_bad_request(call: Call):
    """A uniqueness conflict on POST /Users is answered 400 instead of 409."""
    status, headers, data = call.forward()
    if call.method == "POST" and call.path.endswith("/Users") and status.startswith("409"):
        return scim_error("400 BAD REQUEST", "The user could not be created.")
    return status, headers, data


def _has_relative_member_ref(body) -> bool:
    members = body.get("members") if isinstance(body, dict) else None
    return any(isinstance(m, dict) and "$ref" in m and not str(m["$ref"]).startswith(("http://", "https://"))
               for m in members or [])


@breaker
def refuses_relative_member_refs(call: Call):
    """A group write whose members carry a relative $ref ("Users/<id>") is refused with 400."""
    if call.method in ("POST", "PUT") and "/Groups" in call.path and _has_relative_member_ref(call.json()):
        return scim_error("400 BAD REQUEST", "members.$ref must be an absolute URI.", "invalidValue")
    return call.forward()


def _is_valueless_member_removal(op: dict) -> bool:
    return str(op.get("op", "")).lower() == "remove" and op.get("path") == "members" and "value" not in op


def _is_member_replace(op: dict) -> bool:
    return str(op.get("op", "")).lower() == "replace" and op.get("path") == "members"


def _dropping(picked):
    """A breaker that answers a group PATCH as done while leaving out the operations `picked(op)` picks."""
    def change(call: Call):
        if call.method == "PATCH" and GROUP_BY_ID.fullmatch(call.path):
            return _forward_without(call, picked)
        return call.forward()
    return breaker(change)


def _stored_member_ids(call: Call) -> set:
    status, _, data = call.forward(method="GET", query={}, body=b"")
    held = json.loads(data) if status.startswith("200") else {}
    return {m.get("value") for m in held.get("members") or [] if isinstance(m, dict)}


def _added_members(call: Call) -> set:
    return {m.get("value") for op in _operations(call) if str(op.get("op", "")).lower() == "add"
            and op.get("path") == "members" for m in op.get("value") or [] if isinstance(m, dict)}


@breaker
def refuses_adding_an_existing_member(call: Call):
    """A PATCH adding a member the group already has is refused with 409 (RFC 7644 3.5.2.1: it SHOULD change nothing)."""
    if call.method == "PATCH" and GROUP_BY_ID.fullmatch(call.path) and _added_members(call) & _stored_member_ids(call):
        return scim_error("409 CONFLICT", "The user is already a member of the group.", "uniqueness")
    return call.forward()


ignores_valueless_member_removal = _dropping(_is_valueless_member_removal)
ignores_member_replace = _dropping(_is_member_replace)


BREAKERS = {
    "oss_put_keeps_active": Broken(put_keeps_active, must_fail=(AUTHENTIK_DEACTIVATES, KEYCLOAK_PUT_DISABLES),
                                   must_pass=(KEYCLOAK_PATCH_DISABLES, AUTHENTIK_DELETES)),
    "oss_ignores_string_booleans": Broken(ignores_string_booleans, must_fail=(KEYCLOAK_PATCH_DISABLES,),
                                          must_pass=(KEYCLOAK_PUT_DISABLES,)),
    "oss_empties_group_on_removal": Broken(empties_group_on_entra_removal, must_fail=(AUTHENTIK_REMOVES,),
                                           must_pass=(AUTHENTIK_ADDS, KEYCLOAK_PUTS_GROUP)),
    "oss_refuses_group_patch_it_advertises": Broken(refuses_group_patch_it_advertises,
                                                    must_fail=(AUTHENTIK_ADDS, AUTHENTIK_REMOVES),
                                                    must_pass=(KEYCLOAK_PUTS_GROUP, AUTHENTIK_DEACTIVATES)),
    "oss_conflict_as_bad_request": Broken(conflict_as_bad_request, must_fail=(AUTHENTIK_LINKS,),
                                          must_pass=(AUTHENTIK_DEACTIVATES,)),
    "oss_delete_leaves_user": Broken(delete_leaves_user, must_fail=(AUTHENTIK_DELETES, KEYCLOAK_DELETES),
                                     must_pass=(KEYCLOAK_PUT_DISABLES,)),
    "oss_refuses_relative_member_refs": Broken(refuses_relative_member_refs,
                                               must_fail=(KEYCLOAK_PUTS_GROUP, KEYCLOAK_EMPTIES_GROUP,
                                                          KEYCLOAK_REPLACES_MEMBERS),
                                               must_pass=(AUTHENTIK_ADDS, KEYCLOAK_PUT_DISABLES)),
    "oss_ignores_valueless_member_removal": Broken(ignores_valueless_member_removal, must_fail=(KEYCLOAK_EMPTIES_GROUP,),
                                                   must_pass=(KEYCLOAK_REPLACES_MEMBERS, AUTHENTIK_REMOVES)),
    "oss_refuses_adding_an_existing_member": Broken(refuses_adding_an_existing_member, must_fail=(AUTHENTIK_AWS_CREATES,),
                                                    must_pass=(AUTHENTIK_ADDS, KEYCLOAK_REPLACES_MEMBERS)),
    "oss_ignores_member_replace": Broken(ignores_member_replace, must_fail=(KEYCLOAK_REPLACES_MEMBERS,),
                                         must_pass=(KEYCLOAK_EMPTIES_GROUP,)),
}
