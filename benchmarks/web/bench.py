"""Load test of `reelradar serve` on loopback: concurrent clients against API picks, title pages and search.

For each target, ``wrk`` (Debian's package) keeps ``--connections`` clients busy for ``--duration``
seconds, each request taking the next URL of a fixed list made from the catalog (many distinct
questions, not one URL answered from cache), and reports requests, errors and latency percentiles.
Before the load, every URL is asked once with a single client: the "first answer" latencies, when
nothing is cached yet. A floor run (a static file from the same server) shows what the HTTP stack
alone costs on this machine.

    python benchmarks/web/bench.py --data-dir /tmp/web-bench              # demo catalog, built if missing
    python benchmarks/web/bench.py --data-dir /tmp/imdb-1m --label 1M     # a catalog built beforehand
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
REELRADAR = [sys.executable, "-m", "reelradar"]

LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, " ..
    "\\"status\\": %%d, \\"timeout\\": %%d, \\"p50\\": %%.3f, \\"p90\\": %%.3f, \\"p95\\": %%.3f, \\"p99\\": %%.3f, " ..
    "\\"max\\": %%.3f}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def targets(catalog: Path, n_titles: int, n_search: int) -> dict[str, list[str]]:
    """URL lists made from the catalog: filter combinations for picks, well-known and obscure titles,
    search words taken from titles (some cut short, as typed)."""
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        genres = [r[0] for r in con.execute(
            "SELECT g FROM (SELECT unnest(genres) g FROM title t JOIN title_score s ON s.title_id = t.id) "
            "GROUP BY g ORDER BY count(*) DESC LIMIT 6").fetchall()]
        kinds = [r[0] for r in con.execute(
            "SELECT kind FROM title_score s JOIN title t ON t.id = s.title_id GROUP BY kind "
            "ORDER BY count(*) DESC LIMIT 2").fetchall()]
        picks = []
        for mode in ("radar", "top"):
            for kind in [None, *kinds]:
                for genre in [None, *genres]:
                    q = {"mode": mode, "limit": 20, **({"kind": kind} if kind else {}), **({"genre": genre} if genre else {})}
                    picks.append("/api/v1/picks?" + urllib.parse.urlencode(q))
        ids = [r[0] for r in con.execute(
            f"""(SELECT title_id FROM title_score ORDER BY evidence DESC NULLS LAST LIMIT {n_titles // 2:d})
               UNION ALL (SELECT title_id FROM title_score USING SAMPLE reservoir({n_titles - n_titles // 2:d} ROWS)
                          REPEATABLE (7))""").fetchall()]
        if con.execute("SELECT 1 FROM title WHERE id = 'demo:ballard'").fetchone():
            ids.insert(0, "demo:ballard")
        titles = [r[0] for r in con.execute(
            f"SELECT title FROM (SELECT title FROM title WHERE kind <> 'episode') "
            f"USING SAMPLE reservoir({n_search:d} ROWS) REPEATABLE (11)").fetchall()]
    finally:
        con.close()
    words = []
    for k, t in enumerate(titles):
        w = re.sub(r"[^\w\s]", " ", t.lower()).split()
        if not w:
            continue
        q = " ".join(w[:2])
        if k % 3 == 0 and len(q) > 4:
            q = q[:-2]  # an unfinished word
        words.append("/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 20}))
    return {
        "api_picks": picks,
        "title_page": ["/title/" + urllib.parse.quote(i, safe=":") for i in dict.fromkeys(ids)],
        "api_search": list(dict.fromkeys(words)),
        "floor_static": ["/static/style.css"],
    }


def first_answers(base: str, paths: list[str]) -> dict[str, float]:
    """One request per URL, one at a time: latency of answers computed from scratch."""
    times, errors = [], 0
    for p in paths:
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(base + p, timeout=60) as r:
                r.read()
        except Exception:  # noqa: BLE001 - counted, shown in the results
            errors += 1
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"n": len(times), "errors": errors, "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(0.95 * len(times)))], "max": times[-1]}


def run_wrk(base: str, paths: list[str], connections: int, duration: int, threads: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
        script = fh.name
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script, base],
            capture_output=True, text=True, check=True, timeout=duration + 60,
        ).stdout
    finally:
        os.unlink(script)
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--label", default="demo")
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--titles", type=int, default=400, help="distinct title pages in the rotation")
    ap.add_argument("--searches", type=int, default=300, help="distinct searches in the rotation")
    ap.add_argument("--cache-entries", type=int, default=None, help="serve_cache_entries for the server (0: none)")
    ap.add_argument("--only", default="", help="comma-separated targets (api_picks,title_page,api_search,floor_static)")
    ap.add_argument("--out", type=Path, default=None, help="append the results as one JSON line")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    if not (args.data_dir / "catalog.duckdb").exists():
        subprocess.run([*REELRADAR, "--data-dir", str(args.data_dir), "demo"], check=True)
    urls = targets(args.data_dir / "catalog.duckdb", args.titles, args.searches)
    if args.only:
        urls = {k: v for k, v in urls.items() if k in args.only.split(",")}

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELRADAR_")}
    if args.cache_entries is not None:
        env["REELRADAR_SERVE_CACHE_ENTRIES"] = str(args.cache_entries)
    server = subprocess.Popen([*REELRADAR, "--data-dir", str(args.data_dir), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/static/style.css", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        results = {"label": args.label, "connections": args.connections, "duration_s": args.duration,
                   "cache_entries": args.cache_entries, "cpus": os.cpu_count(),
                   "load_before": os.getloadavg()[0], "targets": {}}
        for name, paths in urls.items():
            cold = first_answers(base, paths)
            load = run_wrk(base, paths, args.connections, args.duration, args.threads)
            results["targets"][name] = {"urls": len(paths), "first_answer_ms": cold, "load": load}
            print(f"{args.label} {name}: {len(paths)} URLs; first answers p50 {cold['p50']:.1f} ms p95 "
                  f"{cold['p95']:.1f} ms; under load {load['rps']:.0f} req/s, p50 {load['p50']:.1f} ms, "
                  f"p95 {load['p95']:.1f} ms, p99 {load['p99']:.1f} ms, errors {load['errors']}", flush=True)
        results["load_after"] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(15)
    if args.out:
        with args.out.open("a") as fh:
            fh.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
