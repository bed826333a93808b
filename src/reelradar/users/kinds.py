"""The kinds of export a person can import, in one place: the CLI, the API's uploads and the web
page's import form all read this table (a kind added here is offered everywhere). Plain data, so a
door can read it without loading the import machinery."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportKind:
    label: str  # as the web page's import form offers it
    suffixes: tuple[str, ...]  # the file names an upload may have, the first given to a nameless one


EXPORT_KINDS = {
    "letterboxd": ExportKind("Letterboxd export (ZIP)", (".zip",)),
    "imdb": ExportKind("IMDb ratings or watchlist (CSV)", (".csv",)),
    "trakt": ExportKind("Trakt history (JSON)", (".json", ".zip")),
    "netflix": ExportKind("Netflix viewing activity (CSV)", (".csv",)),
    "tvtime": ExportKind("TV Time data export (ZIP)", (".zip", ".csv")),
    "simkl": ExportKind("Simkl backup (JSON or CSV)", (".json", ".zip", ".csv")),
}
