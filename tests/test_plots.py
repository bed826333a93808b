"""The drawings' geometry: labels that do not collide, nothing outside the frame, gaps shown as gaps.

Checked on the SVG's numbers, not on pixels. Text extents are estimated at the largest font size the
page's style sheet gives each kind of text (the phone sizes) with an average glyph of 0.6 em.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import pytest

from reelradar.analytics.chart_plot import plot_history
from reelradar.analytics.chart_views import ChartHistory, HistoryLine
from reelradar.web.svg import GraphEdge, GraphNode, PlotLine, rank_plot, universe_graph

NS = "{http://www.w3.org/2000/svg}"
FONT = {"plot": 17.0, "node-label": 15.0, "edge-label": 13.0}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

MONDAY = date(2023, 1, 2)


def weekly(start: int, ranks: list[int]) -> list[tuple[date, int, int | None]]:
    return [(MONDAY + timedelta(weeks=start + i), r, 11 - r) for i, r in enumerate(ranks)]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def view_box(root: ET.Element) -> Box:
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, x + w, y + h


def classes(el: ET.Element) -> set[str]:
    return set(el.attrib.get("class", "").split())


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def text_box(el: ET.Element, size: float) -> Box:
    x, y = float(el.attrib["x"]), float(el.attrib["y"])
    w = len(text_of(el)) * size * 0.6
    anchor = el.attrib.get("text-anchor", "start")
    x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
    return x0, y - 0.8 * size, x0 + w, y + 0.2 * size


def disjoint(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def inside(a: Box, frame: Box) -> bool:
    return frame[0] <= a[0] and frame[1] <= a[1] and a[2] <= frame[2] and a[3] <= frame[3]


def texts(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}text")]


def segments(root: ET.Element, cls: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Every straight piece of every line, polyline and path of class ``cls``."""
    out = []
    for el in root.iter():
        if cls not in classes(el):
            continue
        tag = el.tag.removeprefix(NS)
        if tag == "line":
            a = el.attrib
            out.append(((float(a["x1"]), float(a["y1"])), (float(a["x2"]), float(a["y2"]))))
        elif tag == "polyline":
            coords = [(float(p.split(",")[0]), float(p.split(",")[1])) for p in el.attrib["points"].split()]
            out += list(pairwise(coords))
        elif tag == "path":
            for run in re.split(r"M", el.attrib["d"]):
                pts = [(float(a), float(b)) for a, b in re.findall(r"(-?[\d.]+)[ ,](-?[\d.]+)", run)]
                out += list(pairwise(pts))
    return out


def date_labels(root: ET.Element) -> list[ET.Element]:
    return [t for t in texts(root) if "axis" in classes(t) and not text_of(t).startswith("#")]


def long_names() -> list[PlotLine]:
    return [PlotLine(f"Netflix TV (English) (worldwide) · Season {i + 1}", weekly(i * 3, [1 + i, 2 + i, 3, 5]),
                     "Netflix Top 10") for i in range(5)]


@pytest.mark.parametrize("width", [390, 640])
@pytest.mark.parametrize("weeks", [3, 12, 60, 150])
def test_date_labels_never_overlap(width: int, weeks: int) -> None:
    root = parse(rank_plot([PlotLine("Netflix TV (worldwide)", weekly(0, [((i * 7) % 10) + 1 for i in range(weeks)]),
                                     "Netflix Top 10")], width=width))
    boxes = [text_box(t, FONT["plot"]) for t in date_labels(root)]
    assert len(boxes) >= 2
    for a, b in combinations(boxes, 2):
        assert disjoint(a, b), (a, b)


@pytest.mark.parametrize("width", [390, 640])
def test_everything_lies_inside_the_frame(width: int) -> None:
    root = parse(rank_plot(long_names() + [PlotLine("Prime Video TV (country not stated)", weekly(0, [1]), "news")],
                           width=width))
    frame = view_box(root)
    for el in root.iter():
        tag, a = el.tag.removeprefix(NS), el.attrib
        if tag == "rect":
            box = (float(a["x"]), float(a["y"]), float(a["x"]) + float(a["width"]), float(a["y"]) + float(a["height"]))
        elif tag == "circle":
            r = float(a["r"])
            box = (float(a["cx"]) - r, float(a["cy"]) - r, float(a["cx"]) + r, float(a["cy"]) + r)
        elif tag == "text":
            box = text_box(el, FONT["plot"])
        else:
            continue
        assert inside(box, frame), (tag, text_of(el), box, frame)
    for (x1, y1), (x2, y2) in segments(root, "rank") + segments(root, "grid"):
        assert inside((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), frame)


def test_legend_entries_do_not_overlap() -> None:
    root = parse(rank_plot(long_names(), width=390))
    boxes = [text_box(t, FONT["plot"]) for t in texts(root) if "legend" in classes(t)]
    for a, b in combinations(boxes, 2):
        assert disjoint(a, b), (a, b)


def test_a_gap_of_a_year_breaks_the_line_and_a_lone_point_is_a_dot() -> None:
    run = weekly(0, [3, 1, 2]) + weekly(55, [4]) + weekly(110, [6, 5])
    root = parse(rank_plot([PlotLine("Netflix TV (worldwide)", run, "Netflix Top 10")]))
    dots = sorted(float(c.attrib["cx"]) for c in root.iter(f"{NS}circle"))
    assert len(dots) == 6
    pieces = segments(root, "rank")
    assert len(pieces) == 3  # two within the first run, one within the last
    for (x1, _), (x2, _) in pieces:
        assert abs(x2 - x1) < (dots[1] - dots[0]) * 1.01
    lone = dots[3]
    assert all(abs(x - lone) > 0.5 for (x, _), (x2, _) in pieces for x in (x, x2))


