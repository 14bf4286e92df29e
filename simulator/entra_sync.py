"""What one Microsoft Entra ID cycle does to each object in scope (idp-behaviour.md 2.2 to 2.8): look a
user or group up by its matching attribute, create it or PATCH what changed, disable what left scope,
delete what was deleted, keep members in batches; and, for the admin, one provisioning-log line per
object and action. A failure quarantines the job where Entra does (401, a query not answered 200),
else the object goes to escrow (``Schedule``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .directory import AppAssignments, Directory, Group, Person
from .entra_dialect import WORK_EMAIL, EntraDialect, mapped_attributes
from .entra_schedule import IMMEDIATE, SOFT_DELETE_GRACE, Schedule
from .scim import eq_filter, error_detail, list_problem, resources_of, retry_after_seconds
from .transport import Exchange, Transport

MAX_429_RETRIES = 3
# Provisioning-log error codes from Microsoft's docs; the others are scimulator's own labels.
CREDENTIALS = "SystemForCrossDomainIdentityManagementCredentialValidationFailure"
INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible"
THROTTLED = "HttpStatus429"


@dataclass
class LogEntry:
    """One line of Entra's provisioning log."""

    at: datetime
    cycle: int
    action: str  # Create | Update | Disable | Delete | Other
    object_type: str  # User | Group
    source_id: str
    target_id: str | None
    status: str  # success | failure | skipped
    error_code: str | None = None
    message: str = ""


@dataclass
class UserState:
    target_id: str | None = None
    sent: dict[str, Any] = field(default_factory=dict)  # the attributes as last synced
    managed: bool = True
    disabled_in_target: bool = False
    manager: str | None = None  # the manager's target id as last sent
    roles: set[str] = field(default_factory=set)  # app role values added (AppRoleAssignmentsComplex)
    soft_deleted_at: datetime | None = None
    deleted: bool = False


@dataclass
class GroupState:
    target_id: str | None = None
    name: str | None = None
    members: set[str] = field(default_factory=set)  # person ids synced as members
    deleted: bool = False


class ObjectFailed(Exception):
    def __init__(self, exchange: Exchange, code: str | None, message: str):
        super().__init__(message)
        self.exchange, self.code, self.message = exchange, code, message


@dataclass
class SyncOptions:
    """The job's settings that change what a cycle sends (see ``EntraEngine``)."""

    member_batch: int = 50
    skip_out_of_scope_deletions: bool = False
    on_429: str = "retry_after"


