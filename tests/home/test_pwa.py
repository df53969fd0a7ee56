"""The installable app: a manifest and icons per site from its settings, the service worker, the offline and install pages."""

import io

import pytest
from PIL import Image
from wagtail.models import Page, Site

from home.models import HomePage, SiteSettings

from .utils import make_home, make_image

pytestmark = pytest.mark.django_db


def make_site(hostname: str, town: str, colour: str, **fields) -> SiteSettings:
    home = HomePage(title=town, slug=hostname.split(".")[0], hero_title=town)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=hostname, root_page=home, site_name=town)
    settings = SiteSettings.for_site(site)
    settings.town_name, settings.primary_colour = town, colour
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


@pytest.fixture
def two_towns():
    return (make_site("angers.test", "Angers", "#1d4f91", tagline="Participer à Angers"),
            make_site("saint-barthelemy.test", "Saint-Barthélemy-d'Anjou", "#7a1f5c"))


def icon(client, url, host):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_each_site_has_its_own_manifest(client, two_towns):
    angers = client.get("/manifest.webmanifest", HTTP_HOST="angers.test")
    barthelemy = client.get("/manifest.webmanifest", HTTP_HOST="saint-barthelemy.test").json()

    assert angers["Content-Type"] == "application/manifest+json"
    angers = angers.json()
    assert (angers["name"], angers["short_name"], angers["description"]) == ("Angers", "Angers", "Participer à Angers")
    assert angers["theme_color"] == angers["background_color"] == "#1d4f91"
    assert (angers["start_url"], angers["scope"], angers["display"], angers["lang"]) == ("/", "/", "standalone", "fr")
    assert barthelemy["name"] == "Saint-Barthélemy-d'Anjou"
    assert barthelemy["short_name"] == "Saint"  # at most 12 characters under the icon
    assert barthelemy["theme_color"] == barthelemy["background_color"] == "#7a1f5c"
    assert {(entry["sizes"], entry["purpose"]) for entry in angers["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    # The icons' addresses carry each site's settings fingerprint.
    assert {entry["src"] for entry in angers["icons"]}.isdisjoint(entry["src"] for entry in barthelemy["icons"])


def test_icons_have_the_announced_sizes_and_the_towns_colour(client, two_towns):
    manifest = client.get("/manifest.webmanifest", HTTP_HOST="saint-barthelemy.test").json()
    for entry in manifest["icons"]:
        picture = icon(client, entry["src"], "saint-barthelemy.test")
        size = int(entry["sizes"].split("x")[0])
        assert picture.format == "PNG" and picture.size == (size, size)
        assert picture.convert("RGB").getpixel((2, 2)) == (0x7A, 0x1F, 0x5C)  # no logo: the initial on the colour
    assert client.get("/app-icon-100.png", HTTP_HOST="angers.test").status_code == 404


def test_icons_come_from_the_logo_and_are_redrawn_when_the_settings_change(client, two_towns):
    angers, _other = two_towns
    before = client.get("/manifest.webmanifest", HTTP_HOST="angers.test").json()["icons"][0]["src"]

    angers.logo = make_image("Logo", size=(300, 100))  # a wide #336699 logo
    angers.save()
    after = client.get("/manifest.webmanifest", HTTP_HOST="angers.test").json()["icons"]

    assert after[0]["src"] != before  # a new address: phones fetch the new icon
    plain = icon(client, after[0]["src"], "angers.test").convert("RGB")
    maskable = icon(client, next(e["src"] for e in after if e["purpose"] == "maskable"), "angers.test").convert("RGB")
    assert plain.getpixel((96, 96)) == (0x33, 0x66, 0x99)  # the logo, in the middle
    assert plain.getpixel((96, 5)) == (255, 255, 255)  # on a white tile
    assert maskable.getpixel((2, 2)) == (0x1D, 0x4F, 0x91)  # full bleed of the town's colour
    assert maskable.getpixel((96, 96)) == (0x33, 0x66, 0x99)
    # The logo stays inside the circle of 80 % that launchers may crop to.
    assert maskable.getpixel((96, int(192 * 0.1))) != (0x33, 0x66, 0x99)

    angers.primary_colour = "#205030"
    angers.save()
    recoloured = client.get("/manifest.webmanifest", HTTP_HOST="angers.test").json()["icons"]
    assert recoloured[0]["src"] != after[0]["src"]
    new_maskable = next(e["src"] for e in recoloured if e["purpose"] == "maskable")
    assert icon(client, new_maskable, "angers.test").convert("RGB").getpixel((2, 2)) == (0x20, 0x50, 0x30)


def test_an_unreadable_logo_gives_the_default_icon(client, two_towns):
    angers, _other = two_towns
    angers.logo = make_image("Logo")
    angers.save()
    angers.logo.file.storage.delete(angers.logo.file.name)

    src = client.get("/manifest.webmanifest", HTTP_HOST="angers.test").json()["icons"][1]["src"]

    assert icon(client, src, "angers.test").size == (512, 512)


def test_the_service_worker_is_served_at_the_root_fresh_and_as_javascript(client, two_towns):
    response = client.get("/sw.js", HTTP_HOST="angers.test")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert '"offlineUrl": "/hors-ligne/"' in body and '"/static/css/parvis.css"' in body
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body
    assert '"name": "Angers"' in body
    # Versioned by the static files: another version is another cache.
    from home import pwa
    assert f'"version": "{pwa.static_version()}"' in body


def test_every_page_links_the_manifest_and_registers_the_worker_from_a_file(client, two_towns):
    html = client.get("/", HTTP_HOST="angers.test").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#1d4f91">' in html
    assert 'src="/static/js/pwa.js" data-service-worker="/sw.js"' in html  # no inline script: the CSP holds
    assert 'href="/installer-l-application/"' in html  # the footer's link to the install page


def test_the_offline_and_install_pages(client):
    make_home()
    offline = client.get("/hors-ligne/")
    install = client.get("/installer-l-application/").content.decode()

    assert offline.status_code == 200 and "Pas de connexion" in offline.content.decode()
    assert "Sur Android (Chrome)" in install and "« Sur l’écran d’accueil »" in install  # French first
