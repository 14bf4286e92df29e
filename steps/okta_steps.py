"""Steps spoken by the Okta admin (given/when) and what the Okta admin sees (then)."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from scimulator.simulator import OKTA, OktaEngine
from scimulator.simulator.scim import USER
from .judge import aliases, failed, idp_requests

FLAVOURS = {"OIN": "oin", "AIW": "aiw"}
# Gherkin name -> (Person field, whether a server may keep the value unique, so it is made unique to the run).
PROFILE_FIELDS = {"given name": ("given_name", False), "email": ("email", True), "department": ("department", False),
                  "cost center": ("cost_center", False), "employee number": ("employee_number", True),
                  "organization": ("organization", False), "division": ("division", False)}


@pytest.fixture
def reassigned() -> dict:
    """Alias -> (the target id Okta had linked, how many exchanges came before the reassignment)."""
    return {}


# --- given -----------------------------------------------------------------------------------------

@given(parsers.parse("an Okta {flavour} app connected to the target"), target_fixture="okta")
def okta_app(flavour, connect, directory):
    return OktaEngine(connect(OKTA), directory, flavour=FLAVOURS[flavour])


@given(parsers.parse("an Okta {flavour} app with the enterprise attributes mapped"), target_fixture="okta")
def okta_app_with_enterprise_attributes(flavour, connect, directory):
    return OktaEngine(connect(OKTA), directory, flavour=FLAVOURS[flavour], enterprise_attributes=True)


@given(parsers.parse('an Okta OIN app whose lookups encode spaces as "{space}"'), target_fixture="okta")
def okta_app_encoding_spaces(space, connect, directory):
    return OktaEngine(connect(OKTA), directory, query_space=space)


@given(parsers.parse("an Okta {flavour} app whose group creates carry the members"), target_fixture="okta")
def okta_app_creating_groups_with_members(flavour, connect, directory):
    return OktaEngine(connect(OKTA), directory, flavour=FLAVOURS[flavour], group_create_members=True)


@given("an Okta app connected to the target", target_fixture="okta")
def okta_app_of_preset(connect, directory, preset):
    """The flavour the preset documents (SingleStore: AIW), or an OIN app without a preset."""
    return OktaEngine(connect(OKTA), directory, flavour=preset.okta_flavour if preset else "oin")


@given(parsers.parse('a person "{alias}" in the Okta directory'))
def okta_person(alias, directory, people):
    people[alias] = directory.add_person()


@given(parsers.parse('"{alias}" is assigned to the app and provisioned'))
def assigned_and_provisioned(alias, okta, directory, people):
    people.setdefault(alias, directory.add_person())
    task = okta.assign(people[alias])
    if task.status != "completed":
        raise failed(f"Setting up: Okta could not provision {alias}: {task.message}")


@given(parsers.parse('a group "{alias}" with the members {members}'))
def okta_group(alias, members, directory, people, groups):
    groups[alias] = directory.add_group(alias, members=[people[name] for name in aliases(members)])


@given(parsers.parse('an empty group "{alias}"'))
def okta_empty_group(alias, directory, groups):
    groups[alias] = directory.add_group(alias)


@given(parsers.parse('the group "{alias}" is pushed'))
def group_pushed(alias, okta, groups):
    task = okta.push_group(groups[alias])
    if task.status != "completed":
        raise failed(f"Setting up: Okta could not push {alias}: {task.message}")


# --- when ------------------------------------------------------------------------------------------

@when("the Okta admin tests the connector configuration", target_fixture="connection_test")
def okta_test_connection(okta):
    return okta.test_connection()


@when(parsers.parse('the Okta admin assigns "{alias}" to the app'))
def okta_assign(alias, okta, people):
    okta.assign(people[alias])


@when(parsers.parse('the Okta admin changes the family name of "{alias}" to "{name}"'))
def okta_change_family_name(alias, name, okta, people):
    people[alias].family_name = name
    people[alias].display_name = f"{people[alias].given_name} {name}"
    okta.push_profile(people[alias])


@when(parsers.re(r'the Okta admin changes the (?P<field>given name|email|department|cost center|employee number|'
                 r'organization|division) of "(?P<alias>[^"]+)" to "(?P<value>[^"]*)"'))
def okta_change_profile(field, alias, value, okta, people, directory):
    """A profile change in Okta, pushed as GET + PUT; values a server may keep unique are made unique to the run."""
    person = people[alias]
    name, unique = PROFILE_FIELDS[field]
    setattr(person, name, directory.unique(value) if unique else value)
    if field == "given name":
        person.display_name = f"{value} {person.family_name}"
    okta.push_profile(person)


@when(parsers.parse('the Okta admin changes the Okta username of "{alias}"'))
def okta_rename(alias, okta, people, former_logins):
    """A new login in Okta, still under the scenario's prefix: the old one with ".renamed" before the @."""
    person = people[alias]
    former_logins[alias] = person.login
    local, domain = person.login.split("@", 1)
    okta.rename(person, f"{local}.renamed@{domain}")


