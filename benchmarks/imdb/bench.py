"""Measure, side by side on the same generated files: decompressing them (the floor), a bare DuckDB load,
reelradar's full ingest (ready to serve: catalog, scores, search index), pimdb and imdb-sqlite; then
search latency over the catalog reelradar built.

Each contender runs as its own process; wall time, CPU time (user + system) and peak resident memory
(of the process and its children) are read from the operating system.

    python benchmarks/imdb/bench.py --data /tmp/imdb-0.1 --work /tmp/bench-0.1 \\
        [--peers-venv /path/to/venv-with-pimdb-and-imdb-sqlite] [--skip reelradar,pimdb] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FILES = ["title.basics", "title.akas", "title.crew", "title.episode", "title.principals", "title.ratings",
         "name.basics"]
HERE = Path(__file__).resolve().parent


def run(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MiB) of it and its children."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    try:
        out, err = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        status = "timeout"
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # cumulative: the caller takes differences
    return {"cmd": " ".join(cmd[:4]), "status": status, "wall_s": round(wall, 2), "out": out.decode(),
            "err": err.decode()[-2000:], "_usage": usage}


class Meter:
    """CPU time and peak RSS of each child run, from the cumulative RUSAGE_CHILDREN counters."""

    def __init__(self) -> None:
        self.last = resource.getrusage(resource.RUSAGE_CHILDREN)

    def take(self, result: dict) -> dict:
        u = result.pop("_usage")
        result["cpu_s"] = round((u.ru_utime - self.last.ru_utime) + (u.ru_stime - self.last.ru_stime), 2)
        # ru_maxrss of children is the largest of any child so far: exact when runs grow, an upper bound
        # otherwise; each contender is also measured in its own wrapper below for a per-run figure.
        self.last = u
        return result


def peak_wrapper(cmd: list[str]) -> list[str]:
    """Run ``cmd`` under /usr/bin/time -f to get its own peak RSS (KiB) on stderr."""
    return ["/usr/bin/time", "-f", "PEAK_KB=%M", *cmd]


def peak_mib(err: str) -> float | None:
    for line in err.splitlines()[::-1]:
        if line.startswith("PEAK_KB="):
            return round(int(line.split("=")[1]) / 1024, 1)
    return None


def decompress(data: Path, meter: Meter, workers: int, timeout: float) -> dict:
    """gzip -dc of all seven files to /dev/null, ``workers`` at a time."""
    started = time.perf_counter()
    pending = [str(data / f"{name}.tsv.gz") for name in FILES]
    pending.sort(key=lambda p: -os.path.getsize(p))  # largest first: the fairest split over workers
    running: list[subprocess.Popen] = []
    while pending or running:
        while pending and len(running) < workers:
            running.append(subprocess.Popen(["gzip", "-dc", pending.pop(0)], stdout=subprocess.DEVNULL))
        running[0].wait(timeout=timeout)
        running = [p for p in running if p.poll() is None]
    wall = time.perf_counter() - started
    return meter.take({"cmd": f"gzip -dc ({workers} at a time)", "status": 0, "wall_s": round(wall, 2),
                       "_usage": resource.getrusage(resource.RUSAGE_CHILDREN), "peak_mib": None})


BARE_DUCKDB = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
for name in {files!r}:
    con.execute(f"CREATE TABLE \\"{{name}}\\" AS SELECT * FROM read_csv('{{sys.argv[1]}}/{{name}}.tsv.gz', "
                "delim='\\t', header=true, quote='', escape='', nullstr='\\\\N')")
con.execute("CHECKPOINT")
print({{r[0]: r[1] for r in con.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall()}})
"""


