"""Title normalisation: the keys two sources must agree on before their records are compared.

"The Godfather", "Godfather, The", "GODFATHER" and "the godfather (1972)" all become ``godfather``;
"Rocky II" and "Rocky 2" become ``rocky 2``; "Twelve Monkeys" and "12 Monkeys" agree, and so do
"Se7en" and "Seven" (a digit spelling its own number), "Alien³" and "Alien 3", "Kill Bill: Vol. 1" and
"Kill Bill: Volume 1", "Fast & Furious" and "Fast and Furious"; "Star Wars: Episode IV - A New Hope"
also offers its main title ``star wars``, and so do "Dr. Strangelove or: How I Learned…" and "Spirited
Away (Sen to Chihiro no kamikakushi)", whose bracketed or "a.k.a." name is kept as another name the
record gives (``alt``). "Ballard: Season 1" is ``ballard`` with season 1. Articles are stripped in the
languages catalog titles mostly come in, leading or written the library way ("Good, the Bad and the
Ugly, The"; "Fabuleux destin d'Amélie Poulain, Le"). ``squashed`` is the key without spaces: "Old Boy"
and "Oldboy", "M*A*S*H" and "MASH" meet there, and the blocking index is keyed on it.

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
# Articles a library moves to the end after a comma: "Godfather, The", "Dolce vita, La", "Boot, Das",
# "Jagten, En". Not "i", "di" or "da": a title may end ", I" or ", Da" for other reasons.
TRAILING_ARTICLES = ("the", "a", "an", "le", "la", "les", "l'", "un", "une", "der", "die", "das", "ein", "eine",
                     "el", "los", "las", "il", "lo", "gli", "uno", "una", "o", "os", "as", "um", "uma", "de", "het",
                     "een", "den", "det", "en", "et", "ett")
TRAILING_ARTICLE = re.compile(
    r",\s*(" + "|".join(re.escape(a) for a in TRAILING_ARTICLES) + r")\s*$", re.IGNORECASE)
BRACKETED_YEAR = re.compile(r"\s*[\(\[]\s*((?:18|19|20)\d\d)(?:\s*[-–]\s*(?:(?:18|19|20)\d\d)?)?\s*[\)\]]\s*$")
SEASON_SUFFIX = re.compile(
    r"\s*(?:[:\-–—,(\[]\s*)?(?:season|series|saison|staffel|temporada|stagione|seizoen|sezon)\s+(\d{1,2})\s*[)\]]?\s*$"
    r"|\s*(?:[:\-–—,(\[]\s*)?s(\d{1,2})\s*[)\]]?\s*$",
    re.IGNORECASE,
)
# Another name given with the title: in brackets at the end, or after "a.k.a." or a spaced slash
# ("Spirited Away (Sen to Chihiro no kamikakushi)", "Léon a.k.a. The Professional", "Oldboy / Oldeuboi").
ALT_NAME = re.compile(r"\s*\(([^()]*[^\W\d_][^()]*)\)\s*$"
                      r"|\s+(?:a\.k\.a\.?|aka|also known as)\s+(.+)$"
                      r"|\s+/\s+(.+)$", re.IGNORECASE)
# A subtitle starts after a colon, a spaced dash or "or:" ("Alien: Resurrection", "Mission - Impossible",
# "Dr. Strangelove or: How I Learned…", "Birdman or (The Unexpected Virtue of Ignorance)").
SUBTITLE = re.compile(r"\s*(?:(?<!\d):|:(?!\d)|\s[-–—]\s|,?\s+or[:,]\s*|,\s+or\s+|\s+or\s+(?=\())\s*",
                      re.IGNORECASE)
# "or:" and ", or" before a subtitle are the colon written long: "X or: Y" and "X: Y" share a key.
OR_SUBTITLE = re.compile(r",?\s+or:\s*|,\s+or,?\s+", re.IGNORECASE)
ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17",
    "xviii": "18", "xix": "19", "xx": "20",
}
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
NUMBER_WORDS = {**{w: str(n) for w, n in UNITS.items()},
                **{w: str(n) for w, n in {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                                          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                                          "nineteen": 19, "hundred": 100}.items()},
                **{w: str(n) for w, n in TENS.items()}}
_TENS_DIGITS = frozenset(str(n) for n in TENS.values())
# Words written short or long: "Vol. 1" / "Volume 1", "Pt. 2" / "Part 2", "vs." / "versus" / "v".
SHORT_FORMS = {"volume": "vol", "pt": "part", "versus": "v", "vs": "v", "mister": "mr", "doctor": "dr",
               "saint": "st"}
# Words ``_read_words`` may change: a title with none of them (and no digit inside a word) is read as is.
_READ = frozenset([*ROMAN, *NUMBER_WORDS, *SHORT_FORMS, "i", "and"])
# A digit inside a word that spells its own number with it: "Se7en", "Thr3e".
_DIGIT_IN_WORD = re.compile(r"^[a-z]+\d[a-z]+$")
_NON_WORD = re.compile(r"[^\w]+")
# Characters NFKD does not decompose into base + accent, and superscript digits as numbers of their own.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d",
                          "&": " and ", "+": " and ", "’": "'", "‘": "'", "`": "'",
                          **{s: f" {d} " for s, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True)}})
# Bracketed words that say which cut or medium, not another name: "Heat (Director's Cut)", "Hustle (I)".
EDITION = re.compile(r"^(?:[ivx]+|tv|video|short|us|uk|director'?s cut|extended|extended cut|extended edition|"
                     r"uncut|unrated|remastered|theatrical|theatrical cut|special edition|[\w ]*version|"
                     r"mini-?series|limited series|documentary|film|movie|tv movie|tv series)$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, no accents, '&' as 'and', punctuation as spaces, single spaces."""
    return _fold_lowered(text.lower().translate(_SPECIAL))


