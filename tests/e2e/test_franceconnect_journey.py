"""On a phone, a resident signs in with FranceConnect (a real OpenID Connect provider on 127.0.0.1),
lands signed in with their identity stored, and is found on the roll with one button, nothing typed."""

from datetime import date

from playwright.sync_api import expect

from accounts.models import CertifiedIdentity
from voting.models import Voter

from tests.accounts.oidc import running_provider
from tests.home.utils import make_home
from tests.voting.factories import make_ready_roll, open_contest

from .conftest import blocking_violations
from .test_voting_journey import consultation_page


def test_resident_signs_in_with_franceconnect_and_is_found_on_the_roll(phone, migrated_data, live_server, axe, settings,
                                                                      tmp_path):
    make_home()  # the demo town is not needed: a home page to hang the vote on
    demo = live_server.url
    roll = make_ready_roll([("Martin", "Marie Anne", date(1980, 7, 14), "001", "49000")])
    contest, _secrets = open_contest(roll=roll)
    page = consultation_page(contest)
    with running_provider(tmp_path, parvis_base=demo) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider.parvis_settings()
        provider.allow_in_csp(settings)

        phone.goto(f"{demo}/compte/login/")
        button = phone.locator(".franceconnect-button")
        expect(button).to_contain_text("FranceConnect")
        assert blocking_violations(axe, phone) == []
        button.click()

        # The provider's own login page, on another origin.
        expect(phone.locator("#id_username")).to_be_visible()
        assert phone.url.startswith(provider.url.removesuffix("/o") + "/login/")
        phone.locator("#id_username").fill("marie")
        phone.locator("#id_password").fill("pw")
        phone.get_by_role("button", name="Se connecter").click()

        expect(phone).to_have_url(f"{demo}/compte/profil/")
        identity = CertifiedIdentity.objects.get()
        assert (identity.birth_name, identity.given_names, str(identity.birth_date)) == ("MARTIN", "Marie Anne", "1980-07-14")

        phone.goto(demo + page.url)
        ballot = phone.locator(f"#vote-{contest.pk}")
        ballot.locator(".identity-proof button").click()
        expect(phone.locator(f"#vote-{contest.pk} .identity-proof")).to_have_count(0)
        assert Voter.objects.get(contest=contest).user == identity.user
