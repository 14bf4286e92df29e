"""Steps spoken by the Entra admin (given/when) and what the Entra admin sees (then)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_bdd import given, parsers, then, when

from scimulator.simulator import ENTRA, EntraEngine
from scimulator.simulator.entra import mapped_attributes
from scimulator.simulator.scim import USER
from .judge import aliases, failed, held_in_target, idp_requests, read

UNITS = {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours", "day": "days", "days": "days"}
# How a disable is written, as the scenarios name it -> (aadOptscim062020, boolean_form) [E2][F16].
DISABLE_FORMS = {'Replace "False"': (False, "string"), "Replace false": (False, "boolean"),
                 "replace false with the flag": (True, "string")}
# Entra attributes a feature file changes -> Person fields; literals written to these go through directory.unique().
CHANGEABLE = {"family name": "family_name", "given name": "given_name", "title": "title", "department": "department",
              "work email": "email", "display name": "display_name"}
UNIQUE_VALUES = {"work email"}


@pytest.fixture
def held_before() -> dict:
    """Alias -> the target id of a user the target held before Entra provisioned it."""
    return {}


@pytest.fixture
def on_demand() -> dict:
    """Alias -> the provisioning-log entries of its last on-demand run."""
    return {}


def _entra(connect, directory, flag: bool, token: str | None = None, **options):
    transport = connect(ENTRA) if token is None else connect(ENTRA, token)
    return EntraEngine(transport, directory, aad_opt_scim062020=flag, **options)


@given("an Entra app connected to the target", target_fixture="entra")
def entra_app(connect, directory, preset):
    """Without the flag, unless the preset's Tenant URL carries it (SingleStore)."""
    flag = bool(preset and preset.entra_flag)
    return _entra(connect, directory, flag=flag)


@given("an Entra app connected to the target with the aadOptscim062020 flag", target_fixture="entra")
def entra_app_flagged(connect, directory):
    return _entra(connect, directory, flag=True)


@given(parsers.parse("an Entra app connected to the target {flag} the aadOptscim062020 flag"), target_fixture="entra")
def entra_app_outline(flag, connect, directory):
    if flag not in ("with", "without"):
        raise ValueError("with or without the flag")
    return _entra(connect, directory, flag=flag == "with")


@given("an Entra app matching users on externalId", target_fixture="entra")
def entra_app_external_id(connect, directory):
    return _entra(connect, directory, flag=False, matching=("externalId",))


@given(parsers.parse("an Entra app connected to the target {flag} the aadOptscim062020 flag, sending the manager in "
                     "the {shape} shape"), target_fixture="entra")
def entra_app_manager_shape(flag, shape, connect, directory):
    return _entra(connect, directory, flag=flag == "with", manager_shape=shape)


@given("an Entra app connected to the target that removes a manager through a value filter", target_fixture="entra")
def entra_app_filtered_manager_removal(connect, directory):
    return _entra(connect, directory, flag=False, manager_removal="remove_filtered")


@given(parsers.parse("an Entra app connected to the target with the roles mapped as {mapping}"), target_fixture="entra")
def entra_app_roles(mapping, connect, directory):
    return _entra(connect, directory, flag=False, roles_mapping=mapping)


@given(parsers.parse("an Entra app connected to the target that disables with {form}"), target_fixture="entra")
def entra_app_disable_form(form, connect, directory):
    flag, boolean_form = DISABLE_FORMS[form]
    return _entra(connect, directory, flag=flag, boolean_form=boolean_form)


@given("an Entra app whose secret token the target does not accept", target_fixture="entra")
def entra_app_bad_token(connect, directory):
    return _entra(connect, directory, flag=False, token="scimulator-wrong-token-0000")


@given(parsers.parse('"{alias}" is assigned to the Entra app'))
def entra_assigned(alias, entra, directory, people):
    people.setdefault(alias, directory.add_person())
    entra.assign_user(people[alias])


@given(parsers.parse('"{alias}" has no email in Entra'))
def entra_no_email(alias, people):
    people[alias].email = None


