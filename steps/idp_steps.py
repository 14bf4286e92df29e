"""Steps spoken by the admins of JumpCloud, OneLogin, Ping and Google Workspace, and what those IdPs show.

Every engine is a ``LookupFirstClient`` (simulator/lookup_client.py), held by the ``idp`` fixture; a step
that names the IdP checks it names the engine of the scenario, so a feature cannot say "OneLogin" over a
Ping engine.
"""

from __future__ import annotations

import re

from scimulator.simulator.attributes import ATTRIBUTES
from scimulator.simulator.google import GOOGLE, GoogleEngine
from scimulator.simulator.jumpcloud import JUMPCLOUD, JumpCloudEngine
from scimulator.simulator.onelogin import ONELOGIN, OneLoginEngine
from scimulator.simulator.ping import PING, PingEngine
from scimulator.simulator.scim import USER, list_problem
from .cast import kept_unique
from .judge import failed, held_in_target, idp_requests
from .language import IDP_NAMES, ONELOGIN_ACTIONS, ONELOGIN_TEMPLATES, PING_ACTIONS, PING_IDENTIFIERS, \
    UPDATE_METHODS, given, then, when


def _named(pattern: str) -> str:
    """A regex for a pattern whose ``{idp_name}`` is one of these IdPs, so it never matches an Okta or Entra step."""
    names = "|".join(map(re.escape, IDP_NAMES))
    parts = re.split(r"(\{\w+\})", pattern)
    return "".join(f"(?P<idp_name>{names})" if part == "{idp_name}" else f"(?P<{part[1:-1]}>.+?)"
                   if re.fullmatch(r"\{\w+\}", part) else re.escape(part) for part in parts) + "$"


def _naming(keyword, pattern: str, **options):
    """`@_naming(when, '{idp_name} provisions "{person}"')`: the step, matched by `_named(pattern)`."""
    return keyword(pattern, regex=_named(pattern), **options)


def _engine(idp, idp_name: str):
    """The scenario's engine, when the step names it."""
    if idp.name != IDP_NAMES[idp_name]:
        raise failed(f"The step speaks of {idp_name}, but the scenario's IdP is {idp.name}.")
    return idp


def _last_sent(exchanges):
    """The IdP's last exchange, which a failure names (None before it sent anything)."""
    sent = idp_requests(exchanges)
    return sent[-1] if sent else None


def _succeeded(outcome, what: str, exchanges) -> None:
    if outcome is not None:
        raise failed(f"Setting up: {what} failed: {outcome.message}", _last_sent(exchanges))


# --- given: the IdP's app, as its admin configured it ---------------------------------------------

@given("a OneLogin app with the {onelogin_template} template connected to the target", target_fixture="idp")
def onelogin_app(onelogin_template, connect, directory):
    """OneLogin's documented Core or Enterprise template, or a v2 connector's; an empty User-Agent."""
    return OneLoginEngine(connect(ONELOGIN), directory, template=ONELOGIN_TEMPLATES[onelogin_template])


@given("a OneLogin app with the {onelogin_template} template whose deprovisioning action is {onelogin_action}",
       target_fixture="idp")
def onelogin_app_removing(onelogin_template, onelogin_action, connect, directory):
    """Delete sends DELETE, Suspend a PUT of the template with active false."""
    return OneLoginEngine(connect(ONELOGIN), directory, template=ONELOGIN_TEMPLATES[onelogin_template],
                          remove_action=ONELOGIN_ACTIONS[onelogin_action])


@given("a JumpCloud app that updates users by {update_method}", target_fixture="idp")
def jumpcloud_app(update_method, connect, directory):
    """PATCH: one replace per attribute; PUT: the minimal body with `"emails": null`."""
    return JumpCloudEngine(connect(JUMPCLOUD), directory, update=UPDATE_METHODS[update_method])


