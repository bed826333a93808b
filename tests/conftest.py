from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reelradar.catalog.db import open_catalog
from reelradar.config import Settings, load_settings
from reelradar.testing import build_demo_dir, copy_data_dir

SHARED = Path(__file__).resolve().parents[2] / "shared"

# FastAPI's TestClient sends "Host: testserver"; the app answers only the names it is told to (DNS
# rebinding, api/guards.py), so the suite names that one as a person would in their config. Set for
# the whole run (fixtures of module scope are made before the per-test environment below).
TEST_HOSTS = '["testserver"]'
os.environ["REELRADAR_SERVER_HOSTS"] = TEST_HOSTS


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own config, data or cache."""
    home = tmp_path_factory.mktemp("home")
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in list(os.environ):
        if var.startswith("REELRADAR_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("REELRADAR_SERVER_HOSTS", TEST_HOSTS)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo catalog, built once per run. Read it; never change it."""
    return build_demo_dir(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_settings(demo_dir: Path) -> Settings:
    return load_settings(data_dir=demo_dir)


@pytest.fixture
def demo_con(demo_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(demo_settings.catalog_path)
    yield con
    con.close()


@pytest.fixture
def own_demo(demo_dir: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the demo data folder, free to change."""
    return copy_data_dir(demo_dir, tmp_path / "data")
