"""When Microsoft Entra ID's provisioning runs and what holds it back (idp-behaviour.md 2.9): an initial
cycle, then incremental cycles every 40 minutes [E1][E10]; quarantine, once a day, for errors that stop
the job; escrow with growing retry intervals for objects that fail; and the limits past which the job
is disabled [E4]. Time is the virtual clock's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .clock import VirtualClock

CYCLE = timedelta(minutes=40)  # [E1][E10], fixed [E6]
QUARANTINED_CYCLE = timedelta(days=1)  # [E3][E4]
QUARANTINE_LIMIT = timedelta(weeks=4)  # more than 4 weeks in quarantine disables the job [E4]
SOFT_DELETE_GRACE = timedelta(days=30)  # [E1][E3]
ESCROW_INTERVALS = [timedelta(hours=6), timedelta(hours=12), timedelta(hours=24)]  # then every 24 h [E4]
ESCROW_LIMIT = timedelta(days=28)  # [E4]

# Quarantine reasons, as Microsoft Graph's synchronizationQuarantine names them.
IMMEDIATE = "EncounteredQuarantineException"
PROPORTION = "EncounteredEscrowProportionThreshold"
BASE = "EncounteredBaseEscrowThreshold"
TOTAL = "EncounteredTotalEscrowThreshold"


@dataclass
class Quarantine:
    reason: str
    began: datetime
    detail: str


@dataclass
class Escrow:
    first_failure: datetime
    attempts: int
    next_retry: datetime


class Stop(Exception):
    """The cycle stops: the job has been quarantined."""


@dataclass
class Schedule:
    """The job's cycles, its quarantine and its escrow, as the Entra admin sees them."""

    clock: VirtualClock
    running: bool = False
    cycles: int = 0
    next_cycle: datetime | None = None
    quarantine: Quarantine | None = None
    quarantine_history: list[Quarantine] = field(default_factory=list)
    job_disabled: str | None = None
    escrow: dict[str, Escrow] = field(default_factory=dict)
    next_is_initial: bool = False
    retry_next_cycle: set[str] = field(default_factory=set)
    cycle_failures: int = 0

    def start(self) -> None:
        """Start provisioning: the next cycle, run at once, is an initial one."""
        self.running = True
        self.next_is_initial = True

    def restart(self) -> None:
        """Restart clears the watermark and the quarantine: the next cycle is an initial one [E3]."""
        self.quarantine = None
        self.job_disabled = None
        self.start()

    def due_before(self, until: datetime) -> bool:
        """A cycle falls due by ``until``."""
        return self.running and not self.job_disabled and self.next_cycle is not None and self.next_cycle <= until

    def begin_cycle(self) -> bool:
        """Count the cycle; True when it is an initial one."""
        self.cycles += 1
        initial, self.next_is_initial = self.next_is_initial, False
        self.cycle_failures = 0
        return initial

    def cut_short(self, initial: bool) -> None:
        """A cycle cut short by quarantine is run again in full."""
        self.next_is_initial = initial

    def end_cycle(self, stopped: bool) -> set[str]:
        """Lift or extend the quarantine, disable the job past its limits, plan the next cycle; returns the
        objects that cycle must retry (throttled ones, ``on_429="next_cycle"``)."""
        now = self.clock.now()
        if self.quarantine and self.cycle_failures == 0 and self.quarantine.began < now and not stopped:
            self.quarantine = None  # errors fixed: the quarantine lifts with this cycle [E4]
        if self.quarantine and now - self.quarantine.began > QUARANTINE_LIMIT:
            self.job_disabled = "The job stayed in quarantine for more than four weeks and was disabled."
        if any(now - escrow.first_failure > ESCROW_LIMIT for escrow in self.escrow.values()):
            self.escrow = {k: v for k, v in self.escrow.items() if now - v.first_failure <= ESCROW_LIMIT}
            self.job_disabled = "An object stayed in escrow for more than 28 days; the escrow was dropped and the job disabled."
        self.next_cycle = now + (QUARANTINED_CYCLE if self.quarantine else CYCLE)
        retry, self.retry_next_cycle = self.retry_next_cycle, set()
        return retry

    def quarantine_job(self, reason: str, detail: str) -> None:
        """Quarantine the job (the first reason stays) and stop the cycle."""
        if self.quarantine is None:
            self.quarantine = Quarantine(reason, self.clock.now(), detail)
            self.quarantine_history.append(self.quarantine)
        raise Stop()

    # --- escrow ---------------------------------------------------------------------------------

    def object_succeeded(self, object_id: str) -> None:
        self.escrow.pop(object_id, None)

    def object_failed(self, object_id: str, throttled: bool) -> None:
        """A throttled object is retried at the next cycle [E12]; any other failure goes to escrow,
        retried after 6, 12, then every 24 hours [E4]."""
        self.cycle_failures += 1
        if throttled:
            self.retry_next_cycle.add(object_id)
            return
        now = self.clock.now()
        escrow = self.escrow.get(object_id)
        if escrow is None:
            escrow = self.escrow[object_id] = Escrow(now, 0, now)
        escrow.next_retry = now + ESCROW_INTERVALS[min(escrow.attempts, len(ESCROW_INTERVALS) - 1)]
        escrow.attempts += 1

    def due_for_retry(self) -> set[str]:
        now = self.clock.now()
        return {object_id for object_id, escrow in self.escrow.items() if escrow.next_retry <= now}

    def check_thresholds(self, objects: int) -> None:
        """Failure-count quarantine: evaluated from 5,000 escrowed objects on [E4] (counting objects is INF)."""
        failing = len(self.escrow)
        if failing < 5000:
            return
        total = max(1, objects)
        if failing > 60000:
            self.quarantine_job(TOTAL, f"{failing} objects are failing (above 60,000).")
        if failing > 40000:
            self.quarantine_job(BASE, f"{failing} objects are failing (above 40,000).")
        if failing / total > 0.4:
            self.quarantine_job(PROPORTION, f"{failing} of {total} objects are failing (above 40%).")
