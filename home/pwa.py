"""The installable app: each site's web app manifest, its icons, and the service worker's version.

A town installs Parvis on residents' phones from its own settings (name,
logo, colours): nothing to build per town. Icons are drawn with Pillow from
the logo (or the town's initial on its colour when there is no logo) and
cached under a fingerprint of the settings they come from, so a new logo or
colour gives new icon addresses, which phones fetch again.
"""

import hashlib
import io
import json
import logging
import re
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont, ImageOps

logger = logging.getLogger(__name__)

ICON_SIZES = (192, 512)
PURPOSES = ("any", "maskable")
ICON_DRAWING = "1"  # bump when the drawing below changes: every town's icons are redrawn
ICON_CACHE_SECONDS = 30 * 24 * 3600
SHORT_NAME_LENGTH = 12  # longer labels are cut under the icon on a home screen
# What the service worker keeps for offline use: the shell's styles and scripts (the offline page is added).
SHELL_STATIC = ("vendor/bootstrap/bootstrap.min.css", "css/parvis.css", "vendor/bootstrap/bootstrap.bundle.min.js",
                "js/parvis.js", "js/pwa.js", "favicon.svg")


def fingerprint(site_settings) -> str:
    """A short hash of everything the manifest and icons are made of: it changes when a town edits them."""
    logo = site_settings.logo
    parts = [ICON_DRAWING, site_settings.town_name, site_settings.tagline, site_settings.primary_colour,
             site_settings.accent_colour]
    if logo:  # a logo replaced in place keeps its id but not its file name nor its hash
        parts += [str(logo.pk), logo.file.name, logo.file_hash or ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def short_name(town_name: str) -> str:
    """The label under the icon: the town's name, or its first words that fit."""
    if len(town_name) <= SHORT_NAME_LENGTH:
        return town_name
    label = ""
    for word in re.split(r"(?<=[\s-])", town_name):  # words, each with the space or hyphen after it
        if len((label + word).rstrip(" -")) > SHORT_NAME_LENGTH:
            break
        label += word
    label = label.rstrip(" -")
    return label or town_name[:SHORT_NAME_LENGTH]


def icon_url(site_settings, size: int, purpose: str) -> str:
    name = "app_icon_maskable" if purpose == "maskable" else "app_icon"
    return reverse(name, kwargs={"size": size}) + f"?v={fingerprint(site_settings)}"


def manifest(site_settings) -> dict:
    """The web app manifest of the site these settings belong to, in the active language."""
    colour = site_settings.primary_colour or "#1d4f91"
    return {
        "id": "/",
        "name": site_settings.town_name,
        "short_name": short_name(site_settings.town_name),
        "description": site_settings.tagline,
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": colour,
        "background_color": colour,
        "icons": [
            {"src": icon_url(site_settings, size, purpose), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": purpose}
            for purpose in PURPOSES for size in ICON_SIZES
        ],
    }


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _logo_picture(site_settings):
    """The town's logo as an RGBA picture, or None when there is none or it cannot be read."""
    if not site_settings.logo:
        return None
    try:
        with site_settings.logo.open_file() as handle, Image.open(handle) as picture:
            picture.thumbnail((1024, 1024))  # bounded before any work (a logo may be a huge scan)
            return picture.convert("RGBA")
    except Exception:  # a missing or unreadable file: the default icon, and a line for the admins
        logger.warning("App icon: logo %s unreadable, default icon used", site_settings.logo.pk, exc_info=True)
        return None


def _draw_icon(site_settings, size: int, purpose: str) -> bytes:
    colour = _hex_to_rgb(site_settings.primary_colour or "#1d4f91")
    # A maskable icon is cropped to a circle of 80 % of its width by some launchers: keep the mark inside it.
    inner = int(size * (0.6 if purpose == "maskable" else 0.8))
    logo = _logo_picture(site_settings)
    if logo is not None:
        # The logo on a white tile (logos are drawn for light backgrounds), the town's colour around it.
        canvas = Image.new("RGB", (size, size), colour if purpose == "maskable" else (255, 255, 255))
        tile = Image.new("RGBA", logo.size, (255, 255, 255, 255))
        tile.alpha_composite(logo)
        tile = ImageOps.contain(tile, (inner, inner), Image.Resampling.LANCZOS)
        if purpose == "maskable":
            backing = Image.new("RGB", (inner + size // 16, inner + size // 16), (255, 255, 255))
            canvas.paste(backing, ((size - backing.width) // 2, (size - backing.height) // 2))
        canvas.paste(tile.convert("RGB"), ((size - tile.width) // 2, (size - tile.height) // 2))
    else:
        # No logo: the town's initial, white on its colour (the colour passes 4.5:1 against white).
        canvas = Image.new("RGB", (size, size), colour)
        initial = (site_settings.town_name.strip()[:1] or "P").upper()
        font = ImageFont.load_default(size=int(inner * 0.8))
        ImageDraw.Draw(canvas).text((size / 2, size / 2), initial, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def app_icon(site_settings, *, size: int, purpose: str = "any") -> bytes:
    """The PNG icon of this size and purpose, drawn once per version of the settings (then from the cache)."""
    if size not in ICON_SIZES or purpose not in PURPOSES:
        raise ValueError(f"no {purpose} icon of {size} px")
    key = f"pwa:icon:{site_settings.site_id}:{fingerprint(site_settings)}:{size}:{purpose}"
    png = cache.get(key)
    if png is None:
        png = _draw_icon(site_settings, size, purpose)
        cache.set(key, png, ICON_CACHE_SECONDS)
    return png


def _static_version() -> str:
    # Production: the hashed-names manifest written by collectstatic changes whenever any static file does.
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if manifest_name and staticfiles_storage.exists(manifest_name):
        with staticfiles_storage.open(manifest_name) as handle:
            return hashlib.sha256(handle.read()).hexdigest()[:16]
    # Development and tests serve files from the apps: hash the shell files themselves.
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        if path := finders.find(name):
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


_cached_static_version = lru_cache(maxsize=1)(_static_version)


def static_version() -> str:
    """Changes with the static files: a new version makes browsers install the new service worker."""
    return _static_version() if settings.DEBUG else _cached_static_version()


def service_worker_config(*, offline_url: str, icon: str, name: str) -> str:
    """The JSON the service worker starts from: its version, what it precaches, where the offline page is."""
    return json.dumps({
        "version": static_version(),
        "staticUrl": settings.STATIC_URL,
        # Without collectstatic's hashed names (development), a cached file could hide an edited one.
        "staticNetworkFirst": settings.DEBUG,
        "offlineUrl": offline_url,
        "shell": [static(name) for name in SHELL_STATIC] + [offline_url],
        "icon": icon,
        "name": name,
    })
