"""Recall on names as other services write them: a labelled export made from the demo catalog.

Each demo film that a variation applies to is written the way some export or list writes it, one
variation per film in turn: number words for digits and back ("12 Monkeys" / "Twelve Monkeys"), two
words joined or one split ("Oldboy" / "Old Boy"), another name in brackets or after "a.k.a.", the
library's trailing article in the title's language ("Boot, Das"), symbols ("Alien³", "&" for "and"),
"X or: Y" for a subtitle, short forms ("Vol." / "Volume", "Pt." / "Part"), and one letter off in a word
of five letters or more (typed by hand). Decoys that must not match are those of ``accuracy.py``.
Every record carries its year, as Letterboxd's and IMDb's exports do. The set is resolved with the
catalog indexed whole and with the index a large catalog gets (candidates looked up through the
search index), side by side with an exact title + year lookup and rapidfuzz WRatio >= 90.

    python benchmarks/resolve/exports.py [--data-dir DIR] [--seed 7] [--json]

Targets (issue 13): strong precision >= 99.5%, strong + medium recall >= 97%.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from accuracy import Baselines, demo_films, make_set, score

from reelradar.resolve.candidates import GrowingIndex
from reelradar.resolve.link import Record, Resolver

DIGITS = {"1": "One", "2": "Two", "3": "Three", "4": "Four", "5": "Five", "6": "Six", "7": "Seven", "8": "Eight",
          "9": "Nine", "10": "Ten", "11": "Eleven", "12": "Twelve", "13": "Thirteen", "20": "Twenty"}
WORDS = {v.lower(): k for k, v in DIGITS.items()}
# Leading articles and the language a library writes them for, moved to the end after a comma.
ARTICLES = ("The", "A", "An", "Le", "La", "Les", "Das", "Der", "Die", "El", "Los", "Las", "Il", "De", "Het", "En")
SUPERSCRIPT = {"2": "²", "3": "³"}
ORIGINAL_NAMES = ("Sen to Chihiro", "Les Enfants", "Das Leben", "La Historia", "Il Grande", "Yeoreum")


def _number_words(title: str) -> str | None:
    words = title.split()
    for i, w in enumerate(words):
        if w in DIGITS:
            return " ".join([*words[:i], DIGITS[w], *words[i + 1:]])
        if w.lower() in WORDS:
            return " ".join([*words[:i], WORDS[w.lower()], *words[i + 1:]])
    return None


def _joined_or_split(title: str, compounds: set[str]) -> str | None:
    words = title.split()
    for i, w in enumerate(words):
        low = w.lower()
        for cut in range(3, len(low) - 2):  # "Oldboy" -> "Old Boy" where both halves are words
            if low.isalpha() and low[:cut] in compounds and low[cut:] in compounds:
                return " ".join([*words[:i], w[:cut], w[cut:].capitalize(), *words[i + 1:]])
        if i + 1 < len(words) and w.isalpha() and words[i + 1].isalpha() and 3 <= len(w) <= 6 \
                and 3 <= len(words[i + 1]) <= 6 and w not in ARTICLES and words[i + 1] not in ARTICLES:
            return " ".join([*words[:i], w + words[i + 1].lower(), *words[i + 2:]])
    return None


def _other_name(title: str, rng: random.Random) -> str:
    other = rng.choice(ORIGINAL_NAMES)
    return f"{title} ({other})" if rng.random() < 0.6 else f"{title} a.k.a. {other}"


def _trailing_article(title: str) -> str | None:
    for article in ARTICLES:
        if title.startswith(article + " ") and len(title) > len(article) + 1:
            return f"{title[len(article) + 1:]}, {article}"
    return None


def _symbols(title: str) -> str | None:
    m = re.search(r" ([23])$", title)
    if m:
        return title[: m.start()] + SUPERSCRIPT[m.group(1)]
    if " and " in title:
        return title.replace(" and ", " & ", 1)
    if " & " in title:
        return title.replace(" & ", " and ", 1)
    return None


def _or_subtitle(title: str) -> str | None:
    for sep in (": ", " - "):
        if sep in title:
            head, tail = title.split(sep, 1)
            return f"{head} or: {tail}"
    return None


def _short_forms(title: str) -> str | None:
    for long, short in (("Volume", "Vol."), ("Part", "Pt."), ("Vol.", "Volume"), ("Pt.", "Part")):
        if re.search(rf"\b{re.escape(long)}(?=\s|$)", title):
            return re.sub(rf"\b{re.escape(long)}(?=\s|$)", short, title, count=1)
    return None


def _typo(title: str, rng: random.Random) -> str | None:
    words = title.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    w = words[i]
    at = rng.randrange(1, len(w) - 1)
    how = rng.choice(("drop", "double", "swap"))
    if how == "drop":
        w = w[:at] + w[at + 1:]
    elif how == "double":
        w = w[:at] + w[at] + w[at:]
    else:
        w = w[:at - 1] + w[at] + w[at - 1] + w[at + 1:]
    return " ".join([*words[:i], w, *words[i + 1:]])


def renderings(compounds: set[str], rng: random.Random) -> dict[str, Callable[[str], str | None]]:
    return {
        "number words": _number_words,
        "joined or split": lambda t: _joined_or_split(t, compounds),
        "other name given": lambda t: _other_name(t, rng),
        "trailing article": _trailing_article,
        "symbols": _symbols,
        "X or: Y": _or_subtitle,
        "Vol./Volume": _short_forms,
        "one letter off": lambda t: _typo(t, rng),
    }


def make_export(films: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, Record, str | None]]:
    """(variation, record, expected id): one applicable variation per film, the rarer ones first."""
    compounds = {w.lower() for _, t, _ in films for w in t.split() if w.isalpha() and len(w) >= 3}
    ways = renderings(compounds, rng)
    used: Counter[str] = Counter()
    out: list[tuple[str, Record, str | None]] = []
    for tid, title, year in films:
        options = [(name, f(title)) for name, f in ways.items()]
        options = [(n, t) for n, t in options if t and t != title]
        if not options:
            continue
        name, written = min(options, key=lambda nt: (used[nt[0]], nt[0]))
        used[name] += 1
        out.append((name, Record(written, year, "movie"), tid))
    return out


def run(resolver: Resolver, labelled: list[tuple[str, Record, str | None]]) -> dict[str, object]:
    strong, any_, verdicts = [], [], defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    t0 = time.perf_counter()
    if isinstance(resolver.index, GrowingIndex):
        resolver.prepare([rec for _, rec, _ in labelled])
    for how, rec, expected in labelled:
        m = resolver.match(rec)
        right = m.title_id == expected
        verdicts[how][m.verdict if (right or m.verdict == "none") else f"{m.verdict}_wrong"] += 1
        strong.append((how, expected, m.title_id if m.verdict == "strong" else None))
        any_.append((how, expected, m.title_id if m.verdict in ("strong", "medium") else None))
        if expected is not None and not (right and m.verdict != "none") and len(misses[how]) < 5:
            misses[how].append(f"{rec.title} ({rec.year}): {m.verdict} {m.title or ''} — {m.reason}")
    return {"seconds": round(time.perf_counter() - t0, 2), "strong": score(strong), "strong_or_medium": score(any_),
            "by_variation": {how: dict(c) for how, c in verdicts.items()}, "misses": dict(misses)}


def main() -> int:
    args, con, films = demo_films(__doc__, "rr-exports-")
    rng = random.Random(args.seed)
    labelled = make_export(films, rng)
    labelled += [d for d in make_set(films, random.Random(args.seed)) if d[2] is None]  # the decoys
    base = Baselines(films)
    report: dict[str, object] = {
        "catalog_films": len(films),
        "variations": sum(1 for _, _, e in labelled if e is not None),
        "decoys": sum(1 for _, _, e in labelled if e is None),
        "whole_index": run(Resolver(con), labelled),
        "growing_index": run(Resolver(con, index=GrowingIndex(con)), labelled),
        "exact_title_year": score([(h, e, base.exact_match(r)) for h, r, e in labelled]),
        "rapidfuzz_wratio_90": score([(h, e, base.fuzzy_match(r)) for h, r, e in labelled]),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"{report['variations']} written variations, {report['decoys']} decoys, {len(films)} films")
    for name in ("whole_index", "growing_index"):
        r = report[name]
        assert isinstance(r, dict)
        for kind in ("strong", "strong_or_medium"):
            s = r[kind]
            print(f"reelradar {name:13} {kind:17} precision {s['precision']:.4f} recall {s['recall']:.4f} "
                  f"(accepted {s['accepted']}, wrong {s['wrong']}) in {r['seconds']} s")
    for name in ("exact_title_year", "rapidfuzz_wratio_90"):
        s = report[name]
        assert isinstance(s, dict)
        print(f"{name:41} precision {s['precision']:.4f} recall {s['recall']:.4f} (accepted {s['accepted']}, "
              f"wrong {s['wrong']})")
    whole = report["whole_index"]
    assert isinstance(whole, dict)
    for how, c in whole["by_variation"].items():
        print(f"  {how:18} {dict(sorted(c.items()))}")
    for how, rows in whole["misses"].items():
        for row in rows:
            print(f"  miss [{how}] {row}")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
