"""The trustees' key ceremony: the server relays and checks, trustees' devices hold every secret.

An officer starts it (``start_key_ceremony``): the contest's options, rule,
roll and trustees freeze, and each trustee gets a number. Each trustee then
answers three tasks on their own device (:mod:`voting.trustee.steps`, or its
browser twin): a certificate, a polynomial, a check. The server verifies
each answer's signature and shape before storing it, and seals the contest
when every trustee confirmed the same transcript: the election key is the
combination of their commitments, and no one ever held it whole.

A complaint that holds (a trustee sent another a wrong sub-share) stops the
ceremony and names the faulty trustee; an officer starts it again, after
replacing that trustee if need be. Every answer is taken under the
contest's row lock, so the last confirmation seals exactly once.
"""

import json
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..crypto import dkg
from ..crypto.errors import DecodeError
from ..exceptions import ContestFrozen, InvalidAnswer, NotReady, VotingError
from ..manifest import manifest_hash
from ..models import Contest, Trustee
from .audit import log
from .setup import build_manifest, check_ready_to_seal

MAX_ANSWER_BYTES = 2_000_000
"""A polynomial for 1,000 trustees is about 200 kB; anything larger is not an answer."""


def start_key_ceremony(*, contest: Contest, actor=None) -> Contest:
    """Freeze the contest and open the key ceremony to its trustees.

    Raises NotReady with every reason when the contest is not ready, and
    ContestFrozen when the ceremony has already started.
    """
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.is_frozen:
            raise ContestFrozen()
        check_ready_to_seal(contest)
        trustees = list(contest.trustees.order_by("pk"))
        for index, trustee in enumerate(trustees, start=1):
            trustee.index = index
        Trustee.objects.bulk_update(trustees, ["index"])
        _new_ceremony(contest, trustees)
        log(contest=contest, action="ceremony_started", actor=actor, ceremony=contest.ceremony_hash)
    return contest


def restart_key_ceremony(*, contest: Contest, actor) -> Contest:
    """Start again from the first step, e.g. after a complaint held or a trustee lost their key file.

    Everything trustees published is dropped; they make new keys. Only
    before the contest is sealed: afterwards the key cannot change.
    """
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.is_sealed:
            raise ContestFrozen()
        if not contest.ceremony_hash:
            raise NotReady(_("The key ceremony has not started."))
        trustees = list(contest.trustees.order_by("index"))
        Trustee.objects.filter(contest=contest).update(certificate=None, polynomial=None, confirmation=None)
        _new_ceremony(contest, trustees)
        log(contest=contest, action="ceremony_restarted", actor=actor, ceremony=contest.ceremony_hash)
    return contest


def cancel_key_ceremony(*, contest: Contest, actor) -> Contest:
    """Stop the ceremony and unfreeze the contest, e.g. to replace a trustee who cheated or left.

    Everything trustees published is dropped; the contest can be edited
    again and its ceremony started afresh. Only before it is sealed.
    """
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.is_sealed:
            raise ContestFrozen()
        if not contest.ceremony_hash:
            raise NotReady(_("The key ceremony has not started."))
        Trustee.objects.filter(contest=contest).update(certificate=None, polynomial=None, confirmation=None)
        log(contest=contest, action="ceremony_cancelled", actor=actor, ceremony=contest.ceremony_hash)
        contest.ceremony, contest.ceremony_hash, contest.ceremony_failure = None, "", None
        contest.save(update_fields=["ceremony", "ceremony_hash", "ceremony_failure"])
    return contest


def _new_ceremony(contest: Contest, trustees: list[Trustee]) -> None:
    contest.ceremony = {
        "format": dkg.CEREMONY_FORMAT,
        "contest": contest.pk,
        "title": contest.title,
        "threshold": contest.threshold,
        "trustees": [{"index": t.index, "name": t.name} for t in trustees],
        # A fresh value makes every ceremony's context unique, so nothing of a
        # stopped ceremony can be replayed into the next one.
        "nonce": secrets.token_hex(16),
    }
    contest.ceremony_hash = dkg.sha256_hex(contest.ceremony)
    contest.ceremony_failure = None
    contest.save(update_fields=["ceremony", "ceremony_hash", "ceremony_failure"])


def _certificates(trustees) -> list["dkg.Certificate"]:
    return [dkg.Certificate.from_dict(t.certificate) for t in trustees]


def _polynomials(trustees) -> list["dkg.Polynomial"]:
    return [dkg.Polynomial.from_dict(t.polynomial) for t in trustees]


