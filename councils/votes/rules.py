"""Who may do what with elections and consultations in the admin, as small named predicates.

The services have the last word (a sealed ballot refuses any change
whoever asks); these decide which screens and buttons a staff member gets.
"""

VIEW_VOTES = ("voting.view_contest", "councils.review_candidate")


def may_follow_votes(user) -> bool:
    """Election officers: the elections and consultations overview and their manage pages."""
    return any(user.has_perm(permission) for permission in VIEW_VOTES)


def may_review_candidates(user) -> bool:
    return user.has_perm("councils.review_candidate")


def may_seal(user) -> bool:
    """Preparing and sealing ballots is an election officer's act (the engine's seal permission)."""
    return user.has_perm("voting.seal_contest")


def may_run_contest(user) -> bool:
    """Links to the engine's manage and paper-day pages of each ballot."""
    return user.has_perm("voting.view_contest") or user.has_perm("voting.record_paper")
