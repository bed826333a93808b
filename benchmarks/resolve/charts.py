"""Chart links: every distinct entry of Netflix's global Top 10 file resolved as a build resolves it,
against a catalog in IMDb's format whose truth is known by construction.

``generate`` makes a background catalog with ``benchmarks/imdb/generate.py`` at ``--scale`` (1.0 = real
size), then plants, for each chart entry, its RIGHT title (kind from the category, the year it first
charted or the year before, or for a stated share of library titles years before; the name as IMDb
gives it, without Netflix's labels of a year, a dubbed version or a cut; the file's runtime where it
gives one; seasons enough for the season named; votes) and same-name TRAPS (films or series of the
name from earlier years, from after it charted, from between a library title's release and its
charting, of about the same year; a short, a TV film, the other kind; a sequel or spin-off sharing
the main title, the title a "X: Y" entry comes from), and builds two catalogs with
``reelradar update imdb --from``: ``full`` (right titles and traps) and ``traps`` (traps only).
``run`` resolves every entry against each (ChartResolver over chart_records, in a fresh process for
each, timed: index, match; peak memory) and compares with the old rule (the exact normalised name,
exactly one title of the kind group of that name and of no later year than it first charted).

    python benchmarks/resolve/charts.py generate --out DIR [--scale 1.0] [--seed 7]
    python benchmarks/resolve/charts.py run DIR [--languages] [--json]

``--languages`` first writes the planted titles' original languages into the catalogs (as a TMDB or
Wikidata source would: IMDb's files carry none), and without it clears them.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import math
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
GLOBAL_FILE = Path("/work/shared/data/netflix-top10/all-weeks-global.tsv")
LIBRARY_SHARE = 0.15  # right titles released years before they first charted (licensed, not new)
FIRST_ID = 90_000_001  # planted ids: after every generated one
TYPES = {"movie": "movie", "special": "tvSpecial", "series": "tvSeries", "miniseries": "tvMiniSeries"}
OTHER_LANGS = ["Spanish", "Korean", "Japanese", "French", "Hindi", "German", "Portuguese", "Turkish", "Italian",
               "Polish", "Thai", "Indonesian", "Danish", "Norwegian", "Tagalog"]
FILES = ["title.basics", "title.akas", "title.crew", "title.episode", "title.principals", "title.ratings",
         "name.basics"]
PLANTED = ("title.basics", "title.episode", "title.ratings")
# Netflix's labels IMDb's primary title lacks: a year, a dubbed version's language, a cut, a country.
LANGUAGE_LABEL = re.compile(r"^(.+) \((Hindi|Tamil|Telugu|Malayalam|Kannada|English)\)$")
OTHER_LABEL = re.compile(r"^(.+) \(([12][0-9]{3}|U\.S\.|Mexico|[^)]*(?:Version|Cut|Undekha))\)$")
SUBTITLES = ["The Movie", "The Return", "Reunion", "Origins", "Behind the Story", "Brazil", "Japan", "Live"]


def _sibling(path: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(Path(path).stem + "_bench", HERE.parent / path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chart_entries(path: Path) -> list:  # type: ignore[type-arg]
    """The file's chart entries as a build makes them: its parser, ENTRY_SQL, chart_records."""
    import duckdb

    from reelradar.resolve.charts import ENTRY_SQL, chart_records
    from reelradar.sources.netflix import parse_file

    rows = parse_file(path).rows  # noqa: F841  (read by the SQL below)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE chart_entry AS SELECT *, {ENTRY_SQL} AS entry FROM rows")
    return chart_records(con)


def _votes(rng: random.Random, popular: bool) -> int | None:
    if rng.random() < 0.03:
        return None
    if popular:
        return max(5, int(rng.lognormvariate(math.log(15_000), 1.5)))
    return 5 + int(5 / (rng.random() + 2e-6) ** 1.05)  # as generate.py's background titles


