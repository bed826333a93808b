"""Issue 15, as a new user meets it: the README's Quickstart profile (`--country US --service "Prime Video"
--service Netflix`) must never empty the product. A services filter leaves out only titles known to be
elsewhere, keeps those of unknown availability (marked), says how many it checked, and counts a chart
place as an offer; service names, countries, genres and --limit are checked; the web uses the same
profile; the person's own history is left out of "what to watch next" or marked, and a rating under 3.5★
is never a "you liked it"."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reelradar.api import create_app
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.model import Interaction, Profile
from reelradar.recommend.service import interaction_weight
from reelradar.users.store import UserStore

runner = CliRunner()
QUICKSTART = ("profile", "--country", "US", "--service", "Prime Video", "--service", "Netflix")
COUNTS = "on your services (Prime Video, Netflix in US): "
GODFATHER, PART_TWO, CONVERSATION, TOY_STORY, CHINATOWN = ("tt0068646", "tt0071562", "tt0071360", "tt0114709",
                                                           "tt0071315")


def run(s: Settings, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["--data-dir", str(s.data_dir), *args])
    assert result.exit_code == code, result.output
    return result


def as_json(s: Settings, *args: str) -> dict:  # type: ignore[type-arg]
    return json.loads(run(s, *args, "--json").stdout)


def us_chart(path: Path, last: date = date(2026, 7, 19)) -> Path:
    """A daily US chart CSV of two weeks: Heat on Netflix throughout, The Godfather Part II entering
    Netflix's chart in the second week, Chinatown on Max."""
    lines = ["date,platform,country,rank,title,year,kind"]
    for i in range(14):
        day = last - timedelta(days=13 - i)
        if i >= 7:
            lines.append(f"{day},Netflix,US,1,The Godfather Part II,1974,movie")
        lines.append(f"{day},Netflix,US,{2 if i >= 7 else 1},Heat,1995,movie")
        lines.append(f"{day},Max,US,1,Chinatown,1974,movie")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def quickstart(own_demo: Settings, tmp_path: Path) -> Settings:
    """The demo catalog with a US chart imported and the README's profile set."""
    run(own_demo, "import", "chart", str(us_chart(tmp_path / "us-chart.csv")))
    run(own_demo, *QUICKSTART)
    return own_demo


# -- 1. availability you can trust and see ---------------------------------------------------------

@pytest.mark.parametrize("command", [("picks",), ("picks", "--mode", "hot"), ("recommend", "--mode", "radar"),
                                     ("recommend",), ("like", "The Godfather")])
def test_quickstart_lists_are_full_marked_and_say_what_they_checked(quickstart: Settings,
                                                                    command: tuple[str, ...]) -> None:
    out = run(quickstart, *command).stdout
    assert "no picks match" not in out and "no title matches" not in out and "no title is breaking out" not in out
    assert re.search(r"^1\. ", out, re.MULTILINE), out
    assert COUNTS in out and re.search(r"titles? checked: [\d,]+ on your services, \d+ only elsewhere", out)
    assert "score -" not in out  # no filler with negative scores
    marks = re.findall(r"^ {3}(?:- )?(watch on |availability unknown in US)", out, re.MULTILINE)
    assert len(marks) == len(re.findall(r"^\d+\. ", out, re.MULTILINE))  # every title is marked


def test_like_the_godfather_is_the_godfather_not_bosch(quickstart: Settings) -> None:
    found = as_json(quickstart, "like", "The Godfather", "--limit", "5")
    items = found["items"]
    assert items[0]["id"] == PART_TWO and items[0]["availability"]["status"] == "yours"
    assert items[0]["availability"]["text"] == ("on Netflix in US per its chart of 2026-07-19 — chart CSV import "
                                                "(us-chart.csv)")
    assert not any(i["id"].startswith("demo:bosch") for i in items)
    assert {i["availability"]["status"] for i in items[1:]} == {"unknown"}
    assert found["services"]["shown"] == 5 and found["services"]["shown_yours"] == 1


def test_json_items_carry_availability_and_the_lists_their_counts(quickstart: Settings) -> None:
    for args in (("picks",), ("picks", "--mode", "hot"), ("picks", "--mode", "top"), ("recommend",),
                 ("like", "Heat")):
        out = as_json(quickstart, *args)
        assert out["items"], args
        assert all(i["availability"]["status"] in ("yours", "unknown") for i in out["items"]), args
        counts = out["services"]
        assert counts["checked"] == counts["yours"] + counts["elsewhere"] + counts["unknown"], args
        assert counts["text"].startswith(COUNTS), args
    hot = as_json(quickstart, "picks", "--mode", "hot")
    assert [i["id"] for i in hot["items"]] == [PART_TWO] and hot["services"]["yours"] == 1


