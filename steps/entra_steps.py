"""Steps spoken by the Entra admin (given/when) and what the Entra admin sees (then)."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from simulator import ENTRA, EntraEngine
from steps.judge import aliases, failed, idp_requests

UNITS = {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours", "day": "days", "days": "days"}


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
def entra_change(attribute, alias, value, entra, people):
    field = {"family name": "family_name", "given name": "given_name", "title": "title", "department": "department",
             "work email": "email", "display name": "display_name"}[attribute]
    entra.update_user(people[alias], **{field: value})


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
