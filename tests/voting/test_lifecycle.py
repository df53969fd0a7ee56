"""Sealing through the trustees' key ceremony, and phases: frozen rules, a key no one holds, phases from dates."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from voting.crypto import dkg
from voting.exceptions import ContestFrozen, InvalidAnswer, NotReady, VotingError
from voting.manifest import manifest_hash
from voting.models import AuditEvent, Contest, Trustee
from voting.phases import Phase, contest_phase
from voting.services import ceremony, setup
from voting.services.trustees import submit_answer, trustee_task
from voting.trustee import keyfile, steps

from .factories import make_contest, make_ready_roll, make_user, sealed

pytestmark = pytest.mark.django_db
PASSPHRASE = "a passphrase for the tests"


class Device:
    """One trustee's device: it keeps the secrets, the server sees only answers."""

    def __init__(self, trustee: Trustee):
        self.trustee = trustee
        self.secrets = None

    def task(self) -> dict | None:
        self.trustee.refresh_from_db()
        return trustee_task(trustee=self.trustee)

    def make_answer(self) -> dict:
        task = self.task()
        if task["step"] == "certificate":
            sealed_file, answer = steps.new_keys(task, PASSPHRASE, iterations=1_000)
            self.secrets = keyfile.open_key_file(sealed_file, PASSPHRASE)
            return answer
        return steps.answer(task, self.secrets)

    def step(self) -> str:
        """The server's answer, in English whatever language an earlier test left active."""
        with translation.override("en"):
            return str(submit_answer(trustee=self.trustee, user=self.trustee.user, document=json.dumps(self.make_answer())))


def started(**kwargs) -> tuple[Contest, list[Device]]:
    contest = ceremony.start_key_ceremony(contest=make_contest(**kwargs))
    return contest, [Device(t) for t in contest.trustees.order_by("index")]


def snapshot(contest):
    contest.refresh_from_db()
    trustees = list(contest.trustees.order_by("index").values("certificate", "polynomial", "confirmation"))
    return contest.sealed_at, contest.ceremony_failure, trustees


def test_sealing_refuses_an_incomplete_contest_with_every_reason():
    contest = make_contest(options=(), trustees=0, roll=None)
    Contest.objects.filter(pk=contest.pk).update(eligibility=Contest.Eligibility.ROLL)
    contest.refresh_from_db()
    with translation.override("en"), pytest.raises(NotReady) as error:
        ceremony.start_key_ceremony(contest=contest)
    message = str(error.value)
    assert "options" in message and "trustees" in message and "roll" in message
    assert not Contest.objects.get(pk=contest.pk).is_frozen


def test_starting_the_ceremony_freezes_the_contest_and_asks_every_trustee():
    contest = make_contest(roll=make_ready_roll(), rule=Contest.Rule.APPROVAL, max_choices=2, options=("A", "B", "C"))
    contest = ceremony.start_key_ceremony(contest=contest)
    assert contest.is_frozen and not contest.is_sealed and contest.ceremony_hash == dkg.sha256_hex(contest.ceremony)
    assert [t["index"] for t in contest.ceremony["trustees"]] == [1, 2, 3]
    with pytest.raises(ContestFrozen):
        setup.assert_editable(contest)
    with pytest.raises(ContestFrozen):
        ceremony.start_key_ceremony(contest=contest)
    assert [trustee_task(trustee=t, peek=True) for t in contest.trustees.all()] == [{"step": "certificate"}] * 3
    assert contest_phase(contest, contest.opens_at + timedelta(minutes=1)) is Phase.DRAFT  # no key, no vote


def test_the_trustees_devices_seal_the_contest_with_a_key_the_server_never_held():
    contest, devices = started(roll=make_ready_roll(), options=("A", "B", "C"))
    outcomes = [device.step() for device in devices]  # certificates
    assert devices[0].task()["step"] == "polynomial"
    outcomes += [device.step() for device in devices]  # polynomials
    assert all(d.task()["step"] == "check" for d in devices)
    outcomes += [device.step() for device in devices]  # checks: the last one seals
    contest.refresh_from_db()
    assert contest.is_sealed and outcomes[-1].startswith("Your check is registered: every trustee")
    assert contest.manifest_hash == manifest_hash(contest.manifest)
    assert contest.manifest["roll_hash"] == contest.roll.roll_hash
    whole = ceremony.finished_ceremony(contest)
    key, problems = dkg.check_ceremony(whole)
    assert problems == [] and key.to_dict() == contest.public_key
    assert contest.manifest["key_ceremony"] == {
        "hash": contest.ceremony_hash,
        "transcript": dkg.transcript_hash(contest.ceremony_hash, whole.certificates, whole.polynomials),
    }
    # Nothing secret on the server: no trustee's secret scalar appears in any stored field.
    stored = json.dumps([list(Trustee.objects.filter(contest=contest).values()), contest.ceremony, contest.manifest],
                        default=str)
    for device in devices:
        assert format(device.secrets.signing, "064x") not in stored
        assert format(device.secrets.encryption, "064x") not in stored
    assert [e for e in AuditEvent.objects.filter(contest=contest, action="seal")]
    assert all(device.task() is None for device in devices)


