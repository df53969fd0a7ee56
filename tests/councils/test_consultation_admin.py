"""Consultations are created in the Wagtail admin by Communications or Election officers; bad input is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from councils import roles
from councils.models import ConsultationPage
from voting.models import AuditEvent, Contest

from ..voting.factories import make_user
from .election_factories import make_consultation, make_town

pytestmark = pytest.mark.django_db


def staff(client, role: str, username: str | None = None):
    user = get_user_model().objects.create_user(username=username or role.lower().replace(" ", "-"), password="x")
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def when(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def form_data(trustees, *, questions=(("Faut-il un marché le dimanche ?", "Oui\nNon"),), **fields):
    data = {
        "title": "Marché du dimanche", "slug": "marche-dimanche", "opens_at": when(1), "closes_at": when(15),
        "proclaims_at": when(15.1), "eligibility": "residents", "threshold": "2", "action-publish": "1",
        "questions-TOTAL_FORMS": str(len(questions)), "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "1", "questions-MAX_NUM_FORMS": "1000",
        "trustees-TOTAL_FORMS": str(len(trustees)), "trustees-INITIAL_FORMS": "0",
        "trustees-MIN_NUM_FORMS": "1", "trustees-MAX_NUM_FORMS": "1000",
    }
    for number, (question, answers) in enumerate(questions):
        data.update({f"questions-{number}-question": question, f"questions-{number}-answers": answers,
                     f"questions-{number}-ORDER": str(number + 1)})
    for number, user in enumerate(trustees):
        data.update({f"trustees-{number}-name": f"Garant {number}", f"trustees-{number}-user": user.email,
                     f"trustees-{number}-ORDER": str(number + 1)})
    data.update(fields)
    return data


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def trustees():
    return [make_user(f"garant{number}", is_staff=True) for number in range(3)]


def add_url(town) -> str:
    return f"/admin/pages/add/councils/consultationpage/{town['index'].pk}/"


@pytest.mark.parametrize("role", [roles.COMMUNICATIONS, roles.ELECTION_OFFICERS])
def test_communications_and_election_officers_create_and_publish_a_consultation(client, town, trustees, role):
    user = staff(client, role)

    response = client.post(add_url(town), form_data(trustees, councils=[town["pres"].pk]))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ConsultationPage.objects.get(slug="marche-dimanche")
    assert page.live and [c.name for c in page.territory()] == ["Les Prés"]
    contest = page.contests()[0]
    # Publishing starts the key ceremony: the contest is frozen, and sealed once its trustees are done.
    assert contest.is_frozen and not contest.is_sealed and [o.label for o in contest.options.all()] == ["Oui", "Non"]
    assert AuditEvent.objects.filter(contest=contest, action="ceremony_started", actor=user).exists()


def test_election_officers_may_not_add_pages_elsewhere(client, town):
    staff(client, roles.ELECTION_OFFICERS)
    response = client.get(f"/admin/pages/add/home/standardpage/{town['home'].pk}/")
    assert response.status_code in (302, 403)


def errors_of(response) -> str:
    form = response.context["form"]
    messages = [str(error) for errors in form.errors.values() for error in errors]
    for formset in form.formsets.values():
        messages += [str(error) for form_errors in formset.errors for errors in form_errors.values() for error in errors]
        messages += [str(error) for error in formset.non_form_errors()]
    return " | ".join(messages)


@pytest.mark.parametrize(
    ("case", "overrides", "field"),
    [
        ("no question", {"questions": ()}, None),
        ("one answer", {"questions": (("Une seule réponse ?", "Oui"),)}, "answers"),
        ("same answer twice", {"questions": (("Deux fois ?", "Oui\noui"),)}, "answers"),
        ("close before opening", {"closes_at": when(0.5)}, "closes_at"),
        ("results before closing", {"proclaims_at": when(14)}, "proclaims_at"),
        ("more trustees needed than named", {"threshold": "4"}, "threshold"),
        ("roll without roll", {"eligibility": "roll"}, "roll"),
    ],
)
def test_bad_consultations_are_refused_with_a_message_and_nothing_is_saved(client, town, trustees, case, overrides, field):
    staff(client, roles.COMMUNICATIONS)
    questions = overrides.pop("questions", (("Faut-il un marché le dimanche ?", "Oui\nNon"),))

    response = client.post(add_url(town), form_data(trustees, questions=questions, **overrides))

    assert response.status_code == 200, case
    assert errors_of(response), case
    if field and field in response.context["form"].fields:
        assert field in response.context["form"].errors, case
    assert not ConsultationPage.objects.filter(slug="marche-dimanche").exists()
    assert not Contest.objects.exists()


def test_a_roll_not_yet_imported_is_refused(client, town, trustees):
    staff(client, roles.COMMUNICATIONS)
    town["roll"].status = "pending"
    town["roll"].save()

    response = client.post(add_url(town), form_data(trustees, eligibility="roll", roll=str(town["roll"].pk)))

    assert "roll" in response.context["form"].errors
    assert not Contest.objects.exists()


def test_once_published_the_questions_cannot_change_but_the_text_can(client, town):
    page = make_consultation(town)
    staff(client, roles.COMMUNICATIONS)
    edit = f"/admin/pages/{page.pk}/edit/"
    question = page.questions.get()
    trustees = list(page.trustees.all())

    def data(answers, title):
        base = form_data([t.user for t in trustees], questions=((question.question, answers),), title=title,
                         slug=page.slug, opens_at=timezone.localtime(page.opens_at).strftime("%Y-%m-%d %H:%M"),
                         closes_at=timezone.localtime(page.closes_at).strftime("%Y-%m-%d %H:%M"),
                         proclaims_at=timezone.localtime(page.proclaims_at).strftime("%Y-%m-%d %H:%M"))
        base.update({"questions-INITIAL_FORMS": "1", "questions-0-id": str(question.pk),
                     "trustees-INITIAL_FORMS": str(len(trustees))})
        for number, trustee in enumerate(trustees):
            base[f"trustees-{number}-id"] = str(trustee.pk)
            base[f"trustees-{number}-name"] = trustee.name
        return base

    refused = client.post(edit, data("Oui\nNon\nPeut-être", "Marché"))
    assert refused.status_code == 200 and errors_of(refused)
    assert [o.label for o in page.contests()[0].options.all()] == ["Oui", "Non"]

    accepted = client.post(edit, data("Oui\nNon", "Le marché du dimanche"))
    assert accepted.status_code == 302, errors_of(accepted)
    assert ConsultationPage.objects.get(pk=page.pk).title == "Le marché du dimanche"


def test_residents_have_no_admin_access(client, town):
    client.force_login(make_user("habitant"))
    response = client.get(add_url(town))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_creating_the_votes_section_in_the_admin_opens_it_to_election_officers(client):
    from wagtail.models import GroupPagePermission

    from councils.models import ConsultationIndexPage

    from ..home.utils import make_home

    home = make_home()
    staff(client, roles.COMMUNICATIONS)
    client.post(f"/admin/pages/add/councils/consultationindexpage/{home.pk}/",
                {"title": "Votes", "slug": "votes", "action-publish": "1"})

    index = ConsultationIndexPage.objects.get()
    granted = GroupPagePermission.objects.filter(group__name=roles.ELECTION_OFFICERS, page=index)
    assert set(granted.values_list("permission__codename", flat=True)) == {"add_page", "change_page", "publish_page"}


def test_officers_follow_a_consultations_ballots_and_communications_do_not(client, town):
    page = make_consultation(town)
    staff(client, roles.ELECTION_OFFICERS)
    html = client.get(f"/admin/votes/elections/consultation/{page.pk}/").content.decode()
    assert f"/admin/votes/contests/manage/{page.contests()[0].pk}/" in html

    staff(client, roles.COMMUNICATIONS, username="communication")
    response = client.get(f"/admin/votes/elections/consultation/{page.pk}/")
    assert response.status_code == 403 or response["Location"] == "/admin/"
