"""Inline SVG drawings of the title page: the rank-and-points plot over time and the universe graph.

Pure functions from records to markup. Every piece of text goes through ``escape``; numbers are
formatted here, so nothing a source sent can become markup.

One drawing serves the desktop and the phone page, which scale it to their width and set its text in
different sizes; layout assumes the largest text the style sheet gives (``PLOT_FONT`` and the graph
fonts) and an average glyph of ``GLYPH`` em, so labels placed apart at that size stay apart at every size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from markupsafe import Markup, escape

from reelradar.model import ChartPoint
from reelradar.web.urls import title_url

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d")
PLOT_FONT = 17.0  # svg.plot text on a phone (style.css)
NODE_FONT, EDGE_FONT = 15.0, 13.0  # svg.graph text and edge labels on a phone
GLYPH = 0.6
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Box = tuple[float, float, float, float]


def text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def wrap(text: str, size: float, room: float) -> list[str]:
    """Words of ``text`` in rows no wider than ``room``; a word too long for a row is cut with '…'."""
    most = max(int(room / (size * GLYPH)), 4)
    rows: list[str] = []
    for word in text.split():
        word = word if len(word) <= most else word[: most - 1] + "…"
        if rows and len(rows[-1]) + 1 + len(word) <= most:
            rows[-1] += " " + word
        else:
            rows.append(word)
    return rows or [""]


@dataclass
class PlotLine:
    """One chart run: a platform, country and category, its (period start, rank, points) and source."""

    name: str
    points: list[tuple[date, int, int | None]]
    provenance: str


def lines_from_entries(entries: list[ChartPoint]) -> list[PlotLine]:
    """Chart entries grouped into one line per platform, category and country."""
    lines: dict[str, PlotLine] = {}
    for p in sorted(entries, key=lambda e: e.period_start):
        where = "worldwide" if p.country == "world" else (p.country or "country not stated")
        name = f"{p.platform}{' ' + p.category if p.category else ''} ({where})"
        line = lines.setdefault(name, PlotLine(name, [], p.provenance.text()))
        line.points.append((p.period_start, p.rank, p.points))
    return list(lines.values())


def runs(points: list[tuple[date, int, int | None]]) -> list[list[tuple[date, int, int | None]]]:
    """A line's points split wherever a step is longer than one and a half of its shortest step (its
    period): the weeks or days it was out of the chart are a gap, not a line across them."""
    pts = sorted(points)
    steps = [(b[0] - a[0]).days for a, b in pairwise(pts)]
    period = min((s for s in steps if s > 0), default=1)
    out: list[list[tuple[date, int, int | None]]] = []
    for i, p in enumerate(pts):
        if i == 0 or steps[i - 1] > 1.5 * period:
            out.append([])
        out[-1].append(p)
    return out


def tick_candidates(first: date, last: date) -> tuple[list[date], str]:
    """Dates to label and their format by the span: days for up to three months, the first of each
    month for up to three years, the first of each year beyond."""
    span = (last - first).days
    if span <= 92:
        return [], "day"
    if span <= 3 * 366:
        months = [date(y, m, 1) for y in range(first.year, last.year + 1) for m in range(1, 13)]
        return [d for d in months if first <= d <= last], "month"
    return [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)], "year"


def tick_label(d: date, kind: str) -> str:
    if kind == "year":
        return str(d.year)
    if kind == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return d.isoformat()


def thin_ticks(cands: list[tuple[float, str]], lo: float, hi: float) -> list[tuple[float, str]]:
    """Every n-th candidate for the smallest n at which no two labels (measured at the largest font)
    touch, each label kept inside [lo, hi]."""
    fits = [(x, t) for x, t in cands if lo <= x - text_width(t, PLOT_FONT) / 2 and x + text_width(t, PLOT_FONT) / 2 <= hi]
    for step in range(1, len(fits) + 1):
        chosen = fits[::step]
        if all(b[0] - a[0] >= (text_width(a[1], PLOT_FONT) + text_width(b[1], PLOT_FONT)) / 2 + PLOT_FONT
               for a, b in pairwise(chosen)):
            return chosen
    return fits[:1]


def rank_plot(lines: list[PlotLine], *, width: int = 640, height: int = 260) -> Markup:
    """Rank (line, #1 at the top) and chart points (bars, summed per period) over time, one colour per
    chart; a gap in a run is left open and a lone week is a dot. The legend sits below the axes, one
    row per chart, so it never leaves the frame. Empty markup when there is no chart history."""
    lines = lines[: len(PALETTE)]
    points = [(d, r, p, line) for line in lines for d, r, p in line.points]
    if not points:
        return Markup("")
    row = PLOT_FONT * 1.3
    left, right, top = 8 + text_width("#10", PLOT_FONT) + 6, 12.0, 12.0
    plot_w, plot_h = width - left - right, height - top - 2 * row - 8
    days = sorted({d for d, _, _, _ in points})
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    gaps = [(b - a).days for a, b in pairwise(days)]
    max_rank = max(10, max(r for _, r, _, _ in points))
    per_day: dict[date, int] = defaultdict(int)
    for d, _, pts, _ in points:
        per_day[d] += pts or 0
    max_points = max(per_day.values()) or 1
    # Bars as wide as the closest two periods allow, and the time axis inset by half a bar so the
    # first and last bars stay inside the axes.
    bar_w = max(2.0, min(24.0, 0.7 * plot_w * min(gaps, default=span) / span if gaps else 24.0))
    inset = bar_w / 2 + 6

    def x(d: date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + inset + (plot_w - 2 * inset) * (d - first).days / span

    def y_rank(rank: int) -> float:
        return top + 6 + (plot_h - 12) * (rank - 1) / max(max_rank - 1, 1)

    legend_rows = [(i, part) for i, line in enumerate(lines)
                   for part in wrap(line.name, PLOT_FONT, plot_w + left - 8 - 16 - 8)]
    note = wrap("line: rank (#1 at the top) · bars: points (10 for #1 … 1 for #10), summed per period",
                PLOT_FONT, width - 16)
    tick_y = top + plot_h + row
    legend_y = tick_y + row + 4
    total_h = legend_y + row * (len(legend_rows) + len(note) - 1) + PLOT_FONT * 0.2 + 6
    out = [(f'<svg class="plot" viewBox="0 0 {width} {total_h:.0f}" role="img" '
            f'aria-labelledby="plot-title plot-desc" xmlns="http://www.w3.org/2000/svg">'),
           '<title id="plot-title">Chart rank and points over time</title>',
           (f'<desc id="plot-desc">{len(points)} chart entries from {first} to {last}; '
            f'best rank #{min(r for _, r, _, _ in points)}.</desc>')]
    for d, pts in sorted(per_day.items()):
        h = (plot_h - 6) * pts / max_points
        out.append(f'<rect class="bar" x="{x(d) - bar_w / 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                   f'height="{h:.1f}"><title>{escape(str(d))}: {pts} points</title></rect>')
    for rank in sorted({1, 5, 10, max_rank}):
        yy = y_rank(rank)
        out.append(f'<line class="grid" x1="{left:.1f}" x2="{width - right:.1f}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
                   f'<text class="axis" x="{left - 6:.1f}" y="{yy + PLOT_FONT * 0.35:.1f}" text-anchor="end">'
                   f'#{rank}</text>')
    cands, kind = tick_candidates(first, last)
    labelled = [(x(d), tick_label(d, kind)) for d in (cands or days)]
    for tx, label in thin_ticks(labelled, 2.0, width - 2.0):
        out.append(f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top + plot_h:.1f}" y2="{top + plot_h + 4:.1f}"/>'
                   f'<text class="axis" x="{tx:.1f}" y="{tick_y:.1f}" text-anchor="middle">{escape(label)}</text>')
    for i, line in enumerate(lines):
        color = PALETTE[i]
        path = " ".join("M" + " L".join(f"{x(d):.1f},{y_rank(r):.1f}" for d, r, _ in run)
                        for run in runs(line.points) if len(run) > 1)
        if path:
            out.append(f'<path class="rank" d="{path}" stroke="{color}"/>')
        for d, r, pts in sorted(line.points):
            out.append(f'<circle class="rank-dot" cx="{x(d):.1f}" cy="{y_rank(r):.1f}" r="4" fill="{color}">'
                       f'<title>#{r} on {escape(line.name)}, {escape(str(d))}'
                       f'{f", {pts} points" if pts is not None else ""} — {escape(line.provenance)}</title></circle>')
    y = legend_y
    seen: set[int] = set()
    for i, part in legend_rows:
        if i not in seen:
            seen.add(i)
            out.append(f'<rect x="8" y="{y - PLOT_FONT * 0.7:.1f}" width="10" height="10" fill="{PALETTE[i]}"/>')
        out.append(f'<text class="legend" x="26" y="{y:.1f}">{escape(part)}</text>')
        y += row
    for part in note:
        out.append(f'<text class="legend" x="8" y="{y:.1f}">{escape(part)}</text>')
        y += row
    out.append("</svg>")
    return Markup("".join(out))


@dataclass
class GraphNode:
    id: str
    label: str
    link: bool  # whether the node is a title with its own page
    center: bool = False


@dataclass
class GraphEdge:
    src: str
    dst: str
    label: str


NODE_R = 16.0


def _clear(box: Box, taken: list[Box], pad: float = 2.0) -> bool:
    return all(box[2] + pad <= b[0] or b[2] + pad <= box[0] or box[3] + pad <= b[1] or b[3] + pad <= box[1]
               for b in taken)


def _circle_layout(nodes: list[GraphNode]) -> dict[str, tuple[float, float, float]]:
    """Every node on one circle, the title at the top: a straight edge between two points of a circle
    stays inside it and, with the radius chosen here, clear of every other node on it."""
    ordered = sorted(nodes, key=lambda n: not n.center)
    n = len(ordered)
    radius = 110.0 if n < 4 else max(110.0, (NODE_R + 8) / (2 * math.sin(math.pi / n) ** 2))
    return {node.id: (radius * math.cos(a), radius * math.sin(a), a)
            for i, node in enumerate(ordered) for a in [-math.pi / 2 + 2 * math.pi * i / n]}


def _node_label(x: float, y: float, angle: float, rows: list[str]) -> tuple[list[tuple[float, float, str]], str, Box]:
    """A node's label outside the circle: above or below a node at the top or bottom, beside one at the
    sides; its rows, their anchor and the box they fill."""
    line = NODE_FONT * 1.2
    w = max(text_width(r, NODE_FONT) for r in rows)
    h = line * len(rows)
    c, s = math.cos(angle), math.sin(angle)
    if abs(c) < 0.35:
        y0 = y + NODE_R + 4 if s > 0 else y - NODE_R - 4 - h
        anchor, ax, x0 = "middle", x, x - w / 2
    else:
        y0 = y - h / 2
        anchor, ax = ("start", x + NODE_R + 6) if c > 0 else ("end", x - NODE_R - 6)
        x0 = ax if c > 0 else ax - w
    placed = [(ax, y0 + line * (k + 1) - NODE_FONT * 0.25, r) for k, r in enumerate(rows)]
    return placed, anchor, (x0, y0, x0 + w, y0 + h)


def _crosses(box: Box, seg: tuple[float, float, float, float]) -> bool:
    """Whether the segment runs through the box (sampled every few units: boxes are a line of text)."""
    x1, y1, x2, y2 = seg
    steps = max(int(math.hypot(x2 - x1, y2 - y1) / 3), 1)
    return any(box[0] - 1 <= x1 + (x2 - x1) * k / steps <= box[2] + 1 and box[1] - 1 <= y1 + (y2 - y1) * k / steps
               <= box[3] + 1 for k in range(steps + 1))


def _place_stack(a: tuple[float, float], b: tuple[float, float], w: float, h: float,
                 taken: list[Box], others: list[tuple[float, float, float, float]]) -> Box | None:
    """The first spot along the edge from ``a`` to ``b``, nearest its middle, where a ``w`` by ``h``
    label touches no label or node already placed, preferring one no other edge crosses, so a label
    reads as its own edge's."""
    for strict in (True, False):
        box = _spot(a, b, w, h, taken, others if strict else [], 3 if strict else 11)
        if box is not None:
            return box
    return None


def _spot(a: tuple[float, float], b: tuple[float, float], w: float, h: float,
          taken: list[Box], others: list[tuple[float, float, float, float]], tries: int) -> Box | None:
    (x1, y1), (x2, y2) = a, b
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = (y1 - y2) / length, (x2 - x1) / length
    # Off the line by multiples of a text line or, for a short label, of half its height.
    step = min(h / 2 + 4, EDGE_FONT * 1.2 * 1.5)
    for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5)[:tries]:
        for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82):
            cx, cy = x1 + (x2 - x1) * t + nx * shift * step, y1 + (y2 - y1) * t + ny * shift * step
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if _clear(box, taken) and not any(_crosses(box, seg) for seg in others):
                return box
    return None


