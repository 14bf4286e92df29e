"""What the target must show afterwards, read back through SCIM with the verify client."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then

from scimulator.simulator.scim import GROUP, USER
from .judge import aliases, failed, find_groups, find_users, held_in_target, read


@pytest.fixture
def target_id_of(request, people, groups):
    """The target id the scenario's IdP engine holds for a person or group alias."""
    def lookup(alias: str) -> str:
        for engine_name in ("okta", "entra"):
            try:
                engine = request.getfixturevalue(engine_name)
            except pytest.FixtureLookupError:
                continue
            if alias in people:
                found = engine.user_links.get(people[alias].id) if engine_name == "okta" else engine.target_id_of(people[alias])
            else:
                found = engine.group_links.get(groups[alias].id) if engine_name == "okta" else engine.target_id_of(groups[alias])
            if found:
                return found
        raise failed(f"The IdP holds no target id for {alias}: it was never provisioned.")
    return lookup


@given(parsers.parse('a user with the userName of "{alias}" already exists in the target'))
def existing_user(alias, directory, people, verify):
    person = people.setdefault(alias, directory.add_person())
    held_in_target(verify, "/Users", {"schemas": [USER], "userName": person.login, "active": True,
                                      "name": {"givenName": person.given_name, "familyName": person.family_name}})


@given(parsers.parse('a user whose userName is that of "{alias}" in upper case already exists in the target'))
def existing_user_upper(alias, directory, people, verify):
    person = people.setdefault(alias, directory.add_person())
    held_in_target(verify, "/Users", {"schemas": [USER], "userName": person.login.upper(), "active": True})


@given(parsers.parse('a group named "{alias}" already exists in the target'))
def existing_group(alias, directory, verify):
    held_in_target(verify, "/Groups", {"schemas": [GROUP], "displayName": directory.prefix + alias})


@then(parsers.parse('the target\'s user "{alias}" can still be read'))
def user_readable(alias, verify, target_id_of):
    read(verify, f"/Users/{target_id_of(alias)}", f"The user {alias}")


@then(parsers.parse('the target\'s user "{alias}" is {state}'))
def user_active_state(alias, state, verify, target_id_of):
    if state not in ("active", "inactive"):
        raise ValueError(f"a user is active or inactive, not {state!r}")
    user = read(verify, f"/Users/{target_id_of(alias)}", f"The user {alias}")
    if user.get("active") is not (state == "active"):
        raise failed(f"The user {alias} must be {state}; the target says active={user.get('active')!r}.",
                     verify.record[-1])


@then(parsers.parse('the target\'s user "{alias}" has the {attribute} "{value}"'))
def user_attribute(alias, attribute, value, verify, target_id_of, directory):
    user = read(verify, f"/Users/{target_id_of(alias)}", f"The user {alias}")
    if attribute == "work email":
        value = directory.unique(value)  # emails may be kept unique: the step that sent it made it unique too
        actual = next((e.get("value") for e in user.get("emails") or [] if e.get("type") == "work"), None)
    elif attribute in ("family name", "given name"):
        actual = (user.get("name") or {}).get("familyName" if attribute == "family name" else "givenName")
    else:
        actual = user.get(attribute)
    if actual != value:
        raise failed(f"The user {alias} must have the {attribute} {value!r}, stored exactly as sent; the target has "
                     f"{actual!r}.", verify.record[-1])


@then(parsers.parse('the target holds no user with the userName of "{alias}"'))
def no_user(alias, verify, people):
    found, answer = find_users(verify, people[alias].login)
    if found:
        raise failed(f"The target must not hold {alias} yet.", answer)


@then(parsers.parse('the target\'s group "{alias}" has exactly the members {members}'))
def group_members(alias, members, verify, target_id_of, directory):
    names = aliases(members)
    expected = {target_id_of(name) for name in names}
    group = read(verify, f"/Groups/{target_id_of(alias)}", f"The group {alias}")
    actual = {m.get("value") for m in group.get("members") or []}
    if actual != expected:
        raise failed(f"The group {alias} must have exactly the members {', '.join(names)} "
                     f"({sorted(expected)}); the target has {sorted(actual)}.", verify.record[-1])


@then(parsers.parse('the target\'s group "{alias}" has no members'))
def group_empty(alias, verify, target_id_of):
    group = read(verify, f"/Groups/{target_id_of(alias)}", f"The group {alias}")
    if group.get("members"):
        raise failed(f"The group {alias} must be empty; the target has {len(group['members'])} members.", verify.record[-1])


@then(parsers.parse('the target holds a group named "{name}"'))
@then(parsers.parse('the target holds exactly one group named "{name}"'))
def exactly_one_group(name, verify, directory):
    found, answer = find_groups(verify, directory.prefix + name)
    if len(found) != 1:
        raise failed(f"The target must hold exactly one group named {name}; it lists {len(found)}.", answer)


@then(parsers.parse('the target holds exactly one user with the userName of "{alias}"'))
def exactly_one_user(alias, verify, people):
    found, answer = find_users(verify, people[alias].login)
    if len(found) != 1:
        raise failed(f"The target must hold exactly one user with userName {people[alias].login}; it lists {len(found)}.",
                     answer)


@then(parsers.parse('the target holds no group named "{name}"'))
def no_group_named(name, verify, directory):
    found, answer = find_groups(verify, directory.prefix + name)
    if found:
        raise failed(f"The target must no longer hold a group named {name}.", answer)
