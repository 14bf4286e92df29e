"""Steps spoken by the Okta admin (given/when) and what the Okta admin sees (then)."""

from __future__ import annotations

import pytest

from scimulator.simulator import OKTA, OktaEngine
from scimulator.simulator.scim import USER
from scimulator.simulator.attributes import ATTRIBUTES
from .cast import kept_unique
from .judge import failed, idp_requests
from .language import OKTA_FLAVOURS, UNLINK_CHOICES, given, then, when


@pytest.fixture
def reassigned() -> dict:
    """Alias -> (the target id Okta had linked, how many exchanges came before the reassignment)."""
    return {}


# --- given -----------------------------------------------------------------------------------------

@given("an Okta {flavour} app connected to the target", target_fixture="okta")
def okta_app(flavour, connect, directory):
    """OIN PATCHes activation, AIW PUTs the whole user."""
    return OktaEngine(connect(OKTA), directory, flavour=OKTA_FLAVOURS[flavour])


@given("an Okta {flavour} app with the enterprise attributes mapped", target_fixture="okta")
def okta_app_with_enterprise_attributes(flavour, connect, directory):
    """Creates and PUTs carry the enterprise extension under its URN."""
    return OktaEngine(connect(OKTA), directory, flavour=OKTA_FLAVOURS[flavour], enterprise_attributes=True)


@given('an Okta OIN app whose lookups encode spaces as "{space}"', target_fixture="okta")
def okta_app_encoding_spaces(space, connect, directory):
    """`filter=userName+eq+%22…%22`, as Okta's 2018 capture shows it."""
    return OktaEngine(connect(OKTA), directory, query_space=space)


@given("an Okta {flavour} app whose group creates carry the members", target_fixture="okta")
def okta_app_creating_groups_with_members(flavour, connect, directory):
    """`POST /Groups` with the provisioned members."""
    return OktaEngine(connect(OKTA), directory, flavour=OKTA_FLAVOURS[flavour], group_create_members=True)


@given("an Okta app connected to the target", target_fixture="okta")
def okta_app_of_preset(connect, directory, preset):
    """The flavour the preset documents (SingleStore: AIW), or an OIN app without a preset."""
    return OktaEngine(connect(OKTA), directory, flavour=preset.okta_flavour if preset else "oin")


@given('a person "{person}" in the Okta directory')
def okta_person(person, cast):
    """Nothing is sent."""
    cast.person(person)


@given('"{person}" is assigned to the app and provisioned')
def assigned_and_provisioned(person, okta, cast):
    """Lookup, then POST (or link)."""
    task = okta.assign(cast.person(person))
    if task.status != "completed":
        raise failed(f"Setting up: Okta could not provision {person}: {task.message}")


@given('a group "{group}" with the members {members}')
def okta_group(group, members, cast):
    """Nothing is sent."""
    cast.group(group, members=cast.people_named(members))


@given('an empty group "{group}"')
def okta_empty_group(group, cast):
    cast.group(group)


@given('the group "{group}" is pushed')
def group_pushed(group, okta, cast):
    """Group Push."""
    task = okta.push_group(cast.group(group))
    if task.status != "completed":
        raise failed(f"Setting up: Okta could not push {group}: {task.message}")


# --- when ------------------------------------------------------------------------------------------

@when("the Okta admin tests the connector configuration", target_fixture="connection_test")
def okta_test_connection(okta):
    """`GET /Users?startIndex=1&count=2`, `GET /Groups?startIndex=1&count=100`."""
    return okta.test_connection()


@when('the Okta admin assigns "{person}" to the app')
def okta_assign(person, okta, cast):
    """`GET /Users?filter=userName eq "…"&startIndex=1&count=100`, then POST or GET+PUT."""
    okta.assign(cast.person(person))


@when('the Okta admin changes the {okta_attribute} of "{person}" to "{value}"')
def okta_change(okta_attribute, person, value, okta, cast, directory):
    """GET + PUT of the whole user; a value a server may keep unique (email, employee number) is made unique."""
    changed = cast.person(person)
    setattr(changed, ATTRIBUTES[okta_attribute].field, kept_unique(okta_attribute, value, directory))
    if okta_attribute in ("given name", "family name"):
        changed.display_name = f"{changed.given_name} {changed.family_name}"  # Okta's displayName follows the names
    okta.push_profile(changed)


@when('the Okta admin changes the Okta username of "{person}"')
def okta_rename(person, okta, cast, former_logins):
    """GET + PUT with a new login, still under the scenario's prefix: the old one with ".renamed" before the @."""
    renamed = cast.person(person)
    former_logins[person] = renamed.login
    local, domain = renamed.login.split("@", 1)
    okta.rename(renamed, f"{local}.renamed@{domain}")


