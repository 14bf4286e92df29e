"""Microsoft's SCIM Validation Logic App: the tests that call the SCIM endpoint directly (15-20, 23-25).

The Logic App builds its requests from the app's attribute mappings; these steps use Entra's default
mappings for a SCIM app (Microsoft's "Develop and plan provisioning for a SCIM endpoint" [E1], tables
1 and 2), written as the paths Entra sends (``emails[type eq "work"].value``, the enterprise URN paths).
Every value written is unique to the run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from scimulator.simulator.attributes import ATTRIBUTES, SCIM_PATH, read_path, split_path
from scimulator.simulator.scim import ENTERPRISE, GROUP, USER, list_problem, patch, resources_of
from scimulator.simulator.transport import SCIM_JSON, ClientProfile
from .judge import blocked, failed, read
from .language import EMPTY_VALUES, LOGIC_APP_ACTIONS, RESOURCE_KINDS, RESOURCE_KINDS_PLURAL, given, then, when
from .protocol_steps import last
from .user_checks import manager_id

# The Logic App's HTTP actions send Authorization, Accept and (on writes) Content-Type, all SCIM JSON.
LOGIC_APP = ClientProfile(name="logic-app", by="idp", headers={"Accept": SCIM_JSON}, write_content_type=SCIM_JSON,
                          timeout_s=60.0, space_in_query="%20")

DEPARTMENT, EMPLOYEE_NUMBER = ATTRIBUTES["department"].path, ATTRIBUTES["employee number"].path
MANAGER = f"{ENTERPRISE}:manager"
# Entra's default user mappings [E1] table 1, by target attribute.
USER_MAPPED = ("userName", "active", "externalId", "displayName", "title", "name.givenName", "name.familyName",
               'emails[type eq "work"].value', 'emails[type eq "other"].value', 'phoneNumbers[type eq "work"].value',
               'phoneNumbers[type eq "mobile"].value', 'phoneNumbers[type eq "fax"].value',
               'addresses[type eq "work"].streetAddress', 'addresses[type eq "work"].postalCode',
               'addresses[type eq "other"].formatted', DEPARTMENT, EMPLOYEE_NUMBER, MANAGER)
# Table 2's group mappings that name a Group attribute (its "mail" row has none in RFC 7643).
GROUP_MAPPED = ("displayName", "externalId", "members")
# The null-update test leaves these alone (SCIMTests_Workflow.json, Filter_Null_Update_Target_Attributes).
NOT_CLEARED = {"userName", "active", "externalId", MANAGER}
# The update test PATCHes single-valued attributes only (no groups, roles, id, schemas, meta or active).
USER_UPDATED = ("displayName", "title", "name.givenName", "name.familyName", DEPARTMENT, EMPLOYEE_NUMBER)
GROUP_UPDATED = ("displayName", "externalId")
COMMON = {"id", "externalid", "meta"}  # RFC 7643 section 3.1: on every resource, listed in no schema
PAGE_SIZE, PAGES, AT_LEAST = 5, 3, 11


@pytest.fixture
def logic_app(connect):
    return connect(LOGIC_APP)


@pytest.fixture
def gallery() -> dict:
    """What one Logic App test remembers between its steps: the user or group it made, the values it sent, its pages."""
    return {}


# --- reading attribute paths as Entra writes them -------------------------------------------------------

def _named(items: list, name: str) -> dict | None:
    return next((item for item in items if isinstance(item, dict) and str(item.get("name", "")).lower() == name.lower()),
                None)


def discoverable(schemas: dict[str, list], path: str) -> bool:
    """Whether /Schemas describes an Entra target path: the attribute, its sub-attribute, the type's canonical value."""
    extension, inner = split_path(path)
    match = SCIM_PATH.fullmatch(inner)
    attribute = _named(schemas.get(extension or "core", []), match["name"]) if match else None
    if attribute is None:
        return bool(match) and not match["type"] and not match["sub"] and match["name"].lower() in COMMON
    subs = attribute.get("subAttributes") or []
    if match["type"] is not None:
        canonical = [str(v).lower() for v in (_named(subs, "type") or {}).get("canonicalValues") or []]
        if _named(subs, "type") is None or (canonical and match["type"].lower() not in canonical):
            return False
    return not match["sub"] or _named(subs, match["sub"]) is not None


def _schemas_by_id(body: Any, core: str) -> dict[str, list]:
    found = {}
    for resource in resources_of(body):
        if resource.get("id") in (core, ENTERPRISE):
            found["core" if resource["id"] == core else ENTERPRISE] = resource.get("attributes") or []
    return found


@then("/Schemas describes every {kind} attribute Entra maps by default")
def schemas_describe(kind, answers):
    answer = last(answers)
    schemas = _schemas_by_id(answer.response_body, USER if kind == "user" else GROUP)
    mapped = USER_MAPPED if kind == "user" else GROUP_MAPPED
    missing = [path for path in mapped if not discoverable(schemas, path)]
    if missing:
        raise failed(f"/Schemas must describe every {kind} attribute Entra maps; it does not describe "
                     f"{', '.join(missing)}.", answer)


# --- a user with every mapped attribute ---------------------------------------------------------------

def mapped_user(directory) -> dict:
    """A user carrying a value for every attribute Entra maps but manager, each unique to the run where a server
    may keep it unique."""
    person = directory.add_person(title="Validation Engineer", department="Validation")
    return {"schemas": [USER, ENTERPRISE], "userName": person.login, "active": True,
            "externalId": directory.unique(person.mail_nickname), "displayName": person.display_name,
            "title": person.title, "name": {"givenName": person.given_name, "familyName": person.family_name},
            "emails": [{"type": "work", "primary": True, "value": person.email},
                       {"type": "other", "value": directory.unique(f"other.{person.mail_nickname}@example.org")}],
            "phoneNumbers": [{"type": "work", "value": person.phone}, {"type": "mobile", "value": f"{person.phone} 1"},
                             {"type": "fax", "value": f"{person.phone} 2"}],
            "addresses": [{"type": "work", "primary": True, "streetAddress": "1 Validation Way", "postalCode": "98052"},
                          {"type": "other", "formatted": "Building 7, Redmond"}],
            ENTERPRISE: {"department": person.department, "employeeNumber": person.employee_number}}


@given("the target holds a user with every attribute Entra maps by default")
def user_with_mapped_attributes(logic_app, directory, gallery):
    answer = logic_app.post("/Users", mapped_user(directory))
    if answer.status not in (200, 201) or not isinstance(answer.response_body, dict) or not answer.response_body.get("id"):
        raise blocked("create-user", "Setting up: the target did not create a user with Entra's mapped attributes "
                      "(POST /Users, 201 with an id).", answer)
    gallery["user"] = answer.response_body["id"]


@when('the Logic App replaces each of those attributes with {empty}')
def replace_with_empty(empty, logic_app, gallery, answers):
    cleared = [path for path in USER_MAPPED if path not in NOT_CLEARED]
    answers.append(logic_app.patch(f"/Users/{gallery['user']}",
                                   _replace_values(dict.fromkeys(cleared, EMPTY_VALUES[empty]))))


@then("each of those attributes of the user reads back null or empty")
def attributes_cleared(logic_app, gallery):
    user = read(logic_app, f"/Users/{gallery['user']}", "The user of the null-update test")
    kept = {path: read_path(user, path) for path in USER_MAPPED if path not in NOT_CLEARED}
    kept = {path: value for path, value in kept.items() if value not in (None, "")}
    if kept:
        raise failed("Every attribute PATCHed to empty or null must read back null or empty; these kept a value: "
                     + "; ".join(f"{path} = {json.dumps(value)}" for path, value in kept.items()), logic_app.record[-1])


# --- updates ----------------------------------------------------------------------------------------

def _new_values(directory, paths, prefix: str = "") -> dict[str, str]:
    return {path: f"{prefix}upd-{directory.random_guid()}" for path in paths}


@when("the Logic App replaces the user's single-valued attributes with new values")
def update_user(logic_app, directory, gallery, answers):
    gallery["values"] = _new_values(directory, USER_UPDATED)
    answers.append(logic_app.patch(f"/Users/{gallery['user']}", _replace_values(gallery["values"])))


@given("the target holds a group the Logic App creates")
def group_of_logic_app(logic_app, directory, gallery):
    answer = logic_app.post("/Groups", {"schemas": [GROUP], "displayName": directory.unique("Logic App Update"),
                                        "externalId": directory.unique("la-update")})
    if answer.status not in (200, 201) or not isinstance(answer.response_body, dict) or not answer.response_body.get("id"):
        raise blocked("create-group", "Setting up: the target did not create a group (POST /Groups, 201 with an id).",
                      answer)
    gallery["group"] = answer.response_body["id"]


@when("the Logic App replaces the group's single-valued attributes with new values")
def update_group(logic_app, directory, gallery, answers):
    gallery["values"] = _new_values(directory, GROUP_UPDATED, prefix=directory.prefix)
    answers.append(logic_app.patch(f"/Groups/{gallery['group']}", _replace_values(gallery["values"])))


def _replace_values(values: dict[str, Any]) -> dict:
    """One `replace` per path, each with its value."""
    return patch(*({"op": "replace", "path": path, "value": value} for path, value in values.items()))


