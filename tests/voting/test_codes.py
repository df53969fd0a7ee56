"""Voting with a code mailed by post: letters, checking, one use, revocation, guessing, secrecy."""

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader

from voting.exceptions import AlreadyVoted, CodeRefused, CodeRevoked, NotReady, TooManyAttempts
from voting.models import Ballot, LetterRun, Participation, RollEntry, Voter, VotingCode
from voting.services import codes, letters
from voting.voter import encrypt_choice

from .factories import make_contest, make_ready_roll, make_user, open_contest, option_ids

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def roll_with_addresses():
    roll = make_ready_roll()
    for entry, (address, town) in zip(RollEntry.objects.filter(roll=roll).order_by("pk"),
                                      [("3 rue des Lilas", "Angers"), ("5 rue des Lilas", "Angers"),
                                       ("8 avenue de la Gare", "Trélazé")]):
        entry.address, entry.town = address, town
        entry.save()
    return roll


@pytest.fixture
def contest():
    contest, _secrets = open_contest(roll=roll_with_addresses(), title="Référendum du marché")
    return contest


def print_run(contest, officer=None, roll_entry=None):
    run = letters.request_letters(contest=contest, actor=officer, roll_entry=roll_entry)
    return letters.run_letters(run=run)


def letter_codes(run) -> dict[str, str]:
    """Read the run's PDFs back: {family name in the address: printed code}."""
    found = {}
    for name in run.files:
        with LetterRun.storage().open(name, "rb") as pdf:
            for page in PdfReader(io.BytesIO(pdf.read())).pages:
                text = page.extract_text()
                family = next(entry.family_name for entry in RollEntry.objects.all() if entry.family_name.upper() in text)
                found[family] = CODE_RE.search(text).group(1)
    return found


def ballot(contest, label="Oui") -> str:
    return encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key,
                          [option_ids(contest)[label]])[0].to_json()


def test_letters_carry_address_dates_and_a_code_and_store_only_hashes(contest):
    run = print_run(contest)
    assert run.status == LetterRun.Status.DONE and run.done == run.total == 3 and len(run.files) == 1
    with LetterRun.storage().open(run.files[0], "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    assert len(reader.pages) == 3
    text = reader.pages[0].extract_text()
    assert "Marie DUPONT" in text and "3 rue des Lilas" in text and "49000 ANGERS" in text
    assert "Référendum du marché" in text and reverse("voting:code_vote", args=[contest.pk]) in text
    printed = letter_codes(run)
    assert set(printed) == {"Dupont", "Lefèvre", "Martin"}
    for code in VotingCode.objects.filter(contest=contest):
        assert code.secret_hash.startswith("argon2$argon2id$")
        plain = printed[code.roll_entry.family_name].replace("-", "")
        assert plain[6:] not in code.secret_hash and code.lookup == plain[:6]


def test_letters_are_printed_in_batches_and_a_rerun_resumes(contest, monkeypatch):
    monkeypatch.setattr(letters, "BATCH_SIZE", 2)
    run = print_run(contest)
    assert len(run.files) == 2 and run.done == 3
    assert letters.run_letters(run=run).files == run.files  # done: nothing printed twice
    assert VotingCode.objects.filter(contest=contest, revoked_at=None).count() == 3


def test_letters_need_a_sealed_roll_vote():
    draft = make_contest(roll=make_ready_roll())
    with pytest.raises(NotReady):
        letters.request_letters(contest=draft, actor=None)
    assert not LetterRun.objects.exists()


def test_a_resident_votes_with_code_and_birth_date_without_account(client, contest):
    code = letter_codes(print_run(contest))["Dupont"]
    url = reverse("voting:code_vote", args=[contest.pk])
    response = client.post(url, {"code": code.lower().replace("-", " "), "birth_date": "1980-07-14"})
    assert response.status_code == 302
    page = client.get(url)
    assert b"data-ballot-cast" in page.content and reverse("voting:cast_with_code", args=[contest.pk]).encode() in page.content
    response = client.post(reverse("voting:cast_with_code", args=[contest.pk]), {"ballot": ballot(contest)})
    assert response.status_code == 302 and "/recu/" in response["Location"]
    voter = Voter.objects.get(contest=contest)
    assert voter.user is None and voter.roll_entry.family_name == "Dupont"
    assert Participation.objects.filter(voter=voter, channel=Participation.Channel.ONLINE).count() == 1
    assert Ballot.objects.filter(contest=contest).count() == 1
    # Secrecy: nothing on the code records its use, and the ballot names nothing but its contest.
    assert {f.name for f in VotingCode._meta.concrete_fields} == {
        "id", "contest", "roll_entry", "lookup", "secret_hash", "run", "issued_at", "revoked_at"}
    # Its group is its voter's commune, public by design (results per town); no single ballot is decrypted.
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "contest", "position", "payload", "tracker", "group",
                                                              "entry_hash"}
    # Used: the same code again is refused, with the reason.
    with pytest.raises(AlreadyVoted):
        codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 14))


