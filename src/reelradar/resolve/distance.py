"""A distance between a record and a catalog title, made of named, weighted components (beets' way).

Each component is a penalty between 0 (the two agree) and 1 (they disagree) with a weight; the
distance is the weighted mean over the components both sides know, so a Letterboxd row without a
runtime is not punished for it. The verdict is strong, medium or none by two thresholds, and a cap
may hold it lower whatever the value: a name with nothing else behind it (no year, an id the catalog
lacks, a title released long before it charted) is at most medium. Every component keeps a note in
words, shown by ``reelradar why-match``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum

from rapidfuzz import fuzz

from reelradar.resolve.normalize import Normalized, fold


class Verdict(StrEnum):
    """How sure a match is: strong (counted as the title), medium (shown as "possibly", counted
    nowhere) or none."""

    STRONG = "strong"
    MEDIUM = "medium"
    NONE = "none"


STRONG, MEDIUM, NONE = Verdict.STRONG, Verdict.MEDIUM, Verdict.NONE
_RANK = {STRONG: 2, MEDIUM: 1, NONE: 0}

# Kinds that sources confuse with each other: a partial penalty, not a full one.
FILM_KINDS = frozenset({"movie", "tv_movie", "short", "video", "special"})
SERIES_KINDS = frozenset({"series", "miniseries"})
# Components whose weight is not a setting: an id agreeing, or too small an audience for a chart
# (resolve/charts.py), is shown, never weighed.
UNWEIGHED = frozenset({"id", "audience"})


@dataclass(frozen=True)
class Weights:
    """Weights of the components and the verdict thresholds (settings ``resolve_*``)."""

    title: float = 4.0
    year: float = 1.0
    runtime: float = 2.0
    kind: float = 1.0
    people: float = 2.0
    # chart entries (resolve/charts.py): the evidence a chart gives besides a name
    age: float = 1.5
    language: float = 1.0
    seasons: float = 0.5
    availability: float = 1.0
    strong: float = 0.10  # distance at or below which a match is strong
    medium: float = 0.30  # ... medium; above it, no match
    ambiguity: float = 0.04  # a runner-up this close to the best makes a strong match medium
    year_off_by_one: float = 0.3  # penalty of a year one off (release vs festival year, time zones)
    subtitle: float = 0.12  # penalty when one side lacks the other's subtitle

    @classmethod
    def from_settings(cls, settings: object) -> Weights:
        names = [f.name for f in fields(cls)]
        return cls(**{n: float(getattr(settings, f"resolve_{n}", getattr(cls, n))) for n in names})


@dataclass
class Component:
    name: str  # id, title, year, runtime, kind, people, age, language, seasons, availability
    penalty: float  # 0 agree .. 1 disagree
    weight: float
    note: str

    @property
    def contribution(self) -> float:
        return self.penalty * self.weight


@dataclass
class Distance:
    """Named weighted penalties; ``value`` is their weighted mean. A ``limit`` caps the verdict
    whatever the value (a name alone with nothing else to back it is never strong)."""

    weights: Weights
    components: list[Component] = field(default_factory=list)
    limit: tuple[Verdict, str] | None = None  # (best verdict allowed, why)

    def add(self, name: str, penalty: float, note: str) -> None:
        """Add component ``name``; a name the weights do not know, or a penalty outside 0..1, is a bug."""
        if name in UNWEIGHED:
            weight = 0.0
        elif name in _WEIGHT_NAMES:
            weight = float(getattr(self.weights, name))
        else:
            raise ValueError(f"unknown distance component {name!r}")
        if not 0.0 <= penalty <= 1.0:
            raise ValueError(f"penalty {penalty} of {name} is outside 0..1")
        self.components.append(Component(name, round(penalty, 4), weight, note))

    def cap(self, best: Verdict, why: str) -> None:
        """Allow at most verdict ``best`` (the lowest cap wins)."""
        if self.limit is None or _RANK[best] < _RANK[self.limit[0]]:
            self.limit = (best, why)

    def has(self, name: str, at_most: float = 0.0) -> bool:
        """Whether component ``name`` is here with a penalty of at most ``at_most`` (evidence that agrees)."""
        return any(c.name == name and c.penalty <= at_most for c in self.components)

    @property
    def value(self) -> float:
        total = sum(c.weight for c in self.components)
        return round(sum(c.contribution for c in self.components) / total, 4) if total else 1.0

    def verdict(self) -> Verdict:
        found = verdict(self.value, self.weights)
        if self.limit is not None and _RANK[self.limit[0]] < _RANK[found]:
            return self.limit[0]
        return found


_WEIGHT_NAMES = frozenset({"title", "year", "runtime", "kind", "people", "age", "language", "seasons",
                           "availability"})


def verdict(value: float, weights: Weights) -> Verdict:
    if value <= weights.strong:
        return STRONG
    if value <= weights.medium:
        return MEDIUM
    return NONE


def at_most(found: Verdict, best: Verdict) -> Verdict:
    """The lower of two verdicts."""
    return found if _RANK[found] <= _RANK[best] else best

NEAR_TITLE_FLOOR = 0.3
SPACING = 0.05  # "Old Boy" / "Oldboy", "M*A*S*H" / "MASH": the same letters


def _numbers(key: str) -> list[str]:
    return [w for w in key.split() if w.isdigit()]


def title_penalty(record: Normalized, names: Iterable[tuple[Normalized, str]], subtitle: float) -> tuple[float, str]:
    """The best agreement of the record's title with any of the catalog title's names
    (its title, original title, alternative titles), and a note saying which and how."""
    best: tuple[float, str] | None = None
    for name, label in names:
        if not name.key:
            continue
        if record.key == name.key:
            return 0.0, f"same title as {label}"
        if record.key.replace(" ", "") == name.key.replace(" ", "") or record.letters == name.letters != "":
            cand = (SPACING, f"same title as {label}, its words joined or split differently")
        elif record.key == name.main or record.main == name.key:
            cand = (subtitle, f"same title as {label} but for a subtitle")
        elif _numbers(record.key) != _numbers(name.key):
            # "Alien 3" is not "Alien", "Rocky IV" not "Rocky V": a number is a different film
            cand = (1.0, f"numbers differ from {label}")
        else:
            ratio = max(fuzz.ratio(record.key, name.key), fuzz.ratio(record.main, name.main) * 0.9) / 100.0
            # a title that only looks alike (a word more or less) is never strong on its own
            cand = (max(NEAR_TITLE_FLOOR, 1.0 - ratio), f"{ratio:.0%} alike to {label}")
        if best is None or cand[0] < best[0]:
            best = cand
    return best or (1.0, "no title in common")


def year_penalty(record_year: int | None, title_year: int | None, off_by_one: float) -> tuple[float, str] | None:
    if record_year is None or title_year is None:
        return None  # unknown on one side: not counted either way
    gap = abs(record_year - title_year)
    if gap == 0:
        return 0.0, f"same year {title_year}"
    if gap == 1:
        return off_by_one, f"year {record_year} vs {title_year}"
    return 1.0, f"year {record_year} vs {title_year}"


def kind_penalty(record_kind: str | None, title_kind: str) -> tuple[float, str] | None:
    if not record_kind:
        return None
    if record_kind == title_kind:
        return 0.0, f"both {title_kind}"
    for group in (FILM_KINDS, SERIES_KINDS):
        if record_kind in group and title_kind in group:
            return 0.5, f"{record_kind} vs {title_kind}"
    return 1.0, f"{record_kind} vs {title_kind}"


def runtime_penalty(record_min: int | None, title_min: int | None) -> tuple[float, str] | None:
    if not record_min or not title_min:
        return None
    gap = abs(record_min - title_min)
    # cuts and credits move runtimes by a few minutes; half an hour more is another film
    return min(1.0, max(0, gap - 3) / 30), f"runtime {record_min} vs {title_min} min"


def people_penalty(record_people: Iterable[str], title_people: Mapping[str, str]) -> tuple[float, str] | None:
    """Share of the record's people (directors, cast) that the catalog title credits."""
    wanted = {fold(p): p for p in record_people if p.strip()}
    if not wanted or not title_people:
        return None
    found = [name for key, name in wanted.items() if key in title_people]
    share = len(found) / len(wanted)
    said = ", ".join(found[:3]) if found else "none"
    return 1.0 - share, f"{len(found)} of {len(wanted)} people credited ({said})"
