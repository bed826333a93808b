"""Write the tiny hand-made IMDb dataset files of the tests (made-up ids, titles, people and numbers,
in IMDb's exact format). Run: python tests/data/imdb/make_files.py"""

from __future__ import annotations

import gzip
from pathlib import Path

N = "\\N"
HERE = Path(__file__).parent

BASICS = [
    ("tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear", "endYear", "runtimeMinutes", "genres"),
    ("tt9000001", "tvSeries", "Ballard", "Ballard", "0", "2025", N, "45", "Crime,Drama,Mystery"),
    ("tt9000002", "tvEpisode", "Ballard", "Ballard", "0", "2019", N, "44", "Crime,Drama"),
    ("tt9000003", "tvSeries", "The Office", "The Office", "0", "2005", "2013", "22", "Comedy"),
    ("tt9000004", "tvSeries", "The Office", "The Office", "0", "2001", "2003", "30", "Comedy"),
    ("tt9000005", "movie", "Amélie", "Le fabuleux destin d'Amélie Poulain", "0", "2001", N, "122", "Comedy,Romance"),
    ("tt9000006", "movie", 'The "Quoted" Heist', 'The "Quoted" Heist', "0", "1999", N, "101", "Crime"),
    ("tt9000007", "tvEpisode", "Episode #1.1", "Episode #1.1", "0", "2025", N, "46", "Crime,Drama"),
    ("tt9000008", "tvEpisode", "Episode #1.2", "Episode #1.2", "0", "2025", N, "43", "Crime,Drama"),
    ("tt9000009", "videoGame", "Harbor Detectives: The Game", "Harbor Detectives: The Game", "0", "2020", N, N, "Action"),
    ("tt9000010", "movie", "Late Night Tapes", "Late Night Tapes", "1", "2004", N, "80", "Adult"),
    ("tt9000011", "tvEpisode", "Pilot", "Pilot", "0", "2018", N, "50", "Crime"),
    ("tt9000012", "tvSeries", "Harbor Detectives", "Harbor Detectives", "0", "2018", "2021", "50", "Crime"),
    ("tt9000013", "short", "Paper Boats", "Papierschiffe", "0", "2016", N, "12", "Animation,Short"),
    ("tt9000014", "tvMovie", "Winter Lights", "Winter Lights", "0", "2010", N, "88", "Drama"),
    ("tt9000015", "tvMiniSeries", "Nocturne City", "Ночной город", "0", "2022", "2022", "55", "Drama,Thriller"),
    ("tt9000016", "tvSpecial", "A Very Harbor Christmas", "A Very Harbor Christmas", "0", "2020", N, "60", "Comedy"),
    ("tt9000017", "video", "Bloopers & Outtakes", "Bloopers & Outtakes", "0", "2006", N, "20", "Comedy"),
    ("tt9000018", "tvShort", "Tōkyō Nights", "東京の夜", "0", "2015", N, "9", "Documentary,Short"),
    ("tt9000019", "movie", "The Quiet Signal", "The Quiet Signal", "0", "2023", N, "97", "Drama,Sci-Fi"),
    ("tt9000020", "movie", "Blockbuster Returns", "Blockbuster Returns", "0", "2023", N, "140", "Action"),
    ("tt9000021", "movie", "Small Harbour", "Small Harbour", "0", "2023", N, "90", "Drama"),
    ("tt9000022", "tvEpisode", "Ballard", "Ballard", "0", "2020", N, "47", "Crime"),
]

# tt9000002 and tt9000022 are episodes named "Ballard" of another series; tt9000007/8 belong to Ballard.
EPISODE = [
    ("tconst", "parentTconst", "seasonNumber", "episodeNumber"),
    ("tt9000002", "tt9000012", "2", "5"),
    ("tt9000007", "tt9000001", "1", "1"),
    ("tt9000008", "tt9000001", "1", "2"),
    ("tt9000011", "tt9000012", "1", "1"),
    ("tt9000022", "tt9000099", N, N),  # its series is not in title.basics
]

AKAS = [
    ("titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"),
    ("tt9000005", "1", "Le fabuleux destin d'Amélie Poulain", N, N, "original", N, "1"),
    ("tt9000005", "2", "Amélie", "US", N, "imdbDisplay", N, "0"),
    ("tt9000005", "3", "Die fabelhafte Welt der Amélie", "DE", N, "imdbDisplay", N, "0"),
    ("tt9000004", "1", "The Office", "GB", N, N, N, "0"),
    ("tt9000003", "1", "The Office", "US", N, N, N, "0"),
    ("tt9000003", "2", "La oficina", "MX", "es", "imdbDisplay", N, "0"),
    ("tt9000006", "1", 'Der "Zitat" Coup', "DE", "de", "imdbDisplay", "literal title", "0"),
    ("tt9000015", "1", "Nocturne City", "US", "en", "imdbDisplay", N, "0"),
    ("tt9000015", "2", "Ночной город", "RU", "ru", "original", N, "1"),
    ("tt9000010", "1", "Late Night Tapes", "US", N, N, N, "0"),
]