@given(parsers.parse('"{alias}" is disabled in Entra'))
def entra_disabled(alias, entra, people):
    people[alias].active = False


@given(parsers.parse('"{alias}" has the app role "{role}" in Entra'))
def entra_has_role(alias, role, people):
    people[alias].roles.append(role)


@given(parsers.parse('a user with the object id of "{alias}" as its externalId already exists in the target'))
def existing_user_with_object_id(alias, directory, people, verify, held_before):
    """The user an earlier provisioning, or the vendor's own import, left with Entra's object id [F7]."""
    person = people.setdefault(alias, directory.add_person())
    created = held_in_target(verify, "/Users", {"schemas": [USER], "userName": person.login, "externalId": person.id,
                                               "active": True, "name": {"givenName": person.given_name,
                                                                        "familyName": person.family_name}})
    held_before[alias] = created.get("id")


@given(parsers.parse('the group "{alias}" with the members {members} is assigned to the Entra app'))
def entra_group_assigned(alias, members, entra, directory, people, groups):
    names = aliases(members)
    for name in names:
        people.setdefault(name, directory.add_person())
    groups[alias] = directory.add_group(alias, members=[people[name] for name in names])
    entra.assign_group(groups[alias])


@given("Entra provisioning has started")
@when("Entra provisioning starts")
def entra_start(entra):
    entra.start()


# --- when ------------------------------------------------------------------------------------------

@when(parsers.parse('the Entra admin assigns "{alias}" to the app'))
def entra_assign(alias, entra, directory, people):
    people.setdefault(alias, directory.add_person())
    entra.assign_user(people[alias])


@when("the Entra admin tests the connection", target_fixture="entra_connection")
def entra_test_connection(entra):
    return entra.test_connection()


@when(parsers.parse("{count:d} {unit} pass"))
@when(parsers.parse("{count:d} {unit} passes"))
def time_passes(count, unit, entra):
    entra.advance(timedelta(**{UNITS[unit]: count}))


@when(parsers.parse('the Entra admin changes the {attribute} of "{alias}" to "{value}"'))
def entra_change(attribute, alias, value, entra, people, directory):
    value = directory.unique(value) if attribute in UNIQUE_VALUES else value
    entra.update_user(people[alias], **{CHANGEABLE[attribute]: value})


@when(parsers.parse('the Entra admin changes the enterprise attributes of "{alias}"'))
def entra_change_enterprise(alias, entra, people):
    """New department, employee number, cost center, organization and division; the employee number
    stays unique to the run (it extends the directory's own)."""
    person = people[alias]
    entra.update_user(person, department="Field Operations", employee_number=f"{person.employee_number}7",
                      cost_center="CC-7070", organization="Woodgrove", division="Research")


@when(parsers.parse('the Entra admin changes the userPrincipalName of "{alias}"'))
def entra_rename_upn(alias, entra, people, former_logins):
    person = people[alias]
    former_logins[alias] = person.login
    local, domain = person.login.split("@", 1)
    entra.update_user(person, login=f"{local}.renamed@{domain}")


@when(parsers.parse('the Entra admin makes "{manager}" the manager of "{alias}"'))
def entra_set_manager(manager, alias, entra, people):
    entra.update_user(people[alias], manager_id=people[manager].id)


@when(parsers.parse('the Entra admin removes the manager of "{alias}"'))
def entra_remove_manager(alias, entra, people):
    entra.update_user(people[alias], manager_id=None)


@when(parsers.parse('the Entra admin gives "{alias}" the app role "{role}"'))
def entra_give_role(alias, role, entra, people):
    entra.update_user(people[alias], roles=[*people[alias].roles, role])


@when(parsers.parse('the Entra admin takes the app role "{role}" from "{alias}"'))
def entra_take_role(alias, role, entra, people):
    entra.update_user(people[alias], roles=[r for r in people[alias].roles if r != role])


