"""Per-client rate limits in front of every endpoint, registered only when ``ServerConfig`` sets one.

Each client is what it authenticates with: the hash of its Authorization header (a bearer token, or a
Basic header at the token endpoint); a request without one counts for its remote address. Each has a
token bucket holding ``rate_burst`` requests (one second's worth, ``rate_limit``, unless told) that
refills at ``rate_limit`` requests per second. A request finding the bucket empty is answered
429 with a SCIM Error and ``Retry-After``: the whole seconds until the bucket holds a request again
(RFC 6585 section 4; RFC 9110 section 10.2.3).

``max_in_flight`` limits instead how many requests of one client the server handles at once: one more
is answered 429 with ``Retry-After: 1``. A client sending one request after the other never meets it,
whatever its pace; a burst of parallel requests does. The harness's embedded server uses this one
(its scenarios send one request at a time, as fast as the process allows, so no rate tells them apart
from a burst).

The buckets live in the process, on the monotonic clock: several server processes each keep their own,
so a client may get up to that many times the rate.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass

from flask import Blueprint, g, request

from .errors import ScimError

MAX_CLIENTS = 10_000  # buckets kept; past this, full buckets (idle clients) are forgotten


@dataclass
class Bucket:
    level: float
    updated: float


class RateLimiter:
    """Token buckets by client key: ``wait(key)`` is 0.0 when the request may go, else the seconds to wait."""

    def __init__(self, rate: float, burst: float | None = None, now=time.monotonic):
        if rate <= 0:
            raise ValueError("the rate limit is a positive number of requests per second")
        self.rate = float(rate)
        self.burst = float(burst) if burst else max(1.0, float(rate))
        self.now = now
        self._buckets: dict[bytes, Bucket] = {}
        self._lock = threading.Lock()

    def wait(self, key: bytes) -> float:
        with self._lock:
            now = self.now()
            bucket = self._buckets.get(key) or self._new_bucket(key, now)
            bucket.level = min(self.burst, bucket.level + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.level >= 1.0:
                bucket.level -= 1.0
                return 0.0
            return (1.0 - bucket.level) / self.rate

    def _new_bucket(self, key: bytes, now: float) -> Bucket:
        if len(self._buckets) >= MAX_CLIENTS:
            self._forget_idle(now)
        bucket = self._buckets[key] = Bucket(self.burst, now)
        return bucket

    def _forget_idle(self, now: float) -> None:
        refilled = [key for key, bucket in self._buckets.items()
                    if bucket.level + (now - bucket.updated) * self.rate >= self.burst]
        for key in refilled or list(self._buckets)[: MAX_CLIENTS // 2]:
            del self._buckets[key]


def client_key() -> bytes:
    """Who the request counts for: its Authorization header, else its remote address (both hashed)."""
    presented = request.headers.get("Authorization") or f"address {request.remote_addr}"
    return hashlib.sha256(presented.encode("utf-8", "replace")).digest()


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class InFlight:
    """How many requests of each client the server is handling; ``enter(key)`` is False past the limit."""

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("the limit of requests in flight is 1 or more")
        self.limit = limit
        self._counts: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def enter(self, key: bytes) -> bool:
        with self._lock:
            if self._counts.get(key, 0) >= self.limit:
                return False
            self._counts[key] = self._counts.get(key, 0) + 1
            return True

    def leave(self, key: bytes) -> None:
        with self._lock:
            left = self._counts.get(key, 0) - 1
            if left > 0:
                self._counts[key] = left
            else:
                self._counts.pop(key, None)


def too_many(detail: str, seconds: float) -> ScimError:
    return ScimError(429, f"Too many requests: {detail}; retry after {retry_after(seconds)} s.",
                     headers={"Retry-After": retry_after(seconds)})


def rate_limit_blueprint(limiter: RateLimiter | None, in_flight: InFlight | None = None) -> Blueprint:
    """Counts every request before anything else looks at it; past a limit, a 429 with Retry-After."""
    limits = Blueprint("rate_limit", __name__)

    @limits.before_app_request
    def limit():
        key = client_key()
        if in_flight is not None:
            if not in_flight.enter(key):
                raise too_many(f"this client may have {in_flight.limit} requests handled at once", 1)
            g.rate_limit_key = key
        wait = limiter.wait(key) if limiter is not None else 0.0
        if wait > 0:
            raise too_many(f"this client may send {limiter.rate:g} per second", wait)
        return None

    @limits.teardown_app_request
    def done(_error=None):
        key = g.pop("rate_limit_key", None)
        if key is not None:
            in_flight.leave(key)

    return limits


def limits_of(rate: float | None, burst: int | None, max_in_flight: int | None) -> Blueprint | None:
    """The blueprint for a configuration's limits, or None when it sets none."""
    if not rate and not max_in_flight:
        return None
    return rate_limit_blueprint(RateLimiter(rate, burst) if rate else None,
                                InFlight(max_in_flight) if max_in_flight else None)
