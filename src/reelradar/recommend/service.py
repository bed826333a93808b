"""The library calls behind ``reelradar like`` and ``reelradar recommend``: filters to a mask, a
person's history to a query, the models run, and the results explained."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from reelradar.analytics.availability import ServiceCheck, availability_of
from reelradar.analytics.filters import Filters
from reelradar.catalog.search import find_title
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Interaction, Reason
from reelradar.recommend.base import Interactions, Query, Recommendation
from reelradar.recommend.content import ContentModel, load_index
from reelradar.recommend.explain import (
    against_words,
    because_reasons,
    history_words,
    like_reasons,
    score_reason,
)
from reelradar.recommend.features import BLOCKS, NOT_RECOMMENDED, ContentIndex
from reelradar.recommend.hybrid import Blend, ForYou, ModeRules
from reelradar.recommend.itemknn import ItemKNN
from reelradar.recommend.movielens import load_links, load_ratings, with_catalog_ids
from reelradar.recommend.opinion import opinion_of, opinions_by
from reelradar.users.actions import history_marks

SEEN = ("rated", "watched", "liked")


def filter_mask(index: ContentIndex, filters: Filters | None) -> np.ndarray | None:
    """Which catalog titles pass ``filters`` but their services (None: all), from the index's arrays
    alone; the services narrow the list in ``on_services``."""
    if filters is None:
        return None
    filters.check()
    mask = np.ones(len(index), dtype=bool)
    touched = False
    if filters.kind:
        touched = True
        mask &= index.kind_code == (index.kinds.index(filters.kind) if filters.kind in index.kinds else -1)
    for block, value in (("genre", filters.genre), ("language", filters.language)):
        if value:
            touched = True
            fid = index.feature_id(block, value.lower())
            has = np.zeros(len(index), dtype=bool)
            if fid is not None:
                cols = index.columns
                has[cols.indices[cols.indptr[fid]:cols.indptr[fid + 1]]] = True
            mask &= has
    for array, low, high in ((index.year, filters.year_from, filters.year_to),
                             (index.runtime, filters.runtime_min, filters.runtime_max)):
        if low is not None:
            touched = True
            mask &= array >= low  # unknown (nan) fails: a filter asks for a known value
        if high is not None:
            touched = True
            mask &= array <= high
    if filters.exclude:
        touched = True
        for title_id in filters.exclude:
            p = index.pos.get(title_id)
            if p is not None:
                mask[p] = False
    return mask if touched else None


def on_services(con: duckdb.DuckDBPyConnection, index: ContentIndex, filters: Filters | None,
                mask: np.ndarray | None) -> tuple[np.ndarray | None, ServiceCheck | None]:
    """``mask`` narrowed to the filter's services as every list narrows them (analytics/filters.py):
    titles known only elsewhere left out, those of unknown availability kept; and the counts."""
    if filters is None or not filters.services:
        return mask, None
    status, params = filters.availability_sql("t")
    rows = con.execute(
        f"""SELECT id, a FROM (SELECT t.id, {status} AS a FROM (SELECT DISTINCT title_id AS id FROM offer
              UNION SELECT DISTINCT title_id FROM chart_entry WHERE title_id IS NOT NULL) t) WHERE a <> 'unknown'""",
        params).fetchall()
    yours, elsewhere = np.zeros(len(index), dtype=bool), np.zeros(len(index), dtype=bool)
    for title_id, a in rows:
        p = index.pos.get(title_id)
        if p is not None:
            (yours if a == "yours" else elsewhere)[p] = True
    base = np.ones(len(index), dtype=bool) if mask is None else mask
    checked, mine, other = int(base.sum()), int((base & yours).sum()), int((base & elsewhere).sum())
    check = ServiceCheck(list(filters.services), filters.country, checked, mine, other, checked - mine - other)
    return base & ~elsewhere, check


def allowed_for(con: duckdb.DuckDBPyConnection, index: ContentIndex,
                filters: Filters | None) -> tuple[np.ndarray | None, ServiceCheck | None]:
    """The titles a recommendation may be (every filter, services the honest way) and the counts."""
    if filters is not None:
        filters.check_in(con)
    return on_services(con, index, filters, filter_mask(index, filters))


@dataclass
class History:
    """A person's interactions as positions in the catalog."""

    weights: dict[int, float] = field(default_factory=dict)
    exclude: set[int] = field(default_factory=set)
    words: dict[int, str] = field(default_factory=dict)
    against: dict[int, str] = field(default_factory=dict)  # disliked: 'you rated Lost Highway 2/10'
    unmatched: int = 0


