"""Wagtail's own content (pages, images, documents) follows the staff group's page and collection permissions:
A's editors neither see nor change B's. (Images and page edits: ``test_sites``.)"""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from home.models import StandardPage
from territories.models import StaffGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_a(client, platform):
    client.force_login(platform.staff_of_a(StaffGroup.Role.EDITOR, username="editrice-a"))
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    return client


def test_documents_of_another_collectivity_are_neither_listed_nor_opened(editor_a, platform):
    for territory, name in ((platform.a, "Compte rendu Saint-Aubin"), (platform.b, "Compte rendu Brissac")):
        Document.objects.create(title=name, file=ContentFile(b"%PDF-1.4", name="cr.pdf"),
                                collection=territory.collection)
    theirs = Document.objects.get(title="Compte rendu Brissac")
    for url in ("/admin/documents/", "/admin/documents/chooser/"):
        page = editor_a.get(url).content.decode()
        assert "Compte rendu Saint-Aubin" in page and "Compte rendu Brissac" not in page
    assert editor_a.get(f"/admin/documents/edit/{theirs.pk}/").status_code in (302, 403)
    editor_a.post(f"/admin/documents/edit/{theirs.pk}/", {"title": "Piraté"})
    editor_a.post(f"/admin/documents/delete/{theirs.pk}/")
    assert Document.objects.get(pk=theirs.pk).title == "Compte rendu Brissac"


def test_images_of_another_collectivity_cannot_be_changed_or_deleted(editor_a, platform):
    theirs = Image.objects.create(title="Photo de Brissac", file=get_test_image_file(),
                                  collection=platform.b.collection)
    editor_a.post(f"/admin/images/{theirs.pk}/", {"title": "Piraté"})
    editor_a.post(f"/admin/images/{theirs.pk}/delete/")
    assert Image.objects.get(pk=theirs.pk).title == "Photo de Brissac"


def test_another_collectivitys_page_tree_is_not_shown_nor_added_to_nor_published(editor_a, platform):
    home_b = platform.home_b
    draft = StandardPage(title="Brouillon de Brissac", slug="brouillon", live=False)
    home_b.add_child(instance=draft)
    draft.save_revision()
    explorer = editor_a.get(f"/admin/pages/{home_b.pk}/")
    assert explorer.status_code in (302, 403) or "Brouillon de Brissac" not in explorer.content.decode()
    assert "Brouillon de Brissac" not in editor_a.get("/admin/pages/").content.decode()
    assert editor_a.get(f"/admin/pages/add/home/standardpage/{home_b.pk}/").status_code in (302, 403)
    editor_a.post(f"/admin/pages/add/home/standardpage/{home_b.pk}/",
                  {"title": "Intrus", "slug": "intrus", "action-publish": "1"})
    editor_a.post(f"/admin/pages/{draft.pk}/edit/", {"title": "Publié par A", "slug": "brouillon",
                                                     "action-publish": "1"})
    assert not Page.objects.filter(slug="intrus").exists()
    draft.refresh_from_db()
    assert (draft.live, draft.title) == (False, "Brouillon de Brissac")
