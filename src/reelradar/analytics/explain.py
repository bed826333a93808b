"""Explanations: score and evidence rows turned into sentences that carry their numbers, sources and
dates. Every figure here comes from a catalog row; nothing is rounded into something it is not.

Two layers, one vocabulary. ``plain_reason`` is the one line a person reads first (``picks``, cards on
the web, the API's ``reason``); ``reason_line`` is the full breakdown behind it (every score with its
uncertainty, cohort, source and date), shown by ``reelradar why``, in a details element on the web and
kept in the API's ``scores``, ``awareness_parts`` and ``reasons``. ``SCORE_LABELS`` and ``OFFER_LABELS``
name score kinds and offer types the same way in the CLI, the web and the API docs (the API's field
values stay ``critic_pct``, ``flatrate``...).

Rules of the plain line (docs/scores.md repeats them), each word chosen only from the numbers it names:

- Critics first, then the audience: the strongest-weighted score of each (a share of positive reviews
  before an average when both exist), always with its count (or "count not reported") and its source.
- "loved it": the share positive is at least ``LOVED`` (an average at least ``LOVED`` of its scale) and
  its lower bound (Wilson for shares, the Bayesian average for ratings) at least ``SURE``; "liked it":
  at least ``LIKED`` (so a high score on few reviews, or with a count not reported, says "liked it" at
  most), with "on too few reviews to be sure" when the lower bound is under 0.5; "were mixed": at least
  half; "reviewed it poorly" / "rated it poorly" below that.
- "little known": awareness at or under ``LITTLE_KNOWN`` (its percentile within the cohort), with the
  counts it rests on; "widely known" at or over ``WIDELY_KNOWN``; "how widely known is unknown" when no
  comparable count exists. In radar mode the line ends "under the radar", as picks of that mode pass the
  radar rule (acclaim, awareness and evidence thresholds of the settings).
- No score: "no source has scored it".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from reelradar.model import EvidencePart, Provenance, Reason, ScorePart

SOURCE_NAMES = {
    "rotten_tomatoes": "Rotten Tomatoes",
    "metacritic": "Metacritic",
    "imdb": "IMDb",
    "flixpatrol": "FlixPatrol",
    "netflix": "Netflix Top 10",
    "tmdb": "TMDB",
    "wikidata": "Wikidata",
    "letterboxd": "Letterboxd",
    "trakt": "Trakt",
    "justwatch": "JustWatch",
    "wdqs": "Wikidata",
}

EVIDENCE_WORDS = {"reviews": "reviews", "votes": "votes", "box_office": "box office", "chart_points": "chart points"}

# Readable names of score kinds and offer types: the one table the CLI, the web and the API docs use.
SCORE_LABELS = {"critic_pct": "critics' approval", "critic_mean": "critics' average", "metascore": "Metascore",
                "audience_pct": "audience approval", "user_mean": "audience rating"}
OFFER_LABELS = {"flatrate": "subscription", "free": "free", "ads": "free with ads", "rent": "rent", "buy": "buy"}

LOVED, LIKED, SURE = 0.9, 0.75, 0.8  # shares (or fractions of the scale) behind "loved it" and "liked it"
LITTLE_KNOWN, WIDELY_KNOWN = 0.3, 0.8  # awareness percentiles behind "little known" and "widely known"


def pct(value: float | None) -> str:
    """A 0..1 percentile out of 100, as the CLI and the web show acclaim and awareness: 0.873 → '87'."""
    return "unknown" if value is None else f"{value * 100:.0f}"


def score_label(metric: str) -> str:
    """'critic_pct' → "critics' approval"; an unknown kind is shown with spaces."""
    return SCORE_LABELS.get(metric, metric.replace("_", " "))


def offer_label(monetization: str) -> str:
    """'flatrate' → 'subscription'; an unknown type is shown as the source wrote it."""
    return OFFER_LABELS.get(monetization, monetization)


def source_name(source: str) -> str:
    """A source id as a person reads it: 'csv:flixpatrol.csv' → 'FlixPatrol CSV import', 'csv:top.csv' →
    'chart CSV import (top.csv)'."""
    if source.startswith("csv:"):
        file = source[4:].rsplit("/", 1)[-1]
        stem = file.rsplit(".", 1)[0].lower()
        known = SOURCE_NAMES.get(stem)
        return f"{known} CSV import" if known else f"chart CSV import ({file})"
    return SOURCE_NAMES.get(source, source)


class Labels:
    """Short names of sources, from the catalog's source_info and the well-known upstreams."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute("SELECT source, coalesce(label, name), demo FROM source_info").fetchall()
        self.names = {**SOURCE_NAMES, **{r[0]: r[1] for r in rows}}
        self.demo = {r[0] for r in rows if r[2]}

    def name(self, source: str | None) -> str:
        if source is None:
            return "unknown source"
        return self.names.get(source) or source_name(source)

    def provenance(self, source: str, via: str | None, as_of: date | None) -> Provenance:
        demo = source in self.demo or (via is not None and via in self.demo)
        if via is not None and via.startswith(f"{source}:") and via not in self.names:
            # 'csv' via 'csv:top.csv': "chart CSV import (top.csv)" says both
            return Provenance(self.name(via), None, as_of, demo)
        return Provenance(self.name(source), self.name(via) if via else None, as_of, demo)


