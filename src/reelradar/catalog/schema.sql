-- reelradar catalog schema (DESIGN §4). Bump SCHEMA_VERSION in db.py with any change here.
-- Every fact carries its provenance: `source` (who said it), and `fetched_at` / `as_of` (when).
-- No PRIMARY KEY constraints: DuckDB's indexes slow bulk loads; builds check uniqueness themselves.

CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR);

-- Where each source's facts come from, under which terms, and how to credit them.
CREATE TABLE source_info (
    source VARCHAR NOT NULL, name VARCHAR NOT NULL,
    label VARCHAR,                  -- short name shown beside facts ("Wikidata", "news report")
    license VARCHAR, credit VARCHAR, url VARCHAR,
    fetched_at TIMESTAMP, demo BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE title (
    id VARCHAR NOT NULL,            -- IMDb tconst where known, else source-prefixed ("demo:ballard", "wd:Q…")
    kind VARCHAR NOT NULL,          -- movie, series, miniseries, season, episode, special, short, tv_movie
    title VARCHAR NOT NULL,
    original_title VARCHAR,
    year INTEGER, end_year INTEGER, runtime_min INTEGER,
    genres VARCHAR[], languages VARCHAR[], countries VARCHAR[],
    overview VARCHAR,
    parent_id VARCHAR, season_number INTEGER, episode_number INTEGER,
    season_count INTEGER, episode_count INTEGER,
    status VARCHAR, is_adult BOOLEAN,
    source VARCHAR NOT NULL, fetched_at TIMESTAMP, demo BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE title_xid (title_id VARCHAR NOT NULL, source VARCHAR NOT NULL, xid VARCHAR NOT NULL);

-- Alternative titles (IMDb akas, original and localised titles).
CREATE TABLE title_aka (
    title_id VARCHAR NOT NULL, title VARCHAR NOT NULL, region VARCHAR, language VARCHAR,
    source VARCHAR NOT NULL
);

CREATE TABLE person (
    id VARCHAR NOT NULL, name VARCHAR NOT NULL, birth_year INTEGER, death_year INTEGER,
    professions VARCHAR[], source VARCHAR NOT NULL, fetched_at TIMESTAMP
);

CREATE TABLE credit (
    title_id VARCHAR NOT NULL, person_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,          -- actor, director, writer, creator, producer, author, ...
    "character" VARCHAR, ordering INTEGER,   -- ordering NULL when billing order is unknown
    source VARCHAR NOT NULL, fetched_at TIMESTAMP
);

-- Source material: novels, comics, plays, ... with their author.
CREATE TABLE work (
    id VARCHAR NOT NULL, kind VARCHAR, title VARCHAR NOT NULL, author_id VARCHAR, author_name VARCHAR,
    source VARCHAR NOT NULL, fetched_at TIMESTAMP
);

-- spin_off_of, sequel_of, prequel_of, remake_of, adapted_from (dst is a work id), same_universe,
-- shares_character (note names the character); in_franchise, in_universe, part_of_series (dst is a
-- work of kind 'media franchise', 'fictional universe', 'film series'; note is its name).
CREATE TABLE relation (
    src VARCHAR NOT NULL, dst VARCHAR NOT NULL, kind VARCHAR NOT NULL, note VARCHAR,
    source VARCHAR NOT NULL, fetched_at TIMESTAMP
);

-- metric: user_mean, critic_mean, critic_pct, audience_pct, metascore. scale: the maximum (10, 100).
-- count: votes or reviews behind the value (NULL when the source does not say); positive: for *_pct.
-- as_of: when the value was true; via: the dataset or report that carried it.
CREATE TABLE rating (
    title_id VARCHAR NOT NULL, source VARCHAR NOT NULL, metric VARCHAR NOT NULL,
    value DOUBLE NOT NULL, scale DOUBLE NOT NULL, count BIGINT, positive BIGINT,
    as_of DATE, via VARCHAR, fetched_at TIMESTAMP
);

-- Box office and other evidence of reach that is neither a score nor a chart.
CREATE TABLE reach (
    title_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR,
    source VARCHAR NOT NULL, as_of DATE, via VARCHAR
);

CREATE TABLE chart_entry (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL,
    country VARCHAR,                -- ISO alpha-2, 'world', or NULL when the report did not say
    category VARCHAR,
    period_start DATE NOT NULL, period_end DATE NOT NULL,
    rank INTEGER NOT NULL, raw_title VARCHAR NOT NULL, season_title VARCHAR, title_id VARCHAR,
    hours DOUBLE, views DOUBLE, runtime_hours DOUBLE, cumulative_weeks INTEGER, points INTEGER,
    as_of DATE, via VARCHAR, fetched_at TIMESTAMP,
    -- How a row is placed (catalog/charts_store.py): title_id is the film or series, season_id the season
    -- when the row names one; entry_key is the charted thing as the source names it (stable across
    -- imports); title_kind / title_year / title_ref (an external id) are what the file said, kept so
    -- a rebuild can link the row again; import_name is the import that brought the row.
    season_id VARCHAR, entry_key VARCHAR, title_kind VARCHAR, title_year INTEGER, title_ref VARCHAR,
    season_number INTEGER, import_name VARCHAR,
    entry VARCHAR                   -- the chart entry the row belongs to (resolve/charts.py ENTRY_SQL)
);

-- How each chart entry (a film or series as a chart names it, across its rows) was resolved
-- (resolve/charts.py): the verdict, its distance components (JSON) and nearest candidates (JSON);
-- title_id is set for strong matches only, candidate_id is the nearest candidate whatever the verdict.
CREATE TABLE chart_match (
    entry VARCHAR, source VARCHAR, platform VARCHAR, raw_title VARCHAR, kind VARCHAR,
    first_period DATE, last_period DATE, rows INTEGER, runtime_min INTEGER,
    verdict VARCHAR, method VARCHAR, title_id VARCHAR, candidate_id VARCHAR, distance DOUBLE, reason VARCHAR,
    components VARCHAR, runner_up VARCHAR, candidates VARCHAR, evidence VARCHAR, resolved_at TIMESTAMP
);
-- Manual links of chart entries (`reelradar link --chart`); title_id NULL: unlinked by hand. Staged.
CREATE TABLE chart_link (entry VARCHAR NOT NULL, title_id VARCHAR, linked_at TIMESTAMP, source VARCHAR);

CREATE TABLE offer (
    title_id VARCHAR NOT NULL,
    country VARCHAR,                -- NULL when the source did not say where
    provider VARCHAR NOT NULL,
    monetization VARCHAR NOT NULL,  -- flatrate, free, ads, rent, buy
    quality VARCHAR, price DOUBLE, currency VARCHAR, url VARCHAR,
    available_from DATE, available_until DATE,
    source VARCHAR NOT NULL, as_of DATE, via VARCHAR, fetched_at TIMESTAMP
);

-- Offer snapshots (sources/tmdb.py): when each offer was first and last seen, and when each title's
-- offers were first and last checked. An offer whose last_seen is before its title's last_checked was
-- not seen at the last check ("no longer seen"); one first seen after the title's first check is new.
CREATE TABLE offer_seen (
    title_id VARCHAR NOT NULL, country VARCHAR, provider VARCHAR NOT NULL, monetization VARCHAR NOT NULL,
    first_seen DATE NOT NULL, last_seen DATE NOT NULL, source VARCHAR NOT NULL, via VARCHAR
);
CREATE TABLE offer_check (
    title_id VARCHAR NOT NULL, first_checked DATE NOT NULL, last_checked DATE NOT NULL,
    source VARCHAR NOT NULL, via VARCHAR
);

-- What a source reports of a series beside its title row (TMDB): status, counts, next episode.
CREATE TABLE series_status (
    title_id VARCHAR NOT NULL, status VARCHAR, in_production BOOLEAN, season_count INTEGER,
    episode_count INTEGER, last_air_date DATE, next_air_date DATE, next_season INTEGER,
    next_episode INTEGER, next_name VARCHAR, source VARCHAR NOT NULL, fetched_at TIMESTAMP
);
CREATE TABLE season (
    title_id VARCHAR NOT NULL, season_number INTEGER NOT NULL, name VARCHAR, episode_count INTEGER,
    air_date DATE, source VARCHAR NOT NULL, fetched_at TIMESTAMP
);
CREATE TABLE title_keyword (title_id VARCHAR NOT NULL, keyword VARCHAR NOT NULL, source VARCHAR NOT NULL);
-- Networks and broadcasters: role 'original_broadcaster' (Wikidata P449) or 'network' (TMDB).
CREATE TABLE title_network (
    title_id VARCHAR NOT NULL, network VARCHAR NOT NULL, network_id VARCHAR, role VARCHAR,
    source VARCHAR NOT NULL, fetched_at TIMESTAMP
);
-- Posters, backdrops (TMDB image paths) and trailers (a site and its video key) of a title. Added after
-- schema version 1 was first written: older catalogs get it when a source first writes it
-- (sources/publish.py, ``added_table``), and readers check that it exists.
CREATE TABLE title_media (
    title_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, site VARCHAR, path_or_key VARCHAR NOT NULL,
    name VARCHAR, language VARCHAR, published_at TIMESTAMP, ordering INTEGER, source VARCHAR NOT NULL,
    fetched_at TIMESTAMP
);
