"""TV Time's data export (its GDPR download, a ZIP of CSV files, one per table; TV Time closed on
15 July 2026). Read from the ZIP, its unpacked folder, or one of its CSV files.

Only the files that hold a history are opened, found by their names whatever their folder, case or
punctuation: followed shows (``followed_tv_show.csv``, ``user_tv_show_data.csv``), watched episodes
(``tracking-prod-records-v2.csv``; ``seen_episode.csv`` and its siblings in older exports) and films
(``tracking-prod-records.csv``, rows of ``entity_type`` movie). The export's account files (tokens,
logins, devices) are never read.

Shows and episodes are named by TheTVDB ids (``tv_show_id``, ``s_id``), kept as each show's ``tvdb`` id.
The user store keeps no episode records, so each show is one ``watched`` on the day of its latest
episode, its episodes counted in the notes; a followed show none of whose episodes was watched is on
the watchlist. Films have no id in the export: they are matched by name and release year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import ImportRow, RowStream, backup_files, skipped_notes, whole
from reelradar.users.readers import CsvRow, Limits, decode, read_csv

# Each file read, under its name made plain (lower case, letters and digits only: TV Time has spelt
# them with hyphens and underscores), with the columns read from it.
SHOW = {"tvdb": ("tv_show_id", "s_id", "series_id"), "name": ("tv_show_name", "series_name"),
        "created": ("created_at",)}
EPISODE = {**SHOW, "season": ("episode_season_number", "season_number", "s_no"),
           "number": ("episode_number", "ep_no"), "episode_id": ("episode_id", "ep_id")}
FILES: dict[str, dict[str, tuple[str, ...]]] = {
    "followedtvshowcsv": {**SHOW, "active": ("active",), "archived": ("archived",)},
    "usertvshowdatacsv": {**SHOW, "followed": ("is_followed",), "seen": ("nb_episodes_seen",)},
    "trackingprodrecordsv2csv": {**EPISODE, "key": ("key",), "gsi": ("gsi",), "followed": ("is_followed",)},
    "trackingprodrecordscsv": {**EPISODE, "entity": ("entity_type",), "type": ("type",), "movie": ("movie_name",),
                               "release": ("release_date",), "watch_date": ("watch_date",)},
    **{f: EPISODE for f in ("seenepisodecsv", "seenepisodesourcecsv", "watchedonepisodecsv", "rewatchedepisodecsv")},
}
# what a file must have to be read at all (episode files: an episode number; older ones name no show)
REQUIRED = {"followedtvshowcsv": ("name",), "usertvshowdatacsv": ("name",), "trackingprodrecordscsv": ("entity",)}
EXPECTED = "followed_tv_show.csv, user_tv_show_data.csv, seen_episode.csv, tracking-prod-records-v2.csv"
_GO_UTC = re.compile(r"\s*([+-]\d{4})?\s*UTC$")  # "2018-04-25 07:54:37 +0000 UTC", as Go writes a time


@dataclass
class _Show:
    """What the export says of one show: its name and TheTVDB id, and the person's episodes of it."""

    name: str
    tvdb: str | None
    file: str
    line: int
    followed: bool = False
    followed_at: datetime | None = None
    seen: int = 0  # nb_episodes_seen: the count TV Time kept, also of episodes the files do not list
    episodes: set[str] = field(default_factory=set)
    latest: datetime | None = None
    latest_at: tuple[str, int] | None = None  # file and line of the latest episode watched


def plain(name: str) -> str:
    """A file's name as it is looked up: 'TV Time/tracking-prod-records-v2.csv' → 'trackingprodrecordsv2csv'."""
    return "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1].lower() if c.isalnum())


