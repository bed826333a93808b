"""What a list of titles can be filtered by in this catalog: services, kinds, genres, decades.

The filter chips of the home page and ``GET /api/v1/facets`` show only values the catalog holds, so a
chip never leads to an empty list by construction of the chip itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from reelradar.vocab import provider_key_sql


@dataclass
class Facets:
    services: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    decades: list[int] = field(default_factory=list)  # 1990 for the 1990s, newest first
    countries: list[str] = field(default_factory=list)  # countries that offers name


def facets(con: duckdb.DuckDBPyConnection, *, max_genres: int = 24) -> Facets:
    """The filter values present in the catalog, most common first (services and genres)."""
    # services: the providers of offers and the platforms of charts (a chart place is an offer, filters.py),
    # one chip per service however sources spell it, most titles first
    services = [r[0] for r in con.execute(
        f"""SELECT any_value(name ORDER BY n DESC) FROM (
              SELECT name, {provider_key_sql('name')} AS key, count(DISTINCT title_id) AS n FROM (
                SELECT provider AS name, title_id FROM offer
                UNION ALL SELECT platform, title_id FROM chart_entry WHERE title_id IS NOT NULL) GROUP BY name)
            GROUP BY key ORDER BY sum(n) DESC, 1""").fetchall()]
    countries = [r[0] for r in con.execute(
        "SELECT DISTINCT country FROM offer WHERE country IS NOT NULL ORDER BY 1").fetchall()]
    # kinds of the titles a list can show (scored, or charting): a kind the catalog holds only unscored
    # titles of would be a chip to an empty list
    kinds = [r[0] for r in con.execute(
        """SELECT kind FROM (SELECT kind FROM pick_base UNION ALL
                             SELECT t.kind FROM title t SEMI JOIN chart_entry c ON c.title_id = t.id)
           WHERE kind NOT IN ('season', 'episode') GROUP BY kind ORDER BY count(*) DESC, kind"""
    ).fetchall()]
    genres = [r[0] for r in con.execute(
        """SELECT g FROM (SELECT unnest(genres) AS g FROM title_score s JOIN title t ON t.id = s.title_id)
           GROUP BY g ORDER BY count(*) DESC, g LIMIT ?""", [max_genres]).fetchall()]
    decades = [r[0] for r in con.execute(
        "SELECT DISTINCT (year // 10) * 10 FROM title WHERE year IS NOT NULL ORDER BY 1 DESC").fetchall()]
    return Facets(services=services, kinds=kinds, genres=genres, decades=decades, countries=countries)
