"""Pabulib in and out: a counted budget vote's anonymous profile as a ``.pb`` file, and "what if" counts.

Only a vote counted by equal shares has an anonymous profile: its ballots
were shuffled before being decrypted (:mod:`.mixing`). A vote counted by
most votes first only ever had its totals decrypted, and keeps it that way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..exceptions import NotReady, VotingError
from ..manifest import EQUAL_SHARES, GREEDY
from ..models import Contest, Result
from ..rules.equal_shares import equal_shares
from ..rules.greedy import greedy
from ..rules.outcome import BudgetOutcome
from ..rules.pabulib import PabulibElection, PabulibError, election_from_profile, read_pb, write_pb

RULES = {GREEDY: greedy, EQUAL_SHARES: equal_shares}
MAX_PB_BYTES = 20_000_000


def contest_pb(contest: Contest) -> str:
    """The ``.pb`` text of a counted equal-shares vote: META, PROJECTS (winners selected), VOTES.

    Voters are numbered in the shuffled order; blank ballots are left out,
    as they approve nothing and take no share.
    """
    result = Result.objects.filter(contest=contest).first()
    if result is None or result.approvals is None:
        raise NotReady(_("Only a vote counted by equal shares has an anonymous profile to export, once counted."))
    manifest = contest.manifest
    meta = {
        "description": manifest["title"], "country": "France", "unit": contest.title,
        "instance": str(contest.closes_at.year), "budget": str(manifest["envelope"]),
        "rule": "equalshares" if manifest["winners_rule"] == EQUAL_SHARES else "greedy",
        "date_begin": contest.opens_at.date().isoformat(), "date_end": contest.closes_at.date().isoformat(),
    }
    election = election_from_profile(
        meta=meta,
        projects=[(str(o["id"]), int(o["cost"]), o["label"]) for o in manifest["options"]],
        ballots=[[str(option_id) for option_id in ballot] for ballot in result.approvals if ballot],
        selected=[str(option_id) for option_id in result.outcome["winners"]],
    )
    return write_pb(election)


@dataclass
class Simulation:
    """A rule run on an imported election: the file's content and the winners."""

    election: PabulibElection
    outcome: BudgetOutcome
    rows: list  # per project: id, name, cost, votes, winner, payments [(amount, supporters)]


def simulate(*, data: bytes, rule: str) -> Simulation:
    """Read a ``.pb`` file and count it by ``rule``; VotingError with the reason if it cannot be used."""
    if rule not in RULES:
        raise VotingError(_("Choose a rule: most votes first, or the Method of Equal Shares."))
    if len(data) > MAX_PB_BYTES:
        raise VotingError(_("This file is too large (at most 20 MB)."))
    try:
        election = read_pb(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise VotingError(_("This file is not a Pabulib .pb file: it is not UTF-8 text.")) from None
    except PabulibError as error:
        raise VotingError(_("This .pb file cannot be used: %(reason)s. Nothing was counted.") % {"reason": error}) from None
    index = {project.id: number for number, project in enumerate(election.projects)}
    costs = {number: project.cost for number, project in enumerate(election.projects)}
    ballots = [[index[p] for p in voter.approved] for voter in election.voters]
    outcome = RULES[rule](costs=costs, ballots=ballots, envelope=election.budget)
    winners = set(outcome.winners)
    rows = []
    for number, project in enumerate(election.projects):
        paid = outcome.payments.get(number, {})
        groups: dict = {}
        for amount in paid.values():
            groups[amount] = groups.get(amount, 0) + 1
        rows.append({
            "id": project.id, "name": project.fields.get("name", ""), "cost": project.cost,
            "votes": outcome.votes[number], "winner": number in winners,
            "completion": number in outcome.completion,
            "payments": sorted(((round(float(a), 2), n) for a, n in groups.items()), reverse=True),
        })
    rows.sort(key=lambda row: (-row["votes"], row["cost"]))
    return Simulation(election=election, outcome=outcome, rows=rows)