def test_wrong_birth_date_mistyped_and_unknown_codes_are_refused(contest):
    code = letter_codes(print_run(contest))["Dupont"]
    with pytest.raises(CodeRefused):
        codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 15))
    with pytest.raises(CodeRefused, match="16"):
        codes.check_code(contest=contest, code=code[:-2], birth_date=date(1980, 7, 14))
    wrong_secret = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(CodeRefused):
        codes.check_code(contest=contest, code=wrong_secret, birth_date=date(1980, 7, 14))
    with pytest.raises(CodeRefused):
        codes.check_code(contest=contest, code="ZZZZ-ZZZZ-ZZZZ-ZZZZ", birth_date=date(1980, 7, 14))
    assert not Participation.objects.exists()
    # O for 0 and I/L for 1, lower case and spaces: still the code.
    lookalike = code.replace("0", "o").replace("1", "l").lower().replace("-", " ")
    assert codes.check_code(contest=contest, code=lookalike, birth_date=date(1980, 7, 14)).lookup == code[:4] + code[5:7]


def test_a_view_refusal_shows_the_reason_and_changes_nothing(client, contest):
    code = letter_codes(print_run(contest))["Dupont"]
    response = client.post(reverse("voting:code_vote", args=[contest.pk]), {"code": code, "birth_date": "1999-01-01"})
    with translation.override("fr"):
        expected = escape(str(CodeRefused.default_message))
    assert response.status_code == 200 and expected in response.content.decode()
    response = client.post(reverse("voting:cast_with_code", args=[contest.pk]), {"ballot": ballot(contest)})
    assert response.status_code == 302 and not Ballot.objects.exists() and not Voter.objects.exists()


def test_guessing_is_rate_limited_per_code_then_per_address(contest):
    code = letter_codes(print_run(contest))["Dupont"]
    for _ in range(codes.MAX_ATTEMPTS_PER_CODE):
        with pytest.raises(CodeRefused):
            codes.check_code(contest=contest, code=code, birth_date=date(2000, 1, 1), source="203.0.113.9")
    with pytest.raises(TooManyAttempts):  # the right details, but this code is locked for a while
        codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 14), source="198.51.100.1")
    for number in range(codes.MAX_ATTEMPTS_PER_SOURCE - codes.MAX_ATTEMPTS_PER_CODE):
        with pytest.raises(CodeRefused):
            codes.check_code(contest=contest, code=f"{number:06d}" + "Z" * 10, birth_date=None,
                             source="203.0.113.9")
    martin = VotingCode.objects.get(roll_entry__family_name="Martin")
    with pytest.raises(TooManyAttempts):  # this address is blocked, whatever the code
        codes.check_code(contest=contest, code=martin.lookup + "0" * 10, birth_date=date(2001, 5, 1),
                         source="203.0.113.9")