def _fold_lowered(text: str) -> str:
    """``fold`` of a text already lowered and translated."""
    if not text.isascii():
        text = _without_marks(text).lower()
        if not text.isascii():  # a compatibility form may be a capital or a special letter: '𝚨' is 'Α', '𐞃' 'æ'
            text = _without_marks(text.translate(_SPECIAL)).lower()
    # "Ocean's" and "Oceans" agree: an apostrophe joins, it does not separate
    return " ".join(_NON_WORD.sub(" ", text.replace("'", "")).replace("_", " ").split())


def _without_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _spelled_number(word: str) -> str | None:
    """'se7en' -> '7': a word of letters around one digit that, the digit read as one letter, is the
    digit's own number word."""
    if not _DIGIT_IN_WORD.match(word):
        return None
    at = next(i for i, c in enumerate(word) if c.isdigit())
    spelled = next((w for w, n in NUMBER_WORDS.items() if n == word[at]), None)
    if spelled and len(spelled) == len(word) and spelled[:at] == word[:at] and spelled[at + 1:] == word[at + 1:]:
        return word[at]
    return None


def _plain_words(text: str) -> list[str]:
    """The folded words, leading articles dropped (one word is kept)."""
    text = text.lower().translate(_SPECIAL).strip()
    words = _fold_lowered(ELIDED.sub("", text) if "'" in text else text).split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words


def _words(text: str) -> str:
    """Folded words with leading articles dropped, numerals and number words as digits, short forms."""
    return _read_words(_plain_words(text))


def _read_words(words: list[str]) -> str:
    """Numerals and number words as digits, short forms, "and" dropped after the first word."""
    if _READ.isdisjoint(words) and all(w.isalpha() or w.isdigit() for w in words):
        return " ".join(words)  # nothing to read: most titles
    out: list[str] = []
    for i, w in enumerate(words):
        w = SHORT_FORMS.get(w, w)
        if w in ROMAN:
            w = ROMAN[w]
        elif w == "i" and i == len(words) - 1 and i > 0:  # "Rocky I", never the pronoun that starts a title
            w = "1"
        elif w in NUMBER_WORDS:  # "Twelve Monkeys", "Ocean's Eleven", "Twenty-One" as 21
            w = NUMBER_WORDS[w]
        elif w == "and" and 0 < i:
            continue  # "&" and "and" are written both ways; dropping them makes the forms agree
        else:
            w = _spelled_number(w) or w
        spelled = words[i - 1] in TENS or words[i] in UNITS  # a number written in words, at least in part
        if out and out[-1] in _TENS_DIGITS and len(w) == 1 and w in "123456789" and spelled:
            out[-1] = str(int(out[-1]) + int(w))  # "Twenty-One", "Twenty 1", "20 One": 21
            continue
        out.append(w)
    return " ".join(out)


