"""Traffic mixes: what one simulated IdP client sends, step after step, built on the simulator's engines.

Each mix builds ``OktaEngine`` or ``EntraEngine`` over a ``LoadTransport`` and drives it through the
admin actions of its scenario, so the bodies, headers and sequences are the engines' own, not a copy:

- ``entra-initial-cycle``: every step, a new batch of people and a group of them enter scope and an
  initial cycle runs: the random-GUID probe, a lookup then a create per user, then the group's lookup,
  create, read and member PATCHes in batches of 50 (idp-behaviour.md 2.2 and 2.7).
- ``entra-incremental-cycles``: a population provisioned once; every step changes a few attributes,
  disables or enables someone, moves a member, assigns a newcomer, and one incremental cycle sends
  it: the probe, PATCHes in Entra's dialect, a lookup and create for the newcomer.
- ``okta-assignment-waves``: every step assigns a wave of people (lookup by userName, then POST),
  pushes one profile (GET + PUT) and deactivates and reactivates one (PATCH active) (1.3 to 1.6).
- ``group-push-bursts``: a pool of members provisioned once; every step pushes a new group holding
  all of them (lookup by displayName, POST, then the PATCH with the members), then reads the group
  back and counts its members: a push completes when every request was accepted and the count holds.
- ``okta-imports``: every step imports /Users in pages of 100 until totalResults (1.9).

A 429 is waited out as each IdP does, with the simulator's Retry-After parsing: Entra pauses and sends
the request again (the engine's ``on_429="retry_after"``, [E11]); Okta reschedules the task after the
delay [O11] (the mix sleeps it, then lets the engine run the task again). The clock's sleeps are real
(``WallClock``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import partial
from datetime import timedelta
from typing import Callable

from scimulator.simulator.directory import Directory, Person
from scimulator.simulator.entra import EntraEngine
from scimulator.simulator.entra_schedule import CYCLE
from scimulator.simulator.okta import OktaEngine, OktaTask
from scimulator.simulator.scim import retry_after_seconds
from scimulator.simulator.transport import ENTRA, OKTA, VERIFY, ClientProfile

from .wire import LoadTransport, Report, WallClock

MAX_RESCHEDULES = 5  # an Okta task rescheduled after a 429 is tried again at most this often within one step


@dataclass(frozen=True)
class PushOutcome:
    """One Group Push of the ``group-push-bursts`` mix, as its read-back found it."""

    completed: bool
    members: int  # members Okta pushed
    detail: str


@dataclass
class MixSetting:
    """Where one simulated IdP client sends, as whom, and where its figures go."""

    base_url: str
    token: str | None
    tenant: str
    prefix: str  # starts every userName and group name: unique to the run, the tenant and the client
    seed: int
    report: Report
    pace: Callable[[], None] | None = None
    on_push: Callable[[PushOutcome], None] = lambda outcome: None
    group_members: int = 200


class Mix:
    """One IdP client's traffic: ``start`` once, then ``step`` again and again (and ``forget`` after each)."""

    name = ""
    title = ""
    profile: ClientProfile = OKTA
    id_style = "okta"

    def __init__(self, setting: MixSetting):
        self.setting = setting
        self.clock = WallClock()
        self.http = LoadTransport(setting.base_url, setting.token, self.profile, self.clock, setting.report,
                                  setting.pace)
        self.directory = Directory(seed=setting.seed, id_style=self.id_style, prefix=setting.prefix)

    def start(self) -> None:
        """What the client sends before its first step (nothing, unless the mix needs a population)."""

    def step(self) -> None:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what the engine keeps for its admin (tasks, provisioning log): a long run keeps no history."""

    def close(self) -> None:
        self.http.close()


class _OktaMix(Mix):
    profile = OKTA

    def __init__(self, setting: MixSetting):
        super().__init__(setting)
        self.engine = OktaEngine(self.http, self.directory, seed=setting.seed)

    def forget(self) -> None:
        self.engine.tasks.clear()

    def settle(self, act: Callable[[], OktaTask]) -> OktaTask:
        """Run an admin action; a task Okta rescheduled after a 429 runs again once its Retry-After is over [O11]."""
        task = act()
        for _ in range(MAX_RESCHEDULES):
            if task.status != "rescheduled":
                break
            last = self.http.last
            self.clock.sleep(retry_after_seconds(last.response_headers if last else {}))
            self.engine.advance(timedelta(0))
        return task

    def assign_all(self, people: list[Person]) -> None:
        for person in people:
            self.engine.job_stopped = None  # each assignment is a new admin action, after any earlier error
            self.settle(partial(self.engine.assign, person))


class OktaAssignmentWaves(_OktaMix):
    name = "okta-assignment-waves"
    title = "Okta assignment waves"
    WAVE = 5

    def step(self) -> None:
        people = self.directory.add_people(self.WAVE)
        self.assign_all(people)
        pushed, toggled = people[0], people[1]
        self.settle(partial(self.engine.push_profile, pushed))
        self.settle(partial(self.engine.deactivate, toggled))
        self.settle(partial(self.engine.reactivate, toggled))


class GroupPushBursts(_OktaMix):
    name = "group-push-bursts"
    title = "Okta Group Push bursts with large memberships"

    def start(self) -> None:
        self.pool = self.directory.add_people(self.setting.group_members)
        self.assign_all(self.pool)

    def step(self) -> None:
        group = self.directory.add_group(members=self.pool)
        task = self.settle(partial(self.engine.push_group, group))
        pushed = sum(person.id in self.engine.user_links for person in self.pool)
        self.setting.on_push(self.judge_push(task, self.engine.group_links.get(group.id), pushed))

    def judge_push(self, task: OktaTask, target: str | None, pushed: int) -> PushOutcome:
        """The push completed when Okta's task did and the group read back holds every member pushed."""
        if task.status != "completed" or target is None:
            return PushOutcome(False, pushed, f"the push did not complete: {task.message or task.status}")
        if pushed == 0:
            return PushOutcome(False, 0, "none of the group's members could be provisioned first")
        read = self.http.with_profile(VERIFY).get(f"/Groups/{target}")
        members = read.response_body.get("members") if read.ok and isinstance(read.response_body, dict) else None
        if not isinstance(members, list):
            return PushOutcome(False, pushed, f"the group could not be read back ({read.failure or read.status})")
        if len(members) != pushed:
            return PushOutcome(False, pushed, f"the group read back holds {len(members)} of the {pushed} members pushed")
        return PushOutcome(True, pushed, f"{pushed} members pushed and read back")


