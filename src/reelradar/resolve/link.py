"""Match a record (title, year, kind, ids, people) to one catalog title, and say why.

``match(con, record)`` is the one entry point other modules call (imports, chart files); a
``Resolver`` keeps the blocking index of one catalog for many records. Exact ids win; otherwise the
nearest candidate by ``Distance`` decides, and a runner-up almost as near turns a strong match into a
medium one, because two equally good answers mean we do not know.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from reelradar.resolve.candidates import (
    Candidate,
    CatalogIndex,
    GrowingIndex,
    index_for,
    people_of,
    xid_source,
)
from reelradar.resolve.distance import (
    MEDIUM,
    NONE,
    STRONG,
    Component,
    Distance,
    Weights,
    at_most,
    kind_penalty,
    people_penalty,
    runtime_penalty,
    title_penalty,
    verdict,
    year_penalty,
)
from reelradar.resolve.normalize import name_forms, normalize


@dataclass
class Record:
    """What a source says about a title: enough to find it again in any catalog."""

    title: str | None
    year: int | None = None
    kind: str | None = None  # movie, series, ... (None: unknown)
    xids: dict[str, str] = field(default_factory=dict)  # {"imdb": "tt…", "tmdb": "…", "wikidata": "Q…"}
    runtime_min: int | None = None
    people: list[str] = field(default_factory=list)  # directors or cast, when the source names them
    akas: list[str] = field(default_factory=list)  # other names the source gives (original, native-language)

    def said(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "kind": self.kind, "ids": dict(self.xids)}


@dataclass(slots=True)
class Match:
    """The catalog title a record became (or none), with the verdict and every component."""

    title_id: str | None
    verdict: str  # strong, medium, none
    distance: float | None
    method: str  # id, title, manual, none
    reason: str
    components: list[Component] = field(default_factory=list)
    title: str | None = None
    year: int | None = None
    kind: str | None = None
    tconst: str | None = None
    runner_up: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (the verdict as its string), as stored and as answered."""
        return {"title_id": self.title_id, "verdict": str(self.verdict), "distance": self.distance,
                "method": self.method, "reason": self.reason,
                "components": [{"name": c.name, "penalty": c.penalty, "weight": c.weight, "note": c.note}
                               for c in self.components],
                "title": self.title, "year": self.year, "kind": self.kind, "tconst": self.tconst,
                "runner_up": self.runner_up}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Match:
        comps = [Component(**c) for c in data.get("components") or []]
        return cls(**{**data, "components": comps})

# Ids a catalog may carry; others (a Letterboxd URI, a Trakt number) are kept but not worth a mention.
LINKABLE_IDS = ("imdb", "tmdb", "tmdb_movie", "tmdb_tv", "wikidata")


def _ids_text(ids: dict[str, str]) -> str:
    return " and ".join(f"{source} id {value}" for source, value in ids.items())


def _doubts(d: Distance) -> str:
    """The components that keep a match from being strong, most telling first."""
    against = sorted((c for c in d.components if c.penalty > 0), key=lambda c: -c.contribution)
    return "; ".join(c.note for c in against[:3]) or "a small distance"


def _sources_text(ids: dict[str, str]) -> str:
    return "/".join(ids)


_no_name: list[str | None] = [None]  # a record of ids alone is still looked up by them


def _names(record: Record) -> list[str]:
    """Every name the record gives: its title, the other name written with it ("… (Sen to Chihiro…)",
    "… a.k.a. …"), its alternative titles."""
    forms = [*(name_forms(record.title) if record.title else []), *record.akas]
    return [n for n in dict.fromkeys(forms) if n and normalize(n).key]


def _year_hint(record: Record) -> int | None:
    if record.year is not None or not record.title:
        return record.year
    return normalize(record.title).year


def _kind_hint(record: Record) -> str | None:
    if record.kind or not record.title:
        return record.kind
    return "series" if normalize(record.title).season is not None else None


