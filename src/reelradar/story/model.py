"""The records of a story and a digest: sentences that point to the facts they state (footnotes), each
fact naming the catalog row it was read from, its source and its date. Each converts to JSON as is."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from reelradar.model import Provenance


@dataclass
class Fact:
    """One footnote: what the catalog says (``what``, in words), who said it and when (``provenance``),
    and the row it was read from (``table`` and the column values of ``key``), so anyone can check it."""

    n: int
    what: str
    provenance: Provenance
    table: str
    key: dict[str, Any]

    def text(self) -> str:
        """'Rotten Tomatoes via news report, 2025-07-14 (demo data): critics' score 100%, count not reported'."""
        when = "" if self.provenance.as_of else ", date not recorded"
        return f"{self.provenance.text()}{when}: {self.what}"


@dataclass
class Sentence:
    """A sentence of a story and the numbers of the facts it states (never empty)."""

    text: str
    notes: list[int]


@dataclass
class Section:
    key: str  # chart, about, scores, where, universe, liked
    heading: str
    sentences: list[Sentence]


@dataclass
class Story:
    """A title's story: headline, lead, the sections the facts fill (in the seed article's order), the
    facts as numbered footnotes, and the day it was written (``today``) with the newest fact's date."""

    id: str
    title: str
    year: int | None
    kind: str
    language: str
    today: date
    headline: Sentence
    lead: list[Sentence]
    sections: list[Section]
    facts: list[Fact]
    as_of: date | None = None  # the newest date among the facts
    notes: list[str] = field(default_factory=list)  # how old the data is, when it is old

    def sentences(self) -> list[Sentence]:
        return [self.headline, *self.lead, *(s for sec in self.sections for s in sec.sentences)]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["facts"] = [{**asdict(f), "text": f.text()} for f in self.facts]
        return out


@dataclass
class DigestItem:
    """A short story of one title in a digest: a line that names it, then its numbers, with footnotes."""

    id: str
    title: str
    year: int | None
    kind: str
    headline: Sentence
    sentences: list[Sentence]
    mark: str | None = None  # availability unknown, what the reader did with it: marks, not claims


@dataclass
class DigestSection:
    key: str  # radar, breakout, new, leaving, seasons
    heading: str
    intro: str  # the period, the services, the chart day it stands on
    items: list[DigestItem]


@dataclass
class Digest:
    """The week's piece for a reader: the sections their data fills, one footnote list for them all."""

    title: str
    language: str
    today: date
    since: date
    country: str | None
    services: list[str]
    kinds: list[str]
    sections: list[DigestSection]
    facts: list[Fact]
    notes: list[str] = field(default_factory=list)  # what narrowed it, how old its data is

    def sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for item in sec.items for s in (item.headline, *item.sentences)]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["facts"] = [{**asdict(f), "text": f.text()} for f in self.facts]
        return out
