"""Plain RFC 7644 steps: a SCIM client's requests written out, and what the answer must be.

Paths and bodies may name the scenario's data: ``{prefix}`` is the scenario's prefix, and
``{id:NAME}`` the target id of a user or group the scenario created with these steps.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from pytest_bdd import given, parsers, then, when

from simulator import OKTA, VERIFY, Transport
from simulator.scim import GROUP, USER, list_problem, resources_of
from steps.judge import aliases, failed

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def created_ids() -> dict:
    """Names given in the Gherkin to the ids the target assigned."""
    return {}


@pytest.fixture
def answers() -> list:
    return []


def expand(text: str, scenario_prefix: str, created_ids: dict) -> str:
    text = text.replace("{prefix}", scenario_prefix)
    return re.sub(r"\{id:([^}]+)\}", lambda m: created_ids.get(m.group(1).strip(), "no-such-id"), text)


@given(parsers.parse('the target holds the users {names}'))
def users_exist(names, verify, scenario_prefix, created_ids):
    for name in aliases(names):
        answer = verify.post("/Users", {"schemas": [USER], "userName": f"{scenario_prefix}{name}",
                                        "name": {"givenName": name.split("@")[0].title(), "familyName": "Test"},
                                        "emails": [{"value": f"{scenario_prefix}{name}", "type": "work", "primary": True}],
                                        "active": True})
        if answer.status != 201 or not isinstance(answer.response_body, dict):
            raise failed("Setting up: the target must create a user with POST /Users (201).", answer)
        created_ids[name] = answer.response_body.get("id")


@given(parsers.parse('the target holds the group "{name}" with the members {names}'))
def group_exists(name, names, verify, scenario_prefix, created_ids):
    members = [{"value": created_ids[n]} for n in aliases(names)]
    answer = verify.post("/Groups", {"schemas": [GROUP], "displayName": f"{scenario_prefix}{name}", "members": members})
    if answer.status != 201 or not isinstance(answer.response_body, dict):
        raise failed("Setting up: the target must create a group with POST /Groups (201).", answer)
    created_ids[name] = answer.response_body.get("id")


@when(parsers.parse("the client sends {method} {path} with the body"))
def send_with_body(method, path, docstring, verify, scenario_prefix, created_ids, answers):
    body = json.loads(expand(docstring, scenario_prefix, created_ids))
    answers.append(verify.request(method, expand(path, scenario_prefix, created_ids), body=body))


@pytest.fixture
def send_written(scenario_prefix, created_ids, answers):
    """Send a request as written in the Gherkin (placeholders expanded) and keep its answer."""
    def send(client: Transport, method: str, path: str, headers: dict | None = None):
        expanded = {k: expand(v, scenario_prefix, created_ids) for k, v in (headers or {}).items()}
        answers.append(_send_raw(client, method, expand(path, scenario_prefix, created_ids), expanded or None))
    return send


@when(parsers.re(r"the client sends (?P<method>GET|DELETE|POST|PUT|PATCH) (?P<path>\S+)$"))
def send(method, path, verify, send_written):
    send_written(verify, method, path)


@when(parsers.parse("Okta sends GET {path}"))
def okta_sends(path, connect, send_written):
    send_written(connect(OKTA), "GET", path)


@when(parsers.parse('the client sends {method} {path} with the header "{header}: {value}"'))
def send_with_header(method, path, header, value, verify, send_written):
    send_written(verify, method, path, {header: value})


@when(parsers.parse('the client sends GET {path} with the token "{token}"'))
def send_with_token(path, token, connect, send_written):
    send_written(connect(VERIFY, token or None), "GET", path)


@when(parsers.parse("the client sends GET {path} without a token"))
def send_without_token(path, connect, send_written):
    send_written(connect(VERIFY, None), "GET", path)


def _send_raw(transport: Transport, method: str, path: str, headers: dict | None = None):
    """A request whose path already carries its query string, as written in the Gherkin."""
    path_only, _, query = path.partition("?")
    pairs = [tuple(unquote(p) for p in part.split("=", 1)) if "=" in part else (unquote(part), "")
             for part in query.split("&") if part]  # written encoded in the Gherkin; the client encodes its own way
    return transport.request(method, path_only, pairs or None, extra_headers=headers)


def last(answers: list):
    if not answers:
        raise failed("No request was sent in this scenario.")
    return answers[-1]


@then(parsers.parse("the answer status is {status:d}"))
def answer_status(status, answers):
    answer = last(answers)
    if answer.status != status:
        raise failed(f"The target must answer {status}.", answer)


@then(parsers.parse("the answer status is {first:d} or {second:d}"))
def answer_status_either(first, second, answers):
    answer = last(answers)
    if answer.status not in (first, second):
        raise failed(f"The target must answer {first} or {second}.", answer)


@then(parsers.parse('the answer is a SCIM error {status:d} with scimType "{scim_type}"'))
def scim_error_typed(status, scim_type, answers):
    _scim_error(last(answers), status, scim_type)


@then(parsers.parse("the answer is a SCIM error {status:d}"))
def scim_error(status, answers):
    _scim_error(last(answers), status, None)


def _scim_error(answer, status: int, scim_type: str | None) -> None:
    body = answer.response_body if isinstance(answer.response_body, dict) else {}
    problems = []
    if answer.status != status:
        problems.append(f"status {answer.status}, not {status}")
    if ERROR not in (body.get("schemas") or []):
        problems.append("no Error schema")
    if str(body.get("status")) != str(status):
        problems.append(f"body status {body.get('status')!r}")
    if scim_type and body.get("scimType") != scim_type:
        problems.append(f"scimType {body.get('scimType')!r}, not {scim_type!r}")
    if problems:
        raise failed(f"The target must answer a SCIM Error (RFC 7644 section 3.12): {'; '.join(problems)}.", answer)


def _list(answer) -> dict:
    problem = list_problem(answer.response_body) if answer.status == 200 else f"status {answer.status}"
    if problem:
        raise failed(f"The target must answer a ListResponse: {problem}.", answer)
    return answer.response_body


@then(parsers.parse("the answer lists {count:d} resources of {total:d} in all"))
def lists_count(count, total, answers):
    answer = last(answers)
    body = _list(answer)
    resources = resources_of(body)
    if len(resources) != count or body["totalResults"] != total:
        raise failed(f"The target must list {count} resources with totalResults {total}; it listed {len(resources)} "
                     f"with totalResults {body['totalResults']}.", answer)


@then(parsers.parse("the answer lists no resources"))
def lists_none(answers):
    answer = last(answers)
    body = _list(answer)
    if resources_of(body) or body["totalResults"] != 0:
        raise failed("The target must answer an empty ListResponse (totalResults 0).", answer)


@then(parsers.parse("the answer's startIndex is {start:d}"))
def list_start(start, answers):
    answer = last(answers)
    body = _list(answer)
    if body.get("startIndex") != start:
        raise failed(f"The ListResponse's startIndex must be {start}.", answer)


@then(parsers.parse("the answer lists, in this order, the users {names}"))
def lists_in_order(names, answers, scenario_prefix):
    answer = last(answers)
    expected = [f"{scenario_prefix}{n}" for n in aliases(names)]
    actual = [r.get("userName") for r in resources_of(_list(answer))]
    if actual != expected:
        raise failed(f"The target must list {expected} in this order; it listed {actual}.", answer)


@then(parsers.parse("the answer lists the users {names}"))
def lists_users(names, answers, scenario_prefix):
    answer = last(answers)
    expected = {f"{scenario_prefix}{n}" for n in aliases(names)}
    actual = {r.get("userName") for r in resources_of(_list(answer))}
    if actual != expected:
        raise failed(f"The target must list exactly {sorted(expected)}; it listed {sorted(actual)}.", answer)


def _resources(answer) -> list[dict]:
    body = answer.response_body
    if isinstance(body, dict) and "Resources" in body:
        return resources_of(body)
    return [body] if isinstance(body, dict) else []


def _has(resource: dict, path: str) -> bool:
    node = resource
    for part in path.split("."):
        if not isinstance(node, dict):
            return False
        match = next((k for k in node if k.lower() == part.lower()), None)
        if match is None:
            return False
        node = node[match]
    return node not in (None, [], {})


@then(parsers.parse('every resource in the answer has "{path}"'))
def every_has(path, answers):
    answer = last(answers)
    resources = _resources(answer)
    if not resources or not all(_has(r, path) for r in resources):
        raise failed(f"Every resource in the answer must carry {path}.", answer)


@then(parsers.parse('no resource in the answer has "{path}"'))
def none_has(path, answers):
    answer = last(answers)
    if any(_has(r, path) for r in _resources(answer)):
        raise failed(f"No resource in the answer may carry {path} (attribute selection, RFC 7644 section 3.9).", answer)


@then(parsers.parse('the answer has the header "{header}"'))
def has_header(header, answers):
    answer = last(answers)
    if header.lower() not in {k.lower() for k in answer.response_headers}:
        raise failed(f"The answer must carry the {header} header.", answer)


@then(parsers.parse('the answer\'s "{path}" is "{value}"'))
def answer_value(path, value, answers, scenario_prefix):
    answer = last(answers)
    node = answer.response_body
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node != _typed(value.replace("{prefix}", scenario_prefix)):
        raise failed(f"The answer's {path} must be {value} (with its JSON type); it is {json.dumps(node)}.", answer)


def _typed(value: str):
    """A Gherkin value as the JSON it names: "false" is the boolean, "42" the number, anything else a string.

    So a target that answers the string "false" for a boolean attribute does not pass.
    """
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, (bool, int, float)) or parsed is None else value


@then(parsers.parse('the group "{name}" holds exactly the members {names}'))
def protocol_group_members(name, names, verify, created_ids):
    expected = {created_ids[n] for n in aliases(names)}
    answer = verify.get(f"/Groups/{created_ids[name]}")
    actual = {m.get("value") for m in (answer.response_body or {}).get("members") or []} if answer.status == 200 else None
    if actual != expected:
        raise failed(f"The group {name} must hold exactly {sorted(expected)}; it holds {actual}.", answer)


@then(parsers.parse("the ETag of the answer is remembered"), target_fixture="etag")
def remember_etag(answers):
    answer = last(answers)
    tag = {k.lower(): v for k, v in answer.response_headers.items()}.get("etag")
    if not tag:
        raise failed("The target advertises ETags; the answer must carry one.", answer)
    return tag


@when(parsers.parse("the client sends the same request again with the remembered ETag in {header}"))
def resend_with_etag(header, etag, verify, answers):
    previous = last(answers)
    path = previous.url.removeprefix(verify.base_url).split("?")[0]
    answers.append(verify.request(previous.method, path, body=previous.request_body, extra_headers={header: etag}))


@then(parsers.parse('the answer\'s id is remembered as "{name}"'))
def remember_id(name, answers, created_ids):
    answer = last(answers)
    if not isinstance(answer.response_body, dict) or not answer.response_body.get("id"):
        raise failed("The answer must carry the resource with its id.", answer)
    created_ids[name] = answer.response_body["id"]
