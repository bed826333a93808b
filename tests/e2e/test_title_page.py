"""A film page and a person page in a real browser: Playwright driving Debian's Chromium at 1280 px
against `reelradar serve` on the demo data. Screenshots go to ``tests/artifacts/``. Skipped when
Chromium or Playwright is missing (``scripts/setup-browser.sh`` installs Chromium)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="Chromium not installed: run scripts/setup-browser.sh"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")


def test_film_page_cast_rating_and_person_page(server: tuple[str, str, str]) -> None:
    base, token, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as context:
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
