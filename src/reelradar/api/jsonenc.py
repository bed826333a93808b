"""JSON as the API sends it: strict JSON, so a non-finite number (NaN, Infinity) becomes ``null``.

Python's ``json`` writes ``NaN`` and ``Infinity``, which no JSON parser has to accept, and Starlette's
``JSONResponse`` refuses them with an error (a 500). A catalog can hold such values (a source's file
said ``NaN``); an unknown number is ``null`` everywhere else in the API, so it is here too.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


def finite(value: Any) -> Any:
    """``value`` (plain JSON data) with every non-finite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON of plain data. The common case pays nothing extra: the data is walked only
    when the strict encoder met a non-finite number."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        text = json.dumps(finite(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode()


def encode(obj: Any) -> bytes:
    """Any answer a route gives (models, dataclasses, dates) as strict JSON."""
    return dumps(jsonable_encoder(obj))


class StrictJSONResponse(JSONResponse):
    """The app's default response class: ``JSONResponse`` with non-finite numbers sent as null."""

    def render(self, content: Any) -> bytes:
        return dumps(content)
