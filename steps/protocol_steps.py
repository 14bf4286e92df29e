"""Plain RFC 7644 steps: a SCIM client's requests written out, and what the answer must be.

Paths and bodies may name the scenario's data: ``{prefix}`` is the scenario's prefix, and
``{id:NAME}`` the target id of a user or group the scenario created with these steps.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import unquote

import pytest

from scimulator.simulator import OKTA, VERIFY, Transport
from scimulator.simulator.scim import GROUP, USER, list_problem, resources_of
from .judge import aliases, blocked, failed, held_in_target
from .language import given, then, when

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def created_ids() -> dict:
    """Names given in the Gherkin to the ids the target assigned."""
    return {}


@pytest.fixture
def answers() -> list:
    return []


def value_at(resource, path: str):
    """The value at a dotted path; attribute names are case insensitive (RFC 7643 section 2.1)."""
    node = resource
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if k.lower() == part.lower()), None)
    return node


def expand(text: str, scenario_prefix: str, created_ids: dict) -> str:
    text = text.replace("{prefix}", scenario_prefix)
    return re.sub(r"\{id:([^}]+)\}", lambda m: created_ids.get(m.group(1).strip(), "no-such-id"), text)


@given('the target holds the users {users}')
def users_exist(users, verify, scenario_prefix, created_ids):
    """Each created with POST /Users by the verify client, its userName under the scenario's prefix."""
    for name in aliases(users):
        created = held_in_target(verify, "/Users", {
            "schemas": [USER], "userName": f"{scenario_prefix}{name}",
            "name": {"givenName": name.split("@")[0].title(), "familyName": "Test"},
            "emails": [{"value": f"{scenario_prefix}{name}", "type": "work", "primary": True}], "active": True})
        created_ids[name] = created.get("id")


@given('the target holds the group "{resource}" with the members {users}')
def group_exists(resource, users, verify, scenario_prefix, created_ids):
    members = [{"value": created_ids[n]} for n in aliases(users)]
    created = held_in_target(verify, "/Groups", {"schemas": [GROUP], "displayName": f"{scenario_prefix}{resource}",
                                                 "members": members}, cause="create-group-with-members")
    created_ids[resource] = created.get("id")


@when("the client sends {method} {path} with the body")
def send_with_body(method, path, docstring, verify, scenario_prefix, created_ids, answers, headers=None):
    body = json.loads(expand(docstring, scenario_prefix, created_ids))
    answers.append(verify.request(method, expand(path, scenario_prefix, created_ids), body=body, extra_headers=headers))


@when('the client sends {method} {path} with the Content-Type "{content_type}" and the body')
def send_with_content_type(method, path, content_type, docstring, verify, scenario_prefix, created_ids, answers):
    """A write as a client that labels its JSON another way sends it (Okta's OIN test: application/json)."""
    send_with_body(method, path, docstring, verify, scenario_prefix, created_ids, answers, {"Content-Type": content_type})


@pytest.fixture
def send_written(scenario_prefix, created_ids, answers):
    """Send a request as written in the Gherkin (placeholders expanded) and keep its answer."""
    def send(client: Transport, method: str, path: str, headers: dict | None = None):
        expanded = {k: expand(v, scenario_prefix, created_ids) for k, v in (headers or {}).items()}
        answers.append(_send_raw(client, method, expand(path, scenario_prefix, created_ids), expanded or None))
    return send


@when("the client sends {method} {path}", regex=r"the client sends (?P<method>\S+) (?P<path>\S+)$")
def send(method, path, verify, send_written):
    """Paths are written as sent, query encoded; `{prefix}` is the scenario's prefix, `{id:NAME}` a remembered id."""
    send_written(verify, method, path)


@when("Okta sends GET {path}")
def okta_sends(path, connect, send_written):
    send_written(connect(OKTA), "GET", path)


@when('the client sends {method} {path} with the header "{header}: {header_value}"')
def send_with_header(method, path, header, header_value, verify, send_written):
    send_written(verify, method, path, {header: header_value})


@when('the client sends GET {path} with the token "{token}"')
def send_with_token(path, token, connect, send_written):
    send_written(connect(VERIFY, token or None), "GET", path)


@when("the client sends GET {path} without a token")
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


