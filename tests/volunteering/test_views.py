"""The public pages and the workspace over HTTP: forms, messages (in French), permissions, and what stays private."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage

from volunteering.models import Association, Mission, Offer

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .factories import make_association, make_index, make_mission, make_offer, make_skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return make_index(make_home())


@pytest.fixture
def mission(association):
    return make_mission(association, volunteers_needed=2)


@pytest.fixture
def amina():
    return make_resident("amina@example.org", display_name="Amina")


def mission_url(index, mission) -> str:
    return index.mission_url(mission)


def texts(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Index page ---------------------------------------------------------------------------------

def test_the_index_lists_missions_taking_offers_and_filters_them(client, index, association):
    port = CouncilFactory(name="Port")
    first_aid = make_skill("Premiers secours")
    make_mission(association, "Signaleurs", council=port, skills=[first_aid])
    make_mission(association, "Ravitaillement")
    make_mission(association, "Déjà passée", starts_in=-timedelta(days=2))
    html = texts(client.get(index.url))
    assert "Signaleurs" in html and "Ravitaillement" in html and "Déjà passée" not in html
    assert "2 missions" in html
    filtered = texts(client.get(index.url, {"council": port.pk}))
    assert "Signaleurs" in filtered and "Ravitaillement" not in filtered
    filtered = texts(client.get(index.url, {"skill": first_aid.slug}))
    assert "Signaleurs" in filtered and "Ravitaillement" not in filtered


def test_malformed_filters_are_shown_as_errors_not_a_crash(client, index, association):
    make_mission(association, "Signaleurs")
    response = client.get(index.url, {"council": "abc", "date_from": "2027-13-45", "skill": "inconnue", "page": "x"})
    assert response.status_code == 200
    html = texts(response)
    assert "Saisissez une date valide." in html and "Signaleurs" in html and 'aria-invalid="true"' in html


def test_a_date_range_ending_before_it_starts_is_refused(client, index):
    html = texts(client.get(index.url, {"date_from": "2027-06-20", "date_to": "2027-06-10"}))
    assert "La fin de la période doit être après son début." in html


def test_the_index_costs_the_same_queries_for_3_or_12_missions(client, index, association):
    make_skill("Sport")

    def queries_for(count: int) -> int:
        Mission.objects.all().delete()
        for number in range(count):
            other = make_association(f"Asso {count}-{number}", council=CouncilFactory())
            make_mission(other, f"Mission {number}", skills=[make_skill("Sport"), make_skill(f"Skill {number}")])
            make_offer(Mission.objects.get(title=f"Mission {number}"), make_resident(f"v{count}-{number}@example.org"),
                       status=Offer.Status.ACCEPTED)
        client.get(index.url)  # warm caches (site root, translations)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(index.url)
        assert texts(response).count('class="card h-100 mission-card"') == count
        return len(queries)

    assert queries_for(3) == queries_for(12)


def test_the_index_paginates_twelve_a_page(client, index, association):
    for number in range(13):
        make_mission(association, f"Mission {number:02d}", starts_in=timedelta(days=number + 1))
    assert "Mission 12" not in texts(client.get(index.url))
    second = texts(client.get(index.url, {"page": 2}))
    assert "Mission 12" in second and "Mission 00" not in second


# --- Mission page and offers --------------------------------------------------------------------

def test_a_mission_page_has_a_canonical_address(client, index, mission):
    assert client.get(mission_url(index, mission)).status_code == 200
    wrong = client.get(f"{index.url}missions/{mission.pk}-autre-titre/")
    assert wrong.status_code == 302 and wrong["Location"] == mission_url(index, mission)
    assert client.get(f"{index.url}missions/999999-rien/").status_code == 404


def test_missions_of_an_association_not_approved_are_not_public(client, index):
    pending = make_association("Pas encore", status=Association.Status.PENDING)
    hidden = make_mission(pending, "Cachée")
    assert client.get(mission_url(index, hidden)).status_code == 404
    assert client.get(index.association_url(pending)).status_code == 404
    assert "Cachée" not in texts(client.get(index.url))


def test_a_visitor_is_asked_to_log_in_before_offering(client, index, mission):
    url = mission_url(index, mission)
    assert "Connectez-vous pour proposer votre aide" in texts(client.get(url))
    response = client.post(url, {"message": "Je viens !"})
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert not Offer.objects.exists()


def test_a_resident_offers_help_once(client, index, mission, amina):
    client.force_login(amina)
    url = mission_url(index, mission)
    response = client.post(url, {"message": "Je connais le parcours."}, follow=True)
    assert Offer.objects.get().message == "Je connais le parcours."
    assert any("Merci" in message for message in messages_of(response))
    assert "En attente de réponse" in texts(response)
    response = client.post(url, {"message": "Encore moi"}, follow=True)
    assert "Vous avez déjà proposé votre aide pour cette mission. Rien n’a été modifié." in messages_of(response)
    assert list(Offer.objects.values_list("message", flat=True)) == ["Je connais le parcours."]


def test_offers_on_a_full_or_past_mission_are_refused_with_a_message(client, index, association, mission, amina):
    for number in range(2):
        make_offer(mission, make_resident(f"v{number}@example.org"), status=Offer.Status.ACCEPTED)
    client.force_login(amina)
    url = mission_url(index, mission)
    assert "Cette mission a déjà tous les bénévoles dont elle a besoin." in texts(client.get(url))
    response = client.post(url, {"message": "Je viens"}, follow=True)
    assert any("tous les bénévoles" in message for message in messages_of(response))
    recurring = make_mission(association, "Finie", schedule="Tous les samedis", starts_in=-timedelta(days=30),
                             duration=timedelta(days=29))
    response = client.post(mission_url(index, recurring), {"message": "Je viens"}, follow=True)
    assert any("ne prend plus de propositions" in message for message in messages_of(response))
    assert not Offer.objects.filter(volunteer=amina).exists()


def test_a_past_mission_page_says_it_no_longer_takes_offers(client, index, association, amina):
    started = make_mission(association, "Commencée", starts_in=-timedelta(hours=1), duration=timedelta(hours=3))
    client.force_login(amina)
    url = mission_url(index, started)
    assert "Cette mission ne prend plus de propositions." in texts(client.get(url))
    response = client.post(url, {"message": "Je viens"}, follow=True)
    assert any("ne prend plus de propositions" in message for message in messages_of(response))
    assert not Offer.objects.exists()


def test_the_minimum_age_is_confirmed_when_the_profile_cannot_tell(client, index, association):
    mission = make_mission(association, minimum_age=18)
    resident = make_resident("sans-annee@example.org")
    client.force_login(resident)
    url = mission_url(index, mission)
    assert "J’ai au moins 18 ans." in texts(client.get(url))
    response = client.post(url, {"message": "Je viens"})
    assert response.status_code == 400 and "Confirmez que vous avez au moins cet âge." in texts(response)
    assert not Offer.objects.exists()
    client.post(url, {"message": "Je viens", "age_confirmed": "on"})
    assert Offer.objects.get().age_confirmed


def test_a_forged_oversized_message_is_refused(client, index, mission, amina):
    client.force_login(amina)
    response = client.post(mission_url(index, mission), {"message": "x" * 1001})
    assert response.status_code == 400 and not Offer.objects.exists()


# --- Workspace: answering offers, privacy of contact details ------------------------------------

def test_the_association_sees_the_volunteer_s_contact_only_once_accepted(client, index, mission, representative, amina,
                                                                         django_capture_on_commit_callbacks):
    offer = make_offer(mission, amina, message="Disponible le matin")
    client.force_login(representative)
    workspace = f"/mon-benevolat/associations/{mission.association_id}/"
    html = texts(client.get(workspace))
    assert "Disponible le matin" in html
    assert "amina@example.org" not in html and "Amina" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mon-benevolat/offres/{offer.pk}/accepter/", follow=True)
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    html = texts(response)
    assert "amina@example.org" in html and "Amina" in html
    assert {tuple(message.to) for message in mail.outbox} == {("amina@example.org",), ("entente-sportive@asso.example",)}


def test_the_volunteer_sees_the_answer_in_their_space(client, mission, amina):
    make_offer(mission, amina, status=Offer.Status.ACCEPTED)
    client.force_login(amina)
    html = texts(client.get("/mon-benevolat/"))
    assert "Signaleurs du semi-marathon" in html and "Acceptée" in html


def test_an_association_cannot_see_or_answer_another_s_offers(client, mission, amina):
    offer = make_offer(mission, amina)
    intruder = make_association("Coup de pouce").representatives.get().user
    client.force_login(intruder)
    assert client.get(f"/mon-benevolat/associations/{mission.association_id}/").status_code == 404
    for action in ("accepter", "refuser"):
        response = client.post(f"/mon-benevolat/offres/{offer.pk}/{action}/", follow=True)
        assert "Seuls les représentants de cette association peuvent faire cela." in messages_of(response)
    assert Offer.objects.get().status == Offer.Status.PENDING and mail.outbox == []


def test_answering_needs_a_post(client, mission, representative, amina):
    offer = make_offer(mission, amina)
    client.force_login(representative)
    assert client.get(f"/mon-benevolat/offres/{offer.pk}/accepter/").status_code == 405
    assert Offer.objects.get().status == Offer.Status.PENDING


def test_the_volunteer_withdraws_their_offer(client, mission, amina):
    offer = make_offer(mission, amina)
    client.force_login(amina)
    client.post(f"/mon-benevolat/offres/{offer.pk}/retirer/")
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    response = client.post(f"/mon-benevolat/offres/{offer.pk}/retirer/", follow=True)
    assert "Cette proposition n’est plus active. Rien n’a été modifié." in messages_of(response)


# --- Workspace: registering, posting --------------------------------------------------------------

def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (80, 80), "#225577").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_a_resident_registers_an_association(client, amina):
    assert client.get("/mon-benevolat/associations/inscrire/").status_code == 302  # logged out: to the login
    client.force_login(amina)
    data = {"name": "Les Jardiniers", "description": "Un jardin partagé.", "contact_email": "jardin@asso.example"}
    response = client.post("/mon-benevolat/associations/inscrire/", {**data, "logo": png_upload()}, follow=True)
    association = Association.objects.get()
    assert association.status == Association.Status.PENDING and association.logo is not None
    assert "Les modérateurs n’ont pas encore examiné votre association." in texts(response)


def test_a_bad_logo_refuses_the_registration(client, amina):
    client.force_login(amina)
    data = {"name": "Les Jardiniers", "description": "Un jardin partagé.", "contact_email": "jardin@asso.example",
            "logo": SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png")}
    response = client.post("/mon-benevolat/associations/inscrire/", data)
    assert response.status_code == 400 and "n’est pas une photo" in texts(response)
    assert not Association.objects.exists()


def mission_form(**overrides) -> dict:
    start = timezone.localtime() + timedelta(days=7)
    data = {"title": "Ravitaillement", "description": "Tendre des verres d'eau.", "place": "Place de la Loire",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "volunteers_needed": "4", "minimum_age": "0", "schedule": ""}
    data.update(overrides)
    return data


def test_a_representative_posts_a_mission(client, association, representative):
    client.force_login(representative)
    url = f"/mon-benevolat/associations/{association.pk}/missions/nouvelle/"
    assert client.get(url).status_code == 200
    response = client.post(url, mission_form(skills=[make_skill().pk]), follow=True)
    mission = Mission.objects.get()
    assert mission.volunteers_needed == 4 and mission.skills.count() == 1
    assert "Ravitaillement" in texts(response)


@pytest.mark.parametrize("overrides, message", [
    ({"ends_at": "2020-01-01T10:00"}, "La fin doit être après le début."),
    ({"volunteers_needed": "abc"}, "Saisissez un nombre entier."),
    ({"volunteers_needed": "0"}, "Demandez au moins un bénévole."),
    ({"starts_at": "demain"}, "Indiquez une date et une heure"),
])
def test_bad_mission_forms_are_refused_and_nothing_is_saved(client, association, representative, overrides, message):
    client.force_login(representative)
    response = client.post(f"/mon-benevolat/associations/{association.pk}/missions/nouvelle/", mission_form(**overrides))
    assert response.status_code == 400 and message in texts(response)
    assert not Mission.objects.exists()


def test_only_an_approved_association_s_representatives_post(client, association, representative):
    pending = make_association("Pas encore", status=Association.Status.PENDING, representative=representative)
    client.force_login(representative)
    response = client.post(f"/mon-benevolat/associations/{pending.pk}/missions/nouvelle/", mission_form(), follow=True)
    assert any("une fois approuvée" in message for message in messages_of(response))
    intruder = make_resident("intrus@example.org")
    client.force_login(intruder)
    assert client.post(f"/mon-benevolat/associations/{association.pk}/missions/nouvelle/", mission_form()).status_code == 404
    assert not Mission.objects.exists()


def test_another_association_cannot_edit_a_mission(client, mission):
    intruder = make_association("Coup de pouce").representatives.get().user
    client.force_login(intruder)
    response = client.post(f"/mon-benevolat/missions/{mission.pk}/modifier/", mission_form(title="Piraté"))
    assert response.status_code == 404
    assert Mission.objects.get().title == "Signaleurs du semi-marathon"


def test_a_representative_adds_another_by_e_mail(client, association, representative, amina):
    client.force_login(representative)
    url = f"/mon-benevolat/associations/{association.pk}/representants/"
    response = client.post(url, {"email": "amina@example.org"}, follow=True)
    assert association.representatives.filter(user=amina).exists()
    response = client.post(url, {"email": "personne@example.org"}, follow=True)
    assert any("Aucun compte confirmé" in message for message in messages_of(response))
    assert association.representatives.count() == 2


def test_a_council_page_lists_its_missions_looking_for_volunteers(client, index):
    from ..councils.factories import make_council_index, make_council_page

    tilleuls, port = CouncilFactory(name="Les Tilleuls"), CouncilFactory(name="Port")
    association = make_association("Coup de pouce", council=tilleuls)
    make_mission(association, "Aide aux devoirs")
    make_mission(association, "Au port", council=port)
    full = make_mission(association, "Déjà complète", volunteers_needed=1)
    make_offer(full, make_resident("v@example.org"), status=Offer.Status.ACCEPTED)
    page = make_council_page(make_council_index(index.get_parent().specific), tilleuls)
    html = texts(client.get(page.url))
    assert "Aide aux devoirs" in html and "Au port" not in html and "Déjà complète" not in html


def test_no_mission_matches_the_filters(client, index, association):
    make_mission(association, "Signaleurs")
    html = texts(client.get(index.url, {"skill": make_skill("Cuisine").slug}))
    assert "Aucune mission ne correspond à ces filtres." in html and "Signaleurs" not in html


def test_an_association_page_lists_its_missions_twelve_a_page_at_constant_cost(client, index, association):
    def page_queries(count: int) -> tuple[int, str]:
        Mission.objects.all().delete()
        for number in range(count):
            make_mission(association, f"Mission {number:02d}", starts_in=timedelta(days=number + 1),
                         skills=[make_skill(f"Skill {number}")])
        client.get(index.association_url(association))
        with CaptureQueriesContext(connection) as queries:
            html = texts(client.get(index.association_url(association)))
        return len(queries), html

    few, _ = page_queries(2)
    many, html = page_queries(14)
    assert few == many and "Mission 11" in html and "Mission 12" not in html
    assert "contact@entente-sportive.example" in html
    assert "Mission 13" in texts(client.get(index.association_url(association), {"page": 2}))
