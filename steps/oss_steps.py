"""Steps spoken by the open-source SCIM clients' syncs (authentik's SCIM provider, Keycloak's keycloak-scim
plugin) and what their admins read in the logs."""

from __future__ import annotations

import pytest

from scimulator.simulator.authentik import AUTHENTIK, AuthentikEngine
from scimulator.simulator.keycloak import KEYCLOAK, KeycloakEngine
from .judge import failed, find_users
from .language import AUTHENTIK_MODES, KEYCLOAK_PATCH_SCOPES, OSS_CLIENTS, given, then, when


def _engine(request: pytest.FixtureRequest, oss_client: str):
    """The engine a scenario's Given step set up for that client."""
    return request.getfixturevalue(OSS_CLIENTS[oss_client])


def _no_error(error, what: str) -> None:
    errors = error if isinstance(error, list) else [error] if error else []
    if errors:
        raise failed(f"Setting up: {what} failed: {errors[0].message}")


# --- given -----------------------------------------------------------------------------------------

@given("an authentik SCIM provider connected to the target", target_fixture="authentik")
def authentik_provider(connect, directory):
    """Nothing is sent until the first sync; every sync first reads /ServiceProviderConfig."""
    return AuthentikEngine(connect(AUTHENTIK), directory)


@given("an authentik SCIM provider in the {compatibility_mode} compatibility mode connected to the target",
       target_fixture="authentik")
def authentik_provider_in_mode(compatibility_mode, connect, directory):
    """AWS: PATCH support off whatever the target says; Slack: filter support on."""
    return AuthentikEngine(connect(AUTHENTIK), directory, compatibility_mode=AUTHENTIK_MODES[compatibility_mode])


@given("a Keycloak realm whose SCIM federation provider is connected to the target", target_fixture="keycloak")
def keycloak_provider(connect, directory):
    """The plugin's defaults: PUT for users and groups."""
    return KeycloakEngine(connect(KEYCLOAK), directory)


@given("a Keycloak realm whose SCIM federation provider uses patchOp for {patch_scope}", target_fixture="keycloak")
def keycloak_provider_patching(patch_scope, connect, directory):
    """"Use patchOp for users" (active as a string) or "Use patchOp for groups"."""
    user_patch, group_patch = KEYCLOAK_PATCH_SCOPES[patch_scope]
    return KeycloakEngine(connect(KEYCLOAK), directory, user_patch=user_patch, group_patch=group_patch)


@given('"{person}" was synced to the target by {oss_client}')
def synced_person(person, oss_client, request, cast):
    """POST /Users."""
    _no_error(_engine(request, oss_client).create_user(cast.person(person)), f"{oss_client}'s create of {person}")


@given('the group "{group}" with the members {members} was synced to the target by {oss_client}')
def synced_group(group, members, oss_client, request, cast):
    """Each member not yet synced is created first (POST /Users), then the group (POST /Groups, and authentik's PATCH)."""
    engine = _engine(request, oss_client)
    people = cast.people_named(members)
    for person in people:
        if person.id not in engine.user_links:
            _no_error(engine.create_user(person), f"{oss_client}'s create of a member of {group}")
    _no_error(engine.create_group(cast.group(group, members=people)), f"{oss_client}'s create of {group}")


# --- when ------------------------------------------------------------------------------------------

@when('{oss_client} syncs the creation of "{person}"')
def sync_creation(oss_client, person, request, cast):
    """POST /Users; authentik answers a 409 with a lookup by userName when the target supports filters."""
    _engine(request, oss_client).create_user(cast.person(person))


@when('{oss_client} syncs the deactivation of "{person}"')
def sync_deactivation(oss_client, person, request, cast):
    """PUT of the whole user with active false, or Keycloak's PATCH with "false"."""
    _engine(request, oss_client).deactivate(cast.person(person))


@when('{oss_client} syncs the deletion of "{person}"')
def sync_deletion(oss_client, person, request, cast):
    """DELETE /Users/{id}."""
    _engine(request, oss_client).delete_user(cast.person(person))


@when('{oss_client} syncs "{person}" joining the group "{group}"')
def sync_join(oss_client, person, group, request, cast):
    """authentik: PATCH add with a value list (or PUT); Keycloak: the whole group, then the user."""
    _engine(request, oss_client).change_members(cast.known_group(group), added=[cast.person(person)])


@when('{oss_client} syncs "{person}" leaving the group "{group}"')
def sync_leave(oss_client, person, group, request, cast):
    """authentik: PATCH remove with a value list (or PUT); Keycloak: the whole group, then the user."""
    _engine(request, oss_client).change_members(cast.known_group(group), removed=[cast.person(person)])


# --- then ------------------------------------------------------------------------------------------

@then("{oss_client} logged no sync errors")
def no_sync_errors(oss_client, request):
    engine = _engine(request, oss_client)
    if engine.errors:
        first = engine.errors[0]
        raise failed(f"{oss_client} must sync without errors; its log shows: {first.action} {first.subject}: "
                     f"{first.message}", engine.http.record[-1] if engine.http.record else None)


@then('{oss_client} linked "{person}" to the user the target already held, after its 409')
def linked_after_conflict(oss_client, person, request, cast, verify):
    """The id authentik keeps is that of the user a lookup by userName finds."""
    engine = _engine(request, oss_client)
    held = cast.known_person(person)
    found, answer = find_users(verify, held.login)
    expected = {user.get("id") for user in found}
    if engine.user_links.get(held.id) not in expected or not expected:
        errors = "; ".join(error.message for error in engine.errors) or "no error logged"
        raise failed(f"{oss_client} must link {person} to the user the target already held (a 409, then a lookup "
                     f"by userName); it holds {engine.user_links.get(held.id)!r} ({errors}).", answer)
