"""Standalone verifier of a contest's published record (``parvis-record/4``, or ``/3``, ``/2``, ``/1``).

Usage::

    python -m voting.verify record.json [--skip-proofs] [--workers N]

Re-does, from the published record alone, everything that makes the online
count trustworthy: the manifest's fingerprint, the election key, every
ballot's receipt and proofs, the hash chain, the encrypted totals, the
trustees' decryptions, the published figures and, from format /2 on, the
trustees' key ceremony and the ballots voters audited (:mod:`voting.verify_seal`). Each step prints a line
(✓ passed, ✗ failed, – skipped); the exit status is 0 only if none failed.
The record format and what the checks do and do not prove are in
``voting/RECORD.md``.

Deliberately imports only the standard library, :mod:`voting.crypto` and
:mod:`voting.manifest`, never Django: an observer needs this package and
coincurve, not the web application or its database. The web application
runs the same checks through :func:`verify_record`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence

from voting.verify_checks import CHECKS, FORMAT, FORMATS, Json, RecordVerifier
from voting.verify_report import Check, VerificationReport

__all__ = ["CHECKS", "FORMAT", "FORMATS", "Check", "VerificationReport", "load_record", "main", "verify_record"]


def verify_record(
    record: Mapping[str, Json], *, check_proofs: bool = True, workers: int = 1
) -> VerificationReport:
    """Run every check on a decoded record; never raises on bad input.

    ``check_proofs=False`` skips re-verifying each ballot's proofs (by far
    the slowest step; the server verified them at casting). ``workers > 1``
    verifies proofs and sums ballots in that many subprocesses (see
    :func:`voting.crypto.tally.find_invalid_ballots` for the caveats).
    """
    verifier = RecordVerifier(record, check_proofs=check_proofs, workers=workers)
    for name, title, step in CHECKS:
        verifier.run(name, title, step)
    return VerificationReport(tuple(verifier.checks))


def _unique_keys(pairs: list[tuple[str, Json]]) -> dict[str, Json]:
    # JSON parsers disagree on which of two equal keys wins: refusing them
    # stops a record from showing one result here and another elsewhere.
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("a JSON object has the same key twice")
    return data


def load_record(path: str) -> Json:
    """Parse a record file strictly (UTF-8, no duplicate keys)."""
    with open(path, encoding="utf-8") as file:
        return json.load(file, object_pairs_hook=_unique_keys)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _can_print(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except UnicodeEncodeError:
        return False
    return True


def _for_terminal(text: str) -> str:
    """``text`` with what the terminal cannot show (a trustee's name, say) escaped."""
    encoding = sys.stdout.encoding or "ascii"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m voting.verify",
        description="Check a Parvis contest's published record: its ballots, their proofs, "
        "the hash chain, the decryption and the published result.",
    )
    parser.add_argument("record", help="the record: a parvis-record/4 (or /3, /2, /1) JSON file")
    parser.add_argument(
        "--skip-proofs",
        action="store_true",
        help="do not re-verify each ballot's proofs (much faster; all else is still checked)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="processes for verifying proofs and adding up ballots (default: 1)",
    )
    args = parser.parse_args(argv)
    try:
        record = load_record(args.record)
    except (OSError, ValueError) as exc:
        print(f"Cannot read the record {args.record}: {exc}", file=sys.stderr)
        return 2
    report = verify_record(record, check_proofs=not args.skip_proofs, workers=args.workers)
    lines = [report.render(ascii_only=not _can_print("✓✗–"))]
    manifest = record.get("manifest") if isinstance(record, Mapping) else None
    if isinstance(manifest, Mapping):
        lines.insert(
            0, f"Parvis record of contest {manifest.get('contest')!r}: {manifest.get('title')}"
        )
    print(_for_terminal("\n".join(lines)))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
