"""Chart entries and their links, as a person sees and changes them: why an entry became the title it
did (``why-match --chart``), the entries that are not strong (``charts unresolved``), the "possibly …"
shown beside a chart or a title, and manual links and unlinks (``link --chart`` / ``unlink --chart``).

A manual choice is kept in ``chart_link`` and staged as Parquet (``staged/chart_link``), so it survives
rebuilds and later imports, and it wins over the resolver while the title it names exists.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from reelradar.catalog.charts_store import ensure_link_table, refresh_charts
from reelradar.catalog.db import write_catalog
from reelradar.catalog.ensure import check_data_dir, open_for_reading
from reelradar.catalog.search import find_title
from reelradar.catalog.staging import StagedChange
from reelradar.config import Settings
from reelradar.errors import BadInput, NotFound
from reelradar.resolve.charts import ensure_match_table
from reelradar.resolve.distance import Component
from reelradar.resolve.link import Match
from reelradar.resolve.normalize import normalize


@dataclass
class ChartEntryView:
    """One chart entry: what the chart said, the automatic match, and a person's override if any."""

    entry: str
    source: str
    platform: str
    raw_title: str
    kind: str | None
    first_period: date | None
    last_period: date | None
    rows: int
    runtime_min: int | None
    match: Match  # the resolver's answer; ``match.title_id`` is its nearest candidate (None: none at all)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    override: str | None = None  # "link" or "unlink" when a person chose
    override_title_id: str | None = None

    @property
    def linked(self) -> str | None:
        """The title the entry's rows count for: a manual link, else a strong match."""
        if self.override == "link":
            return self.override_title_id
        if self.override == "unlink":
            return None
        return self.match.title_id if self.match.verdict == "strong" else None

    @property
    def possibly(self) -> str | None:
        """The medium candidate shown as "possibly …" (None when strong, none or decided by hand)."""
        if self.override is None and self.match.verdict == "medium":
            return self.match.title_id
        return None


_VIEW_SQL = """
    SELECT m.entry, m.source, m.platform, m.raw_title, m.kind, m.first_period, m.last_period, m.rows,
           m.runtime_min, m.verdict, m.method, m.candidate_id, m.distance, m.reason, m.components,
           m.runner_up, m.candidates, t.title, t.year, t.kind, l.entry IS NOT NULL, l.title_id
    FROM chart_match m LEFT JOIN title t ON t.id = m.candidate_id LEFT JOIN chart_link l ON l.entry = m.entry"""


def has_matches(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'chart_match'"
                            ).fetchall()[0][0])


def entry_views(con: duckdb.DuckDBPyConnection, where: str = "TRUE", params: Sequence[object] | None = None,
                order: str = "m.entry", limit: int | None = None) -> list[ChartEntryView]:
    """Chart entries (``where`` over ``m`` = chart_match, ``l`` = chart_link), with their matches."""
    if not has_matches(con):
        return []
    has_links = bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'chart_link'"
                                 ).fetchall()[0][0])
    sql = _VIEW_SQL if has_links else _VIEW_SQL.replace(
        "LEFT JOIN chart_link l ON l.entry = m.entry", "LEFT JOIN (SELECT NULL AS entry, NULL AS title_id) l ON FALSE")
    rows = con.execute(f"{sql} WHERE {where} ORDER BY {order}{f' LIMIT {int(limit)}' if limit else ''}",
                       list(params or [])).fetchall()
    out = []
    for (entry, source, platform, raw, kind, first, last, n, runtime, verdict, method, cand, distance, reason,
         comps, runner, near, c_title, c_year, c_kind, overridden, over_id) in rows:
        m = Match(cand, verdict, distance, method, reason, [Component(**c) for c in json.loads(comps or "[]")],
                  c_title, c_year, c_kind, cand if cand and cand.startswith("tt") else None, runner)
        out.append(ChartEntryView(entry, source, platform, raw, kind, first, last, n, runtime, m,
                                  json.loads(near or "[]"),
                                  ("link" if over_id else "unlink") if overridden else None, over_id))
    return out


