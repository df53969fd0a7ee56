"""Electoral rolls in the admin: upload, import queued on commit, progress, the error report, frozen rolls."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from voting.models import RollEntry, VoterRoll
from voting.services.roll import import_roll, progress_key

from .factories import ROLL_CSV, make_contest, make_roll, sealed
from .test_admin_support import ADMIN_ACCESS, log_in, messages_of

pytestmark = pytest.mark.django_db

ADD = "/admin/votes/rolls/new/"


def roll_page(roll):
    return f"/admin/votes/rolls/edit/{roll.pk}/"


def upload(client, url, csv_text, name="Liste 2027", filename="liste.csv"):
    return client.post(url, {"name": name, "source_file": SimpleUploadedFile(filename, csv_text.encode())}, follow=True)


@pytest.fixture
def officer(client):
    return log_in(client, ADMIN_ACCESS, "voting.add_voterroll", "voting.change_voterroll")


def test_the_upload_page_documents_the_expected_format(client, officer):
    html = client.get(ADD).content.decode()
    assert "nom;prenoms;date_naissance;bureau;code_postal;adresse" in html and "Nom de naissance" in html
    assert "DD/MM/YYYY" in html


def test_an_upload_is_imported_once_committed_and_its_page_shows_the_fingerprint(
    client, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(client, ADD, ROLL_CSV)

    roll = VoterRoll.objects.get()
    assert len(queued) == 1 and response.redirect_chain[-1][0] == roll_page(roll)
    assert roll.status == VoterRoll.Status.READY and roll.rows_total == 4 and roll.created_by == officer
    assert roll.roll_hash in client.get(roll_page(roll)).content.decode()


def test_a_bad_file_fails_and_its_page_lists_each_wrong_line(client, officer, django_capture_on_commit_callbacks):
    broken = ROLL_CSV + "Durand;Luc;31/02/1990;001;;\nLeroy;;01/01/1990;001;;\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ADD, broken)
    roll = VoterRoll.objects.get()

    html = client.get(roll_page(roll)).content.decode()

    assert roll.status == VoterRoll.Status.FAILED and not RollEntry.objects.exists()
    assert "import failed" in html
    assert "<td>6</td>" in html and "31/02/1990" in html
    assert "<td>7</td>" in html and "Empty value in: Prénoms." in html


def test_a_new_file_replaces_the_roll_through_a_new_import(client, officer, django_capture_on_commit_callbacks):
    roll = import_roll(roll=make_roll())
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, roll_page(roll), "nom;prenoms;date_naissance;bureau\nSimon;Léa;02/02/2002;003\n")

    assert list(RollEntry.objects.filter(roll=roll).values_list("family_name", flat=True)) == ["Simon"]


def test_a_roll_used_by_a_sealed_vote_refuses_a_new_file(client, officer, django_capture_on_commit_callbacks):
    roll = import_roll(roll=make_roll())
    sealed(make_contest(roll=roll))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(client, roll_page(roll), ROLL_CSV.replace("Dupont", "Durand"))

    assert response.status_code == 200 and not queued
    assert "used by a sealed vote" in str(response.context["form"].errors["source_file"])
    assert not RollEntry.objects.filter(family_name="Durand").exists()
    assert not VoterRoll.objects.get(pk=roll.pk).source_file


def test_only_csv_files_are_accepted(client, officer):
    response = upload(client, ADD, ROLL_CSV, filename="liste.xlsx")
    assert "source_file" in response.context["form"].errors and not VoterRoll.objects.exists()


def test_an_import_under_way_shows_its_progress(client, officer):
    roll = VoterRoll.objects.create(name="Liste", status=VoterRoll.Status.IMPORTING, rows_total=20_000)
    cache.set(progress_key(roll), 5_000)

    html = client.get(roll_page(roll)).content.decode()

    assert 'max="20000" value="5000"' in html
    assert "window.location.reload" in html


def test_staff_without_roll_permissions_cannot_upload(client):
    log_in(client, ADMIN_ACCESS, "voting.change_contest")
    response = upload(client, ADD, ROLL_CSV)
    assert not VoterRoll.objects.exists()
    assert "Sorry, you do not have permission to access this area." in messages_of(response)


@pytest.fixture
def broker_down(monkeypatch):
    """The task queue refuses the import, as kombu does when the broker is unreachable.

    (The fault drill, bench/faults, does it with Redis really stopped.)
    """
    from kombu.exceptions import OperationalError

    from voting import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.import_roll, "delay", refuse)


def test_an_upload_whose_import_cannot_be_queued_says_so_instead_of_waiting_for_ever(
    client, officer, django_capture_on_commit_callbacks, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ADD, ROLL_CSV)

    roll = VoterRoll.objects.get()
    assert roll.status == VoterRoll.Status.FAILED and not RollEntry.objects.exists()
    assert "Upload the file again" in roll.errors[0]["message"] or "Envoyez" in roll.errors[0]["message"]