@when(parsers.parse('the Entra admin permanently deletes "{alias}"'))
def entra_hard_delete(alias, entra, people):
    entra.hard_delete_user(people[alias])


@when(parsers.parse('the Entra admin enables "{alias}"'))
def entra_enable(alias, entra, people):
    entra.enable_user(people[alias])


@when(parsers.parse('the Entra admin provisions "{alias}" on demand'))
def entra_provision_on_demand(alias, entra, people, on_demand):
    on_demand[alias] = entra.provision_on_demand(people[alias])


@when(parsers.parse('the Entra admin provisions the group "{alias}" on demand'))
def entra_provision_group_on_demand(alias, entra, groups, on_demand):
    on_demand[alias] = entra.provision_group_on_demand(groups[alias])


@when(parsers.parse('the Entra admin unassigns the group "{alias}"'))
def entra_unassign_group(alias, entra, groups):
    entra.unassign_group(groups[alias])


@when(parsers.parse('the Entra admin assigns the group "{alias}" again'))
def entra_reassign_group(alias, entra, groups):
    entra.assign_group(groups[alias])


@when(parsers.parse('the Entra admin deletes the group "{alias}"'))
def entra_delete_group(alias, entra, groups):
    entra.delete_group(groups[alias])


@when(parsers.parse('the Entra admin unassigns "{alias}"'))
def entra_unassign(alias, entra, people):
    entra.unassign_user(people[alias])


@when(parsers.parse('the Entra admin disables "{alias}"'))
def entra_disable(alias, entra, people):
    entra.disable_user(people[alias])


@when(parsers.parse('the Entra admin deletes "{alias}"'))
def entra_soft_delete(alias, entra, people):
    entra.soft_delete_user(people[alias])


@when(parsers.parse('the Entra admin restores "{alias}"'))
def entra_restore(alias, entra, people):
    entra.restore_user(people[alias])


@when(parsers.parse('the Entra admin removes "{person}" from the group "{alias}"'))
def entra_remove_member(person, alias, entra, people, groups):
    entra.remove_member(groups[alias], people[person])


@when(parsers.parse('the Entra admin adds "{person}" to the group "{alias}"'))
def entra_add_member(person, alias, entra, people, groups, directory):
    people.setdefault(person, directory.add_person())
    entra.add_member(groups[alias], people[person])


@when(parsers.parse('the Entra admin renames the group "{alias}" to "{name}"'))
def entra_rename(alias, name, entra, groups, directory):
    entra.rename_group(groups[alias], directory.prefix + name)


# --- then: what the Entra admin sees ---------------------------------------------------------------

@then("the Entra connection test succeeds")
def entra_connection_ok(entra_connection, exchanges):
    ok, message = entra_connection
    if not ok:
        raise failed(f"Entra's Test Connection must succeed; it said: {message}", idp_requests(exchanges)[-1])


@then("the Entra provisioning log shows no failures")
def entra_no_failures(entra, exchanges):
    failures = entra.failures()
    if failures or entra.quarantine:
        problem = failures[0].message if failures else entra.quarantine.detail
        failing = [x for x in idp_requests(exchanges) if not x.ok]
        raise failed(f"Entra's provisioning log must show no failure; it shows: {problem}", failing[0] if failing else None)


@then(parsers.parse('Entra is in quarantine with the reason "{reason}"'))
def entra_quarantined(reason, entra):
    if entra.quarantine is None or entra.quarantine.reason != reason:
        raise failed(f"Entra should be in quarantine ({reason}); it is "
                     f"{'not in quarantine' if entra.quarantine is None else entra.quarantine.reason}.")


@then("Entra is not in quarantine")
def entra_not_quarantined(entra, exchanges):
    if entra.quarantine is not None:
        failing = [x for x in idp_requests(exchanges) if not x.ok]
        raise failed(f"Entra must not quarantine this job; it did: {entra.quarantine.detail}", failing[0] if failing else None)


