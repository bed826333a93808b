"""Acclaim, awareness and the parts behind them (DESIGN §5), as Ibis expressions.

Per rating, a *quality* on the source's own uncertainty model:
- percent-positive with a count (critics, audience): the Wilson lower bound at ``wilson_z``;
- a mean with a count (user or critic average): the Bayesian average v/(v+m)·R + m/(v+m)·C, with C the
  cohort's mean and m the cohort's ``bayes_m_quantile`` of counts, divided by the scale;
- Metascore: as given, divided by 100.
A count the source did not give is taken as ``unknown_count_floor`` (the fewest a source needs to
publish a score), so a lower bound stays a lower bound; the explanation says the count is unknown.

Each quality becomes a percentile within its cohort (kind × release decade; when fewer than
``min_cohort`` titles have that score there, the kind, then all titles; fewer still: not comparable).
Combined acclaim is the mean of a title's percentiles weighted by evidence n/(n + ``evidence_half``),
each source weighing once. Awareness is the highest cohort percentile of the known evidence of reach:
review counts, vote counts, box office, lifetime chart points; counts are ranked among titles with at
least ``awareness_min_count`` of them (below that: percentile 0). No evidence: awareness unknown.

Outputs: ``score_part``, ``awareness_part``, ``title_score`` and ``pick_base`` (the scored titles with
the columns picks filter on).
"""

from __future__ import annotations

import duckdb
import ibis
from ibis.expr.types import Table

from reelradar.analytics.engine import backend, materialize
from reelradar.config import Settings

PCT_METRICS = ("critic_pct", "audience_pct")
MEAN_METRICS = ("user_mean", "critic_mean")
CRITIC_METRICS = ("critic_pct", "critic_mean", "metascore")
USER_METRICS = ("user_mean", "audience_pct")


def cohort_percentiles(t: Table, keys: list[str], value: str, min_cohort: int) -> Table:
    """Add ``cohort`` (label), ``cohort_size`` and ``percentile`` of ``value`` within it.

    The cohort is the finest of kind × decade, kind, all titles that holds at least ``min_cohort``
    rows with the same ``keys``; NULL (not comparable) when none does. The percentile is the share of
    the cohort's other rows with a lower value (percent rank, 0..1), taken over the whole cohort.
    """
    levels = [[*keys, "kind", "decade"], [*keys, "kind"], keys]
    sizes = [t.count().over(ibis.window(group_by=g)) for g in levels]
    ranks = [t[value].percent_rank().over(ibis.window(group_by=g, order_by=t[value])) for g in levels]
    t = t.mutate(**{f"_n{i}": n for i, n in enumerate(sizes)}, **{f"_p{i}": p for i, p in enumerate(ranks)})
    ok = [t.decade.notnull() & (t._n0 >= min_cohort), t._n1 >= min_cohort, t._n2 >= min_cohort]
    labels = [t.kind.concat(" ", t.decade.cast("string"), "s"), t.kind, ibis.literal("all titles")]
    pick = lambda cols: ibis.cases(*zip(ok, cols), else_=ibis.null(cols[0].type()))
    return t.mutate(
        cohort=pick(labels),
        cohort_size=pick([t._n0, t._n1, t._n2]),
        percentile=pick([t._p0, t._p1, t._p2]),
    ).drop("_n0", "_n1", "_n2", "_p0", "_p1", "_p2")


def wilson_lower(positive: ibis.Value, n: ibis.Value, z: float) -> ibis.Value:
    """Wilson score interval lower bound for ``positive`` successes out of ``n``."""
    p = positive.cast("float64") / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * ((p * (1 - p) / n) + z2 / (4 * n * n)).sqrt()
    # clamp: at 0 positives the two terms cancel and rounding could leave -1e-18
    return ibis.greatest((centre - spread) / (1 + z2 / n), 0.0)


