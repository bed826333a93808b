"""The world around a title: spin-offs, sequels and prequels, shared characters and who plays them,
source works and their authors, franchises, and creators, as one small graph read from the catalog's
``relation``, ``work``, ``credit`` and ``title`` tables. Every edge keeps its source."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reelradar.analytics.explain import Labels
from reelradar.catalog.people import PEOPLE_OF_C
from reelradar.catalog.search import normalize
from reelradar.errors import BadInput, NotFound

KIND_WORDS = {
    "spin_off_of": "spin-off of", "sequel_of": "sequel to", "prequel_of": "prequel to", "remake_of": "remake of",
    "adapted_from": "adapted from", "same_universe": "same universe as", "shares_character": "shares a character with",
    "in_franchise": "part of the franchise", "in_universe": "set in the universe", "part_of_series": "part of the series",
}
# Edges that make two titles one story line; the root of a universe is reached by following them.
LINEAGE = ("spin_off_of", "sequel_of", "prequel_of")


@dataclass
class Node:
    id: str
    label: str
    node: str  # title or work
    kind: str | None  # series, movie, ... for titles; novel series, media franchise, ... for works
    year: int | None = None
    end_year: int | None = None
    author: str | None = None


@dataclass
class Edge:
    src: str
    dst: str
    kind: str
    note: str | None
    source: str


@dataclass
class Appearance:
    title_id: str
    title: str
    actor: str | None  # None when no source names who plays the character there
    source: str


@dataclass
class SharedCharacter:
    name: str
    appearances: list[Appearance]


@dataclass
class Creator:
    title_id: str
    name: str
    role: str
    source: str


@dataclass
class Universe:
    center: str
    name: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    characters: list[SharedCharacter] = field(default_factory=list)
    creators: list[Creator] = field(default_factory=list)
    truncated: bool = False

    def titles(self) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.node == "title"), key=lambda n: (n.year or 9999, n.label))

    def works(self) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.node == "work"), key=lambda n: n.label)


def universe(con: duckdb.DuckDBPyConnection, title_id: str, *, max_nodes: int = 40) -> Universe:
    """The graph around ``title_id``: every title and work reachable through relations (both ways),
    at most ``max_nodes`` of them, nearest first."""
    if max_nodes < 1:
        raise BadInput("--max must be at least 1")
    if con.execute("SELECT 1 FROM title WHERE id = ?", [title_id]).fetchone() is None:
        raise NotFound(f"no title with id {title_id!r}")
    labels = Labels(con)
    seen, queue = {title_id}, deque([title_id])
    edges: dict[tuple[str, str, str, str | None], str] = {}
    truncated = False
    while queue:
        current = queue.popleft()
        for src, dst, kind, note, source in con.execute(
            "SELECT src, dst, kind, note, source FROM relation WHERE src = ? OR dst = ? ORDER BY kind, src, dst",
            [current, current],
        ).fetchall():
            edges.setdefault((src, dst, kind, note), labels.name(source))
            for other in (src, dst):
                if other in seen:
                    continue
                if len(seen) >= max_nodes:
                    truncated = True
                    continue
                seen.add(other)
                queue.append(other)
    u = Universe(center=title_id, name="", truncated=truncated)
    ids = sorted(seen)
    for id_, label, kind, year, end_year in con.execute(
        "SELECT id, title, kind, year, end_year FROM title WHERE id IN (SELECT unnest(?))", [ids]
    ).fetchall():
        u.nodes[id_] = Node(id_, label, "title", kind, year, end_year)
    for id_, label, kind, author in con.execute(
        "SELECT DISTINCT ON (id) id, title, kind, author_name FROM work WHERE id IN (SELECT unnest(?))", [ids]
    ).fetchall():
        u.nodes.setdefault(id_, Node(id_, label, "work", kind, author=author))
    u.edges = [Edge(s, d, k, n, src) for (s, d, k, n), src in edges.items() if s in u.nodes and d in u.nodes]
    u.characters = shared_characters(con, u, labels)
    title_ids = [n.id for n in u.titles()]
    u.creators = [
        Creator(t, name, role, labels.name(source))
        for t, name, role, source in con.execute(
            f"""WITH c AS MATERIALIZED (SELECT * FROM credit WHERE title_id IN (SELECT unnest(?))
                                        AND role IN ('creator', 'author'))
                SELECT DISTINCT c.title_id, p.name, c.role, c.source FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id
                ORDER BY c.title_id, c.role DESC, p.name""",
            [title_ids],
        ).fetchall()
    ]
    u.name = universe_name(u)
    return u


def shared_characters(con: duckdb.DuckDBPyConnection, u: Universe, labels: Labels) -> list[SharedCharacter]:
    """Characters seen in two or more titles of the universe, with who plays them in each: from the
    credits' character names and from ``shares_character`` relations (whose note names the character)."""
    titles = {n.id: n for n in u.nodes.values() if n.node == "title"}
    by_char: dict[str, dict[str, Appearance]] = {}
    names: dict[str, str] = {}
    for title_id, actor, character, source in con.execute(
        f"""WITH c AS MATERIALIZED (SELECT * FROM credit
                       WHERE title_id IN (SELECT unnest(?)) AND "character" IS NOT NULL AND role = 'actor')
            SELECT DISTINCT c.title_id, p.name, c."character", c.source FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id""",
        [list(titles)],
    ).fetchall():
        for part in str(character).split(" / "):  # TMDB joins a person's several characters with " / "
            key = normalize(part)
            if not key:
                continue
            names.setdefault(key, part.strip())
            by_char.setdefault(key, {}).setdefault(
                title_id, Appearance(title_id, titles[title_id].label, actor, labels.name(source)))
    for e in u.edges:
        if e.kind == "shares_character" and e.note:
            key = normalize(e.note)
            names.setdefault(key, e.note)
            for t in (e.src, e.dst):
                if t in titles:
                    by_char.setdefault(key, {}).setdefault(t, Appearance(t, titles[t].label, None, e.source))
    out = []
    for key, apps in by_char.items():
        if len(apps) >= 2:
            ordered = sorted(apps.values(), key=lambda a: (titles[a.title_id].year or 9999, a.title))
            out.append(SharedCharacter(names[key], ordered))
    return sorted(out, key=lambda c: (-len(c.appearances), c.name))


