"""A film page and a person page in a real browser: Playwright driving Debian's Chromium at 1280 px
against `reelradar serve` on the demo data. Screenshots go to ``tests/artifacts/``. Skipped when
Chromium or Playwright is missing (``scripts/setup-browser.sh`` installs Chromium)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelradar.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium not installed: run scripts/setup-browser.sh"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def served(own_demo: Settings) -> Iterator[tuple[str, str]]:
    """`reelradar serve --port 0` on a copy of the demo data: its address and the local token."""
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
            if m := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                found.setdefault("url", m.group(1))
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(60), "server did not start:\n" + "".join(lines)
        yield found["url"], (own_demo.data_dir / "api-token").read_text(encoding="utf-8").strip()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_film_page_cast_rating_and_person_page(served: tuple[str, str]) -> None:
    base, token = served
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="reelradar-chromium-"), executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.new_page()
            outside: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            # The Godfather: the lead cast on the page (billing order unknown in the demo data, said so).
            page.goto(base + "/title/tt0068646")
            assert page.locator("h1").inner_text().startswith("The Godfather")
            lead = page.locator("#lead-cast li a").all_inner_texts()
            assert {"Marlon Brando", "James Caan", "Robert Duvall"} <= set(lead)
            assert "Billing order unknown" in page.locator("#cast-order").inner_text()
            assert page.locator(".poster-none").is_visible()
            assert page.locator("img").count() == 0  # a placeholder, never a broken image
            assert "No relation recorded" in page.locator("#no-relation").inner_text()
            page.locator("#similar .similar li").first.wait_for()  # loaded after the page
            hidden = page.get_by_role("link", name="Vito Scotti")
            assert not hidden.is_visible()
            page.get_by_text("Show all 40 of the cast").click()
            assert hidden.is_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(ARTIFACTS / "title-godfather-1280.png"), full_page=True)

            # Unlock this browser, rate the film from its page (htmx swaps the buttons in place).
            page.goto(base + "/unlock?next=/title/tt0068646")
            page.locator("#token").fill(token)
            page.get_by_role("button", name="Unlock").click()
            page.wait_for_url(re.compile(r"/title/tt0068646$"))
            page.locator("select[name=rating]").select_option("4.5")
            page.get_by_role("button", name="Rate").click()
            page.locator("#your-rating").wait_for()
            assert page.locator("#your-rating").inner_text().startswith("Your rating: 4.5★")
            page.screenshot(path=str(ARTIFACTS / "title-godfather-rated-1280.png"), full_page=False)
            page.reload()
            assert page.locator("#your-rating").inner_text().startswith("Your rating: 4.5★")

            # From the cast to the person page: their credits by role, newest first, yours marked.
            page.locator("#lead-cast").get_by_role("link", name="Al Pacino").click()
            page.wait_for_url(re.compile(r"/person/demo:p:al-pacino$"))
            assert page.locator("h1").inner_text().startswith("Al Pacino")
            rows = page.locator("#h-actor ~ table tbody tr")
            assert rows.count() >= 40
            godfather = page.locator("#h-actor ~ table tbody tr", has_text="The Godfather").filter(
                has=page.get_by_role("link", name="The Godfather", exact=True))
            assert "seen, rated 4.5★" in godfather.inner_text()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(ARTIFACTS / "person-al-pacino-1280.png"), full_page=True)

            # A series with billed characters and relations: Ballard.
            page.goto(base + "/title/demo:ballard")
            assert page.locator("#lead-cast li").first.inner_text() == "Maggie Q as Renée Ballard"
            page.locator("#similar .similar li").first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "title-ballard-1280.png"), full_page=True)

            assert not errors, errors
            assert not outside, f"requests left the server: {outside}"
        finally:
            context.close()
