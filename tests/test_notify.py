"""Notices: on a copy of the demo catalog with a day's events (a watchlist title and a radar pick new on
Prime Video, a new season of a watched series, Ballard breaking out), the notices say why and carry their
numbers and sources; they reach a real HTTP server on 127.0.0.1 through Apprise's json:// URL once and
only once; a failing endpoint is reported in one line and the notices go out on the next run."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from helpers.story_facts import row_exists
from typer.testing import CliRunner

from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.cli import app
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.model import Interaction, Profile
from reelradar.story.notify import Notice, find_notices, message, send_notices
from reelradar.testing import Request, Response, local_server
from reelradar.users.actions import your_history
from reelradar.users.store import UserStore

TODAY = date.today()  # the command reads today's date, so the events are dated from it
US_PRIME = Profile(country="US", services=["Prime Video"])
runner = CliRunner()


@pytest.fixture
def events(own_demo: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The demo data with a day's events and a person in the US with Prime Video, The Godfather on their
    watchlist and Bosch: Legacy watched."""
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        for title_id in ("tt0068646", "tt0108598"):  # The Godfather (watchlist), The Wrong Trousers (radar)
            con.execute("INSERT INTO offer_seen VALUES (?, 'US', 'Prime Video', 'flatrate', ?, ?, 'tmdb', 'tmdb')",
                        [title_id, TODAY - timedelta(days=1), TODAY])
            con.execute("INSERT INTO offer_check VALUES (?, ?, ?, 'tmdb', 'tmdb')",
                        [title_id, TODAY - timedelta(days=30), TODAY])
        con.execute("""INSERT INTO season (title_id, season_number, name, episode_count, air_date, source, fetched_at)
                       VALUES ('demo:bosch-legacy', 4, 'Season 4', 10, ?, 'tmdb', ?)""", [TODAY + timedelta(days=3), TODAY])
        con.execute("UPDATE chart_momentum SET breakout = true WHERE title_id = 'demo:ballard'")
    with UserStore(own_demo.users_path) as store:
        store.add_interaction(Interaction("watchlist", "tt0068646"))
        store.add_interaction(Interaction("watched", "demo:bosch-legacy"))
    monkeypatch.setenv("REELRADAR_COUNTRY", "US")
    monkeypatch.setenv("REELRADAR_SERVICES", '["Prime Video"]')
    return load_settings(data_dir=own_demo.data_dir)


@pytest.fixture
def events_con(events: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(events.catalog_path)
    yield con
    con.close()


def notices(con: duckdb.DuckDBPyConnection, settings: Settings, **kw: object) -> list[Notice]:
    return find_notices(con, settings, profile=US_PRIME, history=your_history(settings), today=TODAY, **kw)  # type: ignore[arg-type]


def notify(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "notify", *args])
    return result.exit_code, result.stdout, result.stderr


def test_each_rule_finds_its_notice_with_facts_from_the_catalog(events_con: duckdb.DuckDBPyConnection,
                                                              events: Settings) -> None:
    found = notices(events_con, events)
    assert [(n.rule, n.title_id, n.heading) for n in found] == [
        ("arrived", "tt0068646", "On your watchlist, now on your services"),
        ("arrived", "tt0108598", "Under the radar, now on your services"),
        ("season", "demo:bosch-legacy", "A new season has a date"),
        ("breakout", "demo:ballard", "Breaking out, to your taste, on your services"),
    ]
    assert found[0].lines[1].text == f"New on Prime Video (subscription, US) since {TODAY - timedelta(days=1)}."
    assert found[2].lines[1].text == f"Season 4 premieres on {TODAY + timedelta(days=3)}, ten episodes."
    assert any("flying under the radar" in s.text for s in found[1].lines)
    for n in found:
        cited = {f.n for f in n.facts}
        assert all(s.notes and set(s.notes) <= cited for s in n.lines), n.key
        assert_true(events_con, events, n)
    assert len({n.key for n in found}) == len(found)
    assert [n.rule for n in notices(events_con, events, rules=["season"])] == ["season"]
    with pytest.raises(BadInput, match="unknown notice rule 'gossip'"):
        notices(events_con, events, rules=["gossip"])


