"""Who may do what with elections and consultations in the admin, as small named predicates.

The services have the last word (a sealed ballot refuses any change
whoever asks); these decide which screens and buttons a staff member gets.
Permissions are held per collectivity (``common.scoping``): without ``obj``
a predicate asks "on some site at least", with it "on ``obj``'s site".
"""

from common.scoping import has_any_perm, has_perm

VIEW_VOTES = ("voting.view_contest", "councils.review_candidate")
CANDIDATE_PERMISSIONS = ("councils.add_candidate", "councils.change_candidate", "councils.view_candidate",
                         "councils.review_candidate")


def may_follow_votes(user, obj=None) -> bool:
    """Election officers: the elections and consultations overview and their manage pages."""
    return has_any_perm(user, VIEW_VOTES, obj)


def may_review_candidates(user, obj=None) -> bool:
    return has_perm(user, "councils.review_candidate", obj)


def may_seal(user, obj=None) -> bool:
    """Preparing and sealing ballots is an election officer's act (the engine's seal permission)."""
    return has_perm(user, "voting.seal_contest", obj)


def may_run_contest(user, obj=None) -> bool:
    """Links to the engine's manage and paper-day pages of each ballot."""
    return has_any_perm(user, ("voting.view_contest", "voting.record_paper"), obj)
