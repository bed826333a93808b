"""Shared rules that several stages must spell the same way: provider names, and the streaming
platforms whose own title ids Wikidata holds.

One home for each rule: two copies drift, and a user notices when the chart linker and the services
filter disagree on what "Prime Video" is.
"""

from __future__ import annotations

import re

PROVIDER_ALIASES = {"hbomax": "max"}

# A link's verdict (resolve/) as the CLI, the web page and the import reports name it.
MATCH_WORDS = {"strong": "matched", "medium": "to confirm", "none": "not matched"}

# Streaming services as people and JustWatch name them: a service name is checked against these and the
# providers the catalog's offers and charts name ("Netflx" → "did you mean Netflix?"). Compared by
# ``provider_key``, so "Amazon Prime Video" and "Disney Plus" are known too.
KNOWN_PROVIDERS = (
    "Netflix", "Prime Video", "Disney+", "Max", "Hulu", "Apple TV+", "Paramount+", "Peacock", "Starz", "MGM+",
    "AMC+", "Showtime", "Crunchyroll", "Mubi", "Criterion Channel", "Shudder", "BritBox", "Acorn TV",
    "Sky Go", "Now", "WOW", "RTL+", "Joyn", "ARD Mediathek", "ZDF Mediathek", "Canal+", "Arte", "BBC iPlayer",
    "ITVX", "Channel 4", "Stan", "Binge", "Crave", "Hotstar", "JioCinema", "Viaplay", "SkyShowtime",
    "Movistar Plus+", "Globoplay", "Tubi", "Pluto TV", "The Roku Channel", "Freevee", "Plex", "Kanopy",
    "Hoopla", "Apple TV", "Google Play Movies", "YouTube", "YouTube Premium", "Amazon Video", "Fandango At Home",
    "Rakuten TV", "Microsoft Store", "Sling TV", "fuboTV", "Philo", "Discovery+", "Magenta TV", "Filmin",
    "Videoland", "Viki", "iQIYI", "Hayu", "BET+", "Sundance Now", "Fandor", "Curiosity Stream", "Rai Play",
    "Mediaset Infinity", "TVING", "Wavve", "Coupang Play", "U-Next", "Hulu Japan", "Lionsgate+", "Zee5",
)


def provider_key(name: str) -> str:
    """A provider name reduced to what identifies the service: 'Amazon Prime Video' and 'Prime Video'
    are one; 'Disney+' and 'Disney Plus' are one; a '... with Ads' tier is its service."""
    key = re.sub(r"[^a-z0-9]", "", name.lower().replace("+", " plus"))
    key = re.sub(r"(standard)?withads$", "", key)
    key = re.sub(r"^amazon(?=.)", "", key)
    return PROVIDER_ALIASES.get(key, key)


def provider_key_sql(column: str) -> str:
    """The SQL twin of ``provider_key`` over ``column`` (tests/test_vocab.py holds the two equal)."""
    key = (f"regexp_replace(regexp_replace(regexp_replace(replace(lower({column}), '+', ' plus'), "
           f"'[^a-z0-9]', '', 'g'), '(standard)?withads$', ''), '^amazon(.)', '\\1')")
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PROVIDER_ALIASES.items())
    return f"(CASE {key} {cases} ELSE {key} END)"


# Platform ids in the id crosswalk (title_xid.source), by provider key, and the Wikidata property that
# carries each (P1874 Netflix ID, P8055 Amazon Prime Video ID, P7595/P7596 Disney+ movie/series ID).
PLATFORM_ID_SOURCE = {"netflix": "netflix", "primevideo": "prime_video", "disneyplus": "disney_plus"}
PLATFORM_ID_PROPERTIES = {"P1874": "netflix", "P8055": "prime_video", "P7595": "disney_plus",
                          "P7596": "disney_plus"}


def platform_id_source(platform: str) -> str | None:
    """The id-crosswalk source of a platform's own title ids ('Netflix' → 'netflix'), if it has one."""
    return PLATFORM_ID_SOURCE.get(provider_key(platform))