def interaction_weight(i: Interaction, points: dict[float, float] | None = None) -> float:
    """How much an interaction says the person likes the title (-1..1), a rating read against the
    person's ``midpoints`` (None: of someone with no other ratings); the rule is recommend/opinion.py's."""
    return opinion_of(i, points).weight


def history_of(index: ContentIndex, interactions: list[Interaction]) -> History:
    """Map interactions to catalog positions, each title weighed by what it says of the person's taste
    (``opinions``: its latest rating on the person's own scale, else its latest interaction); every title
    of the history stays excluded, whatever it says."""
    h = History()

    def position(it: Interaction) -> int | None:
        tid = it.title_id or it.xids.get("imdb")
        return index.pos.get(tid) if tid else None

    for it in interactions:
        pos = position(it)
        if pos is None:
            h.unmatched += 1
        else:
            h.exclude.add(pos)  # seen, dismissed or already on the watchlist: never recommended again
    for pos, said in opinions_by(interactions, position).items():
        i = said.interaction
        h.weights[pos] = said.weight
        h.words[pos] = history_words(i.action, i.rating, i.scale)
        if said.disliked:
            h.against[pos] = against_words(str(index.names[pos]), i.action, i.rating, i.scale)
    return h


def _recommendation(index: ContentIndex, i: int, score: float, reasons: list[Reason],
                    parts: dict[str, float]) -> Recommendation:
    year = index.year[i]
    return Recommendation(
        id=str(index.ids[i]), title=str(index.names[i]), kind=index.kinds[int(index.kind_code[i])],
        year=None if np.isnan(year) else int(year), score=round(float(score), 6),
        acclaim=None if np.isnan(index.acclaim[i]) else float(index.acclaim[i]),
        awareness=None if np.isnan(index.awareness[i]) else float(index.awareness[i]),
        reasons=reasons, parts={k: round(v, 6) for k, v in parts.items()}, facts_from=index.facts_from(i),
    )


@dataclass
class Likes:
    """``reelradar like`` whole: the seed, the titles like it, and how the services filter narrowed them.
    ``too_little``: why no title can be compared with the seed (nothing but its name and kind is known);
    ``basis``: what the comparison rests on when that is thin (only genres); ``empty``: why no title
    came back otherwise."""

    seed: Recommendation
    items: list[Recommendation]
    services: ServiceCheck | None = None
    too_little: str | None = None
    basis: str | None = None
    empty: str | None = None

    def notes(self) -> list[str]:
        return [n for n in (self.too_little, self.basis if self.items else None,
                            self.services.text() if self.services else None,
                            None if self.items or self.too_little else self.empty) if n]

    def to_dict(self) -> dict[str, object]:
        return {"like": {"id": self.seed.id, "title": self.seed.title, "year": self.seed.year},
                "items": [r.to_dict() for r in self.items], "too_little": self.too_little,
                "services": self.services.to_dict() if self.services else None, "notes": self.notes()}


# Blocks of the content index a title can be compared on; a shared language alone says nothing of
# likeness ("English"), nor do era and kind (dense columns every title has).
COMPARED = ("genre", "keyword", "text", "cast", "crew", "source", "universe", "character")
MISSING_WORDS = (("genres", ("genre",)), ("keywords", ("keyword",)), ("synopsis", ("text",)),
                 ("credits", ("cast", "crew")), ("relations", ("source", "universe")))


def compared_features(index: ContentIndex, seed: int) -> tuple[np.ndarray, set[str]]:
    """The seed's features a likeness can rest on, and the blocks they come from."""
    feats = index.matrix[seed].indices
    blocks = np.asarray([BLOCKS[int(b)] for b in index.feature_block[feats]], dtype=object)
    keep = np.isin(blocks, COMPARED) if len(feats) else np.zeros(0, dtype=bool)
    return feats[keep], set(blocks[keep].tolist())


