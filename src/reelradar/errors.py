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


class CatalogError(ReelradarError):
    """The catalog file is missing, corrupt or of another schema version."""

    kind = "catalog_error"
    exit_code = 5
    http_status = 503