def test_a_reissued_letter_kills_the_old_code(contest):
    old = letter_codes(print_run(contest))["Martin"]
    martin = RollEntry.objects.get(family_name="Martin")
    new_run = print_run(contest, roll_entry=martin)
    new = letter_codes(new_run)["Martin"]
    assert new != old and new_run.total == 1
    with pytest.raises(CodeRevoked):
        codes.check_code(contest=contest, code=old, birth_date=date(2001, 5, 1))
    assert codes.check_code(contest=contest, code=new, birth_date=date(2001, 5, 1)).roll_entry == martin
    assert contest.audit_events.filter(action="letters_reissued").exists()


def test_a_code_revoked_after_its_check_cannot_cast(contest):
    code = letter_codes(print_run(contest))["Dupont"]
    checked = codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 14))
    officer = make_user("officer")
    assert codes.revoke_code(contest=contest, roll_entry=checked.roll_entry, actor=officer) == 1
    with pytest.raises(CodeRevoked):
        codes.cast_ballot_with_code(contest=contest, code_id=checked.pk, payload=ballot(contest))
    assert not Ballot.objects.exists() and not Participation.objects.exists()
    assert contest.audit_events.get(action="code_revoked").actor == officer


def test_a_code_after_a_vote_by_another_channel_is_refused(contest):
    """The elector proved their roll membership with an account and voted: their code is spent too."""
    code = letter_codes(print_run(contest))["Dupont"]
    checked = codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 14))
    codes.cast_ballot_with_code(contest=contest, code_id=checked.pk, payload=ballot(contest))
    with pytest.raises(AlreadyVoted):
        codes.cast_ballot_with_code(contest=contest, code_id=checked.pk, payload=ballot(contest, "Non"))
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_two_uses_of_one_code_at_once_make_one_vote(migrated_data):
    from .test_concurrency import run_concurrently

    contest, _secrets = open_contest(roll=roll_with_addresses())
    code = letter_codes(print_run(contest))["Lefèvre"]
    checked = codes.check_code(contest=contest, code=code, birth_date=date(1975, 1, 2))
    payloads = [ballot(contest, "Oui"), ballot(contest, "Non")]
    outcomes = run_concurrently(
        lambda index: codes.cast_ballot_with_code(contest=contest, code_id=checked.pk, payload=payloads[index]), 2)
    assert sum(isinstance(outcome, str) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, AlreadyVoted) for outcome in outcomes) == 1, outcomes
    assert Ballot.objects.filter(contest=contest).count() == 1 and Participation.objects.count() == 1


def test_a_roll_ballot_tells_visitors_they_can_vote_with_their_letters_code(client, contest):
    page = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()
    assert reverse("voting:code_vote", args=[contest.pk]) in page


def test_the_letters_qr_code_leads_to_the_votes_code_page_and_never_carries_the_code(contest):
    import zxingcpp
    from PIL import Image

    run = print_run(contest)
    with LetterRun.storage().open(run.files[0], "rb") as pdf:
        page = PdfReader(io.BytesIO(pdf.read())).pages[0]
    picture = Image.open(io.BytesIO(page.images[0].data)).convert("L")
    (decoded,) = [result.text for result in zxingcpp.read_barcodes(picture)]
    assert decoded.endswith(reverse("voting:code_vote", args=[contest.pk]))
    assert not CODE_RE.search(decoded)


def test_the_polling_station_list_marks_an_elector_who_voted_with_a_code(contest):
    from voting.services import paper

    code = letter_codes(print_run(contest))["Dupont"]
    checked = codes.check_code(contest=contest, code=code, birth_date=date(1980, 7, 14))
    codes.cast_ballot_with_code(contest=contest, code_id=checked.pk, payload=ballot(contest))
    channels = {entry.family_name: entry.voted_channel for entry in paper.station_entries(contest, "001")}
    assert channels == {"Dupont": Participation.Channel.ONLINE, "Lefèvre": None}
