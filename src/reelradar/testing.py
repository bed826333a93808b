"""Test helpers shared by the suite: a demo catalog built once, and an isolated environment."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
        # headers and body leave in two writes: with Nagle on, each answer waits ~40 ms for a delayed ACK
        disable_nagle_algorithm = True

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

    class _Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # A client that hangs up mid-answer (a retry giving up, a closed connection) is what several
            # tests make happen: not an error to print into the output the test reads.
            if isinstance(sys.exc_info()[1], ConnectionError):
                return
            super().handle_error(request, client_address)

    server = _Server(("127.0.0.1", 0), _H)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


# -- the contract every recommender passes (after LensKit's test mixins) ---------------------------
def contract_interactions(item_ids: list[str] | None = None, users: int = 60, seed: int = 7) -> object:
    """A small, seeded users × items dataset with taste groups (so models have something to learn)."""
    import numpy as np
    import scipy.sparse as sp

    from reelradar.recommend.base import Interactions

    items = item_ids or [f"i{k:03d}" for k in range(40)]
    rng = np.random.default_rng(seed)
    groups = np.arange(len(items)) % 4
    rows, cols = [], []
    for u in range(users):
        liked = np.flatnonzero(groups == u % 4)
        picked = rng.choice(liked, size=min(len(liked), 6), replace=False)
        extra = rng.choice(len(items), size=2, replace=False)
        for i in sorted(set(picked.tolist()) | set(extra.tolist())):
            rows.append(u)
            cols.append(i)
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(users, len(items)))
    return Interactions(np.asarray([str(u) for u in range(users)], dtype=object), np.asarray(items, dtype=object), matrix)


class RecommenderContract:
    """Mix into a test class and define ``make_recommender`` (and ``make_data`` for another item space):
    every recommender returns unique items, never one already seen or dismissed, sorted by score, the
    same list for the same query, and only items the filters allow."""

    n = 10

    def make_recommender(self) -> object:
        raise NotImplementedError

    def make_data(self) -> object:
        return contract_interactions()

    def _queries(self, rec: object, data: object) -> list[Any]:
        import numpy as np

        from reelradar.recommend.base import Query

        space = {str(k): p for p, k in enumerate(rec.item_ids(data))}  # type: ignore[attr-defined]
        out = []
        for u in range(0, data.n_users, 7):  # type: ignore[attr-defined]
            row = data.matrix[u]  # type: ignore[attr-defined]
            hist = {space[str(data.items[i])]: 1.0 for i in row.indices if str(data.items[i]) in space}  # type: ignore[attr-defined]
            unseen = [p for p in sorted(space.values()) if p not in hist]
            dismissed = {unseen[u % len(unseen)]: -1.0} if unseen else {}
            out.append(Query(history={**hist, **dismissed}, exclude=set(hist) | set(dismissed)))
        assert out and np.all([len(q.history) for q in out])
        return out

    def _fitted(self) -> tuple[object, object]:
        data = self.make_data()
        return self.make_recommender().fit(data), data  # type: ignore[attr-defined]

    def test_items_are_unique_and_never_seen_or_dismissed(self) -> None:
        rec, data = self._fitted()
        for q in self._queries(rec, data):
            got = [i for i, _ in rec.recommend(q, self.n)]  # type: ignore[attr-defined]
            assert got, "a recommender with unseen items left recommends something"
            assert len(got) == len(set(got))
            assert not set(got) & q.exclude  # type: ignore[attr-defined]

    def test_sorted_by_score(self) -> None:
        rec, data = self._fitted()
        for q in self._queries(rec, data):
            scores = [s for _, s in rec.recommend(q, self.n)]  # type: ignore[attr-defined]
            assert scores == sorted(scores, reverse=True)

    def test_deterministic_for_a_seed(self) -> None:
        first, data = self._fitted()
        second, _ = self._fitted()
        for q in self._queries(first, data):
            assert first.recommend(q, self.n) == second.recommend(q, self.n)  # type: ignore[attr-defined]

    def test_only_allowed_items(self) -> None:
        import numpy as np

        rec, data = self._fitted()
        size = len(rec.item_ids(data))  # type: ignore[attr-defined]
        for q in self._queries(rec, data):
            q.allowed = np.arange(size) % 2 == 0  # type: ignore[attr-defined]
            got = [i for i, _ in rec.recommend(q, self.n)]  # type: ignore[attr-defined]
            assert got and all(i % 2 == 0 for i in got)