def catalog_name(name: str) -> tuple[str, int | None, bool]:
    """The name IMDb gives a title Netflix charts as ``name``, the year the name gives, and whether the
    label was a dubbed version's language (the versions are one title)."""
    m = LANGUAGE_LABEL.match(name)
    if m:
        return m.group(1), None, True
    m = OTHER_LABEL.match(name)
    if m:
        return m.group(1), int(m.group(2)) if m.group(2).isdigit() else None, False
    return name, None, False


def plant(records: list, seed: int) -> dict:  # type: ignore[type-arg]
    """Right titles and traps for each entry, with what is true of them."""
    titles: dict[str, dict] = {}
    entries: dict[str, dict] = {}
    versions: dict[tuple[str, str], str] = {}  # (name, kind) -> the right title dubbed versions share
    next_id = iter(range(FIRST_ID, FIRST_ID + 10_000_000))
    dubbed_last = sorted(records, key=lambda r: (bool(LANGUAGE_LABEL.match(r.title)), r.first_charted, r.entry))
    for r in dubbed_last:  # "Major (Hindi)" and "Major (Telugu)" are one film, and the film "Major" if charted
        rng = random.Random(f"{seed}:{r.entry}")
        fy = r.first_charted.year
        name, named_year, dubbed = catalog_name(r.title)
        series = r.kind in ("series", "miniseries")
        first = (r.first_season or 1) if r.kind == "series" else 1
        allowed = 1 + 2 * (first - 1)  # what resolve/charts.py allows a series first charting with season N
        library = rng.random() < LIBRARY_SHARE
        if not library:
            gap = (0 if rng.random() < 0.75 else 1) if first == 1 else rng.randint(first - 1, allowed)
        else:
            gap = allowed + rng.randint(1, 12) if series else rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30])
        if named_year:
            gap = fy - named_year
            library = gap > (1 if r.kind in ("movie", "special") else allowed)
        year = fy - gap
        lang = ("English" if r.english or (r.english is None and rng.random() < 0.5)
                else rng.choice(OTHER_LANGS))
        runtime = r.runtime_min or (rng.randint(25, 60) if series else rng.randint(45, 80) if r.kind == "special"
                                    else rng.randint(85, 140))
        seasons = (r.max_season or 1) + (rng.random() < 0.25) if r.kind == "series" else 1 if series else None
        right = versions.get((name, r.kind)) if dubbed else None
        if right is not None and titles[right]["year"] > fy:
            right = None
        if right is None:
            right = f"tt{next(next_id)}"
            titles[right] = {"role": "right", "entry": r.entry, "name": name, "type": TYPES[r.kind], "year": year,
                             "runtime": runtime, "seasons": seasons, "votes": _votes(rng, True), "language": lang,
                             "file_runtime": r.runtime_min is not None}
            versions.setdefault((name, r.kind), right)
        else:
            if r.runtime_min and not titles[right]["file_runtime"]:  # the version the file gives one for
                titles[right].update(runtime=r.runtime_min, file_runtime=True)
            year = titles[right]["year"]
            gap = fy - year
            library = gap > 1
        entries[r.entry] = {"right": right, "library": library, "gap": gap, "kind": r.kind,
                            "runtime": r.runtime_min is not None, "first_season": first}
        same = "tvSeries" if r.kind == "series" else "tvMiniSeries" if series else "movie"
        traps = [("older", same, year - rng.randint(2, 50), name)
                 for _ in range(rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0])]
        if rng.random() < 0.10:  # a sequel or spin-off that shares the main title
            traps.append(("spin_off", same, rng.randint(year, fy + 1), f"{name}: {rng.choice(SUBTITLES)}"))
        if ": " in name and rng.random() < 0.5:  # the title a spin-off or sequel comes from
            traps.append(("parent", same, year - rng.randint(0, 10), name.split(": ")[0]))
        if rng.random() < 0.10:
            traps.append(("newer", same, fy + rng.randint(1, 2), name))
        if library and rng.random() < 0.15:
            traps.append(("between", same, rng.randint(year + 2, fy), name))
        if rng.random() < 0.03:
            traps.append(("twin", same, year + rng.choice([-1, 0, 1]), name))
        if rng.random() < 0.30:
            traps.append(("short", "short", rng.randint(1960, 2026), name))
        if rng.random() < 0.20:
            traps.append(("tv_movie", "tvMovie", rng.randint(1970, 2026), name))
        if rng.random() < 0.30:
            traps.append(("other_kind", "movie" if series else "tvSeries", year + rng.randint(-10, 3), name))
        for role, typ, y, trap_name in traps:
            is_series = typ in ("tvSeries", "tvMiniSeries")
            rt = None if rng.random() < 0.25 else (
                rng.randint(20, 60) if is_series else rng.randint(5, 40) if typ == "short"
                else rng.randint(75, 100) if typ == "tvMovie" else rng.randint(80, 150))
            titles[f"tt{next(next_id)}"] = {
                "role": role, "entry": r.entry, "name": trap_name, "type": typ, "year": max(1900, min(2030, y)),
                "runtime": rt, "seasons": rng.randint(1, 6) if is_series else None,
                "votes": _votes(rng, rng.random() < 0.25),
                "language": "English" if rng.random() < 0.6 else rng.choice(OTHER_LANGS)}
    return {"entries": entries, "titles": titles, "next_id": next(next_id)}


