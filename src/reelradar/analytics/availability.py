"""Where to watch: offers joined to titles and to the person's profile (country, services, offer types),
and what changed between offer snapshots ("new on my services", "no longer seen").

Provider names differ between sources and people ("Amazon Prime Video", "Prime Video"; "Disney Plus",
"Disney+"): they are compared by ``provider_key``, whose SQL twin is ``provider_key_sql``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from reelradar.analytics.explain import MONETIZATION_WORDS, Labels
from reelradar.analytics.filters import Filters, check_country
from reelradar.config import Settings
from reelradar.errors import BadInput, NotFound
from reelradar.model import Availability, Profile, Provenance
from reelradar.vocab import PROVIDER_ALIASES, provider_key, provider_key_sql

OFFER_TYPES = ("flatrate", "free", "ads", "rent", "buy")


def current_profile(settings: Settings) -> Profile:
    """The person's profile: the user store's when there is one, the settings' country and services
    otherwise (or where the store leaves them empty). Subscription, free and ad-supported offers count
    by default; rent and buy only when the profile opts in."""
    try:
        from reelradar.users.store import UserStore  # the user store (SQLite), when installed
    except ImportError:
        return with_defaults(Profile(), settings)
    if not settings.users_path.exists():
        return with_defaults(Profile(), settings)
    with UserStore(settings.users_path) as store:
        return with_defaults(store.profile(), settings)


def with_defaults(stored: Profile, settings: Settings) -> Profile:
    """A stored profile with what it leaves empty (country, services, offer types) from the settings;
    the CLI and the web page read a profile through here alike."""
    services = [s for s in stored.services if s.strip()]  # a blank once stored by `--service ""` is no service
    return Profile(name=stored.name, country=stored.country or settings.country,
                   services=list(services or settings.services),
                   offer_types=list(stored.offer_types or Profile().offer_types))


def profile_filters(profile: Profile, filters: Filters | None = None, *, services: list[str] | None = None,
                    country: str | None = None) -> Filters:
    """``filters`` narrowed to the person's services: the ``services`` asked for (a flag, a chip, a
    query parameter) or else the profile's, in ``country`` or else the profile's, of the offer types the
    profile accepts. The CLI and the web page both decide a list's services here."""
    f = filters or Filters()
    f.services = [s for s in (services or profile.services) if s and s.strip()]
    f.country = country or profile.country or None
    f.offer_types = list(profile.offer_types)
    return f


@dataclass
class ServiceCheck:
    """How a services filter narrowed a list: of the titles it checked (the list before the filter),
    how many are on the person's services, only elsewhere (left out) and of unknown availability
    (kept, marked); and of those shown, how many of each."""

    services: list[str]
    country: str | None
    checked: int
    yours: int
    elsewhere: int
    unknown: int
    shown: int = 0
    shown_yours: int = 0
    shown_unknown: int = 0

    def count_shown(self, marks: list[Availability | None]) -> ServiceCheck:
        self.shown = len(marks)
        self.shown_yours = sum(1 for m in marks if m is not None and m.status == "yours")
        self.shown_unknown = sum(1 for m in marks if m is not None and m.status == "unknown")
        return self

    def text(self) -> str:
        """'on your services (Netflix, Prime Video in US): 2 of 20 shown; 18 with unknown availability in
        US (kept, marked) · of 633 titles checked: 2 on your services, 3 only elsewhere (left out), 628
        unknown'."""
        where = f" in {self.country}" if self.country else ""
        return (f"on your services ({', '.join(self.services)}{where}): {self.shown_yours} of {self.shown} shown; "
                f"{self.shown_unknown} with unknown availability{where} (kept, marked) · of {self.checked:,} "
                f"title{'' if self.checked == 1 else 's'} checked: {self.yours:,} on your services, {self.elsewhere:,} only elsewhere (left out), "
                f"{self.unknown:,} unknown")

    def to_dict(self) -> dict[str, object]:
        return {**vars(self), "text": self.text()}