@when(parsers.parse('the Okta admin assigns "{alias}" to the app again'))
def okta_reassign(alias, okta, people, exchanges, reassigned):
    reassigned[alias] = (okta.user_links.get(people[alias].id), len(exchanges))
    okta.assign(people[alias])


@when(parsers.parse('the Okta admin unassigns "{alias}" from the app'))
def okta_unassign(alias, okta, people):
    okta.deactivate(people[alias], reason="unassigned")


@when(parsers.parse('the Okta admin {action} the Okta user "{alias}"'))
def okta_suspend_or_deactivate(action, alias, okta, people):
    if action not in ("suspends", "deactivates"):
        raise ValueError(f"unknown Okta admin action {action!r}")
    okta.deactivate(people[alias], reason=action)


@when(parsers.parse('the Okta admin reactivates "{alias}"'))
def okta_reactivate(alias, okta, people):
    okta.reactivate(people[alias])


@when(parsers.parse('the Okta admin resets the password of "{alias}"'))
def okta_password(alias, okta, people):
    okta.sync_password(people[alias])


@when(parsers.parse('Okta sends the create of "{alias}" again, as it does when its lookup missed'))
def okta_create_again(alias, okta, people):
    okta.create_again(people[alias])


@when(parsers.parse('the Okta admin pushes the group "{alias}"'))
def okta_push(alias, okta, groups):
    okta.push_group(groups[alias])


@when(parsers.parse('the Okta admin adds "{person}" to the pushed group "{alias}"'))
def okta_add_member(person, alias, okta, people, groups):
    okta.change_members(groups[alias], added=[people[person]])


@when(parsers.parse('the Okta admin removes "{person}" from the pushed group "{alias}"'))
def okta_remove_member(person, alias, okta, people, groups):
    okta.change_members(groups[alias], removed=[people[person]])


@when(parsers.parse('the Okta admin clicks Push Now on "{alias}"'))
def okta_push_now(alias, okta, groups):
    okta.push_now(groups[alias])


@when(parsers.parse('the Okta admin empties "{alias}" in Okta and clicks Push Now'))
def okta_empty_and_push_now(alias, okta, groups):
    groups[alias].members.clear()
    okta.push_now(groups[alias])


@when(parsers.parse('the Okta admin renames the pushed group "{alias}" to "{name}"'))
def okta_rename_group(alias, name, okta, groups, directory):
    okta.rename_group(groups[alias], directory.prefix + name)
    groups[name] = groups[alias]


@when(parsers.parse('the Okta admin unlinks the pushed group "{alias}" and {choice}'))
def okta_unlink(alias, choice, okta, groups):
    if choice not in ("deletes it in the target app", "leaves it in the target app"):
        raise ValueError(f"unknown unlink choice {choice!r}")
    okta.unlink_group(groups[alias], delete_in_target=choice.startswith("deletes"))


@when(parsers.parse('the Okta admin pushes the group "{alias}" again'))
def okta_push_again(alias, okta, groups):
    okta.push_group(groups[alias])


@when("the Okta admin imports users")
def okta_import(okta):
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


@then(parsers.parse('Okta shows a failed task for "{alias}" mentioning "{text}"'))
def okta_failed_task(alias, text, okta, people):
    login = people[alias].login
    if not any(t.subject == login and t.status == "failed" and text in t.message for t in okta.tasks):
        raise failed(f"Okta should show a failed task for {alias} mentioning {text!r}; its tasks are: "
                     f"{[(t.action, t.status, t.message) for t in okta.tasks if t.subject == login]}")


@then("the Okta provisioning job is stopped")
def okta_job_stopped(okta):
    if not okta.job_stopped:
        raise failed("Okta stops the provisioning job on a 409 to a create; it did not stop.")


@then(parsers.parse('the Okta push error for "{alias}" mentions "{text}"'))
def okta_push_error(alias, text, okta, groups):
    error = okta.push_errors.get(groups[alias].id, "")
    if text not in error:
        creates = idp_requests(okta.http.record, "POST", "/Groups")
        raise failed(f"Push Groups > Errors should show {text!r} for {alias}; it shows {error or 'nothing'!r}.",
                     creates[-1] if creates else None)