def test_a_dry_run_prints_the_notices_with_their_sources_and_sends_nothing(events: Settings) -> None:
    code, out, err = notify(events, "--dry-run")
    assert code == 0, err
    assert out.startswith("What to watch: 4 notices\n\nOn your watchlist, now on your services\nThe Godfather (1972) [1]\n"
                          f"New on Prime Video (subscription, US) since {TODAY - timedelta(days=1)}. [2]\n")
    assert "\n\nSources\n[1] " in out and ": The Godfather: year 1972" in out
    assert f"[2] TMDB, {TODAY}: The Godfather first seen on Prime Video on {TODAY - timedelta(days=1)}" in out
    assert "Ballard (2025)" in out and "FlixPatrol, 2025-07-14" in out
    assert sent_rows(events) == []
    data = json.loads(notify(events, "--dry-run", "--json", "--rule", "breakout")[1])
    assert [n["id"] for n in data["notices"]] == ["demo:ballard"] and data["deliveries"] == []


def test_notices_reach_a_json_endpoint_once_and_only_once(events: Settings,
                                                          events_con: duckdb.DuckDBPyConnection) -> None:
    title, body = message(notices(events_con, events))
    with local_server(lambda r: Response(200, b"ok")) as (base, seen):
        url = base.replace("http://", "json://") + "/hook"
        code, _, err = notify(events, "--to", url)
        assert code == 0, err
        assert "sent 4 notices to json://127.0.0.1" in err
        assert len(seen) == 1 and seen[0].method == "POST" and seen[0].path == "/hook"
        got = json.loads(seen[0].body)
        assert (got["title"], got["message"]) == (title, body)
        code, _, err = notify(events, "--to", url)  # the next run: nothing new
        assert code == 0 and "nothing new to send to json://127.0.0.1" in err and len(seen) == 1
    record = sent_rows(events)
    assert len(record) == 4 and len({url_id for url_id, _ in record}) == 1
    assert not any("127.0.0.1" in url_id for url_id, _ in record)  # the URL only as a hash


def test_a_failing_endpoint_keeps_the_notices_for_the_next_run(events: Settings) -> None:
    answers = [Response(500, b"down"), Response(200, b"ok")]

    def handler(r: Request) -> Response:
        return answers.pop(0)

    with local_server(handler) as (base, seen):
        url = base.replace("http://", "json://")
        code, _, err = notify(events, "--to", url)
        assert code == 4
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("reelradar: could not send 4 notices to json://127.0.0.1: ")
        assert "500" in lines[0] and "sent again on the next run" in lines[0]
        assert sent_rows(events) == []
        code, _, err = notify(events, "--to", url)
        assert code == 0 and "sent 4 notices" in err and len(seen) == 2
        assert json.loads(seen[0].body)["message"] == json.loads(seen[1].body)["message"]