CREW = [
    ("tconst", "directors", "writers"),
    ("tt9000001", N, "nm9000003,nm9000004"),
    ("tt9000005", "nm9000005", "nm9000005,nm9000006"),
    ("tt9000006", "nm9000007", N),
    ("tt9000007", "nm9000007", "nm9000003"),
    ("tt9000019", "nm9000008", "nm9000008"),
    ("tt9000009", "nm9000007", N),
]

PRINCIPALS = [
    ("tconst", "ordering", "nconst", "category", "job", "characters"),
    ("tt9000001", "1", "nm9000001", "actress", N, '["Renée Ballard"]'),
    ("tt9000001", "2", "nm9000002", "actor", N, '["Harry Bosch"]'),
    ("tt9000001", "3", "nm9000003", "writer", "created by", N),
    ("tt9000005", "1", "nm9000009", "actress", N, '["Amélie Poulain"]'),
    ("tt9000005", "2", "nm9000005", "director", N, N),
    ("tt9000006", "1", "nm9000010", "actor", N, '["Jack \\"The Ghost\\" Moran","Narrator"]'),
    ("tt9000006", "2", "nm9000007", "director", N, N),
    ("tt9000007", "1", "nm9000001", "actress", N, '["Renée Ballard"]'),
    ("tt9000019", "1", "nm9000011", "self", N, '["Self"]'),
    ("tt9000010", "1", "nm9000012", "actor", N, '["Himself"]'),
]

RATINGS = [
    ("tconst", "averageRating", "numVotes"),
    ("tt9000001", "7.8", "1840"),
    ("tt9000002", "8.1", "95"),
    ("tt9000003", "9.0", "780000"),
    ("tt9000004", "8.5", "140000"),
    ("tt9000005", "8.3", "790000"),
    ("tt9000006", "6.1", "2300"),
    ("tt9000007", "7.5", "410"),
    ("tt9000008", "7.9", "380"),
    ("tt9000010", "5.0", "12"),
    ("tt9000012", "7.0", "5200"),
    ("tt9000013", "7.2", "64"),
    ("tt9000014", "6.4", "950"),
    ("tt9000015", "8.4", "3100"),
    ("tt9000019", "8.6", "2400"),
    ("tt9000020", "6.3", "450000"),
    ("tt9000021", "6.9", "3000"),
    ("tt9000022", "6.0", "20"),
]

NAMES = [
    ("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"),
    ("nm9000001", "Maggie Quill", "1970", N, "actress,producer", "tt9000001,tt9000007"),
    ("nm9000002", "Tomas Reyes", "1965", N, "actor", "tt9000001"),
    ("nm9000003", "Michael Conroy", "1956", N, "writer,producer", "tt9000001"),
    ("nm9000004", "Ana Ortiz-Lund", N, N, "writer", "tt9000001"),
    ("nm9000005", "Jean-Pierre Jouvet", "1953", N, "director,writer", "tt9000005"),
    ("nm9000006", "Guillaume Laurent-Faure", "1961", N, "writer", "tt9000005"),
    ("nm9000007", "Dana Whitfield", "1948", "2019", "director", "tt9000006"),
    ("nm9000008", "Søren Ålvik", "1980", N, "director,writer", "tt9000019"),
    ("nm9000009", "Audrey Tatou-Blanc", "1978", N, "actress", "tt9000005"),
    ("nm9000010", 'Bob "Bobby" Kane', "1960", N, "actor", "tt9000006"),
    ("nm9000011", "Li Wei", N, N, "self", N),
    ("nm9000012", "Pat Doe", N, N, "actor", N),
]


def write(name: str, rows: list[tuple[str, ...]]) -> None:
    text = "".join("\t".join(r) + "\n" for r in rows)
    # mtime=0 and a fixed name keep the files byte-identical run after run
    with open(HERE / name, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(text.encode("utf-8"))


if __name__ == "__main__":
    write("title.basics.tsv.gz", BASICS)
    write("title.episode.tsv.gz", EPISODE)
    write("title.akas.tsv.gz", AKAS)
    write("title.crew.tsv.gz", CREW)
    write("title.principals.tsv.gz", PRINCIPALS)
    write("title.ratings.tsv.gz", RATINGS)
    write("name.basics.tsv.gz", NAMES)
