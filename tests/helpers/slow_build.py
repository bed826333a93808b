"""Run a catalog build that stalls half-way, for interruption tests: argv = data_dir marker_file."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reelradar.catalog.ensure import rebuild
from reelradar.config import load_settings
from reelradar.sources.demo import DemoSource


class StallingSource:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def infos(self) -> list:
        return []

    def tables(self):  # type: ignore[no-untyped-def]
        self.marker.write_text("half-way")
        time.sleep(120)
        yield from ()


if __name__ == "__main__":
    data_dir, marker = Path(sys.argv[1]), Path(sys.argv[2])
    rebuild(load_settings(data_dir=data_dir), [DemoSource(), StallingSource(marker)])
