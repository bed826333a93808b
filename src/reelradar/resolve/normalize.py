"""Title normalisation: the keys two sources must agree on before their records are compared.

"The Godfather", "Godfather, The", "GODFATHER" and "the godfather (1972)" all become ``godfather``;
"Rocky II" and "Rocky 2" become ``rocky 2``; "Fast & Furious" and "Fast and Furious" agree;
"Star Wars: Episode IV - A New Hope" also offers its main title ``star wars``; "Ballard: Season 1"
is ``ballard`` with season 1. Articles are stripped in the languages catalog titles mostly come in.

Everything here is pure and cheap: the blocking index normalises every catalog title once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Leading articles per language. Stripped on both sides, so a rare false strip ("I" in Italian and
# the pronoun in "I, Robot") costs nothing: both records lose the same word.
ARTICLES = frozenset(
    ["the", "a", "an", "le", "la", "les", "l", "un", "une", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "el", "los", "las", "lo", "il", "gli", "i", "uno", "o", "os", "as", "um", "uma", "de", "het", "een", "det", "en", "et", "ett", "dei", "di", "da"]
)
# Elided articles glued to the next word: "L'Avventura", "Dell'amore", "D'Artagnan" keeps d'.
ELIDED = re.compile(r"^(l|un|dell|all|nell)'(?=\w)")
# Trailing article written the library way: "Godfather, The", "Dolce vita, La".
TRAILING_ARTICLE = re.compile(r",\s*(the|a|an|le|la|les|l'|der|die|das|el|los|las|il|lo|gli|de|het)\s*$", re.IGNORECASE)
BRACKETED_YEAR = re.compile(r"\s*[\(\[]\s*((?:18|19|20)\d\d)(?:\s*[-–]\s*(?:(?:18|19|20)\d\d)?)?\s*[\)\]]\s*$")
SEASON_SUFFIX = re.compile(
    r"\s*(?:[:\-–—,(\[]\s*)?(?:season|series|saison|staffel|temporada|stagione|seizoen|sezon)\s+(\d{1,2})\s*[)\]]?\s*$"
    r"|\s*(?:[:\-–—,(\[]\s*)?s(\d{1,2})\s*[)\]]?\s*$",
    re.IGNORECASE,
)
# A subtitle starts after a colon or a spaced dash: "Alien: Resurrection", "Mission - Impossible".
SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s)\s*")
ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17",
    "xviii": "18", "xix": "19", "xx": "20",
}
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10"}
_NON_WORD = re.compile(r"[^\w]+")
# Characters NFKD does not decompose into base + accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d",
                          "&": " and ", "+": " and ", "’": "'", "‘": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, '&' as 'and', punctuation as spaces, single spaces."""
    text = text.lower().translate(_SPECIAL)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # "Ocean's" and "Oceans" agree: an apostrophe joins, it does not separate
    return " ".join(_NON_WORD.sub(" ", text.replace("'", "")).replace("_", " ").split())


def _words(text: str) -> str:
    """Folded words with leading articles dropped and numerals as digits."""
    low = text.lower().translate(_SPECIAL).strip()
    low = ELIDED.sub("", low)
    words = fold(low).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    out = []
    for i, w in enumerate(words):
        if w in ROMAN:
            w = ROMAN[w]
        elif w == "i" and i == len(words) - 1 and i > 0:  # "Rocky I", never the pronoun that starts a title
            w = "1"
        elif w in NUMBER_WORDS and i == len(words) - 1 and i > 0:  # "Toy Story Two" at the end only
            w = NUMBER_WORDS[w]
        elif w == "and" and 0 < i:
            continue  # "&" and "and" are written both ways; dropping them makes the forms agree
        out.append(w)
    return " ".join(out)


@dataclass(frozen=True)
class Normalized:
    """A title reduced to comparable keys, and what was taken off it."""

    key: str  # the whole title, normalised
    main: str  # the part before a subtitle (== key when there is none)
    year: int | None  # a bracketed year found at the end
    season: int | None  # a season suffix found at the end

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,) if self.main == self.key or not self.main else (self.key, self.main)


@lru_cache(maxsize=65536)
def normalize(title: str) -> Normalized:
    """Split ``title`` into its normalised key, main-title key, bracketed year and season number."""
    text = title.strip()
    year = season = None
    m = BRACKETED_YEAR.search(text)
    if m:
        year, text = int(m.group(1)), text[: m.start()]
    m = SEASON_SUFFIX.search(text)
    if m and m.start() > 0:
        season, text = int(m.group(1) or m.group(2)), text[: m.start()]
    m = TRAILING_ARTICLE.search(text)
    if m:
        text = f"{m.group(1)} {text[: m.start()]}"
    key = _words(text)
    parts = SUBTITLE.split(text, maxsplit=1)
    main = _words(parts[0]) if len(parts) > 1 else key
    if not main:
        main = key
    return Normalized(key=key, main=main, year=year, season=season)


def title_key(title: str) -> str:
    """The normalised key of the whole title."""
    return normalize(title).key