class Resolver:
    """Resolves records against one catalog; build it once and call ``match`` for each record."""

    def __init__(self, con: duckdb.DuckDBPyConnection, weights: Weights | None = None,
                 index: CatalogIndex | GrowingIndex | None = None) -> None:
        self.con = con
        self.weights = weights or Weights()
        self.index = index or index_for(con)
        self._people: dict[str, dict[str, str]] = {}
        self.respelled: set[str] = set()  # titles found only by respelling a record's name a letter off

    def prepare(self, records: Iterable[Record]) -> None:
        """Look up at once the candidates of records about to be matched (a large catalog's index holds
        only those); a no-op on a catalog indexed whole."""
        if isinstance(self.index, GrowingIndex):
            self.index.prepare((name, _year_hint(r), _kind_hint(r), r.xids if name == r.title else {})
                               for r in records for name in (_names(r) or _no_name))

    def match(self, record: Record) -> Match:
        self.last_scored: list[tuple[Distance, Candidate]] = []  # every candidate compared, nearest first
        self.respelled = set()
        self.prepare([record])
        linked = self.index.by_external_id(record.xids)
        if linked is not None:
            cand, via = linked
            dist = self.compare(record, cand) if record.title else Distance(self.weights)
            comps = [Component("id", 0.0, 0.0, f"same {via}"), *dist.components]
            return self._result(cand, STRONG, 0.0, "id", f"linked by {via}", comps)
        names = _names(record)
        if not names:
            missing = "an id in this catalog" if record.xids else "a title or an id"
            return Match(None, NONE, None, "none", f"the record has none: it needs {missing}")
        kind = _kind_hint(record)
        year = _year_hint(record)
        absent = self.absent_ids(record)
        cands = self.candidates(record, names, year, kind, absent)
        ruled_out = [c for c in cands if self._has_other_id(c, absent)]
        cands = [c for c in cands if c not in ruled_out]
        if not cands:
            return Match(None, NONE, None, "none", self._why_none(record, kind, year, absent, ruled_out))
        if record.people:
            self._load_people([c.id for c in cands])
        self.before_compare(record, cands)
        scored = sorted(((self.compare(record, c), c) for c in cands), key=lambda dc: (dc[0].value, dc[1].id))
        self.last_scored = scored
        best_d, best = scored[0]
        if absent:
            best_d.cap(MEDIUM, f"its {_ids_text(absent)} {'is' if len(absent) == 1 else 'are'} in no catalog "
                               "title: matched by name alone")
        verdict_ = verdict(best_d.value, self.weights)
        reason = f"nearest of {len(cands)} candidate{'s' if len(cands) > 1 else ''}"
        if ruled_out:
            reason += f" ({len(ruled_out)} ruled out by their own {_sources_text(absent)} id)"
        if best.id in self.respelled:
            reason += ", found by respelling a word of the name one letter off"
        runner = None
        if len(scored) > 1:
            second_d, second = scored[1]
            runner = f"{second.title} ({second.year}) {second.id} at {second_d.value:.3f}"
            if verdict_ == STRONG and second_d.value - best_d.value <= self.weights.ambiguity:
                settled = self.break_tie(best, second)
                if settled is None:
                    verdict_ = MEDIUM
                    reason = f"ambiguous: {second.title} ({second.year}, {second.id}) is as near"
                else:
                    reason += f"; {settled}"
        if best_d.limit is not None and at_most(verdict_, best_d.limit[0]) != verdict_:
            verdict_ = best_d.limit[0]
            reason = f"at most {verdict_}: {best_d.limit[1]}; {reason}"
        elif verdict_ == MEDIUM and not reason.startswith("ambiguous"):
            reason = f"near but not sure ({_doubts(best_d)}); {reason}"
        if verdict_ == NONE:
            why = reason if best_d.value <= self.weights.medium else \
                f"too far ({best_d.value:.3f} > {self.weights.medium:g})"
            return Match(None, NONE, best_d.value, "none",
                         f"nearest candidate {best.title} ({best.year}, {best.id}): {why}", best_d.components,
                         runner_up=runner)
        result = self._result(best, verdict_, best_d.value, "title", reason, best_d.components)
        result.runner_up = runner
        return result

    def candidates(self, record: Record, names: list[str], year: int | None, kind: str | None,
                   absent: dict[str, str] | None = None) -> list[Candidate]:
        """The catalog titles sharing a key with any of the record's names, in its kind group and year;
        when none does, those a name one letter off from the record's would find (``respelled``).
        ``absent``: the record's ``absent_ids``, when the caller has them already."""
        seen: dict[str, Candidate] = {}
        for name in names:
            for cand in self.index.block(normalize(name), year, kind):
                seen.setdefault(cand.id, cand)
        # respelling is no use to a record whose own id rules out every title carrying another of its source
        if not seen and not (self.absent_ids(record) if absent is None else absent):
            for name in names:
                for cand in self.index.near(normalize(name), year, kind):
                    seen.setdefault(cand.id, cand)
                    self.respelled.add(cand.id)
        return list(seen.values())

    def absent_ids(self, record: Record) -> dict[str, str]:
        """The record's ids of sources the catalog indexes that no catalog title carries: evidence against
        every title carrying another id of that source (``by_external_id`` found none of them)."""
        indexed = self.index.id_sources(_kind_hint(record))
        out = {}
        for name, value in record.xids.items():
            source = xid_source(name)
            if value not in (None, "") and name in LINKABLE_IDS and source in indexed:
                out[source] = str(value)
        return out

    def _has_other_id(self, cand: Candidate, absent: dict[str, str]) -> bool:
        return any(source in cand.xids for source in absent)

    def _why_none(self, record: Record, kind: str | None, year: int | None, absent: dict[str, str],
                  ruled_out: list[Candidate]) -> str:
        if ruled_out:
            shown = ", ".join(f"{c.title} ({c.year}) {c.xids[next(s for s in absent if s in c.xids)]}"
                              for c in ruled_out[:3])
            return (f"its {_ids_text(absent)} {'is' if len(absent) == 1 else 'are'} in no catalog title, and every "
                    f"title of this name has another: {shown}")
        where = f" within a year of {year}" if year is not None else ""
        linkable = [f"{k} {v}" for k, v in record.xids.items() if k in LINKABLE_IDS]
        ids = f" (its ids {', '.join(linkable)} are not in the catalog)" if linkable else ""
        return f"no {kind or 'title'} with this name{where}{ids}"

    def before_compare(self, record: Record, cands: list[Candidate]) -> None:
        """Load at once what ``compare`` will need of these candidates (a hook for chart evidence)."""

    def break_tie(self, best: Candidate, second: Candidate) -> str | None:
        """A reason to keep a strong match although the runner-up is as near (None: there is none)."""
        return None

    def compare(self, record: Record, cand: Candidate) -> Distance:
        """The distance between a record and one catalog title, component by component."""
        d = Distance(self.weights)
        if record.title:
            d.add("title", *self._title_part(record, cand))
        for name, part in (
            ("year", year_penalty(_year_hint(record), cand.year, self.weights.year_off_by_one)),
            ("kind", kind_penalty(record.kind, cand.kind)),
            ("runtime", runtime_penalty(record.runtime_min, cand.runtime_min)),
            ("people", people_penalty(record.people, self._people.get(cand.id, {})) if record.people else None),
        ):
            if part is not None:
                d.add(name, *part)
        self.limit(record, cand, d)
        if cand.id in self.respelled and not d.has("title", 0.0):
            d.cap(MEDIUM, "found only by respelling a word of the name one letter off")
        return d

    def _title_part(self, record: Record, cand: Candidate) -> tuple[float, str]:
        """The best title agreement over the record's names; a name given in brackets or after "a.k.a."
        agrees at best as a subtitle would (it may be the name of a cut, or of another title)."""
        assert record.title
        alt = normalize(record.title).alt
        parts = []
        for name in (record.title, *record.akas):
            if name:
                parts.append(title_penalty(normalize(name), cand.names(), self.weights.subtitle))
        if alt:
            penalty, note = title_penalty(normalize(alt), cand.names(), self.weights.subtitle)
            parts.append((max(penalty, self.weights.subtitle), f"{note}, through '{alt}', the other name given"))
        return min(parts, key=lambda pn: pn[0])

    def limit(self, record: Record, cand: Candidate, d: Distance) -> None:
        """Caps on the verdict: a record with no year needs more than its name (a runtime or people
        that agree) to be strong — an upcoming title or a remake shares its name with older ones."""
        if _year_hint(record) is None and cand.year is not None \
                and not (d.has("runtime", 0.1) or d.has("people", 0.34)):
            d.cap(MEDIUM, "the record gives no year, and nothing but the name ties it to this title")

    def _load_people(self, ids: list[str]) -> None:
        todo = [i for i in ids if i not in self._people]
        found = people_of(self.con, todo)
        for i in todo:
            self._people[i] = found.get(i, {})

    def _result(self, cand: Candidate, verdict_: str, value: float, method: str, reason: str,
                comps: list[Component]) -> Match:
        return Match(cand.id, verdict_, value, method, reason, comps, cand.title, cand.year, cand.kind, cand.tconst)

    def manual(self, title_id: str) -> Match:
        """The match a person chose with ``reelradar link``."""
        cand = self.index.by_id(title_id)
        if cand is None:
            return Match(title_id, STRONG, 0.0, "manual", "linked by hand (title not in this catalog)")
        return self._result(cand, STRONG, 0.0, "manual", "linked by hand", [])