def search_latency(catalog: Path, queries: int = 300, seed: int = 7) -> dict:
    """p50/p95/max of search_titles over queries made from titles in the catalog (episodes' generic
    names, which the index leaves out, excepted): as typed in lower case, with a letter dropped, the
    first two words with the last unfinished, as written; plus alternative titles."""
    import duckdb

    from reelradar.catalog.search import search_titles
    from reelradar.errors import BadInput

    con = duckdb.connect(str(catalog), read_only=True)
    rng = random.Random(seed)
    # popular and obscure titles alike: half drawn from rated titles (what people look for), half from all
    n_rated = queries // 2
    rated = [r[0] for r in con.execute(
        "SELECT title FROM (SELECT t.title FROM rating r JOIN title t ON t.id = r.title_id WHERE NOT (t.kind = "
        "'episode' AND (starts_with(t.title, 'Episode #') OR starts_with(t.title, 'Episode dated ')))) "
        f"USING SAMPLE reservoir({n_rated} ROWS) REPEATABLE ({seed})"
    ).fetchall()]
    anything = [r[0] for r in con.execute(
        "SELECT title FROM (SELECT title FROM title WHERE kind <> 'season' AND NOT (kind = 'episode' AND "
        "(starts_with(title, 'Episode #') OR starts_with(title, 'Episode dated ')))) "
        f"USING SAMPLE reservoir({queries - n_rated} ROWS) REPEATABLE ({seed})"
    ).fetchall()]
    akas = [r[0] for r in con.execute(
        f"SELECT title FROM title_aka USING SAMPLE reservoir(50 ROWS) REPEATABLE ({seed})").fetchall()]
    texts = []
    for i, title in enumerate(rated + anything):
        words = title.split()
        kind = i % 4
        if kind == 0:
            texts.append(title.lower())
        elif kind == 1 and len(title) > 5:
            j = rng.randrange(1, len(title) - 1)
            texts.append(title[:j] + title[j + 1:])  # one letter dropped
        elif kind == 2 and len(words) > 1:
            texts.append(" ".join(words[:2])[:-1])  # typing: the last word unfinished
        else:
            texts.append(title)
    texts += akas
    times, cpu, empty, missed = [], [], 0, []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            hits = search_titles(con, text)
        except BadInput:  # a query of punctuation only is refused: not a latency
            continue
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        empty += not hits
        if not hits:
            missed.append(text)
    con.close()
    times.sort()
    cpu.sort()
    return {"queries": len(times), "no_hit": empty, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 1),
            "missed_examples": missed[:8]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--peers-venv", type=Path, default=None, help="a venv with pimdb and imdb-sqlite installed")
    p.add_argument("--skip", default="", help="comma list of: floor,duckdb,reelradar,pimdb,imdb-sqlite,search")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--out", type=Path, default=None, help="append the results as one JSON line to this file")
    a = p.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    a.work.mkdir(parents=True, exist_ok=True)
    meter = Meter()
    results: dict[str, dict] = {}
    size = sum((a.data / f"{n}.tsv.gz").stat().st_size for n in FILES)
    print(f"data: {a.data} ({size / 2**20:.0f} MiB compressed), {os.cpu_count()} CPUs", flush=True)

    def record(name: str, r: dict) -> None:
        r.setdefault("peak_mib", peak_mib(r.get("err", "")))
        results[name] = {k: v for k, v in r.items() if k not in ("out", "err")}
        print(f"{name:<28} status {r['status']}  wall {r['wall_s']:>8.1f} s  cpu {r['cpu_s']:>8.1f} s  "
              f"peak {r['peak_mib'] or '-'} MiB", flush=True)
        if r["status"] not in (0, None):
            print(r.get("err", "")[-1500:], flush=True)

    if "floor" not in skip:
        record("decompress, 1 core", decompress(a.data, meter, 1, a.timeout))
        record("decompress, 2 cores", decompress(a.data, meter, 2, a.timeout))
    if "duckdb" not in skip:
        db = a.work / "bare.duckdb"
        db.unlink(missing_ok=True)
        r = run(peak_wrapper([sys.executable, "-c", BARE_DUCKDB.format(files=FILES), str(a.data), str(db)]),
                timeout=a.timeout)
        record("bare DuckDB load", meter.take(r))
        db.unlink(missing_ok=True)
    catalog = a.work / "reelradar" / "catalog.duckdb"
    if "reelradar" not in skip:
        shutil.rmtree(a.work / "reelradar", ignore_errors=True)
        r = run(peak_wrapper([sys.executable, "-m", "reelradar", "--data-dir", str(a.work / "reelradar"),
                              "update", "imdb", "--from", str(a.data), "--json"]), timeout=a.timeout)
        record("reelradar update imdb", meter.take(r))
        if r["status"] == 0:
            report = json.loads(r["out"][r["out"].index("{"):]) if "{" in r["out"] else {}
            results["reelradar update imdb"]["phases_s"] = {k: round(v, 1) for k, v in
                                                            report.get("load", {}).get("seconds", {}).items()}
            results["reelradar update imdb"]["rows"] = report.get("rows")
            results["reelradar update imdb"]["catalog_mib"] = round(catalog.stat().st_size / 2**20)
    if a.peers_venv is not None:
        # imdb-sqlite stops at the first duplicate person (a UNIQUE constraint): the peers get a copy of
        # the files with name.basics' duplicate rows removed (not timed). reelradar reads them as they are.
        peer_data = a.work / "peer-data"
        if not (peer_data / "name.basics.tsv.gz").exists():
            peer_data.mkdir(parents=True, exist_ok=True)
            for name in FILES:
                if name != "name.basics":
                    (peer_data / f"{name}.tsv.gz").unlink(missing_ok=True)
                    (peer_data / f"{name}.tsv.gz").symlink_to((a.data / f"{name}.tsv.gz").resolve())
            subprocess.run(f"gzip -dc {a.data}/name.basics.tsv.gz | awk -F'\\t' '!seen[$1]++' | gzip -1 "
                           f"> {peer_data}/name.basics.tsv.gz", shell=True, check=True)
        if "imdb-sqlite" not in skip:
            db = a.work / "imdb-sqlite.db"
            db.unlink(missing_ok=True)
            r = run(peak_wrapper([str(a.peers_venv / "bin" / "imdb-sqlite"), "--db", str(db),
                                  "--cache-dir", str(peer_data)]), timeout=a.timeout)
            record("imdb-sqlite", meter.take(r))
            db.unlink(missing_ok=True)
        if "pimdb" not in skip:
            db = a.work / "pimdb.db"
            db.unlink(missing_ok=True)
            r = run(peak_wrapper([str(a.peers_venv / "bin" / "pimdb"), "transfer", "--dataset-folder", str(peer_data),
                                  "--database", f"sqlite:///{db}", "all"]), timeout=a.timeout, cwd=a.work)
            record("pimdb transfer all", meter.take(r))
            db.unlink(missing_ok=True)
    if "search" not in skip and catalog.exists():
        results["search"] = search_latency(catalog)
        print("search", results["search"], flush=True)
    if a.out:
        with a.out.open("a") as f:
            f.write(json.dumps({"data": str(a.data), "compressed_mib": round(size / 2**20), "cpus": os.cpu_count(),
                                "load_avg_at_end": os.getloadavg(), "results": results}) + "\n")


if __name__ == "__main__":
    main()
