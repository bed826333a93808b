"""Values as the catalog and the user store can hold them, checked where a file comes in.

Every reader of a person's export or of a chart file turns its fields into years, counts, numbers,
dates and titles through these few functions, so the rules live in one place and a hostile value
(a year of ``inf``, a count past 32 bits, hours of ``NaN``, a date at the edge of the calendar, a NUL
in a title) is refused as one ``BadInput`` line naming the file and line, instead of failing later in
a conversion, a time-zone shift or a chart window. The bounds:

- a title's year: 1870..2100, the first films to well beyond any announced title;
- a dated fact (a rating, a viewing, a chart day or week): 1900-01-01..2100-12-31, so that a time
  zone or any window of weeks around it stays far inside the calendar (``date.min`` minus a week
  overflows);
- a count (a rank, weeks in a chart, points, a runtime): whole, in ASCII digits, within the catalog's
  32-bit INTEGER columns unless its reader asks for less;
- a number (hours, views, a rating): finite, within the bounds its reader gives;
- a text (a title, a name): no NUL character (C libraries and SQLite's own functions stop at it) and
  at most 1,000 characters.

``where`` is the place to name, e.g. ``ratings.csv line 3`` or ``all-weeks-global.tsv:12``. The chart
CSV reader checks in SQL with the same bounds, read from the constants here.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from functools import cache

from reelradar.errors import BadInput

YEAR_FIRST, YEAR_LAST = 1870, 2100
DATE_FIRST, DATE_LAST = date(1900, 1, 1), date(2100, 12, 31)
INT32_MAX = 2**31 - 1
MAX_TEXT = 1000
DATE_FORMATS = ("%Y-%m-%d", "%a %b %d %H:%M:%S %Y", "%m/%d/%Y", "%d/%m/%Y")
# ISO 3166-1 alpha-2 codes are read from pycountry; XK (Kosovo) is user-assigned but charts use it.
EXTRA_COUNTRY_CODES = frozenset({"XK"})

_WHOLE = re.compile(r"([+-]?)0*([0-9]+)(?:\.0+)?")


def shown(value: object, limit: int = 60) -> str:
    """A value as a message shows it: its repr on one line, cut short (a hostile field may be megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole(text: str, what: str, where: str, *, low: int = 0, high: int = INT32_MAX) -> int | None:
    """A whole number ('7', '007', '+7', and '7.0' as spreadsheets write it) within low..high;
    None when the field is empty."""
    text = text.strip()
    if not text:
        return None
    match = _WHOLE.fullmatch(text)
    if match is None:
        raise BadInput(f"{where}: {what} {shown(text)} is not a whole number")
    sign, digits = match.groups()
    # more digits than any bound can need: refused before int() spends time on them
    number = int(sign + digits) if len(digits) <= 18 else None
    if number is None or not low <= number <= high:
        raise BadInput(f"{where}: {what} {text if len(text) <= 20 else shown(text)} is outside {low}..{high}")
    return number


def year(text: str, what: str, where: str) -> int | None:
    """A title's year (1870..2100); None when the field is empty."""
    return whole(text, what, where, low=YEAR_FIRST, high=YEAR_LAST)


def number(text: str, what: str, where: str, *, low: float = 0.0, high: float = math.inf) -> float | None:
    """A finite number within low..high; None when the field is empty."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{where}: {what} {shown(text)} is not a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{where}: {what} {shown(text)} is not a finite number")
    if not low <= value <= high:
        if math.isfinite(high):
            raise BadInput(f"{where}: {what} {shown(text)} is outside {low:g}–{high:g}")
        raise BadInput(f"{where}: {what} {shown(text)} is {'negative' if low == 0 else f'below {low:g}'}")
    return value


def json_whole(value: object, what: str, where: str, *, low: int = 0, high: int = INT32_MAX) -> int | None:
    """``whole`` for a JSON value: a JSON integer (not true/false) or its text; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadInput(f"{where}: {what} {shown(value)} is not a whole number")
    return whole(str(value), what, where, low=low, high=high)


def json_number(value: object, what: str, where: str, *, low: float = 0.0, high: float = math.inf) -> float | None:
    """``number`` for a JSON value: a JSON number (not true/false) or its text; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(f"{where}: {what} {shown(value)} is not a number")
    return number(str(value), what, where, low=low, high=high)


def day(value: date, what: str, where: str) -> date:
    """A date inside DATE_FIRST..DATE_LAST."""
    if not DATE_FIRST <= value <= DATE_LAST:
        raise BadInput(f"{where}: {what} {value.isoformat()} is outside {DATE_FIRST}..{DATE_LAST}")
    return value


def moment(text: str | None, what: str, where: str) -> datetime | None:
    """A date or a time as exports write them (ISO with or without a zone, and a few older forms),
    as naive UTC inside DATE_FIRST..DATE_LAST; None when the field is empty."""
    if not text or not text.strip():
        return None
    text = text.strip()
    value = _parse_moment(text)
    if value is None:
        raise BadInput(f"{where}: {what} {shown(text)} is not a date")
    # the range is checked before the shift to UTC too: 9999-12-31T23:59-14:00 would overflow it
    if not DATE_FIRST <= value.date() <= DATE_LAST:
        raise BadInput(f"{where}: {what} {shown(text)} is outside {DATE_FIRST}..{DATE_LAST}")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
        if not DATE_FIRST <= value.date() <= DATE_LAST:
            raise BadInput(f"{where}: {what} {shown(text)} is outside {DATE_FIRST}..{DATE_LAST}")
    return value


def json_moment(value: object, what: str, where: str) -> datetime | None:
    """``moment`` for a JSON value, which must be a string when present."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"{where}: {what} {shown(value)} is not a date")
    return moment(value, what, where)


def _parse_moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(" ".join(text.split()), fmt)
        except ValueError:
            continue
    return None


def text(value: str, what: str, where: str, *, max_len: int = MAX_TEXT) -> str:
    """A name or title: no NUL character and at most ``max_len`` characters."""
    if "\x00" in value:
        raise BadInput(f"{where}: {what} holds a NUL character (a damaged or binary file?)")
    if len(value) > max_len:
        raise BadInput(f"{where}: {what} is {len(value):,} characters long, more than {max_len:,}")
    return value


def json_text(value: object, what: str, where: str, *, max_len: int = MAX_TEXT) -> str | None:
    """``text`` for a JSON value, which must be a string when present."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"{where}: {what} {shown(value)} is not text")
    return text(value, what, where, max_len=max_len)


@cache
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes (and XK): a two-letter code outside them is not a country."""
    import pycountry  # loaded when a country is first checked: most readers never need it

    return frozenset(str(c.alpha_2) for c in pycountry.countries) | EXTRA_COUNTRY_CODES


def is_country_code(code: str) -> bool:
    """Whether ``code`` (any case) is a country's alpha-2 code."""
    return code.upper() in country_codes()