def demo_universe() -> tuple[list[GraphNode], list[GraphEdge]]:
    nodes = [GraphNode("demo:ballard", "Ballard (2025)", True, center=True), GraphNode("demo:bosch", "Bosch (2014)", True),
             GraphNode("demo:legacy", "Bosch: Legacy (2022)", True), GraphNode("w:hb", "Harry Bosch novels", False),
             GraphNode("w:rb", "Renée Ballard novels", False)]
    edges = [GraphEdge("demo:legacy", "demo:bosch", "sequel to"),
             GraphEdge("demo:legacy", "demo:bosch", "shares a character with (Harry Bosch)"),
             GraphEdge("demo:ballard", "demo:bosch", "spin-off of"),
             GraphEdge("demo:ballard", "demo:bosch", "shares a character with (Harry Bosch)"),
             GraphEdge("demo:ballard", "w:rb", "adapted from"), GraphEdge("demo:bosch", "w:hb", "adapted from"),
             GraphEdge("demo:legacy", "w:hb", "adapted from"), GraphEdge("demo:ballard", "w:hb", "adapted from")]
    return nodes, edges


def bigger_universe() -> tuple[list[GraphNode], list[GraphEdge]]:
    nodes = [GraphNode(f"t:{i}", f"Title number {i} ({2000 + i})", True, center=i == 0) for i in range(9)]
    edges = [GraphEdge(f"t:{i}", f"t:{j}", "sequel to" if j == i + 1 else "shares a character with (Someone)")
             for i in range(9) for j in range(i + 1, 9) if (i + j) % 3 == 0 or j == i + 1]
    return nodes, edges


def graph_parts(root: ET.Element) -> tuple[list[tuple[float, float, float]], list[Box], list[Box]]:
    circles = [(float(c.attrib["cx"]), float(c.attrib["cy"]), float(c.attrib["r"]))
               for c in root.iter(f"{NS}circle") if "node" in classes(c)]
    node_labels = [text_box(t, FONT["node-label"]) for t in texts(root) if "node-label" in classes(t)]
    edge_labels = [text_box(t, FONT["edge-label"]) for t in texts(root) if "edge-label" in classes(t)]
    return circles, node_labels, edge_labels


@pytest.mark.parametrize("universe", [demo_universe, bigger_universe])
def test_edge_labels_do_not_overlap_each_other_or_nodes(universe) -> None:  # type: ignore[no-untyped-def]
    root = parse(universe_graph(*universe()))
    circles, node_labels, edge_labels = graph_parts(root)
    node_boxes = [(x - r, y - r, x + r, y + r) for x, y, r in circles] + node_labels
    frame = view_box(root)
    assert edge_labels
    for a, b in combinations(edge_labels, 2):
        assert disjoint(a, b), (a, b)
    for a in edge_labels:
        assert inside(a, frame)
        for b in node_boxes:
            assert disjoint(a, b), (a, b)
    for a in node_labels:
        assert inside(a, frame)


def distance_to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ((dx * dx + dy * dy) or 1)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


@pytest.mark.parametrize("universe", [demo_universe, bigger_universe])
def test_edges_do_not_pass_through_other_nodes(universe) -> None:  # type: ignore[no-untyped-def]
    root = parse(universe_graph(*universe()))
    circles, _, _ = graph_parts(root)
    for a, b in segments(root, "edge"):
        for x, y, r in circles:
            touches_end = min(math.hypot(a[0] - x, a[1] - y), math.hypot(b[0] - x, b[1] - y)) <= r + 12
            if not touches_end:
                assert distance_to_segment((x, y), a, b) > r, ((x, y), a, b)


def test_png_legend_sits_inside_the_figure_and_off_the_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    figures: list[Any] = []
    monkeypatch.setattr(plt, "close", figures.append)
    lines = [HistoryLine("Netflix", "world", "TV (English)", f"s{i}", f"Squid Game: Season {i + 1}",
                         [(d, r, p or 0) for d, r, p in weekly(i * 20, [1, 2, 4, 8])], 4, 1, 23, "Netflix Top 10, 2024")
             for i in range(6)]
    history = ChartHistory("t", "Squid Game", lines, [(MONDAY + timedelta(weeks=i), 10) for i in range(120)], [])
    path = plot_history(history, tmp_path / "sq.png")
    assert path.stat().st_size > 1000
    fig = figures[0]
    renderer = fig.canvas.get_renderer()
    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1
    box = legends[0].get_window_extent(renderer)
    frame = fig.bbox
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent(renderer))
    plt.close("all")


def test_universe_png_names_each_relation_where_it_touches_no_box_and_no_other_name(demo_con) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    from reelradar.analytics.universe import universe, universe_figure

    fig = universe_figure(universe(demo_con, "demo:ballard"))
    try:
        renderer = fig.canvas.get_renderer()
        texts = fig.axes[0].texts
        nodes = [t.get_window_extent(renderer) for t in texts if t.get_zorder() == 3]
        names = [t.get_window_extent(renderer) for t in texts if t.get_zorder() == 5]
        assert len(nodes) >= 5 and len(names) >= 4
        for i, a in enumerate(names):
            assert not any(a.overlaps(b) for b in nodes), "a relation's name lies on a box"
            assert not any(a.overlaps(b) for b in names[i + 1:]), "two relation names overlap"
    finally:
        plt.close(fig)
