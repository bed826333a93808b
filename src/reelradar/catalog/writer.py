"""One writer at a time for a data folder: the catalog and its staged data.

Every write (an import, a manual link, a build, an online source's facts) holds an exclusive lock on
``<data_dir>/update.lock`` (``fcntl.flock``) for the whole of it: staging, build and swap. The lock is
the kernel's, so a writer that is killed (even ``kill -9``) releases it with its process; the file itself
stays and is never deleted. A second writer waits up to ``WAIT_SECONDS`` and is then refused with one
line naming the holder (``CatalogBusy``). Within one thread the lock is re-entrant: a write that calls
another write (an import that builds the demo catalog first) takes it once.

The writer that takes the lock tidies what killed writers left (no other writer can be running): it
settles staged changes (``staging.settle``), removes the catalog's temporary ``*.building`` files and
the ``*.tmp`` files beside staged data, and the per-process files of chart imports whose process ended.
Readers never look at any of these names.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from reelradar.catalog import staging
from reelradar.errors import CatalogError, ReelradarError

LOCK_FILE = "update.lock"
WAIT_SECONDS = 10.0  # how long a second writer waits for the first before it is refused
BUILDING = ".building"  # a catalog being written: ``catalog.duckdb.<pid>.building`` (db.TMP_SUFFIX)
PROCESS_FILES = (".incoming-", ".spill-")  # a chart import's parsed rows and DuckDB spill folder, per pid

_held = threading.local()  # per thread: {lock file: depth}


class CatalogBusy(ReelradarError):
    """Another process is writing the catalog or its staged data: nothing was changed, try again."""

    kind = "busy"
    exit_code = 75  # EX_TEMPFAIL: try again later
    http_status = 503
    retry_after = 5  # seconds, sent as Retry-After


@contextlib.contextmanager
def writer_lock(data_dir: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the data folder's writer lock for a block (re-entrant in a thread); ``CatalogBusy`` when
    another process (or thread) holds it longer than ``wait`` seconds (default ``WAIT_SECONDS``)."""
    path = data_dir / LOCK_FILE
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    key = os.path.abspath(path)
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise CatalogError(f"cannot open the update lock {path}: {exc.strerror}") from None
    try:
        _acquire(fd, path, WAIT_SECONDS if wait is None else wait)
        depth[key] = 1
        try:
            tidy(data_dir)
            yield
        finally:
            del depth[key]
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def holds_lock(data_dir: Path) -> bool:
    """Whether this thread holds the writer lock of ``data_dir``."""
    depth: dict[str, int] = _held.__dict__.get("depth", {})
    return bool(depth.get(os.path.abspath(data_dir / LOCK_FILE)))


def _acquire(fd: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise CatalogBusy(busy_message(path)) from None
            time.sleep(0.05)
        except OSError as exc:
            raise CatalogError(f"cannot lock {path} ({exc.strerror}): is the data folder on a file system "
                               "without locks?") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {time.time():.0f}\n".encode(), 0)


def busy_message(path: Path) -> str:
    """The line a refused writer prints: who holds the lock and since when (local time)."""
    pid, since = "?", "?"
    with contextlib.suppress(OSError, ValueError):
        parts = path.read_text(encoding="ascii").split()
        if len(parts) == 2:
            pid, since = str(int(parts[0])), time.strftime("%H:%M:%S", time.localtime(int(parts[1])))
    return f"another update is running (pid {pid}, since {since}); try again when it ends"


def tidy(data_dir: Path) -> None:
    """What killed writers left in ``data_dir``: called with the lock held, so no writer is running."""
    staged_dir = data_dir / "staged"  # Settings.staged_dir
    staging.settle(staged_dir)
    for leftover in data_dir.glob(f"*{BUILDING}*"):
        if leftover.is_file():
            _remove(leftover)
    if not staged_dir.is_dir():
        return
    for folder in staged_dir.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for prefix in PROCESS_FILES:
            clean_dead_process_files(folder, prefix)
        for leftover in folder.glob("*.tmp"):
            if not any(leftover.name.startswith(p) for p in PROCESS_FILES):
                _remove(leftover)


def clean_dead_process_files(folder: Path, prefix: str) -> None:
    """Remove the files and folders named ``<prefix><pid>…`` in ``folder`` whose process no longer
    exists (what a killed import left behind)."""
    for leftover in folder.glob(f"{prefix}*"):
        pid_part = leftover.name[len(prefix):].split(".")[0]
        if not pid_part.isdigit() or alive(int(pid_part)):
            continue
        _remove(leftover)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove: never blocks a write
            path.unlink()
