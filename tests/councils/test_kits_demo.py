"""The demo election's candidates all have their kit, rendered once; one of them has an account to try it."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from councils.kits import demo, render
from councils.kits.models import CandidateKit, KitTemplate
from councils.models import Candidate

pytestmark = pytest.mark.django_db


def test_every_demo_candidate_has_a_kit_and_loading_again_renders_nothing(client):
    call_command("load_demo", stdout=StringIO())

    approved = Candidate.objects.filter(status=Candidate.Status.APPROVED)
    assert approved.count() == 12
    assert CandidateKit.objects.filter(candidate__in=approved).count() == 12
    assert KitTemplate.objects.get().tutorial.slug == "voter-en-ligne-en-4-minutes"
    helene = Candidate.objects.get(name=demo.DEMO_CANDIDATE)
    assert helene.user.username == demo.DEMO_USERNAME
    with mock.patch.object(render, "render_kit", wraps=render.render_kit) as drawing:
        call_command("load_demo", stdout=StringIO())
    assert drawing.call_count == 0
    client.force_login(helene.user)
    page = client.get(f"{helene.election.url}candidats/{helene.pk}/kit/").content.decode()
    assert "helene-caron-kit-campagne.zip" not in page and f"candidats/{helene.pk}/kit/zip/" in page
