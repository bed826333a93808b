"""What a person's history says of their taste, title by title: a like, a dislike, or neither.

A title's latest rating decides, whatever else the person did with it (a 2.5★ film watched again is still
not liked); an unrated title is read by its latest action: "liked" is a like, "watched" and "watchlist"
lean towards a like (they seed a little), "dismissed" is a dislike.

A rating is read on its own scale and against the person's own midpoint on that scale (``midpoints``):
the median of their latest ratings there, once they have at least ``MIN_RATINGS`` of them; before that,
``USUAL_MIDPOINT`` of the scale (3.5★ of 5, 7/10), where most people's median lies, since people rate
what they chose to watch above the middle. Then, with the middle of the scale at half its top (2.5★, 5/10):

- a **like** is a rating at or above the person's midpoint and above the middle of the scale;
- a **dislike** is a rating below the person's midpoint and not above the middle of the scale;
- anything else is **neutral**: the person and the scale disagree (8/10 from someone whose median is 9/10;
  4/10 from someone whose median is 3/10), so it is neither a seed nor held against anything.

So a like needs both the person's word and the scale's for it, a dislike both against it: someone who
rates everything 8/10 or more has no dislikes among those, and someone who rates everything low still has
likes (their 6/10s when their median is 3/10). On a five-star scale with no history of ratings that is:
0.5–2.5★ disliked, 3–3.25★ neutral, 3.5★ and up liked.

Weights (how strongly a title seeds or pushes down, -1..1): a like from 0.5 at the bar to 1.0 at the top
of the scale, a dislike from -0.5 at the middle to -1.0 at the bottom, neutral 0. Every reader of
history (recommendations, their reasons, taste notices) goes through ``opinions`` so they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from enum import Enum
from statistics import median
from typing import TypeVar

from reelradar.model import Interaction

MIN_RATINGS = 5  # ratings on one scale before the person's own median is trusted as their midpoint
USUAL_MIDPOINT = 0.7  # the midpoint before that, as a share of the scale: 3.5★ of 5, 7/10
ACTION_WEIGHT = {"liked": 1.0, "watchlist": 0.5, "watched": 0.3, "dismissed": -0.5}
UNKNOWN_ACTION_WEIGHT = 0.3  # an action of no known meaning (or a rating with no scale): as watched

K = TypeVar("K", bound=Hashable)


class Verdict(Enum):
    LIKE = "like"
    NEUTRAL = "neutral"
    DISLIKE = "dislike"


@dataclass(frozen=True)
class Opinion:
    """What one title says of the person: the interaction that decides it, its verdict and weight."""

    interaction: Interaction
    verdict: Verdict
    weight: float

    @property
    def liked(self) -> bool:
        return self.verdict is Verdict.LIKE

    @property
    def disliked(self) -> bool:
        return self.verdict is Verdict.DISLIKE


def is_rating(i: Interaction) -> bool:
    return i.action == "rated" and i.rating is not None and bool(i.scale)


def _identity(i: Interaction) -> Hashable | None:
    return i.title_id or (min(i.xids.items()) if i.xids else None)


def midpoints(interactions: Iterable[Interaction]) -> dict[float, float]:
    """The person's midpoint on each scale they rated on: the median of their latest rating of each title
    there, or ``USUAL_MIDPOINT`` of the scale while they have fewer than ``MIN_RATINGS`` of them."""
    latest: dict[tuple[float, Hashable], float] = {}
    anonymous: dict[float, list[float]] = {}
    for i in interactions:
        if not is_rating(i):
            continue
        assert i.rating is not None and i.scale is not None
        who = _identity(i)
        if who is None:
            anonymous.setdefault(float(i.scale), []).append(float(i.rating))
        else:
            latest[(float(i.scale), who)] = float(i.rating)
    by_scale = anonymous
    for (scale, _), rating in latest.items():
        by_scale.setdefault(scale, []).append(rating)
    return {scale: median(r) if len(r) >= MIN_RATINGS else USUAL_MIDPOINT * scale for scale, r in by_scale.items()}


def rating_verdict(rating: float, scale: float, midpoint: float) -> tuple[Verdict, float]:
    """The rule itself (see the module's docstring): a rating's verdict and weight on its scale, given the
    person's midpoint there."""
    middle = scale / 2
    if rating >= midpoint and rating > middle:
        bar = max(midpoint, middle)
        return Verdict.LIKE, 1.0 if scale <= bar else min(1.0, 0.5 + 0.5 * (rating - bar) / (scale - bar))
    if rating < midpoint and rating <= middle:
        return Verdict.DISLIKE, -min(1.0, 0.5 + 0.5 * max(middle - rating, 0.0) / middle)
    return Verdict.NEUTRAL, 0.0


def opinion_of(i: Interaction, points: dict[float, float] | None = None) -> Opinion:
    """What one interaction says, a rating read against ``points`` (``midpoints`` of the person's
    history; None: of a person with no other ratings)."""
    if is_rating(i):
        assert i.rating is not None and i.scale is not None
        mid = (points or {}).get(float(i.scale), USUAL_MIDPOINT * float(i.scale))
        verdict, weight = rating_verdict(float(i.rating), float(i.scale), mid)
        return Opinion(i, verdict, weight)
    weight = ACTION_WEIGHT.get(i.action, UNKNOWN_ACTION_WEIGHT)
    return Opinion(i, Verdict.LIKE if weight > 0 else Verdict.DISLIKE, weight)


def opinions(interactions: Iterable[Interaction]) -> dict[str, Opinion]:
    """Each catalog title's opinion (unmatched interactions skipped), from interactions oldest first."""
    return opinions_by(interactions, lambda i: i.title_id)


def opinions_by(interactions: Iterable[Interaction], key: Callable[[Interaction], K | None]) -> dict[K, Opinion]:
    """Each title's opinion, titles told apart by ``key`` (None: skipped), from interactions oldest first:
    a title's latest rating decides, else its latest interaction; every rating is read against the
    person's ``midpoints``, unmatched ones included."""
    history = list(interactions)
    points = midpoints(history)
    deciding: dict[K, Interaction] = {}
    rated: set[K] = set()
    for i in history:
        k = key(i)
        if k is None:
            continue
        if k in rated and not is_rating(i):
            continue
        if is_rating(i):
            rated.add(k)
        deciding[k] = i
    return {k: opinion_of(i, points) for k, i in deciding.items()}
