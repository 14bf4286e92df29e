"""``make demo`` until ``scimulator run`` exists: the reference server on a loopback port, a
short provisioning in the shape Okta and Entra send it (idp-behaviour.md 1.2-1.8, 2.4-2.7), and
a line for each exchange.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import httpx

from reference_server import ServerConfig
from scimulator import __version__
from scimulator.server import start_in_background

SCIM = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _patch(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


class _Script:
    def __init__(self, client: httpx.Client):
        self.client = client
        self.failures = 0

    def send(self, what: str, method: str, path: str, expect: int, body: dict | None = None) -> dict:
        response = self.client.request(method, path, json=body)
        ok = response.status_code == expect
        self.failures += not ok
        mark = "ok  " if ok else "FAIL"
        print(f"  {mark} {what:<58} {method:<6} {response.status_code}  (expected {expect})")
        try:
            return response.json() if response.content else {}
        except ValueError:
            return {}


def run_demo() -> int:
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="scimulator-demo-") as workdir:
        db = str(Path(workdir) / "demo.db")
        server = start_in_background(ServerConfig(db_path=db, tokens=[token]))
        print(f"scimulator {__version__}: reference server at {server.base_url} (SQLite store {db})\n")
        try:
            headers = {"Authorization": f"Bearer {token}", "Accept": SCIM, "User-Agent": "Okta SCIM Client 1.0.0"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
                failures = _provision(_Script(client))
        finally:
            server.stop()
    print()
    if failures:
        print(f"{failures} exchange(s) did not answer as Okta and Entra expect.")
        return 1
    print("Every exchange answered as Okta and Entra expect.")
    return 0


def _provision(script: _Script) -> int:
    user_name = "ana.o'neill+demo@example.com"
    print("Okta connection test and assignment (OIN app)")
    script.send("connection test", "GET", "/Users?startIndex=1&count=2", 200)
    lookup = quote(f'userName eq "{user_name}"')
    query = f"/Users?filter={lookup}&startIndex=1&count=100"
    found = script.send("lookup by userName before create: empty list", "GET", query, 200)
    user = script.send("create the user", "POST", "/Users", 201, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name,
        "name": {"givenName": "Ana", "familyName": "O'Neill"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Ana O'Neill", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [], "password": secrets.token_urlsafe(12), "active": True})
    user_id = user.get("id", "missing")
    script.send("a second create of the same userName is refused", "POST", "/Users", 409,
                {"userName": user_name.upper(), "active": True})
    found = script.send("lookup is case-insensitive and finds one user", "GET", query.replace("ana", "ANA"), 200)
    if found.get("totalResults") != 1:
        script.failures += 1
        print(f"  FAIL lookup found {found.get('totalResults')} users, expected 1")

    print("\nOkta Group Push")
    group = script.send("create the pushed group", "POST", "/Groups", 201, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering – Zürich",
        "members": []})
    group_id = group.get("id", "missing")
    script.send("Okta's replace of id and displayName", "PATCH", f"/Groups/{group_id}", 200,
                _patch({"op": "replace", "value": {"id": group_id, "displayName": "Engineering – Zürich"}}))
    script.send("add the member", "PATCH", f"/Groups/{group_id}", 200,
                _patch({"op": "add", "path": "members", "value": [{"value": user_id, "display": user_name}]}))

    print("\nEntra's PATCH dialect (without aadOptscim062020)")
    script.send("capitalised op, filtered path that does not exist yet", "PATCH", f"/Users/{user_id}", 200,
                _patch({"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+41 44 000 00 00"}))
    script.send("Entra's member removal shape removes only that member", "PATCH", f"/Groups/{group_id}", 200,
                _patch({"op": "Remove", "path": "members", "value": [{"value": user_id}]}))
    script.send("disable with the string \"False\"", "PATCH", f"/Users/{user_id}", 200,
                _patch({"op": "Replace", "path": "active", "value": "False"}))
    user = script.send("the user is still readable, now inactive", "GET", f"/Users/{user_id}", 200)
    if user.get("active") is not False:
        script.failures += 1
        print(f"  FAIL active is {user.get('active')!r}, expected false")
    return script.failures


if __name__ == "__main__":
    sys.exit(run_demo())