@then("the {kind} reads back with every new value")
def reads_back_new_values(kind, logic_app, gallery):
    resource = read(logic_app, f"{RESOURCE_KINDS[kind]}/{gallery[kind]}", f"The {kind} of the update test")
    wrong = {path: read_path(resource, path) for path, value in gallery["values"].items()
             if read_path(resource, path) != value}
    if wrong:
        raise failed("Every PATCHed attribute must read back as sent; these did not: "
                     + "; ".join(f"{path} = {json.dumps(value)}, not {gallery['values'][path]!r}"
                                 for path, value in wrong.items()), logic_app.record[-1])


# --- pagination --------------------------------------------------------------------------------------

def _total(client, endpoint: str) -> int:
    answer = client.get(endpoint, [("startIndex", 1), ("count", 1)])
    if answer.status != 200 or list_problem(answer.response_body):
        raise blocked("list-resources", f"Setting up: the target did not list {endpoint} with a ListResponse.", answer)
    return answer.response_body["totalResults"]


def _new_resource(kind: str, n: int, directory) -> dict:
    if kind == "users":
        name = directory.unique(f"la-page-{n}@example.com")
        return {"schemas": [USER], "userName": name, "active": True,
                "emails": [{"type": "work", "primary": True, "value": name}]}
    return {"schemas": [GROUP], "displayName": directory.unique(f"Logic App Page {n}")}


@given("the target holds at least 11 {kinds}")
def at_least_eleven(kinds, logic_app, directory):
    endpoint = RESOURCE_KINDS_PLURAL[kinds]
    for n in range(_total(logic_app, endpoint), AT_LEAST):
        answer = logic_app.post(endpoint, _new_resource(kinds, n, directory))
        if answer.status not in (200, 201):
            raise blocked(f"create-{kinds[:-1]}", f"Setting up: the target did not create one of the {AT_LEAST} "
                          f"{kinds} the pagination test needs.", answer)


@when("the Logic App reads {endpoint} 5 at a time, three pages from startIndex 1")
def read_pages(endpoint, logic_app, gallery):
    gallery["pages"] = [(start, logic_app.get(endpoint, [("startIndex", start), ("count", PAGE_SIZE)]))
                        for start in range(1, PAGES * PAGE_SIZE, PAGE_SIZE)]


@then("every page answered 200 with a ListResponse that echoes its startIndex")
def pages_echo_start(gallery):
    for start, answer in gallery["pages"]:
        problem = list_problem(answer.response_body) if answer.status == 200 else f"status {answer.status}"
        body = answer.response_body if isinstance(answer.response_body, dict) else {}
        if not problem and body.get("startIndex") != start:
            problem = f"startIndex {body.get('startIndex')!r}, not {start}"
        if not problem and not 1 <= len(resources_of(body)) <= PAGE_SIZE:
            problem = f"{len(resources_of(body))} resources where 1 to {PAGE_SIZE} exist to list"
        if problem:
            raise failed(f"Page {start // PAGE_SIZE + 1} (startIndex={start}&count={PAGE_SIZE}) must answer 200 with a "
                         f"ListResponse echoing startIndex {start}: {problem}.", answer)


# --- manager -----------------------------------------------------------------------------------------

def _manager_operation(op: str, value: str) -> dict:
    return patch({"op": op, "path": MANAGER, "value": value})


@when('the Logic App {logic_app_action} the manager of "{resource}" to "{manager_resource}"')
def set_manager(logic_app_action, resource, manager_resource, logic_app, created_ids, answers):
    op = LOGIC_APP_ACTIONS[logic_app_action]
    answers.append(logic_app.patch(f"/Users/{created_ids[resource]}",
                                   _manager_operation(op, created_ids[manager_resource])))


@when('the Logic App removes the manager of "{resource}" with an empty value')
def remove_manager(resource, logic_app, created_ids, answers):
    answers.append(logic_app.patch(f"/Users/{created_ids[resource]}", _manager_operation("Replace", "")))


@then('the manager of "{resource}" reads back as "{manager_resource}"')
def manager_is(resource, manager_resource, logic_app, created_ids):
    found = manager_id(read(logic_app, f"/Users/{created_ids[resource]}", f"The user {resource}"))
    if found != created_ids[manager_resource]:
        raise failed(f"The manager of {resource} must be {manager_resource} ({created_ids[manager_resource]}); the "
                     f"target has {json.dumps(found)}.", logic_app.record[-1])


@then('"{resource}" reads back with no manager')
def no_manager(resource, logic_app, created_ids):
    found = manager_id(read(logic_app, f"/Users/{created_ids[resource]}", f"The user {resource}"))
    if found not in (None, ""):
        raise failed(f"The manager of {resource} was replaced with an empty value and must be gone; the target has "
                     f"{json.dumps(found)}.", logic_app.record[-1])
