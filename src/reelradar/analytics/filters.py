"""Filters every list of titles accepts (picks, charts, recommendations): kind, genre, years,
and the services the user has in their country.

The services filter is honest (DESIGN.md §8): it leaves out only the titles known to be elsewhere, keeps
those whose availability no source states, and each list says how many of each it met. A title is

- ``yours`` when an offer names one of the services (in the country, or with no country stated, of an
  offer type the person accepts), or it charted on one of them there: a title in a platform's top 10
  in a country in a week was on that platform there then (a worldwide chart, or a chart of no stated
  country, counts as an offer whose country was not stated; a chart place counts as a subscription);
- ``elsewhere`` when offers or charts for the country name only other services (or other offer types);
- ``unknown`` when no offer and no chart says anything about it there.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import duckdb

from reelradar.errors import BadInput
from reelradar.validate import is_country_code
from reelradar.vocab import KNOWN_PROVIDERS, provider_key, provider_key_sql

KINDS = ("movie", "series", "miniseries", "season", "episode", "special", "short", "tv_movie", "video")

# Where an offer (alias o) or a chart place (alias c) holds for the asked country (? twice: the country).
_HERE_OFFER = "(o.country IS NULL OR ?::VARCHAR IS NULL OR o.country = ?)"
_HERE_CHART = "(c.country IS NULL OR c.country = 'world' OR ?::VARCHAR IS NULL OR c.country = ?)"
# One row per title, platform and country charted (the chart table has a row per title and period).
CHART_PLACES = "(SELECT DISTINCT title_id, platform, country FROM chart_entry WHERE title_id IS NOT NULL)"


@dataclass
class Filters:
    """Filters every list of titles accepts."""

    kind: str | None = None
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    services: list[str] = field(default_factory=list)
    country: str | None = None
    language: str | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    exclude: list[str] = field(default_factory=list)  # "not seen": ids the person has already seen
    offer_types: list[str] = field(default_factory=list)  # with services: flatrate, free, ads, rent, buy (empty: any)

    def check(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise BadInput(f"unknown kind {self.kind!r}: use one of {', '.join(KINDS)}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise BadInput(f"--year-from {self.year_from} is after --year-to {self.year_to}")
        if self.runtime_min is not None and self.runtime_max is not None and self.runtime_min > self.runtime_max:
            raise BadInput(f"--runtime-min {self.runtime_min} is above --runtime-max {self.runtime_max}")
        self.services = [s.strip() for s in self.services if s and s.strip()]
        if self.country is not None:
            self.country = check_country(self.country)

    def sql(self, alias: str = "t", *, services: bool = True) -> tuple[str, list[object]]:
        """WHERE clauses (joined with AND) and their parameters, over title alias ``alias``; with
        ``services=False`` without the services clause (the list the services narrow)."""
        clauses: list[str] = []
        params: list[object] = []
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.genre:
            # case-insensitive list membership without lambdas (their syntax differs across DuckDB versions)
            clauses.append(f"contains('|' || lower(array_to_string({alias}.genres, '|')) || '|', '|' || lower(?) || '|')")
            params.append(self.genre)
        if self.year_from is not None:
            clauses.append(f"{alias}.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append(f"{alias}.year <= ?")
            params.append(self.year_to)
        if self.language:
            clauses.append(f"contains('|' || lower(array_to_string({alias}.languages, '|')) || '|', '|' || lower(?) || '|')")
            params.append(self.language)
        if self.runtime_min is not None:
            clauses.append(f"{alias}.runtime_min >= ?")
            params.append(self.runtime_min)
        if self.runtime_max is not None:
            clauses.append(f"{alias}.runtime_min <= ?")
            params.append(self.runtime_max)
        if self.exclude:
            clauses.append(f"NOT list_contains(?, {alias}.id)")
            params.append(list(self.exclude))
        if self.services and services:
            status, more = self.availability_sql(alias)
            clauses.append(f"({status}) <> 'elsewhere'")  # unknown is kept (and marked by the list)
            params.extend(more)
        return " AND ".join(clauses) or "TRUE", params

    def availability_sql(self, alias: str = "t") -> tuple[str, list[object]]:
        """An SQL expression, 'yours', 'elsewhere' or 'unknown', for title ``alias``.id and its
        parameters (the module docstring has the rule); NULL when no services are set."""
        if not self.services:
            return "NULL", []
        keys = sorted({provider_key(s) for s in self.services})
        types = list(self.offer_types)
        charts_count = not types or "flatrate" in types  # a chart place is a subscription offer
        here = [self.country, self.country]
        yours = (f"{alias}.id IN (SELECT o.title_id FROM offer o WHERE {provider_key_sql('o.provider')} IN "
                 f"(SELECT unnest(?)) AND {_HERE_OFFER} AND (len(?) = 0 OR o.monetization IN (SELECT unnest(?)))) "
                 f"OR ({'TRUE' if charts_count else 'FALSE'} AND {alias}.id IN (SELECT c.title_id FROM {CHART_PLACES} c "
                 f"WHERE {provider_key_sql('c.platform')} IN (SELECT unnest(?)) AND {_HERE_CHART}))")
        known = (f"{alias}.id IN (SELECT o.title_id FROM offer o WHERE {_HERE_OFFER}) "
                 f"OR {alias}.id IN (SELECT c.title_id FROM {CHART_PLACES} c WHERE {_HERE_CHART})")
        expr = f"CASE WHEN {yours} THEN 'yours' WHEN {known} THEN 'elsewhere' ELSE 'unknown' END"
        return expr, [keys, *here, types, types, keys, *here, *here, *here]

    def check_in(self, con: duckdb.DuckDBPyConnection) -> None:
        """``check`` plus what needs the catalog: the genre exists, the services are ones reelradar knows."""
        self.check()
        if self.genre:
            check_genre(con, self.genre)
        if self.services:
            self.services = check_services(con, self.services)


def check_country(code: str) -> str:
    """``code`` as an ISO 3166 alpha-2 country code (upper case), or one line saying it is none."""
    text = code.strip().upper()
    if not is_country_code(text):
        raise BadInput(f"--country {code!r} is not a country: use its ISO 3166 two-letter code, e.g. US, DE or GB")
    return text


def known_services(con: duckdb.DuckDBPyConnection | None) -> dict[str, str]:
    """Service key → name, for every service reelradar knows: the well-known ones (vocab.py) and the
    providers and platforms the catalog's offers and charts name (None: no catalog yet)."""
    names = {provider_key(n): n for n in KNOWN_PROVIDERS}
    rows = [] if con is None else con.execute(
        "SELECT DISTINCT provider FROM offer UNION SELECT DISTINCT platform FROM chart_entry").fetchall()
    for (name,) in rows:
        if name:
            names.setdefault(provider_key(name), name)
    return names