@then("the answer status is {status:d}")
def answer_status(status, answers):
    answer = last(answers)
    if answer.status != status:
        raise failed(f"The target must answer {status}.", answer)


@then("the answer status is {status:d} or {other_status:d}")
def answer_status_either(status, other_status, answers):
    answer = last(answers)
    if answer.status not in (status, other_status):
        raise failed(f"The target must answer {status} or {other_status}.", answer)


@then('the answer is a SCIM error {status:d} with scimType "{scim_type}"')
def scim_error_typed(status, scim_type, answers):
    _scim_error(last(answers), status, scim_type)


@then("the answer is a SCIM error {status:d}")
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


@then("the answer lists {count:d} resources of {total:d} in all")
def lists_count(count, total, answers):
    answer = last(answers)
    body = _list(answer)
    resources = resources_of(body)
    if len(resources) != count or body["totalResults"] != total:
        raise failed(f"The target must list {count} resources with totalResults {total}; it listed {len(resources)} "
                     f"with totalResults {body['totalResults']}.", answer)


@then("the answer lists no resources")
def lists_none(answers):
    answer = last(answers)
    body = _list(answer)
    if resources_of(body) or body["totalResults"] != 0:
        raise failed("The target must answer an empty ListResponse (totalResults 0).", answer)


@then("the answer's startIndex is {start:d}")
def list_start(start, answers):
    answer = last(answers)
    body = _list(answer)
    if body.get("startIndex") != start:
        raise failed(f"The ListResponse's startIndex must be {start}.", answer)


@then("the answer lists, in this order, the users {users}")
def lists_in_order(users, answers, scenario_prefix):
    answer = last(answers)
    expected = [f"{scenario_prefix}{n}" for n in aliases(users)]
    actual = [value_at(r, "userName") for r in resources_of(_list(answer))]
    if actual != expected:
        raise failed(f"The target must list {expected} in this order; it listed {actual}.", answer)


@then("the answer lists the users {users}")
def lists_users(users, answers, scenario_prefix):
    answer = last(answers)
    expected = {f"{scenario_prefix}{n}" for n in aliases(users)}
    actual = {value_at(r, "userName") for r in resources_of(_list(answer))}
    if actual != expected:
        raise failed(f"The target must list exactly {sorted(expected)}; it listed {sorted(actual)}.", answer)


def _resources(answer) -> list[dict]:
    body = answer.response_body
    if isinstance(body, dict) and "Resources" in body:
        return resources_of(body)
    return [body] if isinstance(body, dict) else []


def _has(resource: dict, path: str) -> bool:
    return value_at(resource, path) not in (None, [], {})


@then('every resource in the answer has "{attribute_path}"')
def every_has(attribute_path, answers):
    answer = last(answers)
    resources = _resources(answer)
    if not resources or not all(_has(r, attribute_path) for r in resources):
        raise failed(f"Every resource in the answer must carry {attribute_path}.", answer)


@then('no resource in the answer has "{attribute_path}"')
def none_has(attribute_path, answers):
    answer = last(answers)
    if any(_has(r, attribute_path) for r in _resources(answer)):
        raise failed(f"No resource in the answer may carry {attribute_path} (attribute selection, RFC 7644 section 3.9).", answer)


@then('the answer has the header "{header}"')
def has_header(header, answers):
    answer = last(answers)
    if header.lower() not in {k.lower() for k in answer.response_headers}:
        raise failed(f"The answer must carry the {header} header.", answer)


@then('the answer\'s "{attribute_path}" is "{value}"')
def answer_value(attribute_path, value, answers, scenario_prefix):
    answer = last(answers)
    node = value_at(answer.response_body, attribute_path)
    if node != _typed(value.replace("{prefix}", scenario_prefix)):
        raise failed(f"The answer's {attribute_path} must be {value} (with its JSON type); it is {json.dumps(node)}.", answer)


@then('the answer\'s "{attribute_path}" is not "{value}"')
def answer_value_not(attribute_path, value, answers, scenario_prefix):
    answer = last(answers)
    node = value_at(answer.response_body, attribute_path)
    if node == _typed(value.replace("{prefix}", scenario_prefix)):
        raise failed(f"The answer's {attribute_path} must not be {value}.", answer)


