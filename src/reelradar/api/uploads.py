"""Uploads of export files: refused before a byte of the body is read when the token is missing or
wrong, else received under a size limit (counted while reading), kept in a private temporary folder
only while the import runs, then imported by the user store's import function."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reelradar.api.errors import NotAvailable, UploadTooLarge
from reelradar.api.security import CSRF_FIELD, check_sender, check_state_change
from reelradar.errors import BadInput, ReelradarError
from reelradar.users.kinds import EXPORT_KINDS

SUFFIXES = {kind: k.suffixes for kind, k in EXPORT_KINDS.items()}
KINDS = tuple(SUFFIXES)  # what an upload may be: the import formats of users/kinds.py
CHUNK = 1 << 16


@dataclass
class Upload:
    kind: str
    name: str  # the file name the browser sent, made safe
    path: Path


def safe_name(name: str | None, kind: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "").name).strip("._") or "export"
    if not base.lower().endswith(SUFFIXES[kind]):
        base += SUFFIXES[kind][0]
    return base[-120:]


@contextlib.asynccontextmanager
async def received_upload(request: Request, max_bytes: int) -> AsyncIterator[Upload]:
    """Check the token, parse the multipart form (fields ``kind`` and ``file``, and ``csrf`` from a
    browser form), check the CSRF token, and yield the file saved in a private temporary folder,
    removed afterwards."""
    try:
        check_sender(request)
    except ReelradarError as exc:
        exc.close_connection = True  # type: ignore[attr-defined]  # the body stays unread: do not wait for it
        raise
    form = await request.form(max_files=1, max_fields=10)
    try:
        csrf = form.get(CSRF_FIELD)
        check_state_change(request, csrf if isinstance(csrf, str) else None)
        kind = form.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise BadInput(f"kind must be one of {', '.join(KINDS)}")
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BadInput("no file uploaded (form field 'file')")
        folder = Path(tempfile.mkdtemp(prefix="reelradar-upload-"))
        try:
            path = folder / safe_name(file.filename, kind)
            written = 0
            with path.open("wb") as out:
                while chunk := await file.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise UploadTooLarge(f"upload larger than the limit of {max_bytes / 1e6:g} MB "
                                             "(setting upload_max_mb)")
                    out.write(chunk)
            if written == 0:
                raise BadInput(f"{path.name}: the uploaded file is empty")
            yield Upload(kind, path.name, path)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        await form.close()


async def import_upload(request: Request) -> Any:
    """Receive an export upload and import it; returns the import report of the user store."""
    try:
        from reelradar.users.imports import import_export
    except ImportError:
        raise NotAvailable("imports (reelradar.users.imports) are not part of this installation") from None
    settings = request.app.state.settings
    async with received_upload(request, int(settings.upload_max_mb * 1_000_000)) as upload:
        pool = request.app.state.pool

        def run() -> Any:
            with pool.cursor() as (con, _version), request.app.state.import_lock:
                return import_export(settings, upload.kind, upload.path, con)

        try:
            report = await run_in_threadpool(run)
        except ReelradarError as exc:
            # Name the file as the person knows it, not the server's temporary path.
            exc.message = exc.message.replace(str(upload.path), upload.name).replace(str(upload.path.parent) + "/", "")
            exc.args = (exc.message,)
            raise
        report.path = upload.name
        for row in report.rows:
            row.file = upload.name
        return report
