"""Microsoft Entra ID's provisioning engine (idp-behaviour.md section 2): the facade over its parts.

Entra is not event-driven: admin actions only change the directory, and the provisioning service
sends what changed at its next cycle: an initial cycle over everything in scope, then incremental
cycles every 40 minutes over what changed since the watermark [E1][E10]. Time is the virtual clock's,
so a day of cycles costs only its HTTP time.

The parts follow idp-behaviour.md's Entra sections: ``entra_dialect`` (how bodies and PATCHes are
shaped, flag on or off, 2.3 to 2.5), ``entra_sync`` (lookup, create, update, disable, delete, groups,
2.2 to 2.8) and ``entra_schedule`` (cycles, quarantine, escrow, 2.9).

What the Entra admin sees: ``log`` (the provisioning log, one entry per object and action),
``quarantine`` (with Graph's reason codes) and ``job_disabled``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .directory import AppAssignments, Directory, Group, Person
from .entra_dialect import FLAG, PRIMARY_ROLE, WORK_EMAIL, EntraDialect, flag_in_tenant_url, mapped_attributes
from .entra_schedule import (BASE, CYCLE, IMMEDIATE, PROPORTION, QUARANTINED_CYCLE, SOFT_DELETE_GRACE, TOTAL,
                             Quarantine, Schedule, Stop)
from .entra_sync import CREDENTIALS, INCOMPATIBLE, GroupState, LogEntry, ObjectSync, SyncOptions, UserState
from .scim import list_problem
from .transport import NO_TOKEN, Transport

__all__ = ["EntraEngine", "LogEntry", "Quarantine", "CYCLE", "QUARANTINED_CYCLE", "SOFT_DELETE_GRACE", "IMMEDIATE",
           "PROPORTION", "BASE", "TOTAL", "CREDENTIALS", "INCOMPATIBLE", "FLAG", "WORK_EMAIL", "PRIMARY_ROLE",
           "flag_in_tenant_url", "mapped_attributes"]
ON_429 = ("retry_after", "next_cycle")


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
        if on_429 not in ON_429:
            raise ValueError("on_429 is 'retry_after' or 'next_cycle'")
        self.dialect = EntraDialect(aad_opt_scim062020, matching, manager_shape, manager_removal, roles_mapping,
                                    boolean_form)
        self.http = transport
        self.clock = transport.clock
        self.directory = directory
        self.probe_each_cycle = probe_each_cycle
        self.probe_service_provider_config = probe_service_provider_config
        self.schedule = Schedule(self.clock)
        self.sync = ObjectSync(transport, directory, self.dialect, self.schedule,
                               SyncOptions(member_batch, skip_out_of_scope_deletions, on_429))

    # --- what the admin sees --------------------------------------------------------------------

    @property
    def flag(self) -> bool:
        return self.dialect.flag

    @property
    def assignments(self) -> AppAssignments:
        return self.sync.assignments

    @property
    def log(self) -> list[LogEntry]:
        return self.sync.log

    @property
    def quarantine(self) -> Quarantine | None:
        return self.schedule.quarantine

    @property
    def quarantine_history(self) -> list[Quarantine]:
        return self.schedule.quarantine_history

    @property
    def job_disabled(self) -> str | None:
        return self.schedule.job_disabled

    @property
    def running(self) -> bool:
        return self.schedule.running

    @property
    def cycles(self) -> int:
        return self.schedule.cycles

    @property
    def next_cycle(self) -> datetime | None:
        return self.schedule.next_cycle

    def target_id_of(self, obj: Person | Group) -> str | None:
        return self.sync.target_id_of(obj)

    def believed_state(self) -> dict:
        """Users and groups as Entra last synced them, keyed by target id (for end-to-end checks)."""
        return self.sync.believed_state()

    def escrowed(self) -> dict[str, datetime]:
        """Objects waiting for a retry, and when it is due."""
        return {object_id: escrow.next_retry for object_id, escrow in self.schedule.escrow.items()}

    def failures(self) -> list[LogEntry]:
        return [entry for entry in self.log if entry.status == "failure"]

    # --- how this app shapes users (entra_dialect) ----------------------------------------------

    def user_attributes(self, person: Person) -> dict[str, Any]:
        return self.dialect.user_attributes(person)

    def create_body(self, person: Person) -> dict:
        return self.dialect.create_body(person)

    def patch_operations(self, old: dict[str, Any], new: dict[str, Any]) -> list[dict]:
        return self.dialect.patch_operations(old, new)

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
        self._user_state(person).soft_deleted_at = self.clock.now()
        self._touch(person.id)

    def restore_user(self, person: Person) -> None:
        self._user_state(person).soft_deleted_at = None
        self._touch(person.id)

    def hard_delete_user(self, person: Person) -> None:
        """A manual permanent delete: DELETE at the next cycle [E1][E3]."""
        self.sync.hard_deleted.add(person.id)
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
        self.sync.deleted_groups.add(group.id)
        self._touch(group.id, *group.members)

    def _user_state(self, person: Person) -> UserState:
        return self.sync.users.setdefault(person.id, UserState())

    def _touch(self, *object_ids: str) -> None:
        self.sync.dirty.update(object_ids)

    # --- on demand ------------------------------------------------------------------------------

    def provision_on_demand(self, person: Person) -> list[LogEntry]:
        """Provision on demand [F3][J1]: the GUID probe, the lookup by the matching attribute, then create
        or PATCH, at once and in the flagless dialect even where the app has the flag [E2]."""
        return self._on_demand(lambda: self.sync.visit(person.id, self.sync.sync_user_on_demand, person))

    def provision_group_on_demand(self, group: Group) -> list[LogEntry]:
        """A group on demand (the Logic App's POD_Group_Test): its members as users, then the group (INF)."""
        def run() -> None:
            for person_id in group.members:
                self.sync.visit(person_id, self.sync.sync_user_on_demand, self.directory.people[person_id])
            self.sync.groups.setdefault(group.id, GroupState()).target_id = None  # looked up afresh
            self.sync.visit(group.id, self.sync.sync_group, group)
        return self._on_demand(run)

    def _on_demand(self, run) -> list[LogEntry]:
        first = len(self.log)
        with self.dialect.flagless():
            try:
                self.sync.judge_query(self.sync.guid_probe(), "the on-demand probe")
                run()
            except Stop:
                pass
        return self.log[first:]

    # --- the job (entra_schedule) ---------------------------------------------------------------

    def test_connection(self) -> tuple[bool, str]:
        """A filter on a random GUID that must answer 200 and an empty ListResponse [E1][J1]."""
        if self.probe_service_provider_config:
            config = self.sync.send("GET", "/ServiceProviderConfig")
            if config.status != 200:
                return False, f"/ServiceProviderConfig answered {config.status or config.failure}."
        probe = self.sync.guid_probe()
        if probe.status is None and (probe.failure or "").startswith(NO_TOKEN):
            return False, f"{CREDENTIALS}: the token endpoint refused the client credentials."
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
        self.schedule.start()
        self._run_cycle()

    def restart(self) -> None:
        """Restart clears the watermark and the quarantine: the next cycle is an initial one [E3]."""
        self.schedule.restart()
        self._run_cycle()

    def advance(self, delta: timedelta) -> None:
        """Let time pass: every cycle that falls due runs, at its own time."""
        until = self.clock.now() + delta
        while self.schedule.due_before(until):
            self.clock.advance_to(self.schedule.next_cycle)
            self._run_cycle()
        self.clock.advance_to(until)

    def _run_cycle(self) -> None:
        initial = self.schedule.begin_cycle()
        stopped = False
        try:
            if self.probe_each_cycle:
                self.sync.judge_query(self.sync.guid_probe(), "the connection probe")
            self.sync.cycle(initial)
        except Stop:
            stopped = True
            self.schedule.cut_short(initial)
        self.sync.dirty.update(self.schedule.end_cycle(stopped))
