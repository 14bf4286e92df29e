"""The child processes of a load run: the bundled server (when there is no target) and Locust.

Locust runs headless: one master, bound to 127.0.0.1, and ``workers`` local worker processes joining it
(``--master --expect-workers N`` / ``--worker``), each ``python -m locust -f`` our locustfile. The
master writes Locust's CSV files (``--csv``, with the full history) into the report directory and its
final figures into ``scimulator_load.json``; it stops at ``--run-time`` or at the request cap. Every
process runs in the report directory, so that no ``locust.conf`` of the caller's directory changes the
run, and logs there (``locust-master.log``, ``locust-worker-N.log``). A watchdog ends every child that
outlives the run by ``GRACE_S``: a run is bounded by construction.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .mixes import user_class_name

CSV_PREFIX = "locust"
FIGURES = "scimulator_load.json"
GRACE_S = 45.0  # startup (workers joining) and shutdown past the run time, before the watchdog ends everything
WORKERS_WAIT_S = 30  # the master gives up when its workers have not joined by then
STOP_WAIT_S = 10.0
TOKEN_VARIABLE = "SCIMULATOR_TOKEN"
PROGRESS = "scimulator-progress"  # the master's progress lines start with this word (load/locustfile.py writes them)


class LoadError(Exception):
    """The load run could not happen; the message is one plain sentence."""


@dataclass(frozen=True)
class Progress:
    elapsed_s: float
    requests: int
    rps: float
    failures: int


@dataclass
class LoadPlan:
    """One load run, as the command's options set it."""

    target: str
    token: str | None
    mixes: tuple[str, ...]
    tenants: int
    users_per_tenant: int
    rate: float | None  # requests per second in all; None: as fast as the target answers
    duration_s: int
    max_requests: int
    workers: int
    report_dir: Path
    group_members: int
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))

    @property
    def clients(self) -> int:
        """Simulated IdP clients in all: every mix, every tenant, users per tenant."""
        return len(self.mixes) * self.tenants * self.users_per_tenant

    @property
    def rate_per_client(self) -> float:
        return self.rate / self.clients if self.rate else 0.0


def locustfile() -> str:
    """The locustfile's path (also: python -c "import scimulator.load.locustfile as m; print(m.__file__)")."""
    return str(Path(__file__).resolve().with_name("locustfile.py"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def master_command(plan: LoadPlan, port: int) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", locustfile(), "--headless", "--master",
            "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
            "--expect-workers", str(plan.workers), "--expect-workers-max-wait", str(WORKERS_WAIT_S),
            "--users", str(plan.clients), "--spawn-rate", str(plan.clients), "--run-time", f"{plan.duration_s}s",
            "--csv", str(plan.report_dir / CSV_PREFIX), "--csv-full-history", "--only-summary", "--loglevel", "WARNING",
            "--scim-target", plan.target, "--scim-tenants", str(plan.tenants),
            "--scim-users-per-tenant", str(plan.users_per_tenant), "--scim-rate-per-user", f"{plan.rate_per_client:.6f}",
            "--scim-max-requests", str(plan.max_requests), "--scim-group-members", str(plan.group_members),
            "--scim-run-id", plan.run_id, "--scim-results", str(plan.report_dir / FIGURES),
            *(user_class_name(mix) for mix in plan.mixes)]


def worker_command(port: int) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", locustfile(), "--worker", "--master-host", "127.0.0.1",
            "--master-port", str(port), "--loglevel", "WARNING"]


def parse_progress(line: str) -> Progress | None:
    """The master's progress line ("scimulator-progress 3.0 1204 401.3 0"), or None for any other line."""
    words = line.split()
    if len(words) != 5 or words[0] != PROGRESS:
        return None
    try:
        return Progress(float(words[1]), int(words[2]), float(words[3]), int(words[4]))
    except ValueError:
        return None


def run_locust(plan: LoadPlan, on_progress: Callable[[Progress], None]) -> Path:
    """Run Locust's master and workers to the end; the master's figures file (LoadError when it wrote none)."""
    figures = plan.report_dir / FIGURES
    figures.unlink(missing_ok=True)
    port = free_port()
    env = {**os.environ, TOKEN_VARIABLE: plan.token or "", "PYTHONUNBUFFERED": "1"}
    with contextlib.ExitStack() as stack:
        logs = [stack.enter_context(open(plan.report_dir / f"locust-worker-{n}.log", "w")) for n in range(1, plan.workers + 1)]
        master_log = stack.enter_context(open(plan.report_dir / "locust-master.log", "w"))
        master = subprocess.Popen(master_command(plan, port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  cwd=plan.report_dir, env=env)
        children = [master] + [subprocess.Popen(worker_command(port), stdout=log, stderr=subprocess.STDOUT,
                                                cwd=plan.report_dir, env=env) for log in logs]
        watchdog = threading.Timer(plan.duration_s + GRACE_S, lambda: [end(child) for child in children])
        watchdog.start()
        try:
            for line in master.stdout:
                progress = parse_progress(line)
                if progress:
                    on_progress(progress)
                else:
                    master_log.write(line)
            master.wait()
        finally:
            watchdog.cancel()
            for child in children:
                end(child)
            master.stdout.close()
    if not figures.is_file():
        raise LoadError(f"Locust ended without figures (exit code {master.returncode}); see "
                        f"{plan.report_dir / 'locust-master.log'}")
    return figures


def end(process: subprocess.Popen) -> None:
    """Stop a child: SIGTERM (Locust winds down), then SIGKILL if it does not end in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def bundled_server(token: str, log: Path) -> Iterator[str]:
    """`scimulator serve` in its own process, on a temporary SQLite file, on loopback; yields its SCIM base URL."""
    with tempfile.TemporaryDirectory(prefix="scimulator-load-") as directory, open(log, "w") as errors:
        command = [sys.executable, "-m", "scimulator", "serve", "--host", "127.0.0.1", "--port", "0",
                   "--db", str(Path(directory) / "load.db")]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                  env={**os.environ, TOKEN_VARIABLE: token})
        try:
            line = server.stdout.readline()
            if not line.startswith("SCIM base URL: "):
                raise LoadError(f"the bundled server did not start (see {log})")
            yield line.removeprefix("SCIM base URL: ").strip()
        finally:
            end(server)
            server.stdout.close()
