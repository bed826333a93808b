"""The export formats a person brings, one module each: IMDb CSV (``imdb``), Letterboxd ZIP
(``letterboxd``), Trakt JSON (``trakt``), Netflix viewing activity CSV (``netflix``), TV Time's data
export (``tvtime``) and Simkl's backup (``simkl``); what they share is in ``common``.

Each reader reads the whole input first and returns ``ImportRow``s, so a bad row stops the import
before anything is written (IMDb's is read as a stream, its values checked as each row is written, in
the import's transaction). What the person should know of how a file was read (an encoding other than
UTF-8, files and items skipped, a date order assumed) travels with the rows as the stream's ``notes``.
Formats are described in ``docs/sources/``.
"""

from reelradar.users.formats.common import ImportRow, RowStream, when, whole, winners
from reelradar.users.formats.imdb import IMDB_KINDS, imdb_kind, imdb_stream, parse_imdb
from reelradar.users.formats.letterboxd import parse_letterboxd
from reelradar.users.formats.netflix import netflix_export, netflix_show, parse_netflix
from reelradar.users.formats.simkl import simkl_export
from reelradar.users.formats.trakt import parse_trakt, trakt_export
from reelradar.users.formats.tvtime import tvtime_export

__all__ = ["IMDB_KINDS", "ImportRow", "RowStream", "imdb_kind", "imdb_stream", "netflix_export", "netflix_show",
           "parse_imdb", "parse_letterboxd", "parse_netflix", "parse_trakt", "simkl_export", "trakt_export",
           "tvtime_export", "when", "whole", "winners"]
