"""Filters every list of titles accepts (picks, charts, recommendations): kind, genre, years,
and the services the user has in their country."""

from __future__ import annotations

from dataclasses import dataclass, field

from reelradar.errors import BadInput

KINDS = ("movie", "series", "miniseries", "season", "episode", "special", "short", "tv_movie")


@dataclass
class Filters:
    """Filters every list of titles accepts."""

    kind: str | None = None
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    services: list[str] = field(default_factory=list)
    country: str | None = None

    def check(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise BadInput(f"unknown kind {self.kind!r}: use one of {', '.join(KINDS)}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise BadInput(f"--year-from {self.year_from} is after --year-to {self.year_to}")

    def sql(self, alias: str = "t") -> tuple[str, list[object]]:
        """WHERE clauses (joined with AND) and their parameters, over title alias ``alias``."""
        clauses: list[str] = []
        params: list[object] = []
        if self.kind:
            clauses.append(f"{alias}.kind = ?")
            params.append(self.kind)
        if self.genre:
            clauses.append(f"list_contains(list_transform({alias}.genres, g -> lower(g)), lower(?))")
            params.append(self.genre)
        if self.year_from is not None:
            clauses.append(f"{alias}.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append(f"{alias}.year <= ?")
            params.append(self.year_to)
        if self.services:
            # An offer whose country the source did not state counts as available: the reason says so.
            clauses.append(
                f"""EXISTS (SELECT 1 FROM offer o WHERE o.title_id = {alias}.id
                    AND lower(o.provider) IN (SELECT lower(unnest(?)))
                    AND (o.country IS NULL OR ? IS NULL OR o.country = ?))"""
            )
            params.extend([self.services, self.country, self.country])
        return " AND ".join(clauses) or "TRUE", params
