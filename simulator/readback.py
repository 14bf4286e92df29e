"""The suite's own reads of the target (not IdP traffic): they go with the verify profile's User-Agent."""

from __future__ import annotations

from .scim import list_problem, resources_of
from .transport import Transport

PAGE = 100


class ReadbackError(Exception):
    """The target could not be read back; the message says why in one sentence."""


def read_all(verify: Transport, endpoint: str, extra: list[tuple[str, str]] = ()) -> list[dict]:
    """Every resource of an endpoint, page by page."""
    found: list[dict] = []
    start = 1
    while True:
        page = verify.get(endpoint, [("startIndex", start), ("count", PAGE), *extra])
        if page.status != 200 or page.failure:
            raise ReadbackError(f"Reading {endpoint} back failed: {page.describe()}.")
        problem = list_problem(page.response_body)
        if problem:
            raise ReadbackError(f"Reading {endpoint} back failed: {problem}.")
        resources = resources_of(page.response_body)
        found.extend(resources)
        if not resources or len(found) >= page.response_body["totalResults"]:
            return found
        start += len(resources)
