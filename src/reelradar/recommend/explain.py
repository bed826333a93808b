"""Reasons in plain words, built only from catalog facts held in the content index.

For "more like this": what a candidate shares with the seed, strongest first (universe and
relations, characters with their actors, source material and author, people, genres, words of the
overview, era). For "for you": which of the titles the person liked it resembles and why (never one they
rated low: recommend/opinion.py decides), the disliked one that pulled it down, and the scores.
"""

from __future__ import annotations

import numpy as np

from reelradar.analytics.explain import LITTLE_KNOWN, WIDELY_KNOWN
from reelradar.model import Reason
from reelradar.recommend.content import DISLIKE_SHARE
from reelradar.recommend.features import BLOCKS, ROLES, ContentIndex
from reelradar.users.actions import rating_words

RELATION_WORDS = {
    "spin_off_of": "spin-off of", "sequel_of": "sequel to", "prequel_of": "prequel to", "remake_of": "remake of",
    "same_universe": "set in the same universe as",
}
AGAINST_SHOWN = 0.25  # "…: less of this" shown from this share of the closest liked title's lift
ROLE_WORDS = {"director": "directed by", "creator": "created by", "writer": "written by", "producer": "produced by",
              "author": "from a work by"}


def _shared(index: ContentIndex, a: int, b: int) -> dict[str, list[tuple[int, float]]]:
    """Features rows ``a`` and ``b`` share, per block, with their contribution to the similarity."""
    m = index.matrix  # rows read straight from the CSR arrays: scipy's row slicing costs more than the work
    a_cols, a_vals = m.indices[m.indptr[a]:m.indptr[a + 1]], m.data[m.indptr[a]:m.indptr[a + 1]]
    b_cols, b_vals = m.indices[m.indptr[b]:m.indptr[b + 1]], m.data[m.indptr[b]:m.indptr[b + 1]]
    common, ia, ib = np.intersect1d(a_cols, b_cols, assume_unique=True, return_indices=True)
    out: dict[str, list[tuple[int, float]]] = {}
    for fid, va, vb in zip(common, a_vals[ia], b_vals[ib]):
        out.setdefault(BLOCKS[int(index.feature_block[fid])], []).append((int(fid), float(va * vb)))
    for pairs in out.values():
        pairs.sort(key=lambda t: (-t[1], t[0]))
    return out


def _credits(index: ContentIndex, i: int) -> list[tuple[int, str, str | None, int]]:
    """(person feature, role, character, source) of title ``i``."""
    lo, hi = int(index.credit_ptr[i]), int(index.credit_ptr[i + 1])
    return [
        (int(index.credit_feature[k]), ROLES[int(index.credit_role[k])], index.credit_character[k],
         int(index.credit_source[k]))
        for k in range(lo, hi)
    ]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _words(kind: str) -> str:
    return "novels" if "novel" in kind.lower() else ("comics" if "comic" in kind.lower() else kind.lower())


def relation_reasons(index: ContentIndex, seed: int, cand: int) -> list[Reason]:
    """How the candidate and the seed are related: directly, or through a title both relate to."""
    name = lambda i: str(index.names[i])
    rels = [r for r in index.relations.get(cand, []) if r[0] in RELATION_WORDS]
    direct = [r for r in rels if r[2] == seed]
    if direct:
        _, direction, _, _, source = direct[0]
        words = " and ".join(dict.fromkeys(RELATION_WORDS[r[0]] for r in direct if r[1] == direction))
        article = "" if words.startswith("set in") else "a "
        text = f"{words} {name(seed)}" if direction == "out" else f"{name(seed)} is {article}{words} {name(cand)}"
        return [Reason(f"same universe: {text}", "relation", index.sources[source])]
    seed_others = {r[2] for r in index.relations.get(seed, []) if r[0] in RELATION_WORDS}
    via = [r for r in rels if r[2] in seed_others]
    if via:
        hub = via[0][2]
        words = " and ".join(dict.fromkeys(RELATION_WORDS[r[0]] for r in via if r[2] == hub and r[1] == "out"))
        if words:
            return [Reason(f"same universe: {words} {name(hub)}", "relation", index.sources[via[0][4]])]
        seed_rel = [r for r in index.relations.get(seed, []) if r[2] == cand or r[2] == hub]
        if seed_rel:
            return [Reason(f"same universe as {name(seed)} (through {name(hub)})", "relation",
                           index.sources[seed_rel[0][4]])]
    return []


