"""The checks of the standalone verifier, in the order they run (:mod:`voting.verify`).

Each check re-does one part of what makes the online count trustworthy,
from the published record alone. Like :mod:`voting.verify`, no Django here:
only the standard library, :mod:`voting.crypto`, :mod:`voting.manifest` and
:mod:`voting.verify_seal`. The count's checks are in :mod:`voting.verify_tally`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import TypeVar

from voting.crypto import (
    Ballot,
    Ciphertext,
    ContestParameters,
    InvalidBallotError,
    PartialDecryption,
    ThresholdPublicKey,
    find_invalid_ballots,
    genesis_hash,
    sum_encoded,
    verify_chain,
)
from voting.manifest import BallotShape, ballot_parameters, ballot_shape, manifest_hash
from voting import verify_groups
from voting.verify_base import (  # noqa: F401  (FORMATS and Json: voting.verify reads them here)
    ENTRY_KEYS,
    FORMAT,
    FORMATS,
    GROUPED_ENTRY_KEYS,
    CheckFailed,
    CheckSkipped,
    Json,
    positions,
)
from voting.verify_report import Check, Status
from voting.verify_seal import SealCheckFailed, check_audited_ballots, check_key_ceremony
from voting.verify_tally import TallyChecks

_T = TypeVar("_T")


class RecordVerifier(TallyChecks):
    """Runs the checks in order. Each step returns its success message or
    raises :class:`CheckFailed`; later steps use what earlier ones decoded and
    fail as "not checked" when that is missing, so every check always
    appears in the report."""

    def __init__(self, record: Json, *, check_proofs: bool, workers: int) -> None:
        self.record = record
        self.with_proofs = check_proofs
        self.workers = workers
        self.checks: list[Check] = []
        self.manifest: Json = None
        self.context: str | None = None
        self.public: ThresholdPublicKey | None = None
        self.shape: BallotShape | None = None
        self.option_keys: list[str] | None = None
        self.params: ContestParameters | None = None
        self.entries: list[Json] | None = None
        self.sums: tuple[Ciphertext, ...] | None = None
        self.partials: list[PartialDecryption] = []
        self.counts: tuple[int, ...] | None = None
        self.version: str | None = None
        self.mix_partials: list[PartialDecryption] | None = None
        self.group_sums: list[Ciphertext] | None = None
        self.group_counts: tuple[int, ...] | None = None

    def run(self, name: str, title: str, step: Callable[[RecordVerifier], str]) -> None:
        status: Status
        try:
            status, message = "passed", step(self)
        except CheckSkipped as skipped:
            status, message = "skipped", str(skipped)
        except CheckFailed as failed:
            status, message = "failed", str(failed)
        except KeyError as exc:
            status, message = "failed", f"not checked, the record lacks the field {exc}"
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            status, message = "failed", f"not checked, the record is malformed ({exc})"
        self.checks.append(Check(name, title, status, message))

    @staticmethod
    def need(value: _T | None, what: str) -> _T:
        """What an earlier step decoded, or a "not checked" failure."""
        if value is None:
            raise CheckFailed(f"not checked, because {what} failed above")
        return value

    def check_format(self) -> str:
        record = self.record
        if not isinstance(record, Mapping):
            raise CheckFailed("the record is not a JSON object")
        if isinstance(record.get("manifest"), Mapping):
            self.manifest = record["manifest"]
        problems = []
        record_format = record.get("format")
        if record_format not in FORMATS:
            raise CheckFailed(f"the record's format is {record_format!r}, not one of {', '.join(FORMATS)}")
        keys, manifest_format = FORMATS[record_format]
        if missing := sorted(keys - set(record)):
            problems.append(f"missing fields {', '.join(missing)}")
        if extra := sorted(set(record) - keys):
            problems.append(f"unknown fields {', '.join(extra)}")
        if self.manifest is None:
            problems.append("the manifest is not a JSON object")
        elif self.manifest.get("format") != manifest_format:
            problems.append(f"the manifest's format is not {manifest_format!r}")
        if problems:
            raise CheckFailed("; ".join(problems))
        self.version = record_format
        return f"record {record_format}, manifest {manifest_format}"

    def check_manifest_hash(self) -> str:
        # Everything below is checked against the manifest as published, so
        # a changed manifest also breaks the ballots' proofs and the chain.
        self.context = manifest_hash(self.need(self.manifest, "reading the manifest"))
        published = self.record["manifest_hash"]
        if published != self.context:
            raise CheckFailed(
                f"the manifest hashes to {self.context}, but the record says {published}: "
                "the manifest was changed, or the fingerprint is wrong"
            )
        return (
            f"{self.context} matches the manifest (compare it with the fingerprint published "
            "when the contest was sealed)"
        )

    def check_public_key(self) -> str:
        manifest = self.need(self.manifest, "reading the manifest")
        public = self.public = ThresholdPublicKey.from_dict(manifest["public_key"])
        if manifest["threshold"] != public.threshold:
            raise CheckFailed(
                f"the manifest says {manifest['threshold']!r} trustees are needed to decrypt, "
                f"the key says {public.threshold}"
            )
        trustees = manifest["trustees"]
        if [t["index"] for t in trustees] != list(range(1, public.n_trustees + 1)):
            raise CheckFailed(
                f"the key has {public.n_trustees} trustees, but the manifest does not list "
                "them as 1, 2, 3..."
            )
        wrong = [
            str(t["name"])
            for t, key in zip(trustees, public.verification_keys, strict=True)
            if t["verification_key"] != key.to_hex()
        ]
        if wrong:
            raise CheckFailed(f"the verification key of {', '.join(wrong)} does not match the key")
        return (
            f"{public.threshold} of {public.n_trustees} trustees are needed to decrypt, and "
            "each trustee's verification key matches the election key"
        )

    def check_ballot_shape(self) -> str:
        manifest = self.need(self.manifest, "reading the manifest")
        if not isinstance(manifest["options"], list):
            raise CheckFailed("the manifest's options are not a list")
        shape = ballot_shape(manifest)
        ids = [option["id"] for option in manifest["options"]]
        if any(type(i) is not int for i in ids) or len(set(ids)) != len(ids):
            raise CheckFailed("option ids must be distinct whole numbers")
        self.shape, self.option_keys = shape, [str(i) for i in ids]
        if self.public is not None and self.context is not None:
            self.params = ballot_parameters(manifest, self.context, self.public.public_key)
        if shape.min_choices == shape.max_choices:
            choices = f"exactly {shape.min_choices} choice(s)"
        else:
            choices = f"{shape.min_choices} to {shape.max_choices} choices"
        blank = "or a blank vote" if shape.blank else "no blank vote"
        envelope = ""
        if self.params is not None and self.params.envelope is not None:
            envelope = f", within an envelope of {self.params.envelope} (proven by each ballot)"
        return f"{shape.n_options} options, {choices}, {blank}{envelope}"

    def _new_in_v2(self) -> None:
        if self.need(self.version, "reading the format") == "parvis-record/1":
            raise CheckSkipped("not in records of format parvis-record/1 (key dealt by the server)")

    def check_key_ceremony(self) -> str:
        self._new_in_v2()
        public = self.need(self.public, "reading the election key")
        try:
            return check_key_ceremony(self.record, self.manifest, public)
        except SealCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def check_audited_ballots(self) -> str:
        self._new_in_v2()
        params = self.need(self.params, "reading the election key or the ballot rules")
        entries = self.need(self.entries, "reading the ballots")
        try:
            return check_audited_ballots(self.record, params, [e["tracker"] for e in entries])
        except SealCheckFailed as failed:
            raise CheckFailed(str(failed)) from None

    def _grouped(self) -> bool:
        return self.need(self.version, "reading the format") == FORMAT

    def check_trackers(self) -> str:
        entries = self.record["ballots"]
        keys = GROUPED_ENTRY_KEYS if self._grouped() else ENTRY_KEYS
        if not isinstance(entries, list) or not all(
            isinstance(e, Mapping) and set(e) == keys for e in entries
        ):
            raise CheckFailed(
                "not checked, each ballot must be an object with exactly the fields "
                + ", ".join(sorted(keys))
            )
        self.entries = entries
        bad = []
        for index, entry in enumerate(entries):
            try:
                matches = Ballot.from_dict(entry["ballot"]).hash == entry["tracker"]
            except ValueError:
                matches = False
            if not matches:
                bad.append(index)
        if bad:
            raise CheckFailed(
                f"{len(bad)} ballot(s) unreadable or not matching their tracker, at "
                f"position(s) {positions(bad)}"
            )
        return f"each of the {len(entries)} ballots matches its tracker"

    def check_proofs(self) -> str:
        if not self.with_proofs:
            raise CheckSkipped("skipped at your request (--skip-proofs)")
        params = self.need(self.params, "reading the election key or the ballot rules")
        entries = self.need(self.entries, "reading the ballots")
        bad = find_invalid_ballots(params, [e["ballot"] for e in entries], workers=self.workers)
        if bad:
            raise CheckFailed(
                f"{len(bad)} ballot(s) are not valid votes under the rules, at position(s) "
                f"{positions(bad)}"
            )
        return (
            f"each of the {len(entries)} ballots is proven to be a valid vote under the "
            "rules, without revealing it"
        )

    def check_unique_trackers(self) -> str:
        entries = self.need(self.entries, "reading the ballots")
        seen = Counter(e["tracker"] for e in entries)
        if repeated := [i for i, e in enumerate(entries) if seen[e["tracker"]] > 1]:
            raise CheckFailed(f"the same ballot appears at positions {positions(repeated)}")
        return "no ballot appears twice"

    def check_positions(self) -> str:
        entries = self.need(self.entries, "reading the ballots")
        if bad := [
            i
            for i, e in enumerate(entries)
            if type(e["position"]) is not int or e["position"] != i + 1
        ]:
            raise CheckFailed(
                f"ballot number {bad[0] + 1} in the list says it is at position "
                f"{entries[bad[0]]['position']!r}: positions must run 1, 2, 3... without gaps"
            )
        return f"1 to {len(entries)}, without gaps"

    def check_chain(self) -> str:
        entries = self.need(self.entries, "reading the ballots")
        context = self.need(self.context, "reading the manifest")
        head = self.record["head_hash"]
        broken = verify_chain(
            genesis_hash(context),
            [e["tracker"] for e in entries],
            [e["entry_hash"] for e in entries],
            head,
            [e["group"] for e in entries] if self._grouped() else None,
        )
        if broken is None:
            return (
                f"intact from the manifest to the head {head} (compare it with the head "
                "published when voting closed)"
            )
        if broken < len(entries):
            raise CheckFailed(
                f"broken at position {broken + 1}: a ballot was changed, removed, inserted or "
                "moved there or just before it"
            )
        raise CheckFailed(
            "the last entry is not the head hash: ballots were removed or added at the end, "
            "or the head hash is wrong"
        )

    def check_encrypted_sums(self) -> str:
        n_slots = self.need(self.shape, "reading the ballot rules").n_slots
        published = self.record["encrypted_sums"]
        if not isinstance(published, list) or len(published) != n_slots:
            raise CheckFailed(f"there must be one per option (and blank vote): {n_slots}")
        self.sums = tuple(Ciphertext.from_dict(c, allow_identity=True) for c in published)
        entries = self.need(self.entries, "reading the ballots")
        try:
            computed = sum_encoded(
                [e["ballot"]["ciphertexts"] for e in entries], n_slots, workers=self.workers
            )
        except InvalidBallotError as exc:
            raise CheckFailed(
                f"not checked, the ballot at position {exc.position + 1} cannot be added up"
            ) from None
        if computed != self.sums:
            raise CheckFailed("the published totals are not the sum of the ballots of this record")
        return f"exactly the sum of the {len(entries)} encrypted ballots"

    def check_groups(self) -> str:
        if not self._grouped():
            raise CheckSkipped("no groups in records before parvis-record/4")
        try:
            message, self.group_sums = verify_groups.check_groups(
                self.record["groups"], self.need(self.entries, "reading the ballots"),
                self.need(self.shape, "reading the ballot rules").n_slots,
                self.need(self.sums, "reading the encrypted totals"), self.workers)
        except verify_groups.GroupsCheckFailed as failed:
            raise CheckFailed(str(failed)) from None
        return message


CHECKS: tuple[tuple[str, str, Callable[[RecordVerifier], str]], ...] = (
    ("format", "Format", RecordVerifier.check_format),
    ("manifest_hash", "Manifest fingerprint", RecordVerifier.check_manifest_hash),
    ("public_key", "Election key", RecordVerifier.check_public_key),
    ("key_ceremony", "Key ceremony", RecordVerifier.check_key_ceremony),
    ("ballot_shape", "Ballot rules", RecordVerifier.check_ballot_shape),
    ("trackers", "Receipts", RecordVerifier.check_trackers),
    ("proofs", "Ballot proofs", RecordVerifier.check_proofs),
    ("unique_trackers", "Duplicates", RecordVerifier.check_unique_trackers),
    ("audited_ballots", "Audited ballots", RecordVerifier.check_audited_ballots),
    ("positions", "Positions", RecordVerifier.check_positions),
    ("chain", "Hash chain", RecordVerifier.check_chain),
    ("encrypted_sums", "Encrypted totals", RecordVerifier.check_encrypted_sums),
    ("groups", "Groups counted apart", RecordVerifier.check_groups),
    ("partial_decryptions", "Trustees' decryptions", RecordVerifier.check_partial_decryptions),
    ("decryption", "Decryption", RecordVerifier.check_decryption),
    ("online_result", "Online result", RecordVerifier.check_online_result),
    ("group_results", "Results per group", RecordVerifier.check_group_results),
    ("total_result", "Overall result", RecordVerifier.check_total_result),
    ("shuffle", "Shuffled ballots", RecordVerifier.check_shuffle),
    ("shuffle_decryptions", "Decrypted shuffled ballots", RecordVerifier.check_shuffle_decryptions),
    ("winners", "Winners by equal shares", RecordVerifier.check_winners),
)
"""``(name, title, step)`` of every check, in the order they run and are reported."""
