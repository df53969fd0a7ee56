"""Which apps' demos make the demo town, in which order (dependency order, idempotent loaders)."""

from budget import demo as budget_demo
from councils import demo as councils_demo
from councils.kits import demo as kits_demo
from councils.votes import demo as votes_demo
from home import demo as home_demo
from territories import demo as territories_demo
from volunteering import demo as volunteering_demo

from . import departemental, election_day

# Kits dress the candidates of the demo election, so they come after it.
LOADERS = [
    home_demo.load, councils_demo.load, votes_demo.load, budget_demo.load, volunteering_demo.load, kits_demo.load,
]


def load() -> None:
    """The demo town as ``make run`` shows it."""
    for loader in LOADERS:
        loader()


def load_election_day() -> None:
    """The town at election-day size (bench/pages.py): eight councils, 135 candidates, 500 ideas…"""
    home_demo.load()
    councils_demo.load()
    election_day.councils()  # before the election, which runs in all eight councils
    votes_demo.load(candidates=election_day.candidates())
    # No campaign kits: 135 of them take minutes to render, and no public page shows them.
    for loader in (budget_demo.load, volunteering_demo.load, election_day.ideas, election_day.missions,
                   election_day.articles):
        loader()


def load_territory() -> None:
    """The demo town, then the département around it: two intercommunalities, four towns, five sites,
    and a départemental consultation open in every town."""
    load()
    territories_demo.load()
    departemental.load()
