"""Notices (``reelradar notify``): short messages when something worth watching arrives, written from
the same items as the digest (story/digest.py), so each carries its numbers and the sources of its facts.

The rules (``notify_rules``):

- ``arrived``: a title on the person's watchlist, a radar pick or a breakout newly on one of their
  services in their country (the digest's "new" items: offer snapshots compared by
  ``analytics.availability.offer_changes``);
- ``season``: a season of a series they watched has a date, or has started (the digest's "seasons");
- ``breakout``: a title breaking out in the charts that matches their taste (story/taste.py: it shares
  its universe, a person or its genres with a title they rated highly, liked or watched, said with those
  titles and their ratings) and, when the profile names services, is on them (not merely of unknown
  availability); a history with no such title gives none (``taste_note`` says so);
- ``leaving``: a watchlist title a source says is leaving their services.

Each notice has a key (the rule, the title and the catalog row it stands on); a record of the keys sent to
each URL (the user store's ``notice_sent`` table, written in one transaction per URL) keeps a notice from going
out twice. One run sends all its new notices to a URL as one message; a failed send records nothing, so
the same notices go out on the next run. URLs are remembered by a hash: they often hold tokens.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import duckdb

from reelradar.analytics.availability import availability_of, profile_filters
from reelradar.config import NOTICE_RULES, Settings
from reelradar.errors import BadInput
from reelradar.model import Availability, Profile
from reelradar.story.context import Context
from reelradar.story.digest import MAX_LIMIT, digest
from reelradar.story.facts import FactBook, title_rows
from reelradar.story.model import Digest, DigestItem, Fact, Sentence
from reelradar.story.phrases import phrases
from reelradar.story.taste import liked_titles, taste_matches, taste_sentences
from reelradar.story.title import passes_radar
from reelradar.users.actions import YourHistory
from reelradar.users.store import UserStore

INSTALL_HINT = "sending notices needs Apprise: pip install 'reelradar[notify]'"

# The words of a notice, per language, like story/phrases.py's table.
@dataclass
class Notice:
    """One thing worth watching: why (``heading``), the item's lines with footnotes, and its facts."""

    key: str  # the same notice has the same key on every run
    rule: str
    heading: str
    title_id: str
    title: str
    lines: list[Sentence]
    facts: list[Fact]  # those the lines cite, numbered as in the digest

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "rule": self.rule, "heading": self.heading, "id": self.title_id,
                "title": self.title, "lines": [{"text": s.text, "notes": s.notes} for s in self.lines],
                "facts": [{"n": f.n, "text": f.text(), "table": f.table, "key": f.key} for f in self.facts]}


def find_notices(con: duckdb.DuckDBPyConnection, settings: Settings, *, profile: Profile, history: YourHistory,
                 today: date, days: int | None = None, rules: list[str] | None = None,
                 language: str = "en") -> list[Notice]:
    """The notices the catalog holds for this person on ``today``, looking ``days`` back (and ahead, for
    seasons and leaving): the rules asked for (default: the settings'), in the rules' order."""
    wanted = list(rules if rules is not None else settings.notify_rules)
    unknown = [r for r in wanted if r not in NOTICE_RULES]
    if unknown:
        raise BadInput(f"unknown notice rule {unknown[0]!r}: use some of {', '.join(NOTICE_RULES)}")
    sections = {"arrived": ["new", "breakout"], "breakout": ["breakout"], "season": ["seasons"],
                "leaving": ["leaving"]}
    asked = sorted({s for r in wanted for s in sections[r]})
    if not asked:
        return []
    piece = digest(con, settings, profile=profile, history=history, today=today,
                   days=days or settings.notify_days, limit=MAX_LIMIT, sections=asked, language=language)
    items = {s.key: s.items for s in piece.sections}
    p = phrases(language)
    watchlist = {i.title_id for i in history.interactions if i.action == "watchlist" and i.title_id}
    watchlist -= set(history.leave_out)
    breakouts = [i.id for i in items.get("breakout", [])]
    yours = availability_of(con, breakouts, profile_filters(profile))
    out: list[Notice] = []
    for rule in NOTICE_RULES:
        if rule not in wanted:
            continue
        if rule == "arrived":
            radar = _radar_ids(con, settings, piece, profile, history, today, items.get("new", []))
            for item in items.get("new", []):
                why = ("watchlist" if item.id in watchlist else "radar" if item.id in radar
                       else "breakout" if item.id in breakouts else None)
                if why:
                    out.append(_notice(piece, item, rule, p.say(f"notice.arrived.{why}")))
        elif rule == "breakout":
            out += _taste_notices(con, piece, history, items.get("breakout", []),
                                  yours if profile.services else None)
        elif rule == "season":
            for item in items.get("seasons", []):
                air = _primary(piece, item).key.get("air_date")
                state = "started" if isinstance(air, date) and air <= today else "dated"
                out.append(_notice(piece, item, rule, p.say(f"notice.season.{state}"), suffix=state))
        else:
            out += [_notice(piece, item, rule, p.say("notice.leaving")) for item in items.get("leaving", [])
                    if item.id in watchlist]
    return out


