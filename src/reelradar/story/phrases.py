"""The words of stories and digests: one phrase table per language, and the rules that choose words
from numbers. The composers (story/title.py, story/digest.py) never write English themselves; they
ask for a phrase by key and fill it with facts, so adding a language is adding a table (and, where its
grammar differs, overriding ``join``, ``number`` or ``plural``).

Word rules (docs/cli.md repeats them):

- "a perfect 100%": only for a percent-positive score of exactly 100, always with its count, or with
  "count not reported" when the source gave none.
- "rave", "solid", "mixed": from the score's percentile within its cohort (kind × decade, or all titles
  when the cohort is small): at least ``RAVE`` is rave, at least ``SOLID`` is solid, below that mixed.
  A score with no percentile (too few titles with that score to compare) gets no word.
- "under the radar": only for a title that passes the radar rule of ``reelradar picks`` (acclaim,
  awareness and evidence thresholds of the settings); an unknown awareness never is.
- "breaking out": only for a current breakout of the charts (analytics/hot.py).
- "premiered", "a few days ago", "new season": only from air dates in the catalog; "all N episodes"
  only when the catalog says the series has ended; counts only from the catalog's title row.
- dates are the days the sources state; the age of old data is said ("12 months ago") next to them.
"""

from __future__ import annotations

from typing import Any

from reelradar.errors import BadInput

RAVE = 0.85
SOLID = 0.60

EN: dict[str, str] = {
    # headline and lead
    "headline": "{title}: {hooks}",
    "headline.plain": "{title} ({years}): {what}",
    "hook.chart": "#{rank} on {chart}",
    "hook.perfect": "a perfect {value}% with critics ({count})",
    "hook.word": "{word} reviews",
    "hook.radar": "still under the radar",
    "hook.breakout": "breaking out",
    "hook.spin_off_of": "the {other} spin-off",
    "lead.what": "{title} ({years}) is {what}",
    "lead.relation": ", a {relation} {other}",
    "lead.starring": ", starring {names}",
    "lead.radar": "It is acclaimed ({acclaim} for acclaim), yet still flying under the radar ({awareness} for awareness)",
    # chart
    "heading.chart": "In the charts",
    "chart.name": "{platform}'s {category}chart",
    "chart.named": "the {source} ({category})",
    "chart.place": "According to {source}, {title} was #{rank} on {chart}{where} {when}",
    "chart.peak": "Its best place: #{rank} on {chart}{where} {when}",
    "chart.breakout": "It is breaking out: {reason}",
    "chart.day": "on {day}",
    "chart.week": "in the week of {start} to {end}",
    "chart.age": ", {age}",
    "where.world": " worldwide",
    "where.none": " (country not stated)",
    "where.country": " in {country}",
    # about
    "heading.about": "What {title} is about",
    "about.seasons": "{title} has {seasons} of {episodes}",
    "about.ended": "{title} ran for {seasons} and {episodes} in all, and has ended",
    "about.episodes": "{title} has {episodes}",
    "about.runtime": "{title} runs {minutes} minutes",
    "about.based_on": "It is based on {work} by {author}",
    "about.adapted": "It is adapted from {work}",
    "about.created": "It was created by {names}",
    "about.directed": "It was directed by {names}",
    "about.lead_cast": "{first} plays {character}",
    "about.with": ", with {rest}",
    "about.as": "{actor} as {character}",
    "about.cast": "The cast also includes {names}",
    "about.cast.only": "The cast includes {names}",
    # scores
    "heading.scores": "What critics and audiences say",
    "score.perfect": "On {source}, it holds a perfect 100% {who} score ({count})",
    "score.pct": "On {source}, {value}% of {who} are positive ({count})",
    "score.mean": "On {source}, {who} rate it {value}/{scale} ({count})",
    "score.metascore": "Its Metascore is {value}",
    "score.word": ", a {word} score among {cohort} ({ordinal})",
    "score.count.none": "count not reported",
    "score.count.reviews": "{n} reviews",
    "score.count.votes": "{n} votes",
    "who.critic_pct": "critics'",
    "who.audience_pct": "audience",
    "who.user_mean": "users",
    "who.critic_mean": "critics",
    "score.radar": "Yet only {evidence} count for it: it is flying under the radar ({ordinal} for awareness)",
    # where
    "heading.where": "Where to watch it",
    "where.offer": "It is on {provider} ({words}{where_words})",
    "where.yours": "{services} {is_are} one of your services",
    "where.elsewhere": "None of your services ({services}) is known to carry it{where}",
    "offer.country_none": ", country not stated",
    "offer.country": ", {country}",
    # universe
    "heading.universe": "Its universe: {name}",
    "universe.edge": "{src} is a {kind} {dst}",
    "universe.character": "{character} appears in {titles}, played by {actors}",
    "universe.streams": "{titles} {is_are} on {provider} too ({words}{where_words})",
    "universe.title": "{title} ({details})",
    # liked
    "heading.liked": "If you liked …",
    "liked.history": "If you liked {titles}, {title} shares {what}",
    "liked.genres": "For fans of {genres} {kinds}",
    "liked.shares.genres": "the genres {genres}",
    "liked.shares.universe": "their universe",
    # digest
    "digest.title": "What to watch: {since} to {today}",
    "heading.radar": "Under the radar",
    "heading.breakout": "Breaking out in the charts",
    "heading.new": "New on your services",
    "heading.leaving": "Leaving your services",
    "heading.seasons": "New seasons of series you watched",
    "intro.radar": "Acclaimed, little known{services}",
    "intro.breakout": "Chart data {as_of}",
    "intro.new": "Offers first seen since {since}{services}",
    "intro.leaving": "Offers a source says end by {until}{services}",
    "intro.seasons": "Seasons airing from {since} to {until}",
    "intro.services": " · on {services}{where} first, then those of unknown availability (marked)",
    "item.headline": "{title} ({years})",
    "item.available": "On your services: {text}",
    "item.unknown": "Availability on your services unknown{where}",
    "item.new": "New on {provider} ({words}{where_words}) since {day}",
    "item.leaving": "Leaving {provider} ({words}{where_words}) on {day}",
    "item.season": "Season {season} {verb} on {day}",
    "item.season.verb.past": "premiered",
    "item.season.verb.future": "premieres",
    "item.season.episodes": ", {episodes}",
    "history.mark": "you: {mark}",
    "age.few_days": "a few days ago",
    "and": "and",
    "kind.movie": "film", "kind.series": "series", "kind.miniseries": "miniseries", "kind.tv_movie": "TV film",
    "kind.short": "short film", "kind.special": "special", "kind.season": "season", "kind.episode": "episode",
    "kinds.movie": "films", "kinds.series": "series", "kinds.miniseries": "miniseries",
    "kinds.tv_movie": "TV films", "kinds.short": "short films",
    "noun.season": "season", "noun.seasons": "seasons", "noun.episode": "episode", "noun.episodes": "episodes",
    "monetization.flatrate": "subscription", "monetization.free": "free", "monetization.ads": "free with ads",
    "monetization.rent": "rent", "monetization.buy": "buy",
    "relation.spin_off_of": "spin-off of", "relation.sequel_of": "sequel to", "relation.prequel_of": "prequel to",
    "relation.remake_of": "remake of", "relation.same_universe": "title of the same universe as",
    "heading.trailer": "Trailer",
    "trailer.link": "Watch the trailer{name} at {url} on {site}",
    "trailer.name": " “{name}”",
    # notices (story/notify.py)
    "notice.arrived.watchlist": "On your watchlist, now on your services",
    "notice.arrived.radar": "Under the radar, now on your services",
    "notice.arrived.breakout": "Breaking out, now on your services",
    "notice.season.dated": "A new season has a date",
    "notice.season.started": "A new season has started",
    "notice.breakout": "Breaking out, to your taste",
    "notice.breakout.yours": "Breaking out, to your taste, on your services",
    "notice.no_taste": ("no breakout notices: your history has no title you rated highly, liked or watched "
                        "to match breakouts against"),
    # taste (story/taste.py)
    "taste.like": "Like {title} ({mark}): {what}",
    "taste.universe": "the same universe ({edges})",
    "taste.character": "a character in common",
    "notice.leaving": "On your watchlist, leaving your services",
    "notice.title.one": "What to watch: {first}",
    "notice.title.many": "What to watch: {n} notices",
    "notice.sources": "Sources",
}

