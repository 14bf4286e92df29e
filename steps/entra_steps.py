"""Steps spoken by the Entra admin (given/when) and what the Entra admin sees (then)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scimulator.simulator import ENTRA, EntraEngine
from scimulator.simulator.entra import mapped_attributes
from scimulator.simulator.attributes import ATTRIBUTES
from scimulator.simulator.scim import USER
from .cast import kept_unique
from .judge import failed, held_in_target, idp_requests, read
from .language import DISABLE_FORMS, FLAGS, TIME_UNITS, given, then, when

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


@given("an Entra app connected to the target {flag} the aadOptscim062020 flag", target_fixture="entra")
def entra_app_outline(flag, connect, directory):
    """The engine and its PATCH dialect."""
    return _entra(connect, directory, flag=FLAGS[flag])


@given("an Entra app matching users on externalId", target_fixture="entra")
def entra_app_external_id(connect, directory):
    """Matching priority externalId: externalId carries the object id, looked up as `externalId eq "<guid>"`."""
    return _entra(connect, directory, flag=False, matching=("externalId",))


@given("an Entra app connected to the target {flag} the aadOptscim062020 flag, sending the manager in "
       "the {manager_shape} shape", target_fixture="entra")
def entra_app_manager_shape(flag, manager_shape, connect, directory):
    """The manager as `path: manager` with a `$ref` list (documented), or the enterprise-URN path with a plain id."""
    return _entra(connect, directory, flag=FLAGS[flag], manager_shape=manager_shape)


@given("an Entra app connected to the target that removes a manager through a value filter", target_fixture="entra")
def entra_app_filtered_manager_removal(connect, directory):
    """A removed manager goes as `{"op":"remove","path":"manager[value eq \\"<id>\\"]"}` [F24]."""
    return _entra(connect, directory, flag=False, manager_removal="remove_filtered")


@given("an Entra app connected to the target with the roles mapped as {role_mapping}", target_fixture="entra")
def entra_app_roles(role_mapping, connect, directory):
    """How roles are created and added."""
    return _entra(connect, directory, flag=False, roles_mapping=role_mapping)


@given("an Entra app connected to the target that disables with {disable_form}", target_fixture="entra")
def entra_app_disable_form(disable_form, connect, directory):
    """The disable value's form."""
    flag, boolean_form = DISABLE_FORMS[disable_form]
    return _entra(connect, directory, flag=flag, boolean_form=boolean_form)


@given("an Entra app whose secret token the target does not accept", target_fixture="entra")
def entra_app_bad_token(connect, directory):
    """A wrong bearer token."""
    return _entra(connect, directory, flag=False, token="scimulator-wrong-token-0000")


@given('"{person}" is assigned to the Entra app')
def entra_assigned(person, entra, cast):
    """In scope at the next cycle."""
    entra.assign_user(cast.person(person))


@given('"{person}" has no email in Entra')
def entra_no_email(person, cast):
    cast.person(person).email = None


@given('"{person}" is disabled in Entra')
def entra_disabled(person, entra, cast):
    cast.person(person).active = False


@given('"{person}" has the app role "{role}" in Entra')
def entra_has_role(person, role, cast):
    cast.person(person).roles.append(role)


@given('a user with the object id of "{person}" as its externalId already exists in the target')
def existing_user_with_object_id(person, cast, verify, held_before):
    """The user an earlier provisioning, or the vendor's own import, left with Entra's object id [F7]."""
    held = cast.person(person)
    created = held_in_target(verify, "/Users", {"schemas": [USER], "userName": held.login, "externalId": held.id,
                                               "active": True, "name": {"givenName": held.given_name,
                                                                        "familyName": held.family_name}})
    held_before[person] = created.get("id")


@given('the group "{group}" with the members {members} is assigned to the Entra app')
def entra_group_assigned(group, members, entra, cast):
    """The group and its members in scope."""
    entra.assign_group(cast.group(group, members=cast.people_named(members)))


@given("Entra provisioning has started")
@when("Entra provisioning starts")
def entra_start(entra):
    """The initial cycle, now."""
    entra.start()


# --- when ------------------------------------------------------------------------------------------

@when('the Entra admin assigns "{person}" to the app')
def entra_assign(person, entra, cast):
    """In scope at the next cycle."""
    entra.assign_user(cast.person(person))


@when("the Entra admin tests the connection", target_fixture="entra_connection")
def entra_test_connection(entra):
    """A filter on a random GUID."""
    return entra.test_connection()


@when("{count:d} {unit} pass", example="40 minutes pass")
@when("{count:d} {unit} passes", example="1 day passes")
def time_passes(count, unit, entra):
    """Every cycle that falls due runs."""
    entra.advance(timedelta(**{TIME_UNITS[unit]: count}))


