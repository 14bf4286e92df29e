"""Running the reference server behind waitress, in the foreground or on a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask
from waitress.server import create_server

from reference_server import ServerConfig, create_app

# Enough worker threads for an IdP's concurrent requests plus the suite's read-backs.
THREADS = 8


@dataclass
class RunningServer:
    app: Flask
    server: object
    thread: threading.Thread | None
    host: str
    port: int

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/scim/v2"

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


def build_server(config: ServerConfig, host: str, port: int) -> RunningServer:
    return serve_app(create_app(config), host, port)


def serve_app(app, host: str, port: int) -> RunningServer:
    """Any WSGI app behind waitress (the reference server, or a test's altered copy of it)."""
    server = create_server(app, host=host, port=port, threads=THREADS, ident="scimulator", clear_untrusted_proxy_headers=True)
    return RunningServer(app, server, None, host, int(server.effective_port))


def start_in_background(config: ServerConfig, host: str = "127.0.0.1", port: int = 0, wrap=None) -> RunningServer:
    """Serve on a daemon thread; ``port=0`` takes an ephemeral port. Call ``stop()`` when done.

    ``wrap``, if given, is applied to the WSGI app first (tests use it to break one behaviour).
    """
    app = create_app(config)
    return serve_in_background(wrap(app) if wrap else app, host, port)


def serve_in_background(app, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Any WSGI app on a daemon thread, behind the same waitress setup as `scimulator serve`."""
    running = serve_app(app, host, port)
    running.thread = threading.Thread(target=running.server.run, name="scimulator-serve", daemon=True)
    running.thread.start()
    return running