def _letters(words: list[str]) -> str:
    """The folded words as written (no numbers read), leading articles and "and" dropped, joined."""
    return "".join(w for i, w in enumerate(words) if not (i and w == "and"))


@dataclass(frozen=True)
class Normalized:
    """A title reduced to comparable keys, and what was taken off it."""

    key: str  # the whole title, normalised
    main: str  # the part before a subtitle (== key when there is none)
    year: int | None  # a bracketed year found at the end
    season: int | None  # a season suffix found at the end
    alt: str | None = None  # another name given with it (in brackets, after "a.k.a."), as written
    letters: str = ""  # the whole title's letters and digits as written, articles and spaces taken off

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,) if self.main == self.key or not self.main else (self.key, self.main)

    @property
    def squashed(self) -> tuple[str, ...]:
        """The keys without spaces, and the letters as written, which the blocking index is keyed on:
        "Old Boy" finds "Oldboy", "Four Teen Hours" "Fourteen Hours", "Rockyiii" "Rocky III"."""
        return tuple(dict.fromkeys([*(k.replace(" ", "") for k in self.keys), *([self.letters] if self.letters else [])]))


def _may_end_in_season(text: str) -> bool:
    """Whether ``SEASON_SUFFIX`` can match: the text ends in a number of one or two digits, but for a
    bracket and spaces. Most titles do not, and the pattern is slow to say so."""
    tail = text.rstrip()
    if tail.endswith((")", "]")):
        tail = tail[:-1].rstrip()
    n = 0
    while n < 3 and n < len(tail) and tail[-1 - n].isdecimal():  # what \d reads: any decimal digit
        n += 1
    return 1 <= n <= 2


def _may_have_subtitle(text: str) -> bool:
    """Whether ``SUBTITLE`` can split the text: it has a colon, a dash or an "or"."""
    return ":" in text or "-" in text or "–" in text or "—" in text or "or" in text.lower()


@lru_cache(maxsize=65536)
def normalize(title: str) -> Normalized:
    """Split ``title`` into its normalised key, main-title key, bracketed year, season number and the
    other name it gives."""
    text = title.strip()
    year = season = None
    m = BRACKETED_YEAR.search(text)
    if m:
        year, text = int(m.group(1)), text[: m.start()]
    m = SEASON_SUFFIX.search(text) if _may_end_in_season(text) else None
    if m and m.start() > 0:
        season, text = int(m.group(1) or m.group(2)), text[: m.start()]
    m = TRAILING_ARTICLE.search(text)
    if m:
        article = m.group(1)
        text = f"{article}{'' if article.endswith(chr(39)) else ' '}{text[: m.start()]}"
    alt = None
    before = text
    m = ALT_NAME.search(text)
    if m and m.start() > 0:
        named = (m.group(1) or m.group(2) or m.group(3) or "").strip()
        before = re.sub(r"[,\s]+or\s*$", "", text[: m.start()], flags=re.IGNORECASE)
        if EDITION.match(named) or m.group(1) is None:
            text = before  # a cut or medium is no part of the name; "X a.k.a. Y" is two names, not one
        if named and not EDITION.match(named) and len(fold(named).replace(" ", "")) >= 3:
            alt = named
    plain = _plain_words(text)
    colon = OR_SUBTITLE.sub(": ", text) if "or" in text.lower() else text
    key = _read_words(plain if colon == text else _plain_words(colon))
    parts = SUBTITLE.split(before, maxsplit=1) if _may_have_subtitle(before) else [before]
    main = _words(parts[0]) if len(parts) > 1 or before != text else key
    if not main:
        main = key
    return Normalized(key=key, main=main, year=year, season=season, alt=alt, letters=_letters(plain))


def title_key(title: str) -> str:
    """The normalised key of the whole title."""
    return normalize(title).key


def name_forms(title: str) -> list[str]:
    """The title and the other name it gives, if any ("Spirited Away (Sen to Chihiro…)" gives both)."""
    alt = normalize(title).alt
    return [title, alt] if alt else [title]
