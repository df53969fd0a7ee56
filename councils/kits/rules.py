"""Who may see what of a campaign kit, as small named predicates (the views ask them)."""

from ..votes.models import Candidate


def is_approved(candidate: Candidate) -> bool:
    return candidate.status == Candidate.Status.APPROVED


def owns(user, candidate: Candidate) -> bool:
    """The candidate's own account (a paper application has none)."""
    return bool(user.is_authenticated and candidate.user_id and candidate.user_id == user.pk)


def may_see_kit(user, candidate: Candidate) -> bool:
    """The ambassador page and the files: the approved candidate, staff who review candidates, Communications."""
    return is_approved(candidate) and (
        owns(user, candidate) or user.has_perm("councils.view_candidate") or may_edit_templates(user)
    )


def may_edit_templates(user) -> bool:
    return user.has_perm("councils.change_kittemplate")


def may_follow_kits(user) -> bool:
    """The admin's list of an election's kits: Communications and election officers."""
    return may_edit_templates(user) or user.has_perm("councils.view_candidate")