def universe_name(u: Universe) -> str:
    """A franchise or fictional universe when the sources name one, else the title the lineage starts from."""
    for n in u.works():
        if n.kind in ("media franchise", "fictional universe"):
            return n.label
    root, seen = u.center, {u.center}
    while True:
        parents = sorted((e.dst for e in u.edges if e.src == root and e.kind in LINEAGE and e.dst not in seen
                          and u.nodes.get(e.dst, Node("", "", "work", None)).node == "title"),
                         key=lambda t: (u.nodes[t].year or 9999, t))
        if not parents:
            break
        root = parents[0]
        seen.add(root)
    return f"{u.nodes[root].label} universe"


def years(n: Node) -> str:
    if n.year is None:
        return "year unknown"
    return f"{n.year}–{n.end_year}" if n.end_year and n.end_year != n.year else str(n.year)


def universe_lines(u: Universe) -> list[str]:
    """The universe as plain lines of text, each fact with its source."""
    label = {i: n.label for i, n in u.nodes.items()}
    center = u.nodes[u.center]
    lines = [f"{u.name}: {len(u.titles())} titles around {center.label}"
             + (" (more were left out: raise --max)" if u.truncated else "")]
    lines.append("Titles:")
    for n in u.titles():
        mark = "  ← this title" if n.id == u.center else ""
        lines.append(f"  {n.label} ({years(n)}) · {n.kind} · {n.id}{mark}")
    if u.edges:
        lines.append("How they connect:")
        for e in sorted(u.edges, key=lambda e: (e.kind == "shares_character", e.kind, label[e.src], label[e.dst])):
            note = f" ({e.note})" if e.note and e.kind != "in_franchise" else ""
            lines.append(f"  {label[e.src]} — {KIND_WORDS.get(e.kind, e.kind.replace('_', ' '))} → {label[e.dst]}{note}"
                         f" — {e.source}")
    if u.characters:
        lines.append("Shared characters:")
        for c in u.characters:
            lines.append(f"  {c.name}:")
            for a in c.appearances:
                who = f"played by {a.actor}" if a.actor else "actor not given by the source"
                lines.append(f"    in {a.title}, {who} — {a.source}")
    works = u.works()
    if works:
        lines.append("Source works and franchises:")
        for w in works:
            by = f" by {w.author}" if w.author else ""
            users = sorted({label[e.src] for e in u.edges if e.dst == w.id})
            lines.append(f"  {w.label}{by} ({w.kind or 'work'}) — behind {', '.join(users)}")
    if u.creators:
        lines.append("Creators and authors:")
        by_title: dict[str, list[str]] = {}
        for cr in u.creators:
            by_title.setdefault(cr.title_id, []).append(f"{cr.name} ({cr.role}; {cr.source})")
        for t in [n.id for n in u.titles() if n.id in by_title]:
            lines.append(f"  {label[t]}: {', '.join(by_title[t])}")
    return lines


def plot_universe(u: Universe, path: Path) -> Path:
    """Draw the universe to ``path`` (PNG, SVG or PDF by its suffix): ``universe_figure``."""
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise BadInput(f"--plot {path}: use a .png, .svg or .pdf file name")
    import matplotlib.pyplot as plt

    fig = universe_figure(u)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path


