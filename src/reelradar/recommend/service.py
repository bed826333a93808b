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

from reelradar.analytics.filters import Filters
from reelradar.catalog.search import find_title
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Interaction, Reason
from reelradar.recommend.base import Interactions, Query, Recommendation
from reelradar.recommend.content import ContentModel, load_index
from reelradar.recommend.explain import (
    because_reasons,
    history_words,
    like_reasons,
    offer_reason,
    score_reason,
)
from reelradar.recommend.features import NOT_RECOMMENDED, ContentIndex
from reelradar.recommend.hybrid import Blend, ForYou, ModeRules
from reelradar.recommend.itemknn import ItemKNN
from reelradar.recommend.movielens import load_links, load_ratings, with_catalog_ids

SEEN = ("rated", "watched", "liked")
ACTION_WEIGHT = {"liked": 1.0, "watchlist": 0.5, "watched": 0.3, "dismissed": -0.5}


def filter_mask(index: ContentIndex, filters: Filters | None) -> np.ndarray | None:
    """Which catalog titles pass ``filters`` (None: all), from the index's arrays alone."""
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
    if filters.services:
        touched = True
        providers, p_code, countries, c_code = index.offer_codes
        asked = {x.lower() for x in filters.services}
        wanted = np.isin(p_code, [k for k, p in enumerate(providers) if p in asked])
        if filters.country:  # an offer whose country the source did not state counts (the reason says so)
            c = filters.country.upper()
            wanted &= (c_code == -1) | (c_code == (countries.index(c) if c in countries else -2))
        offer_types = getattr(filters, "offer_types", None)
        if offer_types:
            wanted &= np.isin(index.offer_monetization, list(offer_types))
        on = np.zeros(len(index), dtype=bool)
        on[index.offer_title[wanted]] = True
        mask &= on
    if filters.exclude:
        touched = True
        for title_id in filters.exclude:
            p = index.pos.get(title_id)
            if p is not None:
                mask[p] = False
    return mask if touched else None


@dataclass
class History:
    """A person's interactions as positions in the catalog."""

    weights: dict[int, float] = field(default_factory=dict)
    exclude: set[int] = field(default_factory=set)
    words: dict[int, str] = field(default_factory=dict)
    unmatched: int = 0


def interaction_weight(i: Interaction) -> float:
    """How much an interaction says the person likes the title (-1..1). Ratings: 60% of the scale is
    neutral (most people rate what they chose to watch above the middle); no scale: treated as watched."""
    if i.action == "rated" and i.rating is not None and i.scale:
        return float(np.clip((i.rating / i.scale - 0.6) / 0.4, -1.0, 1.0))
    return ACTION_WEIGHT.get(i.action, 0.3)


def history_of(index: ContentIndex, interactions: list[Interaction]) -> History:
    """Map interactions to catalog positions; a later interaction with a title overrides an earlier one,
    except that a dismissal always stays excluded."""
    h = History()
    for it in interactions:
        tid = it.title_id or it.xids.get("imdb")
        pos = index.pos.get(tid) if tid else None
        if pos is None:
            h.unmatched += 1
            continue
        h.weights[pos] = interaction_weight(it)
        h.words[pos] = history_words(it.action, it.rating, it.scale)
        h.exclude.add(pos)  # seen, dismissed or already on the watchlist: never recommended again
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


def more_like_this(con: duckdb.DuckDBPyConnection, settings: Settings, title: str, *,
                   filters: Filters | None = None, interactions: list[Interaction] | None = None,
                   limit: int = 10) -> tuple[Recommendation, list[Recommendation]]:
    """Titles most like ``title`` (a name or an id), each with what it shares with it."""
    if limit < 1:
        raise BadInput("--limit must be at least 1")
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
    model = ContentModel(index)
    query = Query(seed=seed, exclude=history.exclude if filters and filters.exclude else set(),
                  allowed=filter_mask(index, filters))
    found = model.recommend(query, limit)
    services = filters.services if filters else []
    country = filters.country if filters else None
    out = []
    for i, s in found:
        reasons = like_reasons(index, seed, i)
        extra = [r for r in (offer_reason(index, i, services, country), score_reason(index, i)) if r]
        out.append(_recommendation(index, i, s, reasons + extra, {"similarity": s}))
    return _recommendation(index, seed, 1.0, [], {}), out


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


def recommend_for(con: duckdb.DuckDBPyConnection, settings: Settings, interactions: list[Interaction], *,
                  mode: str = "for-you", filters: Filters | None = None, limit: int = 10,
                  ratings: Path | None = None, links: Path | None = None) -> ForYouResult:
    """Recommendations for a person from their history, never a title they have seen or dismissed."""
    if limit < 1:
        raise BadInput("--limit must be at least 1")
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
    query = Query(history=history.weights, exclude=history.exclude, allowed=filter_mask(index, filters))
    found = model.recommend(query, limit)
    parts = model.last_parts
    services = filters.services if filters else []
    country = filters.country if filters else None
    out = []
    because = because_reasons(index, history.weights, history.words, [i for i, _ in found])
    for i, s in found:
        reasons = because[i]
        if model.knn is not None and "collaborative" in parts and parts["collaborative"][i] > 0:
            reasons.append(Reason("people in the ratings file who liked your titles liked it too", "collaborative",
                                  ratings.name if ratings else None))
        if mode == "hot" and index.momentum is not None:
            reasons.append(Reason(f"breaking out: chart momentum {float(index.momentum[i]):.2f} "
                                  "(log ratio of chart points to the window before)", "chart"))
        extra = [r for r in (offer_reason(index, i, services, country), score_reason(index, i)) if r]
        out.append(_recommendation(index, i, s, reasons + extra, {k: float(v[i]) for k, v in parts.items()}))
    return ForYouResult(out, len(history.weights), history.unmatched, str(ratings) if ratings else None, notes)


def empty_interactions() -> Interactions:
    import scipy.sparse as sp

    return Interactions(np.zeros(0, dtype=object), np.zeros(0, dtype=object), sp.csr_matrix((0, 0), dtype=np.float32))