def test_answers_for_another_step_trustee_or_ceremony_change_nothing():
    contest, devices = started()
    early_polynomial = {"format": steps.ANSWER_FORMAT, "step": "polynomial", "ceremony": contest.ceremony_hash,
                        "trustee": 1, "polynomial": {}}
    before = snapshot(contest)
    with pytest.raises(InvalidAnswer):  # not the step due
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(early_polynomial))
    answer = devices[0].make_answer()
    with pytest.raises(InvalidAnswer):  # made for trustee 1, uploaded as trustee 2
        submit_answer(trustee=devices[1].trustee, user=devices[1].trustee.user, document=json.dumps(answer))
    with pytest.raises(VotingError):  # someone else uploading trustee 1's answer
        submit_answer(trustee=devices[0].trustee, user=make_user("intruder"), document=json.dumps(answer))
    other, _ = started()
    with pytest.raises(InvalidAnswer):  # an answer of another contest's ceremony
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user,
                      document=json.dumps(dict(answer, ceremony=other.ceremony_hash)))
    for garbage in (b"not json", b"[]", json.dumps({"format": "x"}), b"{" * 3_000_000):
        with pytest.raises(InvalidAnswer):
            submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=garbage)
    forged = json.loads(json.dumps(answer))
    forged["certificate"]["signature"]["response"] = "00" * 31 + "01"
    with pytest.raises(InvalidAnswer):
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(forged))
    assert snapshot(contest) == before
    submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(answer))
    with pytest.raises(InvalidAnswer):  # the same step twice
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(answer))


def test_a_restarted_ceremony_refuses_what_was_made_for_the_previous_one():
    contest, devices = started()
    stale = devices[0].make_answer()
    contest = ceremony.restart_key_ceremony(contest=contest, actor=make_user("officer"))
    with pytest.raises(InvalidAnswer):
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(stale))
    assert devices[0].task()["ceremony"] == contest.ceremony_hash


def test_a_complaint_that_holds_stops_the_ceremony_and_names_the_cheat_until_it_restarts():
    contest, devices = started()
    for device in devices:
        device.step()
    for device in devices:
        if device.trustee.index != 2:
            device.step()
            continue
        answer = device.make_answer()  # trustee 2 sends trustee 3 a wrong sub-share, and signs it
        polynomial = dkg.Polynomial.from_dict(answer["polynomial"])
        shares = list(polynomial.shares)
        shares[2] = dkg.EncryptedSubShare(3, shares[2].ephemeral, (shares[2].value + 1) % dkg.ORDER)
        unsigned = dkg.Polynomial(2, polynomial.commitments, tuple(shares), polynomial.signature)
        certificates = [dkg.Certificate.from_dict(c) for c in device.task()["certificates"]]
        answer["polynomial"] = dkg.sign_polynomial(contest.ceremony_hash, unsigned, device.secrets, certificates).to_dict()
        submit_answer(trustee=device.trustee, user=device.trustee.user, document=json.dumps(answer))
    assert devices[0].step().startswith("Your check is registered")
    complaint = devices[2].make_answer()
    assert complaint["complaint"]["accused"] == 2
    with translation.override("en"):
        assert "complaint holds" in submit_answer(trustee=devices[2].trustee, user=devices[2].trustee.user,
                                                  document=json.dumps(complaint))
        contest.refresh_from_db()
        progress = ceremony.ceremony_progress(contest)
    assert contest.ceremony_failure["accused"] == 2 and not contest.is_sealed
    assert "Garant 1 sent a wrong share" in progress["blocking"]
    assert devices[1].task() is None  # the ceremony is stopped for everyone
    ceremony.restart_key_ceremony(contest=contest, actor=make_user("officer"))
    contest.refresh_from_db()
    assert contest.ceremony_failure is None and all(d.task()["step"] == "certificate" for d in devices)


