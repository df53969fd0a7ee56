"""The checks of the standalone verifier, in the order they run (:mod:`voting.verify`).

Each check re-does one part of what makes the online count trustworthy,
from the published record alone. Like :mod:`voting.verify`, no Django here:
only the standard library, :mod:`voting.crypto`, :mod:`voting.manifest` and
:mod:`voting.verify_seal`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar


from voting.crypto import (
    Ballot,
    Ciphertext,
    ContestParameters,
    DiscreteLogError,
    InvalidBallotError,
    NotEnoughSharesError,
    PartialDecryption,
    ThresholdPublicKey,
    decrypt_tally,
    find_invalid_ballots,
    genesis_hash,
    sum_encoded,
    verify_chain,
    verify_partial_decryption,
)
from voting.manifest import BallotShape, ballot_parameters, ballot_shape, manifest_hash
from voting.verify_report import Check, Status
from voting import verify_groups, verify_shares
from voting.verify_seal import SealCheckFailed, check_audited_ballots, check_key_ceremony

FORMAT = "parvis-record/4"
_V1_KEYS = frozenset(
    {
        "format",
        "manifest",
        "manifest_hash",
        "ballots",
        "head_hash",
        "encrypted_sums",
        "partial_decryptions",
        "result",
    }
)
FORMATS = {
    # record format: (its fields, the manifest format it carries)
    "parvis-record/1": (_V1_KEYS, "parvis-manifest/1"),
    "parvis-record/2": (_V1_KEYS | {"key_ceremony", "audited_ballots"}, "parvis-manifest/2"),
    # /3: the manifest freezes the winners rule; an equal-shares count adds its shuffle and profile.
    "parvis-record/3": (_V1_KEYS | {"key_ceremony", "audited_ballots", "equal_shares"}, "parvis-manifest/3"),
    # /4: each ballot names its group (its commune), chained with it; groups are counted apart too.
    FORMAT: (_V1_KEYS | {"key_ceremony", "audited_ballots", "equal_shares", "groups"}, "parvis-manifest/3"),
}
ENTRY_KEYS = frozenset({"position", "ballot", "tracker", "entry_hash"})
GROUPED_ENTRY_KEYS = ENTRY_KEYS | {"group"}

Json: TypeAlias = Any
"""Decoded, untrusted JSON. Steps index it freely: :meth:`RecordVerifier.run`
turns the resulting ``KeyError``/``TypeError``/... into a failed check."""

_T = TypeVar("_T")


class _Failed(Exception):
    """A check failed; the message says why, for people."""


class _Skipped(Exception):
    """A check was not run at the reader's request."""


def _positions(indices: Sequence[int]) -> str:
    """``"3, 7, 12 and 4 more"``: positions counted from 1, kept short."""
    shown = ", ".join(str(i + 1) for i in indices[:5])
    return shown + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")


