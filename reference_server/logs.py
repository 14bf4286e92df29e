"""Bounded logging: a flood of failures or queue warnings costs a few lines a minute, not a line each.

``RateLimit`` lets through a few records of one kind (logger and message template) per window and
counts the rest; the next record let through says how many were held back. ``log_unexpected``
writes a traceback at most once per window and one line otherwise.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Callable

WINDOW_SECONDS = 60.0
BURST = 5  # records of one kind per window
MAX_KINDS = 1000  # distinct kinds remembered; past it the counts start again

LIMITED_LOGGERS = ("reference_server", "waitress", "waitress.queue")


class RateLimit(logging.Filter):
    def __init__(self, burst: int = BURST, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.burst = burst
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[tuple[str, str], list] = {}  # kind -> [window start, let through, held back]

    def allow(self, kind: tuple[str, str]) -> tuple[bool, int]:
        """(let it through?, how many of this kind were held back before it)."""
        now = self.clock()
        with self._lock:
            if len(self._kinds) > MAX_KINDS:
                self._kinds.clear()
            state = self._kinds.setdefault(kind, [now, 0, 0])
            held = 0
            if now - state[0] >= self.window:
                held = state[2]
                state[:] = [now, 0, 0]
            if state[1] >= self.burst:
                state[2] += 1
                return False, 0
            state[1] += 1
            return True, held

    def filter(self, record: logging.LogRecord) -> bool:
        allowed, held = self.allow((record.name, str(record.msg)))
        if allowed and held:
            record.msg = f"{record.msg} [{held} more like this in the previous {self.window:.0f} s were not logged]"
        return allowed


_tracebacks = RateLimit(burst=1)


def log_unexpected(logger: logging.Logger, where: str) -> None:
    """Log the exception being handled: with its traceback once a window, else one line."""
    kind = sys.exc_info()[0]
    name = kind.__name__ if kind else "error"
    if _tracebacks.allow((logger.name, name))[0]:
        logger.exception("unexpected %s on %s", name, where)
    else:
        logger.error("unexpected %s on %s (traceback logged earlier)", name, where)


def limit_logging() -> None:
    """Put one rate limit on each logger that a flood can reach; calling it again changes nothing."""
    for name in LIMITED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimit) for f in logger.filters):
            logger.addFilter(RateLimit())
