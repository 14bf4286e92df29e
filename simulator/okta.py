"""Okta's provisioning engine: what Okta sends, in the order it sends it (idp-behaviour.md section 1).

Two flavours [O1][O2]:
- ``oin``: an OIN template app. Users are PATCHed only to activate, deactivate or sync a password;
  profile edits go as GET + PUT. Group renames and membership changes are PATCH.
- ``aiw``: an App Integration Wizard custom app. PUT for everything.

Options for what the sources show in more than one way: ``enterprise_attributes`` (the Enterprise
User extension is mapped in the Profile Editor and sent under its URN [I14 LOW]), ``query_space``
(``"%20"`` as the current reference shows [O1], ``"+"`` as Okta's 2018 capture shows [F18]) and
``group_create_members`` (a Group Push create carrying the members [F18][F19] instead of ``[]`` [O1][I7]).

Every admin action becomes one task. Its outcome is what the Okta admin sees: ``tasks`` (the
provisioning tasks and their errors), ``push_errors`` (Push Groups > Errors), ``job_stopped``.
A 429 with Retry-After reschedules the task after the delay on the virtual clock (1.10 [O11]).
"""

from __future__ import annotations

import dataclasses
import random
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from .attributes import ENTERPRISE_FIELDS
from .directory import AppAssignments, Directory, Group, Person
from .scim import ENTERPRISE, GROUP, USER, eq_filter, error_detail, list_problem, patch, resources_of, retry_after_seconds
from .transport import Exchange, Transport

PAGE = 100  # Okta's lookups and imports ask for 100 at a time [O1]
FLAVOURS = ("oin", "aiw")
QUERY_SPACES = ("%20", "+")


@dataclass
class OktaTask:
    action: str  # "Create user", "Push group", ...
    subject: str  # the user's login or the group's name
    status: str = "completed"  # "completed" | "failed" | "rescheduled"
    message: str = ""


@dataclass
class ConnectionTest:
    ok: bool
    message: str


class _Failed(Exception):
    """The task fails with Okta's message."""


class _RateLimited(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"Rate Limit Exceeded: retrying in {seconds:g} s")
        self.seconds = seconds


