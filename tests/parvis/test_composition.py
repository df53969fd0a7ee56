"""The project's layering, read from the source: who may import whom.

- ``parvis/`` wires the apps together (settings, URLs, Celery); no app imports it, so an app can be
  reused or tested without the project that assembles it (shared helpers live in ``common/``).
- ``voting`` imports no other app: other apps plug into it through hooks.
- ``home`` knows no participation app beyond the blocks its page bodies offer (``home/blocks.py``);
  the demo town that assembles every app's demo lives in ``demo/``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
PARTICIPATION_APPS = {"accounts", "budget", "councils", "notices", "volunteering", "voting"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (imports inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def offenders(package: str, forbidden: set[str], allowed_files=()) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {sorted(imported_modules(path) & forbidden)}"
        for path in sources(package)
        if imported_modules(path) & forbidden and str(path.relative_to(ROOT)) not in allowed_files
    ]


def test_the_apps_are_found():
    # The rules below would pass vacuously on an empty list.
    assert {"home", "voting", "budget", "demo"} <= set(APPS)


@pytest.mark.parametrize("app", [app for app in APPS if app != "demo"] + ["common"])
def test_no_app_imports_the_project_wiring(app):
    assert offenders(app, {"parvis", "demo"}) == []


def test_voting_imports_no_other_app():
    assert offenders("voting", set(APPS) - {"voting"}) == []


def test_home_knows_no_participation_app_beyond_the_blocks_its_pages_offer():
    assert offenders("home", PARTICIPATION_APPS, allowed_files={"home/blocks.py"}) == []


def test_the_rule_catches_an_offender(tmp_path):
    # The checker itself: an import inside a function counts.
    module = tmp_path / "module.py"
    module.write_text("def view():\n    from parvis.http import client_ip\n")
    assert imported_modules(module) == {"parvis"}
