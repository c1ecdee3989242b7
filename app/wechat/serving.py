"""Serve a WSGI app (the stand-in) on a loopback port from a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


@dataclass
class RunningServer:
    """A stand-in (or any WSGI app) served on a background thread."""

    base_url: str
    server: BaseWSGIServer = field(repr=False)
    thread: threading.Thread = field(repr=False)

    @property
    def open_base(self) -> str:
        """The `open` base URL to configure the gateway with."""
        return f"{self.base_url}/connect/"

    @property
    def api_base(self) -> str:
        """The `api` base URL to configure the gateway with."""
        return f"{self.base_url}/api/"

    def shutdown(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


class _QuietHandler(WSGIRequestHandler):
    """Skips the per-request access log: stand-in URLs carry (fake) secrets, codes and tokens."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def serve_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> RunningServer:
    """Serve app with a threaded werkzeug server on host:port (0 picks a free port) in a daemon thread."""
    handler = _QuietHandler if quiet else None
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"standin-{server.port}",
        daemon=True,
    )
    thread.start()
    return RunningServer(base_url=f"http://{host}:{server.port}", server=server, thread=thread)