def ordinal(pct: float) -> str:
    """0.873 → '87th percentile'."""
    n = round(pct * 100)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} percentile"


def money(value: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= size:
            return f"${value / size:.1f}{unit}"
    return f"${value:.0f}"


def score_text(row: dict[str, Any], floor: int) -> str:
    """One score in words, e.g. '97% of 31 critics (lower bound 0.88)'."""
    value, scale, count, q = row["value"], row["scale"], row["count"], row["quality"]
    metric = row["metric"]
    who = "critics" if metric.startswith("critic") else "users"
    if metric in ("critic_pct", "audience_pct"):
        who = "critics" if metric == "critic_pct" else "audience ratings"
        if count is None:
            return f"{value:.0f}% of {who}, count not reported (lower bound {q:.2f}, assuming only {floor})"
        return f"{value:.0f}% of {count:,} {who} (lower bound {q:.2f})"
    if metric in ("user_mean", "critic_mean"):
        label = "average critic rating" if metric == "critic_mean" else "user rating"
        if count is None:
            noun = "review" if metric == "critic_mean" else "vote"
            return f"{label} {value:g}/{scale:g}, {noun} count not reported"
        noun = "reviews" if metric == "critic_mean" else "votes"
        return f"{label} {value:g}/{scale:g} over {count:,} {noun} (weighted {q * scale:.1f})"
    if metric == "metascore":
        return f"Metascore {value:.0f}" + (f" of {count:,} critics" if count else "")
    return f"{metric} {value:g}/{scale:g}"


def score_parts(con: duckdb.DuckDBPyConnection, ids: list[str], labels: Labels) -> dict[str, list[ScorePart]]:
    floor = int(dict(con.execute("SELECT key, value FROM meta WHERE key = 'scores.unknown_count_floor'").fetchall())
                .get("scores.unknown_count_floor", 5))
    rows = con.execute(
        """SELECT title_id, source, metric, value, scale, count, quality, percentile, cohort, cohort_size,
                  weight, via, as_of
           FROM score_part WHERE title_id IN (SELECT unnest(?))
           ORDER BY title_id, percentile IS NULL, weight DESC, source, metric""",
        [ids],
    ).fetchall()
    out: dict[str, list[ScorePart]] = {}
    names = [d[0] for d in con.description]
    for values in rows:
        row = dict(zip(names, values))
        as_of = row["as_of"].date() if hasattr(row["as_of"], "date") else row["as_of"]
        prov = labels.provenance(row["source"], row["via"], as_of)
        text = score_text(row, floor)
        if row["percentile"] is not None:
            text += f", {ordinal(row['percentile'])} of {row['cohort']}"
        else:
            text += ", too few titles with this score to compare"
        out.setdefault(row["title_id"], []).append(
            ScorePart(
                source=prov.source, metric=row["metric"], value=row["value"], scale=row["scale"], count=row["count"],
                quality=row["quality"], percentile=row["percentile"], cohort=row["cohort"],
                cohort_size=row["cohort_size"], weight=row["weight"], provenance=prov,
                text=f"{text} — {prov.text()}", summary=text,
            )
        )
    return out


def evidence_text(evidence: str, value: float) -> str:
    if evidence == "box_office":
        return f"{money(value)} box office"
    return f"{value:,.0f} {EVIDENCE_WORDS.get(evidence, evidence)}"


def evidence_parts(con: duckdb.DuckDBPyConnection, ids: list[str], labels: Labels) -> dict[str, list[EvidencePart]]:
    rows = con.execute(
        """SELECT title_id, evidence, value, percentile, cohort, source FROM awareness_part
           WHERE title_id IN (SELECT unnest(?)) ORDER BY title_id, percentile DESC NULLS LAST""",
        [ids],
    ).fetchall()
    out: dict[str, list[EvidencePart]] = {}
    for title_id, evidence, value, pct, cohort, source in rows:
        sources = ", ".join(labels.name(s.strip()) for s in (source or "").split(","))
        text = evidence_text(evidence, value)
        if pct is None:
            text += f" ({sources}; too few to compare)"
        elif cohort and cohort.startswith("fewer than"):
            text += f" ({cohort}: among the least known; {sources})"
        else:
            text += f" ({ordinal(pct)} of {cohort}; {sources})"
        out.setdefault(title_id, []).append(
            EvidencePart(evidence=evidence, value=value, percentile=pct, cohort=cohort, source=sources, text=text)
        )
    return out


def sources_text(provs: list[Provenance]) -> list[str]:
    """'Rotten Tomatoes, Metacritic via Wikidata, 2026-10-18' for provenances sharing via, date and demo."""
    groups: dict[tuple[object, ...], list[str]] = {}
    for p in provs:
        names = groups.setdefault((p.via, p.as_of, p.demo), [])
        if p.source not in names:
            names.append(p.source)
    return [Provenance(", ".join(names), via, as_of, demo).text() for (via, as_of, demo), names in groups.items()]  # type: ignore[arg-type]


def reason_line(
    scores: list[ScorePart], aware: list[EvidencePart], awareness: float | None, radar: bool,
    context: list[Reason] = [],  # noqa: B006 - read only
) -> str:
    """The one-line reason of a pick: its scores with sources and dates, how known it is, then its chart
    peak, franchise and where to watch. Scores that share a provenance name it once."""
    parts = [s.summary for s in scores]
    if scores:
        parts[-1] += " — " + "; ".join(sources_text([s.provenance for s in scores]))
    known = [e for e in aware if e.percentile is not None]
    if awareness is None:
        parts.append("awareness unknown: no comparable count of votes, reviews, box office or chart history")
    elif known:
        evidence = " and ".join(evidence_text(e.evidence, e.value) for e in known)
        if radar:
            parts.append(f"only {evidence}: under the radar (awareness {ordinal(awareness)})")
        else:
            parts.append(f"{evidence} (awareness {ordinal(awareness)})")
    parts += [r.text for r in context]
    return " · ".join(parts)


def _count_words(s: ScorePart) -> str:
    critic = s.metric.startswith("critic") or s.metric == "metascore"
    if s.count is None:
        return f"{'review' if critic else 'vote'} count not reported"
    noun = ("review" if critic else "vote") + ("" if s.count == 1 else "s")
    return f"{s.count:,} {noun}"


def _source_words(s: ScorePart) -> str:
    when = f", {s.provenance.as_of.isoformat()}" if s.provenance.as_of else ", date unknown"
    return s.provenance.source + when + (", demo data" if s.provenance.demo else "")


def score_words(s: ScorePart) -> str:
    """One score in plain words, with its count and source (the rules in the module docstring):
    'critics loved it — 100% of 30 reviews positive (Rotten Tomatoes, 2026-10-18)'."""
    who = "critics" if s.metric.startswith("critic") or s.metric == "metascore" else "audiences"
    share = s.value / 100 if s.metric.endswith("_pct") or s.metric == "metascore" else s.value / s.scale
    if share >= LOVED and s.quality >= SURE:
        verdict = "loved it"
    elif share >= LIKED:
        unsure = f", on too few {'reviews' if who == 'critics' else 'votes'} to be sure" if s.quality < 0.5 else ""
        verdict = "liked it" + unsure
    elif share >= 0.5:
        verdict = "were mixed"
    else:
        verdict = "reviewed it poorly" if who == "critics" else "rated it poorly"
    if s.metric.endswith("_pct"):
        numbers = f"{s.value:.0f}% of {_count_words(s)} positive" if s.count is not None else (
            f"{s.value:.0f}% positive, {_count_words(s)}")
    elif s.metric == "metascore":
        numbers = f"Metascore {s.value:.0f}" + (f" from {_count_words(s)}" if s.count else "")
    else:
        numbers = f"{s.value:g}/{s.scale:g} from {_count_words(s)}" if s.count is not None else (
            f"{s.value:g}/{s.scale:g}, {_count_words(s)}")
    return f"{who} {verdict} — {numbers} ({_source_words(s)})"


def _first(scores: list[ScorePart], critics: bool) -> ScorePart | None:
    """The score a plain line names for critics (or the audience): a share before an average, then weight."""
    mine = [s for s in scores if (s.metric.startswith("critic") or s.metric == "metascore") == critics]
    mine.sort(key=lambda s: (not s.metric.endswith("_pct"), -(s.weight or 0)))
    return mine[0] if mine else None


def plain_reason(
    scores: list[ScorePart], aware: list[EvidencePart], awareness: float | None, radar: bool,
    context: list[Reason] = [],  # noqa: B006 - read only
) -> str:
    """The one line a person reads first: what critics and audiences thought, in words chosen by the rules
    of the module docstring, with counts and sources; how known the title is; its chart peak and
    franchise (where to watch is shown apart); the breakdown stays in ``reason_line``."""
    picked = [s for s in (_first(scores, True), _first(scores, False)) if s is not None]
    parts = [score_words(s) for s in picked] or ["no source has scored it"]
    known = [e for e in aware if e.percentile is not None]
    counts = " and ".join(evidence_text(e.evidence, e.value) for e in known)
    if awareness is None:
        parts.append("how widely known is unknown (no comparable count of votes, reviews or chart history)")
    elif awareness <= LITTLE_KNOWN:
        parts.append(f"but little known: only {counts}" if counts else "but little known")
    elif awareness >= WIDELY_KNOWN:
        parts.append(f"widely known: {counts}" if counts else "widely known")
    line = "; ".join(parts)
    if radar and awareness is not None:
        line += " — under the radar"
    line = " · ".join([line[:1].upper() + line[1:], *(r.text for r in context if r.kind in ("chart", "relation"))])
    return line


MONETIZATION_WORDS = OFFER_LABELS  # the name availability.py reads
RELATION_WORDS = {"spin_off_of": "spin-off of", "sequel_of": "sequel to", "prequel_of": "prequel to",
                  "remake_of": "remake of"}


def context_reasons(con: duckdb.DuckDBPyConnection, ids: list[str], labels: Labels) -> dict[str, list[Reason]]:
    """Chart peaks, franchise relations and where to watch, as reasons with their sources and dates."""
    out: dict[str, list[Reason]] = {}
    for title_id, platform, country, category, rank, day, source, via, as_of in con.execute(
        """SELECT title_id, platform, country, category, rank, period_start, source, via, as_of FROM (
             SELECT *, row_number() OVER (PARTITION BY title_id ORDER BY rank, period_start DESC) AS i
             FROM chart_entry WHERE title_id IN (SELECT unnest(?))) WHERE i = 1""",
        [ids],
    ).fetchall():
        where = "worldwide" if country == "world" else (country or "country not stated")
        what = f"{category} " if category else ""
        prov = labels.provenance(source, via, as_of)
        out.setdefault(title_id, []).append(
            Reason(f"#{rank} on {platform}'s {what}chart ({where}, {day}) — {prov.text()}", "chart")
        )
    for title_id, kind, other, source in con.execute(
        """SELECT r.src, r.kind, t.title, r.source FROM relation r JOIN title t ON t.id = r.dst
           WHERE r.src IN (SELECT unnest(?)) AND r.kind IN ('spin_off_of', 'sequel_of', 'prequel_of', 'remake_of')
           ORDER BY r.src, r.kind""",
        [ids],
    ).fetchall():
        out.setdefault(title_id, []).append(
            Reason(f"{RELATION_WORDS[kind]} {other} — {labels.name(source)}", "relation")
        )
    for title_id, provider, monetization, country, source, via, as_of in con.execute(
        """SELECT title_id, provider, monetization, country, source, via, as_of FROM offer
           WHERE title_id IN (SELECT unnest(?)) ORDER BY title_id, provider, monetization""",
        [ids],
    ).fetchall():
        where = country or "country not stated"
        prov = labels.provenance(source, via, as_of)
        words = offer_label(monetization)
        out.setdefault(title_id, []).append(Reason(f"on {provider} ({words}, {where}) — {prov.text()}", "availability"))
    return out
