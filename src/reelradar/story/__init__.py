"""Stories and digests written from the catalog: a title's story (``title.py``), the week's digest for a
reader (``digest.py``), both as Markdown, standalone HTML, JSON (``render.py``) and Atom/RSS feeds
(``feed.py``). Every sentence carries footnotes to the catalog facts it states (``facts.py``); the words
come from a phrase table per language (``phrases.py``)."""
