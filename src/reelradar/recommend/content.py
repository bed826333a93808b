"""Content-based recommendations over the content index: "more like this" for a seed title, and a
taste profile (the weighted sum of the feature rows of the titles a person liked, less ``DISLIKE_SHARE``
of that of the titles they disliked: recommend/opinion.py says which are which) for "for you".

Scores come from posting lists (the index's columns) of the seed's or the profile's features, plus
era and kind compared through small lookup tables, so a call costs the length of those lists, not
the size of the catalog's text.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path

import duckdb
import numpy as np

from reelradar.config import Settings
from reelradar.recommend.base import Interactions, Query, Recommender
from reelradar.recommend.features import (
    ERA_SCALE,
    ERA_WEIGHT,
    KIND_WEIGHT,
    YEAR_FIRST,
    YEAR_LAST,
    ContentIndex,
    build_index,
)

INDEX_FORMAT = 2
# A disliked title takes this share of its likeness from every candidate, where a liked one of the same
# weight gives all of it: one dislike says less of what to avoid (one film of a director) than a like
# says of what to seek.
DISLIKE_SHARE = 0.5
YEARS = np.arange(YEAR_FIRST, YEAR_LAST + 1, dtype=np.float32)
_LOADED: dict[Path, tuple[str, ContentIndex]] = {}


def index_path(settings: Settings) -> Path:
    return settings.data_dir / "recommend" / "content-index.pkl"


def _catalog_key(catalog: Path) -> str:
    st = catalog.stat()
    return f"{INDEX_FORMAT}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def load_index(con: duckdb.DuckDBPyConnection, settings: Settings) -> ContentIndex:
    """The content index of the live catalog: from memory, else from the file kept beside the
    catalog, else built now and saved (rebuilt whenever the catalog file changes)."""
    path = index_path(settings)
    key = _catalog_key(settings.catalog_path)
    held = _LOADED.get(path)
    if held and held[0] == key:
        return held[1]
    key_file = path.with_suffix(".key")
    index: ContentIndex | None = None
    if path.exists() and key_file.exists() and key_file.read_text() == key:
        try:
            with path.open("rb") as fh:
                index = pickle.load(fh)  # our own file, written below
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            index = None  # a damaged cache is rebuilt, never trusted
    if index is None:
        index = build_index(con)
        save_index(index, path, key)
    _LOADED[path] = (key, index)
    return index


def save_index(index: ContentIndex, path: Path, key: str) -> None:
    """Write the index atomically (temporary file, then rename), then its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        path.with_suffix(".key").write_text(key)
    except OSError:
        pass  # a read-only data folder still gets recommendations, just without the cache
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class ContentModel(Recommender):
    """Content similarity. Works in the catalog's item space, or in a dataset's (``fit`` aligns them)."""

    name = "Content"

    def __init__(self, index: ContentIndex, profile_features: int = 300) -> None:
        self.index = index
        self.profile_features = profile_features  # the taste profile keeps its strongest features
        self.align: np.ndarray | None = None  # fitted item position -> catalog position (-1: unknown)
        self._year_slot = index.year_slot  # computed once per index, not per call
        self._kind_group = index.kind_group

    def fit(self, data: Interactions) -> ContentModel:
        self.align = np.asarray([self.index.pos.get(str(i), -1) for i in data.items], dtype=np.int64)
        return self

    # -- catalog space -----------------------------------------------------------------------------
    def _dense(self, year_table: np.ndarray, kind_table: np.ndarray) -> np.ndarray:
        # era × kind as one small table read with one gather over the catalog; the era table's extra
        # first row (0) serves the unknown year
        era = np.concatenate([[0.0], ERA_WEIGHT * year_table])
        table = (era[:, None] + KIND_WEIGHT * kind_table[None, :]).astype(np.float32).ravel()
        return table[self.index.era_kind_code]

    def _tables(self, positions: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Era and kind lookup tables of a weighted set of titles (weights > 0 only)."""
        keep = weights > 0
        positions, weights = positions[keep], weights[keep]
        year_table = np.zeros(len(YEARS), dtype=np.float32)
        kind_table = np.zeros(10, dtype=np.float32)
        total = float(weights.sum())
        if total <= 0:
            return year_table, kind_table
        years = self.index.year[positions]
        known = ~np.isnan(years)
        for y, w in zip(years[known], weights[known]):
            year_table += w * np.exp(-np.abs(YEARS - y) / ERA_SCALE)
        year_table /= total
        np.add.at(kind_table, self._kind_group[positions], weights)
        kind_table /= total
        return year_table, kind_table

    def similar_to(self, seed: int) -> np.ndarray:
        """Similarity of every catalog title to catalog title ``seed``."""
        row = self.index.matrix[seed]
        scores = self._dense(*self._tables(np.asarray([seed]), np.asarray([1.0])))
        scores += np.asarray(self.index.columns[:, row.indices] @ row.data).ravel()
        return scores

    def profile(self, positions: np.ndarray, weights: np.ndarray,
                total: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """A taste profile: the strongest features of the weighted sum of the titles' rows, divided by
        ``total`` (default: the sum of the weights' sizes)."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = self.index.matrix[positions]
        per_row = np.diff(rows.indptr)
        # sum over the few features these rows use, never over the whole feature space
        feats, where = np.unique(rows.indices, return_inverse=True)
        summed = np.bincount(where, weights=rows.data * np.repeat(weights, per_row), minlength=len(feats)).astype(float)
        summed /= max(float(np.abs(weights).sum()) if total is None else total, 1e-9)
        keep = np.flatnonzero(summed)
        if len(keep) > self.profile_features:
            keep = np.sort(keep[np.argpartition(-np.abs(summed[keep]), self.profile_features - 1)[: self.profile_features]])
        return feats[keep].astype(np.int64), summed[keep]

    def for_history(self, positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Affinity of every catalog title to a person's weighted history (catalog positions): the
        profile of the liked titles (positive weights), less ``DISLIKE_SHARE`` of the profile of the
        disliked ones (negative weights), both over the whole history's weight so each title counts as
        much as its weight says; era and kind compare with the liked titles only."""
        like, dislike = weights > 0, weights < 0
        total = float(np.abs(weights).sum())
        scores = self._dense(*self._tables(positions, weights))
        for chosen, sign in ((like, 1.0), (dislike, -DISLIKE_SHARE)):
            if chosen.any():
                feats, vals = self.profile(positions[chosen], np.abs(weights[chosen]), total)
                if len(feats):
                    scores += sign * np.asarray(self.index.columns[:, feats] @ vals.astype(np.float32)).ravel()
        return scores

    # -- the common interface ----------------------------------------------------------------------
    def score(self, query: Query) -> np.ndarray:
        align = self.align
        to_catalog = (lambda i: i) if align is None else (lambda i: int(align[i]))
        if query.seed is not None:
            seed = to_catalog(query.seed)
            full = self.similar_to(seed) if seed >= 0 else np.zeros(len(self.index))
        else:
            pairs = [(to_catalog(i), w) for i, w in query.history.items()]
            pairs = [(p, w) for p, w in pairs if p >= 0]
            pos = np.asarray([p for p, _ in pairs], dtype=np.int64)
            wts = np.asarray([w for _, w in pairs], dtype=np.float64)
            full = self.for_history(pos, wts)
        if align is None:
            return full
        return np.where(align >= 0, full[np.maximum(align, 0)], 0.0)