def sharing_mask(index: ContentIndex, feats: np.ndarray) -> np.ndarray:
    """The titles that share at least one of ``feats`` (from the index's posting lists)."""
    mask = np.zeros(len(index), dtype=bool)
    if len(feats):
        mask[np.unique(index.columns[:, feats].indices)] = True
    return mask


def too_little_words(title: str) -> str:
    words = [w for w, _ in MISSING_WORDS]
    return (f"too little is known about {title} to find titles like it: no {', '.join(words[:-1])} or "
            f"{words[-1]} in the catalog")


def more_like_this(con: duckdb.DuckDBPyConnection, settings: Settings, title: str, *,
                   filters: Filters | None = None, interactions: list[Interaction] | None = None,
                   limit: int = 10) -> tuple[Recommendation, list[Recommendation]]:
    """Titles most like ``title`` (a name or an id), each with what it shares with it."""
    found = more_like(con, settings, title, filters=filters, interactions=interactions, limit=limit)
    return found.seed, found.items


def more_like(con: duckdb.DuckDBPyConnection, settings: Settings, title: str, *,
              filters: Filters | None = None, interactions: list[Interaction] | None = None,
              limit: int = 10) -> Likes:
    """Titles most like ``title`` (a name or an id), each with what it shares with it, in order of
    likeness: with services, those known only elsewhere are left out and the others marked (yours,
    unknown); titles of the person's history are marked ("seen, rated 5★") or, with
    ``filters.exclude``, left out."""
    if limit < 1:
        raise BadInput(f"--limit must be at least 1, not {limit}")
    index = load_index(con, settings)
    title_id = title if title in index.pos else find_title(con, title)  # an id needs no search
    seed = index.position(title_id)
    if seed is None:
        kind = con.execute("SELECT kind FROM title WHERE id = ?", [title_id]).fetchone()
        if kind and kind[0] in NOT_RECOMMENDED:
            raise BadInput(f"{title_id} is a season or an episode: ask for its series instead")
        raise BadInput(f"{title_id} is not among the {len(index):,} best-known titles recommendations are made "
                       "from (adult titles are left out too): try a better-known one")
    history = history_of(index, interactions or [])
    me = _recommendation(index, seed, 1.0, [], {})
    # Only titles sharing something known with the seed are like it: era and kind alone are filler.
    feats, blocks = compared_features(index, seed)
    if not blocks:
        if filters is not None:
            filters.check_in(con)
        return Likes(me, [], too_little=too_little_words(me.title))
    share = sharing_mask(index, feats)
    share[seed] = False
    if filters is not None:
        filters.check_in(con)
    mask = filter_mask(index, filters)
    allowed, check = on_services(con, index, filters, share if mask is None else mask & share)
    model = ContentModel(index)
    query = Query(seed=seed, exclude=history.exclude if filters and filters.exclude else set(), allowed=allowed)
    found = model.recommend(query, limit)
    out = [_recommendation(index, i, s, like_reasons(index, seed, i) + [score_reason(index, i)], {"similarity": s})
           for i, s in found]
    _mark(con, out, filters, interactions or [], check)
    likes = Likes(me, out, check)
    if blocks <= {"genre"}:
        likes.basis = f"only {me.title}'s genres are known: these titles share them, nothing more was compared"
    if not share.any():
        likes.empty = f"no other title in the catalog shares anything known about {me.title}"
    else:
        likes.empty = "no title matches these filters"
    return likes


def _mark(con: duckdb.DuckDBPyConnection, items: list[Recommendation], filters: Filters | None,
          interactions: list[Interaction], check: ServiceCheck | None) -> None:
    """Each item's availability (a title on the person's services says where to watch it first among
    the closing reasons) and what the person did with it; the counts of those shown."""
    marks = availability_of(con, [r.id for r in items], filters) if filters else {}
    mine = history_marks(interactions).marks
    for r in items:
        r.availability, r.history = marks.get(r.id), mine.get(r.id)
        if r.availability is not None and r.availability.status == "yours":
            r.reasons.insert(len(r.reasons) - 1, Reason("watch " + r.availability.text, "availability"))
    if check is not None:
        check.count_shown([r.availability for r in items])