@given("a Ping connection with the unique identifier {ping_identifier}", target_fixture="idp")
def ping_connection(ping_identifier, connect, directory):
    """userName: `userName eq "…"`; workEmail: `emails eq "…"`."""
    return PingEngine(connect(PING), directory, unique_identifier=PING_IDENTIFIERS[ping_identifier])


@given('a Ping connection with the filter expression "{filter_expression}"', target_fixture="idp")
def ping_connection_filtering(filter_expression, connect, directory):
    """The admin's override, the value as %s."""
    return PingEngine(connect(PING), directory, filter_expression=filter_expression)


@given("a Ping connection whose remove user action is {ping_action}", target_fixture="idp")
def ping_connection_removing(ping_action, connect, directory):
    """Disable: a PUT with active false; Delete: DELETE."""
    return PingEngine(connect(PING), directory, remove_action=PING_ACTIONS[ping_action])


@given("a Google Workspace catalog app connected to the target", target_fixture="idp")
def google_app(connect, directory):
    """Syncs every few hours on the virtual clock."""
    return GoogleEngine(connect(GOOGLE), directory)


# --- given: what exists before --------------------------------------------------------------------

@_naming(given, '"{person}" is provisioned by {idp_name}')
def provisioned_by(person, idp_name, idp, cast, exchanges):
    """Lookup, then POST."""
    _succeeded(_engine(idp, idp_name).provision(cast.person(person)), f"{idp_name} provisioning {person}", exchanges)


@_naming(given, '"{person}" is disabled in {idp_name}')
def disabled_in(person, idp_name, idp, cast):
    """Nothing is sent; the IdP's next write carries active false."""
    _engine(idp, idp_name)
    cast.person(person).active = False


@given('the target already holds "{person}" with its email')
def held_with_email(person, cast, verify):
    """POST by the verify client: userName, names and the work email as the IdP holds them."""
    held = cast.person(person)
    held_in_target(verify, "/Users", {"schemas": [USER], "userName": held.login, "active": True,
                                      "name": {"givenName": held.given_name, "familyName": held.family_name},
                                      "emails": [{"value": held.email, "type": "work", "primary": True}]})


@_naming(given, '{idp_name} pushed the group "{group}" with the members {members}')
def group_pushed_by(idp_name, group, members, idp, cast, exchanges):
    """Each member provisioned, then the group looked up, created and its members added by value."""
    engine = _engine(idp, idp_name)
    people = cast.people_named(members)
    for person in people:
        _succeeded(engine.provision(person), f"{idp_name} provisioning {person.login}", exchanges)
    _succeeded(engine.push_group(cast.group(group, members=people)), f"{idp_name} pushing {group}", exchanges)


# --- when -----------------------------------------------------------------------------------------

@_naming(when, '{idp_name} provisions "{person}"')
def provisions(idp_name, person, idp, cast):
    """Lookup by the configured filter, then POST, or link (and update)."""
    _engine(idp, idp_name).provision(cast.person(person))


@_naming(when, 'the {idp_name} admin changes the {attribute} of "{person}" to "{value}"')
def changes(idp_name, attribute, person, value, idp, cast, directory):
    """The update the IdP sends: PUT of the whole user or PATCH replace, as configured."""
    changed = cast.person(person)
    setattr(changed, ATTRIBUTES[attribute].field, kept_unique(attribute, value, directory))
    _engine(idp, idp_name).update_user(changed)


@_naming(when, 'the {idp_name} admin removes "{person}" from the app')
def removes(idp_name, person, idp, cast):
    """The configured deprovisioning: a deactivation or a DELETE."""
    _engine(idp, idp_name).deprovision(cast.person(person))


@_naming(when, 'the {idp_name} admin removes "{person}" from the group "{group}"')
def removes_member(idp_name, person, group, idp, cast):
    """`{"op":"remove","path":"members","value":[{"value":ID}]}`."""
    _engine(idp, idp_name).remove_members(cast.group(group), [cast.person(person)])


