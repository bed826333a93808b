"""The README's Quickstart as a new person follows it, in order, on a fresh copy of the demo data: the
profile with services and a Letterboxd import through the CLI, then `reelradar serve` and the one address
it prints, opened in Chromium. No list is empty without saying why; the lists page on; search tells
namesakes apart; the first phone screen reaches the picks. Screenshots of home (1280 and 390 px), a film,
a series, a list page, charts and search go to ``test-artifacts/``."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from conftest import CHROMIUM, chromium
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.config import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium not installed: run scripts/setup-browser.sh"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")
runner = CliRunner()


@pytest.fixture
def own_demo(own_demo: Settings, tmp_path: Path) -> Settings:
    """The demo data after the Quickstart's own steps: a profile with services, a Letterboxd export."""
    data = str(own_demo.data_dir)
    done = runner.invoke(app, ["--data-dir", data, "profile", "--country", "US", "--service", "Prime Video",
                               "--service", "Netflix"])
    assert done.exit_code == 0, done.output
    export = tmp_path / "letterboxd-export.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.writestr("ratings.csv", "Date,Name,Year,Letterboxd URI,Rating\n"
                                  "2024-05-01,The Godfather,1972,https://boxd.it/2aHi,5\n")
    done = runner.invoke(app, ["--data-dir", data, "import", "letterboxd", str(export)])
    assert done.exit_code == 0, done.output
    return own_demo


def sections_say_something(page: playwright_api.Page) -> None:
    """Every list on the page shows cards, or says in words why it has none (once the lists the page
    loads after itself have come)."""
    page.locator('[hx-trigger="load"]').first.wait_for(state="detached")
    for section in page.locator("section.list").all():
        cards = section.locator(".card").count()
        said = section.locator(".empty, .unavailable, .note").all_inner_texts()
        assert cards or any(len(t.strip()) > 20 for t in said), section.get_attribute("id")


def test_quickstart_in_a_browser(server: tuple[str, str, str]) -> None:
    base, _, signin = server
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # The printed address signs this browser in: no token to copy, and the code leaves the address bar.
        page.goto(signin)
        page.wait_for_url(base + "/")
        assert "/signin/" not in page.url
        assert page.get_by_role("link", name="Unlock").count() == 0

        # Home, with the profile's services: lists of titles, the seen Godfather marked or left out.
        sections_say_something(page)
        assert page.locator("#your-services").inner_text().startswith("On your services: Prime Video, Netflix")
        page.locator("#list-top .card").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "quickstart-home-1280.png"), full_page=True)

        # The 13th radar pick is a click away: a page of its own, in any order, a page at a time.
        page.get_by_role("link", name=re.compile(r"^See all [\d,]+, and sort them")).first.click()
        page.wait_for_url(re.compile(r"/list/radar"))
        assert page.locator(".card").count() == 24
        page.get_by_role("link", name="least known first").click()
        page.wait_for_url(re.compile(r"sort=least-known"))
        page.get_by_role("link", name=re.compile(r"^Show \d+ more$")).click()
        page.locator(".card").nth(24).wait_for()
        assert page.locator(".card").count() == 48
        assert re.match(r"Showing 1–48 of [\d,]+\.", page.locator("#list-more .meta").inner_text())
        page.screenshot(path=str(ARTIFACTS / "quickstart-list.png"))

        # A film: cast in billing order, scores with sources; similar titles with their reasons.
        page.goto(base + "/title/tt0068646")
        assert page.locator("h1").inner_text().startswith("The Godfather")
        metrics = " ".join(page.locator(".score-metric").all_inner_texts())
        assert "critics' approval" in metrics and "critic_pct" not in metrics and "critic pct" not in metrics
        page.locator("ol.similar li").first.wait_for()
        similar = page.locator("ol.similar").inner_text()
        assert "reelradar" not in similar and "`" not in similar
        page.screenshot(path=str(ARTIFACTS / "quickstart-film.png"), full_page=True)

        # A series.
        page.goto(base + "/title/demo:ballard")
        assert page.locator("h1").inner_text().startswith("Ballard")
        page.screenshot(path=str(ARTIFACTS / "quickstart-series.png"), full_page=True)

        # Charts say how old their data is.
        page.goto(base + "/charts")
        assert page.locator("#charts-as-of").inner_text().startswith("Chart data as of ")
        page.screenshot(path=str(ARTIFACTS / "quickstart-charts.png"), full_page=True)

        # Search tells the three films called Inferno apart, in words.
        page.goto(base + "/search")
        page.locator("#q").type("inferno", delay=20)
        page.locator("#results li", has_text="Dario Argento").wait_for()
        results = page.locator("#results").inner_text()
        assert "directed by Dario Argento" in results and "directed by Roy Ward Baker" in results
        assert "match" not in results
        page.screenshot(path=str(ARTIFACTS / "quickstart-search.png"), full_page=True)

        # A phone: the filters take a line each, so the first screen reaches the first picks.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/")
        first_card = page.locator("#list-radar .card").first.bounding_box()
        assert first_card is not None and first_card["y"] < 844, first_card
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(ARTIFACTS / "quickstart-home-390.png"))
        assert not errors, errors