def _rows(truth: dict, with_right: bool) -> dict[str, list[str]]:
    """The planted lines of title.basics, title.episode and title.ratings, in IMDb's format."""
    out: dict[str, list[str]] = {name: [] for name in PLANTED}
    episodes = iter(range(truth["next_id"], truth["next_id"] + 10_000_000))
    for tid, t in truth["titles"].items():
        if t["role"] == "right" and not with_right:
            continue
        rt = str(t["runtime"]) if t["runtime"] else "\\N"
        out["title.basics"].append(f"{tid}\t{t['type']}\t{t['name']}\t{t['name']}\t0\t{t['year']}\t\\N\t{rt}\tDrama")
        if t["votes"] is not None:
            out["title.ratings"].append(f"{tid}\t7.0\t{t['votes']}")
        for s in range(1, (t["seasons"] or 0) + 1):
            eid = f"tt{next(episodes)}"
            out["title.basics"].append(f"{eid}\ttvEpisode\tEpisode #{s}.1\tEpisode #{s}.1\t0\t{t['year'] + s - 1}"
                                       "\t\\N\t45\tDrama")
            out["title.episode"].append(f"{eid}\t{tid}\t{s}\t1")
    return out


def generate(out: Path, scale: float, seed: int, file: Path, timeout: float) -> None:
    imdb_gen, imdb_bench = _sibling("imdb/generate.py"), _sibling("imdb/bench.py")
    out.mkdir(parents=True, exist_ok=True)
    background = out / "background"
    if not all((background / f"{n}.tsv.gz").exists() for n in FILES):
        imdb_gen.generate(scale, background)
    records = chart_entries(file)
    truth = {"file": str(file), "scale": scale, "seed": seed, "library_share": LIBRARY_SHARE, **plant(records, seed)}
    (out / "truth.json").write_text(json.dumps(truth))
    builds = {}
    for name, with_right in (("full", True), ("traps", False)):
        folder = out / f"imdb-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        lines = _rows(truth, with_right)
        for n in FILES:
            target = folder / f"{n}.tsv.gz"
            if n not in PLANTED:
                target.symlink_to((background / f"{n}.tsv.gz").resolve())
                continue
            shutil.copyfile(background / f"{n}.tsv.gz", target)
            with gzip.open(target, "ab") as f:  # a second gzip member: read as one file
                f.write(("\n".join(lines[n]) + "\n").encode())
        shutil.rmtree(out / name, ignore_errors=True)
        r = imdb_bench.run(imdb_bench.peak_wrapper([sys.executable, "-m", "reelradar", "--data-dir", str(out / name),
                                                    "update", "imdb", "--from", str(folder)]), timeout=timeout)
        r.pop("_usage")
        builds[name] = {"status": r["status"], "wall_s": r["wall_s"], "peak_mib": imdb_bench.peak_mib(r["err"])}
        print(f"{name}: built in {r['wall_s']:.0f} s, peak {builds[name]['peak_mib']} MiB (status {r['status']})",
              flush=True)
        if r["status"] != 0:
            sys.exit(r["err"])
    (out / "build.json").write_text(json.dumps(builds))
    n_traps = Counter(t["role"] for t in truth["titles"].values())
    print(f"{len(records):,} entries; planted {dict(n_traps)}")


