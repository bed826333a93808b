"""The command line: a thin shell over the library. Each command module registers on ``app``."""

from __future__ import annotations

from reelradar.cli import titles  # noqa: F401  (registers commands)
from reelradar.cli import users  # noqa: F401  (registers commands)
from reelradar.cli import serve  # noqa: F401  (registers commands)
from reelradar.cli import imdb  # noqa: F401  (registers update imdb, search)
from reelradar.cli import recommend  # noqa: F401  (registers like, recommend, eval)
from reelradar.cli import charts  # noqa: F401  (registers update netflix, import chart, charts, chart-history)
from reelradar.cli import where  # noqa: F401  (registers where, universe, new-on-services, update tmdb/wikidata)
from reelradar.cli.app import app


def main() -> None:
    app(prog_name="reelradar")
