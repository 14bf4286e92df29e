"""`scimulator serve --workers N`: the reference server in N worker processes under gunicorn, on one SQLite file.

One process serves threads on one core (Python's GIL); a load run needs the server on several. Gunicorn's
master binds nothing itself: the command binds the listening socket first (so port 0 is known and printed),
hands it to gunicorn as ``fd://``, and every worker builds its own app after the fork (no SQLite connection
crosses a fork). Each worker serves ``THREADS`` threads with keep-alive (gunicorn's gthread workers).

What stays right across processes, because it lives in the SQLite file (WAL): the resources and their
uniqueness (unique indexes), every write (``BEGIN IMMEDIATE``, no Python lock), the OAuth tokens the
server issued (their hashes), the seed vendors' configurations and sync logs. What each process keeps
for itself: a rate limiter's buckets (a client may get up to N times the rate), the log's rate limit
(up to N times the lines), and a movable clock's offset, which is why ``--movable-clock`` takes one worker.

Shutdown: SIGTERM or SIGINT to the master stops the workers and then the master; a worker whose master
is gone stops by itself (gunicorn checks its parent). Gunicorn runs on POSIX systems only; one worker is
served by waitress (serving.py), as before, with its refusals in SCIM Error bodies.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from dataclasses import dataclass

from gunicorn.app.base import BaseApplication

from .app import create_app
from .config import ServerConfig
from .logs import limit_logging
from .serving import CONNECTION_LIMIT, IDLE_SECONDS, THREADS, advertised_base_url

# A worker that has not told the master it is alive for this long is replaced (a request runs on a thread,
# so even a long one does not stop the worker's heartbeat).
WORKER_TIMEOUT_SECONDS = 120
# On SIGTERM, requests in flight get this long to finish.
GRACEFUL_SECONDS = 5
BACKLOG = 2048


class GunicornServer(BaseApplication):
    """The reference server's app, built in each worker, behind gunicorn's master on an already bound socket."""

    def __init__(self, config: ServerConfig, listener: socket.socket, workers: int):
        self.config = config
        self.listener = listener
        self.workers = workers
        super().__init__(prog="scimulator serve")

    def load_config(self) -> None:
        settings = {"bind": [f"fd://{self.listener.fileno()}"], "workers": self.workers, "worker_class": "gthread",
                    "threads": THREADS, "worker_connections": CONNECTION_LIMIT, "keepalive": IDLE_SECONDS,
                    "timeout": WORKER_TIMEOUT_SECONDS, "graceful_timeout": GRACEFUL_SECONDS,
                    "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "scimulator-serve",
                    "preload_app": False}
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self):
        limit_logging()
        return create_app(self.config)

    def run(self) -> None:
        """Start the workers and serve until stopped; from here on gunicorn owns (and closes) the socket."""
        self.listener.detach()
        super().run()

    def close(self) -> None:
        """Close the socket if gunicorn never took it over."""
        self.listener.close()


@dataclass
class ServerProcesses:
    server: GunicornServer
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return advertised_base_url(self.host, self.port)


def build_processes(config: ServerConfig, host: str, port: int, workers: int) -> ServerProcesses:
    """Bind the socket and set the server up (``server.run()`` starts the workers and blocks until stopped)."""
    listener = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    backlog=BACKLOG)
    bound_port = listener.getsockname()[1]
    config = dataclasses.replace(config, db_path=os.path.abspath(config.db_path))
    if config.base_url is None:
        config.base_url = advertised_base_url(host, bound_port, named=True)
    return ServerProcesses(GunicornServer(config, listener, workers), host, bound_port)
