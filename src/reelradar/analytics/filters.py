"""Filters every list of titles accepts (picks, charts, recommendations): kind, genre, years,
and the services the user has in their country."""

from __future__ import annotations

from dataclasses import dataclass, field

from reelradar.errors import BadInput
from reelradar.vocab import provider_key, provider_key_sql

KINDS = ("movie", "series", "miniseries", "season", "episode", "special", "short", "tv_movie", "video")


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

    def sql(self, alias: str = "t") -> tuple[str, list[object]]:
        """WHERE clauses (joined with AND) and their parameters, over title alias ``alias``."""
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
        if self.services:
            # An offer whose country the source did not state counts as available: the reason says so.
            # Providers compare by service ("Amazon Prime Video" is "Prime Video"; vocab.py).
            clauses.append(
                f"""EXISTS (SELECT 1 FROM offer o WHERE o.title_id = {alias}.id
                    AND {provider_key_sql('o.provider')} IN (SELECT unnest(?))
                    AND (o.country IS NULL OR ? IS NULL OR o.country = ?)
                    AND (len(?) = 0 OR o.monetization IN (SELECT unnest(?))))"""
            )
            params.extend([sorted({provider_key(s) for s in self.services}), self.country, self.country,
                           list(self.offer_types), list(self.offer_types)])
        return " AND ".join(clauses) or "TRUE", params