def check_services(con: duckdb.DuckDBPyConnection | None, services: list[str]) -> list[str]:
    """The services as reelradar spells them ("prime video" → "Prime Video"), blanks dropped, each
    checked against the services it knows: an unknown one is refused with the nearest names."""
    known = known_services(con)
    out: list[str] = []
    for name in services:
        if not name.strip():
            continue
        key = provider_key(name)
        if key not in known:
            raise BadInput(f"unknown service {name!r}: {suggest(name, list(known.values()), 'services reelradar knows')}")
        if known[key] not in out:
            out.append(known[key])
    return out


def genres_in(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The genres the catalog's titles carry, most common first."""
    return [r[0] for r in con.execute(
        "SELECT g FROM (SELECT unnest(genres) AS g FROM title) WHERE g IS NOT NULL GROUP BY g "
        "ORDER BY count(*) DESC, g").fetchall()]


def check_genre(con: duckdb.DuckDBPyConnection, genre: str) -> None:
    """Refuse a genre no title carries, naming the near ones and those that exist."""
    hit = con.execute(
        "SELECT 1 FROM title t WHERE contains('|' || lower(array_to_string(t.genres, '|')) || '|', "
        "'|' || lower(?) || '|') LIMIT 1", [genre]).fetchall()
    if not hit:
        raise BadInput(f"unknown genre {genre!r}: {suggest(genre, genres_in(con), 'genres in this catalog')}")


def suggest(word: str, names: list[str], what: str) -> str:
    """'did you mean Netflix? (services reelradar knows: Netflix, Prime Video, …)': the near names
    first, then the first 20 of ``names`` under the label ``what``."""
    lower = {n.lower(): n for n in names}
    near = [lower[m] for m in difflib.get_close_matches(word.strip().lower(), list(lower), n=3, cutoff=0.6)]
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    known = f"{what}: {shown}" if names else f"none: {what} is empty"
    return (f"did you mean {' or '.join(near)}? ({known})" if near else known)