@when('the Okta admin assigns "{person}" to the app again')
def okta_reassign(person, okta, cast, exchanges, reassigned):
    """After an unassignment: lookup, link, profile push, activation."""
    reassigned[person] = (okta.user_links.get(cast.person(person).id), len(exchanges))
    okta.assign(cast.person(person))


@when('the Okta admin unassigns "{person}" from the app')
def okta_unassign(person, okta, cast):
    """PATCH (OIN) or PUT (AIW) with `active: false`."""
    okta.deactivate(cast.person(person), reason="unassigned")


@when('the Okta admin {okta_action} the Okta user "{person}"')
def okta_suspend_or_deactivate(okta_action, person, okta, cast):
    """The same deactivation as an unassignment."""
    okta.deactivate(cast.person(person), reason=okta_action)


@when('the Okta admin reactivates "{person}"')
def okta_reactivate(person, okta, cast):
    """`active: true`."""
    okta.reactivate(cast.person(person))


@when('the Okta admin resets the password of "{person}"')
def okta_password(person, okta, cast):
    """Password sync."""
    okta.sync_password(cast.person(person))


@when('Okta sends the create of "{person}" again, as it does when its lookup missed')
def okta_create_again(person, okta, cast):
    """POST /Users of a user the target already holds."""
    okta.create_again(cast.person(person))


@when('the Okta admin pushes the group "{group}"')
def okta_push(group, okta, cast):
    """Lookup by displayName, POST, replace of id and displayName, member add."""
    okta.push_group(cast.group(group))


@when('the Okta admin adds "{person}" to the pushed group "{group}"')
def okta_add_member(person, group, okta, cast):
    """Member PATCH (OIN) or GET + PUT (AIW)."""
    okta.change_members(cast.group(group), added=[cast.person(person)])


@when('the Okta admin removes "{person}" from the pushed group "{group}"')
def okta_remove_member(person, group, okta, cast):
    """Member PATCH (OIN) or GET + PUT (AIW)."""
    okta.change_members(cast.group(group), removed=[cast.person(person)])


@when('the Okta admin clicks Push Now on "{group}"')
def okta_push_now(group, okta, cast):
    """Replace of all members."""
    okta.push_now(cast.group(group))


@when('the Okta admin empties "{group}" in Okta and clicks Push Now')
def okta_empty_and_push_now(group, okta, cast):
    """Replace of all members, with none."""
    cast.group(group).members.clear()
    okta.push_now(cast.group(group))


@when('the Okta admin renames the pushed group "{group}" to "{new_name}"')
def okta_rename_group(group, new_name, okta, cast, directory):
    """Replace of id and displayName; later steps name the group by its new name."""
    okta.rename_group(cast.group(group), directory.prefix + new_name)
    cast.rename_group(group, new_name)


@when('the Okta admin unlinks the pushed group "{group}" and {unlink_choice}')
def okta_unlink(group, unlink_choice, okta, cast):
    """DELETE of the group, or nothing."""
    okta.unlink_group(cast.group(group), delete_in_target=UNLINK_CHOICES[unlink_choice])


@when('the Okta admin pushes the group "{group}" again')
def okta_push_again(group, okta, cast):
    okta.push_group(cast.group(group))


@when("the Okta admin imports users")
def okta_import(okta):
    """Pages of 100."""
    okta.import_all("/Users")


# --- then: what the Okta admin sees ----------------------------------------------------------------

@then("the connection test succeeds")
def connection_succeeds(connection_test, exchanges):
    if not connection_test.ok:
        raise failed(f"Okta's connection test must succeed; it said: {connection_test.message}",
                     idp_requests(exchanges)[-1] if idp_requests(exchanges) else None)


@then("Okta shows no provisioning errors")
def okta_no_errors(okta, exchanges):
    failures = okta.failed_tasks
    if failures or okta.push_errors:
        last = idp_requests(exchanges)[-1] if idp_requests(exchanges) else None
        shown = "; ".join(f"{t.action} {t.subject}: {t.message}" for t in failures) or "; ".join(okta.push_errors.values())
        raise failed(f"Okta must show no provisioning error; it shows: {shown}", last)


@then('Okta shows a failed task for "{person}" mentioning "{text}"')
def okta_failed_task(person, text, okta, cast):
    login = cast.known_person(person).login
    if not any(t.subject == login and t.status == "failed" and text in t.message for t in okta.tasks):
        raise failed(f"Okta should show a failed task for {person} mentioning {text!r}; its tasks are: "
                     f"{[(t.action, t.status, t.message) for t in okta.tasks if t.subject == login]}")