@then("the answer's Location header and meta.location both name the user it created")
def location_names_the_created(answers):
    answer = last(answers)
    body = answer.response_body if isinstance(answer.response_body, dict) else {}
    header = {k.lower(): v for k, v in answer.response_headers.items()}.get("location")
    location = value_at(body, "meta.location")
    where = f"/Users/{body.get('id')}"
    if not header or not location or header != location or not header.rstrip("/").endswith(where):
        raise failed(f"A create must name the new resource's URI, ending in {where}, in the Location header and in "
                     f"meta.location (RFC 7644 section 3.3); Location is {header!r}, meta.location {location!r}.", answer)


def _typed(value: str):
    """A Gherkin value as the JSON it names: "false" is the boolean, "42" the number, anything else a string.

    So a target that answers the string "false" for a boolean attribute does not pass.
    """
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, (bool, int, float)) or parsed is None else value


@then('the group "{resource}" holds exactly the members {users}')
def protocol_group_members(resource, users, verify, created_ids):
    expected = {created_ids[n] for n in aliases(users)}
    answer = verify.get(f"/Groups/{created_ids[resource]}")
    actual = {m.get("value") for m in (answer.response_body or {}).get("members") or []} if answer.status == 200 else None
    if actual != expected:
        raise failed(f"The group {resource} must hold exactly {sorted(expected)}; it holds {actual}.", answer)


@then("the ETag of the answer is remembered", target_fixture="etag")
def remember_etag(answers):
    answer = last(answers)
    tag = {k.lower(): v for k, v in answer.response_headers.items()}.get("etag")
    if not tag:
        raise failed("The target advertises ETags; the answer must carry one.", answer)
    return tag


@when("the client sends the same request again with the remembered ETag in {header}")
def resend_with_etag(header, etag, verify, answers):
    previous = last(answers)
    path = previous.url.removeprefix(verify.base_url).split("?")[0]
    answers.append(verify.request(previous.method, path, body=previous.request_body, extra_headers={header: etag}))


@then('the answer\'s id is remembered as "{resource}"')
def remember_id(resource, answers, created_ids):
    answer = last(answers)
    if not isinstance(answer.response_body, dict) or not answer.response_body.get("id"):
        raise failed("The answer must carry the resource with its id.", answer)
    created_ids[resource] = answer.response_body["id"]


@given('the target says in /ServiceProviderConfig that it supports {capability}')
def advertises(capability, verify):
    """Scenarios about an optional capability (etag, bulk, ...) run only where the target says it has it.

    RFC 7643 section 5: a service provider states each one in /ServiceProviderConfig; neither Okta nor
    Entra uses ETags or /Bulk, so a target that says "supported": false is skipped, with that reason.
    """
    answer = verify.get("/ServiceProviderConfig")
    config = answer.response_body if answer.status == 200 and isinstance(answer.response_body, dict) else None
    if config is None:
        raise blocked("service-provider-config", "The target did not answer GET /ServiceProviderConfig with 200 and "
                      f"a JSON object, so whether it supports {capability} is unknown.", answer)
    member = next((v for k, v in config.items() if k.lower() == capability.lower()), None)
    if not (isinstance(member, dict) and member.get("supported") is True):
        pytest.skip(f"The target's /ServiceProviderConfig says {capability}.supported is "
                    f"{json.dumps(member.get('supported') if isinstance(member, dict) else None)}: not tested.")


@given('the target filters userName with "{operator}"')
def filters_with(operator, verify, scenario_prefix):
    """A scenario about something else that scopes its list with an operator the IdPs never send: blocked without it."""
    answer = verify.get("/Users", [("filter", f'userName {operator} "{scenario_prefix}"'), ("count", "1")])
    if answer.status != 200 or list_problem(answer.response_body):
        raise blocked(f"filter-{operator}", f'The target did not answer a filter with "{operator}" with a ListResponse '
                      "(neither Okta nor Entra sends one; this scenario uses it only to scope its list).", answer)


@then("the target never returned a password")
def never_returned_a_password(exchanges):
    """RFC 7643 section 4.1: password is returned "never"; the recording notes any the target sent back."""
    found = [(exchange, finding) for exchange in exchanges for finding in exchange.findings if "password" in finding]
    if found:
        exchange, finding = found[0]
        others = f" ({len(found) - 1} more answers did too)" if len(found) > 1 else ""
        raise failed(f"{finding}{others}", exchange)


