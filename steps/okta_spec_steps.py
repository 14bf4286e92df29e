"""Okta's SCIM 2.0 SPEC test, spoken as Okta's own test collection speaks it.

Okta's collection (Okta-SCIM-20-SPEC-Test.json) sends its requests with its own headers and test
values (Initial_Script_Spec.txt): a random "Runscope" user at atko.com, the invalid user
``abcdefgh@atko.com`` and the user id ``010101001010101011001010101011``. In the Gherkin those values
keep Okta's names in double braces (``{{randomUsername}}``, ``{{idUserOne}}``); the random user is
made unique to the run, so that a target keeping userNames or emails unique never sees one twice.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

import pytest

from scimulator.simulator.scim import USER, resources_of
from scimulator.simulator.transport import SCIM_JSON, ClientProfile
from .judge import aliases, blocked, failed
from .language import given, then, when
from .protocol_steps import last

# The headers of Okta's collection on its GETs; its POSTs send Content-Type application/json instead.
OKTA_SPEC_TEST = ClientProfile(
    name="okta-spec-test", by="idp",
    headers={"User-Agent": "OKTA SCIM Integration", "Accept": "application/scim+json", "Accept-Charset": "utf-8",
             "Content-Type": "application/scim+json; charset=utf-8"},
    write_content_type="application/json", timeout_s=60.0, space_in_query="%20",
)
POST_HEADERS = {"Content-Type": "application/json", "Accept": "application/scim+json; charset=utf-8"}
INVALID_USER_EMAIL = "abcdefgh@atko.com"
USER_ID_THAT_DOES_NOT_EXIST = "010101001010101011001010101011"


@pytest.fixture
def spec_values(directory) -> dict[str, str]:
    """Okta's test values: a given name "Runscope" and three digits, a family name of one capital, eight small
    letters and three digits, and the email (also the userName) made of both at atko.com."""
    chance = random.Random(directory.seed)
    given_name = "Runscope" + "".join(chance.choices(string.digits, k=3))
    family_name = (chance.choice(string.ascii_uppercase) + "".join(chance.choices(string.ascii_lowercase, k=8))
                   + "".join(chance.choices(string.digits, k=3)))
    email = directory.unique(f"{given_name}{family_name}@atko.com")
    return {"randomGivenName": given_name, "randomFamilyName": family_name, "randomEmail": email,
            "randomUsername": email, "randomUsernameCaps": email.upper(), "InvalidUserEmail": INVALID_USER_EMAIL,
            "UserIdThatDoesNotExist": USER_ID_THAT_DOES_NOT_EXIST}


@pytest.fixture
def spec_client(connect):
    return connect(OKTA_SPEC_TEST)


def spec_expand(text: str, spec_values: dict, created_ids: dict) -> str:
    """Okta's ``{{variable}}`` placeholders filled in; ``{{idUserOne}}`` is the id the target gave the created user."""
    values = dict(spec_values, idUserOne=created_ids.get("idUserOne", "no-user-was-created"))
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def spec_user(spec_values: dict, email_key: str = "randomEmail") -> dict:
    """The body of Okta's "Create Okta user with realistic values" (its recreate sends the userName as the email)."""
    given_name, family_name = spec_values["randomGivenName"], spec_values["randomFamilyName"]
    return {"schemas": [USER], "userName": spec_values["randomUsername"],
            "name": {"givenName": given_name, "familyName": family_name},
            "emails": [{"primary": True, "value": spec_values[email_key], "type": "work"}],
            "displayName": f"{given_name} {family_name}", "active": True}


def value_at(body: Any, path: str) -> Any:
    """``Resources[0].emails[0].value`` read from a JSON body (None where any part is missing)."""
    node = body
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(node, list) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def has_value(value: Any) -> bool:
    return value not in (None, "", [], {})


# --- given / when ----------------------------------------------------------------------------------

@given("the target holds the user Okta's SPEC test creates")
def spec_user_exists(spec_client, spec_values, created_ids):
    """Setting up, labelled as SCIM: the label Okta's step 6 uses is judged in step 6 alone."""
    answer = spec_client.request("POST", "/Users", body=spec_user(spec_values),
                                 extra_headers=dict(POST_HEADERS, **{"Content-Type": SCIM_JSON}))
    if answer.status != 201 or not isinstance(answer.response_body, dict) or not answer.response_body.get("id"):
        raise blocked("create-user", "Setting up: the target did not create the user of Okta's SPEC test "
                      "with POST /Users (201 with an id).", answer)
    created_ids["idUserOne"] = answer.response_body["id"]