def old_rule(con, records: list) -> dict[str, str]:  # type: ignore[no-untyped-def,type-arg]
    """The rule charts used before (catalog/charts_store.py until ca26e1f): the exact normalised name
    within the kind group, and exactly one catalog title of it of no later year than it first charted."""
    import pyarrow as pa

    from reelradar.catalog.search import NORMALIZED_SQL

    fam = ("CASE WHEN {k} IN ('movie', 'tv_movie', 'short') THEN 'film' "
           "WHEN {k} IN ('series', 'miniseries') THEN 'series' ELSE {k} END")
    want = pa.table({"entry": [r.entry for r in records], "name": [r.title for r in records],
                     "kind": [r.kind for r in records], "fy": [r.first_charted.year for r in records]})
    con.register("_want", want)
    rows = con.execute(f"""
        WITH w AS (SELECT entry, {NORMALIZED_SQL.format(col="name")} AS n, {fam.format(k="kind")} AS fam, fy
                   FROM _want),
             t AS (SELECT id, {NORMALIZED_SQL.format(col="title")} AS n, {fam.format(k="kind")} AS fam, year
                   FROM title WHERE kind NOT IN ('season', 'episode') AND NOT starts_with(id, 'netflix:'))
        SELECT w.entry, any_value(t.id) FROM w JOIN t ON t.n = w.n AND t.fam = w.fam AND (t.year IS NULL OR t.year <= w.fy)
        GROUP BY 1 HAVING count(*) = 1""").fetchall()
    con.unregister("_want")
    return dict(rows)


def resolve(catalog: Path, file: Path) -> None:
    """One catalog, in its own process: prints one JSON line (timings, memory, every entry's match)."""
    from reelradar.catalog.db import open_catalog
    from reelradar.resolve.candidates import GrowingIndex
    from reelradar.resolve.charts import ChartResolver

    t0 = time.perf_counter()
    records = chart_entries(file)
    con = open_catalog(catalog)
    t1 = time.perf_counter()
    resolver = ChartResolver(con)
    resolver.prepare_all(records)
    t2 = time.perf_counter()
    found = {}
    for r in records:
        m = resolver.match(r)
        found[r.entry] = [str(m.verdict), m.title_id, m.reason[:200], fits_every_fact(m)]
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    index = resolver.index
    print(json.dumps({
        "entries": len(records), "records_s": round(t1 - t0, 1), "index_s": round(t2 - t1, 1),
        "match_s": round(t3 - t2, 1), "resolve_s": round(t3 - t1, 1), "peak_mib": peak,
        "index": type(index).__name__, "catalog_titles": len(index),
        "indexed_titles": len(index.sub) if isinstance(index, GrowingIndex) else len(index),
        "found": found, "old": old_rule(con, records)}))


def fits_every_fact(m) -> bool:  # type: ignore[no-untyped-def]
    """Whether the matched title agrees with everything the chart gives (name, kind, age, runtime,
    seasons, language): a wrong strong link to such a title is one no evidence in the file tells apart."""
    from reelradar.resolve.distance import SPACING

    allowed = {"title": SPACING, "runtime": 0.1}
    return all(c.penalty <= allowed.get(c.name, 0.0) for c in m.components)


