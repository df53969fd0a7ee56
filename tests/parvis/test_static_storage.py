"""Production static files: the voting modules import each other by their hashed names."""

import re

from django.core.management import call_command
from django.test import override_settings


def test_collected_es_modules_import_the_hashed_copies_of_each_other(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "parvis.storage.StaticStorage"},
    }):
        call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p for p in (tmp_path / "voting" / "js").glob("ballot.*.js") if not p.name.endswith(".gz")]
    assert len(hashed) == 1
    imports = re.findall(r'from "([^"]+)"', hashed[0].read_text())
    assert imports and all(re.search(r"\.[0-9a-f]{12}\.js$", path) for path in imports), imports
    crypto = next((tmp_path / "voting" / "js").glob("crypto.*.js"))
    assert re.search(r'from "\.\./vendor/noble\.[0-9a-f]{12}\.js"', crypto.read_text())
