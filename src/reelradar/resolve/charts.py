"""Chart entries resolved like any record: each distinct thing a chart names becomes a record for the
resolver, with what the chart says of it as evidence.

A chart row says little: a name, a week, a category. A name shared by several titles is the rule on a
full catalog (Hustle 1975 and 2022, Venom 1981 and 2018), so a name alone links nothing. An *entry* is
one charted thing across all its rows (a Netflix film or series with all its seasons; a CSV title of
one platform, kind, year and id), and its evidence is compared with each candidate as named
``Distance`` components:

- ``age``: the candidate's release year against the first week the entry charted. Charts rank what
  is new; a title released years before it first charted may be the one (an old film licensed anew)
  or a namesake, so without other evidence it is at most medium. A title released after the entry
  first charted cannot be it.
- ``runtime``: Netflix's global file gives films' runtimes (hours, since mid-2023).
- ``language``: Netflix's "(English)" and "(Non-English)" categories against the candidate's original
  languages, where the catalog knows them.
- ``kind`` and ``seasons``: Films vs TV; the highest season charted against the candidate's season count.
- ``id``: the row's id column, or the platform's own id where the catalog holds one (Wikidata's
  Netflix, Prime Video and Disney+ ids).
- ``availability``: an offer of the candidate on that platform (in that country, for a country chart).
- popularity (votes) only breaks a near-tie between two strong candidates; it never links alone.
- ``audience``: a title in a worldwide top 10 is watched by millions that week, and such titles gather
  hundreds of votes or more within weeks. A candidate with fewer than ``AUDIENCE_MIN_VOTES`` votes,
  counted at least ``AUDIENCE_LAG`` after the entry first charted, is a namesake as often as not: at
  most medium, unless an offer or an id ties it to the chart. Shown, never weighed: many votes prove
  nothing, and votes not counted (no rating row, or counted too soon) say nothing.

Only a strong match links the entry's rows (``chart_entry.title_id``); a medium one is kept as the
entry's candidate, shown as "possibly …" and counted nowhere. Manual links and unlinks
(``chart_links``) win over all of it and survive rebuilds. Every verdict, with its components, is
written to ``chart_match`` for ``reelradar why-match --chart`` and ``reelradar charts unresolved``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from reelradar.resolve.candidates import SERIES_KINDS, Candidate, index_for
from reelradar.resolve.distance import MEDIUM, NONE, SPACING, STRONG, Distance, Verdict, Weights
from reelradar.resolve.link import Match, Record, Resolver
from reelradar.resolve.normalize import normalize
from reelradar.vocab import platform_id_source, provider_key, provider_key_sql

# Titles a chart import created for entries that match nothing (catalog/charts_store.py): placeholders
# named by the chart itself, never candidates for another entry.
CREATED_PREFIX = "netflix:"
ENGLISH = frozenset({"english", "en", "eng"})
TIE_VOTES = 10  # a candidate with this many times the runner-up's votes wins a near-tie ...
TIE_MIN_VOTES = 1_000  # ... when it has at least this many
AUDIENCE_MIN_VOTES = 100  # fewer votes than this, weeks after a worldwide top 10: too few for the title charted
AUDIENCE_LAG = timedelta(weeks=4)
WORLD = "world"  # the country of a worldwide chart's rows
# Netflix names a dubbed version after its language ("Major (Hindi)", "Beast (English)"); catalogs name
# the film alone, so the name without the label is the entry's other name.
DUBBED = re.compile(r"^(.*\S) \((Hindi|Tamil|Telugu|Malayalam|Kannada|Bengali|Marathi|English|Spanish|French|"
                    r"German|Italian|Portuguese|Japanese|Korean|Turkish|Arabic)\)$")

_SLUG = "trim(regexp_replace(lower(strip_accents({col})), '[^a-z0-9]+', '-', 'g'), '-')"
# The entry a chart row belongs to: Netflix's entry key less its season part; for other charts the
# platform, kind, the file's entry key (name and year) and its id column.
ENTRY_SQL = (
    "CASE WHEN source = 'netflix' THEN regexp_replace(entry_key, ':s:.*$', '') "
    f"ELSE source || ':' || {_SLUG.format(col='platform')} || ':' || coalesce(title_kind, 'title') || ':' "
    "|| regexp_replace(entry_key, '^[a-z]+:', '') || coalesce(':' || title_ref, '') END"
)

MATCH_COLUMNS = {
    "entry": "VARCHAR", "source": "VARCHAR", "platform": "VARCHAR", "raw_title": "VARCHAR", "kind": "VARCHAR",
    "first_period": "DATE", "last_period": "DATE", "rows": "INTEGER", "runtime_min": "INTEGER",
    "verdict": "VARCHAR", "method": "VARCHAR", "title_id": "VARCHAR", "candidate_id": "VARCHAR",
    "distance": "DOUBLE", "reason": "VARCHAR", "components": "VARCHAR", "runner_up": "VARCHAR",
    "candidates": "VARCHAR", "evidence": "VARCHAR", "resolved_at": "TIMESTAMP",
}


@dataclass
class ChartRecord(Record):
    """A chart entry as a record: the name as charted, plus what the chart says of it."""

    entry: str = ""
    source: str = ""
    platform: str = ""
    first_period: date | None = None
    last_period: date | None = None
    first_weeks: int | None = None  # the source's weeks-in-top-10 count at its first row (>1: charted before)
    rows: int = 0
    english: bool | None = None  # Netflix's (English) / (Non-English) categories; None: not said
    first_season: int | None = None  # the season the entry first charted with
    max_season: int | None = None
    countries: list[str] = field(default_factory=list)
    evidence: str = ""  # a fingerprint of all of the above: an entry whose evidence is unchanged keeps its match

    @property
    def first_charted(self) -> date | None:
        """The first week the entry charted, counting weeks the source says it charted before its first row."""
        if self.first_period is None:
            return None
        return self.first_period - timedelta(weeks=max(0, (self.first_weeks or 1) - 1))


def chart_records(con: duckdb.DuckDBPyConnection, where: str = "TRUE") -> list[ChartRecord]:
    """One record per chart entry among the rows ``where`` selects. Rows carry their entry id in ``entry``
    (``ENTRY_SQL``, written at placement); rows a source placed itself, without an entry key, have none
    and are not resolved here."""
    rows = con.execute(f"""
        SELECT entry, any_value(source), any_value(platform),
               arg_min(split_part(raw_title, ' // ', 1), period_start),
               list_distinct(flatten(list(string_split(raw_title, ' // ')[2:]) FILTER (WHERE contains(raw_title, ' // ')))),
               arg_min(title_kind, period_start), any_value(title_year), any_value(title_ref),
               min(period_start), max(period_end), arg_min(cumulative_weeks, period_start), count(*),
               median(runtime_hours) FILTER (WHERE title_kind = 'movie'),
               bool_and(category LIKE '%(English)%') FILTER (WHERE category LIKE '%English)%'),
               bool_and(category LIKE '%(Non-English)%') FILTER (WHERE category LIKE '%English)%'),
               arg_min(season_number, period_start), max(season_number),
               list_sort(list_distinct(list(country)))
        FROM chart_entry WHERE entry IS NOT NULL AND ({where})
        GROUP BY 1 ORDER BY 1""").fetchall()
    out = []
    for (entry, source, platform, name, akas, kind, year, ref, first, last, weeks, n, hours, en, non_en,
         first_season, max_season, countries) in rows:
        akas = [a.strip() for a in akas or [] if a and a.strip() and a.strip() != name]
        dubbed = DUBBED.match(name or "") if source == "netflix" else None
        if dubbed:
            akas.append(dubbed.group(1))
        record = ChartRecord(
            title=name, year=year, kind=kind, xids=_ref_ids(ref), akas=akas,
            runtime_min=round(hours * 60) if hours else None, entry=entry, source=source, platform=platform,
            first_period=first, last_period=last, first_weeks=weeks, rows=n,
            english=True if en else False if non_en else None, first_season=first_season, max_season=max_season,
            countries=[c for c in countries if c],
        )
        record.evidence = _fingerprint(record)
        out.append(record)
    return out


def _ref_ids(ref: str | None) -> dict[str, str]:
    """A chart file's id column as the resolver's ids: an IMDb tconst, a Wikidata item, else TMDB's number."""
    if not ref:
        return {}
    ref = ref.strip()
    if ref.startswith("tt"):
        return {"imdb": ref}
    if ref[:1] == "Q" and ref[1:].isdigit():
        return {"wikidata": ref}
    return {"tmdb": ref} if ref.isdigit() else {"id": ref}