@_naming(when, '{idp_name} pushes the group "{group}" with the members {members}')
def pushes_group(idp_name, group, members, idp, cast):
    """Each member provisioned, then the group found (Ping: by listing every group), created or taken over."""
    engine = _engine(idp, idp_name)
    people = cast.people_named(members)
    for person in people:
        engine.provision(person)
    engine.push_group(cast.group(group, members=people))


@when('the JumpCloud admin tests the connection with the test user "{person}" and the test group "{group}"',
      target_fixture="connection_test")
def jumpcloud_test(person, group, idp, cast):
    """POST the test user and group, then DELETE both (or deactivate the user without user DELETE)."""
    return _engine(idp, "JumpCloud").test_connection(cast.person(person), cast.group(group))


@when('the Google admin assigns "{person}" to the catalog app')
def google_assigns(person, idp, cast):
    """Nothing is sent until the next sync."""
    _engine(idp, "Google").assign(cast.person(person))


@when("Google's next sync runs")
def google_syncs(idp):
    """The virtual clock moves one sync interval."""
    engine = _engine(idp, "Google")
    engine.advance(engine.interval)


# --- then -----------------------------------------------------------------------------------------

@_naming(then, "{idp_name} shows no provisioning errors")
def no_errors(idp_name, idp, exchanges):
    """Nothing in the IdP's sync log: every request was answered as the IdP expects."""
    engine = _engine(idp, idp_name)
    if engine.errors:
        raise failed(f"{idp_name} must provision without errors; it logged: {engine.errors[0].message}",
                     _last_sent(exchanges))


@_naming(then, '{idp_name} sent no POST to "{endpoint}"')
def no_post(idp_name, endpoint, idp, exchanges):
    """The lookup found what the target holds, so the IdP linked it instead of creating a second one."""
    _engine(idp, idp_name)
    posts = [x for x in idp_requests(exchanges, "POST") if x.url.split("?")[0].endswith(endpoint)]
    if posts:
        raise failed(f"{idp_name}'s lookup must find what the target already holds; it missed, and {idp_name} "
                     f"sent a POST to {endpoint}.", posts[0])


@then("the JumpCloud connection test succeeds")
def jumpcloud_test_succeeds(connection_test, exchanges):
    """Both test objects created, then deleted (or the test user deactivated)."""
    if not connection_test.ok:
        raise failed(f"JumpCloud's connection test must succeed; it said: {connection_test.message}",
                     _last_sent(exchanges))


@then("every request of OneLogin carried an empty User-Agent, and the target served it")
def empty_user_agent(exchanges):
    """OneLogin's capture logs `"User-Agent": [""]`; WAFs and routers that refuse it block OneLogin."""
    sent = idp_requests(exchanges)
    if not sent or any(x.request_headers.get("User-Agent") != "" for x in sent):
        raise failed("Every OneLogin request must carry an empty User-Agent, as OneLogin sends it.")
    refused = [x for x in sent if x.status is None or x.status >= 400]
    if refused:
        raise failed("A request with an empty User-Agent must be served like any other.", refused[0])


@then("Google listed /Users without parameters before its first create, and the target answered a ListResponse")
def google_bare_listing(exchanges):
    """The capture's first request: `GET /Users`, no filter, no paging."""
    sent = idp_requests(exchanges)
    bare = next((n for n, x in enumerate(sent) if x.method == "GET" and x.url.endswith("/Users")), None)
    first_post = next((n for n, x in enumerate(sent) if x.method == "POST"), len(sent))
    if bare is None or bare > first_post:
        raise failed("Google must list /Users without parameters before its first create.")
    answer = sent[bare]
    problem = (answer.failure or list_problem(answer.response_body)) if answer.status == 200 else f"HTTP {answer.status}"
    if problem:
        raise failed(f"A bare GET /Users must answer 200 with a ListResponse; {problem}.", answer)


