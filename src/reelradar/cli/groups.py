"""Command groups shared by several areas: ``reelradar import ...`` and ``reelradar update ...``."""

from __future__ import annotations

from reelradar.cli.app import sub_app

import_app = sub_app("import", "Import files: a person's history (IMDb, Letterboxd, Trakt) or a chart CSV.")
update_app = sub_app("update", "Fetch a source (IMDb, Netflix, TMDB, Wikidata) and update the catalog.")
