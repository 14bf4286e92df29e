"""Virtual time: it moves only when told, so that 24 simulated hours of Entra cycles cost only their HTTP time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


class VirtualClock:
    def __init__(self, start: datetime = EPOCH):
        self._now = start
        self._iso_of: datetime | None = None  # the moment `_iso` was written for: every exchange asks the time
        self._iso = ""

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("virtual time only moves forward")
        self._now += delta
        return self._now

    def advance_to(self, moment: datetime) -> datetime:
        if moment > self._now:
            self._now = moment
        return self._now

    def sleep(self, seconds: float) -> None:
        """What a real client would sleep (a Retry-After, say) passes at once."""
        self.advance(timedelta(seconds=seconds))

    def iso(self) -> str:
        if self._iso_of != self._now:
            self._iso_of, self._iso = self._now, self._now.strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._iso