# One blocking index per catalog file and build, shared by every connection to it (a web server's
# pool, a chart import, a web form), so it is built once: for a 1M-title catalog that takes seconds.
_INDEX: dict[tuple[str, str | None], CatalogIndex] = {}
_LOCK = threading.Lock()


def resolver_for(con: duckdb.DuckDBPyConnection, settings: object | None = None) -> Resolver:
    """A resolver over ``con``'s catalog, reusing the index while the catalog file and build stay the same."""
    row = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    built = row[0] if row else None
    db = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    where = f"memory:{id(con)}"
    if db and db[0]:
        # the inode too: a rebuild swaps a new file in, even within the second of the last build
        where = f"{db[0]}:{os.stat(db[0]).st_ino if os.path.exists(db[0]) else 0}"
    weights = Weights.from_settings(settings) if settings is not None else Weights()
    with _LOCK:
        index = _INDEX.get((where, built))
        if index is None:
            fresh = index_for(con)
            if isinstance(fresh, GrowingIndex):  # grows with its connection's records: not shared
                return Resolver(con, weights, fresh)
            index = fresh
            _INDEX.clear()  # one catalog at a time: the index of a large catalog is large
            _INDEX[(where, built)] = index
    return Resolver(con, weights, index)


def match(con: duckdb.DuckDBPyConnection, record: Record, settings: object | None = None) -> Match:
    """Match one record against the catalog ``con``: the function other modules call."""
    return resolver_for(con, settings).match(record)


__all__ = ["MEDIUM", "NONE", "STRONG", "Match", "Record", "Resolver", "match", "resolver_for"]