def set_languages(catalog: Path, truth: dict, on: bool) -> None:
    import duckdb
    import pyarrow as pa

    ids = sorted(truth["titles"])
    langs = [[truth["titles"][i]["language"]] if on else None for i in ids]
    con = duckdb.connect(str(catalog))
    con.register("_langs", pa.table({"id": ids, "languages": pa.array(langs, pa.list_(pa.string()))}))
    con.execute("UPDATE title SET languages = l.languages FROM _langs l WHERE title.id = l.id")
    con.close()


def case_of(e: dict) -> str:
    if e["kind"] in ("movie", "special"):
        kind = "film" if e["kind"] == "movie" else "TV special"
        return f"{kind}, {'runtime' if e['runtime'] else 'no runtime'}, {'library' if e['library'] else 'fresh'}"
    season = "season 1" if e["first_season"] == 1 else "later season"
    return f"{e['kind']}, {season}, {'library' if e['library'] else 'fresh'}"


def score(truth: dict, out: dict) -> dict:
    """Per case: entries, strong right/wrong, medium right/wrong, none; the old rule's right/wrong."""
    cases: dict[str, Counter] = {}
    wrong_strong: Counter = Counter()
    examples: list[str] = []
    for entry, e in truth["entries"].items():
        verdict, tid, reason, fits = out["found"][entry]
        right = tid == e["right"]
        c = cases.setdefault(case_of(e), Counter())
        c["entries"] += 1
        c[verdict if verdict == "none" else f"{verdict} {'right' if right else 'wrong'}"] += 1
        old = out["old"].get(entry)
        if old:
            c[f"old {'right' if old == e['right'] else 'wrong'}"] += 1
        if verdict == "strong" and not right:
            role = truth["titles"].get(tid, {}).get("role", "background")
            wrong_strong[f"{role}, {'fits every fact' if fits else 'told apart'}"] += 1
            c["strong wrong, told apart"] += not fits
            if len(examples) < 12:
                t = truth["titles"].get(tid, {})
                examples.append(f"{entry} -> {tid} ({role}, {t.get('type')} {t.get('year')}): {reason}")
    return {"cases": {k: dict(v) for k, v in sorted(cases.items())}, "wrong_strong_to": dict(wrong_strong),
            "wrong_examples": examples}


def totals(cases: dict, pick=lambda case: True) -> dict:  # type: ignore[no-untyped-def]
    c: Counter = Counter()
    for case, counts in cases.items():
        if pick(case):
            c.update(counts)
    n = c["entries"] or 1
    strong = c["strong right"] + c["strong wrong"]
    old = c["old right"] + c["old wrong"]
    return {"entries": c["entries"], "strong": strong, "strong_wrong": c["strong wrong"],
            "strong_wrong_told_apart": c["strong wrong, told apart"],
            "strong_precision": c["strong right"] / strong if strong else None,
            "recall_strong": c["strong right"] / n, "recall_strong_medium": (c["strong right"] + c["medium right"]) / n,
            "old_links": old, "old_precision": c["old right"] / old if old else None, "old_recall": c["old right"] / n}


