"""A recording SCIM stub for the simulator's unit tests: an in-memory target behind httpx.MockTransport.

It answers just enough SCIM for the engines to run their sequences (eq filters, create, read,
replace, patch without applying, delete), records every request as received on the wire, and
can be told to answer one route with a fixed status (409, 429, 401, 404, 501...).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import httpx

from scimulator.simulator import Transport, VirtualClock
from scimulator.simulator.transport import ClientProfile

BASE = "http://stub.test/scim/v2"


@dataclass
class Received:
    method: str
    path: str
    raw_query: str
    query: dict
    headers: httpx.Headers
    body: object


class StubTarget:
    def __init__(self):
        self.requests: list[Received] = []
        self.resources: dict[str, dict[str, dict]] = {"Users": {}, "Groups": {}}
        self.overrides: list[tuple[str, str, int, object, dict, int]] = []
        self._ids = (f"id-{n}" for n in itertools.count(1))

    def answer(self, method: str, path_regex: str, status: int, body: object = None, headers: dict | None = None,
               times: int = 1_000_000) -> None:
        """Answer requests matching method and path with a fixed status, `times` times."""
        self.overrides.append([method, path_regex, status, body, headers or {}, times])

    def transport(self, profile: ClientProfile, clock: VirtualClock | None = None, token: str = "stub-token") -> Transport:
        client = httpx.Client(transport=httpx.MockTransport(self.handle))
        return Transport(BASE, token, profile, clock or VirtualClock(), http=client)

    def seen(self, method: str | None = None) -> list[Received]:
        return [r for r in self.requests if method is None or r.method == method]

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        path = url.path.removeprefix("/scim/v2")
        body = json.loads(request.content) if request.content else None
        self.requests.append(Received(request.method, path, url.query, dict(parse_qsl(url.query)), request.headers, body))
        for override in self.overrides:
            method, regex, status, fixed, headers, times = override
            if method == request.method and re.fullmatch(regex, path) and times > 0:
                override[5] -= 1
                return self._json(status, fixed, headers)
        return self._serve(request.method, path, dict(parse_qsl(url.query)), body)

    @staticmethod
    def _json(status: int, body: object, headers: dict | None = None) -> httpx.Response:
        if body is None:
            return httpx.Response(status, headers=headers or {})
        return httpx.Response(status, content=json.dumps(body).encode(),
                              headers={"Content-Type": "application/scim+json", **(headers or {})})

    def _serve(self, method: str, path: str, query: dict, body) -> httpx.Response:
        parts = path.strip("/").split("/")
        kind = parts[0]
        store = self.resources.get(kind)
        if store is None:
            return self._json(404, {"detail": "no such endpoint"})
        if len(parts) == 1 and method == "GET":
            found = list(store.values())
            match = re.fullmatch(r'(\w+) eq "(.*)"', query.get("filter", ""))
            if match:
                attribute, value = match.groups()
                found = [r for r in found if str(r.get(attribute, "")).lower() == value.lower()]
            start, count = int(query.get("startIndex", 1)), int(query.get("count", 100))
            page = found[start - 1:start - 1 + count]
            return self._json(200, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                                    "totalResults": len(found), "startIndex": start, "itemsPerPage": len(page),
                                    "Resources": page})
        if len(parts) == 1 and method == "POST":
            resource = dict(body, id=next(self._ids), meta={"resourceType": kind[:-1]})
            resource.pop("password", None)
            store[resource["id"]] = resource
            return self._json(201, resource)
        resource = store.get(parts[1]) if len(parts) > 1 else None
        if resource is None:
            return self._json(404, {"detail": "not found"})
        if method == "GET":
            return self._json(200, resource)
        if method == "PUT":
            store[parts[1]] = dict(body, id=parts[1])
            return self._json(200, store[parts[1]])
        if method == "PATCH":
            return httpx.Response(204)
        if method == "DELETE":
            del store[parts[1]]
            return httpx.Response(204)
        return self._json(405, {"detail": "method not allowed"})


def decoded_filter(received: Received) -> str:
    return unquote_plus(received.query.get("filter", "")) if received.query else ""