def test_an_unfounded_complaint_is_refused_and_the_ceremony_goes_on():
    contest, devices = started(trustees=2, threshold=2)
    for _ in range(2):
        for device in devices:
            device.step()
    task = devices[0].task()
    polynomial = dkg.Polynomial.from_dict(task["polynomials"][1])
    lie = dkg.make_complaint(contest.ceremony_hash, polynomial, devices[0].secrets)  # trustee 2 did nothing wrong
    answer = {"format": steps.ANSWER_FORMAT, "step": "check", "ceremony": contest.ceremony_hash, "trustee": 1,
              "complaint": lie.to_dict()}
    with pytest.raises(InvalidAnswer):
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(answer))
    contest.refresh_from_db()
    assert contest.ceremony_failure is None
    for device in devices:
        device.step()
    contest.refresh_from_db()
    assert contest.is_sealed


def test_progress_says_what_the_seal_waits_for():
    contest, devices = started()
    with translation.override("en"):
        assert ceremony.ceremony_progress(make_contest())["blocking"] == "The key ceremony has not started."
        devices[0].step()
        progress = ceremony.ceremony_progress(contest)
    assert progress["blocking"] == "Waiting for Garant 1, Garant 2 to make their keys."
    assert [row["certificate"] for row in progress["trustees"]] == [True, False, False]


def test_a_sealed_ceremony_cannot_restart():
    contest, _secrets = sealed(make_contest())
    with pytest.raises(ContestFrozen):
        ceremony.restart_key_ceremony(contest=contest, actor=make_user("officer"))


def test_officers_start_the_ceremony_and_trustees_are_told_once(django_capture_on_commit_callbacks, settings):
    from voting.notify import tell_trustees

    first, second = make_contest(), make_contest()
    shared = first.trustees.first().user
    Trustee.objects.create(contest=second, user=shared, name="Garant commun")
    with django_capture_on_commit_callbacks(execute=True):
        tell_trustees([ceremony.start_key_ceremony(contest=c) for c in (first, second)])
    to_shared = [m for m in mail.outbox if shared.email in m.to]
    assert len(to_shared) == 1 and first.title in to_shared[0].body
    assert len(mail.outbox) == 6  # 3 + 3 trustees, one of them in both contests: 6 people, 6 mails


def test_phases_follow_dates_once_sealed():
    now = timezone.now()
    contest = make_contest(opens_in=timedelta(hours=1), duration=timedelta(days=1))
    assert contest_phase(contest, now) is Phase.DRAFT
    contest, _secrets = sealed(contest)
    later = contest.opens_at + timedelta(minutes=1)
    assert contest_phase(contest, now) is Phase.SCHEDULED
    assert contest_phase(contest, later) is Phase.OPEN
    assert contest_phase(contest, contest.closes_at) is Phase.CLOSED


def test_officer_opens_and_closes_by_hand_with_an_audit_trail():
    contest, _secrets = sealed(make_contest(opens_in=timedelta(days=2)))
    officer = make_user("officer")
    setup.set_dates_by_hand(contest=contest, actor=officer, open_now=True)
    assert contest_phase(contest) is Phase.OPEN
    setup.set_dates_by_hand(contest=contest, actor=officer, close_now=True)
    assert contest_phase(contest) is Phase.CLOSED
    with pytest.raises(NotReady):
        setup.set_dates_by_hand(contest=contest, actor=officer, close_now=True)
    actions = list(AuditEvent.objects.filter(contest=contest).values_list("action", "actor__username"))
    assert ("open_by_hand", "officer") in actions and ("close_by_hand", "officer") in actions


def test_a_cancelled_ceremony_unfreezes_the_contest_and_nothing_of_it_carries_over():
    contest, devices = started()
    stale = devices[0].make_answer()
    contest = ceremony.cancel_key_ceremony(contest=contest, actor=make_user("officer"))
    assert not contest.is_frozen and contest.ceremony is None
    setup.assert_editable(contest)  # e.g. to replace a trustee
    assert devices[0].task() is None
    contest = ceremony.start_key_ceremony(contest=contest)
    with pytest.raises(InvalidAnswer):
        submit_answer(trustee=devices[0].trustee, user=devices[0].trustee.user, document=json.dumps(stale))
    sealed_contest, _ = sealed(make_contest())
    with pytest.raises(ContestFrozen):
        ceremony.cancel_key_ceremony(contest=sealed_contest, actor=make_user("officer2"))