def _tables(path: Path, limits: Limits) -> dict[str, tuple[str, list[CsvRow]]]:
    """The export's files that hold a history: plain name → (the name to show, its rows)."""
    files = backup_files(path, limits, ".csv", lambda n: plain(n) in FILES,
                         f"{path}: no TV Time export files in it (expected {EXPECTED}, in the ZIP TV Time sent "
                         "or its unpacked folder)")
    texts = [(plain(name.removeprefix(f"{path}:")), name, data) for name, data in files]  # a ZIP's member by its name
    return {key: (name, read_csv(decode(data, name), name, FILES[key], REQUIRED.get(key, ("number",)),
                                 limits.max_rows)[1]) for key, name, data in texts}


def _moment(text: str, what: str, where: str) -> datetime | None:
    """A time as TV Time wrote it: '2019-11-09 15:35:43' (UTC), a Go time ('… +0000 UTC') or Unix seconds."""
    if text.isdigit():
        stamp = validate.whole(text, what, where) or 0
        return validate.moment(datetime.fromtimestamp(stamp, UTC).isoformat(), what, where)
    return validate.moment(_GO_UTC.sub(lambda m: m[1] or "+0000", text) if text.endswith("UTC") else text,
                           what, where)


def tvtime_export(path: Path, limits: Limits) -> RowStream:
    """A TV Time export: per show one ``watched`` (on its latest episode) or, followed but not begun, one
    ``watchlist``; per film each day it was watched, or ``watchlist`` when saved for later."""
    tables = _tables(path, limits)
    shows: dict[str, _Show] = {}
    by_name: dict[str, str] = {}  # show name → its key, for files that name shows without their id
    skipped: Counter[str] = Counter()

    def show(r: CsvRow, name: str) -> _Show | None:
        where = f"{name} line {r.line}"
        title = validate.text(r.values.get("name", ""), "tv_show_name", where)
        tvdb = validate.whole(r.values.get("tvdb", ""), "tv_show_id", where)
        if not title and tvdb is None:
            return None
        key = f"tvdb:{tvdb}" if tvdb is not None else by_name.get(title, f"name:{title}")
        if key not in shows:
            shows[key] = _Show(title or f"TheTVDB {tvdb}", None if tvdb is None else str(tvdb), name, r.line)
        if title:
            by_name.setdefault(title, key)
        return shows[key]

    for f in ("followedtvshowcsv", "usertvshowdatacsv"):  # first, so the episode files find shows' ids by name
        name, rows = tables.get(f, ("", []))
        for r in rows:
            s = show(r, name)
            if s is None:
                continue
            where = f"{name} line {r.line}"
            following = r.values.get("active", r.values.get("followed", "")) in ("1", "true")
            if following and r.values.get("archived") != "1":  # an archived show is one given up
                s.followed = True
                s.followed_at = s.followed_at or _moment(r.values.get("created", ""), "created_at", where)
            s.seen = max(s.seen, validate.whole(r.values.get("seen", ""), "nb_episodes_seen", where) or 0)
    for f in ("trackingprodrecordsv2csv", "trackingprodrecordscsv", "seenepisodecsv", "seenepisodesourcecsv",
              "watchedonepisodecsv", "rewatchedepisodecsv"):
        name, rows = tables.get(f, ("", []))
        for r in rows:
            _episode(r, name, f, show, skipped)
    films = _films(tables.get("trackingprodrecordscsv"))
    return whole(_show_rows(shows, skipped) + films, _notes(shows, skipped))


def _episode(r: CsvRow, name: str, f: str, show: Callable[[CsvRow, str], _Show | None],
             skipped: Counter[str]) -> None:
    """Count one row of an episode file: a viewing of an episode, or (tracking-prod-records-v2) a show's
    summary, which says whether it is followed."""
    v = r.values
    where = f"{name} line {r.line}"
    if f == "trackingprodrecordscsv" and (v.get("entity", "") != "episode" or not v.get("type", "").startswith(
            ("watch", "rewatch", "last-episode-watched"))):
        return  # films, and the log's counters and follows
    if f == "trackingprodrecordsv2csv" and v.get("key", "").startswith("user-series"):
        if v.get("followed") == "true" and (s := show(r, name)) is not None:
            s.followed = True
        return
    if not v.get("number") or not v.get("season"):
        return  # the log's statistics rows
    s = show(r, name)
    if s is None:
        skipped["unnamed"] += 1
        return
    season = validate.whole(v["season"], "season_number", where)
    number = validate.whole(v["number"], "episode_number", where)
    at = _moment(v.get("created", ""), "created_at", where)
    s.episodes.add(v.get("episode_id") or f"S{season}E{number}")
    if at is not None and (s.latest is None or at > s.latest):
        s.latest, s.latest_at = at, (name, r.line)