def service_check(con: duckdb.DuckDBPyConnection, filters: Filters, source: str, where: str,
                  params: list[object]) -> ServiceCheck | None:
    """Count the titles of ``source`` (an SQL table or subquery with title alias ``t``) that pass
    ``where`` (the list's other filters), by availability; None when no services are set."""
    if not filters.services:
        return None
    status, more = filters.availability_sql("t")
    total, yours, elsewhere = con.execute(
        f"""SELECT count(*)::INT, count(*) FILTER (WHERE a = 'yours')::INT, count(*) FILTER (WHERE a = 'elsewhere')::INT
            FROM (SELECT {status} AS a FROM {source} WHERE {where})""", [*more, *params]).fetchall()[0]
    return ServiceCheck(list(filters.services), filters.country, total, yours, elsewhere, total - yours - elsewhere)


def availability_of(con: duckdb.DuckDBPyConnection, ids: list[str], filters: Filters) -> dict[str, Availability]:
    """Each title's availability on the filter's services in its country (filters.py has the rule),
    with the offer or chart place that says so in words; empty when no services are set."""
    if not filters.services or not ids:
        return {}
    c = filters.country
    keys = {provider_key(s): s for s in filters.services}
    types = set(filters.offer_types)
    rows = con.execute(
        """SELECT o.title_id, o.provider, o.monetization, o.country, o.source, o.via,
                   coalesce(o.as_of, CAST(o.fetched_at AS DATE)), NULL::DATE, 'offer'
            FROM offer o WHERE o.title_id IN (SELECT unnest(?)) AND (o.country IS NULL OR ?::VARCHAR IS NULL OR o.country = ?)
            UNION ALL
            SELECT c.title_id, c.platform, 'flatrate', c.country, arg_max(c.source, c.period_end),
                   arg_max(c.via, c.period_end), max(c.period_end), arg_max(c.period_start, c.period_end), 'chart'
            FROM chart_entry c WHERE c.title_id IN (SELECT unnest(?))
                 AND (c.country IS NULL OR c.country = 'world' OR ?::VARCHAR IS NULL OR c.country = ?)
            GROUP BY c.title_id, c.platform, c.country""",
        [ids, c, c, ids, c, c]).fetchall()
    labels = Labels(con)
    found: dict[str, list[tuple]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    out = {}
    for title_id in ids:
        evidence = found.get(title_id, [])
        mine = [r for r in evidence if provider_key(r[1]) in keys and (not types or r[2] in types)]
        if mine:
            # an offer or chart of the country itself first, then the newest
            mine.sort(key=lambda r: (r[3] != c, r[8] != "offer", -(r[6].toordinal() if r[6] else 0)))
            services = list(dict.fromkeys(keys[provider_key(r[1])] for r in mine))
            out[title_id] = Availability("yours", _evidence_text(mine[0], c, labels), services)
        elif evidence:
            others = ", ".join(dict.fromkeys(r[1] for r in evidence))
            evidence.sort(key=lambda r: -(r[6].toordinal() if r[6] else 0))
            out[title_id] = Availability("elsewhere", f"only elsewhere: on {others} — "
                                         f"{_evidence_text(evidence[0], c, labels)}")
        else:
            where = f" in {c}" if c else ""
            out[title_id] = Availability("unknown", f"availability unknown{where}: no offer or chart known for it")
    return out


def _evidence_text(row: tuple, country: str | None, labels: Labels) -> str:
    """An offer or a chart place in words: 'on Prime Video (subscription, country not stated) — news
    report, 2025-07-14', 'on Netflix in US per the Netflix Top 10 of the week of 2026-07-13'."""
    _, provider, monetization, where, source, via, as_of, start, kind = row
    prov = labels.provenance(source, via, as_of)
    if kind == "offer":
        words = MONETIZATION_WORDS.get(monetization, monetization)
        return f"on {provider} ({words}, {where or 'country not stated'}) — {prov.text()}"
    name = labels.name(source)
    when = f"the week of {start}" if start is not None and (as_of - start).days >= 6 else f"{as_of}"
    # a chart named after itself ("the Netflix Top 10 of …"), else the platform's chart and who carried it
    chart = (f"the {name} of {when}" if "top 10" in name.lower()
             else f"its chart of {when} — {labels.provenance(source, via, None).text()}")
    if where == "world":
        return f"on {provider} per {chart} (a worldwide chart: country not stated)"
    if where is None or where == "?":
        return f"on {provider} per {chart} (country not stated)"
    return f"on {provider} in {where} per {chart}"


@dataclass
class WhereOffer:
    """One way to watch a title, with who said so and when it was seen."""

    provider: str
    monetization: str
    country: str | None
    quality: str | None
    price: float | None
    currency: str | None
    url: str | None
    provenance: Provenance
    first_seen: date | None = None
    last_seen: date | None = None
    yours: bool = False  # on one of your services, of a type you accept

    @property
    def words(self) -> str:
        return MONETIZATION_WORDS.get(self.monetization, self.monetization)


@dataclass
class Where:
    """Where a title can be watched, for a country (None: every country)."""

    title_id: str
    title: str
    year: int | None
    country: str | None
    offers: list[WhereOffer] = field(default_factory=list)
    other_countries: list[str] = field(default_factory=list)  # countries with offers, outside the one asked
    credits: list[str] = field(default_factory=list)  # attribution the sources ask for
    status: str | None = None  # a series' status and next episode, as a source reported them


def where(con: duckdb.DuckDBPyConnection, title_id: str, profile: Profile, *, country: str | None = None) -> Where:
    """The offers of ``title_id`` in ``country`` (the profile's when None; every country when neither
    says), the ones a source gave without a country included and marked as such."""
    row = con.execute("SELECT title, year FROM title WHERE id = ?", [title_id]).fetchone()
    if row is None:
        raise NotFound(f"no title with id {title_id!r}")
    country = (country or profile.country or None)
    if country is not None:
        country = check_country(country)
    labels = Labels(con)
    keys = {provider_key(s) for s in profile.services}
    rows = con.execute(
        f"""SELECT o.provider, o.monetization, o.country, o.quality, o.price, o.currency, o.url, o.source, o.via,
                   coalesce(o.as_of, CAST(o.fetched_at AS DATE)), s.first_seen, s.last_seen, {provider_key_sql('o.provider')}
            FROM offer o LEFT JOIN offer_seen s ON s.title_id = o.title_id AND s.provider = o.provider
                 AND s.monetization = o.monetization AND s.country IS NOT DISTINCT FROM o.country
                 AND s.via IS NOT DISTINCT FROM o.via
            WHERE o.title_id = ? AND (? IS NULL OR o.country IS NULL OR o.country = ?)
            ORDER BY o.country NULLS FIRST, list_position(?, o.monetization), o.provider""",
        [title_id, country, country, list(OFFER_TYPES)],
    ).fetchall()
    out = Where(title_id=title_id, title=row[0], year=row[1], country=country)
    sources = set()
    for provider, monetization, ctry, quality, price, currency, url, source, via, as_of, first, last, key in rows:
        out.offers.append(WhereOffer(
            provider=provider, monetization=monetization, country=ctry, quality=quality, price=price,
            currency=currency, url=url, provenance=labels.provenance(source, via, as_of), first_seen=first,
            last_seen=last, yours=key in keys and monetization in profile.offer_types,
        ))
        sources.add(source)
        if via:
            sources.add(via)
    if country is not None:
        out.other_countries = [c for (c,) in con.execute(
            "SELECT DISTINCT country FROM offer WHERE title_id = ? AND country IS NOT NULL AND country <> ? ORDER BY 1",
            [title_id, country]).fetchall()]
    out.status = airing(con, title_id, labels)
    out.credits = [c for (c,) in con.execute(
        "SELECT DISTINCT credit FROM source_info WHERE source IN (SELECT unnest(?)) AND credit IS NOT NULL ORDER BY 1",
        [sorted(sources)]).fetchall()]
    return out


def airing(con: duckdb.DuckDBPyConnection, title_id: str, labels: Labels) -> str | None:
    """A series' status and next episode as its source last gave them ("returning series · next episode
    S2E1 “Title” on 2026-12-03 — TMDB, 2026-11-20"); None when no source said."""
    st = con.execute(
        """SELECT status, next_air_date, next_season, next_episode, next_name, source, CAST(fetched_at AS DATE)
           FROM series_status WHERE title_id = ? ORDER BY fetched_at DESC NULLS LAST LIMIT 1""", [title_id]).fetchall()
    if not st:
        return None
    status, day, season, episode, name, source, as_of = st[0]
    nxt = (f"next episode S{season}E{episode}" + (f" “{name}”" if name else "") + f" on {day}") if day \
        else "no next episode announced"
    return f"{status or 'status unknown'} · {nxt} — {labels.provenance(source, None, as_of).text()}"


@dataclass
class OfferChange:
    title_id: str
    title: str
    year: int | None
    provider: str
    monetization: str
    country: str | None
    first_seen: date
    last_seen: date
    last_checked: date
    provenance: Provenance


@dataclass
class Changes:
    """Offers on the person's services that appeared, or were no longer seen, since ``since``."""

    since: date
    country: str | None
    services: list[str]
    new: list[OfferChange] = field(default_factory=list)
    gone: list[OfferChange] = field(default_factory=list)
    snapshots: int = 0  # titles whose offers were checked at least once


def offer_changes(con: duckdb.DuckDBPyConnection, profile: Profile, *, days: int = 7,
                  today: date | None = None) -> Changes:
    """Compare offer snapshots: an offer is new when first seen after its title's first check and on
    or after ``today - days``; no longer seen when its title was checked after the offer's last
    sighting, that check falling in the period. Only the profile's services, country and offer types."""
    if days < 1:
        raise BadInput("--days must be at least 1")
    today = today or date.today()
    since = today - timedelta(days=days)
    out = Changes(since=since, country=profile.country, services=list(profile.services))
    import ibis  # Ibis loads only for this report, not for every command

    from reelradar.analytics.engine import backend

    be = backend(con)
    seen, check, title = be.table("offer_seen"), be.table("offer_check"), be.table("title")
    out.snapshots = int(check.count().execute())
    if not profile.services or out.snapshots == 0:
        return out
    keys = sorted({provider_key(s) for s in profile.services})
    provider = seen.provider.lower().replace("+", " plus").re_replace("[^a-z0-9]", "")
    provider = provider.re_replace("(standard)?withads$", "").re_replace("^amazon(.)", "\\1")
    provider = ibis.cases(*((provider == k, v) for k, v in PROVIDER_ALIASES.items()), else_=provider)
    s = seen.mutate(key=provider)
    s = s.filter(s.key.isin(keys), s.monetization.isin(list(profile.offer_types)))
    if profile.country:
        s = s.filter(s.country.isnull() | (s.country == profile.country))
    j = s.join(check, [s.title_id == check.title_id, s.via == check.via]).join(title, s.title_id == title.id)
    j = j.select(s.title_id, title.title, title.year, s.provider, s.monetization, s.country, s.first_seen,
                 s.last_seen, check.first_checked, check.last_checked, s.source, s.via)
    new = j.filter(j.first_seen > j.first_checked, j.first_seen >= since, j.last_seen == j.last_checked)
    gone = j.filter(j.last_seen < j.last_checked, j.last_checked >= since)
    labels = Labels(con)
    for name, expr in (("new", new.order_by([ibis.desc("first_seen"), "title"])),
                       ("gone", gone.order_by([ibis.desc("last_checked"), "title"]))):
        for r in expr.execute().to_dict("records"):
            as_of = r["last_seen"] if name == "new" else r["last_checked"]
            getattr(out, name).append(OfferChange(
                title_id=r["title_id"], title=r["title"], year=_int(r["year"]), provider=r["provider"],
                monetization=r["monetization"], country=r["country"], first_seen=_day(r["first_seen"]),
                last_seen=_day(r["last_seen"]), last_checked=_day(r["last_checked"]),
                provenance=labels.provenance(r["source"], r["via"], _day(as_of)),
            ))
    return out


def _day(value: object) -> date:
    return value.date() if hasattr(value, "date") else value  # type: ignore[return-value]


def _int(value: object) -> int | None:
    try:
        return None if value is None or math.isnan(value) else int(value)  # type: ignore[arg-type,call-overload]
    except (TypeError, ValueError):
        return None
