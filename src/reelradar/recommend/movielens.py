"""Interactions files in MovieLens format: ``ratings.csv`` (userId,movieId,rating,timestamp) and
``links.csv`` (movieId,imdbId,tmdbId), the format most public ratings datasets and tools share.

Every rating counts as an interaction (implicit feedback, as top-N evaluation usually treats them);
``min_rating`` keeps only ratings at or above it. A bad file is reported with its line.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import scipy.sparse as sp

from reelradar.errors import BadInput
from reelradar.recommend.base import Interactions

RATINGS_HEADER = ["userId", "movieId", "rating", "timestamp"]
LINKS_HEADER = ["movieId", "imdbId", "tmdbId"]


def _check_header(path: Path, expected: list[str]) -> None:
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as fh:
        first = next(csv.reader(fh), None)
    if first is None or [c.strip() for c in first[: len(expected)]] != expected:
        raise BadInput(f"{path}: line 1: expected the header {','.join(expected)}, found {','.join(first or [])!r}")


def _find_bad_line(path: Path, checks: list[type]) -> str:
    """The first line whose fields do not parse (slow path, only after the fast reader failed)."""
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh), 1):
            if n == 1:
                continue
            if len(row) < len(checks):
                return f"{path}: line {n}: expected {len(checks)} fields, found {len(row)}"
            for value, kind in zip(row, checks):
                if kind is str:
                    continue
                try:
                    kind(value)
                except ValueError:
                    return f"{path}: line {n}: {value!r} is not a number"
    return f"{path}: cannot be read as CSV"


def load_ratings(path: Path, min_rating: float | None = None) -> Interactions:
    """A MovieLens ratings file as a users × items matrix of 1s, with the rating times kept."""
    _check_header(path, RATINGS_HEADER)
    types = {"userId": pa.int64(), "movieId": pa.int64(), "rating": pa.float64(), "timestamp": pa.int64()}
    try:
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types,
                                                                         include_columns=RATINGS_HEADER))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise BadInput(_find_bad_line(path, [int, int, float, int])) from None
    if any(table.column(c).null_count for c in RATINGS_HEADER):
        raise BadInput(_find_bad_line(path, [int, int, float, int]))
    rating = table.column("rating").to_numpy()
    keep = np.ones(len(rating), dtype=bool) if min_rating is None else rating >= min_rating
    users_raw = table.column("userId").to_numpy()[keep]
    items_raw = table.column("movieId").to_numpy()[keep]
    when = table.column("timestamp").to_numpy()[keep]
    if len(users_raw) == 0:
        raise BadInput(f"{path}: no ratings" + (f" at or above {min_rating:g}" if min_rating is not None else ""))
    users, u = np.unique(users_raw, return_inverse=True)  # numeric order, as the file's ids are numbers
    items, i = np.unique(items_raw, return_inverse=True)
    order = np.lexsort((when, i, u))  # later duplicates win below
    u, i, when = u[order], i[order], when[order]
    last = np.ones(len(u), dtype=bool)
    last[:-1] = (u[1:] != u[:-1]) | (i[1:] != i[:-1])
    u, i, when = u[last], i[last], when[last]
    shape = (len(users), len(items))
    matrix = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)), shape=shape)
    times = sp.csr_matrix((when.astype(np.float64), (u, i)), shape=shape)
    return Interactions(users=users.astype(str).astype(object), items=items.astype(str).astype(object),
                        matrix=matrix, when=times)


def load_links(path: Path) -> dict[str, str]:
    """movieId → IMDb tconst ("tt" and the id padded to 7 digits, as IMDb writes it)."""
    _check_header(path, LINKS_HEADER)
    out: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh), 1):
            if n == 1 or not row:
                continue
            if len(row) < 2:
                raise BadInput(f"{path}: line {n}: expected movieId,imdbId,tmdbId")
            movie, imdb = row[0].strip(), row[1].strip()
            if not movie.isdigit() or not imdb.isdigit():
                raise BadInput(f"{path}: line {n}: movieId and imdbId must be numbers, found {movie!r}, {imdb!r}")
            out[movie] = f"tt{int(imdb):07d}"
    return out


def with_catalog_ids(data: Interactions, links: dict[str, str]) -> Interactions:
    """The same interactions with items named by catalog ids where the links file knows them."""
    items = np.asarray([links.get(str(m), f"movielens:{m}") for m in data.items], dtype=object)
    return Interactions(users=data.users, items=items, matrix=data.matrix, when=data.when)