def _fingerprint(record: ChartRecord) -> str:
    said = asdict(record)
    said.pop("evidence", None)
    return json.dumps(said, default=str, sort_keys=True)


@dataclass
class Evidence:
    """What the catalog holds of a candidate beyond its title row: votes, offers, platform ids."""

    votes: dict[str, int] = field(default_factory=dict)
    votes_counted: dict[str, tuple[str, date | None]] = field(default_factory=dict)  # title id -> (source, as of)
    offers: dict[tuple[str, str], list[tuple[str | None, str, date | None]]] = field(default_factory=dict)
    # (title id, provider key) -> [(country, source, as of)]


def load_evidence(con: duckdb.DuckDBPyConnection, ids: Iterable[str], platforms: Iterable[str]) -> Evidence:
    """Votes and offers on ``platforms`` of the titles ``ids``, read in two queries."""
    ids = sorted(set(ids))
    keys = sorted({provider_key(p) for p in platforms})
    ev = Evidence()
    if not ids:
        return ev
    for tid, count, source, as_of in con.execute(
            "SELECT title_id, max(count), arg_max(source, count), arg_max(coalesce(as_of, fetched_at::DATE), count) "
            "FROM rating WHERE metric = 'user_mean' AND count IS NOT NULL "
            "AND title_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1", [ids]).fetchall():
        ev.votes[tid] = count
        ev.votes_counted[tid] = (source, as_of)
    for tid, key, country, source, as_of in con.execute(
            f"""SELECT title_id, {provider_key_sql('provider')}, country, source,
                       coalesce(as_of, fetched_at::DATE)
                FROM offer WHERE title_id IN (SELECT unnest(?::VARCHAR[]))
                  AND {provider_key_sql('provider')} IN (SELECT unnest(?::VARCHAR[]))""", [ids, keys]).fetchall():
        ev.offers.setdefault((tid, key), []).append((country, source, as_of))
    return ev


