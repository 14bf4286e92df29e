"""A failing scenario's replay script: its whole exchange sequence as curl commands, POSIX sh.

The token comes from $SCIMULATOR_TOKEN and the base URL from $SCIMULATOR_URL (the run's target by
default). Ids the target gave in earlier answers are captured into shell variables and carried into
later requests, so the sequence works against a fresh copy of the data. Every answer is kept in
$SCIMULATOR_REPLAY_DIR (a new temporary directory by default) as <n>.json, and each exchange prints
one line, `#<n> <METHOD> <path> -> <status>`; the decisive exchange is marked. Passwords the IdP sent
are never in the record, so the script sends a placeholder for every password, whatever was recorded.
"""

from __future__ import annotations

import hashlib
import json
import re

from .curl import SKIPPED_HEADERS
from .model import ScenarioResult

PASSWORD_PLACEHOLDER = "Scimulator-Replay-1!"
MIN_ID_LENGTH = 6  # shorter ids ("7") stay literal: carrying them would rewrite every digit of a request
PICK = """pick() {  # pick FILE KEY...: a value from a saved JSON answer (keys; numbers index lists)
  python3 -c 'import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value)' "$@" 2>/dev/null
}"""


def slug(scenario_id: str) -> str:
    """A file name for a scenario: readable, and unique (a short hash of the id)."""
    readable = re.sub(r"[^a-z0-9]+", "-", scenario_id.lower()).strip("-")[:70].rstrip("-")
    return f"{readable}-{hashlib.sha1(scenario_id.encode()).hexdigest()[:8]}"


def script_path(scenario: ScenarioResult) -> str:
    return f"replay/{slug(scenario.id)}.sh"


def _quoted(text: str) -> str:
    """Always single-quoted, so ids can be spliced in as '"$ID_n"'."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _spliced(quoted: str, variables: dict[str, str]) -> str:
    for value, name in variables.items():
        quoted = quoted.replace(value, f"'\"${{{name}}}\"'")
    return quoted


def _ids_in(body: object) -> list[tuple[str, tuple[str, ...]]]:
    """The ids an answer gives: its own, and those of a ListResponse's resources, with their JSON path."""
    if not isinstance(body, dict):
        return []
    found = [(body["id"], ("id",))] if isinstance(body.get("id"), str) and body["id"] else []
    for n, resource in enumerate(body.get("Resources") or []):
        if isinstance(resource, dict) and isinstance(resource.get("id"), str) and resource["id"]:
            found.append((resource["id"], ("Resources", str(n), "id")))
    return found


def _without_passwords(body: object) -> object:
    if isinstance(body, dict):
        return {k: PASSWORD_PLACEHOLDER if k.lower() == "password" and isinstance(v, str) else _without_passwords(v)
                for k, v in body.items()}
    if isinstance(body, list):
        return [_without_passwords(v) for v in body]
    return body


def _curl(number: int, exchange: dict, base_url: str, variables: dict[str, str], decisive: bool) -> list[str]:
    request = exchange["request"]
    url = request["url"]
    path = url[len(base_url):] if base_url and url.startswith(base_url) else url
    target = ('"${SCIMULATOR_URL}"' if path != url else "") + _spliced(_quoted(path), variables)
    parts = ["curl", "-sS", "-o", f'"$out/{number}.json"', "-w", "'%{http_code}'", "-X", request["method"], target]
    headers = request.get("headers", {})
    if any(name.lower() == "authorization" for name in headers):
        parts += ["-H", '"Authorization: Bearer ${SCIMULATOR_TOKEN}"']
    parts += [f"-H {_quoted(f'{name}: {value}')}" for name, value in headers.items() if name.lower() not in SKIPPED_HEADERS]
    if request.get("body") is not None:
        body = json.dumps(_without_passwords(request["body"]), ensure_ascii=False)
        parts += ["--data-binary", _spliced(_quoted(body), variables)]
    shown = _spliced(_quoted(f"{request['method']} {path}"), variables)
    mark = f" [decisive; recorded {exchange['response']['status']}]" if decisive else ""
    return [f'status=$({" ".join(parts)}) || status="no answer"', f'echo "#{number} "{shown}" -> $status{mark}"']


def _recorded_answer(exchange: dict) -> str:
    response = exchange["response"]
    if response["status"] is None:
        return exchange.get("failure") or "no answer"
    return f"{response['status']} {json.dumps(response['body'], ensure_ascii=False)[:200]}"


def replay_script(scenario: ScenarioResult, base_url: str) -> str:
    failure = scenario.failure
    decisive = failure.exchange if failure else None
    lines = ["#!/bin/sh", f"# scimulator replay: {scenario.name}", f"# scenario: {scenario.id}",
             "# Sends this scenario's exchanges again, in order, as the IdP and scimulator's read-backs sent them.",
             "# Usage: SCIMULATOR_TOKEN=<token> [SCIMULATOR_URL=<base URL>] sh <this file>",
             f"# Passwords the IdP sent are redacted in the report; this script sends {PASSWORD_PLACEHOLDER!r} instead.",
             "# Values (userNames, emails) are the run's own: a target that still holds them may answer 409.",
             "set -u", f': "${{SCIMULATOR_URL:={base_url}}}"',
             ': "${SCIMULATOR_TOKEN:?set SCIMULATOR_TOKEN to the target bearer token}"',
             'out="${SCIMULATOR_REPLAY_DIR:-$(mktemp -d)}"', 'mkdir -p "$out"', 'echo "answers kept in $out"', PICK, ""]
    variables: dict[str, str] = {}
    for number, exchange in enumerate(scenario.exchanges):
        lines.append(f"# #{number} by {exchange['by']}; recorded answer: {_recorded_answer(exchange)}")
        if number == decisive:
            lines.append(f"# >>> decisive exchange: {failure.expected}")
        lines += _curl(number, exchange, base_url, variables, number == decisive)
        for value, keys in _ids_in(exchange["response"]["body"]):
            if value not in variables and len(value) >= MIN_ID_LENGTH:
                variables[value] = f"ID_{len(variables) + 1}"
                lines.append(f'{variables[value]}=$(pick "$out/{number}.json" {" ".join(keys)})  # recorded: {value}')
        lines.append("")
    return "\n".join(lines) + "\n"
