"""What one story (or one digest item) is being written from: the catalog, the reader, the day, the
footnotes so far, and the headline hooks the sections found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from reelradar.config import Settings
from reelradar.model import Profile
from reelradar.story.facts import CreditRow, FactBook, TitleRow
from reelradar.story.phrases import Phrases
from reelradar.users.actions import YourHistory

LINEAGE = ("spin_off_of", "sequel_of", "prequel_of", "remake_of")


@dataclass
class Hook:
    """A claim fit for the headline, with its facts."""

    text: str
    notes: list[int]
    rank: int = 9  # headline order: chart 0, breakout 1, praise 2, radar 3, lineage 4


@dataclass
class Context:
    """A story being written: the title, the reader (profile, history), the day, the footnotes, the hooks."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    book: FactBook
    p: Phrases
    t: TitleRow
    profile: Profile
    history: YourHistory
    today: date
    credits: list[CreditRow] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    radar: bool = False
    family: set[str] = field(default_factory=set)  # the titles of its universe (the universe section's)