@then(parsers.parse('Okta looked up "{alias}" by userName with startIndex=1 and count=100 before anything else'))
def okta_looked_up_first(alias, people, exchanges):
    first = idp_requests(exchanges)[0]
    login = people[alias].login.replace("@", "%40")
    if first.method != "GET" or f"filter=userName%20eq%20%22{login}%22&startIndex=1&count=100" not in first.url:
        raise failed("Okta's first request for an assignment is the lookup by userName.", first)


@then("Okta sent no DELETE")
def okta_no_delete(exchanges):
    deletes = idp_requests(exchanges, "DELETE")
    if deletes:
        raise failed("Okta never deletes a user.", deletes[0])


@then(parsers.parse('Okta sent no POST to "{endpoint}"'))
def okta_no_post(endpoint, exchanges):
    posts = idp_requests(exchanges, "POST", endpoint)
    if posts:
        raise failed(f"Okta was expected to link, not create: it sent a POST to {endpoint}.", posts[0])


@then(parsers.parse('Okta updated "{alias}" with a GET then a PUT of the whole user'))
def okta_get_put(alias, okta, people, exchanges):
    target = okta.user_links[people[alias].id]
    sent = [(x.method, x.url.split("?")[0].rsplit("/", 1)[-1]) for x in idp_requests(exchanges)]
    if ("GET", target) not in sent or ("PUT", target) not in sent:
        raise failed(f"Okta pushes a profile as GET + PUT of /Users/{target}; it sent {sent[-3:]}.")
    put = [x for x in idp_requests(exchanges, "PUT") if x.url.endswith(target)][-1]
    if put.status != 200 or not isinstance(put.response_body, dict) or USER not in put.response_body.get("schemas", []):
        raise failed("The target must answer Okta's PUT with 200 and the updated user.", put)


@then(parsers.parse('Okta sent a DELETE of the group "{alias}"'))
def okta_deleted_group(alias, exchanges):
    deletes = idp_requests(exchanges, "DELETE", "/Groups/")
    if not deletes or deletes[-1].status not in (200, 204):
        raise failed("Unlinking with 'Delete the group in the target app' sends a DELETE the target must accept (204).",
                     deletes[-1] if deletes else None)


@then(parsers.parse('Okta linked "{alias}" again to the user it had created, without a POST'))
def okta_relinked(alias, okta, people, exchanges, reassigned):
    """A reassignment finds the deactivated user by its lookup and links it [O1]; a POST would be a duplicate."""
    before, start = reassigned[alias]
    posts = idp_requests(exchanges[start:], "POST", "/Users")
    if posts:
        raise failed(f"Reassigning {alias} must link the user the target holds; Okta's lookup missed it and it sent a "
                     "create.", posts[0])
    if okta.user_links.get(people[alias].id) != before:
        raise failed(f"Reassigning {alias} must link the same target user {before}; Okta linked "
                     f"{okta.user_links.get(people[alias].id)}.")


@then(parsers.parse('Okta\'s lookup of "{alias}" encoded the spaces of its filter as "{space}"'))
def okta_lookup_encoding(alias, space, people, exchanges):
    local_part = people[alias].login.split("@")[0]
    lookups = [x for x in idp_requests(exchanges, "GET", "/Users?filter=") if local_part in x.url]
    lookup = lookups[0] if lookups else None
    if lookup is None or f"filter=userName{space}eq{space}%22" not in lookup.url:
        raise failed(f"The scenario sends Okta's lookup with spaces encoded as {space!r}.", lookup)


@then(parsers.parse('Okta\'s DELETE of the group "{alias}" carried a Content-Type and no body, and the target accepted it'))
def okta_delete_with_content_type(alias, exchanges):
    """Okta's 2018 capture [F18]: the group DELETE carries the write Content-Type with an empty body; 204 answers it."""
    deletes = idp_requests(exchanges, "DELETE", "/Groups/")
    delete = deletes[-1] if deletes else None
    if delete is None or "Content-Type" not in delete.request_headers or delete.request_body is not None:
        raise failed("The scenario sends Okta's DELETE with its Content-Type and no body.", delete)
    if delete.status not in (200, 204):
        raise failed(f"The target must accept Okta's DELETE of {alias}, which carries a Content-Type and no body "
                     "(answer 204).", delete)
