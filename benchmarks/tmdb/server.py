"""A generated TMDB-like server on 127.0.0.1 for the refresh benchmark.

It serves, for ``--titles`` generated titles (half series, half films), the endpoints reelradar uses,
in TMDB's formats: details with ``append_to_response`` (credits, keywords, external ids, watch
providers in three countries), trending, change lists, and the daily gzip id exports. ``GET
/control/day?n=2`` moves it to day 2, on which ``--changed`` of the titles (1% by default) have new
details and offers and are named in the change lists. ``GET /control/stats`` returns request counts.

Run: ``python server.py --titles 5000`` (prints the port on its first line).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = "bench-key-0000"
DAY1 = date(2026, 11, 20)
PROVIDERS = ["Netflix", "Amazon Prime Video", "Disney Plus", "Max", "Hulu", "Apple TV", "Google Play Movies",
             "Tubi TV", "Pluto TV", "Paramount Plus"]
TYPES = ["flatrate", "flatrate", "rent", "buy", "ads", "free"]


class World:
    def __init__(self, titles: int, changed: float, seed: int = 7) -> None:
        self.keys = [("tv" if i % 2 else "movie", 100000 + i) for i in range(titles)]
        rnd = random.Random(seed)
        self.popularity = {k: round(rnd.paretovariate(1.5), 3) for k in self.keys}
        self.changed = set(rnd.sample(self.keys, max(1, int(len(self.keys) * changed))))
        self.day = 1
        self.requests: dict[str, int] = {}
        self.lock = threading.Lock()

    def version(self, key: tuple[str, int]) -> int:
        return 2 if self.day >= 2 and key in self.changed else 1

    def details(self, kind: str, number: int) -> dict:
        key = (kind, number)
        v = self.version(key)
        rnd = random.Random(number * 10 + v)
        cast = [{"id": 500000 + rnd.randrange(20000), "name": f"Actor {rnd.randrange(20000)}", "order": i,
                 **({"roles": [{"credit_id": f"c{number}{i}", "character": f"Character {i}", "episode_count": 8}],
                     "total_episode_count": 8} if kind == "tv" else {"character": f"Character {i}"})}
                for i in range(12)]
        providers = {}
        for country in ("US", "GB", "DE"):
            entry: dict = {"link": f"https://www.themoviedb.org/{kind}/{number}/watch?locale={country}"}
            for _ in range(rnd.randrange(2, 6)):
                t = rnd.choice(TYPES)
                entry.setdefault(t, []).append({"provider_id": rnd.randrange(1000), "provider_name": rnd.choice(PROVIDERS),
                                                "display_priority": 1, "logo_path": "/x.jpg"})
            providers[country] = entry
        doc = {
            "id": number, "adult": False, "overview": f"Generated overview {number} v{v}.", "popularity": self.popularity[key],
            "genres": [{"id": 18, "name": "Drama"}], "spoken_languages": [{"english_name": "English", "iso_639_1": "en"}],
            "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
            "vote_average": round(5 + rnd.random() * 4, 1), "vote_count": rnd.randrange(10, 5000),
            "external_ids": {"imdb_id": f"tt{number:08d}", "wikidata_id": None},
            "keywords": {("results" if kind == "tv" else "keywords"): [{"id": 1, "name": "generated"}]},
            "watch/providers": {"results": providers},
            "poster_path": "/poster.jpg", "backdrop_path": "/backdrop.jpg",
        }
        if kind == "tv":
            seasons = 1 + number % 6
            doc.update(name=f"Series {number}", original_name=f"Series {number}", first_air_date="2015-03-01",
                       last_air_date="2024-05-01", status="Returning Series" if number % 3 else "Ended",
                       number_of_seasons=seasons, number_of_episodes=seasons * 10, episode_run_time=[45],
                       in_production=bool(number % 3), type="Scripted", origin_country=["US"],
                       next_episode_to_air={"air_date": (DAY1 + timedelta(days=30)).isoformat(), "season_number": seasons + 1,
                                            "episode_number": 1, "name": "Next"} if number % 3 else None,
                       seasons=[{"season_number": s, "episode_count": 10, "air_date": "2015-03-01", "name": f"Season {s}"}
                                for s in range(1, seasons + 1)],
                       networks=[{"id": 1, "name": "Generated Network"}], created_by=[{"id": 1, "name": "Creator"}],
                       aggregate_credits={"cast": cast, "crew": []})
        else:
            doc.update(title=f"Film {number}", original_title=f"Film {number}", release_date="2019-06-01", runtime=100,
                       status="Released", imdb_id=f"tt{number:08d}",
                       credits={"cast": cast, "crew": [{"id": 1, "name": "Director", "job": "Director"}]})
        return doc

    def export(self, stem: str) -> bytes:
        kind = "movie" if stem == "movie_ids" else "tv"
        lines = [json.dumps({"id": n, "popularity": self.popularity[(k, n)], **({"adult": False} if k == "movie" else {})})
                 for k, n in self.keys if k == kind]
        return gzip.compress("\n".join(lines).encode(), compresslevel=1)

    def today(self) -> date:
        return DAY1 + timedelta(days=self.day - 1)


def handler_for(world: World) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def reply(self, status: int, body: bytes, ctype: str = "application/json;charset=utf-8") -> None:
            # one write for headers and body: no delayed-ACK stall between two small writes
            head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            self.wfile.write(head + body)
            self.wfile.flush()

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            q = parse_qs(url.query)
            kind = url.path.split("/")[2] if url.path.startswith("/3/") else url.path.split("/")[1]
            with world.lock:
                world.requests[kind] = world.requests.get(kind, 0) + 1
            if url.path == "/control/day":
                world.day = int(q["n"][0])
                return self.reply(200, b"{}")
            if url.path == "/control/stats":
                return self.reply(200, json.dumps(world.requests).encode())
            if url.path.startswith("/p/exports/"):
                name = url.path.rsplit("/", 1)[1]
                for stem in ("movie_ids", "tv_series_ids"):
                    if name == f"{stem}_{world.today().strftime('%m_%d_%Y')}.json.gz":
                        return self.reply(200, world.export(stem), "application/octet-stream")
                return self.reply(404, b"")
            if q.get("api_key") != [KEY]:
                return self.reply(401, b'{"status_code":7}')
            parts = url.path.split("/")[2:]
            if parts[:2] == ["trending", "all"]:
                top = sorted(world.keys, key=lambda k: -world.popularity[k])[:20]
                res = [{"id": n, "media_type": k} for k, n in top]
                return self.reply(200, json.dumps({"page": 1, "results": res, "total_pages": 1}).encode())
            if len(parts) == 2 and parts[1] == "changes":
                ids = sorted(n for k, n in world.changed if k == parts[0]) if world.day >= 2 else []
                page = int(q.get("page", ["1"])[0])
                chunk = ids[(page - 1) * 100: page * 100]
                body = {"results": [{"id": n, "adult": False} for n in chunk], "page": page,
                        "total_pages": max(1, -(-len(ids) // 100)), "total_results": len(ids)}
                return self.reply(200, json.dumps(body).encode())
            if len(parts) == 4 and parts[2:] == ["watch", "providers"]:  # the per-title endpoint a plain loop uses
                doc = world.details(parts[0], int(parts[1]))
                return self.reply(200, json.dumps({"id": doc["id"], **doc["watch/providers"]}).encode())
            if len(parts) == 2 and parts[0] in ("tv", "movie") and parts[1].isdigit():
                return self.reply(200, json.dumps(world.details(parts[0], int(parts[1]))).encode())
            return self.reply(404, b'{"status_code":34}')

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--titles", type=int, default=5000)
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    world = World(args.titles, args.changed)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(world))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