def score_parts(rating: Table, title: Table, s: Settings) -> Table:
    """One row per scored rating: quality, cohort, percentile and weight."""
    titles = title.select("id", "kind", decade=(title.year // 10) * 10)
    r = rating.join(titles, rating.title_id == titles.id).drop("id")
    n_eff = r["count"].fill_null(s.unknown_count_floor).cast("float64")
    r = r.mutate(count_known=r["count"].notnull(), n_eff=n_eff, share=(r.value / r.scale))
    r = cohort_percentiles(r, ["source", "metric"], "share", s.min_cohort)  # cohorts; share ranks replaced below

    # Bayesian prior of each cohort level, over the ratings whose counts are known.
    usable = r.count_known & r.metric.isin(MEAN_METRICS)
    known_share = ibis.cases((usable, r.share), else_=ibis.null("float64"))
    known_n = ibis.cases((usable, r["count"].cast("float64")), else_=ibis.null("float64"))
    levels = {"kd": ["source", "metric", "kind", "decade"], "k": ["source", "metric", "kind"], "all": ["source", "metric"]}
    r = r.mutate(
        **{f"_c_{k}": known_share.mean().over(ibis.window(group_by=g)) for k, g in levels.items()},
        **{f"_m_{k}": known_n.quantile(s.bayes_m_quantile).over(ibis.window(group_by=g)) for k, g in levels.items()},
    )
    at_level = lambda name: ibis.cases(
        (r.cohort == ibis.literal("all titles"), r[f"{name}_all"]),
        (r.cohort == r.kind, r[f"{name}_k"]),
        (r.cohort.notnull(), r[f"{name}_kd"]),
        else_=ibis.null("float64"),
    )
    r = r.mutate(prior_mean=at_level("_c"), prior_m=at_level("_m")).drop(
        *[f"_{x}_{k}" for x in "cm" for k in levels]
    )
    m = r.prior_m.fill_null(float(s.unknown_count_floor))
    c = r.prior_mean.fill_null(r.share)
    bayes = (r.n_eff / (r.n_eff + m)) * r.share + (m / (r.n_eff + m)) * c
    positive = r.positive.cast("float64").fill_null((r.share * r.n_eff).round())
    quality = ibis.cases(
        (r.metric.isin(PCT_METRICS), wilson_lower(ibis.least(positive, r.n_eff), r.n_eff, s.wilson_z)),
        (r.metric.isin(MEAN_METRICS), bayes),
        else_=r.share,
    )
    r = r.mutate(quality=quality, prior_m=m, prior_mean=c).drop("cohort", "cohort_size", "percentile")
    r = cohort_percentiles(r, ["source", "metric"], "quality", s.min_cohort)
    # Evidence weight; a source with several metrics for one title (Tomatometer and average rating)
    # weighs once in all.
    per_source = r.count().over(ibis.window(group_by=["title_id", "source"]))
    weight = (r.n_eff / (r.n_eff + s.evidence_half)) / per_source
    return r.mutate(weight=weight).select(
        "title_id", "source", "metric", "value", "scale", "count", "positive", "as_of", "via",
        "kind", "decade", "count_known", "n_eff", "quality", "prior_mean", "prior_m",
        "cohort", "cohort_size", "percentile", "weight",
    )


def awareness_parts(parts: Table, reach: Table, charts: Table, title: Table, s: Settings) -> Table:
    """One row per known piece of evidence of reach, with its cohort percentile."""
    known = parts.filter(parts.count_known)
    per_source = known.group_by(["title_id", "source", "metric"]).agg(n=known["count"].max())
    kind = ibis.cases((per_source.metric.isin(CRITIC_METRICS), "reviews"), else_="votes")
    counts = per_source.mutate(evidence=kind).group_by(["title_id", "evidence", "source"]).agg(
        value=per_source.n.max().cast("float64")
    )
    counts = counts.group_by(["title_id", "evidence"]).agg(
        value=counts.value.sum(), source=counts.source.group_concat(", ")
    )
    money = reach.filter(reach.metric == "box_office").group_by("title_id").agg(
        value=reach.value.max(), source=reach.source.first()
    ).mutate(evidence=ibis.literal("box_office"))
    placed = charts.filter(charts.title_id.notnull() & charts.points.notnull())
    lifetime = placed.group_by("title_id").agg(
        value=placed.points.sum().cast("float64"), source=placed.source.first()
    ).mutate(evidence=ibis.literal("chart_points"))
    def shape(t: Table) -> Table:  # one schema for the union (nullability differs between inputs)
        return t.select(
            title_id=t.title_id.cast("string"), evidence=t.evidence.cast("string"),
            value=t.value.cast("float64"), source=t.source.cast("string"),
        )

    ev = ibis.union(shape(counts), shape(money), shape(lifetime))
    titles = title.select("id", "kind", decade=(title.year // 10) * 10)
    ev = ev.join(titles, ev.title_id == titles.id).drop("id")
    # Review and vote counts are ranked among titles with at least `awareness_min_count` of them:
    # most catalog titles (IMDb's millions with a handful of votes) are not candidates for a pick,
    # and ranking against them would call a film with 500 votes widely known. Titles below the floor
    # are the least known of all: percentile 0.
    counted = ev.evidence.isin(["reviews", "votes"])
    ranked = cohort_percentiles(
        ev.filter(~counted | (ev.value >= s.awareness_min_count)), ["evidence"], "value", s.min_cohort
    )
    below = ev.filter(counted & (ev.value < s.awareness_min_count))
    below = below.mutate(
        cohort=ibis.literal(f"fewer than {s.awareness_min_count}"), cohort_size=ibis.null("int64"),
        percentile=ibis.literal(0.0),
    )
    return ibis.union(ranked, below.select(ranked.columns).cast(ranked.schema()))


def title_scores(parts: Table, aware: Table, title: Table) -> Table:
    scored = parts.filter(parts.percentile.notnull())
    acclaim = scored.group_by("title_id").agg(
        acclaim=(scored.percentile * scored.weight).sum() / scored.weight.sum(),
        acclaim_weight=scored.weight.sum(),
        acclaim_parts=scored.count(),
    )
    per_source = parts.filter(parts.count_known).group_by(["title_id", "source"]).agg(n=parts["count"].max())
    evidence = per_source.group_by("title_id").agg(evidence=per_source.n.sum())
    rated = parts.group_by("title_id").agg(rated_parts=parts.count())
    ranked = aware.filter(aware.percentile.notnull())
    top_evidence = ranked.evidence.argmax(ranked.percentile)
    awareness = ranked.group_by("title_id").agg(awareness=ranked.percentile.max(), awareness_basis=top_evidence)
    out = (
        rated.left_join(acclaim, "title_id").drop("title_id_right")
        .left_join(evidence, "title_id").drop("title_id_right")
        .left_join(awareness, "title_id").drop("title_id_right")
    )
    return out.mutate(evidence=out.evidence.fill_null(0))


def pick_base(scores: Table, title: Table) -> Table:
    """Scored titles with the title columns that filters read, ordered by acclaim: what picks scan."""
    joined = scores.join(title, scores.title_id == title.id)
    return joined.select(
        "id", "title", "kind", "year", "genres", "languages", "runtime_min", "acclaim", "awareness", "evidence"
    ).order_by(ibis.desc("acclaim"))


def compute_scores(con: duckdb.DuckDBPyConnection, s: Settings) -> None:
    """Derive ``score_part``, ``awareness_part`` and ``title_score`` inside a catalog build."""
    be = backend(con)
    title, rating = be.table("title"), be.table("rating")
    # Stored in title order: a title page or a story reads one title's rows, found without a scan.
    materialize(be, "score_part", score_parts(rating, title, s).order_by("title_id"))
    parts = be.table("score_part")
    materialize(be, "awareness_part", awareness_parts(parts, be.table("reach"), be.table("chart_entry"), title, s)
                .order_by("title_id"))
    materialize(be, "title_score", title_scores(parts, be.table("awareness_part"), title).order_by("title_id"))
    materialize(be, "pick_base", pick_base(be.table("title_score"), title))
    con.execute("DELETE FROM meta WHERE key LIKE 'scores.%'")
    for key in ("wilson_z", "bayes_m_quantile", "min_cohort", "unknown_count_floor", "evidence_half",
                "awareness_min_count"):
        con.execute("INSERT INTO meta VALUES (?, ?)", [f"scores.{key}", str(getattr(s, key))])
