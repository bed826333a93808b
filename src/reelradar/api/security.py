"""The local token that guards every state change, and CSRF protection for the web page's forms.

The token is made on the first start and kept in ``<data_dir>/api-token`` (mode 0600): whoever can
read the data folder may change its state. Scripts send it as ``Authorization: Bearer <token>``. A
browser is unlocked once (``/unlock``), which keeps the token in an HttpOnly, SameSite=Strict cookie;
a state change from a browser must also carry the page's CSRF token (a header from htmx, a hidden
field in a plain form), which another site cannot read. Tokens are never written to a log.

**Sign-in link.** So that one person on this machine need not copy the token, ``reelradar serve``
prints one address with a sign-in code, ``/signin/<code>``; opening it sets the same cookie and
redirects to ``/``, so the code does not stay in the address bar. The code is random, not derived
from the token; it works once, for ``SIGNIN_MINUTES`` after it was printed, and only while that server
runs: the process keeps its SHA-256, never the code, and nothing of it on disk. The address left in the
terminal's scrollback is therefore no key once used, expired or the server stopped; a second browser
is unlocked with the token at ``/unlock``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fastapi import Request, Response

from reelradar.api.errors import Forbidden, Unauthorized

TOKEN_FILE = "api-token"
COOKIE = "reelradar_token"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SIGNIN_MINUTES = 15


def token_path(data_dir: Path) -> Path:
    return data_dir / TOKEN_FILE


def load_or_create_token(data_dir: Path) -> tuple[str, bool]:
    """The local token and whether it was just created (then the caller prints it once)."""
    path = token_path(data_dir)
    with contextlib.suppress(FileNotFoundError):
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token, False
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(f"{TOKEN_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    os.replace(tmp, path)
    return token, True


def csrf_for(token: str) -> str:
    """The CSRF token of a session: derived from the local token, so it needs no server-side state."""
    return hmac.new(token.encode(), b"reelradar-csrf", hashlib.sha256).hexdigest()[:40]


class SigninCodes:
    """The sign-in code of a running server: one at a time, good once and for ``minutes``. Only its
    hash is kept, in memory; a new code replaces the one before."""

    def __init__(self, minutes: float = SIGNIN_MINUTES, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = minutes * 60
        self.clock = clock
        self._digest: bytes | None = None
        self._until = 0.0
        self._lock = threading.Lock()  # two requests with the same code: only one of them signs in

    def issue(self) -> str:
        """A new code (it replaces any code not yet used)."""
        code = secrets.token_urlsafe(18)
        with self._lock:
            self._digest = hashlib.sha256(code.encode()).digest()
            self._until = self.clock() + self.seconds
        return code

    def redeem(self, code: str) -> bool:
        """Whether ``code`` is the pending code and still in time; it is used up either way once it matched."""
        digest = hashlib.sha256(code.encode()).digest()
        with self._lock:
            if self._digest is None or not hmac.compare_digest(digest, self._digest):
                return False
            self._digest = None
            return self.clock() <= self._until


def sign_in(request: Request, response: Response) -> Response:
    """Set the cookie that unlocks this browser (``/unlock`` with the token, ``/signin/<code>``)."""
    response.set_cookie(COOKIE, request.app.state.token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=365 * 86400)
    return response


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-reelradar-token")


def unlocked(request: Request) -> bool:
    """Whether this browser holds the token (the cookie set by /unlock)."""
    return _same(request.cookies.get(COOKIE), request.app.state.token)


def check_sender(request: Request) -> bool:
    """The part of ``check_state_change`` the headers alone decide, so that a request can be refused
    before its body is read (an upload without the token is not received). True when the bearer token
    vouches for the request; False for an unlocked browser of this site, whose CSRF token may still be
    in the body. Raises Unauthorized or Forbidden."""
    token: str = request.app.state.token
    sent = bearer(request)
    if sent is not None:
        if not _same(sent, token):
            raise Unauthorized("wrong token: use the one in the data folder's api-token file")
        return True
    if not unlocked(request):
        raise Unauthorized("changing anything needs the local token: send it as 'Authorization: Bearer <token>' "
                           "(it is in the data folder's api-token file), or unlock this browser at /unlock")
    origin = request.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise Forbidden(f"request from another site ({origin}) refused")
    header = request.headers.get(CSRF_HEADER)
    if header is not None and not _same(header, csrf_for(token)):
        raise Forbidden("missing or wrong CSRF token: reload the page and try again")
    return False


def check_state_change(request: Request, form_csrf: str | None = None) -> None:
    """Allow a state change only with the token: as a bearer header (scripts), or as the unlock cookie
    plus the page's CSRF token (browsers). Raises Unauthorized or Forbidden."""
    if check_sender(request):
        return
    if not _same(request.headers.get(CSRF_HEADER) or form_csrf, csrf_for(request.app.state.token)):
        raise Forbidden("missing or wrong CSRF token: reload the page and try again")
