"""Resolve an export's worth of records against a catalog too large to index whole (the full IMDb catalog
built by ``benchmarks/imdb``): the candidates of the batch are looked up through the catalog's search
index, and only they are indexed in memory.

    python benchmarks/resolve/full_catalog.py --catalog DATA_DIR/catalog.duckdb --records 1000 [--whole]

Records are films and series sampled from the catalog (seed 7), rendered as exports write them: as
catalog, lower case without apostrophes and no year, with the year in brackets, a year off by one or
two. ``--whole`` also builds the index of the whole catalog for comparison (minutes and many GB at real
size). Prints one JSON line: seconds, peak memory, candidates indexed, verdicts.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--catalog", type=Path, required=True)
    p.add_argument("--records", type=int, default=1000)
    p.add_argument("--whole", action="store_true")
    a = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from reelradar.catalog.db import open_catalog
    from reelradar.resolve.candidates import CatalogIndex, GrowingIndex
    from reelradar.resolve.link import Record, Resolver

    con = open_catalog(a.catalog)
    rows = con.execute(
        f"SELECT id, title, year FROM (SELECT * FROM title WHERE kind IN ('movie', 'series')) "
        f"USING SAMPLE {a.records} ROWS (reservoir, 7)").fetchall()
    rnd = random.Random(7)
    records, expected = [], []
    for tid, title, year in rows:
        way = rnd.randrange(4)
        rec = [Record(title, year), Record(title.lower().replace("'", ""), None),
               Record(f"{title} ({year})" if year else title, None), Record(title, (year or 2000) + rnd.choice([1, 2]))][way]
        records.append(rec)
        expected.append(tid)
    t0 = time.perf_counter()
    index = CatalogIndex(con) if a.whole else GrowingIndex(con)
    resolver = Resolver(con, index=index)
    resolver.prepare(records)
    t1 = time.perf_counter()
    verdicts = {"strong": 0, "medium": 0, "none": 0}
    right = 0
    for rec, tid in zip(records, expected, strict=True):
        m = resolver.match(rec)
        verdicts[m.verdict] += 1
        right += m.verdict == "strong" and m.title_id == tid
    t2 = time.perf_counter()
    print(json.dumps({
        "index": "whole" if a.whole else "growing", "catalog_titles": len(index), "records": len(records),
        "indexed_titles": len(index.sub) if isinstance(index, GrowingIndex) else len(index),
        "prepare_s": round(t1 - t0, 1), "match_s": round(t2 - t1, 1), "total_s": round(t2 - t0, 1),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10, "verdicts": verdicts,
        "strong_and_right": right}))


if __name__ == "__main__":
    main()