def _cf_cache(settings: Settings, ratings: Path, links: Path) -> Path:
    stamp = "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (ratings, links))
    return settings.data_dir / "recommend" / f"cf-{hashlib.sha1(stamp.encode()).hexdigest()[:16]}.pkl"


def collaborative_model(settings: Settings, index: ContentIndex, ratings: Path, links: Path) -> tuple[ItemKNN, np.ndarray]:
    """ItemKNN fitted on a MovieLens-format file, items aligned to the catalog; kept beside the catalog."""
    for p in (ratings, links):
        if not p.is_file():
            raise BadInput(f"{p}: no such file")
    cache = _cf_cache(settings, ratings, links)
    if cache.exists():
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError):
            with cache.open("rb") as fh:
                knn, items = pickle.load(fh)
            return knn, np.asarray([index.pos.get(str(i), -1) for i in items], dtype=np.int64)
    data = with_catalog_ids(load_ratings(ratings), load_links(links))
    knn = ItemKNN().fit(data)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + f".{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        with tmp.open("wb") as fh:
            pickle.dump((knn, data.items), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    return knn, np.asarray([index.pos.get(str(i), -1) for i in data.items], dtype=np.int64)


@dataclass
class ForYouResult:
    items: list[Recommendation]
    history: int  # interactions matched to the catalog
    unmatched: int
    collaborative: str | None  # the ratings file the collaborative part was fitted on
    notes: list[str] = field(default_factory=list)
    services: ServiceCheck | None = None  # how the services filter narrowed the list


def recommend_for(con: duckdb.DuckDBPyConnection, settings: Settings, interactions: list[Interaction], *,
                  mode: str = "for-you", filters: Filters | None = None, limit: int = 10,
                  ratings: Path | None = None, links: Path | None = None) -> ForYouResult:
    """Recommendations for a person from their history, never a title they have seen or dismissed (one on
    their watchlist is marked so); with services, those known only elsewhere are left out and the others
    marked (yours, unknown), and a note counts them."""
    if limit < 1:
        raise BadInput(f"--limit must be at least 1, not {limit}")
    if (ratings is None) != (links is None):
        raise BadInput("collaborative filtering needs both a ratings file and its links file")
    index = load_index(con, settings)
    rules = ModeRules(settings.radar_min_acclaim, settings.radar_max_awareness, settings.radar_min_evidence,
                      float(getattr(settings, "chart_breakout_min_momentum", 0.0)))
    model = ForYou(index, mode, Blend(), rules)
    notes = []
    if ratings is not None and links is not None:
        knn, align = collaborative_model(settings, index, ratings, links)
        model.knn, model.cf_align = knn, align
        model.cf_of_catalog = {int(c): k for k, c in enumerate(align) if c >= 0}
    history = history_of(index, interactions)
    if not history.weights:
        notes.append("no history matched to the catalog: ranked by acclaim alone")
    if mode == "hot":
        notes.append(f"breaking out: chart momentum at least {rules.hot_min_momentum:g} (log ratio of chart "
                     "points to the window before)")
    allowed, check = allowed_for(con, index, filters)
    query = Query(history=history.weights, exclude=history.exclude, allowed=allowed)
    found = model.recommend(query, limit)
    parts = model.last_parts
    out = []
    because = because_reasons(index, history.weights, history.words, [i for i, _ in found], history.against)
    for i, s in found:
        reasons = because[i]
        if model.knn is not None and "collaborative" in parts and parts["collaborative"][i] > 0:
            reasons.append(Reason("people in the ratings file who liked your titles liked it too", "collaborative",
                                  ratings.name if ratings else None))
        if mode == "hot" and index.momentum is not None:
            reasons.append(Reason(f"breaking out: chart momentum {float(index.momentum[i]):.2f} "
                                  "(log ratio of chart points to the window before)", "chart"))
        out.append(_recommendation(index, i, s, reasons + [score_reason(index, i)],
                                   {k: float(v[i]) for k, v in parts.items()}))
    _mark(con, out, filters, interactions, check)
    return ForYouResult(out, len(history.weights), history.unmatched, str(ratings) if ratings else None, notes,
                        check)


def empty_interactions() -> Interactions:
    import scipy.sparse as sp

    return Interactions(np.zeros(0, dtype=object), np.zeros(0, dtype=object), sp.csr_matrix((0, 0), dtype=np.float32))
