"""Running the reference server behind waitress, in the foreground or on a background thread.

Waitress is set up for hostile clients as well as IdPs: bodies past maxPayloadSize are refused from
their Content-Length before they are read, and an accepted body stays in memory (never spooled to
disk); idle connections are closed after ``IDLE_SECONDS``; past ``CONNECTION_LIMIT`` open connections
a new one gets a SCIM 503 at once instead of waiting unanswered; waitress's own HTTP errors (400,
413, 431, ...) carry SCIM Error bodies; its log is rate-limited.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from dataclasses import dataclass

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from .app import create_app
from .config import ServerConfig
from .errors import ScimError
from .logs import limit_logging

# Enough worker threads for an IdP's concurrent requests plus the suite's read-backs.
THREADS = 8
# Open connections served at once; 'poll' rather than 'select' so that more than 1,024 descriptors work.
CONNECTION_LIMIT = 1000
# A connection that sends nothing for this long is closed (waitress checks every CLEANUP_SECONDS).
IDLE_SECONDS = 30
CLEANUP_SECONDS = 10
RETRY_AFTER_SECONDS = 5
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def scim_error_body(status: int, detail: str) -> bytes:
    return json.dumps(ScimError(status, detail).body()).encode()


def scim_error_bytes(status: int, reason: str, detail: str, headers: dict | None = None) -> bytes:
    """A whole HTTP/1.1 answer carrying a SCIM Error body, for answers made outside the app."""
    body = scim_error_body(status, detail)
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/scim+json; charset=utf-8",
             f"Content-Length: {len(body)}", "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class ScimErrorTask(ErrorTask):
    """Waitress's own refusals (malformed request, body too large, headers too large) as SCIM Error bodies."""

    def execute(self):
        error = self.request.error
        detail = f"{error.reason}: {error.body}." if error.body else f"{error.reason}."
        body = scim_error_body(error.code, detail)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/scim+json; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class ScimChannel(HTTPChannel):
    error_task_class = ScimErrorTask


def _channel_or_refusal(server, conn: socket.socket, addr, adj, map=None):
    """Past the connection limit, answer 503 with Retry-After and close, rather than leave the client waiting."""
    if len(map) >= adj.connection_limit:
        try:
            conn.send(scim_error_bytes(503, "Service Unavailable",
                                       f"This server has {adj.connection_limit} open connections, its limit; "
                                       f"try again in {RETRY_AFTER_SECONDS} s.",
                                       {"Retry-After": str(RETRY_AFTER_SECONDS)}))
        except OSError:
            pass
        conn.close()
        return None
    return ScimChannel(server, conn, addr, adj, map=map)


@dataclass
class RunningServer:
    app: Flask
    server: object
    thread: threading.Thread | None
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return advertised_base_url(self.host, self.port)

    def stop(self) -> None:
        """Finish the requests in flight, then close every socket from the serving thread itself."""
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        if self.thread is None or not self.thread.is_alive():
            self.server.close()
            return
        socket_map = self.server._map

        def close_everything():
            for channel in list(socket_map.values()):
                channel.close()

        try:
            self.server.trigger.pull_trigger(close_everything)
        except OSError:  # the serving loop already closed its trigger: close from here instead
            close_everything()
        self.thread.join(timeout=10)


def build_server(config: ServerConfig, host: str, port: int, wrap=None) -> RunningServer:
    """The reference server behind waitress. Without a configured base URL, ``Location`` and
    ``meta.location`` name the address it listens on (on a wildcard address, the machine's host name),
    never the client's Host header."""
    config = dataclasses.replace(config)
    app = create_app(config)
    running = serve_app(wrap(app) if wrap else app, host, port, config.max_payload_bytes)
    if config.base_url is None:
        config.base_url = advertised_base_url(host, running.port, named=True)
    return running


def advertised_base_url(host: str, port: int, named: bool = False) -> str:
    """The SCIM base URL on an address; ``named``: a wildcard address is replaced by the machine's host name."""
    if named and host in WILDCARD_HOSTS:
        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/scim/v2"


def serve_app(app, host: str, port: int, max_body: int = ServerConfig.max_payload_bytes) -> RunningServer:
    """Any WSGI app behind waitress (the reference server, or a test's altered copy of it)."""
    limit_logging()
    server = create_server(app, host=host, port=port, threads=THREADS, ident="scimulator",
                           clear_untrusted_proxy_headers=True, max_request_body_size=max_body,
                           inbuf_overflow=max_body + 65536, connection_limit=CONNECTION_LIMIT,
                           channel_timeout=IDLE_SECONDS, cleanup_interval=CLEANUP_SECONDS, asyncore_use_poll=True)
    _refuse_past_the_limit(server)
    return RunningServer(app, server, None, host, int(server.effective_port))


def _refuse_past_the_limit(server) -> None:
    """Keep accepting at the connection limit, so that the connections past it are refused, not left hanging."""
    waitress_readable = server.readable

    def readable() -> bool:
        waitress_readable()  # closes idle channels and notes the limit in the log
        return server.accepting

    server.readable = readable
    server.channel_class = _channel_or_refusal


def start_in_background(config: ServerConfig, host: str = "127.0.0.1", port: int = 0, wrap=None) -> RunningServer:
    """Serve on a daemon thread; ``port=0`` takes an ephemeral port. Call ``stop()`` when done.

    ``wrap``, if given, is applied to the WSGI app first (tests use it to break one behaviour).
    """
    return _start(build_server(config, host, port, wrap))


def serve_in_background(app, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Any WSGI app on a daemon thread, behind the same waitress setup as `scimulator serve`."""
    return _start(serve_app(app, host, port))


def _start(running: RunningServer) -> RunningServer:
    running.thread = threading.Thread(target=running.server.run, name="scimulator-serve", daemon=True)
    running.thread.start()
    return running
