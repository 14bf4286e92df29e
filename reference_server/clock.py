"""The server's time: real by default; a test server may move it forward without sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

LAST_YEAR = 9000  # a moved clock stays where dates (and a day's arithmetic on them) still work


def iso(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds: the form of meta.created and meta.lastModified."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ServerClock:
    """The server's time. Real by default; a test server can move it forward (`advance`) without sleeping."""

    def __init__(self, movable: bool = False):
        self.movable = movable
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def __call__(self) -> str:
        return iso(self.now())

    def advance(self, delta: timedelta) -> None:
        if not self.movable:
            raise PermissionError("this server's clock is the real one (start it with --movable-clock)")
        try:
            moved = datetime.now(timezone.utc) + self._offset + delta
        except OverflowError:
            moved = None
        if moved is None or moved.year > LAST_YEAR:
            raise ValueError(f"the clock cannot move past the year {LAST_YEAR}")
        self._offset += delta
