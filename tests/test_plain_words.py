"""Reasons in plain words first, the numbers one click away, one vocabulary for the CLI, the API and the
web page; no CLI instructions on a web page; readable source names; the age of chart data wherever it
drives a claim; breakout sentences that never contradict themselves. Over the demo catalog, as a person
reads it: through the CLI runner and the web page's TestClient."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reelradar.analytics.explain import (
    OFFER_LABELS,
    SCORE_LABELS,
    Labels,
    offer_label,
    plain_reason,
    score_label,
)
from reelradar.analytics.hot import age_words, breakout_reason
from reelradar.api import create_app
from reelradar.cli import app
from reelradar.config import Settings, load_settings
from reelradar.model import Profile, Provenance, ScorePart
from reelradar.users.store import UserStore

HTML = {"Accept": "text/html"}
INFERNO = "tt1433528"  # 100% of 30 Rotten Tomatoes critics, little known
DOCS = Path(__file__).resolve().parents[1] / "docs"
CLI_WORDS = re.compile(r"reelradar (why|update|import|demo|charts|show|picks|link|serve)\b|see the JSON API")
runner = CliRunner()


def text_of(page: str) -> str:
    """The words a person sees (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def score(metric: str, value: float, count: int | None, quality: float, scale: float = 100) -> ScorePart:
    prov = Provenance("Rotten Tomatoes" if metric.startswith("critic") else "IMDb", None, date(2026, 10, 18))
    return ScorePart(source=prov.source, metric=metric, value=value, scale=scale, count=count, quality=quality,
                     percentile=0.9, cohort="movie 2000s", cohort_size=100, weight=1.0, provenance=prov)


def test_picks_reason_is_plain_words_with_count_and_source_and_why_keeps_the_numbers(demo_dir: Path) -> None:
    picks = runner.invoke(app, ["--data-dir", str(demo_dir), "picks", "--limit", "3"])
    assert picks.exit_code == 0, picks.output
    inferno = picks.stdout.splitlines()[1].strip()
    assert inferno == ("Critics loved it — 100% of 30 reviews positive (Rotten Tomatoes, 2026-10-18); but little known: "
                       "only 30 reviews — under the radar")
    assert "lower bound" not in picks.stdout and "percentile" not in picks.stdout
    why = runner.invoke(app, ["--data-dir", str(demo_dir), "why", INFERNO])
    assert why.exit_code == 0, why.output
    assert "0.917" in why.stdout and "99th percentile" in why.stdout and "movie 2000s" in why.stdout


def test_plain_words_never_claim_more_than_the_numbers() -> None:
    # 100% with no count reported: the lower bound is weak, so at most "liked it", and the count is said
    unsure = plain_reason([score("critic_pct", 100, None, 0.65)], [], None, radar=False)
    assert unsure.startswith("Critics liked it — 100% positive, review count not reported (Rotten Tomatoes, 2026-10-18)")
    assert "loved" not in unsure and "how widely known is unknown" in unsure
    few = plain_reason([score("critic_pct", 100, 2, 0.34)], [], None, radar=False)
    assert few.startswith("Critics liked it, on too few reviews to be sure — 100% of 2 reviews positive")
    mixed = plain_reason([score("critic_pct", 55, 200, 0.5), score("user_mean", 8.1, 9000, 0.8, scale=10)], [],
                         0.9, radar=False)
    assert mixed == ("Critics were mixed — 55% of 200 reviews positive (Rotten Tomatoes, 2026-10-18); audiences "
                     "liked it — 8.1/10 from 9,000 votes (IMDb, 2026-10-18); widely known")
    assert plain_reason([], [], None, radar=False).startswith("No source has scored it")


def test_one_table_of_labels_for_score_kinds_and_offer_types_used_by_web_and_api_docs(demo_dir: Path) -> None:
    assert (score_label("critic_pct"), score_label("critic_mean"), score_label("user_mean")) == (
        "critics' approval", "critics' average", "audience rating")
    assert [offer_label(t) for t in ("flatrate", "rent", "buy", "free", "ads")] == [
        "subscription", "rent", "buy", "free", "free with ads"]
    api_doc = (DOCS / "api.md").read_text(encoding="utf-8")
    for value, label in {**SCORE_LABELS, **OFFER_LABELS}.items():
        assert f"| `{value}` | {label} |" in api_doc
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        page = text_of(client.get(f"/title/{INFERNO}", headers=HTML).text)
        api = client.get(f"/api/v1/titles/{INFERNO}").json()
    assert "critics' approval" in page and "critic pct" not in page
    assert any(s["metric"] == "critic_pct" for s in api["pick"]["scores"])  # API values stay stable


def test_home_cards_read_in_words_with_the_numbers_in_a_details_element(demo_dir: Path) -> None:
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        home = client.get("/", headers=HTML).text
    card = re.search(r'<li class="card">\s*<a class="card-title" href="/title/tt1433528".*?</details>', home, re.DOTALL)
    assert card, "Inferno is not on the home page"
    reason = re.search(r'<p class="reason">(.*?)</p>', card.group(0), re.DOTALL)
    assert reason and html.unescape(reason.group(1)).startswith("Critics loved it — 100% of 30 reviews positive")
    assert "lower bound" not in reason.group(1)
    details = re.search(r"<details class=\"numbers\">.*?</details>", card.group(0), re.DOTALL)
    assert details and "100% of 30 critics (lower bound 0.92), 99th percentile of movie 2000s" in details.group(0)
    assert "Rotten Tomatoes via Wikidata, 2026-10-18" in details.group(0)


def test_similar_titles_say_acclaim_in_words_without_a_cli_instruction(demo_dir: Path) -> None:
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        similar = text_of(client.get("/title/tt0068646/similar", headers=HTML).text)
    assert "highly acclaimed (98 of 100), widely known (97 of 100)" in similar
    assert "`" not in similar and not CLI_WORDS.search(similar)


def test_no_web_page_tells_the_person_to_run_a_command(own_demo: Settings) -> None:
    with UserStore(own_demo.users_path) as store:
        store.save_profile(Profile(services=["Netflix"]))
    with TestClient(create_app(own_demo)) as client:
        pages = {path: client.get(path, headers=HTML) for path in (
            "/", "/charts", "/charts?platform=Nowhere", "/new", f"/title/{INFERNO}", "/title/demo:ballard",
            "/title/tt0068646/similar", "/profile")}
    for path, response in pages.items():
        assert response.status_code == 200, path
        said = text_of(response.text)
        assert not CLI_WORDS.search(said), (path, CLI_WORDS.search(said))
    assert "No offer snapshots yet" in text_of(pages["/new"].text)
    nowhere = pages["/charts?platform=Nowhere"].text
    assert "No chart matches these filters." in nowhere and '<a href="/charts">All charts</a>' in nowhere


def test_source_names_shown_are_readable(own_demo: Settings, tmp_path: Path) -> None:
    chart = tmp_path / "flixpatrol.csv"
    chart.write_text("week,country,rank,title\n2025-W28,US,1,Ballard\n2025-W28,US,2,Bosch\n", encoding="utf-8")
    imported = runner.invoke(app, ["--data-dir", str(own_demo.data_dir), "import", "chart", str(chart),
                                   "--platform", "Prime Video"])
    assert imported.exit_code == 0, imported.output
    with TestClient(create_app(own_demo)) as client:
        charts = text_of(client.get("/charts?platform=Prime+Video&country=US", headers=HTML).text)
    assert "FlixPatrol CSV import" in charts and "csv:flixpatrol.csv" not in charts
    from reelradar.catalog.db import open_catalog

    con = open_catalog(own_demo.catalog_path)
    try:
        assert Labels(con).name("csv:top10.csv") == "chart CSV import (top10.csv)"
    finally:
        con.close()


def test_charts_page_says_how_old_its_chart_data_is(demo_dir: Path) -> None:
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        page = client.get("/charts", headers=HTML).text
    found = re.search(r'id="charts-as-of">Chart data as of (\d{4}-\d\d-\d\d), ([^<]+)\.</p>', page)
    assert found, "the charts page does not date its chart data"
    newest = date.fromisoformat(found.group(1))
    assert found.group(2) == age_words((date.today() - newest).days)


def test_a_breakout_never_says_up_from_a_rank_beside_none_before() -> None:
    row = {"window_days": 7, "as_of": date(2026, 7, 19), "best_rank_last": 9, "is_new": False,
           "first_seen": date(2026, 7, 6), "best_rank_this": 2, "weeks_on_chart": 2, "points_last": 0,
           "points_this": 18, "points_this_all": 18, "fixed_countries": 2, "level": "countries",
           "platform": "Netflix", "number_one_this": 0, "charts_this": 3, "countries_this": 2, "momentum": 1.2}
    text = breakout_reason(row, "Netflix Top 10")
    assert text == ("#2 at best on Netflix, charting in 2 of 3 countries, up from #9; 2nd week on the chart · "
                    "18 chart points in the week to 2026-07-19 against none in the week before in the same 2 "
                    "countries (it charted then only elsewhere, #9 at best) (momentum +1.20) — Netflix Top 10")
    plain = breakout_reason(row, "Netflix Top 10", plain=True)
    assert "momentum" not in plain and plain.endswith("#9 at best) — Netflix Top 10")
