"""A title's chart history drawn: a sparkline for the terminal and a PNG/SVG plot (matplotlib, Agg)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path

from reelradar.analytics.chart_views import ChartHistory
from reelradar.errors import BadInput

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """Values as block characters, lowest to highest (an empty string for no values)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(BARS[int((v - low) / span * (len(BARS) - 1))] if high > low else BARS[-1] for v in values)


def rank_sparkline(ranks: list[int]) -> str:
    """Ranks as a sparkline where #1 is the tallest bar and #10 the lowest."""
    return "".join(BARS[max(0, min(len(BARS) - 1, round((10 - r) / 9 * (len(BARS) - 1))))] for r in ranks)


def _broken(points: list[tuple[date, int, int]]) -> tuple[list[date], list[float]]:
    """Dates and ranks with a gap (NaN) wherever the title was out of the chart, so no line is drawn
    across weeks it did not chart: a step longer than one and a half of its usual step."""
    starts = [p[0] for p in points]
    steps = [(b - a).days for a, b in pairwise(starts)]
    usual = min(steps) if steps else 1
    xs: list[date] = []
    ys: list[float] = []
    for i, (day, rank, _) in enumerate(points):
        if i and (day - starts[i - 1]).days > 1.5 * usual:
            xs.append(starts[i - 1] + (day - starts[i - 1]) / 2)
            ys.append(float("nan"))
        xs.append(day)
        ys.append(float(rank))
    return xs, ys


def plot_history(history: ChartHistory, path: Path, *, max_lines: int = 8) -> Path:
    """Draw rank (top, #1 at the top) and weekly points (bottom) over time; PNG or SVG by suffix."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise BadInput(f"--plot {path}: the file must end in .png or .svg")
    if not history.lines:
        raise BadInput(f"{history.title} has no chart history to plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    # Constrained layout keeps every label inside the figure; the legend goes below the axes (outside
    # them), so it never covers a line, and its title carries the points rule and the sources.
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, layout="constrained",
                                      gridspec_kw={"height_ratios": [3, 2]})
    lines = sorted(history.lines, key=lambda line: -line.total_points)[:max_lines]
    for line in lines:
        where = "world" if line.country == "world" else line.country
        label = f"{line.label} · {line.platform} {where} {line.category}".strip()
        xs, ys = _broken(line.points)
        top.plot(xs, ys, marker="o", markersize=3, linewidth=1.2, label=label)
    top.set_ylim(10.5, 0.5)
    top.set_yticks(range(1, 11))
    top.set_ylabel("rank")
    top.grid(alpha=0.3)
    top.set_title(f"{history.title}: chart history")
    bottom.bar([w for w, _ in history.weekly_points], [p for _, p in history.weekly_points], width=6, color="#4c72b0")
    bottom.set_ylabel("points per week")
    bottom.grid(alpha=0.3)
    locator = AutoDateLocator(minticks=3, maxticks=8)
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    sources = sorted({line.provenance.rsplit(",", 1)[0] for line in history.lines})
    note = "\n".join(textwrap.wrap("Points: 10 for #1 … 1 for #10. Sources: " + "; ".join(sources), 140))
    legend = fig.legend(loc="outside lower center", ncol=2 if len(lines) > 1 else 1, fontsize=7, title=note,
                        title_fontsize=7, frameon=False)
    legend.get_title().set_multialignment("center")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path, format=suffix[1:], dpi=120)
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror}") from None
    finally:
        plt.close(fig)
    return path