def run(data: Path, languages: bool, as_json: bool) -> None:
    truth = json.loads((data / "truth.json").read_text())
    report: dict = {"scale": truth["scale"], "languages": languages,
                    "build": json.loads((data / "build.json").read_text())}
    for name in ("full", "traps"):
        catalog = data / name / "catalog.duckdb"
        set_languages(catalog, truth, languages)
        done = subprocess.run([sys.executable, __file__, "resolve", str(catalog), truth["file"]],
                              capture_output=True, text=True, check=True)
        out = json.loads(done.stdout.strip().splitlines()[-1])
        report[name] = {k: v for k, v in out.items() if k not in ("found", "old")}
        if name == "full":
            s = score(truth, out)
            cases = s.pop("cases")
            report[name].update(s, cases=cases, all=totals(cases),
                                runtime=totals(cases, lambda k: ", runtime," in k),
                                no_runtime=totals(cases, lambda k: ", runtime," not in k),
                                fresh=totals(cases, lambda k: k.endswith("fresh")),
                                library=totals(cases, lambda k: k.endswith("library")),
                                runtime_fresh=totals(cases, lambda k: ", runtime," in k and k.endswith("fresh")),
                                no_runtime_fresh=totals(cases, lambda k: ", runtime," not in k and k.endswith("fresh")))
        else:
            verdicts: Counter = Counter()
            for verdict, tid, _reason, fits in out["found"].values():
                role = truth["titles"].get(tid, {}).get("role", "background") if tid else ""
                how = (" (fits every fact)" if fits else " (told apart)") if verdict == "strong" else ""
                verdicts[f"{verdict} {role}{how}".strip()] += 1
            report[name]["strong_told_apart"] = sum(n for k, n in verdicts.items() if k.endswith("(told apart)"))
            report[name]["strong"] = sum(n for k, n in verdicts.items() if k.startswith("strong"))
            report[name]["verdicts"] = dict(verdicts)
            report[name]["old_links"] = len(out["old"])
    print(json.dumps(report, indent=1) if as_json else summary(report))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def summary(rep: dict) -> str:
    full, traps = rep["full"], rep["traps"]
    lines = [(f"scale {rep['scale']}, languages {'on' if rep['languages'] else 'off'}; "
              f"{full['catalog_titles']:,} titles ({full['index']}, {full['indexed_titles']:,} indexed)"),
             (f"full: index {full['index_s']} s, match {full['match_s']} s, resolve {full['resolve_s']} s, "
              f"peak {full['peak_mib']} MiB; traps: resolve {traps['resolve_s']} s, peak {traps['peak_mib']} MiB"),
             "", ("| set | entries | strong prec. | recall strong | recall strong+medium | old prec. "
                  "| old recall |"),
             "|---|---:|---:|---:|---:|---:|---:|"]
    for key in ("all", "runtime", "no_runtime", "runtime_fresh", "no_runtime_fresh", "fresh", "library"):
        t = full[key]
        lines.append(f"| {key} | {t['entries']} | {_pct(t['strong_precision'])} ({t['strong_wrong']} wrong, "
                     f"{t['strong_wrong_told_apart']} told apart) | "
                     f"{_pct(t['recall_strong'])} | {_pct(t['recall_strong_medium'])} | "
                     f"{_pct(t['old_precision'])} | {_pct(t['old_recall'])} |")
    cols = ["entries", "strong right", "strong wrong", "strong wrong, told apart", "medium right", "medium wrong", "none", "old right",
            "old wrong"]
    lines += ["", "| case | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [f"| {case} | " + " | ".join(str(c.get(k, 0)) for k in cols) + " |" for case, c in full["cases"].items()]
    lines += ["", f"wrong strong links, to: {full['wrong_strong_to']}", *full["wrong_examples"],
              "", (f"traps-only catalog: {traps['strong']} strong links, {traps['strong_told_apart']} of them to a "
                   f"title some fact of the chart tells apart; old rule links {traps['old_links']}"),
              f"verdicts: {dict(sorted(traps['verdicts'].items(), key=lambda kv: -kv[1]))}"]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--file", type=Path, default=GLOBAL_FILE)
    g.add_argument("--timeout", type=float, default=7200)
    r = sub.add_parser("run")
    r.add_argument("data", type=Path)
    r.add_argument("--languages", action="store_true")
    r.add_argument("--json", action="store_true")
    w = sub.add_parser("resolve", help="(internal) one catalog in its own process")
    w.add_argument("catalog", type=Path)
    w.add_argument("file", type=Path)
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.out, a.scale, a.seed, a.file, a.timeout)
    elif a.cmd == "run":
        run(a.data, a.languages, a.json)
    else:
        resolve(a.catalog, a.file)


if __name__ == "__main__":
    main()
