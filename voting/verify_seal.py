"""The verifier's checks of what a record of format ``parvis-record/2`` adds.

* the key ceremony: every trustee's certificate, polynomial and
  confirmation is in place and signed by them, the election key is the
  combination of their commitments, and the manifest names this very
  ceremony and transcript — so the key was made by the trustees, and no
  one ever held it whole;
* the audited ballots (Benaloh's challenge): each is a valid ballot whose
  revealed choices and randomness re-encrypt to it, and none of them is in
  the box.

Each function returns its success message or raises :class:`SealCheckFailed`.
No Django here, like :mod:`voting.verify_checks` which calls these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from voting.crypto import Ballot, ContestParameters, ThresholdPublicKey, verify_audit, verify_ballot
from voting.crypto.dkg import Ceremony, check_ceremony, transcript_hash
from voting.crypto.group import scalar_from_hex


class SealCheckFailed(Exception):
    """What is wrong, in English, for the report."""


def check_key_ceremony(record: Mapping[str, Any], manifest: Mapping[str, Any], public: ThresholdPublicKey) -> str:
    ceremony = Ceremony.from_dict(record["key_ceremony"])
    key, problems = check_ceremony(ceremony)
    if key is None:
        raise SealCheckFailed("; ".join(problems))
    named = manifest["key_ceremony"]
    transcript = transcript_hash(ceremony.hash, ceremony.certificates, ceremony.polynomials)
    if named != {"hash": ceremony.hash, "transcript": transcript}:
        raise SealCheckFailed("the manifest names another key ceremony or transcript than the one published")
    if key != public:
        raise SealCheckFailed("the election key is not the one the trustees' ceremony produced")
    names = [t["name"] for t in manifest["trustees"]]
    if [t["name"] for t in ceremony.descriptor["trustees"]] != names or ceremony.threshold != public.threshold:
        raise SealCheckFailed("the ceremony's trustees or threshold differ from the manifest's")
    return (
        f"the key was made by the {len(names)} trustees on their own devices: each signed their part and "
        "confirmed the whole, and the key is the combination of their commitments"
    )


def check_audited_ballots(record: Mapping[str, Any], params: ContestParameters, trackers: Sequence[str]) -> str:
    audited = record["audited_ballots"]
    if not isinstance(audited, list):
        raise SealCheckFailed("audited_ballots must be a list")
    in_box = set(trackers)
    bad, cast = [], []
    for number, entry in enumerate(audited, start=1):
        try:
            ballot = Ballot.from_dict(entry["ballot"])
            nonces = [scalar_from_hex(n, nonzero=True) for n in entry["nonces"]]
            valid = (
                ballot.hash == entry["tracker"]
                and verify_ballot(params, ballot)
                and verify_audit(params, ballot, entry["choices"], nonces)
            )
        except (KeyError, TypeError, ValueError):
            valid = False
        if not valid:
            bad.append(str(number))
        elif entry["tracker"] in in_box:
            cast.append(str(number))
    if bad:
        raise SealCheckFailed(f"audited ballot(s) {', '.join(bad)} do not re-encrypt to what they reveal")
    if cast:
        raise SealCheckFailed(f"audited ballot(s) {', '.join(cast)} were cast although their content is public")
    return f"{len(audited)} audited ballot(s), each encrypting exactly what its voter's device showed, none cast"
