"""The verifier's report: one line per check, and the verdict (:mod:`voting.verify`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["passed", "failed", "skipped"]
_MARKS: dict[Status, tuple[str, str]] = {
    "passed": ("✓", "[ok]"),
    "failed": ("✗", "[FAILED]"),
    "skipped": ("–", "[skipped]"),
}


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step: ``name`` is a stable identifier for programs
    (see :data:`CHECKS`), ``title`` and ``message`` are for people."""

    name: str
    title: str
    status: Status
    message: str

    @property
    def ok(self) -> bool:
        """Skipped counts as ok: skipping is the reader's explicit choice."""
        return self.status != "failed"


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Outcome of :func:`verify_record`: every check of :data:`CHECKS`, in order."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if not check.ok)

    def __getitem__(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def render(self, *, ascii_only: bool = False) -> str:
        lines = [f"{_MARKS[c.status][ascii_only]} {c.title}: {c.message}" for c in self.checks]
        if self.ok:
            lines.append(
                "All checks passed: the published online result is exactly what the ballots "
                "in this record add up to. Also make sure that your tracker is in the record, "
                "and that the manifest fingerprint and the head hash are the ones published "
                "when the contest was sealed and closed."
            )
        else:
            lines.append(
                f"{len(self.failed)} check(s) FAILED: this record does not prove the published "
                "result. See the failed lines above."
            )
        return "\n".join(lines)

