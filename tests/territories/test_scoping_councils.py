"""Councils, candidates, campaign kits, staff notices and helpers are a collectivity's: forged ids of another's
are refused in forms (a form error, nothing saved), and what is created belongs to the site it is made on."""

import pytest
from django.db import IntegrityError
from django.test import TestCase

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.models import AccreditedHelper
from councils.models import Candidate, Council, CouncilPage, KitTemplate
from councils.participations import current_participations
from notices.models import Notice, StaffNotice
from territories.models import StaffGroup

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory, make_council_index
from ..notices.test_privacy_and_staff import subscribed
from ..voting.factories import make_user
from .collectivity import Collectivity

pytestmark = pytest.mark.django_db
Role = StaffGroup.Role


@pytest.fixture
def ours(platform):
    return Collectivity(platform.site_a, platform.home_a, "Saint-Aubin", stations=("5", "6"))


@pytest.fixture
def theirs(platform):
    return Collectivity(platform.site_b, platform.home_b, "Brissac", stations=("7", "8"))


def council_form(name, **fields):
    return {"name": name, "slug": "", "colour": "#1d4f91", "email": "", "population": "",
            "areas-TOTAL_FORMS": "1", "areas-INITIAL_FORMS": "0", "areas-MIN_NUM_FORMS": "1",
            "areas-MAX_NUM_FORMS": "1000", "areas-0-postcode": "49320", "areas-0-street": "", "areas-0-ORDER": "1",
            "polling_stations-TOTAL_FORMS": "0", "polling_stations-INITIAL_FORMS": "0",
            "polling_stations-MIN_NUM_FORMS": "0", "polling_stations-MAX_NUM_FORMS": "1000", **fields}


def test_a_council_is_created_for_the_site_it_is_made_on_and_names_repeat_across_collectivities(client_a, platform,
                                                                                                   theirs):
    theirs.council  # noqa: B018  ("Conseil Brissac Nord", B's)
    response = client_a.post("/admin/snippets/councils/council/add/", council_form("Conseil Brissac Nord"))
    assert response.status_code == 302
    assert Council.objects.get(name="Conseil Brissac Nord", site=platform.site_a).slug == "conseil-brissac-nord"
    again = client_a.post("/admin/snippets/councils/council/add/", council_form("Conseil Brissac Nord"))
    # The admin speaks the staff's language (French here), whatever the test's active language.
    assert again.status_code == 200 and "a déjà un conseil de ce nom" in again.content.decode()
    assert Council.objects.filter(name="Conseil Brissac Nord").count() == 2


def test_the_database_keeps_names_unique_within_a_collectivity(platform):
    CouncilFactory(name="Centre", site=platform.site_a)
    CouncilFactory(name="Centre", site=platform.site_b)
    with pytest.raises(IntegrityError):
        CouncilFactory(name="Centre", site=platform.site_a)


def stations(*codes):
    rows = {"polling_stations-TOTAL_FORMS": str(len(codes))}
    for index, code in enumerate(codes):
        rows.update({f"polling_stations-{index}-code": code, f"polling_stations-{index}-name": f"Bureau {code}",
                     f"polling_stations-{index}-ORDER": str(index + 1)})
    return rows


def test_each_collectivity_numbers_its_polling_stations_from_1_and_a_number_repeats_in_none(client_a, platform, theirs):
    theirs.council  # noqa: B018  (B's stations 7 and 8)
    response = client_a.post("/admin/snippets/councils/council/add/", council_form("Nord", **stations("7", "1")))
    assert response.status_code == 302
    assert sorted(Council.objects.get(name="Nord", site=platform.site_a).polling_stations.values_list("code", flat=True)) == ["1", "7"]
    taken = client_a.post("/admin/snippets/councils/council/add/", council_form("Sud", **stations("2", "7")))
    twice = client_a.post("/admin/snippets/councils/council/add/", council_form("Est", **stations("3", "3")))
    assert taken.status_code == 200 and "a déjà un bureau de vote avec ce numéro" in taken.content.decode()
    assert twice.status_code == 200 and "Corrigez les valeurs en double" in twice.content.decode()  # Django's own
    assert not Council.objects.filter(name__in=["Sud", "Est"]).exists()
    with pytest.raises(IntegrityError):
        CouncilFactory(name="Ouest", site=platform.site_a, stations=["1"])


def test_the_council_chooser_lists_and_returns_their_councils_only(client_a, ours, theirs):
    ours.council, theirs.council  # noqa: B018
    listing = client_a.get("/admin/snippets/choose/councils/council/").content.decode()
    assert ours.council.name in listing and theirs.council.name not in listing
    assert client_a.get(f"/admin/snippets/choose/councils/council/chosen/{theirs.council.pk}/").status_code == 404
    assert client_a.get(f"/admin/snippets/choose/councils/council/chosen/{ours.council.pk}/").status_code == 200


def test_a_council_page_cannot_present_another_collectivitys_council(client_a, platform, ours, theirs):
    index = make_council_index(platform.home_a)
    ours.council, theirs.council  # noqa: B018
    form = nested_form_data({"title": "Conseil piraté", "slug": "pirate", "council": theirs.council.pk, "intro": "x",
                             "presentation": rich_text(""), "members": inline_formset([]), "news": streamfield([])})
    assert client_a.get(f"/admin/pages/add/councils/councilpage/{index.pk}/").status_code == 200  # a chooser
    response = client_a.post(f"/admin/pages/add/councils/councilpage/{index.pk}/", form)
    assert response.status_code == 200 and not CouncilPage.objects.filter(slug="pirate").exists()
    client_a.post(f"/admin/pages/add/councils/councilpage/{index.pk}/", {**form, "council": ours.council.pk})
    assert CouncilPage.objects.get(slug="pirate").council == ours.council


