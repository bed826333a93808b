"""`reelradar --help` lists the commands in panels, in the order a new person needs them; `--limit`
below 1 is refused with one line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.cli.app import HELP_PANELS, OTHER_PANEL

runner = CliRunner()


def test_help_shows_the_panels_in_order_with_every_command_placed() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 0
    panels = re.findall(r"╭─ (.+?) ─", result.output)
    expected = ["Options", *[p for p, names in HELP_PANELS.items() if any(f"│ {n} " in result.output for n in names)]]
    assert panels == expected  # in the table's order, and none under "Commands" or OTHER_PANEL
    assert expected[1:5] == ["Find something to watch", "Your history and profile", "Sources and catalog", "Server"]
    assert OTHER_PANEL not in panels and "Commands" not in panels
    body = result.output
    assert body.index("picks ") < body.index("profile ") < body.index("demo ") < body.index("serve ")


@pytest.mark.parametrize("args", [["picks", "--limit", "0"], ["picks", "--limit", "-3"],
                                  ["recommend", "--limit", "0"], ["digest", "--limit", "0"],
                                  ["charts", "--limit", "0"], ["charts", "unresolved", "--limit", "0"]])
def test_limit_below_one_is_refused_in_one_line(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"reelradar: --limit must be at least 1, not {args[-1]}"]
