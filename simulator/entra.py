"""Microsoft Entra ID's provisioning engine (idp-behaviour.md section 2).

Entra is not event-driven: admin actions only change the directory, and the provisioning service
sends what changed at its next cycle: an initial cycle over everything in scope, then incremental
cycles every 40 minutes over what changed since the watermark [E1][E10]. Time is the virtual clock's,
so a day of cycles costs only its HTTP time.

Two PATCH dialects (2.4) [E2]: without ``aadOptscim062020``, one operation per attribute with
capitalised ``op`` and string booleans; with it, lowercase ops, real booleans, and the plain
replaces collapsed into one pathless operation with dotted keys.

What the Entra admin sees: ``log`` (the provisioning log, one entry per object and action),
``quarantine`` (with Graph's reason codes) and ``job_disabled``.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from .directory import ENTERPRISE_FIELDS, AppAssignments, Directory, Group, Person
from .scim import ENTERPRISE, GROUP, PATCH_OP, USER, eq_filter, error_detail, list_problem, resources_of
from .transport import Exchange, Transport

CYCLE = timedelta(minutes=40)  # [E1][E10], fixed [E6]
QUARANTINED_CYCLE = timedelta(days=1)  # [E3][E4]
QUARANTINE_LIMIT = timedelta(weeks=4)  # more than 4 weeks in quarantine disables the job [E4]
SOFT_DELETE_GRACE = timedelta(days=30)  # [E1][E3]
ESCROW_INTERVALS = [timedelta(hours=6), timedelta(hours=12), timedelta(hours=24)]  # then every 24 h [E4]
ESCROW_LIMIT = timedelta(days=28)  # [E4]
MS_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
WORK_EMAIL = 'emails[type eq "work"].value'
PRIMARY_ROLE = 'roles[primary eq "True"].value'  # SingleAppRoleAssignment's target path [F12]
ROLE_TYPE = "WindowsAzureActiveDirectoryRole"
MANAGER_SHAPES = ("documented", "field")
MANAGER_REMOVALS = ("replace_empty", "remove_filtered")
ROLE_MAPPINGS = (None, "SingleAppRoleAssignment", "AppRoleAssignmentsComplex")
BOOLEAN_FORMS = ("string", "boolean")
FLAG = "aadOptscim062020"
MAX_429_RETRIES = 3

# Quarantine reasons, as Microsoft Graph's synchronizationQuarantine names them.
IMMEDIATE = "EncounteredQuarantineException"
PROPORTION = "EncounteredEscrowProportionThreshold"
BASE = "EncounteredBaseEscrowThreshold"
TOTAL = "EncounteredTotalEscrowThreshold"
# Provisioning-log error codes from Microsoft's docs; the others are scimulator's own labels.
CREDENTIALS = "SystemForCrossDomainIdentityManagementCredentialValidationFailure"
INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible"


def flag_in_tenant_url(url: str) -> bool:
    """The flag is switched on by appending it to the Tenant URL: `https://host/scim/v2/?aadOptscim062020` [V3][J9]."""
    return FLAG.lower() in urlsplit(url).query.lower()


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
class Quarantine:
    reason: str
    began: datetime
    detail: str


@dataclass
class _Escrow:
    first_failure: datetime
    attempts: int
    next_retry: datetime


@dataclass
class _UserState:
    target_id: str | None = None
    sent: dict[str, Any] = field(default_factory=dict)  # the attributes as last synced
    managed: bool = True
    disabled_in_target: bool = False
    manager: str | None = None  # the manager's target id as last sent
    roles: set[str] = field(default_factory=set)  # app role values added (AppRoleAssignmentsComplex)
    soft_deleted_at: datetime | None = None
    deleted: bool = False


@dataclass
class _GroupState:
    target_id: str | None = None
    name: str | None = None
    members: set[str] = field(default_factory=set)  # person ids synced as members
    deleted: bool = False


class _Stop(Exception):
    """The cycle stops: the job has been quarantined."""


class _ObjectFailed(Exception):
    def __init__(self, exchange: Exchange, code: str | None, message: str):
        super().__init__(message)
        self.exchange, self.code, self.message = exchange, code, message


class EntraEngine:
    def __init__(self, transport: Transport, directory: Directory, aad_opt_scim062020: bool = False,
                 matching: tuple[str, ...] = ("userName",), member_batch: int = 50, skip_out_of_scope_deletions: bool = False,
                 probe_each_cycle: bool = True, on_429: str = "retry_after", probe_service_provider_config: bool = False,
                 manager_shape: str = "documented", roles_mapping: str | None = None, boolean_form: str = "string",
                 manager_removal: str = "replace_empty"):
        """Settings where the sources disagree (idp-behaviour.md marks them CONFLICT), or the admin chooses:

        - ``matching``: the attributes looked up, in matchingPriority order [E13]. With ``externalId``
          among them, externalId carries the object id and is looked up as ``externalId eq "<guid>"``
          [F7][F8]; otherwise it carries mailNickname, the default mapping [E1].
        - ``manager_shape``: ``"documented"`` (``path: manager`` with a ``[{"$ref","value"}]`` list [E1])
          or ``"field"`` (the enterprise-URN path with a plain id string, as captured [F5][F11]).
        - ``manager_removal``: ``"replace_empty"`` (``Replace`` with ``""``, as Microsoft's Logic App removes it,
          INF for the engine) or ``"remove_filtered"`` (``{"op":"remove","path":"manager[value eq \"<id>\"]"}``,
          seen from Azure AD in the field [F24]).
        - ``roles_mapping``: ``None`` (``roles: []``), ``"SingleAppRoleAssignment"`` [F12] or
          ``"AppRoleAssignmentsComplex"`` [F13][F14].
        - ``boolean_form``: without the flag, ``active`` goes as ``"False"``/``"True"`` (``"string"``,
          the captures [J2][F5][F15]) or as a real boolean beside a capitalised op (``"boolean"``,
          Microsoft's tutorial and a gallery app [E1][F16]); both occur.

        - ``on_429``: ``"retry_after"`` (default; Microsoft support [E11]: pause for Retry-After and
          retry only the failed request) or ``"next_cycle"`` (an older report [E12]: logged as a
          failure and retried at the next cycle, about 40 minutes later).
        - ``probe_service_provider_config``: Test Connection also reads /ServiceProviderConfig, as
          one weak guide claims [J18]. Off by default: the official docs [E1] and the observed
          probe [J1] show only the filter on a random GUID.
        """
        if on_429 not in ("retry_after", "next_cycle"):
            raise ValueError("on_429 is 'retry_after' or 'next_cycle'")
        if manager_shape not in MANAGER_SHAPES or roles_mapping not in ROLE_MAPPINGS or boolean_form not in BOOLEAN_FORMS:
            raise ValueError(f"manager_shape is one of {MANAGER_SHAPES}, roles_mapping one of {ROLE_MAPPINGS}, "
                             f"boolean_form one of {BOOLEAN_FORMS}")
        if manager_removal not in MANAGER_REMOVALS:
            raise ValueError(f"manager_removal is one of {MANAGER_REMOVALS}")
        self.manager_shape, self.roles_mapping, self.boolean_form = manager_shape, roles_mapping, boolean_form
        self.manager_removal = manager_removal
        self.on_429 = on_429
        self.probe_service_provider_config = probe_service_provider_config
        self._retry_next_cycle: set[str] = set()
        self.http = transport
        self.clock = transport.clock
        self.directory = directory
        self.flag = aad_opt_scim062020
        self.matching = matching
        self.member_batch = member_batch
        self.skip_out_of_scope_deletions = skip_out_of_scope_deletions
        self.probe_each_cycle = probe_each_cycle
        self.assignments = AppAssignments()
        self.log: list[LogEntry] = []
        self.quarantine: Quarantine | None = None
        self.quarantine_history: list[Quarantine] = []
        self.job_disabled: str | None = None
        self.running = False
        self._next_is_initial = False
        self.cycles = 0
        self.next_cycle: datetime | None = None
        self._users: dict[str, _UserState] = {}
        self._groups: dict[str, _GroupState] = {}
        self._dirty: set[str] = set()
        self._escrow: dict[str, _Escrow] = {}
        self._hard_deleted: set[str] = set()
        self._deleted_groups: set[str] = set()
        self._cycle_failures = 0

    # --- what the admin does (nothing is sent until a cycle runs) -------------------------------

    def assign_user(self, person: Person) -> None:
        self.assignments.people.add(person.id)
        self._touch(person.id)

    def unassign_user(self, person: Person) -> None:
        self.assignments.people.discard(person.id)
        self._touch(person.id)

    def assign_group(self, group: Group) -> None:
        """A group assignment brings the group and its members into scope."""
        self.assignments.groups.add(group.id)
        self._touch(group.id, *group.members)

    def unassign_group(self, group: Group) -> None:
        self.assignments.groups.discard(group.id)
        self._touch(group.id, *group.members)

    def update_user(self, person: Person, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(person, name, value)
        self._touch(person.id)

    def disable_user(self, person: Person) -> None:
        """accountEnabled false, or sign-in blocked [E3]."""
        person.active = False
        self._touch(person.id)

    def enable_user(self, person: Person) -> None:
        person.active = True
        self._touch(person.id)

    def soft_delete_user(self, person: Person) -> None:
        state = self._users.setdefault(person.id, _UserState())
        state.soft_deleted_at = self.clock.now()
        self._touch(person.id)

    def restore_user(self, person: Person) -> None:
        state = self._users.setdefault(person.id, _UserState())
        state.soft_deleted_at = None
        self._touch(person.id)

    def hard_delete_user(self, person: Person) -> None:
        """A manual permanent delete: DELETE at the next cycle [E1][E3]."""
        self._hard_deleted.add(person.id)
        self._touch(person.id)

    def add_member(self, group: Group, person: Person) -> None:
        if person.id not in group.members:
            group.members.append(person.id)
        self._touch(group.id, person.id)

    def remove_member(self, group: Group, person: Person) -> None:
        if person.id in group.members:
            group.members.remove(person.id)
        self._touch(group.id, person.id)

    def rename_group(self, group: Group, name: str) -> None:
        group.name = name
        self._touch(group.id)

    def delete_group(self, group: Group) -> None:
        self._deleted_groups.add(group.id)
        self._touch(group.id, *group.members)

    def provision_on_demand(self, person: Person) -> list[LogEntry]:
        """Provision on demand [F3][J1]: the GUID probe, the lookup by the matching attribute, then create
        or PATCH, at once and in the flagless dialect even where the app has the flag [E2]."""
        return self._on_demand(lambda: self._object(person.id, self._user_on_demand, person))

    def provision_group_on_demand(self, group: Group) -> list[LogEntry]:
        """A group on demand (the Logic App's POD_Group_Test): its members as users, then the group (INF)."""
        def run() -> None:
            for person_id in group.members:
                self._object(person_id, self._user_on_demand, self.directory.people[person_id])
            self._groups.setdefault(group.id, _GroupState()).target_id = None  # looked up afresh
            self._object(group.id, self._sync_group, group)
        return self._on_demand(run)

    def _on_demand(self, run) -> list[LogEntry]:
        first = len(self.log)
        with self._flagless():
            try:
                self._judge_query(self._guid_probe(), "the on-demand probe")
                run()
            except _Stop:
                pass
        return self.log[first:]

    def _user_on_demand(self, person: Person) -> None:
        state = self._users.setdefault(person.id, _UserState())
        if not state.deleted:
            state.target_id, state.sent = None, {}  # on demand always looks the user up [F3]
        self._sync_user(person)

    @contextmanager
    def _flagless(self):
        flag, self.flag = self.flag, False
        try:
            yield
        finally:
            self.flag = flag

    def _touch(self, *object_ids: str) -> None:
        self._dirty.update(object_ids)

    # --- the dialect ----------------------------------------------------------------------------

    def _op(self, name: str) -> str:
        """`Add`/`Replace`/`Remove` without the flag, lowercase with it [E1][E2]."""
        return name.lower() if self.flag else name

    def _value(self, value: Any) -> Any:
        """Booleans as "True"/"False" without the flag, unless this app sends real booleans (boolean_form)."""
        return value if self.flag or self.boolean_form == "boolean" else _entra_string(value)

    @staticmethod
    def _patch_body(*operations: dict) -> dict:
        """Entra's PatchOp body: `Operations` before `schemas` [E1][F5][F6]; a server must not depend on key order."""
        return {"Operations": list(operations), "schemas": [PATCH_OP]}

    def _external_id(self, person: Person) -> str:
        """The object id where externalId is a matching attribute [F7][F8], else mailNickname [E1]."""
        return person.id if "externalId" in self.matching else person.mail_nickname

    def _send(self, method: str, path: str, *args) -> Exchange:
        """One request; with ``on_429="retry_after"``, a 429 waits out its Retry-After (virtual) and is sent again."""
        call = {"GET": self.http.get, "POST": self.http.post, "PATCH": self.http.patch, "DELETE": self.http.delete}[method]
        exchange = call(path, *args)
        for _ in range(MAX_429_RETRIES):
            if exchange.status != 429 or self.on_429 != "retry_after":
                break
            self.clock.sleep(_retry_after_seconds(exchange))
            exchange = call(path, *args)
        return exchange

    # --- the job --------------------------------------------------------------------------------

    def test_connection(self) -> tuple[bool, str]:
        """A filter on a random GUID that must answer 200 and an empty ListResponse [E1][J1]."""
        if self.probe_service_provider_config:
            config = self._send("GET", "/ServiceProviderConfig")
            if config.status != 200:
                return False, f"/ServiceProviderConfig answered {config.status or config.failure}."
        probe = self._guid_probe()
        if probe.status is None:
            return False, f"Could not connect to the target: {probe.failure}."
        if probe.status == 401:
            return False, f"{CREDENTIALS}: the target refused the credentials (401)."
        if probe.status != 200:
            return False, f"The target answered {probe.status} where Entra expects 200 and an empty list."
        problem = probe.failure or list_problem(probe.response_body)
        if problem or probe.response_body.get("totalResults") != 0:
            return False, f"{INCOMPATIBLE}: {problem or 'a filter on a random value did not answer an empty list'}."
        return True, "You are connected to the target and can provision."

    def start(self) -> None:
        """Start provisioning: the initial cycle runs now; incremental ones every 40 minutes after."""
        self.running = True
        self._next_is_initial = True
        self._run_cycle()

    def restart(self) -> None:
        """Restart clears the watermark and the quarantine: the next cycle is an initial one [E3]."""
        self.quarantine = None
        self.job_disabled = None
        self.start()

    def advance(self, delta: timedelta) -> None:
        """Let time pass: every cycle that falls due runs, at its own time."""
        until = self.clock.now() + delta
        while self.running and not self.job_disabled and self.next_cycle is not None and self.next_cycle <= until:
            self.clock.advance_to(self.next_cycle)
            self._run_cycle()
        self.clock.advance_to(until)

    def _run_cycle(self) -> None:
        self.cycles += 1
        initial, self._next_is_initial = self._next_is_initial, False
        self._cycle_failures = 0
        stopped = False
        try:
            if self.probe_each_cycle:
                self._judge_query(self._guid_probe(), "the connection probe")
            self._sync(initial)
        except _Stop:
            stopped = True
            self._next_is_initial = initial  # a cycle cut short by quarantine is run again in full
        self._after_cycle(stopped)

    def _after_cycle(self, stopped: bool) -> None:
        now = self.clock.now()
        if self.quarantine and self._cycle_failures == 0 and self.quarantine.began < now and not stopped:
            self.quarantine = None  # errors fixed: the quarantine lifts with this cycle [E4]
        if self.quarantine and now - self.quarantine.began > QUARANTINE_LIMIT:
            self.job_disabled = "The job stayed in quarantine for more than four weeks and was disabled."
        if any(now - escrow.first_failure > ESCROW_LIMIT for escrow in self._escrow.values()):
            self._escrow = {k: v for k, v in self._escrow.items() if now - v.first_failure <= ESCROW_LIMIT}
            self.job_disabled = "An object stayed in escrow for more than 28 days; the escrow was dropped and the job disabled."
        self.next_cycle = now + (QUARANTINED_CYCLE if self.quarantine else CYCLE)
        self._dirty.update(self._retry_next_cycle)
        self._retry_next_cycle = set()

    def _guid_probe(self) -> Exchange:
        """A filter on a random GUID: Test Connection, and the start of every run [E1][J1]."""
        return self._send("GET", "/Users", [("filter", eq_filter(self.matching[0], self.directory.random_guid()))])

    def _judge_query(self, exchange: Exchange, what: str) -> None:
        """Answers that quarantine the job at once: 401, and a filter query not answered 200 [E4]."""
        if exchange.status == 401:
            self._quarantine(IMMEDIATE, f"{CREDENTIALS}: {what} was refused with 401.")
        if exchange.status == 404:
            self._quarantine(IMMEDIATE, f"SCIM compliance issue: {what} got HTTP/404 Not Found rather than the "
                                        "expected HTTP/200 OK.")

    def _quarantine(self, reason: str, detail: str) -> None:
        if self.quarantine is None:
            self.quarantine = Quarantine(reason, self.clock.now(), detail)
            self.quarantine_history.append(self.quarantine)
        raise _Stop()

    # --- scope ----------------------------------------------------------------------------------

    def _in_scope(self, person: Person) -> bool:
        if person.id in self.assignments.people:
            return True
        return any(person.id in self.directory.groups[g].members for g in self.assignments.groups
                   if g in self.directory.groups and g not in self._deleted_groups)

    def _sync(self, initial: bool) -> None:
        now = self.clock.now()
        due_escrow = {k for k, v in self._escrow.items() if v.next_retry <= now}
        soft_deleted_due = {pid for pid, st in self._users.items()
                            if st.soft_deleted_at and not st.deleted and now - st.soft_deleted_at >= SOFT_DELETE_GRACE}
        if initial:
            todo = set(self.directory.people) | set(self.directory.groups)
        else:
            todo = self._dirty | due_escrow | soft_deleted_due
        people = [pid for pid in self.directory.people if pid in todo]
        touched_people = set(people)
        groups = [gid for gid, group in self.directory.groups.items()
                  if gid in todo or (gid in self.assignments.groups and touched_people.intersection(group.members))]
        for person_id in people:
            self._object(person_id, self._sync_user, self.directory.people[person_id])
            self._dirty.discard(person_id)
        for person_id in people:  # managers created later in this cycle are referenced now
            state = self._users.get(person_id)
            person = self.directory.people[person_id]
            if state and state.target_id and state.managed and not state.deleted and person.manager_id:
                self._object(person_id, lambda p, s=state: self._sync_manager(p, s), person)
        for group_id in groups:
            self._object(group_id, self._sync_group, self.directory.groups[group_id])
            self._dirty.discard(group_id)
        self._check_thresholds()

    def _object(self, object_id: str, sync, obj) -> None:
        try:
            sync(obj)
            self._escrow.pop(object_id, None)
        except _ObjectFailed as failure:
            self._cycle_failures += 1
            if failure.code == "HttpStatus429":
                self._retry_next_cycle.add(object_id)  # on_429="next_cycle": no escrow, the next cycle retries [E12]
                return
            escrow = self._escrow.get(object_id)
            now = self.clock.now()
            if escrow is None:
                escrow = self._escrow[object_id] = _Escrow(now, 0, now)
            interval = ESCROW_INTERVALS[min(escrow.attempts, len(ESCROW_INTERVALS) - 1)]
            escrow.attempts += 1
            escrow.next_retry = now + interval

    def _check_thresholds(self) -> None:
        """Failure-count quarantine: evaluated from 5,000 escrowed objects on [E4] (counting objects is INF)."""
        failing = len(self._escrow)
        if failing < 5000:
            return
        total = max(1, len(self._users) + len(self._groups))
        if failing > 60000:
            self._quarantine(TOTAL, f"{failing} objects are failing (above 60,000).")
        if failing > 40000:
            self._quarantine(BASE, f"{failing} objects are failing (above 40,000).")
        if failing / total > 0.4:
            self._quarantine(PROPORTION, f"{failing} of {total} objects are failing (above 40%).")

    def _record(self, action: str, kind: str, source: str, target: str | None, exchange: Exchange | None,
                status: str = "success", code: str | None = None, message: str = "") -> None:
        self.log.append(LogEntry(self.clock.now(), self.cycles, action, kind, source, target, status, code, message))

    def _fail(self, action: str, kind: str, source: str, target: str | None, exchange: Exchange) -> None:
        """Record the failure, quarantine at once where Entra does, else escrow the object."""
        if exchange.status == 401:
            self._record(action, kind, source, target, exchange, "failure", CREDENTIALS, "The target answered 401.")
            self._quarantine(IMMEDIATE, f"{CREDENTIALS}: {exchange.method} {exchange.url} was refused with 401.")
        if exchange.status == 429:
            code, message = "HttpStatus429", "The target throttled the request (429); retried in a later cycle."
        elif exchange.status is None:
            code, message = "TargetUnreachable", exchange.failure or "no answer"
        elif exchange.failure:
            code, message = INCOMPATIBLE, exchange.failure
        else:
            code = f"HttpStatus{exchange.status}"
            message = f"The target answered {exchange.status}: {error_detail(exchange.response_body)}"
        self._record(action, kind, source, target, exchange, "failure", code, message)
        raise _ObjectFailed(exchange, code, message)

    # --- users ----------------------------------------------------------------------------------

    def user_attributes(self, person: Person) -> dict[str, Any]:
        """Entra's default attribute mappings [E1], as SCIM paths; null sources are skipped [E6]."""
        attributes = {"userName": person.login, "active": person.active, "displayName": person.display_name,
                      WORK_EMAIL: person.email, "name.givenName": person.given_name,
                      "name.familyName": person.family_name, "name.formatted": f"{person.given_name} {person.family_name}",
                      "externalId": self._external_id(person), "title": person.title,
                      **{f"{ENTERPRISE}:{name}": getattr(person, source) for source, name in ENTERPRISE_FIELDS.items()}}
        if self.roles_mapping == "SingleAppRoleAssignment":
            attributes[PRIMARY_ROLE] = person.roles[0] if person.roles else None
        return {path: value for path, value in attributes.items() if value is not None}

    def create_body(self, person: Person) -> dict:
        """The create body of 2.3 [E1]: `active` always sent [J17], `meta.resourceType`, the roles (`[]` unmapped)."""
        body: dict[str, Any] = {
            "schemas": [USER, ENTERPRISE], "externalId": self._external_id(person), "userName": person.login,
            "active": person.active, "displayName": person.display_name,
            "meta": {"resourceType": "User"},
            "name": {"formatted": f"{person.given_name} {person.family_name}", "familyName": person.family_name,
                     "givenName": person.given_name},
            "roles": self._created_roles(person)}
        if person.email:  # null source attributes are skipped [E6]
            body["emails"] = [{"primary": True, "type": "work", "value": person.email}]
        if person.title:
            body["title"] = person.title
        enterprise = {name: getattr(person, source) for source, name in ENTERPRISE_FIELDS.items()
                      if getattr(person, source) is not None}
        if enterprise:
            body[ENTERPRISE] = enterprise
        return body

    def _created_roles(self, person: Person) -> list[dict]:
        """SingleAppRoleAssignment: the one role as primary [F12]; AppRoleAssignmentsComplex: every role [F13][F14]."""
        if self.roles_mapping == "SingleAppRoleAssignment" and person.roles:
            return [{"primary": True, "type": ROLE_TYPE, "value": person.roles[0]}]
        if self.roles_mapping == "AppRoleAssignmentsComplex":
            return [{"primary": False, "type": ROLE_TYPE, "displayName": role, "value": role} for role in person.roles]
        return []

    def patch_operations(self, old: dict[str, Any], new: dict[str, Any]) -> list[dict]:
        """The operations for what changed, in this job's dialect (2.4, 2.5)."""
        changed = [path for path in new if old.get(path) != new[path]]
        removed = [path for path in old if path not in new]
        if not self.flag:
            ops = [{"op": "Replace" if path in old else "Add", "path": path, "value": self._value(new[path])}
                   for path in changed]
            return ops + [{"op": "Remove", "path": path} for path in removed]
        filtered = [path for path in changed if "[" in path]
        plain = [path for path in changed if "[" not in path]
        ops = [{"op": "replace" if path in old else "add", "path": path, "value": new[path]} for path in filtered]
        if plain == ["active"]:
            ops.append({"op": "replace", "path": "active", "value": new["active"]})  # 2.5 with the flag [E2]
        elif plain:
            ops.append({"op": "replace", "value": {path: new[path] for path in plain}})
        return ops + [{"op": "remove", "path": path} for path in removed]

    def _sync_user(self, person: Person) -> None:
        state = self._users.setdefault(person.id, _UserState())
        if state.deleted:
            return
        if person.id in self._hard_deleted or (state.soft_deleted_at and
                                               self.clock.now() - state.soft_deleted_at >= SOFT_DELETE_GRACE):
            if state.target_id:
                self._delete_user(person, state)
            state.deleted = True
            return
        active_wanted = person.active and state.soft_deleted_at is None
        if not self._in_scope(person):
            if state.target_id and state.managed and not state.disabled_in_target and not self.skip_out_of_scope_deletions:
                self._set_active(person, state, False)
            state.managed = False  # unassigned: one disable, then Entra stops managing the user [E3]
            return
        if not state.managed:  # assigned again: matched afresh
            state.managed, state.target_id, state.sent = True, None, {}
        if state.target_id is None:
            if not active_wanted:
                self._record("Other", "User", person.id, None, None, "skipped", None,
                             "The user is disabled in Entra and is not provisioned [E3].")
                return
            self._match_or_create(person, state)
            return
        wanted = self.user_attributes(person)
        wanted["active"] = active_wanted
        changed = {path for path in set(wanted) | set(state.sent) if wanted.get(path) != state.sent.get(path)}
        if changed == {"active"}:
            self._set_active(person, state, active_wanted)
        elif changed:
            self._patch_user(person, state, wanted, "Update" if active_wanted else "Disable")
        self._sync_links(person, state)

    def _sync_links(self, person: Person, state: _UserState) -> None:
        """What Entra sends after the user's own attributes: its manager and, mapped complex, its roles."""
        self._sync_manager(person, state)
        self._sync_roles(person, state)

    def _sync_manager(self, person: Person, state: _UserState) -> None:
        """Manager (2.3) [E1]: Entra reads the user first, then sends `Add` with the new manager, or clears it."""
        manager = self._users.get(person.manager_id) if person.manager_id else None
        manager_target = manager.target_id if manager else None
        if manager_target == state.manager or (person.manager_id and manager_target is None):
            return  # unchanged, or the manager is not provisioned yet
        read = self._send("GET", f"/Users/{state.target_id}")
        if read.status != 200:
            self._fail("Update", "User", person.id, state.target_id, read)
        operation = self._manager_operation(manager_target, state.manager)
        answer = self._send("PATCH", f"/Users/{state.target_id}", self._patch_body(operation))
        if not _written(answer):
            self._fail("Update", "User", person.id, state.target_id, answer)
        state.manager = manager_target
        self._record("Update", "User", person.id, state.target_id, answer)

    def _manager_operation(self, manager_target: str | None, previous: str | None) -> dict:
        """`Add` in the documented shape (`path: manager`, a $ref list [E1]) or the field shape (the
        enterprise-URN path, a plain id [F5][F11]); a removed manager is a `Replace` with an empty
        value, as Microsoft's Logic App removes it (SCIM_Update_Manager_Test, INF for the engine), or a
        `remove` through a value filter on the old manager's id [F24]."""
        path = "manager" if self.manager_shape == "documented" else f"{ENTERPRISE}:manager"
        if manager_target is None and self.manager_removal == "remove_filtered":
            return {"op": "remove", "path": f'manager[value eq "{previous}"]'}
        if manager_target is None:
            return {"op": self._op("Replace"), "path": path, "value": ""}
        value: Any = manager_target
        if self.manager_shape == "documented":
            value = [{"$ref": f"{self.http.base_url}/Users/{manager_target}", "value": manager_target}]
        return {"op": self._op("Add"), "path": path, "value": value}

    def _sync_roles(self, person: Person, state: _UserState) -> None:
        """AppRoleAssignmentsComplex: `Add` on `roles` with `{id, value, displayName}` items for new roles;
        a role removed in Entra is never removed at the app [F13][F14]."""
        added = [role for role in person.roles if role not in state.roles]
        if self.roles_mapping != "AppRoleAssignmentsComplex" or not added:
            return
        value = [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, role)), "value": role, "displayName": role} for role in added]
        answer = self._send("PATCH", f"/Users/{state.target_id}",
                            self._patch_body({"op": self._op("Add"), "path": "roles", "value": value}))
        if not _written(answer):
            self._fail("Update", "User", person.id, state.target_id, answer)
        state.roles.update(added)
        self._record("Update", "User", person.id, state.target_id, answer)

    def _match_or_create(self, person: Person, state: _UserState) -> None:
        values = {"userName": person.login, "externalId": self._external_id(person), WORK_EMAIL: person.email}
        for attribute in self.matching:
            lookup = self._send("GET", "/Users", [("filter", eq_filter(attribute, values[attribute]))])
            self._judge_query(lookup, f"the lookup of {person.login}")
            if lookup.status != 200 or lookup.failure or list_problem(lookup.response_body):
                self._fail("Other", "User", person.id, None, lookup)
            found = resources_of(lookup.response_body)
            if found and found[0].get("id"):
                state.target_id = found[0]["id"]
                current = mapped_attributes(found[0])
                wanted = self.user_attributes(person)
                differing = {path: value for path, value in wanted.items() if current.get(path) != value}
                if differing:
                    known = {path: current[path] for path in differing if path in current}
                    self._patch_user(person, state, {**known, **differing}, "Update", old=known)
                state.sent = wanted
                self._sync_links(person, state)
                return
        created = self._send("POST", "/Users", self.create_body(person))
        if created.status not in (200, 201) or created.failure or not isinstance(created.response_body, dict) \
                or not created.response_body.get("id"):
            self._fail("Create", "User", person.id, None, created)
        state.target_id = created.response_body["id"]
        state.sent = self.user_attributes(person)
        state.disabled_in_target = not person.active
        if self.roles_mapping == "AppRoleAssignmentsComplex":
            state.roles = set(person.roles)  # sent in the create body
        self._record("Create", "User", person.id, state.target_id, created)
        self._sync_links(person, state)

    def _patch_user(self, person: Person, state: _UserState, wanted: dict, action: str, old: dict | None = None) -> None:
        operations = self.patch_operations(state.sent if old is None else old, wanted)
        if not operations:
            return
        answer = self._send("PATCH", f"/Users/{state.target_id}", self._patch_body(*operations))
        if not _written(answer):
            self._fail(action, "User", person.id, state.target_id, answer)
        state.sent = {**state.sent, **wanted}
        state.disabled_in_target = wanted.get("active") is False
        self._record(action, "User", person.id, state.target_id, answer)

    def _set_active(self, person: Person, state: _UserState, active: bool) -> None:
        """Disable (2.5) or restore (2.6): `Replace active "False"` or `Replace active false` (boolean_form
        [F16]), or `replace` with a real boolean with the flag [E2]."""
        op = {"op": self._op("Replace"), "path": "active", "value": self._value(active)}
        answer = self._send("PATCH", f"/Users/{state.target_id}", self._patch_body(op))
        action = "Update" if active else "Disable"
        if not _written(answer):
            self._fail(action, "User", person.id, state.target_id, answer)
        state.sent["active"] = active
        state.disabled_in_target = not active
        self._record(action, "User", person.id, state.target_id, answer)

    def _delete_user(self, person: Person, state: _UserState) -> None:
        answer = self._send("DELETE", f"/Users/{state.target_id}")
        if answer.status not in (204, 200, 404):
            self._fail("Delete", "User", person.id, state.target_id, answer)
        self._record("Delete", "User", person.id, state.target_id, answer)

    # --- groups (2.7) ---------------------------------------------------------------------------

    def _member_targets(self, group: Group) -> dict[str, str]:
        """Members Entra can reference: provisioned users of the group (nested groups are not [E6])."""
        return {pid: self._users[pid].target_id for pid in group.members
                if pid in self._users and self._users[pid].target_id and not self._users[pid].deleted}

    def _sync_group(self, group: Group) -> None:
        state = self._groups.setdefault(group.id, _GroupState())
        if state.deleted:
            return
        if group.id in self._deleted_groups or group.id not in self.assignments.groups:
            self._delete_group_at_target(group, state)
            state.deleted = group.id in self._deleted_groups
            return
        if state.target_id is None:
            self._match_or_create_group(group, state)
        if state.name != group.name:
            answer = self._send("PATCH", f"/Groups/{state.target_id}", self._patch_body(
                {"op": self._op("Replace"), "path": "displayName", "value": group.name}))
            if not _written(answer):
                self._fail("Update", "Group", group.id, state.target_id, answer)
            state.name = group.name
            self._record("Update", "Group", group.id, state.target_id, answer)
        targets = self._member_targets(group)
        to_add = [pid for pid in targets if pid not in state.members]
        to_remove = [pid for pid in state.members if pid not in targets]
        for batch in _batches(to_add, self.member_batch):
            value = [{"value": targets[pid]} if self.flag else {"$ref": None, "value": targets[pid]} for pid in batch]
            self._member_patch(group, state, [{"op": self._op("Add"), "path": "members", "value": value}])
            state.members.update(batch)
        for batch in _batches(to_remove, self.member_batch):
            ids = [self._users[pid].target_id for pid in batch]
            if self.flag:
                ops = [{"op": "remove", "path": f'members[value eq "{target}"]'} for target in ids]
            else:
                ops = [{"op": "Remove", "path": "members", "value": [{"value": target} for target in ids]}]
            self._member_patch(group, state, ops)
            state.members.difference_update(batch)

    def _delete_group_at_target(self, group: Group, state: _GroupState) -> None:
        """A deleted group [E1], or an unassigned one: deleted at the target, and created again on
        reassignment, as the Logic App's Restore_Group_Test expects of an unassigned group (INF)."""
        if state.target_id is None:
            return
        answer = self._send("DELETE", f"/Groups/{state.target_id}")
        if answer.status not in (204, 200, 404):
            self._fail("Delete", "Group", group.id, state.target_id, answer)
        self._record("Delete", "Group", group.id, state.target_id, answer)
        state.target_id, state.name, state.members = None, None, set()

    def _member_patch(self, group: Group, state: _GroupState, operations: list[dict]) -> None:
        answer = self._send("PATCH", f"/Groups/{state.target_id}", self._patch_body(*operations))
        if not _written(answer):
            self._fail("Update", "Group", group.id, state.target_id, answer)
        self._record("Update", "Group", group.id, state.target_id, answer)

    def _match_or_create_group(self, group: Group, state: _GroupState) -> None:
        lookup = self._send("GET", "/Groups", [("excludedAttributes", "members"), ("filter", eq_filter("displayName", group.name))])
        self._judge_query(lookup, f"the lookup of group {group.name}")
        if lookup.status != 200 or lookup.failure or list_problem(lookup.response_body):
            self._fail("Other", "Group", group.id, None, lookup)
        found = resources_of(lookup.response_body)
        if found and found[0].get("id"):
            state.target_id, state.name = found[0]["id"], found[0].get("displayName")
            return
        created = self._send("POST", "/Groups", {"schemas": [GROUP, MS_GROUP_SCHEMA], "externalId": group.id,
                                             "displayName": group.name, "meta": {"resourceType": "Group"}})
        if created.status not in (200, 201) or created.failure or not isinstance(created.response_body, dict) \
                or not created.response_body.get("id"):
            self._fail("Create", "Group", group.id, None, created)
        state.target_id, state.name = created.response_body["id"], group.name
        self._record("Create", "Group", group.id, state.target_id, created)
        read = self._send("GET", f"/Groups/{state.target_id}", [("excludedAttributes", "members")])
        if read.status != 200:
            self._fail("Other", "Group", group.id, state.target_id, read)

    # --- what the admin sees --------------------------------------------------------------------

    def target_id_of(self, obj: Person | Group) -> str | None:
        state = (self._users if isinstance(obj, Person) else self._groups).get(obj.id)
        return state.target_id if state else None

    def believed_state(self) -> dict:
        """Users and groups as Entra last synced them, keyed by target id (for end-to-end checks)."""
        users = {state.target_id: dict(state.sent) for state in self._users.values()
                 if state.target_id and not state.deleted}
        groups = {state.target_id: {"displayName": state.name,
                                    "members": {self._users[pid].target_id for pid in state.members}}
                  for state in self._groups.values() if state.target_id and not state.deleted}
        return {"users": users, "groups": groups}

    def escrowed(self) -> dict[str, datetime]:
        """Objects waiting for a retry, and when it is due."""
        return {object_id: escrow.next_retry for object_id, escrow in self._escrow.items()}

    def failures(self) -> list[LogEntry]:
        return [entry for entry in self.log if entry.status == "failure"]