def taste_note(history: YourHistory, rules: list[str] | None = None, settings: Settings | None = None,
               language: str = "en") -> str | None:
    """Why the ``breakout`` rule (when asked for) can give nothing: no title in the history to match a
    breakout against; None when there is one."""
    wanted = rules if rules is not None else (settings.notify_rules if settings else list(NOTICE_RULES))
    if "breakout" not in wanted or liked_titles(history):
        return None
    return phrases(language).say("notice.no_taste")


def _taste_notices(con: duckdb.DuckDBPyConnection, piece: Digest, history: YourHistory, items: list[DigestItem],
                   yours: dict[str, Availability] | None) -> list[Notice]:
    """Breakouts that match the person's taste (and are on their services, when ``yours`` is given), each
    with the liked titles it matches after its chart line."""
    if not items or not liked_titles(history):
        return []
    p = phrases(piece.language)
    book = FactBook.continuing(con, p, piece.facts)
    rows = title_rows(con, [i.id for i in items])
    heading = p.say("notice.breakout.yours" if yours is not None else "notice.breakout")
    out = []
    for item in items:
        t = rows.get(item.id)
        if t is None or (yours is not None and (item.id not in yours or yours[item.id].status != "yours")):
            continue
        matches = taste_matches(con, history, t)
        if not matches:
            continue
        said = taste_sentences(book, t, matches)
        lines = [*item.sentences[:1], *said, *item.sentences[1:]]
        out.append(_notice(piece, replace(item, sentences=lines), "breakout", heading, key=f"breakout:{item.id}"))
    return out


def _radar_ids(con: duckdb.DuckDBPyConnection, settings: Settings, piece: Digest, profile: Profile,
               history: YourHistory, today: date, items: list[DigestItem]) -> set[str]:
    """Which of the new titles pass the radar rule of ``reelradar picks`` (story/title.py's check)."""
    rows = title_rows(con, [i.id for i in items])
    book = FactBook(con, phrases(piece.language))  # a scratch book: the rule reads scores, states nothing
    return {t.id for t in rows.values()
            if passes_radar(Context(con, settings, book, book.p, t, profile, history, today))}


def _primary(piece: Digest, item: DigestItem) -> Fact:
    """The fact the item's first line stands on (the offer, the season, the chart row)."""
    first = item.sentences[0] if item.sentences else item.headline
    return piece.facts[first.notes[0] - 1]


def _notice(piece: Digest, item: DigestItem, rule: str, heading: str, *, key: str | None = None,
            suffix: str = "") -> Notice:
    if key is None:
        fact = _primary(piece, item)
        row = json.dumps(fact.key, sort_keys=True, default=str)
        key = f"{rule}:{item.id}:{fact.table}:{row}" + (f":{suffix}" if suffix else "")
    lines = [item.headline, *item.sentences]
    cited = sorted({n for s in lines for n in s.notes})
    return Notice(key, rule, heading, item.id, item.title, lines, [piece.facts[n - 1] for n in cited])