def step_due(contest: Contest, trustee: Trustee, trustees: list[Trustee]) -> str | None:
    """The ceremony step this trustee must do now, or None (waiting for others, done, stopped)."""
    if contest.is_sealed or not contest.ceremony_hash or contest.ceremony_failure:
        return None
    if trustee.certificate is None:
        return "certificate"
    if all(t.certificate for t in trustees) and trustee.polynomial is None:
        return "polynomial"
    if all(t.polynomial for t in trustees) and trustee.confirmation is None:
        return "check"
    return None


def ceremony_task(*, trustee: Trustee) -> dict | None:
    """The task this trustee's device needs for the step due, or None."""
    contest = trustee.contest
    trustees = list(contest.trustees.order_by("index"))
    step = step_due(contest, trustee, trustees)
    if step is None:
        return None
    task = {
        "format": "parvis-trustee-task/1", "step": step, "trustee": trustee.index,
        "descriptor": contest.ceremony, "ceremony": contest.ceremony_hash,
    }
    if step in ("polynomial", "check"):
        task["certificates"] = [t.certificate for t in trustees]
    if step == "check":
        task["polynomials"] = [t.polynomial for t in trustees]
    return task


def parse_answer(document: str | bytes | dict, *, limit: int = MAX_ANSWER_BYTES) -> dict:
    """A trustee's uploaded answer as a dict; refused when it is not one."""
    if isinstance(document, (str, bytes)):
        if len(document) > limit:
            raise InvalidAnswer(_("This file is too large to be a trustee's answer."))
        try:
            document = json.loads(document)
        except (ValueError, UnicodeDecodeError):
            raise InvalidAnswer(_("This file is not a trustee's answer (it is not JSON).")) from None
    if not isinstance(document, dict) or document.get("format") != "parvis-trustee-answer/1":
        raise InvalidAnswer(_("This file is not a trustee's answer. Upload the answer file your device made."))
    return document


def submit_ceremony_answer(*, trustee: Trustee, user, answer: dict, now=None) -> str:
    """Check and store a trustee's answer to the step due; seal when the last one confirms.

    Returns what happened: ``"certificate"``, ``"polynomial"``, ``"confirmed"``,
    ``"sealed"`` or ``"complaint_upheld"``. Raises InvalidAnswer (nothing
    stored) for an answer to another vote, trustee or step, or whose
    signature or proof does not verify.
    """
    if trustee.user_id != user.pk:
        raise VotingError(_("Only this trustee can take part in their key ceremony."))
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=trustee.contest_id)
        trustees = list(contest.trustees.order_by("index"))
        trustee = next(t for t in trustees if t.pk == trustee.pk)
        if answer.get("ceremony") != contest.ceremony_hash or not contest.ceremony_hash:
            raise InvalidAnswer(_("This answer belongs to another vote or to an earlier key ceremony."))
        if answer.get("trustee") != trustee.index:
            raise InvalidAnswer(_("This answer was made for another trustee."))
        step = step_due(contest, trustee, trustees)
        if step is None or answer.get("step") != step:
            raise InvalidAnswer(_("This answer is not for the step your key ceremony is at. Reload the page."))
        try:
            outcome = _take(contest, trustee, trustees, step, answer, now or timezone.now(), user)
        except (DecodeError, KeyError, TypeError, ValueError):
            raise InvalidAnswer() from None
    return outcome


def _take(contest, trustee, trustees, step, answer, now, user) -> str:
    ceremony = contest.ceremony_hash
    if step == "certificate":
        certificate = dkg.Certificate.from_dict(answer["certificate"])
        if certificate.trustee != trustee.index or not dkg.verify_certificate(ceremony, certificate):
            raise InvalidAnswer(_("This certificate is not validly signed for this ceremony."))
        keys = {t.certificate["signing_key"] for t in trustees if t.certificate} | {
            t.certificate["encryption_key"] for t in trustees if t.certificate}
        if {certificate.signing_key.to_hex(), certificate.encryption_key.to_hex()} & keys:
            raise InvalidAnswer(_("These keys are already another trustee's: make new ones."))
        _store(trustee, "certificate", certificate.to_dict())
        log(contest=contest, action="ceremony_certificate", actor=user, trustee=trustee.index)
        return "certificate"
    certificates = _certificates(trustees)
    if step == "polynomial":
        polynomial = dkg.Polynomial.from_dict(answer["polynomial"])
        if polynomial.trustee != trustee.index or not dkg.verify_polynomial(
            ceremony, polynomial, certificates, contest.threshold
        ):
            raise InvalidAnswer(_("This polynomial is malformed or not signed with your certificate."))
        _store(trustee, "polynomial", polynomial.to_dict())
        log(contest=contest, action="ceremony_polynomial", actor=user, trustee=trustee.index)
        return "polynomial"
    polynomials = _polynomials(trustees)
    if "complaint" in answer:
        complaint = dkg.Complaint.from_dict(answer["complaint"])
        if complaint.trustee != trustee.index or not dkg.complaint_holds(ceremony, complaint, certificates, polynomials):
            raise InvalidAnswer(_("This complaint does not hold: the share it is about is correct, or its proof fails."))
        contest.ceremony_failure = {"accused": complaint.accused, "by": trustee.index, "complaint": complaint.to_dict()}
        contest.save(update_fields=["ceremony_failure"])
        log(contest=contest, action="ceremony_complaint_upheld", actor=user, trustee=trustee.index,
            accused=complaint.accused)
        return "complaint_upheld"
    confirmation = dkg.Confirmation.from_dict(answer["confirmation"])
    transcript = dkg.transcript_hash(ceremony, certificates, polynomials)
    if confirmation.trustee != trustee.index or confirmation.transcript != transcript or not dkg.verify_confirmation(
        ceremony, confirmation, certificates
    ):
        raise InvalidAnswer(_("This confirmation is not signed over this ceremony's transcript."))
    _store(trustee, "confirmation", confirmation.to_dict())
    log(contest=contest, action="ceremony_confirmed", actor=user, trustee=trustee.index)
    if all(t.confirmation for t in trustees):
        _seal(contest, trustees, now)
        return "sealed"
    return "confirmed"


