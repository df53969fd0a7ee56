"""The demo town, assembled from every app's own demo: the one place that knows them all.

Each app keeps the demo of what it owns (``home.demo``: the site and its articles;
``councils.demo``; ``budget.demo``…); this app only says which run, in which order, and
provides ``manage.py load_demo``. Keeping the composition here is what lets ``home`` know no
participation app beyond the blocks its pages offer.
"""