@then("the Okta provisioning job is stopped")
def okta_job_stopped(okta):
    if not okta.job_stopped:
        raise failed("Okta stops the provisioning job on a 409 to a create; it did not stop.")


@then('the Okta push error for "{group}" mentions "{text}"')
def okta_push_error(group, text, okta, cast):
    error = okta.push_errors.get(cast.known_group(group).id, "")
    if text not in error:
        creates = idp_requests(okta.http.record, "POST", "/Groups")
        raise failed(f"Push Groups > Errors should show {text!r} for {group}; it shows {error or 'nothing'!r}.",
                     creates[-1] if creates else None)


@then('Okta looked up "{person}" by userName with startIndex=1 and count=100 before anything else')
def okta_looked_up_first(person, cast, exchanges):
    first = idp_requests(exchanges)[0]
    login = cast.known_person(person).login.replace("@", "%40")
    if first.method != "GET" or f"filter=userName%20eq%20%22{login}%22&startIndex=1&count=100" not in first.url:
        raise failed("Okta's first request for an assignment is the lookup by userName.", first)


@then("Okta sent no DELETE")
def okta_no_delete(exchanges):
    deletes = idp_requests(exchanges, "DELETE")
    if deletes:
        raise failed("Okta never deletes a user.", deletes[0])


@then('Okta sent no POST to "{endpoint}"')
def okta_no_post(endpoint, exchanges):
    posts = idp_requests(exchanges, "POST", endpoint)
    if posts:
        raise failed(f"Okta was expected to link, not create: it sent a POST to {endpoint}.", posts[0])


@then('Okta updated "{person}" with a GET then a PUT of the whole user')
def okta_get_put(person, okta, cast, exchanges):
    target = okta.user_links[cast.known_person(person).id]
    sent = [(x.method, x.url.split("?")[0].rsplit("/", 1)[-1]) for x in idp_requests(exchanges)]
    if ("GET", target) not in sent or ("PUT", target) not in sent:
        raise failed(f"Okta pushes a profile as GET + PUT of /Users/{target}; it sent {sent[-3:]}.")
    put = [x for x in idp_requests(exchanges, "PUT") if x.url.endswith(target)][-1]
    if put.status != 200 or not isinstance(put.response_body, dict) or USER not in put.response_body.get("schemas", []):
        raise failed("The target must answer Okta's PUT with 200 and the updated user.", put)


@then('Okta sent a DELETE of the group "{group}"')
def okta_deleted_group(group, exchanges):
    deletes = idp_requests(exchanges, "DELETE", "/Groups/")
    if not deletes or deletes[-1].status not in (200, 204):
        raise failed("Unlinking with 'Delete the group in the target app' sends a DELETE the target must accept (204).",
                     deletes[-1] if deletes else None)


@then('Okta linked "{person}" again to the user it had created, without a POST')
def okta_relinked(person, okta, cast, exchanges, reassigned):
    """A reassignment finds the deactivated user by its lookup and links it [O1]; a POST would be a duplicate."""
    before, start = reassigned[person]
    posts = idp_requests(exchanges[start:], "POST", "/Users")
    if posts:
        raise failed(f"Reassigning {person} must link the user the target holds; Okta's lookup missed it and it sent a "
                     "create.", posts[0])
    linked = okta.user_links.get(cast.known_person(person).id)
    if linked != before:
        raise failed(f"Reassigning {person} must link the same target user {before}; Okta linked {linked}.")


@then('Okta\'s lookup of "{person}" encoded the spaces of its filter as "{space}"')
def okta_lookup_encoding(person, space, cast, exchanges):
    local_part = cast.known_person(person).login.split("@")[0]
    lookups = [x for x in idp_requests(exchanges, "GET", "/Users?filter=") if local_part in x.url]
    lookup = lookups[0] if lookups else None
    if lookup is None or f"filter=userName{space}eq{space}%22" not in lookup.url:
        raise failed(f"The scenario sends Okta's lookup with spaces encoded as {space!r}.", lookup)


@then('Okta\'s DELETE of the group "{group}" carried a Content-Type and no body, and the target accepted it')
def okta_delete_with_content_type(group, exchanges):
    """Okta's 2018 capture [F18]: the group DELETE carries the write Content-Type with an empty body; 204 answers it."""
    deletes = idp_requests(exchanges, "DELETE", "/Groups/")
    delete = deletes[-1] if deletes else None
    if delete is None or "Content-Type" not in delete.request_headers or delete.request_body is not None:
        raise failed("The scenario sends Okta's DELETE with its Content-Type and no body.", delete)
    if delete.status not in (200, 204):
        raise failed(f"The target must accept Okta's DELETE of {group}, which carries a Content-Type and no body "
                     "(answer 204).", delete)
