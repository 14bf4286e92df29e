"""Targets for the load tests: the reference server, served on loopback in this process, as it is or with one
behaviour changed (WSGI middleware around the real server, as the broken targets of the suite)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.suite.broken_targets import Call, breaker, scim_error

TOKEN = "load-test-token"
RETRY_AFTER_S = 2
PREFLIGHT = ("GET", "/scim/v2/Users", {"startIndex": "1", "count": "2"})  # the command's first request: let it through


def preflight(call: Call) -> bool:
    return (call.method, call.path, call.query) == PREFLIGHT


def throttles_everything(call: Call):
    """Every request but the pre-flight answered 429 with a Retry-After of a few seconds."""
    if preflight(call):
        return call.forward()
    status, headers, body = scim_error("429 TOO MANY REQUESTS", "Slow down.")
    return status, headers + [("Retry-After", str(RETRY_AFTER_S))], body


def fails_every_create(call: Call):
    """Every POST answered 500: no user or group can be created."""
    if call.method == "POST":
        return scim_error("500 INTERNAL SERVER ERROR", "The store is down.")
    return call.forward()


@contextlib.contextmanager
def serving(tmp_path, change=None) -> Iterator[str]:
    """The reference server (changed by `change`, when given) on loopback; yields its SCIM base URL."""
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "target.db"), tokens=[TOKEN]),
                                  wrap=breaker(change) if change else None)
    try:
        yield running.base_url
    finally:
        running.stop()


class Recorder:
    """Middleware keeping the shape of every request the target receives: what must match between a load
    client and the engine it replays (method, path without ids, query names, body keys, PATCH operations,
    headers)."""

    def __init__(self):
        self.shapes: list[tuple] = []

    def __call__(self, call: Call):
        if not preflight(call):
            self.shapes.append(shape(call))
        return call.forward()


def shape(call: Call) -> tuple:
    body = call.json() if call.body else None
    operations = tuple((op.get("op"), op.get("path")) for op in body.get("Operations", [])) \
        if isinstance(body, dict) else ()
    headers = {name[5:].lower(): value for name, value in call.environ.items() if name.startswith("HTTP_")}
    headers["content-type"] = call.environ.get("CONTENT_TYPE", "")
    return (call.method, _without_ids(call.path), tuple(sorted(call.query)),
            tuple(sorted(body)) if isinstance(body, dict) else None, operations,
            tuple(sorted(name for name in headers if name not in ("host", "authorization"))),
            headers.get("user_agent"), headers.get("adscimversion"), headers["content-type"])


def _without_ids(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[:4] + ["{id}"] * len(parts[4:]))  # /scim/v2/Users/<id> -> /scim/v2/Users/{id}


def is_entra(request_shape: tuple) -> bool:
    return request_shape[7] is not None  # Entra's ADSCIMVersion header