class OktaEngine:
    def __init__(self, transport: Transport, directory: Directory, flavour: str = "oin",
                 unique_attribute: str = "userName", import_groups: bool = True, group_linking: bool = False,
                 seed: int = 0, enterprise_attributes: bool = False, query_space: str = "%20",
                 group_create_members: bool = False):
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour is one of {FLAVOURS}")
        if query_space not in QUERY_SPACES:
            raise ValueError(f"query_space is one of {QUERY_SPACES}")
        self.http = transport.with_profile(dataclasses.replace(transport.profile, space_in_query=query_space))
        self.clock = transport.clock
        self.directory = directory
        self.flavour = flavour
        self.unique_attribute = unique_attribute
        self.import_groups = import_groups
        self.group_linking = group_linking
        self.enterprise_attributes = enterprise_attributes
        self.group_create_members = group_create_members
        self.assignments = AppAssignments()
        self.user_links: dict[str, str] = {}  # person id -> target user id
        self.group_links: dict[str, str] = {}  # group id -> target group id
        self.tasks: list[OktaTask] = []
        self.push_errors: dict[str, str] = {}  # group id -> the error on Push Groups > Errors
        self.job_stopped: str | None = None
        self._pending: list[tuple[Any, OktaTask, Callable[[], None]]] = []
        self._random = random.Random(seed)
        self.passwords_sent: dict[str, str] = {}  # person id -> the last password Okta sent (never in records)

    # --- task running ---------------------------------------------------------------------------

    def _run(self, action: str, subject: str, work: Callable[[], None]) -> OktaTask:
        task = OktaTask(action, subject)
        self.tasks.append(task)
        self._attempt(task, work)
        return task

    def _attempt(self, task: OktaTask, work: Callable[[], None]) -> None:
        try:
            work()
            task.status, task.message = "completed", ""
        except _RateLimited as limited:
            task.status, task.message = "rescheduled", str(limited)
            self._pending.append((self.clock.now() + timedelta(seconds=limited.seconds), task, work))
        except _Failed as failure:
            task.status, task.message = "failed", str(failure)

    def advance(self, delta: timedelta) -> None:
        """Let time pass; tasks rescheduled after a 429 run when their delay is over."""
        self.clock.advance(delta)
        due = [entry for entry in self._pending if entry[0] <= self.clock.now()]
        self._pending = [entry for entry in self._pending if entry[0] > self.clock.now()]
        for _, task, work in sorted(due, key=lambda entry: entry[0]):
            self._attempt(task, work)

    @property
    def failed_tasks(self) -> list[OktaTask]:
        return [task for task in self.tasks if task.status == "failed"]

    def _check(self, exchange: Exchange, *expected: int, what: str) -> Exchange:
        if exchange.status == 429:
            raise _RateLimited(retry_after_seconds(exchange.response_headers))
        if exchange.failure and exchange.status is None:
            raise _Failed(f"Failed to {what}: {exchange.failure}.")
        if exchange.status not in expected:
            raise _Failed(f"Failed to {what}: the remote server answered {exchange.status}: "
                          f"{error_detail(exchange.response_body)}")
        if exchange.failure and exchange.status != 204:
            raise _Failed(f"Failed to {what}: {exchange.failure}.")
        return exchange

    # --- connection test (1.2) ------------------------------------------------------------------

    def test_connection(self) -> ConnectionTest:
        """`GET /Users?startIndex=1&count=2`, then `/Groups?startIndex=1&count=100` when groups are imported [O6]."""
        probes = [("/Users", [("startIndex", 1), ("count", 2)])]
        if self.import_groups:
            probes.append(("/Groups", [("startIndex", 1), ("count", PAGE)]))
        for path, query in probes:
            exchange = self.http.get(path, query)
            if exchange.status is None:
                return ConnectionTest(False, f"Could not connect: {exchange.failure}.")
            if exchange.status != 200:
                return ConnectionTest(False, f"{path} answered {exchange.status}: {error_detail(exchange.response_body)}")
            problem = exchange.failure or list_problem(exchange.response_body)
            if problem:
                return ConnectionTest(False, f"{path} did not answer a usable ListResponse: {problem}.")
        return ConnectionTest(True, "Connection succeeded.")

    # --- users (1.3 - 1.7) ----------------------------------------------------------------------

    def _unique_value(self, person: Person) -> str:
        return {"userName": person.login, "emails.value": person.email, "externalId": person.id}[self.unique_attribute]

    def _password(self) -> str:
        return "".join(self._random.choice(string.ascii_lowercase + string.digits) for _ in range(8))

    def user_body(self, person: Person, password: str | None) -> dict:
        """The create body of 1.3 [O1]: externalId is the Okta id, a random password is always sent.

        With the enterprise attributes mapped, they go under the extension's URN key [I14 LOW].
        """
        body = {"schemas": [USER], "userName": person.login,
                "name": {"givenName": person.given_name, "familyName": person.family_name},
                "emails": [{"primary": True, "value": person.email, "type": "work"}],
                "displayName": person.display_name, "locale": person.locale, "externalId": person.id,
                "groups": [], "active": person.active}
        if password is not None:
            body["password"] = password
        extension = self._enterprise_extension(person)
        if extension:
            body["schemas"] = [USER, ENTERPRISE]
            body[ENTERPRISE] = extension
        return body

    def _enterprise_extension(self, person: Person) -> dict:
        if not self.enterprise_attributes:
            return {}
        values = {name: getattr(person, field) for field, name in ENTERPRISE_FIELDS.items()}
        return {name: value for name, value in values.items() if value is not None}

    def assign(self, person: Person) -> OktaTask:
        """Assignment: lookup by the unique attribute, then POST, or link and push the profile [O1].

        A reassignment after an unassignment is a new assignment: the same lookup, which must find the
        user Okta deactivated, then the link, the profile push, and the activation (1.6 [O3][O4]; INF:
        the activation is sent as in 1.6).
        """
        self.assignments.people.add(person.id)
        if self.job_stopped:
            task = OktaTask("Create user", person.login, "failed", f"Not run: {self.job_stopped}")
            self.tasks.append(task)
            return task

        def work() -> None:
            lookup = self.http.get("/Users", [("filter", eq_filter(self.unique_attribute, self._unique_value(person))),
                                              ("startIndex", 1), ("count", PAGE)])
            self._check(lookup, 200, 404, what=f"look up user {person.login}")
            found = resources_of(lookup.response_body) if lookup.status == 200 else []
            if found and found[0].get("id"):
                self._link(person, found[0])
                return
            self._create(person)

        return self._run("Create user", person.login, work)

    def _link(self, person: Person, found: dict) -> None:
        """A match is linked and gets the application profile; a user the target holds inactive is activated."""
        self.user_links[person.id] = found["id"]
        inactive = found.get("active") is False and person.active
        if self.flavour == "aiw" and inactive:
            self._get_then_put_user(person, {**self._profile_changes(person), "active": True})
            return
        self._push_profile(person)
        if inactive:
            self._send_active(person, True, "activate")

    def _create(self, person: Person) -> None:
        password = self._password()
        created = self.http.post("/Users", self.user_body(person, password))
        if created.status == 409:
            message = (f"Automatic provisioning of user {person.login} to app failed: Error while creating user "
                       f"{person.login}: Conflict. Errors reported by remote server: {error_detail(created.response_body)}")
            self.job_stopped = message
            raise _Failed(message)
        self._check(created, 201, 200, what=f"create user {person.login}")
        if not isinstance(created.response_body, dict) or not created.response_body.get("id"):
            raise _Failed("Create new user returned empty user.")
        self.user_links[person.id] = created.response_body["id"]
        self.passwords_sent[person.id] = password

    def create_again(self, person: Person) -> OktaTask:
        """The create Okta sends when its lookup missed a user the target already holds (1.3): a 409 must answer it."""
        return self._run("Create user", person.login, lambda: self._create(person))

    def _target_user(self, person: Person) -> str:
        target = self.user_links.get(person.id)
        if target is None:
            raise _Failed(f"User {person.login} is not provisioned to this app.")
        return target

    def _get_then_put_user(self, person: Person, changes: dict) -> None:
        """AIW everything, OIN profile: GET the user, merge the changes into the answer, PUT it back [O1][I8]."""
        target = self._target_user(person)
        current = self._check(self.http.get(f"/Users/{target}"), 200, what=f"read user {person.login}").response_body
        if not isinstance(current, dict):
            raise _Failed(f"Failed to read user {person.login}: the answer is not a user.")
        body = dict(current)
        body.update(changes)
        if ENTERPRISE in changes and ENTERPRISE not in (body.get("schemas") or []):
            body["schemas"] = [*(body.get("schemas") or [USER]), ENTERPRISE]
        body["groups"] = []
        self._check(self.http.put(f"/Users/{target}", body), 200, what=f"update user {person.login}")

    def _profile_changes(self, person: Person) -> dict:
        full = self.user_body(person, None)
        return {k: v for k, v in full.items() if k not in ("schemas", "groups", "active")}

    def _push_profile(self, person: Person) -> None:
        self._get_then_put_user(person, self._profile_changes(person))

    def push_profile(self, person: Person) -> OktaTask:
        """Profile push (1.4): GET + PUT in both flavours."""
        return self._run("Update user", person.login, lambda: self._push_profile(person))

    def _send_active(self, person: Person, active: bool, what: str) -> None:
        """OIN: PATCH replace of active [O1]; AIW: GET + PUT with active [O1][F22]."""
        target = self._target_user(person)
        if self.flavour == "aiw":
            self._get_then_put_user(person, {"active": active})
            return
        answer = self.http.patch(f"/Users/{target}", patch({"op": "replace", "value": {"active": active}}))
        if answer.status == 501 and not active:
            self.tasks.append(OktaTask("Deprovision user", person.login, "failed",
                                       "Deprovisioning task created: the app does not support PATCH (501)."))
        self._check(answer, 200, 204, what=f"{what} {person.login}")

    def rename(self, person: Person, new_login: str) -> OktaTask:
        """The admin changes the Okta username: the new userName goes out as a profile push, GET + PUT (1.4 [O1])."""
        person.login = new_login
        return self.push_profile(person)

    def _set_active(self, person: Person, active: bool, action: str) -> OktaTask:
        return self._run(action, person.login, lambda: self._send_active(person, active, action.lower()))

    def deactivate(self, person: Person, reason: str = "unassigned") -> OktaTask:
        """Unassign, suspend or deactivate (1.5): active false, never a DELETE [O1][O2][O3]."""
        if reason == "unassigned":
            self.assignments.people.discard(person.id)
        else:
            person.active = False
        return self._set_active(person, False, "Deactivate user")

    def reactivate(self, person: Person) -> OktaTask:
        """Reassignment or reactivation (1.6): active true (INF: mirror of 1.5)."""
        self.assignments.people.add(person.id)
        person.active = True
        return self._set_active(person, True, "Reactivate user")

    def sync_password(self, person: Person, password: str | None = None) -> OktaTask:
        """Password sync (1.7): OIN PATCH (body INF); AIW GET + PUT."""
        password = password or self._password()

        def work() -> None:
            target = self._target_user(person)
            if self.flavour == "oin":
                answer = self.http.patch(f"/Users/{target}", patch({"op": "replace", "value": {"password": password}}))
                self._check(answer, 200, 204, what=f"sync the password of {person.login}")
            else:
                self._get_then_put_user(person, {"password": password})
            self.passwords_sent[person.id] = password

        return self._run("Sync password", person.login, work)

    # --- Group Push (1.8) -----------------------------------------------------------------------

    def _pushable_members(self, group: Group) -> list[dict]:
        """Members already provisioned and active; the others are skipped [O1][O8]. No `type` [I2]."""
        members = []
        for person_id in group.members:
            person = self.directory.people.get(person_id)
            if person and person.active and person_id in self.user_links:
                members.append({"value": self.user_links[person_id], "display": person.login})
        return members

    def _target_group(self, group: Group) -> str:
        target = self.group_links.get(group.id)
        if target is None:
            raise _Failed(f"Group {group.name} is not pushed to this app.")
        return target

    def _replace_id_and_name(self, group: Group) -> None:
        """The operation Okta sends after create, on rename, and again with every membership update [I5][O1]."""
        target = self._target_group(group)
        answer = self.http.patch(f"/Groups/{target}", patch({"op": "replace", "value": {"id": target, "displayName": group.name}}))
        self._check(answer, 200, 204, what=f"update group {group.name}")

    def _put_group(self, group: Group, members: list[dict] | None = None) -> None:
        """AIW: GET the group [I11][I12], then PUT the group as Okta holds it: schemas, id, displayName and
        the full members list, nothing of the target's answer merged in (the 2022 capture [I7])."""
        target = self._target_group(group)
        self._check(self.http.get(f"/Groups/{target}"), 200, what=f"read group {group.name}")
        members = self._pushable_members(group) if members is None else members
        body = {"schemas": [GROUP], "id": target, "displayName": group.name, "members": members}
        self._check(self.http.put(f"/Groups/{target}", body), 200, what=f"update group {group.name}")

    def _aiw_after_create(self, group: Group, created_with: list[dict]) -> None:
        """The 2022 capture [I7]: at once a PUT of what the create held, later a PUT with the members."""
        self._put_group(group, created_with)
        if self._pushable_members(group) != created_with:
            self._put_group(group)

    def _oin_after_create(self, group: Group, created_with: list[dict]) -> None:
        """The replace of id and displayName [I5], then a PATCH adding the members the create did not carry [O1]."""
        self._replace_id_and_name(group)
        sent = {member["value"] for member in created_with}
        members = [member for member in self._pushable_members(group) if member["value"] not in sent]
        if members:
            answer = self.http.patch(f"/Groups/{self.group_links[group.id]}",
                                     patch({"op": "add", "path": "members", "value": members}))
            self._check(answer, 200, 204, what=f"add members to {group.name}")

    def push_group(self, group: Group) -> OktaTask:
        """Group Push: lookup by displayName, POST without externalId, then the flavour's sequence [O1][I5][I7].

        The POST carries ``members: []`` [O1][I7], or the provisioned members with ``group_create_members``
        [F18][F19].
        """
        self.assignments.pushed_groups.add(group.id)

        def work() -> None:
            if group.id in self.push_errors:
                raise _Failed(self.push_errors[group.id])
            lookup = self.http.get("/Groups", [("filter", eq_filter("displayName", group.name)),
                                               ("startIndex", 1), ("count", PAGE)])
            self._check(lookup, 200, 404, what=f"look up group {group.name}")
            found = resources_of(lookup.response_body) if lookup.status == 200 else []
            created_with = self._pushable_members(group) if self.group_create_members else []
            if found and self.group_linking and found[0].get("id"):
                self.group_links[group.id] = found[0]["id"]
                created_with = []
            else:
                created = self.http.post("/Groups", {"schemas": [GROUP], "displayName": group.name,
                                                     "members": created_with})
                if created.status == 409:
                    message = (f"Unable to update Group Push mapping target App group {group.name}: Error while creating "
                               f"user group {group.name}: Conflict. Errors reported by remote server: "
                               f"{error_detail(created.response_body)}")
                    self.push_errors[group.id] = message
                    raise _Failed(message)
                self._check(created, 201, 200, what=f"create group {group.name}")
                if not isinstance(created.response_body, dict) or not created.response_body.get("id"):
                    raise _Failed(f"Create group {group.name} returned no id.")
                self.group_links[group.id] = created.response_body["id"]
            if self.flavour == "aiw":
                self._aiw_after_create(group, created_with)
            else:
                self._oin_after_create(group, created_with)

        return self._run("Push group", group.name, work)

    def change_members(self, group: Group, added: list[Person] = (), removed: list[Person] = ()) -> OktaTask:
        """Membership change of a pushed group: OIN PATCH remove-by-filter and add [O1]; AIW GET + PUT."""
        for person in added:
            if person.id not in group.members:
                group.members.append(person.id)
        removed_targets = [self.user_links[p.id] for p in removed if p.id in self.user_links]
        for person in removed:
            if person.id in group.members:
                group.members.remove(person.id)

        def work() -> None:
            if self.flavour == "aiw":
                self._put_group(group)
                return
            self._replace_id_and_name(group)
            operations = [{"op": "remove", "path": f'members[value eq "{target}"]'} for target in removed_targets]
            added_members = [m for m in self._pushable_members(group)
                             if m["value"] in {self.user_links.get(p.id) for p in added}]
            if added_members:
                operations.append({"op": "add", "path": "members", "value": added_members})
            if operations:
                answer = self.http.patch(f"/Groups/{self._target_group(group)}", patch(*operations))
                self._check(answer, 200, 204, what=f"update the members of {group.name}")

        return self._run("Push group memberships", group.name, work)

    def push_now(self, group: Group) -> OktaTask:
        """"Push Now": the full membership as one replace, `[]` for an empty group [O1][I3][I4]; AIW PUT."""
        def work() -> None:
            if self.flavour == "aiw":
                self._put_group(group)
                return
            answer = self.http.patch(f"/Groups/{self._target_group(group)}",
                                     patch({"op": "replace", "path": "members", "value": self._pushable_members(group)}))
            self._check(answer, 200, 204, what=f"push {group.name}")

        return self._run("Push group now", group.name, work)

    def rename_group(self, group: Group, new_name: str) -> OktaTask:
        """Rename (needs "Rename groups" [O13]): OIN the replace of id and displayName; AIW GET + PUT."""
        group.name = new_name

        def work() -> None:
            if self.flavour == "aiw":
                self._put_group(group)
            else:
                self._replace_id_and_name(group)

        return self._run("Rename group", new_name, work)

    def unlink_group(self, group: Group, delete_in_target: bool) -> OktaTask:
        """Unlink a pushed group: "Delete the group in the target app" sends DELETE [O1][O7]; "Leave" sends nothing (INF).

        The DELETE carries Okta's write Content-Type and no body (the 2018 capture [F18]).
        """
        self.assignments.pushed_groups.discard(group.id)
        target = self.group_links.pop(group.id, None)

        def work() -> None:
            if delete_in_target and target is not None:
                deleted = self.http.request("DELETE", f"/Groups/{target}",
                                            extra_headers={"Content-Type": self.http.profile.write_content_type})
                self._check(deleted, 204, 200, what=f"delete group {group.name}")

        return self._run("Unlink group", group.name, work)

    # --- import (1.9) ---------------------------------------------------------------------------

    def import_all(self, endpoint: str = "/Users") -> tuple[OktaTask, list[dict]]:
        """Import by pages of 100 until totalResults is reached [O1]."""
        imported: list[dict] = []

        def work() -> None:
            imported.clear()
            start = 1
            while True:
                page = self._check(self.http.get(endpoint, [("startIndex", start), ("count", PAGE)]), 200,
                                   what=f"import {endpoint}")
                problem = list_problem(page.response_body)
                if problem:
                    raise _Failed(f"Failed to import {endpoint}: {problem}.")
                resources = resources_of(page.response_body)
                seen = {r.get("id") for r in imported}
                if any(r.get("id") in seen for r in resources):
                    raise _Failed(f"Import of {endpoint} received the same resource on two pages (startIndex {start} "
                                  "was not honoured).")
                imported.extend(resources)
                total = page.response_body["totalResults"]
                if not resources or len(imported) >= total:
                    if len(imported) > total:
                        raise _Failed(f"Import of {endpoint} received {len(imported)} resources, above totalResults {total}.")
                    return
                start += len(resources)

        task = self._run("Import", endpoint, work)
        return task, imported

    # --- what Okta believes the target holds ----------------------------------------------------

    def believed_state(self) -> dict:
        """Users and groups as Okta last pushed them, keyed by target id (for end-to-end checks)."""
        users = {}
        for person_id, target in self.user_links.items():
            person = self.directory.people[person_id]
            users[target] = {"userName": person.login, "active": person.active and person_id in self.assignments.people,
                             "displayName": person.display_name, "name.givenName": person.given_name,
                             "name.familyName": person.family_name, "email": person.email}
        groups = {target: {"displayName": self.directory.groups[group_id].name,
                           "members": {m["value"] for m in self._pushable_members(self.directory.groups[group_id])}}
                  for group_id, target in self.group_links.items()}
        return {"users": users, "groups": groups}

