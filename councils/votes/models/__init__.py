"""Council elections and local consultations: the pages residents see, run on the ballot engine.

Wagtail is the editorial layer here; every ballot is a ``voting.Contest``
created and sealed by :mod:`councils.votes.elections` and
:mod:`councils.votes.consultations`. The link from a page to its contests is
kept in ``ElectionBallot`` and ``ConsultationBallot`` rows rather than on the
pages' inline children: those children are stored in page revisions, and
publishing an older draft would restore a stale (empty) link.
"""

from .consultation import (  # noqa: F401
    ConsultationBallot, ConsultationIndexPage, ConsultationPage, ConsultationQuestion, ConsultationTrustee,
)
from .election import Candidate, ElectionBallot, ElectionCouncil, ElectionPage, ElectionTrustee  # noqa: F401
from .schedule import INTRO_FEATURES, PHASE_ORDER, VoteNotice, VoteSchedule, VoteTrustee, overall_phase  # noqa: F401

from ..signals import connect as _connect_signals  # noqa: E402

_connect_signals()
