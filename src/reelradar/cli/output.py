"""Output for the CLI: Rich on a terminal, plain lines when piped, JSON on request."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

console = Console(highlight=False, soft_wrap=True)


def note(message: str) -> None:
    """A side remark for the person (stderr), never mixed into piped output."""
    typer.echo(f"reelradar: {message}", err=True)


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def emit_json(value: Any) -> None:
    typer.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table: boxed on a terminal, tab-separated lines with a header when piped."""
    if console.is_terminal:
        t = Table(title=title, show_lines=False)
        for column in columns:
            t.add_column(column, overflow="fold")
        for row in rows:
            t.add_row(*("" if v is None else str(v) for v in row))
        console.print(t)
        return
    typer.echo("\t".join(columns))
    for row in rows:
        typer.echo("\t".join("" if v is None else str(v) for v in row))


def line(text: str = "", style: str | None = None) -> None:
    if console.is_terminal:
        console.print(text, style=style, markup=False)
    else:
        typer.echo(text)