def test_known_only_elsewhere_is_left_out_and_counted_yours_first(quickstart: Settings) -> None:
    seventies = ("picks", "--mode", "top", "--year-from", "1970", "--year-to", "1979", "--limit", "30")
    out = as_json(quickstart, *seventies)
    ids = [i["id"] for i in out["items"]]
    assert CHINATOWN not in ids and out["services"]["elsewhere"] == 1  # only on Max, per its chart
    assert ids[0] == PART_TWO  # known on Netflix: first, then the others in order of acclaim
    assert ids[1] == GODFATHER and out["items"][1]["availability"]["text"].startswith("availability unknown in US")
    run(quickstart, "profile", "--clear-services")
    everything = as_json(quickstart, *seventies)
    assert CHINATOWN in [i["id"] for i in everything["items"]] and everything["services"] is None
    assert everything["items"][0]["availability"] is None


def test_a_worldwide_netflix_chart_is_an_offer_with_its_source_and_week(own_demo: Settings, tmp_path: Path) -> None:
    tsv = tmp_path / "all-weeks-global.tsv"
    tsv.write_text("week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\t"
                   "weekly_views\tcumulative_weeks_in_top_10\n"
                   "2026-07-12\tTV (English)\t1\tSteady Ship\tSteady Ship: Season 1\t10000000\t8.0\t1250000\t1\n"
                   "2026-07-19\tTV (English)\t1\tNight Signal\tNight Signal: Season 1\t10000000\t8.0\t1250000\t1\n"
                   "2026-07-19\tTV (English)\t2\tSteady Ship\tSteady Ship: Season 1\t10000000\t8.0\t1250000\t2\n",
                   encoding="utf-8")
    run(own_demo, "update", "netflix", "--from", str(tsv))
    run(own_demo, *QUICKSTART)
    hot = as_json(own_demo, "picks", "--mode", "hot")
    assert [i["title"] for i in hot["items"]] == ["Night Signal"]
    assert hot["items"][0]["availability"] == {
        "status": "yours", "services": ["Netflix"],
        "text": "on Netflix per the Netflix Top 10 of the week of 2026-07-13 (a worldwide chart: country not stated)"}
    shown = run(own_demo, "show", "Night Signal").stdout
    assert "watch on Netflix per the Netflix Top 10 of the week of 2026-07-13" in shown


# -- 2. input checked, with suggestions --------------------------------------------------------------

def test_service_names_are_checked_spelled_and_clearable(own_demo: Settings) -> None:
    bad = run(own_demo, "profile", "--service", "Netflx", code=2)
    assert bad.stderr.startswith("reelradar: unknown service 'Netflx': did you mean Netflix?")
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "did you mean Netflix?" in run(own_demo, "picks", "--service", "Netflx", code=2).stderr
    assert "did you mean Netflix?" in run(own_demo, "like", "Ballard", "--service", "Netflx", code=2).stderr
    assert as_json(own_demo, "profile", "--service", "prime video", "--service", "amazon prime video")["services"] \
        == ["Prime Video"]
    assert as_json(own_demo, "profile", "--service", "")["services"] == []
    run(own_demo, "profile", "--service", "Netflix")
    assert as_json(own_demo, "profile", "--clear-services")["services"] == []
    with UserStore(own_demo.users_path) as store:  # what `--service ""` used to store
        store.save_profile(Profile(services=[""]))
    out = as_json(own_demo, "picks", "--limit", "3")
    assert len(out["items"]) == 3 and out["services"] is None


def test_a_country_is_an_iso_code(own_demo: Settings) -> None:
    for args in (("profile", "--country", "XX"), ("recommend", "--country", "XX"),
                 ("like", "Ballard", "--country", "ZZ")):
        bad = run(own_demo, *args, code=2)
        assert "is not a country: use its ISO 3166 two-letter code" in bad.stderr, args
        assert len(bad.stderr.strip().splitlines()) == 1
    assert as_json(own_demo, "profile", "--country", "de")["country"] == "DE"


def test_an_unknown_genre_names_the_near_ones_and_limit_zero_is_refused(own_demo: Settings) -> None:
    for args in (("picks", "--genre", "Krimi"), ("like", "Ballard", "--genre", "Krimi"),
                 ("recommend", "--genre", "Krimi")):
        bad = run(own_demo, *args, code=2)
        assert "unknown genre 'Krimi': did you mean Crime? (genres in this catalog: Drama" in bad.stderr, args
    for args in (("picks", "--limit", "0"), ("like", "Ballard", "--limit", "0"), ("recommend", "--limit", "0")):
        assert "--limit must be at least 1, not 0" in run(own_demo, *args, code=2).stderr, args


