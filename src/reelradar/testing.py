"""Test helpers shared by the suite: a demo catalog built once, and an isolated environment."""

from __future__ import annotations

import shutil
from pathlib import Path

from reelradar.catalog.ensure import build_demo
from reelradar.config import Settings, load_settings


def build_demo_dir(root: Path) -> Path:
    """Build the demo catalog in ``root`` and return that data folder."""
    build_demo(load_settings(data_dir=root))
    return root


def copy_data_dir(src: Path, dst: Path) -> Settings:
    """A private copy of a data folder (for tests that change the catalog)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return load_settings(data_dir=dst)
