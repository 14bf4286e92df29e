"""What the target must hold of a user afterwards, whichever IdP sent the changes.

Shared by the Okta and Entra scenarios: the enterprise extension, the manager, lookups that must
still find inactive users, renames and hard deletes. Every read is the suite's own (verify client).
"""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, then

from scimulator.simulator.directory import ENTERPRISE_FIELDS
from scimulator.simulator.scim import ENTERPRISE
from .judge import aliases, failed, find_users, read


@pytest.fixture
def former_logins() -> dict:
    """Alias -> the userName a person had before an IdP renamed it."""
    return {}


def _user(verify, target_id_of, alias: str) -> dict:
    return read(verify, f"/Users/{target_id_of(alias)}", f"The user {alias}")


@then(parsers.parse('the target\'s user "{alias}" holds its enterprise attributes in the extension'))
def enterprise_attributes(alias, verify, target_id_of, people):
    """Each attribute read back from the extension, where RFC 7643 section 4.3 puts it, not the top level."""
    user = _user(verify, target_id_of, alias)
    extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
    person = people[alias]
    wrong = {name: extension.get(name) for field, name in ENTERPRISE_FIELDS.items()
             if getattr(person, field) is not None and extension.get(name) != getattr(person, field)}
    if wrong:
        expected = {name: getattr(person, field) for field, name in ENTERPRISE_FIELDS.items() if name in wrong}
        raise failed(f"The user {alias} must hold {expected} in the {ENTERPRISE} extension; the extension has "
                     f"{wrong}.", verify.record[-1])


@then(parsers.parse('the target\'s user "{alias}" has the manager "{manager}"'))
def has_manager(alias, manager, verify, target_id_of):
    user = _user(verify, target_id_of, alias)
    actual = manager_id(user)
    if actual != target_id_of(manager):
        raise failed(f"The user {alias} must have {manager} ({target_id_of(manager)}) as manager in the enterprise "
                     f"extension; the target has {actual!r}.", verify.record[-1])


@then(parsers.parse('the target\'s user "{alias}" has no manager'))
def has_no_manager(alias, verify, target_id_of):
    user = _user(verify, target_id_of, alias)
    if manager_id(user):
        raise failed(f"The user {alias} must have no manager once it was removed; the target still has "
                     f"{manager_id(user)!r}.", verify.record[-1])


def manager_id(user: dict) -> str | None:
    """The manager's id in the enterprise extension (a {"value"} object or a plain id), None when absent or empty."""
    extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
    manager = extension.get("manager")
    if isinstance(manager, dict):
        return manager.get("value") or None
    return manager or None


def _one_user_found(verify, people, alias: str, active: bool, expectation: str) -> None:
    found, answer = find_users(verify, people[alias].login)
    if len(found) != 1 or found[0].get("active") is not active:
        raise failed(f"{expectation}; it lists {[(r.get('id'), r.get('active')) for r in found]}.", answer)


@then(parsers.parse('a lookup of "{alias}" by userName still finds it, inactive'))
def lookup_finds_inactive(alias, verify, people):
    """Both IdPs look a user up before creating it; a lookup that hides inactive users makes them create a duplicate."""
    _one_user_found(verify, people, alias, False,
                    f"A lookup of {alias} by userName must still find the inactive user (one resource, active false)")


@then(parsers.parse('the target holds exactly one user with the userName of "{alias}", and it is active'))
def exactly_one_active(alias, verify, people):
    _one_user_found(verify, people, alias, True,
                    f"The target must hold exactly one user {people[alias].login}, active")


@then(parsers.parse('the target holds "{alias}" under its new userName only'))
def renamed(alias, verify, people, former_logins, target_id_of):
    found, answer = find_users(verify, people[alias].login)
    if len(found) != 1 or found[0].get("id") != target_id_of(alias):
        raise failed(f"After the rename, a lookup of the new userName {people[alias].login} must find the same "
                     f"user ({target_id_of(alias)}); it lists {[r.get('id') for r in found]}.", answer)
    old, answer = find_users(verify, former_logins[alias])
    if old:
        raise failed(f"After the rename, no user may answer to the old userName {former_logins[alias]}.", answer)


@then(parsers.parse('the target\'s user "{alias}" is gone'))
def user_gone(alias, verify, people, target_id_of):
    """A hard delete: 404 by id (RFC 7644 section 3.6) and absent from lookups."""
    answer = verify.get(f"/Users/{target_id_of(alias)}")
    if answer.status != 404:
        raise failed(f"The deleted user {alias} must answer 404 by id (RFC 7644 section 3.6).", answer)
    found, lookup = find_users(verify, people[alias].login)
    if found:
        raise failed(f"The deleted user {alias} must be absent from lookups.", lookup)


@then(parsers.parse('a lookup of "{alias}" by userName finds its userName, first email and names as the IdP holds them'))
def lookup_matches_the_idp(alias, verify, people):
    """Okta's CRUD test step 4: the lookup's Resources[0] has the userName, emails[0].value and the names Okta sent."""
    person = people[alias]
    found, answer = find_users(verify, person.login)
    first = found[0] if len(found) == 1 else {}
    emails = first.get("emails") or [{}]
    name = first.get("name") or {}
    actual = (first.get("userName"), emails[0].get("value"), name.get("givenName"), name.get("familyName"))
    expected = (person.login, person.email, person.given_name, person.family_name)
    if actual != expected:
        raise failed(f"A lookup of {alias} by userName must list one user with userName, emails[0].value, "
                     f"name.givenName and name.familyName {expected}; the target lists {actual}.", answer)


@then(parsers.parse('the target\'s user "{alias}" has the roles {roles}'))
def has_roles(alias, roles, verify, target_id_of):
    """Role values read back from `roles` (RFC 7643 section 4.1.2), each listed once or more, none missing."""
    expected = set(aliases(roles))
    user = _user(verify, target_id_of, alias)
    actual = {role.get("value") for role in user.get("roles") or [] if isinstance(role, dict)}
    if not expected <= actual:
        raise failed(f"The user {alias} must have the roles {sorted(expected)}; the target has {sorted(actual)}.",
                     verify.record[-1])