class OktaImports(_OktaMix):
    name = "okta-imports"
    title = "Okta imports (paged GET /Users)"

    def step(self) -> None:
        self.settle(lambda: self.engine.import_all("/Users")[0])


class _EntraMix(Mix):
    profile = ENTRA
    id_style = "entra"

    def new_engine(self) -> EntraEngine:
        self.engine = EntraEngine(self.http, self.directory)
        return self.engine

    def forget(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.log.clear()


class EntraInitialCycle(_EntraMix):
    name = "entra-initial-cycle"
    title = "Entra initial cycle"
    BATCH = 60  # people per cycle, all in one group: two member PATCHes of Entra's 50 (INF batch size)

    def start(self) -> None:
        self.batches = itertools.count()

    def step(self) -> None:
        """A new tenant's worth of people each time (their own directory: names, numbers and ids unique to the
        batch), and a new job, whose first cycle is an initial one."""
        self.directory = Directory(seed=self.setting.seed, id_style=self.id_style,
                                   prefix=f"{self.setting.prefix}{next(self.batches)}-")
        people = self.directory.add_people(self.BATCH)
        engine = self.new_engine()
        engine.assign_group(self.directory.add_group(members=people))
        engine.start()


class EntraIncrementalCycles(_EntraMix):
    name = "entra-incremental-cycles"
    title = "Entra incremental cycles"
    POPULATION = 20
    CHANGED = 3

    def start(self) -> None:
        self.new_engine()
        self.people = self.directory.add_people(self.POPULATION)
        self.group = self.directory.add_group(members=self.people[: self.POPULATION // 2])
        for person in self.people:
            self.engine.assign_user(person)
        self.engine.assign_group(self.group)
        self.engine.start()
        self.turn = itertools.count()

    def step(self) -> None:
        n = next(self.turn)
        for offset in range(self.CHANGED):
            person = self.people[(n * self.CHANGED + offset) % len(self.people)]
            self.engine.update_user(person, title=f"Title {n}", department=f"Department {n % 7}")
        toggled = self.people[n % len(self.people)]
        (self.engine.enable_user if not toggled.active else self.engine.disable_user)(toggled)
        mover = self.people[(n + self.POPULATION // 2) % len(self.people)]
        (self.engine.remove_member if mover.id in self.group.members else self.engine.add_member)(self.group, mover)
        newcomer = self.directory.add_person()
        self.people.append(newcomer)
        self.engine.assign_user(newcomer)
        if self.engine.quarantine or self.engine.job_disabled:
            self.engine.restart()  # the admin restarts a quarantined job, so that the load goes on
        else:
            self.engine.advance(CYCLE)


MIXES: dict[str, type[Mix]] = {mix.name: mix for mix in (EntraInitialCycle, EntraIncrementalCycles, OktaAssignmentWaves,
                                                        GroupPushBursts, OktaImports)}


def user_class_name(mix: str) -> str:
    """The Locust user class of a mix, as named on Locust's command line: entra-initial-cycle -> EntraInitialCycleUser."""
    return "".join(word.capitalize() for word in mix.split("-")) + "User"
