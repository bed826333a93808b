"""Countries as chart files and users write them: ISO 3166-1 alpha-2 codes, alpha-3 codes, and names.

Names are read with pycountry (ISO 3166's names, official names and common names), plus the everyday
names chart sites use that ISO spells otherwise ("Russia", "Turkey", "Ivory Coast", "DR Congo").
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Everyday names ISO 3166 (as pycountry has it) does not know; keys lower case, without accents.
ALIASES = {
    "russia": "RU", "turkey": "TR", "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "ivory coast": "CI", "cote d'ivoire": "CI", "macedonia": "MK", "palestine": "PS", "brunei": "BN",
    "cape verde": "CV", "swaziland": "SZ", "macau": "MO", "micronesia": "FM", "dr congo": "CD",
    "democratic republic of the congo": "CD", "congo-kinshasa": "CD", "republic of the congo": "CG",
    "congo-brazzaville": "CG", "the netherlands": "NL", "holland": "NL", "korea": "KR",
    "republic of korea": "KR", "north korea": "KP", "vatican": "VA", "vatican city": "VA",
    "east timor": "TL", "burma": "MM", "the bahamas": "BS", "the gambia": "GM",
    "united states of america": "US", "u.s.": "US", "u.k.": "GB", "uae": "AE", "st. lucia": "LC",
    "st. kitts and nevis": "KN", "st. vincent and the grenadines": "VC", "sao tome and principe": "ST",
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@cache
def country_code(text: str) -> str | None:
    """The alpha-2 code of a country given by code or name (None when it is not a country)."""
    import pycountry  # imported when a name is met: most files carry codes

    t = text.strip()
    if not t:
        return None
    if len(t) == 2 and t.isascii() and t.isalpha():
        return t.upper()
    alias = ALIASES.get(_plain(t))
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(t).alpha_2)
    except LookupError:
        return None
