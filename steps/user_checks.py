"""What the target must hold of a user afterwards, whichever IdP sent the changes.

Shared by the Okta and Entra scenarios: the enterprise extension, the manager, lookups that must
still find inactive users, renames and hard deletes. Every read is the suite's own (verify client).
"""

from __future__ import annotations

import pytest

from scimulator.simulator.attributes import ENTERPRISE_FIELDS
from scimulator.simulator.scim import ENTERPRISE
from .judge import aliases, failed, find_users, read
from .language import then


@pytest.fixture
def former_logins() -> dict:
    """Alias -> the userName a person had before an IdP renamed it."""
    return {}


def _user(verify, target_id_of, person: str) -> dict:
    return read(verify, f"/Users/{target_id_of(person)}", f"The user {person}")


@then('the target\'s user "{person}" holds its enterprise attributes in the extension')
def enterprise_attributes(person, verify, target_id_of, cast):
    """Each attribute read back from the extension, where RFC 7643 section 4.3 puts it, not the top level."""
    user = _user(verify, target_id_of, person)
    extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
    held = cast.known_person(person)
    wrong = {name: extension.get(name) for field, name in ENTERPRISE_FIELDS.items()
             if getattr(held, field) is not None and extension.get(name) != getattr(held, field)}
    if wrong:
        expected = {name: getattr(held, field) for field, name in ENTERPRISE_FIELDS.items() if name in wrong}
        raise failed(f"The user {person} must hold {expected} in the {ENTERPRISE} extension; the extension has "
                     f"{wrong}.", verify.record[-1])


@then('the target\'s user "{person}" has the manager "{manager}"')
def has_manager(person, manager, verify, target_id_of):
    user = _user(verify, target_id_of, person)
    actual = manager_id(user)
    if actual != target_id_of(manager):
        raise failed(f"The user {person} must have {manager} ({target_id_of(manager)}) as manager in the enterprise "
                     f"extension; the target has {actual!r}.", verify.record[-1])


@then('the target\'s user "{person}" has no manager')
def has_no_manager(person, verify, target_id_of):
    user = _user(verify, target_id_of, person)
    if manager_id(user):
        raise failed(f"The user {person} must have no manager once it was removed; the target still has "
                     f"{manager_id(user)!r}.", verify.record[-1])


def manager_id(user: dict) -> str | None:
    """The manager's id in the enterprise extension (a {"value"} object or a plain id), None when absent or empty."""
    extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
    manager = extension.get("manager")
    if isinstance(manager, dict):
        return manager.get("value") or None
    return manager or None


def _one_user_found(verify, cast, person: str, active: bool, expectation: str) -> None:
    found, answer = find_users(verify, cast.known_person(person).login)
    if len(found) != 1 or found[0].get("active") is not active:
        raise failed(f"{expectation}; it lists {[(r.get('id'), r.get('active')) for r in found]}.", answer)


@then('a lookup of "{person}" by userName still finds it, inactive')
def lookup_finds_inactive(person, verify, cast):
    """Both IdPs look a user up before creating it; a lookup that hides inactive users makes them create a duplicate."""
    _one_user_found(verify, cast, person, False,
                    f"A lookup of {person} by userName must still find the inactive user (one resource, active false)")


@then('the target holds exactly one user with the userName of "{person}", and it is active')
def exactly_one_active(person, verify, cast):
    _one_user_found(verify, cast, person, True,
                    f"The target must hold exactly one user {cast.known_person(person).login}, active")


@then('the target holds "{person}" under its new userName only')
def renamed(person, verify, cast, former_logins, target_id_of):
    found, answer = find_users(verify, cast.known_person(person).login)
    if len(found) != 1 or found[0].get("id") != target_id_of(person):
        raise failed(f"After the rename, a lookup of the new userName {cast.known_person(person).login} must find the same "
                     f"user ({target_id_of(person)}); it lists {[r.get('id') for r in found]}.", answer)
    old, answer = find_users(verify, former_logins[person])
    if old:
        raise failed(f"After the rename, no user may answer to the old userName {former_logins[person]}.", answer)


@then('the target\'s user "{person}" is gone')
def user_gone(person, verify, cast, target_id_of):
    """A hard delete: 404 by id (RFC 7644 section 3.6) and absent from lookups."""
    answer = verify.get(f"/Users/{target_id_of(person)}")
    if answer.status != 404:
        raise failed(f"The deleted user {person} must answer 404 by id (RFC 7644 section 3.6).", answer)
    found, lookup = find_users(verify, cast.known_person(person).login)
    if found:
        raise failed(f"The deleted user {person} must be absent from lookups.", lookup)


@then('a lookup of "{person}" by userName finds its userName, first email and names as the IdP holds them')
def lookup_matches_the_idp(person, verify, cast):
    """Okta's CRUD test step 4: the lookup's Resources[0] has the userName, emails[0].value and the names Okta sent."""
    held = cast.known_person(person)
    found, answer = find_users(verify, held.login)
    first = found[0] if len(found) == 1 else {}
    emails = first.get("emails") or [{}]
    name = first.get("name") or {}
    actual = (first.get("userName"), emails[0].get("value"), name.get("givenName"), name.get("familyName"))
    expected = (held.login, held.email, held.given_name, held.family_name)
    if actual != expected:
        raise failed(f"A lookup of {person} by userName must list one user with userName, emails[0].value, "
                     f"name.givenName and name.familyName {expected}; the target lists {actual}.", answer)


@then('the target\'s user "{person}" has the roles {roles}')
def has_roles(person, roles, verify, target_id_of):
    """Role values read back from `roles` (RFC 7643 section 4.1.2), each listed once or more, none missing."""
    expected = set(aliases(roles))
    user = _user(verify, target_id_of, person)
    actual = {role.get("value") for role in user.get("roles") or [] if isinstance(role, dict)}
    if not expected <= actual:
        raise failed(f"The user {person} must have the roles {sorted(expected)}; the target has {sorted(actual)}.",
                     verify.record[-1])
