"""IMDb's non-commercial datasets: seven gzip TSV files, refreshed daily at ``imdb_base_url``.

Format (https://developer.imdb.com/non-commercial-datasets/): UTF-8, tab-separated, a header line,
``\\N`` for null, no quoting at all (titles contain ``"``), arrays joined with commas, and
``characters`` as JSON-array text. Personal and non-commercial use only: files are downloaded on the
user's machine and never shipped (docs/sources/imdb.md).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from reelradar.config import Settings
from reelradar.errors import BadInput, SourceFailure, Unreachable
from reelradar.sources.base import SourceInfo
from reelradar.sources.download import FetchResult, fetch_file


@dataclass(frozen=True)
class ImdbFile:
    """One dataset file: its name and its columns with the types DuckDB reads them as."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def header(self) -> list[str]:
        return [c for c, _ in self.columns]


FILES: dict[str, ImdbFile] = {
    f.name: f
    for f in (
        ImdbFile("title.basics.tsv.gz", (
            ("tconst", "VARCHAR"), ("titleType", "VARCHAR"), ("primaryTitle", "VARCHAR"),
            ("originalTitle", "VARCHAR"), ("isAdult", "INTEGER"), ("startYear", "INTEGER"),
            ("endYear", "INTEGER"), ("runtimeMinutes", "INTEGER"), ("genres", "VARCHAR"))),
        ImdbFile("title.akas.tsv.gz", (
            ("titleId", "VARCHAR"), ("ordering", "INTEGER"), ("title", "VARCHAR"), ("region", "VARCHAR"),
            ("language", "VARCHAR"), ("types", "VARCHAR"), ("attributes", "VARCHAR"),
            ("isOriginalTitle", "INTEGER"))),
        ImdbFile("title.crew.tsv.gz", (("tconst", "VARCHAR"), ("directors", "VARCHAR"), ("writers", "VARCHAR"))),
        ImdbFile("title.episode.tsv.gz", (
            ("tconst", "VARCHAR"), ("parentTconst", "VARCHAR"), ("seasonNumber", "INTEGER"),
            ("episodeNumber", "INTEGER"))),
        ImdbFile("title.principals.tsv.gz", (
            ("tconst", "VARCHAR"), ("ordering", "INTEGER"), ("nconst", "VARCHAR"), ("category", "VARCHAR"),
            ("job", "VARCHAR"), ("characters", "VARCHAR"))),
        ImdbFile("title.ratings.tsv.gz", (
            ("tconst", "VARCHAR"), ("averageRating", "DOUBLE"), ("numVotes", "BIGINT"))),
        ImdbFile("name.basics.tsv.gz", (
            ("nconst", "VARCHAR"), ("primaryName", "VARCHAR"), ("birthYear", "INTEGER"),
            ("deathYear", "INTEGER"), ("primaryProfession", "VARCHAR"), ("knownForTitles", "VARCHAR"))),
    )
}

# IMDb titleType -> catalog kind (DESIGN §4). Video games are not something to watch: left out.
KINDS = {
    "movie": "movie", "short": "short", "tvShort": "short", "tvSeries": "series", "tvMiniSeries": "miniseries",
    "tvEpisode": "episode", "tvMovie": "tv_movie", "tvSpecial": "special", "tvPilot": "tv_movie",
    "video": "video",
}
SKIPPED_TYPES = ("videoGame",)

INFO = SourceInfo(
    source="imdb",
    name="IMDb non-commercial datasets",
    label="IMDb",
    license="IMDb non-commercial licensing: personal and non-commercial use only",
    credit="Information courtesy of IMDb (https://www.imdb.com). Used with permission.",
    url="https://developer.imdb.com/non-commercial-datasets/",
)


def check_header(path: Path, spec: ImdbFile) -> None:
    """Refuse a file whose header is not the one this reader knows (a renamed, new or missing column)."""
    try:
        with gzip.open(path, "rb") as f:
            line = f.readline(1 << 16).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: line 1: not a readable gzip TSV file ({exc})") from None
    found = line.rstrip("\r\n").split("\t")
    if found != spec.header:
        new = [c for c in found if c not in spec.header]
        gone = [c for c in spec.header if c not in found]
        detail = "; ".join(
            part for part in (f"new or renamed: {', '.join(new)}" if new else "",
                              f"missing: {', '.join(gone)}" if gone else "",
                              "columns in another order" if not new and not gone else "") if part
        )
        raise BadInput(
            f"{path}: line 1: the header changed ({detail}); expected {' '.join(spec.header)}: "
            "this reelradar cannot read this file safely"
        )


def file_date(path: Path) -> date:
    """The date the file was published: its modification time (downloads set it from Last-Modified)."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def locate(folder: Path) -> dict[str, Path]:
    """The seven files in ``folder``; refuses a folder where one is missing."""
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder holding the IMDb dataset files")
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise BadInput(f"{folder} lacks {', '.join(missing)}: all seven IMDb files are needed")
    return {name: folder / name for name in FILES}


def download(
    settings: Settings,
    *,
    progress: bool = True,
    notify: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, Path], list[FetchResult]]:
    """Fetch the seven files into ``<cache_dir>/imdb`` (only those that changed upstream)."""
    folder = settings.cache_dir / "imdb"
    base = settings.imdb_base_url.rstrip("/") + "/"
    results = []
    for name in FILES:
        try:
            result = fetch_file(base + name, folder / name, progress=progress)
        except Unreachable as exc:  # said once for all seven files, with the way round it
            raise exc.with_hint("use --from DIR with the seven IMDb files downloaded") from None
        except SourceFailure as exc:
            raise SourceFailure(f"IMDb {name}: {exc.message}", retryable=exc.retryable) from None
        notify(f"{name}: {'downloaded' if result.changed else 'unchanged'} ({result.size:,} bytes)")
        results.append(result)
    return {name: folder / name for name in FILES}, results