def universe_graph(nodes: list[GraphNode], edges: list[GraphEdge], *, size: int = 420) -> Markup:
    """A small graph: the title at the top of a circle of related titles and source works, one
    labelled arrow per pair of related nodes. Labels are placed where they touch no other label or
    node; one that finds no room along its edge is listed under the drawing. Nodes that are titles
    link to their pages. ``size`` is the least width of the drawing."""
    if len(nodes) <= 1:
        return Markup("")
    spots = _circle_layout(nodes)
    pos = {k: (x, y) for k, (x, y, _) in spots.items()}
    taken: list[Box] = [(x - NODE_R, y - NODE_R, x + NODE_R, y + NODE_R) for x, y in pos.values()]
    node_parts = []
    for n in nodes:
        x, y, angle = spots[n.id]
        all_rows = wrap(n.label, NODE_FONT, 14 * NODE_FONT * GLYPH)
        rows = all_rows[:2] if len(all_rows) <= 2 else [all_rows[0], all_rows[1][:13] + "…"]
        placed, anchor, box = _node_label(x, y, angle, rows)
        taken.append(box)
        node_parts.append((n, x, y, placed, anchor))
    # One line per pair of nodes, its relations stacked in one label (a spin-off often also shares a
    # character), the arrow pointing the way of the first relation.
    pairs: dict[frozenset[str], list[GraphEdge]] = defaultdict(list)
    for e in edges:
        if e.src in pos and e.dst in pos and e.src != e.dst:
            pairs[frozenset((e.src, e.dst))].append(e)
    line_h = EDGE_FONT * 1.2
    edge_parts: list[tuple[float, float, float, float]] = []
    label_parts: list[tuple[float, float, str]] = []
    unplaced: list[str] = []
    for group in pairs.values():
        e = group[0]
        (x1, y1), (x2, y2) = pos[e.src], pos[e.dst]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # Stop short of the nodes' circles so the arrow head shows.
        edge_parts.append((x1 + (x2 - x1) * (NODE_R + 3) / length, y1 + (y2 - y1) * (NODE_R + 3) / length,
                           x2 - (x2 - x1) * (NODE_R + 7) / length, y2 - (y2 - y1) * (NODE_R + 7) / length))
    for group, (sx, sy, ex, ey) in zip(pairs.values(), edge_parts):
        e = group[0]
        relations = sorted({g.label if g.src == e.src else f"(reverse) {g.label}" for g in group})
        labels = [part for r in relations for part in wrap(r, EDGE_FONT, 20 * EDGE_FONT * GLYPH)]
        w, h = max(text_width(t, EDGE_FONT) for t in labels), line_h * len(labels)
        others = [seg for seg in edge_parts if seg != (sx, sy, ex, ey)]
        spot = _place_stack((sx, sy), (ex, ey), w, h, taken, others)
        if spot is None:
            names = {n.id: n.label for n in nodes}
            unplaced += [f"{names[e.src]} → {names[e.dst]}: {r}" for r in relations]
            continue
        taken.append(spot)
        label_parts += [((spot[0] + spot[2]) / 2, spot[1] + line_h * (k + 1) - EDGE_FONT * 0.25, t)
                        for k, t in enumerate(labels)]
    x0, y0 = min(b[0] for b in taken) - 6, min(b[1] for b in taken) - 6
    x1_, y1_ = max(b[2] for b in taken) + 6, max(b[3] for b in taken) + 6
    if x1_ - x0 < size:
        x0, x1_ = x0 - (size - (x1_ - x0)) / 2, x1_ + (size - (x1_ - x0)) / 2
    rows = [part for text in unplaced for part in wrap(text, EDGE_FONT, x1_ - x0 - 12)]
    unplaced_rows = [(x0 + 6, y1_ + line_h * (k + 1), part) for k, part in enumerate(rows)]
    y1_ += line_h * len(rows) + (6 if rows else 0)
    out = [(f'<svg class="graph" viewBox="{x0:.1f} {y0:.1f} {x1_ - x0:.1f} {y1_ - y0:.1f}" role="img" '
            f'aria-labelledby="graph-title" xmlns="http://www.w3.org/2000/svg">'),
           '<title id="graph-title">The universe of this title</title>',
           ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>')]
    out += [f'<line class="edge" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" marker-end="url(#arrow)"/>'
            for sx, sy, ex, ey in edge_parts]
    out += [f'<text class="edge-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle">{escape(t)}</text>'
            for lx, ly, t in label_parts]
    out += [f'<text class="edge-label" x="{lx:.1f}" y="{ly:.1f}">{escape(t)}</text>' for lx, ly, t in unplaced_rows]
    for n, x, y, placed, anchor in node_parts:
        body = f'<circle class="node{" center" if n.center else ""}" cx="{x:.1f}" cy="{y:.1f}" r="{NODE_R:.0f}"/>' + "".join(
            f'<text class="node-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{escape(t)}</text>'
            for tx, ty, t in placed)
        if n.link and not n.center:
            out.append(f'<a href="{escape(title_url(n.id))}"><title>{escape(n.label)}</title>{body}</a>')
        else:
            out.append(f"<g><title>{escape(n.label)}</title>{body}</g>")
    out.append("</svg>")
    return Markup("".join(out))
