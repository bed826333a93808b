from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reelradar.catalog.db import open_catalog, write_catalog
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


@pytest.fixture(scope="module")
def index(demo_dir: Path):  # type: ignore[no-untyped-def]
    """The demo catalog's content index, as the recommenders load it."""
    from reelradar.catalog.db import open_catalog
    from reelradar.recommend.content import load_index

    s = load_settings(data_dir=demo_dir)
    con = open_catalog(s.catalog_path)
    try:
        return load_index(con, s)
    finally:
        con.close()


@pytest.fixture
def own_demo(demo_dir: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the demo data folder, free to change."""
    return copy_data_dir(demo_dir, tmp_path / "data")


# The browser tests' server (tests/e2e): `reelradar serve --port 0` on a copy of the demo data.
XSS = "<script>alert(1)</script>"


@pytest.fixture
def server(own_demo: Settings) -> Iterator[tuple[str, str, str]]:
    """`reelradar serve --port 0` on a copy of the demo data (plus a title named like a script);
    yields its address, the local token (kept in the data folder, never printed) and the one address
    it prints, which signs a browser in."""
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("INSERT INTO title (id, kind, title, year, source) VALUES ('xss:1', 'movie', ?, 2001, 'wikidata')",
                    [XSS])
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELRADAR_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reelradar", "--data-dir", str(own_demo.data_dir), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines: list[str] = []
    found: dict[str, str] = {}
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if m := re.search(r"reelradar is at ((http://127\.0\.0\.1:\d+)/\S*)", line):
                found["signin"], found["url"] = m.group(1), m.group(2)
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(60), "server did not start:\n" + "".join(lines)
        found["token"] = (own_demo.data_dir / "api-token").read_text().strip()
        yield found["url"], found["token"], found["signin"]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    # Nothing secret in the server's log.
    assert found["token"] not in "".join(lines)


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by scripts/setup-browser.sh


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[object]:
    """A Playwright Chromium context with a fresh profile, no background traffic, at ``width`` × ``height``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="reelradar-chromium-"), executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()
