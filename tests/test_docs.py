"""The references say what the code does: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from reelradar.cli import app
from reelradar.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def command_paths(t: typer.Typer, prefix: str = "") -> list[str]:
    paths = []
    for info in t.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
        paths.append(f"{prefix}{name}")
    for group in t.registered_groups:
        paths += command_paths(group.typer_instance, f"{prefix}{group.name} ")  # type: ignore[arg-type]
    return paths


def test_every_command_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [p for p in command_paths(app) if f"reelradar {p}" not in text]
    assert not missing, f"commands missing from docs/cli.md: {missing}"


def test_every_setting_is_in_the_config_reference() -> None:
    text = (DOCS / "config.md").read_text()
    missing = [k for k in Settings.model_fields if f"`{k}`" not in text]
    assert not missing, f"settings missing from docs/config.md: {missing}"
