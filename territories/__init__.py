"""Territories: the département, its intercommunalities and its towns, and the sites of those that join.

One instance serves a whole territory: each collectivity that joins gets its own Wagtail site,
collection and staff groups, so its staff see and change only what is theirs.
"""
