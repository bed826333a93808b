"""Commands over the catalog: demo, picks, show, why."""

from __future__ import annotations

from datetime import date

import typer

from reelradar.analytics.availability import availability_of, current_profile, profile_filters
from reelradar.analytics.explain import ordinal, pct
from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import SORTS, PickList, pick_list
from reelradar.catalog.ensure import build_demo, open_for_reading
from reelradar.catalog.query import title_card
from reelradar.catalog.search import find_title
from reelradar.cli.app import command, limit_option, settings
from reelradar.cli.output import emit_json, jsonable, line, note, table
from reelradar.errors import NotFound
from reelradar.model import Availability, Pick, TitleCard
from reelradar.users.actions import your_history

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


def plural(n: int | None, noun: str) -> str | None:
    return None if n is None else f"{n} {noun}{'' if n == 1 else 's'}"



@command()
def demo(ctx: typer.Context, json: bool = JSON) -> None:
    """Build the demo catalog (offline): Wikidata films (CC0) and a hand-written series slice."""
    s = settings(ctx)
    report = build_demo(s)
    if json:
        emit_json({"path": str(report.path), "rows": report.rows, "failed": report.failed})
        return
    note(f"demo catalog built at {report.path}: {report.rows.get('title', 0):,} titles, "
         f"{report.rows.get('rating', 0):,} scores, {report.rows.get('credit', 0):,} credits")


@command("picks")
def picks_cmd(
    ctx: typer.Context,
    mode: str = typer.Option("radar", "--mode", help="radar: acclaimed but little known; top: most acclaimed; hot: breaking out in the charts."),
    kind: str | None = typer.Option(None, "--kind", help="movie, series, ..."),
    genre: str | None = typer.Option(None, "--genre", help="A genre, e.g. Crime."),
    year_from: int | None = typer.Option(None, "--year-from", help="Released in or after this year."),
    year_to: int | None = typer.Option(None, "--year-to", help="Released in or before this year."),
    service: list[str] = typer.Option([], "--service", help="Only titles on this service, or of unknown "
                                      "availability, marked (repeatable; default: your profile's)."),
    limit: int | None = limit_option(None, "How many picks, at least 1 (default: picks_limit)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many picks first (the next page)."),
    sort: str = typer.Option("best", "--sort", help="Order: " + "; ".join(f"{k} ({v})" for k, v in SORTS.items())
                             + "."),
    json: bool = JSON,
) -> None:
    """Acclaimed titles you have probably missed, each with the numbers that make it a pick. Titles you
    have seen, rated or dismissed are left out; with services, those known on yours come first."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    mine = your_history(s)
    filters = profile_filters(current_profile(s), Filters(kind=kind, genre=genre, year_from=year_from,
                                                          year_to=year_to, exclude=mine.leave_out), services=service)
    found = pick_list(con, s, mode=mode, filters=filters, limit=limit, offset=offset, today=date.today(),
                      history=mine.marks, sort=sort)
    if json:
        emit_json(found.to_dict())
        return
    show_picks(found)


def show_picks(found: PickList) -> None:
    """A pick list: in hot mode under the chart day it stands on (its age when old) and what was left
    out; then what narrowed it (services, your history) and the picks, each marked."""
    hot = found.hot
    if hot is not None:
        if hot.as_of is None:
            line("no chart data loaded: `reelradar update netflix` or `reelradar import chart FILE` brings some")
            return
        newer = (": the newest chart data loaded (`reelradar update netflix` or `reelradar import chart FILE` "
                 "brings newer)") if hot.stale else ""
        line(f"Breaking out {hot.as_of_text()}{newer}", style="bold")
        if hot.left_out_text():
            line(hot.left_out_text() or "")
    for text in found.notes():
        line(text)
    if not found.items:
        line("no title is breaking out in the newest charts with these filters" if hot is not None
             else "no picks match these filters")
    for i, p in enumerate(found.items, found.offset + 1):
        show_pick(i, p)
    shown = found.offset + len(found.items)
    if found.items and shown < found.total:
        line(f"{found.offset + 1}–{shown} of {found.total:,}: --offset {shown} for the next ones")


def show_pick(i: int, p: Pick) -> None:
    year = f" ({p.year})" if p.year else ""
    yours = f" · {p.history}" if p.history else ""
    genres = f" · {', '.join(p.genres[:3])}" if p.genres else ""
    line(f"{i}. {p.title}{year} · {p.kind}{genres} · acclaim {pct(p.acclaim)} · awareness {pct(p.awareness)} · "
         f"{p.id}{yours}", style="bold")
    line(f"   {p.reason}")
    if p.availability is not None:
        line(f"   {availability_line(p.availability)}")


def availability_line(a: Availability) -> str:
    """'watch on Prime Video (subscription, US) — …', 'availability unknown in US: …'."""
    return ("watch " + a.text) if a.status == "yours" else a.text


@command()
def show(ctx: typer.Context, title: str = typer.Argument(..., help="A title or an id."), json: bool = JSON) -> None:
    """A title card: facts, credits with characters, relations, where to watch, every score with its source."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    card = title_card(con, find_title(con, title))
    filters = profile_filters(current_profile(s))
    filters.check()
    available = availability_of(con, [card.id], filters).get(card.id)
    history = your_history(s).marks.get(card.id)
    if json:
        emit_json({**card.to_dict(), "availability": jsonable(available), "history": history})
        return
    print_card(card)
    if available is not None:
        line(availability_line(available))
    if history:
        line(f"you: {history}")