def find_entries(con: duckdb.DuckDBPyConnection, ref: str, platform: str | None = None) -> list[ChartEntryView]:
    """The chart entries ``ref`` names: an entry id, the title as charted, or a catalog title it was linked
    to or may be (an id or a name)."""
    ref = ref.strip()
    found = entry_views(con, "m.entry = ?", [ref])
    if found:
        return found
    on = " AND lower(m.platform) = lower(?)" if platform else ""
    extra = [platform] if platform else []
    key = normalize(ref).key
    named = [v for v in entry_views(con, f"TRUE{on}", extra) if normalize(v.raw_title).key == key]
    if named:
        return named
    try:
        title_id = find_title(con, ref)
    except NotFound:
        return []
    return entry_views(con, f"(m.candidate_id = ? OR l.title_id = ?){on}", [title_id, title_id, *extra])


def one_entry(con: duckdb.DuckDBPyConnection, ref: str, platform: str | None = None) -> ChartEntryView:
    """The one chart entry ``ref`` names; one line naming the candidates when it names several."""
    found = find_entries(con, ref, platform)
    if not found:
        where = f" on {platform}" if platform else ""
        raise NotFound(f"no chart entry{where} is named {ref!r}: see `reelradar charts unresolved` for entry ids")
    if len(found) > 1:
        shown = "; ".join(f"{v.entry} ({v.platform}, {v.kind or 'kind not given'}, first charted {v.first_period})"
                          for v in found[:5])
        raise BadInput(f"{ref!r} names {len(found)} chart entries: give one of these ids: {shown}")
    return found[0]


def unresolved_entries(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[ChartEntryView]:
    """Entries that are not linked on evidence and that nobody decided by hand: ambiguous (medium) ones
    first, then those with no candidate, most rows first."""
    return entry_views(con, "m.verdict <> 'strong' AND l.entry IS NULL",
                       order="m.verdict = 'none', m.rows DESC, m.raw_title", limit=limit)


def possible_for(con: duckdb.DuckDBPyConnection, title_id: str) -> list[ChartEntryView]:
    """Chart entries that may be ``title_id`` (medium, not decided by hand) or whose own created title it is."""
    return [v for v in entry_views(
        con, "l.entry IS NULL AND m.verdict = 'medium' AND (m.candidate_id = ? OR m.entry = ?)", [title_id, title_id])]


def why_entry(settings: Settings, ref: str, platform: str | None = None) -> ChartEntryView:
    """``reelradar why-match --chart``: the entry ``ref`` names, with every component of its match."""
    con = open_for_reading(settings)
    try:
        return one_entry(con, ref, platform)
    finally:
        con.close()


def link_entry(settings: Settings, ref: str, title: str, platform: str | None = None) -> ChartEntryView:
    """Link chart entry ``ref`` by hand to the catalog title ``title`` names (refused when none does)."""
    con = open_for_reading(settings)
    try:
        view = one_entry(con, ref, platform)
        title_id = find_title(con, title)
    finally:
        con.close()
    return _decide(settings, view.entry, title_id)


def unlink_entry(settings: Settings, ref: str, platform: str | None = None) -> ChartEntryView:
    """Mark chart entry ``ref`` by hand as no catalog title: its rows stay the chart's own."""
    con = open_for_reading(settings)
    try:
        view = one_entry(con, ref, platform)
    finally:
        con.close()
    return _decide(settings, view.entry, None)


def _decide(settings: Settings, entry: str, title_id: str | None) -> ChartEntryView:
    """Write a manual choice into a new catalog (rows placed again, chart tables and scores recomputed),
    staged with the others so rebuilds keep it; the catalog and the staged file change together."""
    check_data_dir(settings)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    change = StagedChange(settings.staged_dir, settings.catalog_path)  # put in place with the catalog swap
    with write_catalog(settings.catalog_path, start_from_current=True, staged=change) as con:
        ensure_link_table(con)
        ensure_match_table(con)
        con.execute("DELETE FROM chart_link WHERE entry = ?", [entry])
        con.execute("INSERT INTO chart_link VALUES (?, ?, ?, 'manual')", [entry, title_id, now])
        refresh_charts(con, settings)
        links = con.sql("SELECT entry, title_id, linked_at, source FROM chart_link ORDER BY entry").to_arrow_table()
        change.put("chart_link", "manual", links)
        view = entry_views(con, "m.entry = ?", [entry])[0]
    return view
