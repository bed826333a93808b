"""The command line: a thin shell over the library. Each command module registers on ``app``."""

from __future__ import annotations

from reelradar.cli import (
    charts,  # noqa: F401  (registers update netflix, import chart, charts, chart-history)
    imdb,  # noqa: F401  (registers update imdb, search)
    lists,  # noqa: F401  (registers lists, list)
    notify,  # noqa: F401  (registers notify)
    recommend,  # noqa: F401  (registers like, recommend, eval)
    serve,  # noqa: F401  (registers commands)
    story,  # noqa: F401  (registers story, digest)
    titles,  # noqa: F401  (registers commands)
    users,  # noqa: F401  (registers commands)
    where,  # noqa: F401  (registers where, universe, new-on-services, update tmdb/wikidata)
)
from reelradar.cli.app import app


def main() -> None:
    app(prog_name="reelradar")
