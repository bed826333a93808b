"""The command line: a thin shell over the library. Each command module registers on ``app``."""

from __future__ import annotations

from reelradar.cli import titles  # noqa: F401  (registers commands)
from reelradar.cli.app import app


def main() -> None:
    app(prog_name="reelradar")
