"""The JSON API (FastAPI, ``/api/v1``) and the app that also serves the web page."""

from reelradar.api.app import create_app

__all__ = ["create_app"]