def test_a_candidate_cannot_stand_in_another_collectivitys_election_or_council(client_a, ours, theirs):
    ours.election, theirs.election, theirs.council  # noqa: B018
    form = {"election": ours.election.pk, "council": theirs.council.pk, "name": "Faux candidat", "statement": "x",
            "video_url": ""}
    page = client_a.get("/admin/votes/candidates/new/").content.decode()  # choosers: their lists are tested apart
    assert theirs.election.title not in page and theirs.council.name not in page
    assert client_a.post("/admin/votes/candidates/new/", form).status_code == 200
    assert client_a.post("/admin/votes/candidates/new/", {**form, "election": theirs.election.pk,
                                                           "council": theirs.council.pk}).status_code == 200
    assert not Candidate.objects.filter(name="Faux candidat").exists()
    assert client_a.post("/admin/votes/candidates/new/", {**form, "council": ours.council.pk}).status_code == 302
    assert Candidate.objects.get(name="Faux candidat").election == ours.election


def test_the_model_refuses_a_candidate_of_another_collectivitys_council(ours, theirs):
    from django.core.exceptions import ValidationError

    candidate = Candidate(election=ours.election, council=theirs.council, name="X", statement="x")
    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()
    assert "council" in refused.value.message_dict


def test_a_kit_template_cannot_be_made_for_another_collectivitys_election(client_a, theirs):
    response = client_a.post("/admin/votes/campaign-kits/new/", {"election": theirs.election.pk})
    assert response.status_code == 200 and not KitTemplate.objects.exists()


def test_a_notice_goes_to_the_senders_collectivity_only(client_a, platform, ours, theirs):
    subscribed(make_resident("nord-a@example.org", council=ours.council))
    subscribed(make_resident("nord-b@example.org", council=theirs.council))
    form = {"title": "Travaux", "body": "La rue est fermée.", "url": ""}
    page = client_a.get("/admin/avis-aux-habitants/envoyer/").content.decode()
    assert ours.council.name in page and theirs.council.name not in page
    refused = client_a.post("/admin/avis-aux-habitants/envoyer/", {**form, "councils": [theirs.council.pk], "send": "1"})
    assert refused.status_code == 200 and not Notice.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client_a.post("/admin/avis-aux-habitants/envoyer/", {**form, "send": "1"})  # the whole collectivity
    assert sent.status_code == 302
    log = StaffNotice.objects.get()
    assert (log.site, log.recipients) == (platform.site_a, 1)
    assert list(log.notice.notifications.values_list("user__email", flat=True)) == ["nord-a@example.org"]


def test_helpers_are_named_for_the_collectivity_and_its_communications_see_theirs_only(client_a, platform, theirs):
    theirs.helper  # noqa: B018
    helper = make_user("guichet-a")
    assert client_a.post("/admin/helpers/new/", {"user": helper.email, "role": "desk", "active": "on"}).status_code == 302
    assert AccreditedHelper.objects.get(user=helper).site == platform.site_a
    listing = client_a.get("/admin/helpers/").content.decode()
    assert "guichet-a" in listing and theirs.helper.user.username not in listing
    log = client_a.get("/admin/helpers/log/").content.decode()
    assert theirs.helper.user.username not in log


def test_an_election_officer_without_edit_rights_reads_their_councils_and_is_refused_editing(client, platform, ours,
                                                                                             theirs):
    client.force_login(platform.staff_of_a(Role.OFFICER, username="officier-a"))
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    assert client.get(f"/admin/snippets/councils/council/inspect/{ours.council.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/councils/council/edit/{ours.council.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/snippets/councils/council/inspect/{theirs.council.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["kit/", "kit/zip/", "kit/flyer/"])
def test_another_collectivitys_candidate_kit_is_refused_to_its_staff(client, platform, theirs, path):
    """The kit page and its files (an export of the candidate's data) are for their own collectivity's staff."""
    Candidate.objects.filter(pk=theirs.candidate.pk).update(status=Candidate.Status.APPROVED)
    client.force_login(platform.staff_of_a())
    url = f"{theirs.election.url}candidats/{theirs.candidate.pk}/{path}"
    assert client.get(url, HTTP_HOST="brissac.localhost").status_code == 403
    admin = platform.staff_of_a(username="autre")  # B's own staff: the kit page opens (files wait for rendering)
    for group in platform.b.staff_groups.filter(role=Role.OFFICER):
        admin.groups.set([group.group])
    client.force_login(admin)
    assert client.get(url, HTTP_HOST="brissac.localhost").status_code in (200, 404)


def test_a_votes_section_opens_to_its_own_collectivitys_officers_only(platform, ours, theirs):
    from councils.votes.permissions import open_section_to_election_officers
    from wagtail.models import GroupPagePermission

    open_section_to_election_officers(ours.votes_index)
    open_section_to_election_officers(theirs.votes_index)
    officers_a = platform.a.staff_groups.get(role=Role.OFFICER).group
    granted = set(GroupPagePermission.objects.filter(group=officers_a).values_list("page_id", flat=True))
    assert granted == {ours.votes_index.pk}
    assert not GroupPagePermission.objects.filter(group=platform.a.staff_groups.get(role=Role.MODERATOR).group).exists()


def test_a_council_lists_its_own_collectivitys_budgets_never_anothers(ours, theirs):
    ours.budget, theirs.budget  # both open for ideas
    titles = [item.title for item in current_participations(ours.council)]
    assert titles == ["Budget de Saint-Aubin"]
    assert [item.title for item in current_participations(theirs.council)] == ["Budget de Brissac"]