def age_penalty(record: ChartRecord, cand: Candidate) -> tuple[float, str, Verdict | None] | None:
    """(penalty, note, cap) of the candidate's year against the entry's first week; ``cap`` is the best
    verdict allowed and why, or None. Not counted when the chart gave the year itself (a year column, or
    in the name: "Death Wish (2018)")."""
    first = record.first_charted
    if charted_year(record) is not None or first is None:
        return None
    if cand.year is None:
        return None
    gap = first.year - cand.year
    seasons = record.first_season if cand.kind in SERIES_KINDS and record.first_season else 1
    allowed = 1 + 2 * (seasons - 1)  # a series first charting with season 4 began years before
    began = "began" if cand.kind in SERIES_KINDS else "released"
    charted = f"first charted in the week of {first.isoformat()}"
    if seasons > 1:
        charted += f" with season {seasons}"
    if gap < -1:
        return 1.0, f"{began} {cand.year}, after it {charted}", NONE
    if gap == -1:
        return 0.5, f"{began} {cand.year}, the year after it {charted}", MEDIUM
    if gap <= allowed:
        return 0.0, f"{began} {cand.year}; {charted}", None
    return 0.5, f"{began} {cand.year}, {gap} years before it {charted}", MEDIUM


def runtime_slack(a: int, b: int) -> int:
    """Minutes two listings of one cut may differ by: credits and rounding (5), or a PAL copy's 4%."""
    return max(5, round(0.05 * max(a, b)))


def charted_year(record: Record) -> int | None:
    """The year the chart gives: its year column, else a year in the name as charted."""
    if record.year is not None or not record.title:
        return record.year
    return normalize(record.title).year


def language_penalty(english: bool | None, languages: list[str]) -> tuple[float, str] | None:
    if english is None or not languages:
        return None
    said = ", ".join(languages[:3])
    has_english = any(lang.lower() in ENGLISH for lang in languages)
    only_english = all(lang.lower() in ENGLISH for lang in languages)
    if english:
        if has_english:
            return 0.0, f"in {said}, as the chart's English category says"
        return 1.0, f"the chart lists it as English; the catalog says {said}"
    if not only_english:
        return 0.0, f"in {said}, as the chart's non-English category says"
    return 1.0, f"the chart lists it as non-English; the catalog says {said}"