def like_reasons(index: ContentIndex, seed: int, cand: int, limit: int = 5) -> list[Reason]:
    """Why ``cand`` is like ``seed``, strongest first, every fact from the index."""
    shared = _shared(index, seed, cand)
    label = lambda fid: str(index.feature_label[fid])
    cand_credits = _credits(index, cand)
    by_person: dict[int, list[tuple[str, str | None, int]]] = {}
    for fid, role, character, source in cand_credits:
        by_person.setdefault(fid, []).append((role, character, source))
    scored: list[tuple[float, Reason]] = []
    if "universe" in shared:
        for reason in relation_reasons(index, seed, cand):
            scored.append((sum(v for _, v in shared["universe"]), reason))
    named_people: set[int] = set()
    for fid, weight in shared.get("character", [])[:2]:
        key = _norm(label(fid))
        actors = [(pf, src) for pf, role, ch, src in cand_credits if role == "actor" and ch and _norm(ch) == key]
        if actors:
            named_people.add(actors[0][0])
            scored.append((weight, Reason(f"{label(fid)} ({label(actors[0][0])}) appears", "character",
                                          index.sources[actors[0][1]])))
        else:
            scored.append((weight, Reason(f"{label(fid)} appears", "character")))
    works = index.works.get(cand, [])
    source_feats = shared.get("source", [])
    if source_feats:
        keys = {str(index.feature_key[f]).split(":", 1)[1] for f, _ in source_feats}
        work_titles = {label(f) for f, _ in source_feats}
        weight = sum(v for _, v in source_feats)
        same_work = [w for w in works if w[0] in work_titles]
        if same_work:
            w = same_work[0]
            scored.append((weight, Reason(f"based on the same {w[0]}", "source", index.sources[w[3]])))
        elif works and works[0][2]:
            w = works[0]
            scored.append((weight, Reason(f"based on {w[2]}'s {_words(w[1])}", "source", index.sources[w[3]])))
        else:
            authors = [label(f) for f, _ in source_feats]
            scored.append((weight, Reason(f"from a work by {', '.join(authors[:2])}", "source")))
        named_people |= {f for f, _ in shared.get("crew", []) if str(index.feature_key[f]).split(":", 1)[1] in keys}
    for fid, weight in shared.get("crew", [])[:2]:
        if fid in named_people:
            continue
        roles = [r for r, _, _ in by_person.get(fid, [])]
        main_role = next((r for r in ("creator", "director", "writer", "producer") if r in roles), None)
        words = ROLE_WORDS.get(main_role or "", "made by")
        src = by_person.get(fid, [("", None, -1)])[0][2]
        scored.append((weight, Reason(f"also {words} {label(fid)}", "people", index.sources[src] if src >= 0 else None)))
    cast = [(f, w) for f, w in shared.get("cast", []) if f not in named_people][:3]
    if cast:
        scored.append((sum(w for _, w in cast), Reason("also with " + ", ".join(label(f) for f, _ in cast), "people")))
    for block, words in (("genre", "also {}"), ("keyword", "keywords: {}"), ("text", "story words in common: {}")):
        feats = shared.get(block, [])[:4]
        if feats:
            scored.append((sum(w for _, w in feats), Reason(words.format(", ".join(label(f) for f, _ in feats)), block)))
    ys, yc = index.year[seed], index.year[cand]
    if not (np.isnan(ys) or np.isnan(yc)) and int(ys) // 10 == int(yc) // 10:
        scored.append((0.01, Reason(f"also from the {int(yc) // 10 * 10}s", "era")))
    scored.sort(key=lambda t: -t[0])
    return [r for _, r in scored[:limit]]


