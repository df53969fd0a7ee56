"""Demo votes: an election in progress and two consultations, on councils' election and consultation pages.

Kept as the loader's entry point (``load_demo``'s ``DEMO_LOADERS``); the
content itself is built by ``councils.votes.demo``, which replaced the
former standard page of ballot blocks at /consultations/.
"""

from councils.votes.demo import load

__all__ = ["load"]
