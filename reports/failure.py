"""A failure as a record, and the one way every output writes it.

A scenario that fails keeps what the IdP expected, what the target answered, which of the scenario's
exchanges decided it, in which step, the public sources it rests on, and a root-cause key. Failures
and blocked scenarios with the same key share a cause; a report groups by it.

Root-cause keys (a small, stable vocabulary):

- a key a check names itself, for a behaviour it judges (``resource-unreadable``, ``lookup-not-a-list``, ...);
- ``create-user``, ``create-group``: the target refused a create (POST /Users, POST /Groups), the same keys a
  scenario blocked on that create carries, so the two group together;
- ``http-<status>-on-<METHOD> <path>``: the target refused a request (ids in the path become ``{id}``);
- ``wrong-answer-to-<METHOD> <path>``: the target answered with success, but not what the IdP needs;
- ``no-answer-to-<METHOD> <path>``: the request failed on the wire (refused, timeout, not JSON);
- ``expectation-unmet``: a check about what the IdP sent, or about no single exchange;
- ``check-failed``: an assertion that is not a ConformanceFailure.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

RESOURCE_SEGMENT = re.compile(r"^(Users|Groups|Schemas|ResourceTypes|Bulk|Me)$")
REFUSED_CAPABILITY = {"POST /Users": "create-user", "POST /Groups": "create-group"}  # as blocked scenarios name them


@dataclass
class Failure:
    expected: str  # one sentence: what the IdP needs
    answered: str | None = None  # what the target answered, short: "404 {...}" or a wire failure
    exchange: int | None = None  # index of the decisive exchange in the scenario's exchanges
    request: str | None = None  # "GET https://.../Users/42": the decisive exchange's request line
    step: str | None = None  # "Then the target's user "quin" can still be read"
    cause: str = "expectation-unmet"
    sources: list[dict] = field(default_factory=list)  # [{"key", "title", "url"}], the scenario's
    replay: str | None = None  # report-relative path of the replay script, when written

    def to_dict(self) -> dict:
        return asdict(self)


def path_template(url: str, base: str = "") -> str:
    """'/scim/v2/Users/575055a0-...?filter=...' -> '/Users/{id}': the endpoint, whatever the ids and query."""
    path = urlsplit(url).path
    base_path = urlsplit(base).path.rstrip("/") if base else ""
    if base_path and path.startswith(base_path):
        path = path[len(base_path):]
    segments = [s for s in path.split("/") if s]
    start = next((n for n, s in enumerate(segments) if RESOURCE_SEGMENT.match(s)), 0)
    kept = segments[start:]
    return "/" + "/".join(s if n == 0 or RESOURCE_SEGMENT.match(s) else "{id}" for n, s in enumerate(kept))


def default_cause(method: str | None, url: str | None, status: int | None, wire_failure: str | None) -> str:
    """The root-cause key of a failure no check named, from its decisive exchange."""
    if method is None or url is None:
        return "expectation-unmet"
    endpoint = f"{method} {path_template(url)}"
    refused = wire_failure or status is None or status >= 400
    if refused and endpoint in REFUSED_CAPABILITY:
        return REFUSED_CAPABILITY[endpoint]
    if wire_failure or status is None:
        return f"no-answer-to-{endpoint}"
    if status >= 400:
        return f"http-{status}-on-{endpoint}"
    return f"wrong-answer-to-{endpoint}"


def format_failure(failure: Failure) -> str:
    """The record as plain text: terminal, summary.md, junit.xml, report.html and Allure all show this."""
    lines = [failure.expected]
    if failure.request:
        lines.append(f"decisive exchange #{failure.exchange}: {failure.request}")
    if failure.answered:
        lines.append(f"target answered: {failure.answered}")
    if failure.step:
        lines.append(f"step: {failure.step}")
    lines.append(f"root cause: {failure.cause}")
    documents = [f"[{d['key']}] {d['url'] or d['title']}" for d in failure.sources]
    if documents:
        lines.append(f"source: {'; '.join(documents)}")
    if failure.replay:
        lines.append(f"replay: SCIMULATOR_TOKEN=... sh {failure.replay}")
    return "\n".join(lines)


def failure_text(scenario) -> str:
    """A failed scenario as every output shows it: its record formatted, or its message when it has none."""
    return format_failure(scenario.failure) if scenario.failure is not None else (scenario.message or "failed")


def root_causes(scenarios) -> dict[str, dict[str, list]]:
    """Failures and blocked scenarios grouped by their root-cause key: {cause: {"failed": [...], "blocked": [...]}}."""
    causes: dict[str, dict[str, list]] = {}
    for scenario in scenarios:
        if scenario.outcome == "failed" and scenario.failure is not None:
            causes.setdefault(scenario.failure.cause, {"failed": [], "blocked": []})["failed"].append(scenario)
        elif scenario.blocked_by:
            causes.setdefault(scenario.blocked_by["cause"], {"failed": [], "blocked": []})["blocked"].append(scenario)
    return dict(sorted(causes.items(), key=lambda item: (-len(item[1]["failed"]) - len(item[1]["blocked"]), item[0])))
