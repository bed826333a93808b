"""The Typer app, its global options, the order of ``--help``, and the one place user errors become one
line on stderr."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer.core import TyperGroup

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput, ReelradarError

F = TypeVar("F", bound=Callable[..., Any])

# The root commands in ``--help``: panels in the order a new person needs them, commands in each panel
# in that order too. A command missing here is listed last, under OTHER_PANEL.
HELP_PANELS: dict[str, tuple[str, ...]] = {
    "Find something to watch": ("picks", "show", "like", "recommend", "search", "where", "story", "digest",
                                "new-on-services", "charts", "chart-history", "universe", "why"),
    "Your history and profile": ("profile", "import", "rematch", "why-match", "link", "unlink"),
    "Sources and catalog": ("demo", "update", "eval"),
    "Server": ("serve", "lists", "list"),
    "Notices": ("notify",),
}
OTHER_PANEL = "Other commands"
_HELP_ORDER = [name for names in HELP_PANELS.values() for name in names]


def help_panel(name: str) -> str:
    """The ``--help`` panel of a root command."""
    return next((panel for panel, names in HELP_PANELS.items() if name in names), OTHER_PANEL)


class PanelledGroup(TyperGroup):
    """The root group: lists its commands in the order of ``HELP_PANELS``, each in its panel. Done here
    rather than at registration so that a group added with ``app.add_typer`` is placed as well."""

    def list_commands(self, ctx: Any) -> list[str]:  # typer's own (vendored) click Context
        for name, cmd in self.commands.items():
            setattr(cmd, "rich_help_panel", help_panel(name))  # noqa: B010  (click's Command has no such field)
        rank = {name: i for i, name in enumerate(_HELP_ORDER)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(rank)))


app = typer.Typer(
    cls=PanelledGroup,
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


def _at_least_one(value: int | None) -> int | None:
    if value is not None and value < 1:
        with user_errors():
            raise BadInput(f"--limit must be at least 1, not {value}")
    return value


def limit_option(default: int | None, help: str) -> Any:
    """The ``--limit`` of every command: below 1 is refused with one line (exit 2) before any work, as 0
    would otherwise be read as "the default" or as "nothing"."""
    return typer.Option(default, "--limit", help=help, callback=_at_least_one)


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
