"""Plain records shared by the library and its doors (CLI, API, web). Each converts to JSON as is."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Provenance:
    """Who said a fact and when: ``source`` (e.g. Rotten Tomatoes), ``via`` (the dataset or report
    that carried it), ``as_of`` (the day it was true)."""

    source: str
    via: str | None
    as_of: date | None
    demo: bool = False

    def text(self) -> str:
        parts = [self.source]
        if self.via and self.via != self.source:
            parts.append(f"via {self.via}")
        line = " ".join(parts)
        if self.as_of:
            line += f", {self.as_of.isoformat()}"
        return line + (" (demo data)" if self.demo else "")


@dataclass
class ScorePart:
    """One source's score for a title and what reelradar made of it."""

    source: str
    metric: str
    value: float
    scale: float
    count: int | None
    quality: float
    percentile: float | None
    cohort: str | None
    cohort_size: int | None
    weight: float
    provenance: Provenance
    text: str = ""  # the score in words with its source and date
    summary: str = ""  # the score in words, without its source (the reason line groups sources)


@dataclass
class EvidencePart:
    """One piece of evidence of how many people know a title."""

    evidence: str  # reviews, votes, box_office, chart_points
    value: float
    percentile: float | None
    cohort: str | None
    source: str
    text: str = ""


@dataclass
class Reason:
    """A sentence of an explanation and the numbers it rests on."""

    text: str
    kind: str  # acclaim, awareness, chart, relation, availability, ...
    source: str | None = None  # who said the fact behind it, when one source did


@dataclass
class Availability:
    """Whether a title is on the person's services in their country: ``status`` is ``yours`` (an offer
    or a chart on one of them says so), ``elsewhere`` (offers or charts there name only other services)
    or ``unknown`` (no source says); ``text`` says it in words with the source and date behind it."""

    status: str
    text: str
    services: list[str] = field(default_factory=list)  # the person's services it is on


@dataclass
class Pick:
    id: str
    title: str
    kind: str
    year: int | None
    acclaim: float | None
    awareness: float | None
    evidence: int
    reason: str
    scores: list[ScorePart] = field(default_factory=list)
    awareness_parts: list[EvidencePart] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    availability: Availability | None = None  # set when the list was narrowed by services
    history: str | None = None  # what the person did with it: "seen, rated 5★", "on your watchlist"
    genres: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Credit:
    person_id: str
    name: str
    role: str
    character: str | None
    ordering: int | None
    source: str


@dataclass
class Relation:
    kind: str
    direction: str  # "out": this title → other; "in": other → this title
    other_id: str
    other_title: str
    note: str | None
    source: str


@dataclass
class Offer:
    provider: str
    monetization: str
    country: str | None
    provenance: Provenance


@dataclass
class ChartPoint:
    platform: str
    country: str | None
    category: str | None
    period_start: date
    period_end: date
    rank: int
    points: int | None
    provenance: Provenance


@dataclass
class ChartNote:
    """A chart entry that may be a title but is not counted for it (a medium match): shown where a
    person looks, with why, so they can confirm or reject it."""

    entry: str  # the chart entry's id (``reelradar why-match --chart ENTRY``)
    platform: str
    raw_title: str  # the name as charted
    first_period: date | None
    last_period: date | None
    rows: int
    candidate_id: str | None  # the catalog title it may be
    candidate: str | None  # that title's name and year, "Venom (1981)"
    why: str  # why it is not counted, in words


@dataclass
class TitleCard:
    id: str
    kind: str
    title: str
    original_title: str | None
    year: int | None
    end_year: int | None
    runtime_min: int | None
    genres: list[str]
    languages: list[str]
    countries: list[str]
    overview: str | None
    season_count: int | None
    episode_count: int | None
    status: str | None
    demo: bool
    provenance: Provenance
    airing: str | None = None  # a series' status and next episode, with source and date
    xids: dict[str, str] = field(default_factory=dict)
    credits: list[Credit] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    charts: list[ChartPoint] = field(default_factory=list)
    chart_notes: list[ChartNote] = field(default_factory=list)  # entries that may be this title, not counted
    pick: Pick | None = None
    # poster, backdrop and trailers, each a dict: kind, site, path_or_key, url (trailers), name, language,
    # published_at, provenance (catalog/query.py title_media)
    media: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Interaction:
    """Something a person did with a title, as imported or recorded. ``title_id`` is the catalog id
    (None while unmatched); the external ids it came with are kept so it survives a catalog rebuild."""

    action: str  # rated, watched, watchlist, dismissed, liked
    title_id: str | None
    rating: float | None = None  # on the original scale
    scale: float | None = None  # the maximum of that scale (10 for IMDb, 5 for Letterboxd)
    at: datetime | None = None
    source: str = "manual"  # imdb, letterboxd, trakt, manual
    xids: dict[str, str] = field(default_factory=dict)


@dataclass
class Profile:
    """A person's settings: where they are, what they pay for, which offer types they accept."""

    name: str = "default"
    country: str | None = None
    services: list[str] = field(default_factory=list)
    offer_types: list[str] = field(default_factory=lambda: ["flatrate", "free", "ads"])
