"""TMDB refresh benchmark: a full first refresh and an incremental one (1% changed) of 5,000 generated
titles served on 127.0.0.1 by ``server.py``, under a rate limit (TMDB asks for ~50 requests/s), beside
a plain per-title loop (details, then watch providers, for every title every time).

Each phase runs in its own process so its peak memory (max RSS) is its own. Prints one JSON line per
phase and writes ``results.json`` beside this file.

Run: ``python benchmarks/tmdb/run.py [--titles 5000] [--rate 50] [--no-baseline]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from server import DAY1, KEY


def settings(data: Path, base: str, rate: float, titles: int):  # type: ignore[no-untyped-def]
    from reelradar.config import load_settings

    return load_settings(data_dir=data, cache_dir=data / "cache", tmdb_api_key=KEY, tmdb_api_url=f"{base}/3",
                         tmdb_files_url=f"{base}/p/exports", tmdb_rate_limit=rate, tmdb_popular_titles=titles,
                         tmdb_trending_pages=1)


def phase(name: str, data: Path, base: str, rate: float, titles: int) -> dict:
    """One measured phase, in this process."""
    import httpx

    from reelradar.catalog.db import write_catalog
    from reelradar.http import RateLimiter
    from reelradar.sources import tmdb

    s = settings(data, base, rate, titles)
    if name == "full":
        with write_catalog(s.catalog_path):  # an empty catalog: every title is new to it
            pass
    started = time.monotonic()
    if name in ("full", "incremental"):
        today = DAY1 if name == "full" else DAY1 + timedelta(days=1)
        report = tmdb.update(s, today=today)
        out = {"requests": report.requests, "fetched": report.fetched, "unchanged": report.unchanged,
               "failed": len(report.failed), "cache_hits": report.cache_hits, "retries": report.retries,
               "offers": report.rows.get("offer", 0), "fetch_seconds": round(report.fetch_seconds, 2)}
    else:  # the plain loop a script would do: ids from the export, then two requests per title, every time
        import gzip

        limiter = RateLimiter(rate)
        requests = 0
        kept = 0
        day = DAY1 + timedelta(days=1)  # it runs after the server moved to day 2
        with httpx.Client(timeout=30) as client:
            ids = []
            for stem, kind in (("movie_ids", "movie"), ("tv_series_ids", "tv")):
                limiter.wait()
                requests += 1
                body = client.get(f"{base}/p/exports/{stem}_{day.strftime('%m_%d_%Y')}.json.gz").content
                ids += [(kind, json.loads(line)["id"]) for line in gzip.decompress(body).splitlines() if line.strip()]
            for kind, number in ids[:titles]:
                for path in (f"/3/{kind}/{number}", f"/3/{kind}/{number}/watch/providers"):
                    limiter.wait()
                    requests += 1
                    client.get(f"{base}{path}", params={"api_key": KEY}).raise_for_status()
                kept += 1
        out = {"requests": requests, "fetched": kept}
    out.update(phase=name, seconds=round(time.monotonic() - started, 2),
               max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               rate_limit=rate, floor_seconds=round(out["requests"] / rate, 2))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="TMDB refresh benchmark")
    ap.add_argument("--titles", type=int, default=5000)
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.data), args.base, args.rate, args.titles)), flush=True)
        return
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--titles", str(args.titles),
                               "--changed", str(args.changed)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            phases = ["full", "day2", "incremental"] + ([] if args.no_baseline else ["baseline"])
            for name in phases:
                if name == "day2":
                    import httpx

                    httpx.get(f"{base}/control/day?n=2")
                    continue
                data = Path(tmp) / ("baseline" if name == "baseline" else "reelradar")
                cmd = [sys.executable, __file__, "--phase", name, "--data", str(data), "--base", base,
                       "--rate", str(args.rate), "--titles", str(args.titles)]
                line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
                results.append(json.loads(line))
                print(line, flush=True)
        (HERE / "results.json").write_text(json.dumps({"titles": args.titles, "changed": args.changed,
                                                       "results": results}, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