@then("the answer lists {low:d} to {high:d} resources of at least {total:d} in all")
def lists_a_page(low, high, total, answers):
    """A page of a list the scenario does not own: the target may hold other users too."""
    answer = last(answers)
    body = _list(answer)
    count = len(resources_of(body))
    if not low <= count <= high or not isinstance(body["totalResults"], int) or body["totalResults"] < total:
        raise failed(f"The target must list {low} to {high} resources with totalResults at least {total}; it listed "
                     f"{count} with totalResults {body['totalResults']!r}.", answer)


@then("the answer lists no resources of at least {total:d} in all")
def lists_only_the_total(total, answers):
    answer = last(answers)
    body = _list(answer)
    if resources_of(body) or not isinstance(body["totalResults"], int) or body["totalResults"] < total:
        raise failed(f"The target must list no resources with totalResults at least {total}; it listed "
                     f"{len(resources_of(body))} with totalResults {body['totalResults']!r}.", answer)


MAX_PAGES = 60
PAGES_WANTED = 8


@when("the client pages through GET {path}", target_fixture="pages")
def page_through(path, verify, answers):
    """Read a whole list page by page, as Okta's import does, without a filter.

    The page size is an eighth of totalResults (at least 2, at most 200), so that even a small list
    takes several pages. A target may answer fewer than asked (RFC 7644 section 3.4.2.4): the next
    page starts after what came. The walk stops at the end of the list, or after MAX_PAGES pages.
    """
    first = verify.get(path, [("count", "0")])
    total = first.response_body.get("totalResults") if first.status == 200 and isinstance(first.response_body, dict) else None
    if not isinstance(total, int):
        raise failed("The target must answer a list with count=0 with its totalResults (RFC 7644 section 3.4.2.4).", first)
    size, start, pages = min(max(2, -(-total // PAGES_WANTED)), 200), 1, []
    while start <= total and len(pages) < MAX_PAGES:
        page = verify.get(path, [("startIndex", str(start)), ("count", str(size))])
        pages.append((start, size, page))
        answers.append(page)
        held = len(resources_of(_list(page)))
        if held == 0:
            break
        start += held
    return pages


@then("every page holds at most the count asked, echoes its startIndex and gives the same totalResults")
def pages_are_consistent(pages):
    totals = set()
    for start, size, page in pages:
        body = _list(page)
        held = len(resources_of(body))
        if held > size:
            raise failed(f"A page must hold at most the count asked ({size}); it held {held}.", page)
        whole_list = start == 1 and held == body["totalResults"]  # not partial: startIndex is optional (3.4.2)
        if body.get("startIndex") != start and not (whole_list and "startIndex" not in body):
            raise failed(f"The page must echo startIndex {start}; it says {body.get('startIndex')!r}.", page)
        if "itemsPerPage" in body and body["itemsPerPage"] != held:
            raise failed(f"itemsPerPage must count the page's resources ({held}); it is {body['itemsPerPage']!r}.", page)
        totals.add(body["totalResults"])
        if len(totals) > 1:
            raise failed(f"Every page must give the same totalResults; they gave {sorted(totals)}.", page)


@then("the pages together hold each of the users {users} exactly once")
def pages_hold_each_once(users, pages, scenario_prefix):
    expected = [f"{scenario_prefix}{n}".lower() for n in aliases(users)]
    seen = {str(value_at(r, "userName")).lower() for _, _, page in pages for r in resources_of(page.response_body)}
    ids = [r.get("id") for _, _, page in pages for r in resources_of(page.response_body)]
    last_page = pages[-1][2] if pages else None
    repeated = sorted(i for i, seen_times in Counter(ids).items() if seen_times > 1 and i is not None)
    if repeated:
        raise failed(f"Pages must not overlap: the ids {repeated[:5]} came on more than one page (an unstable order "
                     "makes Okta's import miss users).", last_page)
    missing = [name for name in expected if name not in seen]
    if missing and len(pages) >= MAX_PAGES:
        raise blocked("list-too-long", f"The scenario's users were not in the first {MAX_PAGES} pages of the list; "
                      "the target holds too many users to page through here.", last_page)
    if missing:
        raise failed(f"Paging through the whole list must show every user once; {missing} never came.", last_page)
