"""The API's one error shape, checked the same way by every test of the API."""

from __future__ import annotations

from reelradar.api.errors import ErrorResponse


def assert_error(response: object, status: int, kind: str) -> dict:
    """Every error has one shape: {"error": {kind, status, message, details}}, nothing else."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"kind", "status", "message", "details"}
    assert body["error"]["kind"] == kind
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    ErrorResponse.model_validate(body)
    return body["error"]  # type: ignore[no-any-return]
