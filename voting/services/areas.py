"""Votes across territories: the hooks through which an app that knows territories plugs in.

The engine knows commune codes (a roll entry's ``commune``, a contest's
``area``) but not what contains what: a département, its intercommunalities
and its communes are another app's business (``territories``), which
registers these Wagtail hooks. Without any registered, nothing is refused
and every station is every officer's, as in a one-town installation.
"""

from wagtail import hooks

ROLL_COMMUNES_HOOK = "parvis_voting_roll_communes"
"""Register ``fn(roll, communes) -> str | None``: why ``roll`` may not hold these communes, or None.

``communes`` maps each commune code found in the roll (``""``: rows without
one) to the first few line numbers (or entry numbers) where it appears, so
the refusal can list the first offending rows. Asked before anything is
imported or combined; a refusal leaves everything as it was.
"""

CONTEST_AREA_HOOK = "parvis_voting_contest_area"
"""Register ``fn(contest) -> str | None``: why ``contest`` may not target its area with its roll, or None.

A vote issued by a collectivity's site may target its own territory or a
part of it, never a territory outside it; its roll must lie within that area.
"""

DEFAULT_COMMUNE_HOOK = "parvis_voting_default_commune"
"""Register ``fn(roll) -> str | None``: the commune of a single town's roll whose rows name none.

Combining per-town rolls into one gives their entries that commune.
"""

PAPER_COMMUNES_HOOK = "parvis_voting_paper_communes"
"""Register ``fn(user, contest) -> set[str] | None``: communes whose stations ``user`` may run on paper day.

Asked for staff who do not hold ``voting.record_paper`` for the contest's
own site: a member town's officers of a départemental vote get their town's
stations only; an empty set, none. None: no opinion (the vote is no
territory's), the views' permission checks alone apply.
"""

RESIDENT_COMMUNE_HOOK = "parvis_voting_resident_commune"
"""Register ``fn(contest, user) -> str | None``: the commune ``user`` lives in, for ``contest``, or None.

A resident's ballot in a vote without a roll (``Contest.Eligibility.RESIDENTS``) is counted with it,
as a roll entry's commune is in a roll vote, so that a collectivity's residents' vote has results per
town too; and homonyms of one roll in different communes are told apart by it when a resident proves
they are on the roll.
"""

COMMUNE_NAMES_HOOK = "parvis_voting_commune_names"
"""Register ``fn(codes) -> {code: name}``: communes' names for the results per town."""


def _first_answer(name: str, *args):
    for rule in hooks.get_hooks(name):
        answer = rule(*args)
        if answer:
            return answer
    return None


def roll_communes_refusal(roll, communes: dict[str, list[int]]) -> str | None:
    return _first_answer(ROLL_COMMUNES_HOOK, roll, communes)


def resident_commune(contest, user) -> str:
    """The commune ``user`` lives in, for ``contest``, or ``""`` (none known)."""
    return _first_answer(RESIDENT_COMMUNE_HOOK, contest, user) or ""


def contest_area_refusal(contest) -> str | None:
    return _first_answer(CONTEST_AREA_HOOK, contest)


def default_commune(roll) -> str:
    return _first_answer(DEFAULT_COMMUNE_HOOK, roll) or ""


def paper_communes(user, contest) -> set[str] | None:
    """The union of the hooks' answers; None when none has an opinion (no territory: no restriction)."""
    communes: set[str] | None = None
    for rule in hooks.get_hooks(PAPER_COMMUNES_HOOK):
        answer = rule(user, contest)
        if answer is not None:
            communes = (communes or set()) | set(answer)
    return communes


FIRST_LINES = 3
"""Line numbers kept per commune for a refusal's message."""


def note_commune(communes: dict[str, list[int]], commune: str, line: int) -> None:
    """Remember where a commune appears (its first lines only: memory stays flat with the file's size)."""
    lines = communes.setdefault(commune, [])
    if len(lines) < FIRST_LINES:
        lines.append(line)
