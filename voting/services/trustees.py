"""A trustee's next task and their device's answer, whichever step it is.

The trustee's page and the offline tool see one task at a time: a step of
the key ceremony (:mod:`.ceremony`) before the vote, the decryption of the
totals (:mod:`.counting`) after its close. This module only routes.
"""

from django.utils.translation import gettext_lazy as _

from ..models import Trustee
from . import ceremony, counting, mixing

MESSAGES = {
    "certificate": _("Your keys are registered. Keep your key file and its passphrase safe until the results are proclaimed."),
    "polynomial": _("Your part of the key is registered. Come back once every trustee has done theirs, to check them."),
    "confirmed": _("Your check is registered. The vote is sealed once every trustee has checked."),
    "sealed": _("Your check is registered: every trustee has checked, the vote is sealed with its key."),
    "complaint_upheld": _("Your complaint holds: the officers are told which trustee sent a wrong share. "
                          "The key ceremony will have to start again."),
    "decrypted": _("Thank you: your decryption of the totals is registered. The count starts once enough "
                   "trustees have decrypted."),
}


def trustee_task(*, trustee: Trustee, peek: bool = False) -> dict | None:
    """The task due for this trustee, or None.

    ``peek`` only says which step is due (``{"step": ...}``), without
    closing the box after the vote: pages use it to show what to do.
    """
    task = ceremony.ceremony_task(trustee=trustee)
    if task is not None:
        return {"step": task["step"]} if peek else task
    if peek:
        return {"step": "decrypt"} if counting.decryption_due(trustee) else None
    return counting.decryption_task(trustee=trustee)


def submit_answer(*, trustee: Trustee, user, document) -> str:
    """Check and store the device's answer for the step due; return what to tell the trustee."""
    answer = ceremony.parse_answer(document, limit=mixing.answer_limit(trustee.contest))
    if answer.get("step") == "decrypt":
        counting.submit_partial_decryption(trustee=trustee, user=user, answer=answer)
        return MESSAGES["decrypted"]
    return MESSAGES[ceremony.submit_ceremony_answer(trustee=trustee, user=user, answer=answer)]
