"""Reading the target back and saying, in plain words, why a scenario failed.

A failure message names the exchange, what the IdP expected and what the target answered.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from scimulator.reports.failure import default_cause
from scimulator.simulator import Transport
from scimulator.simulator.scim import eq_filter, list_problem, resources_of
from scimulator.simulator.transport import Exchange


class ConformanceFailure(AssertionError):
    """A target behaviour the IdP would break on; its text is the message, its fields the record.

    `expected` is the sentence, `exchange` the decisive one (or None), `cause` the root-cause key
    (reports/failure.py says the vocabulary; None: derived from the exchange).
    """

    def __init__(self, message: str, expected: str = "", exchange: Exchange | None = None, cause: str | None = None):
        super().__init__(message)
        self.expected = expected or message
        self.exchange = exchange
        self.cause = cause or default_cause(*_request_of(exchange), *_answer_of(exchange))

    @property
    def answered(self) -> str | None:
        if self.exchange is None:
            return None
        if self.exchange.status is None:
            return self.exchange.failure
        return f"{self.exchange.status} {show(self.exchange.response_body, 200)}"


def _request_of(exchange: Exchange | None) -> tuple[str | None, str | None]:
    return (exchange.method, exchange.url) if exchange is not None else (None, None)


def _answer_of(exchange: Exchange | None) -> tuple[int | None, str | None]:
    return (exchange.status, exchange.failure) if exchange is not None else (None, None)


def show(body: Any, limit: int = 400) -> str:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def failed(expected: str, exchange: Exchange | None = None, cause: str | None = None) -> ConformanceFailure:
    """`raise failed("The user must ...", answer)`; `cause` names the root cause when the exchange alone does not."""
    lines = [expected]
    if exchange is not None:
        lines.append(f"exchange: {exchange.method} {exchange.url}")
        if exchange.request_body is not None:
            lines.append(f"sent: {show(exchange.request_body)}")
        answer = exchange.failure if exchange.status is None else f"{exchange.status} {show(exchange.response_body)}"
        lines.append(f"target answered: {answer}")
    return ConformanceFailure("\n".join(lines), expected, exchange, cause)


class Blocked(pytest.skip.Exception):
    """A scenario that could not reach the behaviour it is about: its setup needed something else.

    The scenario is reported skipped, "blocked by" its cause, and does not count against a verdict;
    the cause's judgement belongs to the scenarios about that capability.
    """

    def __init__(self, cause: str, detail: str):
        super().__init__(f"Blocked by {cause}: {detail}", _use_item_location=True)
        self.cause = cause
        self.detail = detail


def blocked(cause: str, sentence: str, exchange: Exchange | None = None) -> Blocked:
    """For setup steps: `raise blocked("create-user", "The target did not create ...", answer)`.

    `cause` is a short key a report groups by (create-user, create-group-with-members, filter-sw, ...);
    the sentence and the exchange say what the target answered.
    """
    return Blocked(cause, str(failed(sentence, exchange)))


def aliases(text: str) -> list[str]:
    """The names of a Gherkin list: '"ann", "bo" and "cy"' -> ["ann", "bo", "cy"]."""
    return [name.strip().strip('"') for name in text.replace(" and ", ",").split(",") if name.strip()]


def _lookup(verify: Transport, endpoint: str, attribute: str, value: str) -> tuple[list[dict], Exchange]:
    """What the target lists for `attribute eq value`, as Okta and Entra look resources up."""
    answer = verify.get(endpoint, [("filter", eq_filter(attribute, value))])
    if answer.status != 200 or answer.failure or list_problem(answer.response_body):
        raise failed(f"The target did not answer a lookup of {attribute} {value!r} with a ListResponse.", answer,
                     "lookup-not-a-list" if answer.status is not None and answer.status < 400 else None)
    return resources_of(answer.response_body), answer


def find_users(verify: Transport, user_name: str) -> tuple[list[dict], Exchange]:
    return _lookup(verify, "/Users", "userName", user_name)


def find_groups(verify: Transport, name: str) -> tuple[list[dict], Exchange]:
    return _lookup(verify, "/Groups", "displayName", name)


def read(verify: Transport, path: str, what: str) -> dict:
    answer = verify.get(path)
    if answer.status != 200 or not isinstance(answer.response_body, dict):
        raise failed(f"{what} must stay readable with GET {path}, and answer 200 with the resource.", answer,
                     "resource-unreadable")
    return answer.response_body


def idp_requests(exchanges: list[Exchange], method: str | None = None, path_part: str = "") -> list[Exchange]:
    return [x for x in exchanges if x.by == "idp" and (method is None or x.method == method) and path_part in x.url]


def held_in_target(verify, endpoint: str, body: dict, cause: str | None = None) -> dict:
    """Setting up what the target already holds, with a plain SCIM create.

    A target that refuses it leaves the scenario blocked, not failed: the scenario is about what the
    IdP does with a resource it finds, and creates are judged by their own scenarios.
    """
    answer = verify.post(endpoint, body)
    if answer.status != 201 or not isinstance(answer.response_body, dict):
        cause = cause or ("create-user" if endpoint == "/Users" else "create-group")
        raise blocked(cause, f"Setting up: the target did not create the resource with POST {endpoint} (201).", answer)
    return answer.response_body
