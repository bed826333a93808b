"""A tiny catalog for source tests: a few titles in the demo's shape, built in a blink (the demo
catalog takes seconds to copy and re-score; these tests only need a handful of titles)."""

from __future__ import annotations

from pathlib import Path

from reelradar.analytics.scores import compute_scores
from reelradar.catalog.db import write_catalog
from reelradar.catalog.people import build_person_titles
from reelradar.config import Settings, load_settings

TITLES = [
    # id, kind, title, year
    ("demo:bosch", "series", "Bosch", 2014),
    ("demo:ballard", "series", "Ballard", 2025),
    ("tt3502248", "series", "Bosch (IMDb)", 2014),
    ("tt9000003", "series", "Ballard (IMDb)", 2025),
    ("tt0000009", "movie", "A Film Nobody Links", 1999),
]


def tiny_catalog(data_dir: Path, *, scores: bool = False, **settings: object) -> Settings:
    """A data folder with a tiny catalog; returns its settings (``settings`` are passed through)."""
    s = load_settings(data_dir=data_dir, cache_dir=data_dir / "cache", **settings)
    with write_catalog(s.catalog_path) as con:
        for id_, kind, title, year in TITLES:
            con.execute("INSERT INTO title (id, kind, title, year, source) VALUES (?, ?, ?, ?, 'demo:known')",
                        [id_, kind, title, year])
        con.execute("INSERT INTO source_info (source, name, label, demo) VALUES "
                    "('demo:article', 'News article', 'news report', TRUE), "
                    "('demo:known', 'Published facts', 'published facts, hand-entered', TRUE)")
        con.execute("INSERT INTO offer (title_id, country, provider, monetization, source, as_of, via) VALUES "
                    "('demo:ballard', NULL, 'Prime Video', 'flatrate', 'demo:article', DATE '2025-07-14', 'demo:article')")
        build_person_titles(con)  # as a build leaves it (no credits yet)
        if scores:  # the derived tables title search ranks by (an update with ratings computes them too)
            compute_scores(con, s)
    return s
