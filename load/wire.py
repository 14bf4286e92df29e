"""The wire of a load run: the simulator's Transport, reporting every exchange, and a clock that really waits.

``LoadTransport`` is ``simulator.transport.Transport`` (same headers, bodies, timeout and query
encoding as the engines' own), with three additions: every exchange is handed to ``report`` with its
request kind (the Locust user fires a Locust request event from it), an optional ``pace`` runs before
each request (the Locust user's constant-throughput wait, when a rate is set), and the record keeps only
the last exchanges, so that memory stays flat over a long run.

``WallClock`` is the simulator's virtual clock whose ``sleep`` also passes for real: the engines wait
out a 429's Retry-After with ``clock.sleep`` (Entra [E11]) or reschedule the task after it (Okta [O11]),
and under load that wait must hold the client back. Under Locust, gevent makes ``time.sleep`` a
cooperative pause.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from typing import Any, Callable

from scimulator.simulator.clock import VirtualClock
from scimulator.simulator.transport import ClientProfile, Exchange, Transport

from .kinds import request_kind

RECENT_EXCHANGES = 16

Report = Callable[[str, Exchange], None]


class WallClock(VirtualClock):
    """Virtual time, moved by the engines as usual; a sleep (a Retry-After) also waits for real."""

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
        super().sleep(seconds)


class LoadTransport(Transport):
    """The engines' transport, reporting each exchange with its kind, paced, keeping only recent exchanges."""

    def __init__(self, base_url: str, token: str | None, profile: ClientProfile, clock: VirtualClock,
                 report: Report, pace: Callable[[], None] | None = None):
        super().__init__(base_url, token, profile, clock, record=deque(maxlen=RECENT_EXCHANGES))
        self.report = report
        self.pace = pace or (lambda: None)
        self._last: list[Exchange | None] = [None]  # shared with the copies with_profile makes

    @property
    def last(self) -> Exchange | None:
        """The last exchange sent through this transport or any of its profiles."""
        return self._last[0]

    def request(self, method: str, path: str, query: list[tuple[str, Any]] | None = None, body: Any = None,
                extra_headers: dict[str, str] | None = None) -> Exchange:
        self.pace()
        exchange = super().request(method, path, query, body, extra_headers)
        self._last[0] = exchange
        self.report(request_kind(method, path, query, body, self.profile.by), exchange)
        return exchange

    def with_profile(self, profile: ClientProfile) -> "LoadTransport":
        """The same target, record, reporting and pacing, spoken as another client (Okta's query encoding, verify reads)."""
        other = copy.copy(self)
        other.profile = profile
        other._owns_http = False
        return other