# -- 3. the web: the same profile, the same counts --------------------------------------------------------

def test_the_web_uses_the_profile_services_and_says_the_same_counts(quickstart: Settings) -> None:
    cli = {mode: as_json(quickstart, "picks", "--mode", mode, "--limit", "12")["services"]["text"]
           for mode in ("radar", "top")}
    with TestClient(create_app(quickstart)) as client:
        home = client.get("/", headers={"Accept": "text/html"}).text
        assert "On your services: Prime Video, Netflix in US" in home
        for text in cli.values():
            assert text[0].upper() + text[1:] + "." in home
        assert "Watch on Netflix in US per its chart of 2026-07-19" in home
        assert "Availability unknown in US" in home
        title = client.get(f"/title/{PART_TWO}", headers={"Accept": "text/html"}).text
        assert "On your services: on Netflix in US per its chart of 2026-07-19" in title
        similar = client.get(f"/title/{GODFATHER}/similar", headers={"HX-Request": "true"}).text
        assert similar.count('class="avail avail-') == 8 and "On your services (Prime Video, Netflix in US)" in similar
        page = client.get("/", params={"genre": "Krimi"}, headers={"Accept": "text/html"})
        assert page.status_code == 400 and "did you mean Crime?" in page.text


# -- 4. your own history ------------------------------------------------------------------------------

def history(s: Settings) -> None:
    """The Godfather rated 5★ and seen; The Conversation rated 2.5★ and watched again later; Toy Story on
    the watchlist (Letterboxd's five-star scale)."""
    at = datetime(2024, 1, 1)
    with UserStore(s.users_path) as store:
        for item in (Interaction("rated", GODFATHER, 5, 5, at), Interaction("watched", GODFATHER, at=at),
                     Interaction("rated", CONVERSATION, 2.5, 5, at),
                     Interaction("watched", CONVERSATION, at=at + timedelta(days=30)),
                     Interaction("watchlist", TOY_STORY, at=at)):
            store.add_interaction(item)


def test_picks_leave_out_what_you_have_seen_and_mark_your_watchlist(quickstart: Settings) -> None:
    history(quickstart)
    out = as_json(quickstart, "picks", "--mode", "top", "--year-from", "1970", "--year-to", "1999", "--limit", "40")
    ids = [i["id"] for i in out["items"]]
    assert GODFATHER not in ids and CONVERSATION not in ids
    assert out["seen_left_out"] == 2 and "2 titles you have seen, rated or dismissed left out" in out["notes"]
    toy = next(i for i in out["items"] if i["id"] == TOY_STORY)
    assert toy["history"] == "on your watchlist"
    text = run(quickstart, "picks", "--mode", "top", "--limit", "5").stdout  # after the 3 known on yours
    assert "Toy Story (1995) · movie" in text and "· on your watchlist" in text


def test_like_marks_your_titles_and_a_low_rating_is_never_a_liked_one(quickstart: Settings) -> None:
    history(quickstart)
    like = as_json(quickstart, "like", "The Godfather Part II", "--limit", "5")
    godfather = next(i for i in like["items"] if i["id"] == GODFATHER)
    assert godfather["history"] == "seen, rated 5★"
    assert "· seen, rated 5★" in run(quickstart, "like", "The Godfather Part II", "--limit", "5").stdout
    unseen = as_json(quickstart, "like", "The Godfather Part II", "--limit", "5", "--unseen")
    assert GODFATHER not in [i["id"] for i in unseen["items"]]
    found = as_json(quickstart, "recommend", "--limit", "10")
    reasons = [r["text"] for i in found["items"] for r in i["reasons"]]
    assert any(r.startswith("like The Godfather (you rated it 5★)") for r in reasons)
    assert not any("The Conversation" in r and r.startswith("like ") for r in reasons)
    with TestClient(create_app(quickstart)) as client:
        home = client.get("/", headers={"Accept": "text/html"}).text
        assert '<span class="badge mine">on your watchlist</span>' in home
        similar = client.get(f"/title/{PART_TWO}/similar", headers={"HX-Request": "true"}).text
        assert '<span class="badge mine">seen, rated 5★</span>' in similar


def test_a_rating_under_three_and_a_half_stars_is_not_liked() -> None:
    for rating, liked in ((2.5, False), (3, False), (3.25, False), (3.5, True), (5, True)):
        assert (interaction_weight(Interaction("rated", "x", rating, 5)) > 0) is liked, rating
    assert interaction_weight(Interaction("rated", "x", 6, 10)) == 0 < interaction_weight(Interaction("rated", "x", 7, 10))