def message(notices: list[Notice], language: str = "en") -> tuple[str, str]:
    """The title and plain-text body of one message bundling ``notices``: each notice's heading and
    lines with footnote marks, then the sources, numbered afresh for this message."""
    p = phrases(language)
    numbers: dict[int, int] = {}  # the digest's fact number -> this message's
    facts: list[Fact] = []
    blocks = []
    for notice in notices:
        by_n = {f.n: f for f in notice.facts}
        lines = [notice.heading]
        for s in notice.lines:
            marks = []
            for n in s.notes:
                if n not in numbers:
                    numbers[n] = len(numbers) + 1
                    facts.append(by_n[n])
                marks.append(f"[{numbers[n]}]")
            lines.append(f"{s.text} {''.join(marks)}")
        blocks.append("\n".join(lines))
    sources = [p.say("notice.sources"), *(f"[{numbers[f.n]}] {f.text()}" for f in facts)]
    title = (p.say("notice.title.one", first=notices[0].lines[0].text) if len(notices) == 1
             else p.say("notice.title.many", n=len(notices)))
    return title, "\n\n".join([*blocks, "\n".join(sources)])


def url_label(url: str) -> str:
    """A URL as it may be shown: its scheme and host, never its user, password, token or path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


def _url_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass
class Delivery:
    """What one URL got this run: how many notices were sent, or why none were."""

    url: str  # as url_label shows it
    sent: int
    error: str | None = None

    def text(self) -> str:
        if self.error:
            return f"could not send {self.sent} notice{'' if self.sent == 1 else 's'} to {self.url}: {self.error}"
        if not self.sent:
            return f"nothing new to send to {self.url}"
        return f"sent {self.sent} notice{'' if self.sent == 1 else 's'} to {self.url}"


def send_notices(settings: Settings, notices: list[Notice], urls: list[str], *,
                 language: str = "en") -> list[Delivery]:
    """Send each URL the notices it has not yet received, bundled in one message, through Apprise, and
    record those that went out. A URL whose send fails gets a Delivery with the error and nothing recorded
    (the next run sends them again); a URL Apprise does not know stops the run before anything is sent."""
    try:
        import apprise  # an optional extra: only sending needs it
    except ImportError:
        raise BadInput(INSTALL_HINT) from None
    if not urls:
        raise BadInput("no URL to send notices to: give --to URL or set notify_urls (or use --dry-run)")
    senders = []
    for url in urls:
        one = apprise.Apprise()
        if not one.add(url):
            raise BadInput(f"Apprise does not understand the notify URL {url_label(url)}...")
        senders.append((url, one))
    out = []
    with UserStore(settings.users_path) as store:
        for url, one in senders:
            done = store.notices_sent(_url_id(url))
            todo = [n for n in notices if n.key not in done]
            if not todo:
                out.append(Delivery(url_label(url), 0))
                continue
            title, body = message(todo, language)
            ok, why = _send(one, title, body)
            if ok:  # recorded after each URL: one that fails later does not undo this one's record
                store.mark_sent(_url_id(url), [n.key for n in todo])
            out.append(Delivery(url_label(url), len(todo), None if ok else why or "the service refused it"))
    return out


class _Last(logging.Handler):
    """Keeps the last warning Apprise logs: the reason of a failed send, in its words."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.message = record.getMessage().replace("., ", ", ").rstrip(".")


def _send(one: Any, title: str, body: str) -> tuple[bool, str | None]:
    logger = logging.getLogger("apprise")
    last = _Last()
    logger.addHandler(last)
    try:
        ok = bool(one.notify(title=title, body=body, body_format="text"))
    finally:
        logger.removeHandler(last)
    return ok, last.message
