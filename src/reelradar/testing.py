"""Test helpers shared by the suite: a demo catalog built once, and an isolated environment."""

from __future__ import annotations

import shutil
from pathlib import Path

from reelradar.catalog.ensure import build_demo
from reelradar.config import Settings, load_settings


def build_demo_dir(root: Path) -> Path:
    """Build the demo catalog in ``root`` and return that data folder."""
    build_demo(load_settings(data_dir=root))
    return root


def copy_data_dir(src: Path, dst: Path) -> Settings:
    """A private copy of a data folder (for tests that change the catalog)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return load_settings(data_dir=dst)


# -- a real HTTP server on 127.0.0.1 for online sources -------------------------------------------
import contextlib  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402


@dataclass
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeouts)
    truncate_to: int | None = None  # send only this many bytes of body, then close (broken download)


Handler = Callable[[Request], Response]


@contextlib.contextmanager
def local_server(handler: Handler) -> Iterator[tuple[str, list[Request]]]:
    """Serve ``handler`` on 127.0.0.1 (a free port); yield the base URL and the list of requests seen."""
    seen: list[Request] = []

    class _H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                          self.rfile.read(length) if length else b"")
            seen.append(req)
            resp = handler(req)
            if resp.delay:
                import time

                time.sleep(resp.delay)
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            if resp.truncate_to is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                body = resp.body if resp.truncate_to is None else resp.body[: resp.truncate_to]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)
            if resp.truncate_to is not None:
                self.close_connection = True

        do_GET = do_POST = do_HEAD = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
