"""CI's dependency audit (make audit): a known vulnerability fails the run; what was not audited is said."""

import json
import runpy
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_report.py"


def run(tmp_path, dependencies, monkeypatch, strict=False, capsys=None):
    report = tmp_path / "audit.json"
    if dependencies is not None:
        report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    monkeypatch.setenv("AUDIT_STRICT", "1" if strict else "0")
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), str(report)])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(SCRIPT), run_name="__main__")
    return exit_.value.code


DJANGO_VULN = {"name": "django", "version": "5.2.0", "vulns": [
    {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": [], "description": "x"}]}
CLEAN = {"name": "wagtail", "version": "8.0.1", "vulns": []}
SKIPPED = {"name": "amqp", "skip_reason": "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"}


def test_a_known_vulnerability_fails_the_run(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, [CLEAN, DJANGO_VULN], monkeypatch) == 1
    assert "VULNERABLE django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_packages_not_audited_are_reported_not_counted_as_safe(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, [CLEAN, SKIPPED], monkeypatch) == 0
    assert "1 packages audited, 0 with a known vulnerability, 1 NOT audited" in capsys.readouterr().out
    assert run(tmp_path, [CLEAN, SKIPPED], monkeypatch, strict=True) == 1


def test_no_report_at_all_is_said_plainly(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, None, monkeypatch) == 0
    assert "NO AUDIT PERFORMED" in capsys.readouterr().out
    assert run(tmp_path, None, monkeypatch, strict=True) == 1