def print_card(card: TitleCard) -> None:
    years = f"{card.year}–{card.end_year}" if card.end_year else (str(card.year) if card.year else "year unknown")
    line(f"{card.title} ({years}) · {card.kind} · {card.id}", style="bold")
    facts = [", ".join(card.genres) or None, f"{card.runtime_min} min" if card.runtime_min else None,
             plural(card.season_count, "season"), plural(card.episode_count, "episode"), card.status,
             ", ".join(card.countries) or None, ", ".join(card.languages) or None]
    line(" · ".join(f for f in facts if f))
    if card.overview:
        line(card.overview)
    if card.airing:
        line(f"on air: {card.airing}")
    line(f"facts from {card.provenance.text()}")
    if card.pick:
        line(f"acclaim {pct(card.pick.acclaim)} · awareness {pct(card.pick.awareness)}", style="bold")
        for part in card.pick.scores:
            line(f"  score: {part.text}")
    if card.credits:
        table("Credits", ["name", "role", "character", "source"],
              [(c.name, c.role, c.character or "", c.source) for c in card.credits[:25]])
        if len(card.credits) > 25:
            line(f"  … and {len(card.credits) - 25} more credits (--json for all)")
    for r in card.relations:
        words = r.kind.replace("_", " ")
        note_ = f" ({r.note})" if r.note else ""
        if r.direction == "out":
            line(f"  {words}: {r.other_title}{note_} — {r.source}")
        else:
            line(f"  {r.other_title} is {words} this{note_} — {r.source}")
    for o in card.offers:
        where = o.country or "country not stated"
        line(f"  watch: {o.provider} ({o.monetization}, {where}) — {o.provenance.text()}")
    # a long-running series charts hundreds of times: show its best and latest places, --json has all
    shown = sorted(card.charts, key=lambda c: (c.rank, c.period_start))[:3]
    shown += [c for c in card.charts[-3:] if c not in shown]
    for c in sorted(shown, key=lambda c: c.period_start):
        where = c.country or "country not stated"
        line(f"  chart: #{c.rank} on {c.platform} {c.category or ''} ({where}), {c.period_start} — {c.provenance.text()}")
    if len(card.charts) > len(shown):
        line(f"  … {len(card.charts) - len(shown)} more chart entries: `reelradar chart-history` or --json")
    for n in card.chart_notes:
        weeks = f"{n.rows} chart row{'s' if n.rows != 1 else ''}, {n.first_period} to {n.last_period}"
        if n.candidate_id == card.id:
            line(f"  possibly charted: {n.platform}'s chart lists a '{n.raw_title}' ({weeks}) that may be this "
                 f"title, not counted: {n.why} — `reelradar why-match --chart {n.entry}`")
        else:
            line(f"  possibly {n.candidate} ({n.candidate_id})? not counted: {n.why} — "
                 f"confirm with `reelradar link --chart {n.entry} {n.candidate_id}`")


@command()
def why(ctx: typer.Context, title: str = typer.Argument(..., help="A title or an id."), json: bool = JSON) -> None:
    """The score breakdown of a title: each source, its uncertainty model, cohort and weight."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    card = title_card(con, find_title(con, title))
    if card.pick is None:
        raise NotFound(f"{card.title} ({card.id}) has no scores from any source")
    p = card.pick
    if json:
        emit_json(p.to_dict())
        return
    line(f"{p.title} ({p.year}) · {p.id}", style="bold")
    line(f"acclaim: {pct(p.acclaim)} (weighted mean of each source's cohort percentile)")
    table("Scores", ["source", "score", "count", "lower bound / weighted", "percentile", "cohort", "weight", "as of"],
          [(sp.provenance.source, f"{sp.value:g}/{sp.scale:g}", sp.count if sp.count is not None else "not reported",
            f"{sp.quality:.3f}", ordinal(sp.percentile) if sp.percentile is not None else "not comparable",
            f"{sp.cohort} ({sp.cohort_size})" if sp.cohort else "", f"{sp.weight:.2f}",
            sp.provenance.text()) for sp in p.scores])
    line(f"awareness: {pct(p.awareness)} (highest cohort percentile of the evidence below)")
    if p.awareness_parts:
        for e in p.awareness_parts:
            line(f"  {e.text}")
    else:
        line("  no evidence of reach: awareness unknown")
    line(f"evidence: {p.evidence:,} reviews and votes with known counts")
