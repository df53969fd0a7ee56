"""Who may see what of a campaign kit, as small named predicates (the views ask them).

Staff permissions are held per collectivity (``common.scoping``): with an
object, a predicate asks about that object's site (its election's).
"""

from common.scoping import has_any_perm, has_perm

from ..votes.models import Candidate

FOLLOW_KITS = ("councils.change_kittemplate", "councils.view_candidate")
TEMPLATE_PERMISSIONS = ("councils.add_kittemplate", "councils.change_kittemplate", "councils.view_kittemplate",
                        "councils.delete_kittemplate")


def is_approved(candidate: Candidate) -> bool:
    return candidate.status == Candidate.Status.APPROVED


def owns(user, candidate: Candidate) -> bool:
    """The candidate's own account (a paper application has none)."""
    return bool(user.is_authenticated and candidate.user_id and candidate.user_id == user.pk)


def may_see_kit(user, candidate: Candidate) -> bool:
    """The ambassador page and the files: the approved candidate, their collectivity's reviewers and Communications."""
    return is_approved(candidate) and (owns(user, candidate) or has_any_perm(user, FOLLOW_KITS, candidate))


def may_edit_templates(user, obj=None) -> bool:
    return has_perm(user, "councils.change_kittemplate", obj)


def may_follow_kits(user, obj=None) -> bool:
    """The admin's list of an election's kits: Communications and election officers."""
    return has_any_perm(user, FOLLOW_KITS, obj)