def score_reason(index: ContentIndex, i: int) -> Reason:
    """Acclaim and awareness of a title in words, each with its number out of 100 (its percentile within
    the title's cohort), or unknown; the sources are on the title's page and in ``reelradar why``.

    Words: "highly acclaimed" at acclaim 80 or more, "well reviewed" at 60 or more, else just the
    number; "little known" at awareness 30 or less, "widely known" at 80 or more (analytics/explain.py)."""
    acclaim, awareness = float(index.acclaim[i]), float(index.awareness[i])
    if np.isnan(acclaim):
        said = ["acclaim unknown"]
    else:
        word = "highly acclaimed" if acclaim >= 0.8 else "well reviewed" if acclaim >= 0.6 else "acclaim"
        said = [f"{word} ({acclaim * 100:.0f} of 100)" if word != "acclaim" else f"acclaim {acclaim * 100:.0f} of 100"]
    if np.isnan(awareness):
        said.append("how widely known is unknown")
    else:
        word = ("little known" if awareness <= LITTLE_KNOWN else "widely known" if awareness >= WIDELY_KNOWN
                else "awareness")
        said.append(f"{word} ({awareness * 100:.0f} of 100)" if word != "awareness"
                    else f"awareness {awareness * 100:.0f} of 100")
    when = f" (scores as of {index.scores_as_of[:10]})" if index.scores_as_of else ""
    return Reason(", ".join(said) + when, "acclaim")


def history_words(action: str, rating: float | None, scale: float | None) -> str:
    """How the person met a title: 'you rated it 9/10', 'you rated it 4.5★', 'you liked it'..."""
    if action == "rated" and rating is not None:
        return f"you rated it {rating_words(rating, scale)}"
    return {"liked": "you liked it", "watched": "you watched it", "watchlist": "it is on your watchlist"}.get(
        action, f"you {action} it")


def against_words(name: str, action: str, rating: float | None, scale: float | None) -> str:
    """How the person turned against a title: 'you rated Lost Highway 2/10', 'you dismissed Cats'."""
    if action == "rated" and rating is not None:
        return f"you rated {name} {rating_words(rating, scale)}"
    return f"you {action} {name}"


def because_reasons(index: ContentIndex, history: dict[int, float], words: dict[int, str],
                    cands: list[int], against: dict[int, str] | None = None) -> dict[int, list[Reason]]:
    """For-you: for each candidate, the two liked titles of the person's it resembles most, with what
    they share (one sparse product for all candidates); never a disliked or neutral title (weight ≤ 0).

    ``against`` (a disliked title's position → 'you rated Lost Highway 2/10') adds '…: less of this'
    where a disliked title moved the candidate down by at least ``AGAINST_SHOWN`` of what its closest
    liked title lifted it (or at all, when no liked title is like it)."""
    out: dict[int, list[Reason]] = {c: [] for c in cands}
    if not cands:
        return out
    cand_rows = index.matrix[np.asarray(cands, dtype=np.int64)].T
    liked = sorted(p for p, w in history.items() if w > 0)
    best_lift = np.zeros(len(cands))
    if liked:
        pos = np.asarray(liked, dtype=np.int64)
        wts = np.asarray([history[p] for p in liked])
        sims = (index.matrix[pos] @ cand_rows).toarray() * wts[:, None]
        best_lift = sims.max(axis=0)
        for j, cand in enumerate(cands):
            for k in np.lexsort((pos, -sims[:, j]))[:2]:
                if sims[k, j] <= 0:
                    break
                h = int(pos[k])
                shared = like_reasons(index, h, cand, limit=2)
                detail = "; ".join(r.text for r in shared)
                out[cand].append(Reason(f"like {index.names[h]} ({words.get(h, 'in your history')})"
                                        + (f": {detail}" if detail else ""), "taste",
                                        shared[0].source if shared else None))
    disliked = sorted(p for p in (against or {}) if history.get(p, 0.0) < 0)
    if disliked and against:
        pos = np.asarray(disliked, dtype=np.int64)
        pull = (index.matrix[pos] @ cand_rows).toarray() * (DISLIKE_SHARE * -np.asarray([history[p] for p in disliked]))[:, None]
        for j, cand in enumerate(cands):
            k = int(np.lexsort((pos, -pull[:, j]))[0])
            if pull[k, j] > 0 and pull[k, j] >= AGAINST_SHOWN * best_lift[j]:
                out[cand].append(Reason(f"{against[int(pos[k])]}: less of this", "taste"))
    return out