@then(parsers.parse("Entra's next cycle is {count:d} {unit} later"))
def entra_next_cycle(count, unit, entra):
    expected = timedelta(**{UNITS[unit]: count})
    if entra.next_cycle - entra.clock.now() != expected:
        raise failed(f"Entra's next cycle should come {count} {unit} later; it comes at {entra.next_cycle}.")


@then(parsers.parse('Entra\'s on-demand provisioning of "{alias}" succeeded'))
def entra_on_demand_ok(alias, on_demand, exchanges):
    entries = on_demand.get(alias) or []
    failures = [entry for entry in entries if entry.status == "failure"]
    if not entries or failures:
        failing = [x for x in idp_requests(exchanges) if not x.ok]
        raise failed(f"Entra's provision on demand of {alias} must succeed; its log shows "
                     f"{failures[0].message if failures else 'nothing sent'}.", failing[0] if failing else None)


@then(parsers.parse('Entra created "{alias}" only once'))
def entra_created_once(alias, people, exchanges):
    """A user Entra finds by its lookup is PATCHed, never POSTed again (a second POST means the lookup missed it)."""
    posts = [x for x in idp_requests(exchanges, "POST", "/Users")
             if isinstance(x.request_body, dict) and x.request_body.get("userName") == people[alias].login]
    if len(posts) != 1:
        raise failed(f"Entra should have created {alias} once and found it by its lookup after; it sent "
                     f"{len(posts)} POSTs.", posts[-1] if posts else None)


@then(parsers.parse('Entra linked "{alias}" to the user the target already held'))
def entra_linked(alias, held_before, target_id_of, exchanges):
    if target_id_of(alias) != held_before[alias]:
        posts = idp_requests(exchanges, "POST", "/Users")
        raise failed(f"Entra's lookup should have found the user the target held ({held_before[alias]}) and "
                     f"linked {alias} to it; it linked {target_id_of(alias)}.", posts[-1] if posts else None)


@then(parsers.parse('the target\'s user "{alias}" holds the attributes Entra sent'))
def entra_attributes_held(alias, entra, people, verify, target_id_of):
    """Every mapped attribute read back as Entra's comparison reads it (values stored as sent [E1])."""
    user = mapped_attributes(read(verify, f"/Users/{target_id_of(alias)}", f"The user {alias}"))
    wanted = entra.user_attributes(people[alias])
    wrong = {path: user.get(path) for path, value in wanted.items() if user.get(path) != value}
    if wrong:
        raise failed(f"The user {alias} must hold what Entra sent, {({p: wanted[p] for p in wrong})}; the target has "
                     f"{wrong}.", verify.record[-1])


@then(parsers.parse('Entra sent no DELETE for "{alias}"'))
def entra_no_delete(alias, exchanges):
    deletes = idp_requests(exchanges, "DELETE", "/Users/")
    if deletes:
        raise failed("Entra disables on unassignment; it must not delete.", deletes[0])


@then(parsers.parse('Entra sent a DELETE for "{alias}" that the target accepted'))
def entra_delete(alias, exchanges, target_id_of):
    deletes = idp_requests(exchanges, "DELETE", f"/Users/{target_id_of(alias)}")
    if not deletes or deletes[-1].status != 204:
        raise failed("Entra's hard delete expects 204.", deletes[-1] if deletes else None)


@then(parsers.parse('Entra put "{alias}" in escrow and retried it {first:d}, {second:d} and {third:d} hours after the '
                    'failure'))
def entra_escrow(alias, first, second, third, entra, people):
    attempts = [entry.at for entry in entra.log if entry.source_id == people[alias].id and entry.action == "Create"]
    if len(attempts) < 4:
        raise failed(f"Entra should have retried {alias} in escrow; it tried {len(attempts)} times.")
    gaps = [round((b - attempts[0]).total_seconds() / 3600) for b in attempts[1:4]]
    if gaps != [first, second, third]:
        raise failed(f"Entra's escrow retries come {first}, {second} and {third} hours after the failure; they came "
                     f"{gaps} hours after it.")
