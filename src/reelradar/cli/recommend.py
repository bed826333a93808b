"""Commands: ``like`` (more like this), ``recommend`` (for you, radar, hot) and ``eval`` (offline protocol)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reelradar.analytics.availability import ServiceCheck, current_profile, profile_filters
from reelradar.analytics.filters import Filters
from reelradar.catalog.ensure import open_for_reading
from reelradar.cli.app import command, limit_option, settings
from reelradar.cli.output import emit_json, line, note
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Interaction, Profile
from reelradar.users.actions import history_marks

if TYPE_CHECKING:  # scipy and friends load only when a recommendation is asked for
    from reelradar.recommend.base import Recommendation

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
KIND = typer.Option(None, "--kind", help="movie, series, ...")
GENRE = typer.Option(None, "--genre", help="A genre, e.g. Crime.")
YEAR_FROM = typer.Option(None, "--year-from", help="Released in or after this year.")
YEAR_TO = typer.Option(None, "--year-to", help="Released in or before this year.")
LANGUAGE = typer.Option(None, "--language", help="A language, e.g. English.")
RUNTIME_MIN = typer.Option(None, "--runtime-min", help="At least this many minutes.")
RUNTIME_MAX = typer.Option(None, "--runtime-max", help="At most this many minutes.")
SERVICE = typer.Option([], "--service", help="Only titles on this service (repeatable; default: your profile's).")
COUNTRY = typer.Option(None, "--country", help="Your country for --service (default: your profile's).")
LIMIT = limit_option(None, "How many, at least 1 (default: recommend_limit).")


def load_history(s: Settings) -> tuple[list[Interaction], Profile | None, str | None]:
    """The person's interactions and profile from the user store, or a note saying there are none."""
    try:
        from reelradar.users.store import UserStore
    except ImportError:  # pragma: no cover - the store ships with the package
        return [], None, "no history imported: the user store is not available"
    if not s.users_path.exists():
        return [], None, "no history imported yet: `reelradar import imdb|letterboxd|trakt FILE` adds yours"
    with UserStore(s.users_path) as store:
        interactions, profile = store.interactions(), store.profile()
    if not interactions:
        return [], profile, "no history imported yet: `reelradar import imdb|letterboxd|trakt FILE` adds yours"
    return interactions, profile, None


def make_filters(s: Settings, interactions: list[Interaction], *, kind: str | None,
                 genre: str | None, year_from: int | None, year_to: int | None, language: str | None,
                 runtime_min: int | None, runtime_max: int | None, service: list[str], country: str | None,
                 unseen: bool) -> Filters:
    """The flags, narrowed to the services as every list is (flags first, then the profile, then the
    settings: ``profile_filters``); with ``unseen``, the titles of the person's history left out."""
    seen = history_marks(interactions).leave_out if unseen else []
    return profile_filters(current_profile(s), Filters(
        kind=kind, genre=genre, year_from=year_from, year_to=year_to, language=language, runtime_min=runtime_min,
        runtime_max=runtime_max, exclude=seen), services=service, country=country)


def limit_of(limit: int | None, s: Settings) -> int:
    """``--limit``, or the setting when not given (0 is refused, not read as "the default")."""
    return s.recommend_limit if limit is None else limit


def show_recommendations(items: list[Recommendation], check: ServiceCheck | None = None) -> None:
    if check is not None:
        line(check.text())
    for n, r in enumerate(items, 1):
        year = f" ({r.year})" if r.year else ""
        yours = f" · {r.history}" if r.history else ""
        # the rank is the answer: a raw score means something else in `like` (how alike) and `recommend`
        # (a blend of models), so it is left to --json, whose docs say each one's scale
        line(f"{n}. {r.title}{year} · {r.kind} · {r.id}{yours}", style="bold")
        for reason in r.reasons:
            src = f" [{reason.source}]" if reason.source else ""
            line(f"   - {reason.text}{src}")
        if r.availability is not None and r.availability.status != "yours":  # yours: a "watch on" reason
            line(f"   - {r.availability.text}")
        line(f"   facts: {r.facts_from}")


@command()
def like(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="A title or an id."),
    kind: str | None = KIND, genre: str | None = GENRE, year_from: int | None = YEAR_FROM,
    year_to: int | None = YEAR_TO, language: str | None = LANGUAGE, runtime_min: int | None = RUNTIME_MIN,
    runtime_max: int | None = RUNTIME_MAX, service: list[str] = SERVICE, country: str | None = COUNTRY,
    unseen: bool = typer.Option(False, "--unseen", help="Leave out titles in your history (else they are marked)."),
    limit: int | None = LIMIT, json: bool = JSON,
) -> None:
    """More like this: titles sharing the universe, characters, source, people, genres and story of TITLE."""
    from reelradar.recommend.service import more_like

    s = settings(ctx)
    con = open_for_reading(s, note)
    interactions, _, _ = load_history(s)
    filters = make_filters(s, interactions, kind=kind, genre=genre, year_from=year_from, year_to=year_to,
                           language=language, runtime_min=runtime_min, runtime_max=runtime_max,
                           service=service, country=country, unseen=unseen)
    found = more_like(con, s, title, filters=filters, interactions=interactions, limit=limit_of(limit, s))
    if json:
        emit_json(found.to_dict())
        return
    seed = found.seed
    year = f" ({seed.year})" if seed.year else ""
    line(f"More like {seed.title}{year}:", style="bold")
    if found.too_little or found.basis:
        line(found.too_little or found.basis or "")
    if not found.items and not found.too_little:
        line(found.empty or "no title matches these filters")
    show_recommendations(found.items, found.services)


