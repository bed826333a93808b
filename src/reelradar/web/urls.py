"""URLs of the web page's own routes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode


def title_url(title_id: str) -> str:
    return "/title/" + quote(title_id, safe=":")


def person_url(person_id: str) -> str:
    return "/person/" + quote(person_id, safe=":")


def query_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with the non-empty ``params`` as its query string (lists repeat their key)."""
    pairs = [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])
             if v not in (None, "", [])]
    return path + ("?" + urlencode(pairs) if pairs else "")
