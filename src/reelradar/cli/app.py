"""The Typer app, its global options, and the one place user errors become one line on stderr."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer

from reelradar.config import Settings, load_settings
from reelradar.errors import ReelradarError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="reelradar: what to watch next, explained with the numbers behind it.",
)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ReelradarError into one line on stderr and its exit code; never a traceback."""
    try:
        yield
    except ReelradarError as exc:
        typer.echo(f"reelradar: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("reelradar: interrupted: nothing was changed", err=True)
        raise typer.Exit(130) from None


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``app.command`` whose function reports user errors as one line."""
    return group_command(app, *args, **kwargs)


def sub_app(name: str, help: str) -> typer.Typer:
    """A command group (``reelradar NAME ...``); register its commands with ``group_command``."""
    group = typer.Typer(no_args_is_help=True, add_completion=False, help=help)
    app.add_typer(group, name=name)
    return group


def group_command(group: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``group.command`` whose function reports user errors as one line."""

    def register(fn: F) -> F:
        @functools.wraps(fn)
        def run(*a: Any, **k: Any) -> Any:
            with user_errors():
                return fn(*a, **k)

        group.command(*args, **kwargs)(run)
        return fn

    return register


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Folder of the catalog and your data."),
    config: Path | None = typer.Option(None, "--config", help="TOML settings file (default: the user config folder)."),
) -> None:
    with user_errors():
        ctx.obj = load_settings(config, data_dir=data_dir)


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj
