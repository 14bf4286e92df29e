"""Plain Locust, for `make bench`'s comparison: an HttpUser sending what one Okta assignment wave sends
(five lookups by userName and creates, a GET + PUT, two PATCHes of active), with fixed bodies and none of
scimulator's engines, records or redaction. Its requests per CPU second are the floor our load clients
are measured against."""

from __future__ import annotations

import itertools
import json
import os
import time

from locust import HttpUser, events, task
from locust.runners import WorkerRunner

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
HEADERS = {"User-Agent": "Okta SCIM Client 1.0.0", "Accept": "application/scim+json", "Accept-Charset": "utf-8",
           "Authorization": f"Bearer {os.environ.get('SCIMULATOR_TOKEN', '')}"}
WRITE = {**HEADERS, "Content-Type": "application/scim+json; charset=utf-8"}
SERIAL = itertools.count()
CPU = {"at_start": 0.0, "workers": {}}  # as scimulator's locustfile measures it: worker CPU seconds since test start


@events.test_start.add_listener
def note_cpu(environment, **_) -> None:
    CPU["at_start"] = time.process_time()


@events.report_to_master.add_listener
def send_cpu(client_id, data, **_) -> None:
    data["cpu_s"] = time.process_time() - CPU["at_start"]


@events.worker_report.add_listener
def receive_cpu(client_id, data, **_) -> None:
    CPU["workers"][client_id] = data.get("cpu_s", 0.0)


@events.quitting.add_listener
def write_cpu(environment, **_) -> None:
    if not isinstance(environment.runner, WorkerRunner) and os.environ.get("PLAIN_RESULTS"):
        with open(os.environ["PLAIN_RESULTS"], "w") as out:
            json.dump({"generator_cpu_s": sum(CPU["workers"].values())}, out)


def user_body(login: str) -> dict:
    return {"schemas": [USER], "userName": login, "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"primary": True, "value": login, "type": "work"}], "displayName": "Ada Lovelace",
            "locale": "en-US", "externalId": login, "groups": [], "active": True, "password": "x1y2z3w4"}


def active(value: bool) -> dict:
    return {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": value}}]}


class PlainOktaWave(HttpUser):
    prefix = f"plain-{os.getpid()}-"

    @task
    def wave(self) -> None:
        ids = []
        for _ in range(5):
            login = f"{self.prefix}{next(SERIAL)}@example.com"
            self.client.get("/Users", params={"filter": f'userName eq "{login}"', "startIndex": 1, "count": 100},
                            headers=HEADERS, name="lookup user")
            created = self.client.post("/Users", json=user_body(login), headers=WRITE, name="create user")
            ids.append(created.json().get("id") if created.ok else None)
        if not ids[0] or not ids[1]:
            return
        current = self.client.get(f"/Users/{ids[0]}", headers=HEADERS, name="read user").json()
        self.client.put(f"/Users/{ids[0]}", json={**current, "groups": []}, headers=WRITE, name="replace user")
        self.client.patch(f"/Users/{ids[1]}", json=active(False), headers=WRITE, name="patch user")
        self.client.patch(f"/Users/{ids[1]}", json=active(True), headers=WRITE, name="patch user")