def audience_penalty(record: ChartRecord, votes: int | None,
                     counted: tuple[str, date | None] | None) -> tuple[float, str] | None:
    """Too few votes for a title a worldwide top 10 ranked, counted long enough after it charted to tell;
    None when the chart is not worldwide, or the votes are unknown, counted too soon or enough."""
    first = record.first_charted
    if WORLD not in record.countries or first is None or votes is None or counted is None:
        return None
    source, as_of = counted
    if as_of is None or as_of < first + AUDIENCE_LAG or votes >= AUDIENCE_MIN_VOTES:
        return None
    return 1.0, (f"only {votes:,} votes ({source}, {as_of.isoformat()}) for a title in {record.platform}'s "
                 f"worldwide top 10 since the week of {first.isoformat()}: too few for one watched that widely")


def seasons_penalty(max_season: int | None, season_count: int | None) -> tuple[float, str] | None:
    if not max_season or not season_count:
        return None
    if season_count >= max_season:
        return 0.0, f"season {max_season} charted; the catalog knows {season_count} seasons"
    # the catalog may lag behind a new season: half a penalty, not a full one
    return 0.5, f"season {max_season} charted; the catalog knows only {season_count}"


class ChartResolver(Resolver):
    """The resolver with a chart's evidence: every component above, and popularity to break near-ties."""

    def __init__(self, con: duckdb.DuckDBPyConnection, weights: Weights | None = None) -> None:
        super().__init__(con, weights, index_for(con, exclude_prefix=CREATED_PREFIX))
        self.evidence = Evidence()

    def prepare_all(self, records: list[ChartRecord]) -> None:
        """Look up every record's candidates and their evidence at once (a query per batch, not per entry)."""
        self.prepare(records)
        ids: set[str] = set()
        for r in records:
            names = [n for n in (r.title, *r.akas) if n]
            ids.update(c.id for c in self.candidates(r, names, r.year, r.kind))
        self.evidence = load_evidence(self.con, ids, {r.platform for r in records})

    def compare(self, record: Record, cand: Candidate) -> Distance:
        d = super().compare(record, cand)
        if not isinstance(record, ChartRecord):
            return d
        age = age_penalty(record, cand)
        if age is not None:
            d.add("age", age[0], age[1])
        for name, part in (("language", language_penalty(record.english, cand.languages)),
                           ("seasons", seasons_penalty(record.max_season, cand.season_count)
                            if cand.kind in SERIES_KINDS else None),
                           ("availability", self.availability(record, cand)),
                           ("audience", audience_penalty(record, self.evidence.votes.get(cand.id),
                                                         self.evidence.votes_counted.get(cand.id)))):
            if part is not None:
                d.add(name, *part)
        few = [c.note for c in d.components if c.name == "audience"]
        if few and not (d.has("availability") or d.has("id")):
            d.cap(MEDIUM, few[0])
        if age is not None and age[2] is not None:
            backed = d.has("availability") or d.has("id")
            if age[2] == NONE or not backed:
                need = "" if age[2] == NONE else f", and nothing else (an id, an offer on {record.platform}) ties it to this chart"
                d.cap(age[2], f"{age[1]}{need}")
        if age is None and charted_year(record) is None and cand.year is None and not d.has("availability"):
            d.cap(MEDIUM, "neither the chart nor the catalog gives a year")
        # The chart names a title in full and says its kind: a catalog title whose name agrees only but
        # for a subtitle (a sequel, a spin-off, the film a series came from), of another kind of film (a
        # short, a TV film of the name), or with seasons fewer than charted by more than one (the
        # catalog lags a season behind, not several) is another title as often as not.
        backed = d.has("availability") or d.has("id") or d.has("runtime", 0.1)
        differs = {c.name for c in d.components if c.penalty > (SPACING if c.name == "title" else 0.0)}
        if (cand.kind in SERIES_KINDS and record.max_season and cand.season_count
                and record.max_season > cand.season_count + 1 and not d.has("availability")):
            d.cap(MEDIUM, f"season {record.max_season} charted; the catalog knows only {cand.season_count}")
        # A runtime within rounding is shared by one namesake in a dozen: enough to tell a film from a
        # short of its name, not to make a name that agrees in part the title charted.
        if "title" in differs and not (d.has("availability") or d.has("id")):
            d.cap(MEDIUM, "the name agrees only in part, and nothing else (an id, an offer on "
                          f"{record.platform}) ties it to this chart")
        elif not backed and "kind" in differs:
            d.cap(MEDIUM, f"a {cand.kind}, not a {record.kind}, and nothing else (a runtime, an offer on "
                          f"{record.platform}) ties it to this chart")
        # Netflix gives a film's runtime to the minute, and catalogs list the same cut within a few
        # minutes (a PAL copy runs 4% faster): further apart is another film of the name, or a cut
        # nothing here vouches for.
        if (record.runtime_min and cand.runtime_min and not d.has("availability")
                and abs(record.runtime_min - cand.runtime_min) > runtime_slack(record.runtime_min, cand.runtime_min)):
            d.cap(MEDIUM, f"runtime {record.runtime_min} vs {cand.runtime_min} min: too far apart for one cut")
        return d

    def limit(self, record: Record, cand: Candidate, d: Distance) -> None:
        if not isinstance(record, ChartRecord):
            super().limit(record, cand, d)  # a chart entry's year evidence is its age (compare, above)

    def availability(self, record: ChartRecord, cand: Candidate) -> tuple[float, str] | None:
        """An offer of the candidate on the chart's platform, or the platform's own id for it."""
        source = platform_id_source(record.platform)
        if source and source in cand.xids:
            return 0.0, f"the catalog holds its {record.platform} id ({cand.xids[source]})"
        offers = self.evidence.offers.get((cand.id, provider_key(record.platform)), [])
        countries = set(record.countries) - {"world"}
        here = [o for o in offers if not countries or o[0] is None or o[0] in countries]
        if not here:
            return None
        country, src, as_of = here[0]
        where = f" in {country}" if country else ""
        return 0.0, f"offered on {record.platform}{where} ({src}, {as_of})"

    def break_tie(self, best: Candidate, second: Candidate) -> str | None:
        a, b = self.evidence.votes.get(best.id), self.evidence.votes.get(second.id)
        if a is None or a < TIE_MIN_VOTES or (b is not None and a < TIE_VOTES * b):
            return None
        return (f"{best.title} ({best.year}) has {a:,} votes against {b:,} for {second.title} ({second.year})"
                if b is not None else f"{best.title} ({best.year}) has {a:,} votes, {second.title} none known")