def universe_figure(u: Universe) -> Any:
    """The universe as a matplotlib figure: titles along a time line, source works and franchises above
    them, each relation an arrow from box edge to box edge with its name placed where it touches no box
    and no other name, shared characters below. Nodes are the texts of zorder 3, relation names of 5."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles, works = u.titles(), u.works()
    pos: dict[str, tuple[float, float]] = {}
    for i, n in enumerate(titles):
        pos[n.id] = (i * 4.0, 0.0 if i % 2 == 0 else -1.3)
    width = max(len(titles), 2) * 4.0
    for i, w in enumerate(works):
        pos[w.id] = ((i + 0.5) * width / max(len(works), 1) - 1.5, 2.4)
    fig_w = max(8.0, 2.6 * max(len(titles), len(works)))
    fig, ax = plt.subplots(figsize=(fig_w, 6.5))
    ax.set_axis_off()
    colors = {"spin_off_of": "#d95f02", "sequel_of": "#1b9e77", "prequel_of": "#1b9e77", "remake_of": "#7570b3",
              "adapted_from": "#666666", "shares_character": "#e7298a"}
    ax.set_xlim(-2.5, width + 0.5)
    ax.set_ylim(-3.2, 3.2)
    # nodes first: edge labels are then placed where they touch no node and no other label
    taken = []
    for n in titles:
        x, y = pos[n.id]
        taken.append(ax.text(x, y, f"{n.label}\n{years(n)} · {n.kind}", ha="center", va="center", fontsize=10,
                             fontweight="bold" if n.id == u.center else "normal", zorder=3,
                             bbox={"boxstyle": "round,pad=0.5", "fc": "#fde0c5" if n.id == u.center else "#e8f1fa",
                                   "ec": "#335"}))
    for w in works:
        x, y = pos[w.id]
        by = f"\nby {w.author}" if w.author else ""
        taken.append(ax.text(x, y, f"{w.label}{by}\n({w.kind or 'work'})", ha="center", va="center", fontsize=9,
                             style="italic", zorder=3,
                             bbox={"boxstyle": "square,pad=0.5", "fc": "#f3f3f3", "ec": "#777"}))
    artist = dict(zip([n.id for n in titles] + [w.id for w in works], taken))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer).padded(4) for t in taken]
    pairs: dict[tuple[str, str], list[Edge]] = {}
    for e in u.edges:  # one arrow per pair of nodes, naming every relation between them
        pairs.setdefault((e.src, e.dst), []).append(e)
    for k, ((src, dst), group) in enumerate(sorted(pairs.items())):
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        kinds = [e.kind for e in group]
        main = next((c for c in ("spin_off_of", "sequel_of", "prequel_of", "remake_of", "adapted_from") if c in kinds),
                    kinds[0])
        bend = -0.2 if k % 2 else 0.2
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), zorder=4,  # clipped at the boxes (patchA, patchB)
                    arrowprops={"arrowstyle": "-|>", "color": colors.get(main, "#999999"), "lw": 1.6,
                                "patchA": artist[src].get_bbox_patch(), "patchB": artist[dst].get_bbox_patch(),
                                "shrinkA": 3, "shrinkB": 3, "connectionstyle": f"arc3,rad={bend}"})
        words = "\n".join(f"shares {e.note}" if e.kind == "shares_character" and e.note
                          else KIND_WORDS.get(e.kind, e.kind) for e in group)
        label = ax.text(0, 0, words, fontsize=8, ha="center", va="center", color=colors.get(main, "#555555"), zorder=5,
                        bbox={"fc": "white", "ec": "none", "alpha": 0.9, "pad": 1})
        boxes.append(_place_on_arc(label, renderer, boxes, (x1, y1), (x2, y2), bend))
    if u.characters:
        text = "Shared characters: " + "; ".join(
            f"{c.name} — " + ", ".join(f"{a.actor or 'actor unknown'} in {a.title}" for a in c.appearances)
            for c in u.characters[:4])
        ax.text(width / 2 - 1.5, -2.2, text, ha="center", va="center", fontsize=9, wrap=True)
    sources = sorted({e.source for e in u.edges})
    ax.set_title(f"{u.name} (around {u.nodes[u.center].label})", fontsize=13)
    ax.text(width / 2 - 1.5, -2.9, "Sources: " + ", ".join(sources), ha="center", fontsize=7, color="#555")
    return fig


def _place_on_arc(label: Any, renderer: Any, boxes: list[Any], a: tuple[float, float], b: tuple[float, float],
                  bend: float) -> Any:
    """Put an edge's label on its arc (matplotlib's arc3: a quadratic curve whose control point is pushed
    off the chord by ``bend``) at the first point, from the middle outwards, where it overlaps no box
    already drawn; a label with no free point stays at the middle. Returns the box it takes."""
    (x1, y1), (x2, y2) = a, b
    cx, cy = (x1 + x2) / 2 + bend * (y2 - y1), (y1 + y2) / 2 - bend * (x2 - x1)
    first = None
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
        x = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t ** 2 * x2
        y = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t ** 2 * y2
        label.set_position((x, y))
        box = label.get_window_extent(renderer).padded(2)
        first = first or (x, y, box)
        if not any(box.overlaps(other) for other in boxes):
            return box
    label.set_position(first[:2])  # type: ignore[index]
    return first[2]  # type: ignore[index]
