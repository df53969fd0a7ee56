"""Residents' side over HTTP: submitting, refusing bad input with nothing saved, the idea page, editing, CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budget.models import Idea
from budget.phases import Phase

from ..accounts.factories import make_resident
from ..home.utils import make_home
from .factories import IDEA_DATA, make_budget, make_idea, move_to, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    return make_budget(make_home(), phase=Phase.IDEAS)


@pytest.fixture
def amina(client):
    user = make_resident("amina@example.org", display_name="Amina")
    client.force_login(user)
    return user


def post_idea(client, budget, **changes):
    data = {key: ("" if value is None else value) for key, value in {**IDEA_DATA, **changes}.items()}
    return client.post(budget.url + "idees/proposer/", data)


def test_a_resident_submits_an_idea_and_lands_on_its_page(client, budget, amina):
    response = post_idea(client, budget, image=png_upload(), image_description="Des bacs")
    idea = Idea.objects.get()
    assert response.status_code == 302 and response.url == f"/budget-2027/idees/{idea.pk}/"
    assert idea.author == amina and idea.image is not None

    page = client.get(response.url).content.decode()
    assert "Un jardin partagé" in page and "Amina" in page and "3000 EUR" in page
    assert 'alt="Des bacs"' in page


def test_html_in_the_description_is_shown_as_text(client, budget, amina):
    post_idea(client, budget, description='<script>alert("x")</script><b>gras</b>')
    html = client.get(Idea.objects.get().url).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;" in html


@pytest.mark.parametrize(("changes", "field_message"), [
    ({"cost": -5}, "négatif"),
    ({"cost": 25_000}, "20000"),
    ({"title": ""}, ""),
    ({"image": SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png")}, "JPEG"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client, budget, amina, changes, field_message):
    response = post_idea(client, budget, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="invalid-feedback' in html and field_message in html
    assert not Idea.objects.exists()


def test_a_30_mb_upload_is_refused(client, budget, amina):
    huge = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024), content_type="image/jpeg")
    response = post_idea(client, budget, image=huge)
    assert response.status_code == 400 and "30 Mo" in response.content.decode()
    assert not Idea.objects.exists()


def test_outside_the_ideas_phase_nothing_is_submitted(client, budget, amina):
    budget = move_to(budget, Phase.REVIEW)
    response = post_idea(client, budget)
    assert response.status_code == 302 and response.url == "/budget-2027/#proposer"
    assert not Idea.objects.exists()
    assert "closed" in client.get("/budget-2027/").content.decode() or "clos" in client.get("/budget-2027/").content.decode()


def test_visitors_are_sent_to_log_in(client, budget):
    response = post_idea(client, budget)
    assert response.status_code == 302 and response.url.startswith("/compte/login/")
    assert not Idea.objects.exists()


def test_the_author_edits_until_the_review_and_others_cannot(client, budget, amina):
    idea = make_idea(budget, author=amina)
    edit = f"{idea.url}modifier/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**{k: v or "" for k, v in IDEA_DATA.items()}, "title": "Nouveau titre"})
    assert response.status_code == 302
    assert Idea.objects.get().title == "Nouveau titre" and idea.revisions.count() == 2
    page = client.get(idea.url).content.decode()
    assert "modifier/" in page  # the author's edit link

    client.force_login(make_resident("autre@example.org"))
    assert client.post(edit, {**IDEA_DATA, "council": "", "title": "Piraté"}).status_code == 302
    assert Idea.objects.get().title == "Nouveau titre"


def test_the_idea_page_shows_the_verdict_and_hides_what_moderators_hid(client, budget):
    refused = make_idea(budget, status=Idea.Status.NOT_ELIGIBLE, review_reason="Hors compétence communale")
    assert "Hors compétence communale" in client.get(refused.url).content.decode()
    hidden = make_idea(budget, title="Texte injurieux", hidden_reason="Propos injurieux")
    Idea.objects.filter(pk=hidden.pk).update(hidden_at=hidden.submitted_at)
    html = client.get(hidden.url).content.decode()
    assert "Propos injurieux" in html and "Texte injurieux" not in html


def test_an_idea_of_another_budget_is_not_found(client, budget):
    other = make_budget(budget.get_parent().specific, slug="budget-2026")
    idea = make_idea(other)
    assert client.get(f"/budget-2027/idees/{idea.pk}/").status_code == 404
    assert client.get(f"/budget-2026/idees/{idea.pk}/").status_code == 200


def test_statistics_download_as_csv(client, budget):
    make_idea(budget)
    response = client.get("/budget-2027/statistiques/csv/")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert response.content.decode().count("\n") > 10
