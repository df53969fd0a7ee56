"""Which groups of ballots are counted apart: results per commune without revealing a lone voter.

Each ballot of a vote across communes carries its group, the commune of its
voter's roll entry, in the box and in its hash-chain entry. Counting one
encrypted total per group gives results per town; but a group of three
ballots would show how those three voted. So, from the number of ballots
per group alone (public in the record) and before anything is decrypted,
groups under ``MIN_BALLOTS`` merge into one ``"other"`` group; and since the
overall result is published too, which gives the "other" group by
subtraction, that group grows by the smallest other groups until it reaches
``MIN_BALLOTS`` itself (or holds every ballot). A vote whose ballots are in
one group only, or none, is counted as a whole: ``layout`` returns ``[]``.

No Django here: the standalone verifier recomputes the same layout.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_BALLOTS = 10
"""A group with fewer ballots is never decrypted on its own."""

OTHER = "other"
"""The name of the merged group."""


def layout(ballots_per_group: Mapping[str, int], min_ballots: int = MIN_BALLOTS) -> list[dict]:
    """``[{"name": group or "other", "communes": [groups], "ballots": n}, ...]``: named groups in code order,
    then the merged group; ``[]`` when the vote is counted as a whole."""
    groups = {name: count for name, count in ballots_per_group.items() if count > 0}
    if len(groups) < 2:
        return []
    small = sorted(name for name, count in groups.items() if count < min_ballots)
    kept = sorted((name for name in groups if name not in small), key=lambda name: (groups[name], name))
    if small:
        while sum(groups[name] for name in small) < min_ballots and kept:
            small.append(kept.pop(0))  # the smallest named group joins, until "other" is large enough
    if len(kept) < (1 if small else 2):
        return []  # everything in one group: the overall result says it all
    named = [{"name": name, "communes": [name], "ballots": groups[name]} for name in sorted(kept)]
    if small:
        named.append({"name": OTHER, "communes": sorted(small), "ballots": sum(groups[name] for name in small)})
    return named