@command("recommend")
def recommend_cmd(
    ctx: typer.Context,
    mode: str = typer.Option("for-you", "--mode", help="for-you; radar: acclaimed but little known; hot: breaking out."),
    kind: str | None = KIND, genre: str | None = GENRE, year_from: int | None = YEAR_FROM,
    year_to: int | None = YEAR_TO, language: str | None = LANGUAGE, runtime_min: int | None = RUNTIME_MIN,
    runtime_max: int | None = RUNTIME_MAX, service: list[str] = SERVICE, country: str | None = COUNTRY,
    ratings: Path | None = typer.Option(None, "--ratings", help="MovieLens-format ratings.csv for the collaborative part."),
    links: Path | None = typer.Option(None, "--links", help="Its links.csv (movieId,imdbId,tmdbId)."),
    limit: int | None = LIMIT, json: bool = JSON,
) -> None:
    """For you: from your imported history, blended with acclaim, diversified, never what you have seen."""
    from reelradar.recommend.service import recommend_for

    s = settings(ctx)
    con = open_for_reading(s, note)
    interactions, _, missing = load_history(s)
    filters = make_filters(s, interactions, kind=kind, genre=genre, year_from=year_from, year_to=year_to,
                           language=language, runtime_min=runtime_min, runtime_max=runtime_max,
                           service=service, country=country, unseen=True)
    ratings = ratings or s.ratings_file
    links = links or s.links_file
    result = recommend_for(con, s, interactions, mode=mode, filters=filters, limit=limit_of(limit, s),
                           ratings=ratings, links=links)
    notes = ([missing] if missing else []) + result.notes
    if result.unmatched:
        notes.append(f"{result.unmatched} history entries are not in the catalog and were left out")
    if json:
        emit_json({"mode": mode, "history": result.history, "unmatched": result.unmatched,
                   "collaborative": result.collaborative, "notes": notes, "items": [r.to_dict() for r in result.items],
                   "services": result.services.to_dict() if result.services else None})
        return
    for n_ in notes:
        note(n_)
    if not result.items:
        line("no title matches these filters")
    show_recommendations(result.items, result.services)


@command("eval")
def eval_cmd(
    ctx: typer.Context,
    ratings: Path = typer.Argument(..., help="MovieLens-format ratings.csv (userId,movieId,rating,timestamp)."),
    links: Path | None = typer.Option(None, "--links", help="links.csv: adds catalog content to the hybrid."),
    split: str = typer.Option("random", "--split", help="random or temporal per-user holdout."),
    test_fraction: float = typer.Option(0.2, "--test-fraction", help="Share of each user's items held out."),
    model: list[str] = typer.Option([], "--model", help="popular, itemknn, ease, als, hybrid, radar (repeatable; default all)."),
    users: int | None = typer.Option(None, "--users", help="Evaluate at most this many test users (seeded sample)."),
    min_rating: float | None = typer.Option(None, "--min-rating", help="Count only ratings at or above this."),
    seed: int = typer.Option(42, "--seed", help="Seed of the split and the samples."),
    reg: float = typer.Option(300.0, "--reg", help="EASE's L2 regularisation (also inside the hybrid)."),
    top_n: Path | None = typer.Option(None, "--top-n", help="Instead: fit on the whole file and write top N per user to this CSV."),
    n: int = typer.Option(20, "--n", help="With --top-n: how many per user."),
    out: Path | None = typer.Option(None, "--out", help="Also write the results table (Markdown) here."),
    json: bool = JSON,
) -> None:
    """Offline evaluation on a MovieLens-format file: Recall@20, NDCG@10, coverage, popularity, novelty."""
    from reelradar.recommend.evaluate import MODEL_NAMES, fit_and_write, results_table, run_eval

    s = settings(ctx)
    content = _content(s, note) if links is not None else None
    if top_n is not None:
        if len(model) > 1:
            raise BadInput("--top-n writes one model's recommendations: give at most one --model")
        rows = fit_and_write(ratings, top_n, model=model[0] if model else "hybrid", n=n, links=links,
                             content=content, min_rating=min_rating, reg=reg)
        if json:
            emit_json({"written": str(top_n), "rows": rows})
        else:
            note(f"wrote {rows:,} recommendations to {top_n}")
        return
    report = run_eval(ratings, links=links, content=content, split=split, test_fraction=test_fraction,
                      models=model or MODEL_NAMES, max_users=users, min_rating=min_rating, seed=seed, reg=reg,
                      progress=note)
    table = results_table(report.results)
    if out is not None:
        out.write_text(f"{report.ratings}: {report.users:,} users, {report.items:,} items, "
                       f"{report.interactions:,} interactions; {report.split} holdout of {report.test_fraction:g}, "
                       f"{report.test_users:,} test users\n\n{table}", encoding="utf-8")
    if json:
        emit_json(report)
        return
    line(f"{report.users:,} users, {report.items:,} items, {report.interactions:,} interactions; "
         f"{report.split} holdout {report.test_fraction:g}; {report.test_users:,} test users")
    line(table)


def _content(s: Settings, notify) -> object | None:  # type: ignore[no-untyped-def]
    """The content model over the catalog, for the hybrid (None when there is no catalog)."""
    from reelradar.catalog.db import open_catalog
    from reelradar.recommend.content import ContentModel, load_index

    if not s.catalog_path.exists():
        notify("no catalog: the hybrid runs without content features")
        return None
    con = open_catalog(s.catalog_path)
    try:
        return ContentModel(load_index(con, s))
    finally:
        con.close()
