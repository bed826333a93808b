"""Settings: defaults in code, then a TOML file, then ``REELRADAR_*`` environment variables, then flags.

Every key is documented in ``docs/config.md`` (a test checks that the two agree).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from reelradar.errors import BadInput
from reelradar.validate import is_country_code

APP = "reelradar"
# The notices `reelradar notify` can look for (story/notify.py builds each).
NOTICE_RULES = ("arrived", "season", "breakout", "leaving")


# The modes a saved list may use: those of `reelradar picks` (analytics/picks.py MODES; a test holds the
# two equal, as picks imports this module and cannot be imported by it).
ListMode = Literal["radar", "top", "hot"]
LIST_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # a list's name is part of its URL
LIST_MAX = 1000  # most titles in one saved list: the lists feed media tools, not a catalog dump


class ListDefinition(BaseModel):
    """A saved query of ``[lists.NAME]``: the picks of ``mode`` after the filters, at most ``limit``.
    Kind, genre and services are checked against the catalog when the list is read (analytics/lists.py)."""

    model_config = ConfigDict(extra="forbid")

    mode: ListMode = "radar"
    kind: str | None = None
    genre: str | None = None
    decade: int | None = Field(default=None, ge=1870, le=2200)
    year_from: int | None = Field(default=None, ge=1870, le=2200)
    year_to: int | None = Field(default=None, ge=1870, le=2200)
    services: list[str] | Literal["profile"] = Field(default_factory=list)
    country: str | None = None
    limit: int = Field(default=50, ge=1, le=LIST_MAX)

    @field_validator("services", mode="before")
    @classmethod
    def _services(cls, value: object) -> object:
        if isinstance(value, str) and value != "profile":
            raise ValueError('give a list of service names, or "profile" for the profile\'s own services')
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and not is_country_code(value.strip().upper()):
            raise ValueError("country must be a two-letter code such as US or DE")
        return value.strip().upper() if value else None

    @model_validator(mode="after")
    def _consistent(self) -> ListDefinition:
        if self.decade is not None and (self.decade % 10 or self.year_from is not None or self.year_to is not None):
            raise ValueError("decade is a year ending in 0 (e.g. 1990), given without year_from and year_to")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError(f"year_from {self.year_from} is after year_to {self.year_to}")
        if self.country and not self.services:
            raise ValueError('country narrows the services: give services (or services = "profile") with it')
        return self

    def years(self) -> tuple[int | None, int | None]:
        """The first and last year of release asked for (a decade is its ten years)."""
        return (self.decade, self.decade + 9) if self.decade is not None else (self.year_from, self.year_to)


def default_config_file() -> Path:
    """The TOML file read when neither ``--config`` nor ``REELRADAR_CONFIG`` names one."""
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


class Settings(BaseSettings):
    """All of reelradar's settings. Flat keys: the same name in TOML, and upper-cased after
    ``REELRADAR_`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REELRADAR_", extra="forbid", validate_default=True)

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP)),
        description="Folder holding the catalog, the user store and staged data.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir(APP)),
        description="Folder for downloads and HTTP caches; safe to delete.",
    )
    country: str | None = Field(default=None, description="Your country (ISO 3166-1 alpha-2), for where to watch.")
    services: list[str] = Field(default_factory=list, description="Streaming services you have, e.g. ['Prime Video'].")

    wilson_z: float = Field(default=1.645, gt=0, description="z of the Wilson lower bound for percent-positive scores.")
    bayes_m_quantile: float = Field(
        default=0.75, gt=0, lt=1, description="Quantile of vote counts in a cohort used as the prior weight m."
    )
    min_cohort: int = Field(
        default=20, ge=2, description="Fewest scored titles a cohort needs before percentiles are taken in it."
    )
    unknown_count_floor: int = Field(
        default=5,
        ge=1,
        description="Sample size assumed when a source gives a score without its count "
        "(the fewest reviews or votes a source needs to publish a score); a lower bound stays a lower bound.",
    )
    evidence_half: float = Field(
        default=20.0, gt=0, description="Count at which a source's weight in combined acclaim reaches one half."
    )
    awareness_min_count: int = Field(
        default=20,
        ge=0,
        description="Review and vote counts are ranked for awareness among titles with at least this many; "
        "fewer counts as least known.",
    )
    radar_min_acclaim: float = Field(
        default=0.80, ge=0, le=1, description="Radar: lowest combined acclaim percentile."
    )
    radar_max_awareness: float = Field(
        default=0.35, ge=0, le=1, description="Radar: highest awareness percentile (titles most people missed)."
    )
    radar_min_evidence: int = Field(
        default=20, ge=0, description="Radar: fewest reviews and votes in all, so small samples do not win."
    )
    picks_limit: int = Field(default=20, ge=1, le=1000, description="Default number of picks shown.")
    imdb_base_url: str = Field(
        default="https://datasets.imdbws.com/",
        description="Where `reelradar update imdb` downloads IMDb's seven dataset files from.",
    )
    imdb_skip_adult: bool = Field(default=False, description="IMDb build: leave out titles IMDb marks as adult.")
    imdb_akas_regions: list[str] = Field(
        default_factory=list, description="IMDb build: keep alternative titles of these regions only (empty: all)."
    )
    imdb_akas_languages: list[str] = Field(
        default_factory=list, description="IMDb build: keep alternative titles of these languages only (empty: all)."
    )
    imdb_memory_limit: str | None = Field(
        default=None, description="IMDb build: DuckDB memory limit, e.g. '4GB' (default: 6 GiB or 80% of RAM, the lesser)."
    )
    netflix_base_url: str = Field(
        default="https://www.netflix.com/tudum/top10/data/",
        description="Where `reelradar update netflix` downloads Netflix's Top 10 TSV files from.",
    )
    chart_window_days: int = Field(
        default=7, ge=1, le=366, description="Charts: length of the window momentum compares with the one before."
    )
    chart_momentum_prior: float = Field(
        default=5.0, gt=0, description="Charts: points added to both windows before the log ratio (a small prior)."
    )
    chart_breakout_min_momentum: float = Field(
        default=0.7, description="Charts: lowest momentum (log ratio; 0.7 is about doubling) of a breakout."
    )
    chart_breakout_min_points: float = Field(
        default=8.0, ge=0, description="Charts: fewest points in the window (over the fixed country set) of a breakout."
    )
    chart_breakout_min_countries: int = Field(
        default=1, ge=1, description="Charts: fewest countries (or world charts) a breakout must chart in this window."
    )
    chart_stale_days: int = Field(
        default=14, ge=0,
        description="Charts: hot picks say how old the chart data is when its newest day is more than this many days ago.",
    )
    serve_host: str = Field(default="127.0.0.1", description="Address `reelradar serve` binds to (loopback by default).")
    serve_port: int = Field(default=8000, ge=0, le=65535, description="Port `reelradar serve` listens on.")
    serve_cache_entries: int = Field(
        default=4096, ge=0, description="Catalog answers `reelradar serve` keeps in memory per catalog file (0: none)."
    )
    serve_cache_mb: float = Field(
        default=64, ge=0, description="Most memory, in MB, the kept catalog answers of `reelradar serve` may take (0: none)."
    )
    serve_compute_workers: int = Field(
        default_factory=lambda: max(2, os.cpu_count() or 2), ge=1, le=64,
        description="Catalog answers `reelradar serve` computes at once (default: one per core, at least 2).",
    )
    serve_compute_waiting: int = Field(
        default=16, ge=0, le=1000,
        description="Further answers that may wait for one of those; past that a request gets 503 busy with "
        "Retry-After at once.",
    )
    server_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the server answers besides 127.0.0.1, localhost and [::1] (any port); "
        "a request naming another Host is refused (DNS rebinding).",
    )
    upload_max_mb: float = Field(
        default=20, gt=0, description="Largest upload (an export file) the web page and the API accept, in MB."
    )
    # -- online sources: HTTP, TMDB, Wikidata (sources/tmdb.py, sources/wikidata.py, http.py) --
    tmdb_api_key: SecretStr | None = Field(
        default=None, description="Your TMDB API key (v3 key or v4 read access token); never logged or shown."
    )
    tmdb_api_url: str = Field(default="https://api.themoviedb.org/3", description="Base URL of the TMDB API v3.")
    tmdb_files_url: str = Field(
        default="https://files.tmdb.org/p/exports", description="Where TMDB's daily id exports are downloaded from."
    )
    tmdb_image_base_url: str = Field(
        default="https://image.tmdb.org/t/p", description="Where TMDB's images (posters) are fetched from, once each."
    )
    tmdb_rate_limit: float = Field(default=40.0, gt=0, description="Most TMDB requests per second (TMDB asks ~50).")
    tmdb_countries: list[str] = Field(
        default_factory=list,
        description="Countries whose offers are kept from TMDB (empty: your `country`, or all when it is unset).",
    )
    tmdb_popular_titles: int = Field(
        default=500, ge=0, description="How many of the most popular titles in TMDB's daily export to follow."
    )
    tmdb_trending_pages: int = Field(default=1, ge=0, le=50, description="Pages of TMDB trending (day) to follow.")
    tmdb_stale_days: int = Field(
        default=7, ge=1, description="Refetch a followed TMDB title (and its offers) when older than this many days."
    )
    wikidata_sparql_url: str = Field(
        default="https://query.wikidata.org/sparql", description="The Wikidata SPARQL endpoint."
    )
    wikidata_rate_limit: float = Field(default=1.0, gt=0, description="Most Wikidata SPARQL queries per second.")
    wikidata_batch: int = Field(default=100, ge=1, le=500, description="Titles per Wikidata SPARQL query.")
    wikidata_page_size: int = Field(default=2000, ge=1, description="Rows per page of a Wikidata SPARQL query.")
    wikidata_max_pages: int = Field(default=20, ge=1, description="Most pages read of one Wikidata SPARQL query.")
    wikidata_max_titles: int = Field(
        default=2000, ge=1, description="Most catalog titles looked up on Wikidata in one update (best known first)."
    )
    http_timeout: float = Field(default=30.0, gt=0, description="Seconds an HTTP request may take before it is retried.")
    http_retries: int = Field(default=4, ge=0, le=20, description="Retries of a failed HTTP request (429, 5xx, timeouts).")
    http_backoff: float = Field(default=1.0, ge=0, description="First retry wait in seconds, doubled on each retry.")
    http_max_retry_wait: float = Field(
        default=120.0, ge=0, description="Longest wait for one retry, Retry-After included; longer gives up."
    )
    http_cache_ttl: int = Field(
        default=86400, ge=0, description="Seconds a cached HTTP answer (exports, queries) is reused without asking again."
    )
    http_contact: str | None = Field(
        default=None, description="A contact (e-mail or URL) added to the User-Agent, as Wikimedia asks of clients."
    )

    # entity resolution (resolve/) and imports of a person's history (users/)
    resolve_title: float = Field(default=4.0, ge=0, description="Weight of the title component of a match distance.")
    resolve_year: float = Field(default=1.0, ge=0, description="Weight of the year component of a match distance.")
    resolve_runtime: float = Field(default=2.0, ge=0, description="Weight of the runtime component of a match distance.")
    resolve_kind: float = Field(default=1.0, ge=0, description="Weight of the kind component of a match distance.")
    resolve_people: float = Field(default=2.0, ge=0, description="Weight of the people component (directors, cast).")
    resolve_age: float = Field(default=1.5, ge=0, description="Chart entries: weight of a title's release year "
                               "against the week it first charted.")
    resolve_language: float = Field(default=1.0, ge=0, description="Chart entries: weight of the chart's language "
                                    "category against the title's original languages.")
    resolve_seasons: float = Field(default=0.5, ge=0, description="Chart entries: weight of the season charted "
                                   "against the series' season count.")
    resolve_availability: float = Field(default=1.0, ge=0, description="Chart entries: weight of an offer on the "
                                        "chart's platform, or the platform's own id.")
    resolve_strong: float = Field(default=0.10, ge=0, le=1, description="Distance at or below which a match is strong.")
    resolve_medium: float = Field(default=0.30, ge=0, le=1, description="Distance at or below which a match is medium.")
    resolve_ambiguity: float = Field(
        default=0.04, ge=0, le=1, description="A runner-up this close to the best candidate makes a strong match medium."
    )
    resolve_year_off_by_one: float = Field(default=0.3, ge=0, le=1, description="Year penalty when years differ by one.")
    resolve_subtitle: float = Field(default=0.12, ge=0, le=1, description="Title penalty when one side lacks a subtitle.")
    import_max_mb: int = Field(default=200, ge=1, description="Largest export file (or unpacked ZIP) imported, in MiB.")
    import_max_rows: int = Field(default=1_000_000, ge=1, description="Most rows or items read from one export file.")
    ratings_file: Path | None = Field(
        default=None, description="A MovieLens-format ratings.csv that `reelradar recommend` fits collaborative models on."
    )
    links_file: Path | None = Field(default=None, description="The links.csv (movieId,imdbId,tmdbId) of `ratings_file`.")
    recommend_limit: int = Field(default=10, ge=1, le=1000, description="Default number of recommendations shown.")

    # notices (story/notify.py): what `reelradar notify` looks for and where it sends it
    notify_urls: list[str] = Field(
        default_factory=list,
        description="Apprise URLs `reelradar notify` sends notices to (mailto://, ntfy://, json://, ...); "
        "they hold tokens, so keep them in the config file or the environment.",
    )
    notify_rules: list[str] = Field(
        default_factory=lambda: list(NOTICE_RULES),
        description="Notices to look for: arrived (a watchlist, radar or breakout title new on your services), "
        "season (a new season of a series you watched), breakout (breaking out on your services), "
        "leaving (a watchlist title leaving your services).",
    )
    notify_days: int = Field(
        default=7, ge=1, le=366, description="Days back (and, for leaving and seasons, ahead) `reelradar notify` looks."
    )

    # saved lists (analytics/lists.py): served at /lists/NAME.json, .txt and .csv, printed by `reelradar list`
    lists: dict[str, ListDefinition] = Field(
        default_factory=dict,
        description="Saved lists, one [lists.NAME] table each: mode, kind, genre, decade or year_from/year_to, "
        "services (or \"profile\"), country and limit; served for Radarr, Sonarr and Kometa (docs/lists.md).",
    )

    @field_validator("lists")
    @classmethod
    def _list_names(cls, value: dict[str, ListDefinition]) -> dict[str, ListDefinition]:
        bad = [name for name in value if not LIST_NAME.fullmatch(name)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a list name: use lower-case letters, digits, - and _ (it is part "
                             "of the list's URL)")
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError("country must be a two-letter code such as US or DE")
        return value.upper()

    @field_validator("notify_urls")
    @classmethod
    def _notify_urls(cls, value: list[str]) -> list[str]:
        urls = [v.strip() for v in value if v.strip()]
        bad = [n for n, u in enumerate(urls, 1) if "://" not in u or not u.split("://", 1)[0].isalnum()]
        if bad:  # the URL itself is not repeated: it may hold a token
            raise ValueError(f"entry {bad[0]} is not an Apprise URL (scheme://..., e.g. ntfy://topic)")
        return urls

    @field_validator("notify_rules")
    @classmethod
    def _notify_rules(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in NOTICE_RULES]
        if unknown:
            raise ValueError(f"unknown notice rule {unknown[0]!r}: use some of {', '.join(NOTICE_RULES)}")
        return list(dict.fromkeys(value))

    @field_validator("server_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        names = [v.strip().lower().rstrip(".") for v in value]
        bad = [n for n in names if not n or any(c in n for c in "/ @?#")]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a host name (give a name or address, without scheme or path)")
        return names

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = _TOML_FILE.get("path") or default_config_file()
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.duckdb"

    @property
    def users_path(self) -> Path:
        return self.data_dir / "users.sqlite"

    @property
    def staged_dir(self) -> Path:
        return self.data_dir / "staged"


# The TOML path is chosen per load; pydantic-settings reads sources at construction time.
_TOML_FILE: dict[str, Path | None] = {"path": None}


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """Load settings from defaults, the TOML file, the environment and the given flags (None = not given).

    Raises BadInput with one line naming the bad key or file.
    """
    path = config_file or (Path(os.environ["REELRADAR_CONFIG"]) if os.environ.get("REELRADAR_CONFIG") else None)
    if path is not None and not path.is_file():
        raise BadInput(f"config file {path} does not exist")
    _TOML_FILE["path"] = path
    try:
        return Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "settings"
        raise BadInput(f"bad setting {where}: {err['msg']}") from None
    except ValueError as exc:  # a TOML syntax error surfaces as a ValueError subclass
        raise BadInput(f"config file {path or default_config_file()} is not valid TOML: {exc}") from None
    finally:
        _TOML_FILE["path"] = None