def _count(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise _Failed(f"{what} is not a whole number: {value!r}")
    return value


class RecordVerifier:
    """Runs the checks in order. Each step returns its success message or
    raises :class:`_Failed`; later steps use what earlier ones decoded and
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
        except _Skipped as skipped:
            status, message = "skipped", str(skipped)
        except _Failed as failed:
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
            raise _Failed(f"not checked, because {what} failed above")
        return value

    def check_format(self) -> str:
        record = self.record
        if not isinstance(record, Mapping):
            raise _Failed("the record is not a JSON object")
        if isinstance(record.get("manifest"), Mapping):
            self.manifest = record["manifest"]
        problems = []
        record_format = record.get("format")
        if record_format not in FORMATS:
            raise _Failed(f"the record's format is {record_format!r}, not one of {', '.join(FORMATS)}")
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
            raise _Failed("; ".join(problems))
        self.version = record_format
        return f"record {record_format}, manifest {manifest_format}"

    def check_manifest_hash(self) -> str:
        # Everything below is checked against the manifest as published, so
        # a changed manifest also breaks the ballots' proofs and the chain.
        self.context = manifest_hash(self.need(self.manifest, "reading the manifest"))
        published = self.record["manifest_hash"]
        if published != self.context:
            raise _Failed(
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
            raise _Failed(
                f"the manifest says {manifest['threshold']!r} trustees are needed to decrypt, "
                f"the key says {public.threshold}"
            )
        trustees = manifest["trustees"]
        if [t["index"] for t in trustees] != list(range(1, public.n_trustees + 1)):
            raise _Failed(
                f"the key has {public.n_trustees} trustees, but the manifest does not list "
                "them as 1, 2, 3..."
            )
        wrong = [
            str(t["name"])
            for t, key in zip(trustees, public.verification_keys, strict=True)
            if t["verification_key"] != key.to_hex()
        ]
        if wrong:
            raise _Failed(f"the verification key of {', '.join(wrong)} does not match the key")
        return (
            f"{public.threshold} of {public.n_trustees} trustees are needed to decrypt, and "
            "each trustee's verification key matches the election key"
        )

    def check_ballot_shape(self) -> str:
        manifest = self.need(self.manifest, "reading the manifest")
        if not isinstance(manifest["options"], list):
            raise _Failed("the manifest's options are not a list")
        shape = ballot_shape(manifest)
        ids = [option["id"] for option in manifest["options"]]
        if any(type(i) is not int for i in ids) or len(set(ids)) != len(ids):
            raise _Failed("option ids must be distinct whole numbers")
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
            raise _Skipped("not in records of format parvis-record/1 (key dealt by the server)")

    def check_key_ceremony(self) -> str:
        self._new_in_v2()
        public = self.need(self.public, "reading the election key")
        try:
            return check_key_ceremony(self.record, self.manifest, public)
        except SealCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def check_audited_ballots(self) -> str:
        self._new_in_v2()
        params = self.need(self.params, "reading the election key or the ballot rules")
        entries = self.need(self.entries, "reading the ballots")
        try:
            return check_audited_ballots(self.record, params, [e["tracker"] for e in entries])
        except SealCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def _grouped(self) -> bool:
        return self.need(self.version, "reading the format") == FORMAT

    def check_trackers(self) -> str:
        entries = self.record["ballots"]
        keys = GROUPED_ENTRY_KEYS if self._grouped() else ENTRY_KEYS
        if not isinstance(entries, list) or not all(
            isinstance(e, Mapping) and set(e) == keys for e in entries
        ):
            raise _Failed(
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
            raise _Failed(
                f"{len(bad)} ballot(s) unreadable or not matching their tracker, at "
                f"position(s) {_positions(bad)}"
            )
        return f"each of the {len(entries)} ballots matches its tracker"

    def check_proofs(self) -> str:
        if not self.with_proofs:
            raise _Skipped("skipped at your request (--skip-proofs)")
        params = self.need(self.params, "reading the election key or the ballot rules")
        entries = self.need(self.entries, "reading the ballots")
        bad = find_invalid_ballots(params, [e["ballot"] for e in entries], workers=self.workers)
        if bad:
            raise _Failed(
                f"{len(bad)} ballot(s) are not valid votes under the rules, at position(s) "
                f"{_positions(bad)}"
            )
        return (
            f"each of the {len(entries)} ballots is proven to be a valid vote under the "
            "rules, without revealing it"
        )

    def check_unique_trackers(self) -> str:
        entries = self.need(self.entries, "reading the ballots")
        seen = Counter(e["tracker"] for e in entries)
        if repeated := [i for i, e in enumerate(entries) if seen[e["tracker"]] > 1]:
            raise _Failed(f"the same ballot appears at positions {_positions(repeated)}")
        return "no ballot appears twice"

    def check_positions(self) -> str:
        entries = self.need(self.entries, "reading the ballots")
        if bad := [
            i
            for i, e in enumerate(entries)
            if type(e["position"]) is not int or e["position"] != i + 1
        ]:
            raise _Failed(
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
            raise _Failed(
                f"broken at position {broken + 1}: a ballot was changed, removed, inserted or "
                "moved there or just before it"
            )
        raise _Failed(
            "the last entry is not the head hash: ballots were removed or added at the end, "
            "or the head hash is wrong"
        )

    def check_encrypted_sums(self) -> str:
        n_slots = self.need(self.shape, "reading the ballot rules").n_slots
        published = self.record["encrypted_sums"]
        if not isinstance(published, list) or len(published) != n_slots:
            raise _Failed(f"there must be one per option (and blank vote): {n_slots}")
        self.sums = tuple(Ciphertext.from_dict(c, allow_identity=True) for c in published)
        entries = self.need(self.entries, "reading the ballots")
        try:
            computed = sum_encoded(
                [e["ballot"]["ciphertexts"] for e in entries], n_slots, workers=self.workers
            )
        except InvalidBallotError as exc:
            raise _Failed(
                f"not checked, the ballot at position {exc.position + 1} cannot be added up"
            ) from None
        if computed != self.sums:
            raise _Failed("the published totals are not the sum of the ballots of this record")
        return f"exactly the sum of the {len(entries)} encrypted ballots"

    def check_groups(self) -> str:
        if not self._grouped():
            raise _Skipped("no groups in records before parvis-record/4")
        try:
            message, self.group_sums = verify_groups.check_groups(
                self.record["groups"], self.need(self.entries, "reading the ballots"),
                self.need(self.shape, "reading the ballot rules").n_slots,
                self.need(self.sums, "reading the encrypted totals"), self.workers)
        except verify_groups.GroupsCheckFailed as failed:
            raise _Failed(str(failed)) from None
        return message

    def _decrypted_sums(self) -> tuple[Ciphertext, ...]:
        """What the trustees decrypted: the overall totals, then each group's (format /4)."""
        sums = self.need(self.sums, "reading the encrypted totals")
        if self._grouped():
            sums = (*sums, *self.need(self.group_sums, "checking the groups"))
        return sums

    def check_partial_decryptions(self) -> str:
        public = self.need(self.public, "reading the election key")
        sums = self._decrypted_sums()
        context = self.need(self.context, "reading the manifest")
        bad, seen = [], set()
        for index, data in enumerate(self.record["partial_decryptions"]):
            try:
                partial = PartialDecryption.from_dict(data)
            except ValueError:
                bad.append(f"#{index + 1} (unreadable)")
                continue
            if partial.trustee in seen:
                bad.append(f"#{index + 1} (trustee {partial.trustee} again)")
            elif verify_partial_decryption(partial, public, sums, context):
                self.partials.append(partial)
            else:
                bad.append(f"#{index + 1} (trustee {partial.trustee})")
            seen.add(partial.trustee)
        if bad:
            raise _Failed(
                f"{', '.join(bad)} not proven correct: forged, or not a decryption of these totals"
            )
        trustees = ", ".join(str(p.trustee) for p in self.partials)
        return f"each is proven correct (trustees {trustees})"

    def check_decryption(self) -> str:
        public = self.need(self.public, "reading the election key")
        sums = self._decrypted_sums()
        context = self.need(self.context, "reading the manifest")
        n_ballots = len(self.need(self.entries, "reading the ballots"))
        try:
            result = decrypt_tally(public, sums, self.partials, context, n_ballots)
        except NotEnoughSharesError:
            raise _Failed(
                f"impossible: {len(self.partials)} correct trustee decryption(s), "
                f"{public.threshold} needed"
            ) from None
        except DiscreteLogError:
            raise _Failed(
                f"the totals do not decrypt to counts between 0 and {n_ballots}: they do not "
                "come from the ballots of this record"
            ) from None
        n_slots = len(self.need(self.sums, "reading the encrypted totals"))
        self.counts, self.group_counts = result.counts[:n_slots], result.counts[n_slots:]
        return f"counts recovered with trustees {', '.join(map(str, result.trustees))}"

    def check_online_result(self) -> str:
        decrypted = self.need(self.counts, "the decryption")
        shape = self.need(self.shape, "reading the ballot rules")
        option_keys = self.need(self.option_keys, "reading the ballot rules")
        n_ballots = len(self.need(self.entries, "reading the ballots"))
        online = self.record["result"]["online"]
        if set(online["counts"]) != set(option_keys):
            raise _Failed("the counts must list exactly the manifest's options")
        rows = [
            *(
                (f"option {key}", online["counts"][key], count)
                for key, count in zip(option_keys, decrypted, strict=False)
            ),
            ("blank votes", online["blank"], decrypted[-1] if shape.blank else 0),
            ("ballots", online["ballots"], n_ballots),
        ]
        if wrong := [
            f"{what}: published {published!r}, decrypted {actual}"
            for what, published, actual in rows
            if type(published) is not int or published != actual
        ]:
            raise _Failed("differs from the decryption: " + "; ".join(wrong))
        figures = "; ".join(f"{what}: {actual}" for what, _, actual in rows)
        return f"exactly the decrypted figures: {figures}"

    def check_group_results(self) -> str:
        if not self._grouped():
            raise _Skipped("no groups in records before parvis-record/4")
        self.need(self.group_sums, "checking the groups")
        shape = self.need(self.shape, "reading the ballot rules")
        try:
            return verify_groups.check_group_results(
                self.record["groups"], self.need(self.group_counts, "the decryption"),
                self.need(self.option_keys, "reading the ballot rules"), shape.n_slots, shape.blank,
                self.record["result"]["online"])
        except verify_groups.GroupsCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def check_total_result(self) -> str:
        option_keys = self.need(self.option_keys, "reading the ballot rules")
        result = self.record["result"]
        online, paper, total = result["online"], result["paper"], result["total"]
        if set(total["counts"]) != set(option_keys) or not set(paper["counts"]) <= set(option_keys):
            raise _Failed("counts must be for the manifest's options only")
        rows = [
            (
                f"option {key}",
                total["counts"][key],
                online["counts"][key],
                paper["counts"].get(key, 0),
            )
            for key in option_keys
        ]
        rows.append(("blank votes", total["blank"], online["blank"], paper["blank"]))
        figures = [(what, *(_count(value, what) for value in values)) for what, *values in rows]
        if wrong := [
            f"{what}: {t} is not {o} online + {p} on paper"
            for what, t, o, p in figures
            if t != o + p
        ]:
            raise _Failed("; ".join(wrong))
        return (
            "online + paper for every option and for blank votes (paper figures are as "
            "declared by the polling stations)"
        )

    def _equal_shares(self) -> Json:
        """The record's equal-shares count, or a skip when it has none to check."""
        if self.need(self.version, "reading the format") not in ("parvis-record/3", FORMAT):
            raise _Skipped("no equal-shares count in records before parvis-record/3")
        try:
            return verify_shares.section(self.record, self.need(self.manifest, "reading the manifest"))
        except verify_shares.SharesNotApplicable as reason:
            raise _Skipped(str(reason)) from None
        except verify_shares.SharesCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def check_shuffle(self) -> str:
        data = self._equal_shares()
        try:
            return verify_shares.check_shuffle(
                data, self.need(self.entries, "reading the ballots"),
                self.need(self.shape, "reading the ballot rules").n_options,
                self.need(self.public, "reading the election key"),
                self.need(self.context, "reading the manifest"), self.record["head_hash"],
            )
        except verify_shares.SharesCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def check_shuffle_decryptions(self) -> str:
        data = self._equal_shares()
        public = self.need(self.public, "reading the election key")
        context = self.need(self.context, "reading the manifest")
        try:
            self.mix_partials = verify_shares.check_decryptions(data, public, context)
            return verify_shares.check_approvals(data, self.mix_partials, public, self.manifest, context, self.counts)
        except verify_shares.SharesCheckFailed as failed:
            raise _Failed(str(failed)) from None

    def check_winners(self) -> str:
        data = self._equal_shares()
        try:
            return verify_shares.check_winners(data, self.need(self.manifest, "reading the manifest"))
        except verify_shares.SharesCheckFailed as failed:
            raise _Failed(str(failed)) from None


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