@when('the Entra admin changes the {entra_attribute} of "{person}" to "{value}"')
def entra_change(entra_attribute, person, value, entra, cast, directory):
    """A PATCH at the next cycle; a value a server may keep unique (email, employee number) is made unique."""
    entra.update_user(cast.person(person),
                      **{ATTRIBUTES[entra_attribute].field: kept_unique(entra_attribute, value, directory)})


@when('the Entra admin changes the enterprise attributes of "{person}"')
def entra_change_enterprise(person, entra, cast):
    """New department, employee number, cost center, organization and division; the employee number
    stays unique to the run (it extends the directory's own)."""
    changed = cast.person(person)
    entra.update_user(changed, department="Field Operations", employee_number=f"{changed.employee_number}7",
                      cost_center="CC-7070", organization="Woodgrove", division="Research")


@when('the Entra admin changes the userPrincipalName of "{person}"')
def entra_rename_upn(person, entra, cast, former_logins):
    """`Replace userName` (the old one kept for the checks)."""
    renamed = cast.person(person)
    former_logins[person] = renamed.login
    local, domain = renamed.login.split("@", 1)
    entra.update_user(renamed, login=f"{local}.renamed@{domain}")


@when('the Entra admin makes "{manager}" the manager of "{person}"')
def entra_set_manager(manager, person, entra, cast):
    """GET, then `Add` on the manager."""
    entra.update_user(cast.person(person), manager_id=cast.person(manager).id)


@when('the Entra admin removes the manager of "{person}"')
def entra_remove_manager(person, entra, cast):
    """`Replace` with `""`, or the engine's removal form."""
    entra.update_user(cast.person(person), manager_id=None)


@when('the Entra admin gives "{person}" the app role "{role}"')
def entra_give_role(person, role, entra, cast):
    """A roles PATCH."""
    entra.update_user(cast.person(person), roles=[*cast.person(person).roles, role])


@when('the Entra admin takes the app role "{role}" from "{person}"')
def entra_take_role(person, role, entra, cast):
    """A roles PATCH (taken roles are never removed)."""
    entra.update_user(cast.person(person), roles=[r for r in cast.person(person).roles if r != role])


@when('the Entra admin permanently deletes "{person}"')
def entra_hard_delete(person, entra, cast):
    """DELETE at the next cycle."""
    entra.hard_delete_user(cast.person(person))


@when('the Entra admin enables "{person}"')
def entra_enable(person, entra, cast):
    """`active` true at the next cycle."""
    entra.enable_user(cast.person(person))


@when('the Entra admin provisions "{person}" on demand')
def entra_provision_on_demand(person, entra, cast, on_demand):
    """At once: GUID probe, lookup, create or PATCH, flagless dialect."""
    on_demand[person] = entra.provision_on_demand(cast.person(person))


@when('the Entra admin provisions the group "{group}" on demand')
def entra_provision_group_on_demand(group, entra, cast, on_demand):
    on_demand[group] = entra.provision_group_on_demand(cast.group(group))


@when('the Entra admin unassigns the group "{group}"')
def entra_unassign_group(group, entra, cast):
    """Group DELETE."""
    entra.unassign_group(cast.group(group))


@when('the Entra admin assigns the group "{group}" again')
def entra_reassign_group(group, entra, cast):
    """Created again at the next cycle."""
    entra.assign_group(cast.group(group))


@when('the Entra admin deletes the group "{group}"')
def entra_delete_group(group, entra, cast):
    entra.delete_group(cast.group(group))


@when('the Entra admin unassigns "{person}"')
def entra_unassign(person, entra, cast):
    """A disable at the next cycle."""
    entra.unassign_user(cast.person(person))


@when('the Entra admin disables "{person}"')
def entra_disable(person, entra, cast):
    entra.disable_user(cast.person(person))


@when('the Entra admin deletes "{person}"')
def entra_soft_delete(person, entra, cast):
    """A soft delete: disabled, DELETE after 30 days."""
    entra.soft_delete_user(cast.person(person))


@when('the Entra admin restores "{person}"')
def entra_restore(person, entra, cast):
    entra.restore_user(cast.person(person))


@when('the Entra admin removes "{person}" from the group "{group}"')
def entra_remove_member(person, group, entra, cast):
    """A member PATCH."""
    entra.remove_member(cast.group(group), cast.person(person))


@when('the Entra admin adds "{person}" to the group "{group}"')
def entra_add_member(person, group, entra, cast):
    """A member PATCH."""
    entra.add_member(cast.group(group), cast.person(person))


@when('the Entra admin renames the group "{group}" to "{new_name}"')
def entra_rename(group, new_name, entra, cast, directory):
    """A displayName PATCH; later steps name the group by its new name."""
    entra.rename_group(cast.group(group), directory.prefix + new_name)
    cast.rename_group(group, new_name)


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