def _entra_string(value: Any) -> Any:
    """Without the flag, booleans travel as "True"/"False" [E2]."""
    if isinstance(value, bool):
        return "True" if value else "False"
    return value


def _written(answer: Exchange) -> bool:
    """A write the target accepted: 200 with a readable body, or 204 (a PATCH answer need not carry the resource [E1])."""
    return answer.status == 204 or (answer.status == 200 and not answer.failure)


def _retry_after_seconds(exchange: Exchange) -> float:
    value = {k.lower(): v for k, v in exchange.response_headers.items()}.get("retry-after")
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 60.0


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def mapped_attributes(resource: dict) -> dict[str, Any]:
    """A target's user read as the paths Entra maps, for the comparison after a match."""
    name = resource.get("name") if isinstance(resource.get("name"), dict) else {}
    emails = resource.get("emails") if isinstance(resource.get("emails"), list) else []
    work = next((e.get("value") for e in emails if isinstance(e, dict) and e.get("type") == "work"), None)
    enterprise = resource.get(ENTERPRISE) if isinstance(resource.get(ENTERPRISE), dict) else {}
    roles = resource.get("roles") if isinstance(resource.get("roles"), list) else []
    flat = {"userName": resource.get("userName"), "active": resource.get("active"),
            "displayName": resource.get("displayName"), WORK_EMAIL: work, "name.givenName": name.get("givenName"),
            "name.familyName": name.get("familyName"), "name.formatted": name.get("formatted"),
            "externalId": resource.get("externalId"), "title": resource.get("title"),
            PRIMARY_ROLE: next((r.get("value") for r in roles if isinstance(r, dict) and r.get("primary") is True), None),
            **{f"{ENTERPRISE}:{name}": enterprise.get(name) for name in ENTERPRISE_FIELDS.values()}}
    return {path: value for path, value in flat.items() if value is not None}