def _show_rows(shows: dict[str, _Show], skipped: Counter[str]) -> list[ImportRow]:
    out = []
    for key, s in shows.items():
        record = Record(s.name, None, "series", {"tvdb": s.tvdb} if s.tvdb else {})
        file, line = s.latest_at or (s.file, s.line)
        if s.episodes or s.seen:
            out.append(ImportRow(file, line, "watched", record, f"series:{key}", f"tvtime|watched|series:{key}",
                                 at=s.latest))
        elif s.followed:
            out.append(ImportRow(file, line, "watchlist", record, f"series:{key}", f"tvtime|watchlist|series:{key}",
                                 at=s.followed_at))
        else:
            skipped["unfollowed"] += 1
    return out


def _notes(shows: dict[str, _Show], skipped: Counter[str]) -> list[str]:
    watched = [s for s in shows.values() if s.episodes or s.seen]
    episodes = sum(max(len(s.episodes), s.seen) for s in watched)
    notes: list[str] = []
    if watched:
        notes.append(f"{episodes:,} episode{'s' * (episodes != 1)} of {len(watched):,} show"
                     f"{'s' * (len(watched) != 1)} watched: each show is kept once, as watched on the day of its "
                     "latest episode (episodes are not kept one by one)")
    return notes + skipped_notes(skipped, {
        "unfollowed": ("show", "you unfollowed without watching an episode"),
        "unnamed": ("episode", "whose show the export does not name")})


def _films(table: tuple[str, list[CsvRow]] | None) -> list[ImportRow]:
    """The films of tracking-prod-records.csv: each day one was watched, and those saved for later."""
    if table is None:
        return []
    name, rows = table
    watched: list[ImportRow] = []
    saved: dict[str, ImportRow] = {}
    days: dict[str, set[str]] = {}
    for r in rows:
        v = r.values
        if v.get("entity") != "movie" or v.get("type") not in ("watch", "towatch", "follow"):
            continue
        where = f"{name} line {r.line}"
        title = validate.text(v.get("movie", ""), "movie_name", where)
        if not title:
            raise BadInput(f"{where}: a film with no movie_name")
        release = v.get("release", "")
        year = validate.year(release[:4], "release_date", where) if release[:4].isdigit() and release[:4] != "0001" \
            else None
        key = f"movie:{title}|{year or ''}"
        record = Record(title, year, "movie")
        if v["type"] == "watch":
            at = _moment(v.get("watch_date") or v.get("created", ""), "watch_date", where)
            day = at.date().isoformat() if at else ""
            if day in days.setdefault(key, set()):
                continue  # one viewing a day, as the log may note it twice
            days[key].add(day)
            watched.append(ImportRow(name, r.line, "watched", record, key, f"tvtime|watched|{key}|{day}", at=at))
        else:
            saved.setdefault(key, ImportRow(name, r.line, "watchlist", record, key, f"tvtime|watchlist|{key}",
                                            at=_moment(v.get("created", ""), "created_at", where)))
    firsts: dict[str, datetime] = {}
    for row in sorted((w for w in watched if w.at), key=lambda w: w.at or datetime.min):
        if row.source_key in firsts:
            row.rewatch = True
        firsts.setdefault(row.source_key, row.at or datetime.min)
    return watched + [row for key, row in saved.items() if key not in days]  # a film seen is off the list
