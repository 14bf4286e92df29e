"""The Locust users of `scimulator load`, one class per traffic mix (``scimulator.load.mixes``).

The command starts ``locust -f`` this file as a headless master and its workers; by hand, on other
machines, ``locust -f <this file> --worker --master-host <master>`` joins a master the same way (the
master sends the ``--scim-*`` options to its workers; the token comes from ``SCIMULATOR_TOKEN`` in every
process). Importing this file starts gevent's monkey-patching, so only Locust's own processes import it.

What it adds to Locust:
- each exchange of a mix's engine is a Locust request event: request type the HTTP method, name the
  request kind, response time in ms, an exception when the answer was not a 2xx;
- every simulated IdP client belongs to a tenant; workers count requests and failures per tenant, and
  Group Push outcomes, and send them to the master with their stats reports;
- with ``--scim-rate-per-user``, each client sends at most that many requests per second, paced with
  Locust's ``constant_throughput`` before each request;
- the master prints a progress line every second, stops the run at ``--scim-max-requests``, and at the
  end writes its figures (Locust's own statistics per request kind, the tenants, the pushes, and the
  CPU seconds the workers spent sending) to ``--scim-results``.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import zlib
from collections import defaultdict
from datetime import datetime, timezone

import gevent
import locust.runners
from locust import User, constant, constant_throughput, events, task
from locust.exception import StopUser
from locust.runners import WorkerRunner

from scimulator.load.mixes import MIXES, MixSetting, PushOutcome, user_class_name
from scimulator.load.processes import PROGRESS, TOKEN_VARIABLE
from scimulator.simulator.transport import Exchange

PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}
PUSH_DETAILS_KEPT = 5


# Workers send their figures every second (Locust's default is 3 s), so that the progress lines and the request
# cap follow the run closely; Locust's workers read this module constant before each report.
locust.runners.WORKER_REPORT_INTERVAL = 1.0


class LoadFailure(Exception):
    """An exchange whose answer was not a 2xx, or that got no usable answer."""


@events.init_command_line_parser.add_listener
def scim_options(parser) -> None:
    parser.add_argument("--scim-target", help="SCIM base URL the simulated IdPs send to")
    parser.add_argument("--scim-tenants", type=int, default=1, help="tenants: each one its own people and groups")
    parser.add_argument("--scim-users-per-tenant", type=int, default=1,
                        help="simulated IdP clients of each mix per tenant")
    parser.add_argument("--scim-rate-per-user", type=float, default=0.0,
                        help="requests per second each client sends at most (0: as fast as answers come)")
    parser.add_argument("--scim-max-requests", type=int, default=100_000, help="stop the run at this many requests")
    parser.add_argument("--scim-group-members", type=int, default=200, help="members of each pushed group")
    parser.add_argument("--scim-run-id", default="load", help="starts every userName and group name of the run")
    parser.add_argument("--scim-results", default="", help="the file the master writes its figures to at the end")


class Tally:
    """Requests and failures per tenant, and Group Push outcomes: counted on workers, summed on the master."""

    def __init__(self):
        self.clear()
        self.requests = 0  # this process's requests, for the cap (never cleared)

    def clear(self) -> None:
        self.tenants: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.pushes = {"completed": 0, "incomplete": 0, "members": 0, "details": []}

    def count(self, tenant: str, failed: bool) -> None:
        row = self.tenants[tenant]
        row[0] += 1
        row[1] += int(failed)
        self.requests += 1

    def push(self, outcome: PushOutcome) -> None:
        self.pushes["completed" if outcome.completed else "incomplete"] += 1
        self.pushes["members"] = max(self.pushes["members"], outcome.members)
        if not outcome.completed and len(self.pushes["details"]) < PUSH_DETAILS_KEPT:
            self.pushes["details"].append(outcome.detail)

    def drain(self) -> dict:
        data = {"tenants": dict(self.tenants), "pushes": self.pushes}
        self.clear()
        return data

    def merge(self, data: dict) -> None:
        for tenant, (requests, failures) in data.get("tenants", {}).items():
            row = self.tenants[tenant]
            row[0] += requests
            row[1] += failures
        pushes = data.get("pushes", {})
        for name in ("completed", "incomplete"):
            self.pushes[name] += pushes.get(name, 0)
        self.pushes["members"] = max(self.pushes["members"], pushes.get("members", 0))
        room = PUSH_DETAILS_KEPT - len(self.pushes["details"])
        self.pushes["details"] += pushes.get("details", [])[:max(0, room)]


TALLY = Tally()
RUN = {"started": 0.0, "started_at": "", "cpu_at_start": 0.0}
WORKER_CPU: dict[str, float] = {}  # CPU seconds each worker spent since its test started (the generator's cost)


@events.request.add_listener
def count_per_tenant(context=None, exception=None, **_) -> None:
    TALLY.count((context or {}).get("tenant", "tenant-1"), exception is not None)


@events.report_to_master.add_listener
def send_tally(client_id, data, **_) -> None:
    data["scimulator"] = {**TALLY.drain(), "cpu_s": time.process_time() - RUN["cpu_at_start"]}


@events.worker_report.add_listener
def receive_tally(client_id, data, **_) -> None:
    TALLY.merge(data.get("scimulator", {}))
    WORKER_CPU[client_id] = data.get("scimulator", {}).get("cpu_s", 0.0)


def is_worker(environment) -> bool:
    return isinstance(environment.runner, WorkerRunner)


@events.init.add_listener
def fix_user_counts(environment, **_) -> None:
    """Every selected mix gets tenants × users-per-tenant clients (the master dispatches them to the workers)."""
    options = environment.parsed_options
    if options is None:
        return
    for user_class in environment.user_classes:
        user_class.fixed_count = options.scim_tenants * options.scim_users_per_tenant


@events.test_start.add_listener
def watch_the_run(environment, **_) -> None:
    RUN["cpu_at_start"] = time.process_time()
    if is_worker(environment):
        return
    RUN["started"] = time.time()
    RUN["started_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    gevent.spawn(progress_and_cap, environment)


def progress_and_cap(environment) -> None:
    """A progress line every second; the run stops once the master's figures reach the request cap."""
    cap = environment.parsed_options.scim_max_requests
    while True:
        gevent.sleep(1.0)
        total = environment.runner.stats.total
        print(f"{PROGRESS} {time.time() - RUN['started']:.1f} {total.num_requests} {total.current_rps:.1f} "
              f"{total.num_failures}", flush=True)
        if total.num_requests >= cap:
            print(f"{PROGRESS}-cap {cap}", flush=True)
            environment.runner.quit()
            return


