"""Writes ratings.csv and links.csv here: a small, made-up MovieLens-format dataset (no MovieLens rows).

40 users with one favourite genre each rate films of the demo catalog (IMDb ids from its CC0 Wikidata
film set): mostly their genre, a few others; ratings 0.5-5 in halves, times increasing per user.
Run: python tests/data/movielens/generate.py (deterministic).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
# Demo-catalog films by genre (IMDb ids), chosen by hand from the bokeh-sampledata Wikidata film set.
FILMS = {
    "Horror": ["tt0070047", "tt0081505", "tt0078748", "tt0084787", "tt0087800", "tt0117571", "tt0120082",
               "tt0054215", "tt0063522", "tt0103874", "tt0091064", "tt0083907", "tt0089885", "tt0077651"],
    "Animation": ["tt0114709", "tt0120363", "tt0435761", "tt0198781", "tt0266543", "tt0317219", "tt0382932",
                  "tt0910970", "tt1049413", "tt0126029", "tt0892769", "tt0245429", "tt0347149", "tt0096283"],
    "Western": ["tt0060196", "tt0064116", "tt0105695", "tt0068699", "tt0065126", "tt0071230", "tt0075029",
                "tt0088172", "tt0110361", "tt0116996", "tt0381849", "tt1403865", "tt0044706", "tt0049730"],
}


def main() -> None:
    rng = np.random.default_rng(2024)
    films = [f for group in FILMS.values() for f in group]
    movie_id = {f: 100 + k for k, f in enumerate(films)}
    genres = list(FILMS)
    rows = []
    for user in range(1, 41):
        genre = genres[user % len(genres)]
        own = rng.choice(FILMS[genre], size=10, replace=False).tolist()
        others = rng.choice([f for f in films if f not in FILMS[genre]], size=3, replace=False).tolist()
        when = 1_500_000_000 + user * 10_000
        for f in rng.permutation(own + others).tolist():
            base = 4.0 if f in own else 2.5
            rating = float(np.clip(np.round((base + rng.normal(0, 0.7)) * 2) / 2, 0.5, 5.0))
            when += int(rng.integers(60, 86_400))
            rows.append((user, movie_id[f], rating, when))
    with (HERE / "ratings.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["userId", "movieId", "rating", "timestamp"])
        w.writerows(rows)
    with (HERE / "links.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["movieId", "imdbId", "tmdbId"])
        for f, m in movie_id.items():
            w.writerow([m, f[2:], ""])


if __name__ == "__main__":
    main()
