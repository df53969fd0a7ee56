"""The ballot engine's data: contests, rolls, the sealed box, counting and audit.

Split by concern; everything is importable from ``voting.models``.
"""

from .audit import AuditEvent
from .box import AuditedBallot, Ballot, Participation, Voter
from .codes import LetterRun, VotingCode
from .contest import Contest, Option, Trustee
from .counting import Mix, PaperResult, Result
from .roll import RollEntry, VoterRoll

__all__ = [
    "AuditEvent",
    "AuditedBallot",
    "Ballot",
    "Contest",
    "LetterRun",
    "Mix",
    "Option",
    "PaperResult",
    "Participation",
    "Result",
    "RollEntry",
    "Trustee",
    "Voter",
    "VoterRoll",
    "VotingCode",
]