@events.quitting.add_listener
def write_figures(environment, **_) -> None:
    """The master's figures at the end, after the workers' last reports: Locust's statistics, read, not recomputed."""
    path = environment.parsed_options.scim_results if environment.parsed_options else ""
    if is_worker(environment) or not path:
        return
    stats = environment.runner.stats
    figures = {
        "started_at": RUN["started_at"], "duration_s": round(sending_time(stats.total), 3),
        "requests": stats.total.num_requests, "failures": stats.total.num_failures,
        "kinds": [kind_figures(entry) for entry in sorted(stats.entries.values(), key=lambda e: (e.name, e.method))],
        "errors": [{"kind": error.name, "method": error.method, "error": str(error.error), "occurrences": error.occurrences}
                   for error in stats.errors.values()],
        "tenants": {tenant: {"requests": row[0], "failures": row[1]} for tenant, row in sorted(TALLY.tenants.items())},
        "pushes": TALLY.pushes,
        "generator_cpu_s": round(sum(WORKER_CPU.values()), 3),
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(figures, out, indent=2)


def sending_time(total) -> float:
    """Seconds from the first request (the first second Locust counted one in) to the last: the users' start-up
    before their first request does not count against the target's rate."""
    first = min(total.num_reqs_per_sec) if total.num_reqs_per_sec else total.start_time
    return max(0.0, (total.last_request_timestamp or first) - first)


def kind_figures(entry) -> dict:
    return {"kind": entry.name, "method": entry.method, "requests": entry.num_requests, "failures": entry.num_failures,
            **{name: float(entry.get_response_time_percentile(share)) for name, share in PERCENTILES.items()},
            "max_ms": float(entry.max_response_time), "rps": round(entry.total_rps, 3)}


SERIALS: dict[str, itertools.count] = defaultdict(itertools.count)


class ScimUser(User):
    """One simulated IdP client of one tenant, running one traffic mix."""

    abstract = True
    mix = ""

    def on_start(self) -> None:
        options = self.environment.parsed_options
        worker = max(getattr(self.environment.runner, "worker_index", 0), 0)
        serial = next(SERIALS[self.mix])
        self.tenant = f"tenant-{(serial + worker) % options.scim_tenants + 1}"
        self.cap = options.scim_max_requests
        rate = options.scim_rate_per_user
        self.pacing = constant_throughput(rate) if rate > 0 else constant(0)
        self.started_task = True
        mix_number = list(MIXES).index(self.mix)
        prefix = f"{options.scim_run_id}-{self.tenant[7:]}-{mix_number}-{worker}-{serial}-"
        setting = MixSetting(base_url=options.scim_target, token=os.environ.get(TOKEN_VARIABLE), tenant=self.tenant,
                             prefix=prefix, seed=zlib.crc32(prefix.encode()), report=self.report,
                             pace=self.pace if rate > 0 else None, on_push=TALLY.push,
                             group_members=options.scim_group_members)
        self.traffic = MIXES[self.mix](setting)
        self.traffic.start()

    def wait_time(self) -> float:
        return self.pacing(self)

    def pace(self) -> None:
        """Before each request but a task's first (Locust's own wait between tasks paces that one)."""
        if self.started_task:
            self.started_task = False
            return
        self.wait()

    def report(self, kind: str, exchange: Exchange) -> None:
        self.environment.events.request.fire(
            request_type=exchange.method, name=kind, response_time=exchange.elapsed_ms,
            response_length=int(exchange.response_headers.get("content-length", 0) or 0),
            exception=None if exchange.ok else LoadFailure(failure_words(exchange)),
            context={"tenant": self.tenant})

    @task
    def step(self) -> None:
        if TALLY.requests >= self.cap:
            raise StopUser()
        self.started_task = True
        self.traffic.step()
        self.traffic.forget()

    def on_stop(self) -> None:
        traffic = getattr(self, "traffic", None)
        if traffic is not None:
            traffic.close()


def failure_words(exchange: Exchange) -> str:
    """What went wrong, in words that group well in Locust's failure table (no ids, no URLs)."""
    if exchange.status is None:
        failure = exchange.failure or "no answer"
        return "no answer in time (timeout)" if failure.endswith("(timeout)") else failure.split(" (")[0]
    if 200 <= exchange.status < 300:
        return exchange.failure or f"HTTP {exchange.status}"
    return f"HTTP {exchange.status}"


for _mix in MIXES.values():
    globals()[user_class_name(_mix.name)] = type(user_class_name(_mix.name), (ScimUser,),
                                                 {"mix": _mix.name, "abstract": False, "__module__": __name__,
                                                  "__doc__": f"A simulated IdP client sending {_mix.title}."})