def test_urls_are_checked_before_anything_is_sent(events: Settings, events_con: duckdb.DuckDBPyConnection,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    found = notices(events_con, events)
    with local_server(lambda r: Response(200)) as (base, seen):
        with pytest.raises(BadInput, match="does not understand the notify URL nosuchservice://"):
            send_notices(events, found, [base.replace("http://", "json://"), "nosuchservice://token@host"])
        assert seen == []
    with pytest.raises(BadInput, match="give --to URL or set notify_urls"):
        send_notices(events, found, [])
    monkeypatch.setitem(sys.modules, "apprise", None)  # the extra not installed
    with pytest.raises(BadInput, match=r"pip install 'reelradar\[notify\]'"):
        send_notices(events, found, ["json://127.0.0.1"])


@pytest.fixture
def taste(events: Settings) -> Settings:
    """The events, with Bosch rated 5★ and Bosch: Legacy rated 4.5★ (after being watched: the rating
    decides), and a second breakout on Prime Video in the US, The Wrong Trousers (animation, comedy,
    crime), which shares one genre with them and nothing else."""
    with write_catalog(events.catalog_path, start_from_current=True) as con:
        con.execute("""INSERT INTO chart_momentum SELECT * REPLACE ('tt0108598' AS title_id, 0.5 AS momentum)
                       FROM chart_momentum WHERE title_id = 'demo:ballard'""")
        con.execute("""INSERT INTO offer (title_id, country, provider, monetization, source, as_of)
                       VALUES ('tt0108598', 'US', 'Prime Video', 'flatrate', 'tmdb', ?)""", [TODAY])
    with UserStore(events.users_path) as store:
        store.add_interaction(Interaction("rated", "demo:bosch", rating=5, scale=5))
        store.add_interaction(Interaction("rated", "demo:bosch-legacy", rating=4.5, scale=5))
    return events


def test_a_breakout_to_your_taste_names_the_titles_you_liked(taste: Settings) -> None:
    with open_catalog(taste.catalog_path) as con:
        found = notices(con, taste, rules=["breakout"])
        assert [(n.title_id, n.heading) for n in found] == [("demo:ballard", "Breaking out, to your taste, on your services")]
        lines = [s.text for s in found[0].lines]
        assert lines[1].startswith("It is breaking out: ")  # the chart's numbers first, then why it is yours
        assert lines[2] == ("Like Bosch (you rated it 5★): the same universe (Ballard is a spin-off of Bosch), "
                            "Michael Connelly and the genres crime and drama.")
        assert lines[3].startswith("Like Bosch: Legacy (you rated it 4.5★): the same universe (")
        assert_true(con, taste, found[0])
        said = {(f.key["title_id"], f.key["rating"]) for f in found[0].facts if f.table == "interaction"}
        assert said == {("demo:bosch", 5), ("demo:bosch-legacy", 4.5)}
        mine = {(i.title_id, i.rating, i.scale) for i in your_history(taste).interactions if i.action == "rated"}
        assert {("demo:bosch", 5, 5), ("demo:bosch-legacy", 4.5, 5)} <= mine
        # without services the taste alone decides; The Wrong Trousers shares only "crime": no notice
        anywhere = find_notices(con, taste, profile=Profile(country="US"), history=your_history(taste),
                                today=TODAY, rules=["breakout"])
        assert [(n.title_id, n.heading) for n in anywhere] == [("demo:ballard", "Breaking out, to your taste")]


def test_a_breakout_to_your_taste_is_sent_once_and_one_not_to_it_never(taste: Settings) -> None:
    with local_server(lambda r: Response(200, b"ok")) as (base, seen):
        url = base.replace("http://", "json://")
        for _ in range(2):
            code, _, err = notify(taste, "--to", url, "--rule", "breakout")
            assert code == 0, err
        assert "nothing new to send" in err and len(seen) == 1
        body = json.loads(seen[0].body)["message"]
    assert "Ballard (2025)" in body and "Like Bosch (you rated it 5★)" in body
    assert "Wrong Trousers" not in body
    assert [key for _, key in sent_rows(taste)] == ["breakout:demo:ballard"]


def test_no_history_gives_no_taste_notice_and_the_dry_run_says_why(own_demo: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("UPDATE chart_momentum SET breakout = true WHERE title_id = 'demo:ballard'")
    monkeypatch.setenv("REELRADAR_SERVICES", '["Prime Video"]')
    code, out, err = notify(own_demo, "--dry-run", "--rule", "breakout")
    assert code == 0, err
    assert err.count("no breakout notices: your history has no title you rated highly, liked or watched") == 1
    assert "Ballard" not in out


def test_notify_settings_are_validated(tmp_path: Path) -> None:
    assert load_settings(notify_rules=["season", "season"]).notify_rules == ["season"]
    with pytest.raises(BadInput, match="unknown notice rule 'gossip'"):
        load_settings(notify_rules=["gossip"])
    with pytest.raises(BadInput, match="notify_urls.*not an Apprise URL") as bad:
        load_settings(notify_urls=["json://127.0.0.1", "secret-token"])
    assert "secret-token" not in str(bad.value)
    with pytest.raises(BadInput, match="notify_days"):
        load_settings(notify_days=0)


def assert_true(con: duckdb.DuckDBPyConnection, settings: Settings, notice: Notice) -> None:
    """Every fact of the notice is a row: of the catalog, or (the person's own) of their history."""
    history = your_history(settings).interactions
    for f in notice.facts:
        if f.table == "interaction":
            assert any((i.title_id, i.action, i.rating) == (f.key["title_id"], f.key["action"], f.key["rating"])
                       for i in history), f.key
        else:
            assert row_exists(con, f.table, f.key) is not None, (f.table, f.key)


def sent_rows(settings: Settings) -> list[tuple[str, str]]:
    """What the user store records as sent: (URL hash, notice key) pairs."""
    with UserStore(settings.users_path) as store, store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT url_id, key FROM notice_sent ORDER BY key")]