NUMBER_WORDS_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


class Phrases:
    """A language's phrase table with the little grammar the templates need (English here)."""

    code = "en"
    table = EN
    number_words = NUMBER_WORDS_EN

    def say(self, key: str, **values: Any) -> str:
        return self.table[key].format(**values)

    def has(self, key: str) -> bool:
        return key in self.table

    def number(self, n: int) -> str:
        """Counts up to ten in words ("ten episodes"), larger ones in digits."""
        return self.number_words[n] if 0 <= n < len(self.number_words) else f"{n:,}"

    def count(self, n: int, noun: str) -> str:
        """'one season', 'ten episodes', '68 episodes'."""
        return f"{self.number(n)} {self.say('noun.' + noun + ('' if n == 1 else 's'))}"

    def join(self, items: list[str]) -> str:
        """'a', 'a and b', 'a, b and c'."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.say('and')} {items[-1]}"

    def kind(self, kind: str, many: bool = False) -> str:
        key = ("kinds." if many else "kind.") + kind
        return self.table.get(key, kind.replace("_", " "))

    def words(self, prefix: str, value: str) -> str:
        return self.table.get(f"{prefix}.{value}", value.replace("_", " "))

    def sentence(self, text: str) -> str:
        """A phrase as a sentence: capitalised first letter, a full stop unless it has one."""
        text = text.strip()
        if not text:
            return text
        text = text[0].upper() + text[1:]
        return text if text[-1] in ".!?…" else text + "."


def score_word(percentile: float | None) -> str | None:
    """'rave', 'solid' or 'mixed' from a score's percentile within its cohort; None without one."""
    if percentile is None:
        return None
    if percentile >= RAVE:
        return "rave"
    if percentile >= SOLID:
        return "solid"
    return "mixed"


LANGUAGES: dict[str, Phrases] = {"en": Phrases()}


def phrases(language: str = "en") -> Phrases:
    try:
        return LANGUAGES[language]
    except KeyError:
        raise BadInput(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}") from None
