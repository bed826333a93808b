"""Accuracy of the resolver on a labelled set made from the demo catalog.

Positives: every demo film rendered the way another source would write it (Letterboxd name + year;
"Godfather, The (1972)"; lower case; accents stripped; year one off; subtitle dropped). Decoys that
must not match: invented titles, real titles years away from any film of that name, real titles with
a word added, a real film asked for as a series, a real title with a sequel number added.

Compared side by side with what an import script would otherwise do: (1) exact, case-insensitive
title and year lookup; (2) fuzzy lookup (rapidfuzz WRatio >= 90 among films within a year).

    python benchmarks/resolve/accuracy.py [--data-dir DIR] [--seed 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import build_demo
from reelradar.config import load_settings
from reelradar.resolve.link import Record, Resolver

RENDERINGS = ("letterboxd", "library", "lower", "no_accents", "year_off", "no_subtitle")
DECOYS = ("invented", "year_far", "word_added", "as_series", "sequel_number")
WORDS = ("crimson", "harbor", "silent", "orchard", "velvet", "thunder", "paper", "lantern", "winter", "glass",
         "meridian", "copper", "hollow", "saffron", "echo", "marble", "tide", "ember", "violet", "compass")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def library_style(title: str) -> str:
    for article in ("The ", "A ", "An "):
        if title.startswith(article):
            return f"{title[len(article):]}, {article.strip()}"
    return title


def split_subtitle(title: str) -> str | None:
    for sep in (": ", " - ", " – "):
        if sep in title:
            return title.split(sep, 1)[0]
    return None


def make_set(films: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, Record, str | None]]:
    """(rendering, record, expected id or None for a decoy)."""
    names = defaultdict(set)
    for _id, title, year in films:
        names[title.lower()].add(year)
    out: list[tuple[str, Record, str | None]] = []
    for i, (tid, title, year) in enumerate(films):
        how = RENDERINGS[i % len(RENDERINGS)]
        if how == "no_subtitle" and not split_subtitle(title):
            how = "letterboxd"
        if how == "letterboxd":
            rec = Record(title, year, "movie")
        elif how == "library":
            rec = Record(f"{library_style(title)} ({year})", None)
        elif how == "lower":
            rec = Record(title.lower(), year)
        elif how == "no_accents":
            rec = Record(strip_accents(title), year)
        elif how == "year_off":
            rec = Record(title, year + rng.choice((-1, 1)), "movie")
        else:
            rec = Record(split_subtitle(title) or title, year, "movie")
        out.append((how, rec, tid))
    sample = rng.sample(films, min(len(films), 3000))
    for i, (_tid, title, year) in enumerate(sample):
        how = DECOYS[i % len(DECOYS)]
        if how == "invented":
            rec = Record(" ".join(rng.sample(WORDS, rng.randint(2, 4))).title(), rng.randint(1940, 2020), "movie")
        elif how == "year_far":
            far = year + rng.choice((-1, 1)) * rng.randint(3, 15)
            if any(abs(far - y) <= 1 for y in names[title.lower()]):
                continue
            rec = Record(title, far, "movie")
        elif how == "word_added":
            rec = Record(f"{title} {rng.choice(WORDS).title()}", year, "movie")
        elif how == "as_series":
            rec = Record(title, year, "series")
        else:
            rec = Record(f"{title} {rng.randint(2, 6)}", year, "movie")
        if rec.title and rec.title.lower() in names and how != "as_series" and how != "year_far":
            continue  # by chance a real title: not a decoy
        out.append((how, rec, None))
    return out


def score(results: list[tuple[str, str | None, str | None]]) -> dict[str, float | int]:
    """results: (rendering, expected, got) where got is the id accepted as a match (or None)."""
    tp = sum(1 for _, exp, got in results if got is not None and got == exp)
    fp = sum(1 for _, exp, got in results if got is not None and got != exp)
    positives = sum(1 for _, exp, _ in results if exp is not None)
    return {"accepted": tp + fp, "correct": tp, "wrong": fp,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / positives if positives else 0.0}


class Baselines:
    def __init__(self, films: list[tuple[str, str, int]]) -> None:
        self.exact: dict[tuple[str, int], str] = {}
        self.by_year: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for tid, title, year in films:
            self.exact.setdefault((title.lower(), year), tid)
            self.by_year[year].append((title.lower(), tid))

    def exact_match(self, rec: Record) -> str | None:
        return self.exact.get(((rec.title or "").lower(), rec.year)) if rec.year is not None else None

    def fuzzy_match(self, rec: Record) -> str | None:
        if rec.year is None or not rec.title:
            return None
        pool = [p for y in (rec.year - 1, rec.year, rec.year + 1) for p in self.by_year.get(y, [])]
        if not pool:
            return None
        hit = process.extractOne(rec.title.lower(), [p[0] for p in pool], scorer=fuzz.WRatio, score_cutoff=90)
        return pool[hit[2]][1] if hit else None


def demo_films(doc: str | None, prefix: str) -> tuple[argparse.Namespace, Any, list[tuple[str, str, int]]]:
    """The command line (--data-dir, --seed, --json), the demo catalog (built if missing) and its films."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="a data folder with the demo catalog (built if missing)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    settings = load_settings(data_dir=args.data_dir or Path(tempfile.mkdtemp(prefix=prefix)))
    if not settings.catalog_path.exists():
        build_demo(settings)
    con = open_catalog(settings.catalog_path)
    films = con.execute("SELECT id, title, year FROM title WHERE kind = 'movie' AND year IS NOT NULL "
                        "ORDER BY id").fetchall()
    return args, con, films


def main() -> int:
    args, con, films = demo_films(__doc__, "rr-accuracy-")
    rng = random.Random(args.seed)
    labelled = make_set(films, rng)
    resolver = Resolver(con)
    base = Baselines(films)
    t0 = time.perf_counter()
    ours_strong, ours_any, exact, fuzzy = [], [], [], []
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    for how, rec, expected in labelled:
        m = resolver.match(rec)
        verdicts[how][m.verdict if (m.title_id == expected or m.verdict == "none") else m.verdict + "_wrong"] += 1
        ours_strong.append((how, expected, m.title_id if m.verdict == "strong" else None))
        ours_any.append((how, expected, m.title_id if m.verdict in ("strong", "medium") else None))
    elapsed = time.perf_counter() - t0
    for how, rec, expected in labelled:
        exact.append((how, expected, base.exact_match(rec)))
        fuzzy.append((how, expected, base.fuzzy_match(rec)))
    report = {
        "catalog_films": len(films),
        "positives": sum(1 for _, _, e in labelled if e is not None),
        "decoys": sum(1 for _, _, e in labelled if e is None),
        "seconds_to_resolve": round(elapsed, 2),
        "reelradar_strong": score(ours_strong),
        "reelradar_strong_or_medium": score(ours_any),
        "exact_title_year": score(exact),
        "rapidfuzz_wratio_90": score(fuzzy),
        "by_rendering": {how: dict(c) for how, c in verdicts.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['positives']} positives, {report['decoys']} decoys, {len(films)} films; "
              f"resolved in {elapsed:.1f} s")
        for name in ("reelradar_strong", "reelradar_strong_or_medium", "exact_title_year", "rapidfuzz_wratio_90"):
            s = report[name]
            print(f"{name:28} precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
                  f"(accepted {s['accepted']}, wrong {s['wrong']})")
        for how, c in report["by_rendering"].items():
            print(f"  {how:14} {dict(sorted(c.items()))}")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
