"""Speed and memory of the resolver: 100,000 name + year records against a generated 1-million-title
catalog (a real DuckDB catalog file with the project's schema).

    python benchmarks/resolve/scale.py generate --titles 1000000 --records 100000 --out /tmp/rr-scale
    python benchmarks/resolve/scale.py run /tmp/rr-scale        # reelradar, in a fresh process
    python benchmarks/resolve/scale.py baseline /tmp/rr-scale   # exact title+year join in DuckDB

``run`` prints the time to build the blocking index, the time to resolve the records, the peak
resident memory of the process (ru_maxrss) and the share of records matched right. Titles are made of
pseudo-words, with articles, subtitles and sequel numbers at realistic rates; records render 85% of
their titles as other sources do (case, articles moved, accents, a year off by one, a subtitle
dropped) and 15% are decoys.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

SYLLABLES = ("ka", "lo", "mi", "ren", "tor", "vel", "sa", "dun", "el", "or", "an", "is", "bra", "qui", "zo",
             "har", "mel", "ste", "gri", "po", "lun", "ve", "da", "no", "cor", "shi", "fa", "tre", "ul", "ém")
ARTICLES = ("The ", "A ", "Les ", "Der ", "La ", "El ")
KINDS = ("movie",) * 14 + ("series",) * 3 + ("tv_movie",) * 2 + ("short",)


def words(rng: random.Random, vocab: list[str], lo: int, hi: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(lo, hi)))


def make_title(rng: random.Random, vocab: list[str]) -> str:
    title = words(rng, vocab, 1, 4).title()
    if rng.random() < 0.15:
        title = rng.choice(ARTICLES) + title
    if rng.random() < 0.05:
        title += f" {rng.randint(2, 6)}"
    if rng.random() < 0.10:
        title += ": " + words(rng, vocab, 2, 3).title()
    return title


def render(rng: random.Random, title: str, year: int) -> tuple[str, int | None]:
    how = rng.randrange(6)
    if how == 1:
        for a in ARTICLES:
            if title.startswith(a):
                return f"{title[len(a):]}, {a.strip()} ({year})", None
        return f"{title} ({year})", None
    if how == 2:
        return title.lower(), year
    if how == 3:
        return title.replace("é", "e"), year
    if how == 4:
        return title, year + rng.choice((-1, 1))
    if how == 5 and ": " in title:
        return title.split(": ", 1)[0], year
    return title, year


def generate(out: Path, n_titles: int, n_records: int, seed: int) -> None:
    from reelradar.catalog.db import write_catalog

    rng = random.Random(seed)
    vocab = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(40000)})
    t0 = time.perf_counter()
    ids, kinds, titles, years, runtimes = [], [], [], [], []
    for n in range(n_titles):
        ids.append(f"tt{n + 1:08d}")
        kinds.append(rng.choice(KINDS))
        titles.append(make_title(rng, vocab))
        years.append(rng.randint(1920, 2025))
        runtimes.append(rng.randint(20, 180))
    out.mkdir(parents=True, exist_ok=True)
    table = pa.table({"id": ids, "kind": kinds, "title": titles, "year": pa.array(years, pa.int32()),
                      "runtime_min": pa.array(runtimes, pa.int32()), "source": ["bench"] * n_titles})
    with write_catalog(out / "catalog.duckdb") as con:
        con.register("t", table)
        con.execute("INSERT INTO title BY NAME SELECT * FROM t")
        con.execute("INSERT INTO title_xid SELECT id, 'imdb', id FROM t")
        con.unregister("t")
    exact = {(t.lower(), y) for t, y in zip(titles, years)}
    records = []
    for _ in range(n_records):
        if rng.random() < 0.85:
            i = rng.randrange(n_titles)
            title, year = render(rng, titles[i], years[i])
            records.append({"title": title, "year": year, "expected": ids[i]})
        else:
            title, year = make_title(rng, vocab), rng.randint(1920, 2025)
            if (title.lower(), year) in exact:
                continue
            records.append({"title": title, "year": year, "expected": None})
    (out / "records.json").write_text(json.dumps(records))
    print(f"generated {n_titles:,} titles and {len(records):,} records in {time.perf_counter() - t0:.1f} s at {out}")


def run(out: Path) -> dict[str, object]:
    from reelradar.catalog.db import open_catalog
    from reelradar.resolve.link import Record, Resolver

    records = json.loads((out / "records.json").read_text())
    con = open_catalog(out / "catalog.duckdb")
    t0 = time.perf_counter()
    resolver = Resolver(con)
    t1 = time.perf_counter()
    verdicts = {"strong": 0, "medium": 0, "none": 0}
    right = wrong = 0
    for r in records:
        m = resolver.match(Record(r["title"], r["year"]))
        verdicts[m.verdict] += 1
        if m.verdict == "strong":
            if m.title_id == r["expected"]:
                right += 1
            else:
                wrong += 1
    t2 = time.perf_counter()
    positives = sum(1 for r in records if r["expected"])
    return {"titles": len(resolver.index), "records": len(records), "index_seconds": round(t1 - t0, 1),
            "resolve_seconds": round(t2 - t1, 1), "total_seconds": round(t2 - t0, 1),
            "records_per_second": round(len(records) / (t2 - t1)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "verdicts": verdicts, "strong_precision": round(right / max(1, right + wrong), 4),
            "strong_recall": round(right / max(1, positives), 4)}


def baseline(out: Path) -> dict[str, object]:
    """What a user would otherwise do: join on lower(title) and year in DuckDB."""
    records = json.loads((out / "records.json").read_text())
    con = duckdb.connect(str(out / "catalog.duckdb"), read_only=True)
    t0 = time.perf_counter()
    con.register("r", pa.Table.from_pylist(records))
    rows = con.execute(
        "SELECT r.expected, min(t.id) AS got FROM r LEFT JOIN title t "
        "ON lower(t.title) = lower(r.title) AND t.year = r.year GROUP BY ALL").fetchall()
    elapsed = time.perf_counter() - t0
    right = sum(1 for e, g in rows if g is not None and g == e)
    wrong = sum(1 for e, g in rows if g is not None and g != e)
    positives = sum(1 for r in records if r["expected"])
    return {"records": len(records), "seconds": round(elapsed, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "precision": round(right / max(1, right + wrong), 4), "recall": round(right / max(1, positives), 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--titles", type=int, default=1_000_000)
    g.add_argument("--records", type=int, default=100_000)
    g.add_argument("--seed", type=int, default=11)
    g.add_argument("--out", type=Path, required=True)
    for name in ("run", "baseline"):
        sub.add_parser(name).add_argument("out", type=Path)
    args = ap.parse_args()
    if args.cmd == "generate":
        generate(args.out, args.titles, args.records, args.seed)
    else:
        print(json.dumps(run(args.out) if args.cmd == "run" else baseline(args.out), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