def resolve_entries(con: duckdb.DuckDBPyConnection, records: list[ChartRecord],
                    weights: Weights | None = None) -> list[tuple[ChartRecord, Match, list[dict[str, Any]]]]:
    """Each record's match and its nearest candidates (id, title, year, kind, distance, verdict)."""
    resolver = ChartResolver(con, weights)
    resolver.prepare_all(records)
    out = []
    for record in records:
        m = resolver.match(record)
        out.append((record, m, [{"id": c.id, "title": c.title, "year": c.year, "kind": c.kind, "distance": d.value,
                                 "verdict": str(d.verdict())} for d, c in resolver.last_scored[:3]]))
    return out


def ensure_match_table(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{name} {kind}" for name, kind in MATCH_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS chart_match ({cols})")


def write_matches(con: duckdb.DuckDBPyConnection,
                  results: list[tuple[ChartRecord, Match, list[dict[str, Any]]]]) -> None:
    """Replace the ``chart_match`` rows of these entries with their new matches."""
    ensure_match_table(con)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for r, m, near in results:
        linked = m.title_id if m.verdict == STRONG else None
        candidate = m.title_id or (near[0]["id"] if near and m.verdict != NONE else None)
        rows.append((r.entry, r.source, r.platform, r.title, r.kind, r.first_period, r.last_period, r.rows,
                     r.runtime_min, str(m.verdict), m.method, linked, candidate, m.distance, m.reason,
                     json.dumps([asdict(c) for c in m.components]), m.runner_up, json.dumps(near), r.evidence, now))
    con.execute("DELETE FROM chart_match WHERE entry IN (SELECT unnest(?::VARCHAR[]))", [[r[0] for r in rows]])
    if rows:
        table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(MATCH_COLUMNS)})
        con.register("_matches", table)
        try:
            con.execute("INSERT INTO chart_match BY NAME SELECT * FROM _matches")
        finally:
            con.unregister("_matches")


__all__ = ["ENTRY_SQL", "ChartRecord", "ChartResolver", "chart_records", "resolve_entries", "write_matches"]