def _store(trustee: Trustee, field: str, value: dict) -> None:
    setattr(trustee, field, value)
    trustee.save(update_fields=[field])


def finished_ceremony(contest: Contest, trustees=None) -> "dkg.Ceremony":
    """The whole public transcript of a sealed contest's ceremony (for the record and tasks)."""
    trustees = trustees if trustees is not None else list(contest.trustees.order_by("index"))
    return dkg.Ceremony(
        contest.ceremony, tuple(_certificates(trustees)), tuple(_polynomials(trustees)),
        tuple(dkg.Confirmation.from_dict(t.confirmation) for t in trustees),
    )


def _seal(contest: Contest, trustees: list[Trustee], now) -> None:
    """Every trustee confirmed: fix the key, freeze the manifest, open the box's chain."""
    from .. import crypto

    ceremony = finished_ceremony(contest, trustees)
    public, problems = dkg.check_ceremony(ceremony)
    if public is None:  # every answer was checked as it came: this means the rows were altered
        raise VotingError(_("The key ceremony's transcript does not verify: %(problems)s") % {
            "problems": "; ".join(problems)})
    for trustee in trustees:
        trustee.verification_key = public.verification_keys[trustee.index - 1].to_hex()
    Trustee.objects.bulk_update(trustees, ["verification_key"])
    transcript = dkg.transcript_hash(contest.ceremony_hash, ceremony.certificates, ceremony.polynomials)
    manifest = build_manifest(contest, public, trustees, ceremony={"hash": contest.ceremony_hash, "transcript": transcript})
    contest.manifest = manifest
    contest.manifest_hash = manifest_hash(manifest)
    contest.public_key = manifest["public_key"]
    contest.head_hash = crypto.genesis_hash(contest.manifest_hash)
    contest.sealed_at = now
    contest.save(update_fields=["manifest", "manifest_hash", "public_key", "head_hash", "sealed_at"])
    log(contest=contest, action="seal", manifest_hash=contest.manifest_hash)


def ceremony_progress(contest: Contest) -> dict:
    """Where the ceremony stands, for the officers' and trustees' pages.

    ``trustees``: per trustee, which steps they did; ``blocking``: what the
    contest waits for, in words (None once sealed).
    """
    trustees = list(contest.trustees.order_by("index", "pk"))
    rows = [{
        "trustee": t, "certificate": bool(t.certificate), "polynomial": bool(t.polynomial),
        "confirmed": bool(t.confirmation), "decrypted": bool(t.partial_decryption),
    } for t in trustees]
    blocking = None
    if not contest.ceremony_hash:
        blocking = _("The key ceremony has not started.")
    elif contest.ceremony_failure:
        accused = next((t.name for t in trustees if t.index == contest.ceremony_failure["accused"]), "?")
        blocking = _("%(name)s sent a wrong share (a complaint proved it): start the ceremony again, or cancel "
                     "it to replace this trustee first.") % {"name": accused}
    elif not contest.is_sealed:
        for field, words in (("certificate", _("their keys")), ("polynomial", _("their polynomial")),
                             ("confirmation", _("their check"))):
            missing = [t.name for t in trustees if not getattr(t, field)]
            if missing:
                blocking = _("Waiting for %(names)s to make %(what)s.") % {"names": ", ".join(missing), "what": words}
                break
    return {"trustees": rows, "blocking": blocking}