class ObjectSync:
    """Users and groups as Entra last synced them, and the exchanges that bring the target in line."""

    def __init__(self, transport: Transport, directory: Directory, dialect: EntraDialect, schedule: Schedule,
                 options: SyncOptions):
        self.http = transport
        self.clock = transport.clock
        self.directory = directory
        self.dialect = dialect
        self.schedule = schedule
        self.options = options
        self.assignments = AppAssignments()
        self.log: list[LogEntry] = []
        self.users: dict[str, UserState] = {}
        self.groups: dict[str, GroupState] = {}
        self.dirty: set[str] = set()
        self.hard_deleted: set[str] = set()
        self.deleted_groups: set[str] = set()

    # --- the wire -------------------------------------------------------------------------------

    def send(self, method: str, path: str, *args) -> Exchange:
        """One request; with ``on_429="retry_after"``, a 429 waits out its Retry-After (virtual) and is sent again."""
        call = {"GET": self.http.get, "POST": self.http.post, "PATCH": self.http.patch, "DELETE": self.http.delete}[method]
        exchange = call(path, *args)
        for _ in range(MAX_429_RETRIES):
            if exchange.status != 429 or self.options.on_429 != "retry_after":
                break
            self.clock.sleep(retry_after_seconds(exchange.response_headers))
            exchange = call(path, *args)
        return exchange

    def guid_probe(self) -> Exchange:
        """A filter on a random GUID: Test Connection, and the start of every run [E1][J1]."""
        return self.send("GET", "/Users", [("filter", eq_filter(self.dialect.matching[0], self.directory.random_guid()))])

    def judge_query(self, exchange: Exchange, what: str) -> None:
        """Answers that quarantine the job at once: 401, and a filter query not answered 200 [E4]."""
        if exchange.status == 401:
            self.schedule.quarantine_job(IMMEDIATE, f"{CREDENTIALS}: {what} was refused with 401.")
        if exchange.status == 404:
            self.schedule.quarantine_job(IMMEDIATE, f"SCIM compliance issue: {what} got HTTP/404 Not Found rather "
                                                    "than the expected HTTP/200 OK.")

    def patch(self, path: str, *operations: dict) -> Exchange:
        return self.send("PATCH", path, self.dialect.patch_body(*operations))

    # --- one cycle ------------------------------------------------------------------------------

    def cycle(self, initial: bool) -> None:
        """An initial cycle visits everything; an incremental one what changed, what escrow retries now and
        the soft-deleted users whose grace is over."""
        now = self.clock.now()
        soft_deleted_due = {pid for pid, st in self.users.items()
                            if st.soft_deleted_at and not st.deleted and now - st.soft_deleted_at >= SOFT_DELETE_GRACE}
        if initial:
            todo = set(self.directory.people) | set(self.directory.groups)
        else:
            todo = self.dirty | self.schedule.due_for_retry() | soft_deleted_due
        people = [pid for pid in self.directory.people if pid in todo]
        touched_people = set(people)
        groups = [gid for gid, group in self.directory.groups.items()
                  if gid in todo or (gid in self.assignments.groups and touched_people.intersection(group.members))]
        for person_id in people:
            self.visit(person_id, self.sync_user, self.directory.people[person_id])
            self.dirty.discard(person_id)
        for person_id in people:  # managers created later in this cycle are referenced now
            state = self.users.get(person_id)
            person = self.directory.people[person_id]
            if state and state.target_id and state.managed and not state.deleted and person.manager_id:
                self.visit(person_id, lambda p, s=state: self.sync_manager(p, s), person)
        for group_id in groups:
            self.visit(group_id, self.sync_group, self.directory.groups[group_id])
            self.dirty.discard(group_id)
        self.schedule.check_thresholds(len(self.users) + len(self.groups))

    def visit(self, object_id: str, sync, obj) -> None:
        try:
            sync(obj)
            self.schedule.object_succeeded(object_id)
        except ObjectFailed as failure:
            self.schedule.object_failed(object_id, throttled=failure.code == THROTTLED)

    def in_scope(self, person: Person) -> bool:
        if person.id in self.assignments.people:
            return True
        return any(person.id in self.directory.groups[g].members for g in self.assignments.groups
                   if g in self.directory.groups and g not in self.deleted_groups)

    def record(self, action: str, kind: str, source: str, target: str | None, status: str = "success",
               code: str | None = None, message: str = "") -> None:
        self.log.append(LogEntry(self.clock.now(), self.schedule.cycles, action, kind, source, target, status, code,
                                 message))

    def fail(self, action: str, kind: str, source: str, target: str | None, exchange: Exchange) -> None:
        """Record the failure, quarantine at once where Entra does, else escrow the object."""
        if exchange.status == 401:
            self.record(action, kind, source, target, "failure", CREDENTIALS, "The target answered 401.")
            self.schedule.quarantine_job(IMMEDIATE, f"{CREDENTIALS}: {exchange.method} {exchange.url} was refused with 401.")
        if exchange.status == 429:
            code, message = THROTTLED, "The target throttled the request (429); retried in a later cycle."
        elif exchange.status is None:
            code, message = "TargetUnreachable", exchange.failure or "no answer"
        elif exchange.failure:
            code, message = INCOMPATIBLE, exchange.failure
        else:
            code = f"HttpStatus{exchange.status}"
            message = f"The target answered {exchange.status}: {error_detail(exchange.response_body)}"
        self.record(action, kind, source, target, "failure", code, message)
        raise ObjectFailed(exchange, code, message)

    # --- users ----------------------------------------------------------------------------------

    def sync_user(self, person: Person) -> None:
        state = self.users.setdefault(person.id, UserState())
        if state.deleted:
            return
        if person.id in self.hard_deleted or (state.soft_deleted_at and
                                              self.clock.now() - state.soft_deleted_at >= SOFT_DELETE_GRACE):
            if state.target_id:
                self._delete_user(person, state)
            state.deleted = True
            return
        active_wanted = person.active and state.soft_deleted_at is None
        if not self.in_scope(person):
            if state.target_id and state.managed and not state.disabled_in_target \
                    and not self.options.skip_out_of_scope_deletions:
                self._set_active(person, state, False)
            state.managed = False  # unassigned: one disable, then Entra stops managing the user [E3]
            return
        if not state.managed:  # assigned again: matched afresh
            state.managed, state.target_id, state.sent = True, None, {}
        if state.target_id is None:
            if not active_wanted:
                self.record("Other", "User", person.id, None, "skipped", None,
                            "The user is disabled in Entra and is not provisioned [E3].")
                return
            self._match_or_create(person, state)
            return
        wanted = self.dialect.user_attributes(person)
        wanted["active"] = active_wanted
        changed = {path for path in set(wanted) | set(state.sent) if wanted.get(path) != state.sent.get(path)}
        if changed == {"active"}:
            self._set_active(person, state, active_wanted)
        elif changed:
            self._patch_user(person, state, wanted, "Update" if active_wanted else "Disable")
        self._sync_links(person, state)

    def sync_user_on_demand(self, person: Person) -> None:
        state = self.users.setdefault(person.id, UserState())
        if not state.deleted:
            state.target_id, state.sent = None, {}  # on demand always looks the user up [F3]
        self.sync_user(person)

    def _sync_links(self, person: Person, state: UserState) -> None:
        """What Entra sends after the user's own attributes: its manager and, mapped complex, its roles."""
        self.sync_manager(person, state)
        self._sync_roles(person, state)

    def sync_manager(self, person: Person, state: UserState) -> None:
        """Manager (2.3) [E1]: Entra reads the user first, then sends `Add` with the new manager, or clears it."""
        manager = self.users.get(person.manager_id) if person.manager_id else None
        manager_target = manager.target_id if manager else None
        if manager_target == state.manager or (person.manager_id and manager_target is None):
            return  # unchanged, or the manager is not provisioned yet
        read = self.send("GET", f"/Users/{state.target_id}")
        if read.status != 200:
            self.fail("Update", "User", person.id, state.target_id, read)
        operation = self.dialect.manager_operation(manager_target, state.manager, self.http.base_url)
        answer = self.patch(f"/Users/{state.target_id}", operation)
        if not written(answer):
            self.fail("Update", "User", person.id, state.target_id, answer)
        state.manager = manager_target
        self.record("Update", "User", person.id, state.target_id)

    def _sync_roles(self, person: Person, state: UserState) -> None:
        """AppRoleAssignmentsComplex: new roles are added; a role removed in Entra is never removed at the app [F13][F14]."""
        added = [role for role in person.roles if role not in state.roles]
        if self.dialect.roles_mapping != "AppRoleAssignmentsComplex" or not added:
            return
        answer = self.patch(f"/Users/{state.target_id}", self.dialect.roles_operation(added))
        if not written(answer):
            self.fail("Update", "User", person.id, state.target_id, answer)
        state.roles.update(added)
        self.record("Update", "User", person.id, state.target_id)

    def _match_or_create(self, person: Person, state: UserState) -> None:
        values = {"userName": person.login, "externalId": self.dialect.external_id(person), WORK_EMAIL: person.email}
        for attribute in self.dialect.matching:
            found = self._look_up("/Users", [("filter", eq_filter(attribute, values[attribute]))],
                                  f"the lookup of {person.login}", "User", person.id)
            if found:
                self._adopt_user(person, state, found)
                return
        created = self.send("POST", "/Users", self.dialect.create_body(person))
        self._check_created(created, "User", person.id)
        state.target_id = created.response_body["id"]
        state.sent = self.dialect.user_attributes(person)
        state.disabled_in_target = not person.active
        if self.dialect.roles_mapping == "AppRoleAssignmentsComplex":
            state.roles = set(person.roles)  # sent in the create body
        self.record("Create", "User", person.id, state.target_id)
        self._sync_links(person, state)

    def _adopt_user(self, person: Person, state: UserState, found: dict) -> None:
        """A matched user: PATCH what differs from Entra's mappings, then its links."""
        state.target_id = found["id"]
        current = mapped_attributes(found)
        wanted = self.dialect.user_attributes(person)
        differing = {path: value for path, value in wanted.items() if current.get(path) != value}
        if differing:
            known = {path: current[path] for path in differing if path in current}
            self._patch_user(person, state, {**known, **differing}, "Update", old=known)
        state.sent = wanted
        self._sync_links(person, state)

    def _look_up(self, endpoint: str, query: list, what: str, kind: str, source: str) -> dict | None:
        """The first resource a lookup finds, or None; a lookup that fails quarantines or escrows."""
        lookup = self.send("GET", endpoint, query)
        self.judge_query(lookup, what)
        if lookup.status != 200 or lookup.failure or list_problem(lookup.response_body):
            self.fail("Other", kind, source, None, lookup)
        found = resources_of(lookup.response_body)
        return found[0] if found and found[0].get("id") else None

    def _check_created(self, created: Exchange, kind: str, source: str) -> None:
        if created.status not in (200, 201) or created.failure or not isinstance(created.response_body, dict) \
                or not created.response_body.get("id"):
            self.fail("Create", kind, source, None, created)

    def _patch_user(self, person: Person, state: UserState, wanted: dict, action: str, old: dict | None = None) -> None:
        operations = self.dialect.patch_operations(state.sent if old is None else old, wanted)
        if not operations:
            return
        answer = self.patch(f"/Users/{state.target_id}", *operations)
        if not written(answer):
            self.fail(action, "User", person.id, state.target_id, answer)
        state.sent = {**state.sent, **wanted}
        state.disabled_in_target = wanted.get("active") is False
        self.record(action, "User", person.id, state.target_id)

    def _set_active(self, person: Person, state: UserState, active: bool) -> None:
        answer = self.patch(f"/Users/{state.target_id}", self.dialect.active_operation(active))
        action = "Update" if active else "Disable"
        if not written(answer):
            self.fail(action, "User", person.id, state.target_id, answer)
        state.sent["active"] = active
        state.disabled_in_target = not active
        self.record(action, "User", person.id, state.target_id)

    def _delete_user(self, person: Person, state: UserState) -> None:
        answer = self.send("DELETE", f"/Users/{state.target_id}")
        if answer.status not in (204, 200, 404):
            self.fail("Delete", "User", person.id, state.target_id, answer)
        self.record("Delete", "User", person.id, state.target_id)

    # --- groups (2.7) ---------------------------------------------------------------------------

    def _member_targets(self, group: Group) -> dict[str, str]:
        """Members Entra can reference: provisioned users of the group (nested groups are not [E6])."""
        return {pid: self.users[pid].target_id for pid in group.members
                if pid in self.users and self.users[pid].target_id and not self.users[pid].deleted}

    def sync_group(self, group: Group) -> None:
        state = self.groups.setdefault(group.id, GroupState())
        if state.deleted:
            return
        if group.id in self.deleted_groups or group.id not in self.assignments.groups:
            self._delete_group_at_target(group, state)
            state.deleted = group.id in self.deleted_groups
            return
        if state.target_id is None:
            self._match_or_create_group(group, state)
        if state.name != group.name:
            answer = self.patch(f"/Groups/{state.target_id}", self.dialect.rename_operation(group.name))
            if not written(answer):
                self.fail("Update", "Group", group.id, state.target_id, answer)
            state.name = group.name
            self.record("Update", "Group", group.id, state.target_id)
        self._sync_members(group, state)

    def _sync_members(self, group: Group, state: GroupState) -> None:
        targets = self._member_targets(group)
        to_add = [pid for pid in targets if pid not in state.members]
        to_remove = [pid for pid in state.members if pid not in targets]
        for batch in batches(to_add, self.options.member_batch):
            self._member_patch(group, state, [self.dialect.member_add_operation([targets[pid] for pid in batch])])
            state.members.update(batch)
        for batch in batches(to_remove, self.options.member_batch):
            ids = [self.users[pid].target_id for pid in batch]
            self._member_patch(group, state, self.dialect.member_remove_operations(ids))
            state.members.difference_update(batch)

    def _delete_group_at_target(self, group: Group, state: GroupState) -> None:
        """A deleted group [E1], or an unassigned one: deleted at the target, and created again on
        reassignment, as the Logic App's Restore_Group_Test expects of an unassigned group (INF)."""
        if state.target_id is None:
            return
        answer = self.send("DELETE", f"/Groups/{state.target_id}")
        if answer.status not in (204, 200, 404):
            self.fail("Delete", "Group", group.id, state.target_id, answer)
        self.record("Delete", "Group", group.id, state.target_id)
        state.target_id, state.name, state.members = None, None, set()

    def _member_patch(self, group: Group, state: GroupState, operations: list[dict]) -> None:
        answer = self.patch(f"/Groups/{state.target_id}", *operations)
        if not written(answer):
            self.fail("Update", "Group", group.id, state.target_id, answer)
        self.record("Update", "Group", group.id, state.target_id)

    def _match_or_create_group(self, group: Group, state: GroupState) -> None:
        found = self._look_up("/Groups", [("excludedAttributes", "members"), ("filter", eq_filter("displayName", group.name))],
                              f"the lookup of group {group.name}", "Group", group.id)
        if found:
            state.target_id, state.name = found["id"], found.get("displayName")
            return
        created = self.send("POST", "/Groups", self.dialect.group_create_body(group.id, group.name))
        self._check_created(created, "Group", group.id)
        state.target_id, state.name = created.response_body["id"], group.name
        self.record("Create", "Group", group.id, state.target_id)
        read = self.send("GET", f"/Groups/{state.target_id}", [("excludedAttributes", "members")])
        if read.status != 200:
            self.fail("Other", "Group", group.id, state.target_id, read)

    # --- what the admin sees --------------------------------------------------------------------

    def target_id_of(self, obj: Person | Group) -> str | None:
        state = (self.users if isinstance(obj, Person) else self.groups).get(obj.id)
        return state.target_id if state else None

    def believed_state(self) -> dict:
        """Users and groups as Entra last synced them, keyed by target id (for end-to-end checks)."""
        users = {state.target_id: dict(state.sent) for state in self.users.values()
                 if state.target_id and not state.deleted}
        groups = {state.target_id: {"displayName": state.name,
                                    "members": {self.users[pid].target_id for pid in state.members}}
                  for state in self.groups.values() if state.target_id and not state.deleted}
        return {"users": users, "groups": groups}


def written(answer: Exchange) -> bool:
    """A write the target accepted: 200 with a readable body, or 204 (a PATCH answer need not carry the resource [E1])."""
    return answer.status == 204 or (answer.status == 200 and not answer.failure)


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]
