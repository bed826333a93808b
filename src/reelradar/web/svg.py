"""Inline SVG drawings of the title page: the rank-and-points plot over time and the universe graph.

Pure functions from records to markup. Every piece of text goes through ``escape``; numbers are
formatted here, so nothing a source sent can become markup.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from reelradar.model import ChartPoint
from reelradar.web.urls import title_url

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d")


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


def rank_plot(lines: list[PlotLine], *, width: int = 640, height: int = 260) -> Markup:
    """Rank (line, #1 at the top) and chart points (bars, summed per period) over time, one colour per
    chart. Empty markup when there is no chart history."""
    points = [(d, r, p, line) for line in lines for d, r, p in line.points]
    if not points:
        return Markup("")
    left, right, top, bottom = 44, 16, 16, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    days = sorted({d for d, _, _, _ in points})
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    max_rank = max(10, max(r for _, r, _, _ in points))
    per_day: dict[date, int] = defaultdict(int)
    for d, _, pts, _ in points:
        per_day[d] += pts or 0
    max_points = max(per_day.values()) or 1

    def x(d: date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (d - first).days / span

    def y_rank(rank: int) -> float:
        return top + plot_h * (rank - 1) / max(max_rank - 1, 1)

    out = [(f'<svg class="plot" viewBox="0 0 {width} {height}" role="img" aria-labelledby="plot-title plot-desc" '
            f'xmlns="http://www.w3.org/2000/svg">'),
           '<title id="plot-title">Chart rank and points over time</title>',
           (f'<desc id="plot-desc">{len(points)} chart entries from {first} to {last}; '
            f'best rank #{min(r for _, r, _, _ in points)}.</desc>')]
    bar_w = max(2.0, min(24.0, plot_w / max(len(days), 1) * 0.6))
    for d, pts in sorted(per_day.items()):
        h = plot_h * pts / max_points
        out.append(f'<rect class="bar" x="{x(d) - bar_w / 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                   f'height="{h:.1f}"><title>{escape(str(d))}: {pts} points</title></rect>')
    for rank in sorted({1, 5, 10, max_rank}):
        yy = y_rank(rank)
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
                   f'<text class="axis" x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">#{rank}</text>')
    ticks = days if len(days) <= 4 else [days[0], days[len(days) // 3], days[2 * len(days) // 3], days[-1]]
    for d in ticks:
        out.append(f'<text class="axis" x="{x(d):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                   f'{escape(d.isoformat())}</text>')
    legend_y = height - 22
    legend_x = float(left)
    for i, line in enumerate(lines[: len(PALETTE)]):
        color = PALETTE[i % len(PALETTE)]
        pts_sorted = sorted(line.points)
        coords = " ".join(f"{x(d):.1f},{y_rank(r):.1f}" for d, r, _ in pts_sorted)
        if len(pts_sorted) > 1:
            out.append(f'<polyline class="rank" points="{coords}" stroke="{color}"/>')
        for d, r, pts in pts_sorted:
            out.append(f'<circle class="rank-dot" cx="{x(d):.1f}" cy="{y_rank(r):.1f}" r="4" fill="{color}">'
                       f'<title>#{r} on {escape(line.name)}, {escape(str(d))}'
                       f'{f", {pts} points" if pts is not None else ""} — {escape(line.provenance)}</title></circle>')
        out.append(f'<rect x="{legend_x:.1f}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>'
                   f'<text class="legend" x="{legend_x + 14:.1f}" y="{legend_y}">{escape(line.name)}</text>')
        legend_x += 24 + 6.5 * len(line.name)
    out.append(f'<text class="legend" x="{left}" y="{height - 4}">line: rank (#1 at the top) · bars: points '
               f'(10 for #1 … 1 for #10), summed per period</text>')
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


def universe_graph(nodes: list[GraphNode], edges: list[GraphEdge], *, size: int = 420) -> Markup:
    """A small graph: the title in the middle, related titles and source works on a circle around it,
    one labelled arrow per relation. Nodes that are titles link to their pages."""
    if len(nodes) <= 1:
        return Markup("")
    cx = cy = size / 2
    radius = size / 2 - 70
    others = [n for n in nodes if not n.center]
    pos: dict[str, tuple[float, float]] = {}
    for n in nodes:
        if n.center:
            pos[n.id] = (cx, cy)
    for i, n in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / len(others)
        pos[n.id] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    height = size
    out = [(f'<svg class="graph" viewBox="0 0 {size} {height}" role="img" aria-labelledby="graph-title" '
            f'xmlns="http://www.w3.org/2000/svg">'), '<title id="graph-title">The universe of this title</title>',
           ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>')]
    # One line per pair of nodes, its relations stacked in one label (a spin-off often also shares a
    # character), the arrow pointing the way of the first relation.
    pairs: dict[frozenset[str], list[GraphEdge]] = defaultdict(list)
    for e in edges:
        if e.src in pos and e.dst in pos and e.src != e.dst:
            pairs[frozenset((e.src, e.dst))].append(e)
    for group in pairs.values():
        e = group[0]
        (x1, y1), (x2, y2) = pos[e.src], pos[e.dst]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # Stop short of the nodes' circles so the arrow head shows.
        sx, sy = x1 + (x2 - x1) * 26 / length, y1 + (y2 - y1) * 26 / length
        ex, ey = x2 - (x2 - x1) * 30 / length, y2 - (y2 - y1) * 30 / length
        out.append(f'<line class="edge" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
                   f'marker-end="url(#arrow)"/>')
        mx, my = x1 + (x2 - x1) * 0.45, y1 + (y2 - y1) * 0.45
        labels = sorted({g.label if g.src == e.src else f"(reverse) {g.label}" for g in group})
        for k, label in enumerate(labels):
            out.append(f'<text class="edge-label" x="{mx:.1f}" y="{my - 4 + 12 * (k - (len(labels) - 1) / 2):.1f}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    for n in nodes:
        x, y = pos[n.id]
        label = n.label if len(n.label) <= 28 else n.label[:27] + "…"
        body = (f'<circle class="node{" center" if n.center else ""}" cx="{x:.1f}" cy="{y:.1f}" r="22"/>'
                f'<text class="node-label" x="{x:.1f}" y="{y + 38:.1f}" text-anchor="middle">{escape(label)}</text>')
        if n.link and not n.center:
            out.append(f'<a href="{escape(title_url(n.id))}"><title>{escape(n.label)}</title>{body}</a>')
        else:
            out.append(f"<g><title>{escape(n.label)}</title>{body}</g>")
    out.append("</svg>")
    return Markup("".join(out))
