"""Generate synthetic IMDb dataset files in IMDb's exact format at a stated scale.

Scale 1.0 is the real size (2026): title.basics 12M rows, title.akas 53M, title.crew 12M,
title.episode 9M, title.principals 95M, title.ratings 1.6M, name.basics 14.5M. The mixes follow the
real files: three titles in four are episodes (many named "Episode #1.2"), title types in their real
shares, heavy-tailed vote counts, people credited in a heavy-tailed way, titles with quotes and
non-ASCII letters, JSON-array characters with escaped quotes, a few duplicate rows in name.basics.
Rows are deterministic (hashes of the row number, no random state) and sorted by id as IMDb's are.

    python benchmarks/imdb/generate.py --scale 0.1 --out /tmp/imdb-0.1
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

REAL_ROWS = {
    "title.basics": 12_000_000, "title.akas": 53_000_000, "title.crew": 12_000_000,
    "title.episode": 9_000_000, "title.principals": 95_000_000, "title.ratings": 1_600_000,
    "name.basics": 14_500_000,
}

WORDS = ["Love", "Night", "City", "Dark", "Last", "Return", "Secret", "House", "Blood", "Man", "Woman", "Story",
         "Life", "Death", "King", "Girl", "Boy", "World", "Time", "War", "Summer", "Winter", "Road", "River",
         "Heart", "Dream", "Fire", "Ice", "Harbor", "Detective", "Ballard", "Office", "Signal", "Shadow", "Moon",
         "Sun", "Star", "Ghost", "Family", "Murder", "Island", "Street", "Paris", "Tokyo", "Berlin", "Mother",
         "Father", "Brother", "Sister", "Angel", "Devil", "Queen", "Prince", "Empire", "Legend", "Hunter",
         "Café", "Amélie", "Müller", "Straße", "Señor", "Niño", "Être", "Ça", "São", "Łódź", "Ночь", "Город",
         "Любовь", "東京", "夜", "愛", "사랑", "Ἀθῆναι", "Dünya", "Çiçek", "Fête", "Noël", "Zoë", "Björk"]
AKA_WORDS = ["Die", "Der", "La", "Le", "El", "Il", "Una", "Ein", "Les", "Los", "Nacht", "Noche", "Nuit",
             "Liebe", "Amor", "Amour", "Stadt", "Ciudad", "Ville", "Tod", "Muerte", "Mort", "Geheimnis",
             "Secreto", "Secret", "Haus", "Casa", "Maison", "Épisode", "Folge", "Episodio", "Jäger", "Cazador"]
FIRST = ["John", "Mary", "José", "Zoë", "Jürgen", "François", "Søren", "Åsa", "Łukasz", "Ngozi", "Yuki",
         "Hiroshi", "Olga", "Ivan", "Ana", "Li", "Wei", "Fatima", "Omar", "Renée", "Chloé", "Maggie", "Tom",
         "Dana", "Pat", "Alex", "Sam", "Иван", "Мария", "さくら"]
LAST = ["Smith", "García", "Müller", "Dubois", "Rossi", "Kowalski", "Ivanova", "Tanaka", "Kim", "Nguyen",
        "O'Brien", "D'Angelo", "Ålvik", "Øster", "Novák", "Yılmaz", "Papadopoulos", "Silva", "Quill",
        "Reyes", "Conroy", "Иванов", "Петрова", "山田", "Brown", "Lee", "Jones", "Martin", "Bernard", "Kane"]
SYLLABLES = ["ka", "lo", "mi", "ran", "te", "vo", "shi", "bel", "dor", "an", "ri", "sa", "tur", "el", "no",
             "gra", "fen", "ul", "pa", "zin", "mo", "ret", "ha", "qui", "ste", "lan", "bo", "vik", "ta", "or"]
GENRES = ["Drama", "Comedy", "Documentary", "Talk-Show", "Reality-TV", "Crime", "Action", "Romance",
          "Family", "Animation", "Adventure", "Music", "Thriller", "Horror", "News", "Game-Show", "Mystery",
          "Fantasy", "Sci-Fi", "Biography", "History", "Sport", "Short", "Adult", "War", "Western", "Musical"]
REGIONS = ["US", "GB", "DE", "FR", "ES", "IT", "JP", "IN", "BR", "MX", "CA", "AU", "RU", "XWW", "SE", "TR",
           "KR", "PL", "NL", "GR", "PT", "AR", "CN", "HU"]
LANGS = ["en", "de", "fr", "es", "ja", "hi", "pt", "ru", "it", "tr", "sv", "ko", "pl", "nl"]
# (titleType, share of non-episode titles) -- real shares; tvEpisode is 75% of all titles on top.
TYPES = [("short", 0.31), ("movie", 0.24), ("video", 0.10), ("tvSeries", 0.10), ("tvMovie", 0.055),
         ("tvMiniSeries", 0.025), ("tvSpecial", 0.018), ("videoGame", 0.015), ("tvShort", 0.004),
         ("tvPilot", 0.0002), ("movie", 0.1328)]
CATEGORIES = [("actor", 0.28), ("actress", 0.19), ("self", 0.14), ("director", 0.07), ("writer", 0.09),
              ("producer", 0.08), ("composer", 0.03), ("cinematographer", 0.03), ("editor", 0.03),
              ("production_designer", 0.01), ("archive_footage", 0.02), ("casting_director", 0.01),
              ("archive_sound", 0.002)]


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _cases(u: str, pairs: list[tuple[str, float]]) -> str:
    total = sum(p for _, p in pairs)
    acc, parts = 0.0, []
    for value, p in pairs[:-1]:
        acc += p / total
        parts.append(f"WHEN {u} < {acc:.6f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{pairs[-1][0]}' END"


def setup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE MACRO pick(lst, i, salt) AS lst[(hash(i, salt) % len(lst))::INTEGER + 1]")
    con.execute("CREATE MACRO u(i, salt) AS (hash(i, salt) % 1000003) / 1000003.0")
    con.execute("CREATE MACRO tid(n) AS 'tt' || lpad(n::VARCHAR, CASE WHEN n >= 10000000 THEN 8 ELSE 7 END, '0')")
    con.execute("CREATE MACRO nid(n) AS 'nm' || lpad(n::VARCHAR, CASE WHEN n >= 10000000 THEN 8 ELSE 7 END, '0')")
    con.execute(f"CREATE MACRO words0() AS {_list(WORDS)}")
    # A long-tailed vocabulary as in real titles: made-up words of two or three syllables, the first
    # few very common and most rare, mixed with real words (accents, other scripts) a third of the time.
    con.execute(f"CREATE MACRO syl() AS {_list(SYLLABLES)}")
    con.execute("""CREATE MACRO made_word(k) AS
        upper(syl()[(k % 30)::INTEGER + 1][1]) || syl()[(k % 30)::INTEGER + 1][2:] || syl()[((k // 30) % 30)::INTEGER + 1]
        || CASE WHEN k >= 900 THEN syl()[((k // 900) % 30)::INTEGER + 1] ELSE '' END
        || CASE WHEN k >= 27000 THEN syl()[((k // 27000) % 30)::INTEGER + 1] ELSE '' END""")
    con.execute("""CREATE MACRO pick_word(i, salt) AS CASE WHEN u(i, salt + 1000) < 0.33 THEN pick(words0(), i, salt)
        ELSE made_word(floor(200000 * pow(u(i, salt), 2.2))::BIGINT) END""")
    con.execute(f"CREATE MACRO aka_words() AS {_list(AKA_WORDS)}")


def copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    con.execute(f"COPY ({sql}) TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER, QUOTE '', ESCAPE '', "
                "NULLSTR '\\N', COMPRESSION gzip)")


def generate(scale: float, out: Path, threads: int | None = None) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    n = {k: max(20, int(v * scale)) for k, v in REAL_ROWS.items()}
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = true")  # files sorted by id, as IMDb's are
    setup(con)
    nt, nn = n["title.basics"], n["name.basics"]
    # Titles 0..nt-1; non-episodes are every 4th title (so 75% are episodes), with the real type mix.
    # Series are the non-episodes whose type is tvSeries/tvMiniSeries; episodes pick one by a heavy tail.
    con.execute(f"""CREATE TABLE t AS
        SELECT i, tid(i + 1) AS tconst,
               CASE WHEN i % 4 = 0 THEN {_cases("u(i, 1)", TYPES)} ELSE 'tvEpisode' END AS typ
        FROM range({nt}) r(i)""")
    con.execute("CREATE TABLE series AS SELECT row_number() OVER (ORDER BY i) - 1 AS k, i, tconst FROM t "
                "WHERE typ IN ('tvSeries', 'tvMiniSeries')")
    ns = con.execute("SELECT count(*) FROM series").fetchone()[0]
    timings: dict[str, float] = {}

    def run(name: str, sql: str) -> None:
        started = time.perf_counter()
        copy(con, sql, out / f"{name}.tsv.gz")
        timings[name] = time.perf_counter() - started
        print(f"{name}: {n.get(name, 0):,} rows in {timings[name]:.1f} s", flush=True)

    title_expr = """CASE
        WHEN typ = 'tvEpisode' AND u(i, 2) < 0.45 THEN 'Episode #' || (1 + hash(i, 3) % 12) || '.' || (1 + hash(i, 4) % 24)
        WHEN typ = 'tvEpisode' AND u(i, 2) < 0.55 THEN 'Episode dated ' || (1 + hash(i, 5) % 28) || ' ' ||
             pick(['January','March','May','July','September','November'], i, 6) || ' ' || (1950 + hash(i, 7) % 76)
        WHEN u(i, 8) < 0.01 THEN 'The "' || pick_word(i, 9) || '" ' || pick_word(i, 10)
        WHEN u(i, 8) < 0.35 THEN 'The ' || pick_word(i, 9) || ' ' || pick_word(i, 10)
        WHEN u(i, 8) < 0.70 THEN pick_word(i, 9) || ' ' || pick_word(i, 11) || ' ' || (i % 997)
        ELSE pick_word(i, 9) || ' of ' || pick_word(i, 12) || CASE WHEN u(i, 13) < 0.3 THEN ' ' || (i % 89) ELSE '' END
        END"""
    run("title.basics", f"""
        SELECT tconst, typ AS titleType, {title_expr} AS primaryTitle,
               CASE WHEN u(i, 14) < 0.08 THEN pick(aka_words(), i, 15) || ' ' || pick_word(i, 16) ELSE {title_expr} END AS originalTitle,
               CASE WHEN u(i, 17) < 0.025 THEN 1 ELSE 0 END AS isAdult,
               CASE WHEN u(i, 18) < 0.08 THEN NULL ELSE 2026 - least(135, floor(-ln(1 - u(i, 19)) * 22))::INTEGER END AS startYear,
               CASE WHEN typ IN ('tvSeries', 'tvMiniSeries') AND u(i, 20) < 0.6 THEN 2026 - floor(u(i, 21) * 20)::INTEGER END AS endYear,
               CASE WHEN u(i, 22) < 0.6 THEN NULL ELSE 5 + hash(i, 23) % 150 END AS runtimeMinutes,
               CASE WHEN u(i, 24) < 0.05 THEN NULL WHEN u(i, 25) < 0.5 THEN pick({_list(GENRES)}, i, 26)
                    ELSE pick({_list(GENRES)}, i, 26) || ',' || pick({_list(GENRES[:8])}, i, 27) END AS genres
        FROM t ORDER BY i""")
    run("title.episode", f"""
        SELECT t.tconst, s.tconst AS parentTconst,
               CASE WHEN u(t.i, 31) < 0.2 THEN NULL ELSE 1 + hash(t.i, 32) % 8 END AS seasonNumber,
               CASE WHEN u(t.i, 31) < 0.2 THEN NULL ELSE 1 + hash(t.i, 33) % 24 END AS episodeNumber
        FROM t JOIN series s ON s.k = least({ns} - 1, floor({ns} * pow(u(t.i, 30), 2.5)))::BIGINT
        WHERE t.typ = 'tvEpisode' ORDER BY t.i""")
    aka_per_title = n["title.akas"] / nt
    run("title.akas", f"""
        WITH a AS (
          SELECT i, typ, unnest(range(1, 1 + (CASE WHEN typ = 'tvEpisode' THEN {aka_per_title * 0.62:.4f}
                                              ELSE {aka_per_title * 1.7:.4f} END * 2 * u(i, 40) + 0.5)::INTEGER)) AS o
          FROM t)
        SELECT tid(i + 1) AS titleId, o AS ordering,
               CASE WHEN u(i * 64 + o, 41) < 0.45 THEN {title_expr}
                    WHEN u(i * 64 + o, 41) < 0.7 THEN pick(aka_words(), i * 64 + o, 42) || ' ' || pick_word(i, 9) || ' ' || pick(aka_words(), i, 43)
                    ELSE pick(aka_words(), i * 64 + o, 42) || ' ' || pick_word(i * 64 + o, 44) END AS title,
               CASE WHEN u(i * 64 + o, 45) < 0.1 THEN NULL ELSE pick({_list(REGIONS)}, i * 64 + o, 46) END AS region,
               CASE WHEN u(i * 64 + o, 47) < 0.7 THEN NULL ELSE pick({_list(LANGS)}, i * 64 + o, 48) END AS language,
               CASE WHEN o = 1 THEN 'original' WHEN u(i * 64 + o, 49) < 0.5 THEN 'imdbDisplay' ELSE NULL END AS types,
               CASE WHEN u(i * 64 + o, 50) < 0.03 THEN 'literal English title' END AS attributes,
               CASE WHEN o = 1 THEN 1 ELSE 0 END AS isOriginalTitle
        FROM a ORDER BY i, o""")
    def people(key: str, salt: int) -> str:
        # a heavy tail: a few people are credited very often, most once or twice
        return f"nid(1 + least({nn} - 1, floor({nn} * pow(u({key}, {salt}), 3)))::BIGINT)"

    run("title.crew", f"""
        SELECT tconst,
               CASE WHEN u(i, 51) < 0.4 THEN NULL WHEN u(i, 52) < 0.85 THEN {people('i', 53)}
                    ELSE {people('i', 53)} || ',' || {people('i', 54)} END AS directors,
               CASE WHEN u(i, 55) < 0.5 THEN NULL WHEN u(i, 56) < 0.7 THEN {people('i', 57)}
                    ELSE {people('i', 57)} || ',' || {people('i', 58)} END AS writers
        FROM t ORDER BY i""")
    per_title = n["title.principals"] / nt
    cat = _cases("u(i * 97 + o, 61)", CATEGORIES)
    run("title.principals", f"""
        WITH p AS (SELECT i, typ, unnest(range(1, 1 + floor(u(i, 60) * {2 * per_title:.4f} + 0.5)::INTEGER)) AS o FROM t),
             c AS (SELECT i, o, {cat} AS category FROM p)
        SELECT tid(i + 1) AS tconst, o AS ordering, {people('i * 97 + o', 62)} AS nconst, category,
               CASE WHEN category IN ('writer', 'producer') AND u(i * 97 + o, 63) < 0.6
                    THEN pick(['screenplay', 'story', 'novel', 'producer', 'executive producer', 'created by'], i * 97 + o, 64) END AS job,
               CASE WHEN category IN ('actor', 'actress', 'self') THEN
                    CASE WHEN category = 'self' THEN '["Self"]'
                         WHEN u(i * 97 + o, 65) < 0.01 THEN '["' || pick({_list(FIRST)}, i * 97 + o, 66) || ' \\"' || pick_word(i, 67) || '\\" ' || pick({_list(LAST)}, i * 97 + o, 68) || '"]'
                         WHEN u(i * 97 + o, 65) < 0.1 THEN '["' || pick({_list(FIRST)}, i * 97 + o, 66) || '","Narrator"]'
                         ELSE '["' || pick({_list(FIRST)}, i * 97 + o, 66) || ' ' || pick({_list(LAST)}, i * 97 + o, 68) || '"]' END
                    END AS characters
        FROM c ORDER BY i, o""")
    share = n["title.ratings"] / nt
    run("title.ratings", f"""
        SELECT tconst, round(greatest(1.0, least(10.0, 6.6 + 1.3 * sqrt(-2 * ln(u(i, 71) + 1e-9)) * cos(6.2831853 * u(i, 72)))), 1) AS averageRating,
               (5 + floor(5 / pow(u(i, 73) + 2e-6, 1.05)))::BIGINT AS numVotes
        FROM t WHERE u(i, 70) < {share:.6f} * CASE WHEN typ = 'tvEpisode' THEN 0.45 ELSE 2.65 END
        ORDER BY i""")
    run("name.basics", f"""
        WITH p AS (SELECT i FROM range({nn}) r(i)
                   UNION ALL SELECT i FROM range(0, {nn}, 200000) r(i))  -- IMDb ships a few duplicate rows
        SELECT nid(i + 1) AS nconst, pick({_list(FIRST)}, i, 81) || ' ' || pick({_list(LAST)}, i, 82) AS primaryName,
               CASE WHEN u(i, 83) < 0.9 THEN NULL ELSE 1900 + hash(i, 84) % 110 END AS birthYear,
               CASE WHEN u(i, 85) < 0.97 THEN NULL ELSE 1950 + hash(i, 86) % 76 END AS deathYear,
               CASE WHEN u(i, 87) < 0.2 THEN NULL ELSE pick(['actor','actress','self','writer','director','producer','composer','editor','miscellaneous','camera_department'], i, 88)
                    || CASE WHEN u(i, 89) < 0.4 THEN ',' || pick(['producer','writer','soundtrack','director'], i, 90) ELSE '' END END AS primaryProfession,
               CASE WHEN u(i, 91) < 0.15 THEN NULL ELSE tid(1 + hash(i, 92) % {nt}) || ',' || tid(1 + hash(i, 93) % {nt}) END AS knownForTitles
        FROM p ORDER BY i""")
    con.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = the real size of IMDb's files")
    parser.add_argument("--out", type=Path, required=True, help="folder for the seven .tsv.gz files")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.scale, args.out, args.threads)
    print(f"scale {args.scale}: generated in {time.perf_counter() - started:.0f} s into {args.out}")


if __name__ == "__main__":
    main()
