"""One error vocabulary for the whole project.

Every error a user can cause or meet is a ``ReelradarError`` whose message is one line a person
understands. The CLI prints it to stderr and exits non-zero; the API turns it into one JSON shape.
"""

from __future__ import annotations


class ReelradarError(Exception):
    """Base of every error reelradar reports to a user."""

    kind = "error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInput(ReelradarError):
    """The user gave something we cannot use: a malformed file, a wrong option, a bad path."""

    kind = "bad_input"
    exit_code = 2
    http_status = 400


class NotFound(ReelradarError):
    """What was asked for does not exist (a title, a record, a file)."""

    kind = "not_found"
    exit_code = 3
    http_status = 404


class SourceFailure(ReelradarError):
    """An upstream source failed (network, server error, broken download)."""

    kind = "source_failure"
    exit_code = 4
    http_status = 502

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class Unreachable(SourceFailure):
    """A source's host could not be reached at all: its name does not resolve, the connection is
    refused, or none opens within the timeout. Nothing was sent, so there is nothing to resume and
    waiting seconds between retries rarely helps; ``hint`` is the next step a command can offer
    (a local file instead), added with ``with_hint``."""

    def __init__(self, host: str, reason: str, *, hint: str = "") -> None:
        super().__init__(f"cannot reach {host} ({reason})" + (f": {hint}" if hint else ""), retryable=True)
        self.host, self.reason, self.hint = host, reason, hint

    def with_hint(self, hint: str) -> Unreachable:
        """The same failure, its message ending with ``hint`` (what to do instead)."""
        return Unreachable(self.host, self.reason, hint=hint)


class CatalogError(ReelradarError):
    """The catalog file is missing, corrupt or of another schema version."""

    kind = "catalog_error"
    exit_code = 5
    http_status = 503


class Busy(ReelradarError):
    """Something else holds what this needs for now: nothing was done, the same request may be sent again
    (the server says when, as Retry-After)."""

    kind = "busy"
    http_status = 503
    retry_after = 2  # seconds, sent as Retry-After