@when("Okta's SPEC test sends GET {path}", regex=r"Okta's SPEC test sends GET (?P<path>\S+)$")
def spec_get(path, spec_client, spec_values, created_ids, send_written):
    send_written(spec_client, "GET", spec_expand(path, spec_values, created_ids))


@when('Okta\'s SPEC test sends GET {path} with the header "Authorization: {header_value}"')
def spec_get_with_authorization(path, header_value, connect, spec_values, created_ids, send_written):
    send_written(connect(OKTA_SPEC_TEST, None), "GET", spec_expand(path, spec_values, created_ids),
                 {"Authorization": header_value})


@when("Okta's SPEC test creates its user with POST /Users, labelled {content_type}")
@when("Okta's SPEC test creates the same user again, labelled {content_type}")
def spec_create(content_type, spec_client, spec_values, created_ids, answers):
    again = "idUserOne" in created_ids
    body = spec_user(spec_values, email_key="randomUsername" if again else "randomEmail")
    answer = spec_client.request("POST", "/Users", body=body, extra_headers=dict(POST_HEADERS, **{"Content-Type": content_type}))
    answers.append(answer)
    if not again and isinstance(answer.response_body, dict) and answer.response_body.get("id"):
        created_ids["idUserOne"] = answer.response_body["id"]


# --- then ------------------------------------------------------------------------------------------

@then('the answer\'s "{attribute_path}" holds "{value}"')
def answer_holds(attribute_path, value, answers):
    answer = last(answers)
    found = value_at(answer.response_body, attribute_path)
    if not isinstance(found, list) or value not in found:
        raise failed(f"The answer's {attribute_path} must hold {value}; it is {json.dumps(found)}.", answer)


@then("the answer's {attribute_paths} are numbers")
def answer_numbers(attribute_paths, answers):
    answer = last(answers)
    wrong = [name for name in aliases(attribute_paths)
             if not isinstance(value_at(answer.response_body, name), int) or isinstance(value_at(answer.response_body, name), bool)]
    if wrong:
        raise failed(f"The answer's {', '.join(wrong)} must be numbers (Okta asserts is_a_number).", answer)


@then("the answer has a value for {attribute_paths}")
def answer_has_values(attribute_paths, answers):
    _has_values(last(answers), "", attribute_paths)


@then("the first resource in the answer has a value for {attribute_paths}")
def first_resource_has_values(attribute_paths, answers):
    _has_values(last(answers), "Resources[0].", attribute_paths)


def _has_values(answer, base: str, paths: str) -> None:
    missing = [path for path in aliases(paths) if not has_value(value_at(answer.response_body, base + path))]
    if missing:
        raise failed(f"The answer must carry a value for {', '.join(base + path for path in missing)} "
                     "(Okta asserts not_empty).", answer)


@then('the answer\'s "{attribute_path}" is Okta\'s {{{{{variable}}}}}')
def answer_is_spec_value(attribute_path, variable, answers, spec_values, created_ids):
    answer = last(answers)
    expected = spec_expand("{{" + variable + "}}", spec_values, created_ids)
    found = value_at(answer.response_body, attribute_path)
    if found != expected:
        raise failed(f"The answer's {attribute_path} must be {expected!r}, as Okta sent it; it is {json.dumps(found)}.", answer)


@then('the answer\'s "{attribute_path}" reads "{value}"')
def answer_reads(attribute_path, value, answers):
    """Okta's "equal" compares text: a status of 401 or "401" both read "401"."""
    answer = last(answers)
    found = value_at(answer.response_body, attribute_path)
    if found is None or str(found) != value:
        raise failed(f"The answer's {attribute_path} must read {value!r}; it is {json.dumps(found)}.", answer)


@then("the answer's Resources is a list when totalResults is 1 or more")
def resources_listed(answers):
    answer = last(answers)
    body = answer.response_body if isinstance(answer.response_body, dict) else {}
    total = body.get("totalResults")
    if not isinstance(total, int) or (total >= 1 and not isinstance(body.get("Resources"), list)):
        raise failed("The answer must carry an integer totalResults and, when it is 1 or more, a Resources array.",
                     answer)


@then("the answer lists the user Okta's SPEC test created")
def lists_spec_user(answers, created_ids):
    answer = last(answers)
    ids = [resource.get("id") for resource in resources_of(answer.response_body)]
    if ids != [created_ids.get("idUserOne")]:
        raise failed("userName is caseExact false (RFC 7643 section 4.1.1): the upper-case lookup must list exactly "
                     f"the user created before ({created_ids.get('idUserOne')}); it listed {ids}.", answer)
