"""What the target must show afterwards, read back through SCIM with the verify client."""

from __future__ import annotations

import pytest

from scimulator.simulator.attributes import ATTRIBUTES, read_path
from scimulator.simulator.scim import GROUP, USER
from .cast import cast, kept_unique  # noqa: F401 (cast: the scenario's alias registry, a fixture of this plugin)
from .judge import aliases, failed, find_groups, find_users, held_in_target, read
from .language import USER_STATES, given, then


@pytest.fixture
def target_id_of(request, cast):
    """The target id the scenario's IdP engine holds for a person or group alias."""
    def lookup(alias: str) -> str:
        for engine_name in ("okta", "entra", "authentik", "keycloak", "idp"):
            try:
                engine = request.getfixturevalue(engine_name)
            except pytest.FixtureLookupError:
                continue
            if cast.is_person(alias):
                held = cast.known_person(alias)
                found = engine.user_links.get(held.id) if engine_name != "entra" else engine.target_id_of(held)
            else:
                held = cast.known_group(alias)
                found = engine.group_links.get(held.id) if engine_name != "entra" else engine.target_id_of(held)
            if found:
                return found
        raise failed(f"The IdP holds no target id for {alias}: it was never provisioned.")
    return lookup


@given('a user with the userName of "{person}" already exists in the target')
def existing_user(person, cast, verify):
    """POST by the verify client."""
    held = cast.person(person)
    held_in_target(verify, "/Users", {"schemas": [USER], "userName": held.login, "active": True,
                                      "name": {"givenName": held.given_name, "familyName": held.family_name}})


@given('a user whose userName is that of "{person}" in upper case already exists in the target')
def existing_user_upper(person, cast, verify):
    held_in_target(verify, "/Users", {"schemas": [USER], "userName": cast.person(person).login.upper(), "active": True})


@given('a group named "{group}" already exists in the target')
def existing_group(group, directory, verify):
    """Not a group of the IdP: only its name, as the IdP's group will carry it."""
    held_in_target(verify, "/Groups", {"schemas": [GROUP], "displayName": directory.prefix + group})


@then('the target\'s user "{person}" can still be read')
def user_readable(person, verify, target_id_of):
    read(verify, f"/Users/{target_id_of(person)}", f"The user {person}")


@then('the target\'s user "{person}" is {state}')
def user_active_state(person, state, verify, target_id_of):
    user = read(verify, f"/Users/{target_id_of(person)}", f"The user {person}")
    if user.get("active") is not USER_STATES[state]:
        raise failed(f"The user {person} must be {state}; the target says active={user.get('active')!r}.",
                     verify.record[-1])


@then('the target\'s user "{person}" has the {attribute} "{value}"')
def user_attribute(person, attribute, value, verify, target_id_of, directory):
    """Read where SCIM puts it: `name.givenName`, `emails[type eq "work"].value`, the enterprise extension."""
    expected, path = kept_unique(attribute, value, directory), ATTRIBUTES[attribute].path
    actual = read_path(read(verify, f"/Users/{target_id_of(person)}", f"The user {person}"), path)
    if actual != expected:
        raise failed(f"The user {person} must have the {attribute} {expected!r} at {path}, stored exactly as sent; the "
                     f"target has {actual!r} there.", verify.record[-1])


@then('the target holds no user with the userName of "{person}"')
def no_user(person, verify, cast):
    found, answer = find_users(verify, cast.known_person(person).login)
    if found:
        raise failed(f"The target must not hold {person} yet.", answer)


@then('the target\'s group "{group}" has exactly the members {members}')
def group_members(group, members, verify, target_id_of):
    names = aliases(members)
    expected = {target_id_of(name) for name in names}
    held = read(verify, f"/Groups/{target_id_of(group)}", f"The group {group}")
    actual = {m.get("value") for m in held.get("members") or []}
    if actual != expected:
        raise failed(f"The group {group} must have exactly the members {', '.join(names)} "
                     f"({sorted(expected)}); the target has {sorted(actual)}.", verify.record[-1])


@then('the target\'s group "{group}" has no members')
def group_empty(group, verify, target_id_of):
    held = read(verify, f"/Groups/{target_id_of(group)}", f"The group {group}")
    if held.get("members"):
        raise failed(f"The group {group} must be empty; the target has {len(held['members'])} members.", verify.record[-1])


@then('the target holds a group named "{group}"')
@then('the target holds exactly one group named "{group}"')
def exactly_one_group(group, verify, directory):
    found, answer = find_groups(verify, directory.prefix + group)
    if len(found) != 1:
        raise failed(f"The target must hold exactly one group named {group}; it lists {len(found)}.", answer)


@then('the target holds exactly one user with the userName of "{person}"')
def exactly_one_user(person, verify, cast):
    login = cast.known_person(person).login
    found, answer = find_users(verify, login)
    if len(found) != 1:
        raise failed(f"The target must hold exactly one user with userName {login}; it lists {len(found)}.", answer)


@then('the target holds no group named "{group}"')
def no_group_named(group, verify, directory):
    found, answer = find_groups(verify, directory.prefix + group)
    if found:
        raise failed(f"The target must no longer hold a group named {group}.", answer)