@then('Entra is in quarantine with the reason "{reason}"')
def entra_quarantined(reason, entra):
    if entra.quarantine is None or entra.quarantine.reason != reason:
        raise failed(f"Entra should be in quarantine ({reason}); it is "
                     f"{'not in quarantine' if entra.quarantine is None else entra.quarantine.reason}.")


@then("Entra is not in quarantine")
def entra_not_quarantined(entra, exchanges):
    if entra.quarantine is not None:
        failing = [x for x in idp_requests(exchanges) if not x.ok]
        raise failed(f"Entra must not quarantine this job; it did: {entra.quarantine.detail}", failing[0] if failing else None)


@then("Entra's next cycle is {count:d} {unit} later")
def entra_next_cycle(count, unit, entra):
    expected = timedelta(**{TIME_UNITS[unit]: count})
    if entra.next_cycle - entra.clock.now() != expected:
        raise failed(f"Entra's next cycle should come {count} {unit} later; it comes at {entra.next_cycle}.")


@then('Entra\'s on-demand provisioning of "{person}" succeeded')
def entra_on_demand_ok(person, on_demand, exchanges):
    _on_demand_succeeded(person, on_demand, exchanges)


@then('Entra\'s on-demand provisioning of the group "{group}" succeeded')
def entra_group_on_demand_ok(group, on_demand, exchanges):
    _on_demand_succeeded(group, on_demand, exchanges)


def _on_demand_succeeded(alias: str, on_demand: dict, exchanges: list) -> None:
    entries = on_demand.get(alias) or []
    failures = [entry for entry in entries if entry.status == "failure"]
    if not entries or failures:
        failing = [x for x in idp_requests(exchanges) if not x.ok]
        raise failed(f"Entra's provision on demand of {alias} must succeed; its log shows "
                     f"{failures[0].message if failures else 'nothing sent'}.", failing[0] if failing else None)


@then('Entra created "{person}" only once')
def entra_created_once(person, cast, exchanges):
    """A user Entra finds by its lookup is PATCHed, never POSTed again (a second POST means the lookup missed it)."""
    posts = [x for x in idp_requests(exchanges, "POST", "/Users")
             if isinstance(x.request_body, dict) and x.request_body.get("userName") == cast.known_person(person).login]
    if len(posts) != 1:
        raise failed(f"Entra should have created {person} once and found it by its lookup after; it sent "
                     f"{len(posts)} POSTs.", posts[-1] if posts else None)


@then('Entra linked "{person}" to the user the target already held')
def entra_linked(person, held_before, target_id_of, exchanges):
    if target_id_of(person) != held_before[person]:
        posts = idp_requests(exchanges, "POST", "/Users")
        raise failed(f"Entra's lookup should have found the user the target held ({held_before[person]}) and "
                     f"linked {person} to it; it linked {target_id_of(person)}.", posts[-1] if posts else None)


@then('the target\'s user "{person}" holds the attributes Entra sent')
def entra_attributes_held(person, entra, cast, verify, target_id_of):
    """Every mapped attribute read back as Entra's comparison reads it (values stored as sent [E1])."""
    user = mapped_attributes(read(verify, f"/Users/{target_id_of(person)}", f"The user {person}"))
    wanted = entra.user_attributes(cast.known_person(person))
    wrong = {path: user.get(path) for path, value in wanted.items() if user.get(path) != value}
    if wrong:
        raise failed(f"The user {person} must hold what Entra sent, {({p: wanted[p] for p in wrong})}; the target has "
                     f"{wrong}.", verify.record[-1])


@then('Entra sent no DELETE for "{person}"')
def entra_no_delete(person, exchanges):
    deletes = idp_requests(exchanges, "DELETE", "/Users/")
    if deletes:
        raise failed("Entra disables on unassignment; it must not delete.", deletes[0])


@then('Entra sent a DELETE for "{person}" that the target accepted')
def entra_delete(person, exchanges, target_id_of):
    deletes = idp_requests(exchanges, "DELETE", f"/Users/{target_id_of(person)}")
    if not deletes or deletes[-1].status != 204:
        raise failed("Entra's hard delete expects 204.", deletes[-1] if deletes else None)


@then('Entra put "{person}" in escrow and retried it {first:d}, {second:d} and {third:d} hours after the '
      'failure')
def entra_escrow(person, first, second, third, entra, cast):
    attempts = [entry.at for entry in entra.log if entry.source_id == cast.known_person(person).id
                and entry.action == "Create"]
    if len(attempts) < 4:
        raise failed(f"Entra should have retried {person} in escrow; it tried {len(attempts)} times.")
    gaps = [round((b - attempts[0]).total_seconds() / 3600) for b in attempts[1:4]]
    if gaps != [first, second, third]:
        raise failed(f"Entra's escrow retries come {first}, {second} and {third} hours after the failure; they came "
                     f"{gaps} hours after it.")
