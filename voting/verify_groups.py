"""The verifier's checks of results per group of ballots (per commune), from ``parvis-record/4`` on.

Each ballot names its group (``ballots[].group``, chained with it); the record's ``groups`` list the
groups counted apart (``voting.groups``): which ballot groups each holds, how many ballots, their
encrypted totals and decrypted counts. No Django: the standard library and :mod:`voting.crypto`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from voting.crypto import Ciphertext, InvalidBallotError, sum_encoded
from voting.groups import MIN_BALLOTS, layout

GROUP_KEYS = frozenset({"name", "communes", "ballots", "encrypted_sums", "counts", "blank"})


class GroupsCheckFailed(Exception):
    """Why the groups do not hold, for people."""


def check_groups(groups: Any, entries: Sequence[Mapping], n_slots: int, overall: Sequence[Ciphertext],
                 workers: int = 1) -> tuple[str, list[Ciphertext]]:
    """The groups are the layout the ballots' groups give, and their totals the sums of their ballots.

    Returns the success message and the groups' encrypted totals, one group after another (what the
    trustees decrypted after the overall totals).
    """
    if not isinstance(groups, list) or not all(isinstance(g, Mapping) and set(g) == GROUP_KEYS for g in groups):
        raise GroupsCheckFailed("each group must be an object with exactly the fields " + ", ".join(sorted(GROUP_KEYS)))
    per_group = Counter(entry["group"] for entry in entries)
    expected = layout(per_group)
    published = [{"name": g["name"], "communes": g["communes"], "ballots": g["ballots"]} for g in groups]
    if published != expected:
        raise GroupsCheckFailed(
            f"the groups counted apart are not those the ballots' groups give (groups under {MIN_BALLOTS} ballots "
            "merged into “other”, itself of at least that size): a small group may have been decrypted alone")
    if not groups:
        return "none: the ballots are counted as a whole", []
    ciphertexts: list[Ciphertext] = []
    total = None
    for group in groups:
        members = set(group["communes"])
        ballots = [entry["ballot"]["ciphertexts"] for entry in entries if entry["group"] in members]
        try:
            computed = sum_encoded(ballots, n_slots, workers=workers)
        except InvalidBallotError:
            raise GroupsCheckFailed(f"not checked, a ballot of group {group['name']!r} cannot be added up") from None
        sums = group["encrypted_sums"]
        if not isinstance(sums, list) or len(sums) != n_slots:
            raise GroupsCheckFailed(f"group {group['name']!r} must have one encrypted total per slot")
        decoded = tuple(Ciphertext.from_dict(c, allow_identity=True) for c in sums)
        if decoded != tuple(computed):
            raise GroupsCheckFailed(f"the totals of group {group['name']!r} are not the sum of its ballots")
        ciphertexts += decoded
        total = list(decoded) if total is None else [a + b for a, b in zip(total, decoded, strict=True)]
    if tuple(total) != tuple(overall):
        raise GroupsCheckFailed("the groups' totals do not add up to the overall encrypted totals")
    names = ", ".join(f"{g['name'] or '(none)'}: {g['ballots']}" for g in groups)
    return f"{len(groups)} groups, each the sum of its ballots, together the overall totals ({names})", ciphertexts


def check_group_results(groups: Sequence[Mapping], decrypted: Sequence[int], option_keys: Sequence[str],
                        n_slots: int, blank: bool, online: Mapping) -> str:
    """Each group's published counts are its decrypted ones; together they make the online result."""
    if not groups:
        return "none: the ballots are counted as a whole"
    wrong = []
    totals = Counter()
    for number, group in enumerate(groups):
        counts = decrypted[number * n_slots: (number + 1) * n_slots]
        expected = {key: counts[i] for i, key in enumerate(option_keys)}
        expected_blank = counts[len(option_keys)] if blank else 0
        if group["counts"] != expected or group["blank"] != expected_blank:
            wrong.append(str(group["name"]))
        totals.update(expected)
        totals["blank"] += expected_blank
    if wrong:
        raise GroupsCheckFailed(f"the published counts of group(s) {', '.join(wrong)} differ from their decryption")
    if any(online["counts"][key] != totals[key] for key in option_keys) or online["blank"] != totals["blank"]:
        raise GroupsCheckFailed("the groups' counts do not add up to the online result")
    return f"each of the {len(groups)} groups' counts is its decryption, and together they are the online result"
