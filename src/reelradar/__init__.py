"""reelradar: what to watch next, explained with the numbers behind it."""

__version__ = "0.1.0"
