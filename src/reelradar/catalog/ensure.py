"""The catalog a command reads: the live one, or the demo one built first when there is none."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from reelradar.catalog.db import open_catalog
from reelradar.catalog.load import BuildReport, build_catalog
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.sources.base import Source
from reelradar.sources.demo import DemoSource
from reelradar.sources.staged import StagedSource


def check_data_dir(settings: Settings) -> None:
    """Make sure the data folder exists and is a folder we can write to."""
    path = settings.data_dir
    if path.exists() and not path.is_dir():
        raise BadInput(f"data folder {path} is a file, not a folder: pass another --data-dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create data folder {path}: {exc.strerror}") from None


def rebuild(settings: Settings, primary: list[Source], **kwargs: object) -> BuildReport:
    """A full build: the primary sources, then everything staged (imported charts, fetched offers...)."""
    check_data_dir(settings)
    return build_catalog(settings.catalog_path, [*primary, StagedSource(settings.staged_dir)], settings, **kwargs)  # type: ignore[arg-type]


def build_demo(settings: Settings) -> BuildReport:
    """Build the demo catalog (offline: bundled Wikidata films and the hand-written series slice)."""
    return rebuild(settings, [DemoSource()])


def open_for_reading(settings: Settings, notify: Callable[[str], None] = lambda _: None) -> duckdb.DuckDBPyConnection:
    """Open the catalog read-only, building the demo catalog first when none exists (and saying so)."""
    check_data_dir(settings)
    if not settings.catalog_path.exists():
        notify(f"no catalog in {settings.data_dir} yet: building the demo catalog first")
        report = build_demo(settings)
        notify(f"demo catalog built: {report.rows.get('title', 0):,} titles")
    return open_catalog(settings.catalog_path)
