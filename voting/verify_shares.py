"""The verifier's checks of an equal-shares count (``equal_shares`` of a ``parvis-record/3``).

* ``shuffle``: the box's ballots, folded as the server folds them
  (:func:`voting.mixnet.fold_encoded`), are shuffled and re-encrypted into
  the published ``shuffled`` ballots: the proof of shuffle holds for the
  generator seed fixed by the manifest and the head of the chain;
* ``shuffle_decryptions``: each trustee's partial decryption of the
  shuffled ballots is proven, once per trustee, and ``threshold`` of them
  decrypt every shuffled ballot to a set of projects; that profile is the
  published ``approvals``, and it agrees with the decrypted totals;
* ``winners``: the manifest's frozen rule, run on that profile, gives the
  published outcome (winners, what each supporter paid, the envelope used).

Each function returns its success message or raises :class:`SharesCheckFailed`.
No Django here, like :mod:`voting.verify_checks` which calls these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from voting.crypto import PartialDecryption, ThresholdPublicKey, verify_partial_decryption
from voting.crypto.errors import CryptoError, NotEnoughSharesError
from voting.crypto.folding import decrypt_folded, flatten
from voting.crypto.shuffle_proof import ballots_from_list, ballots_to_list
from voting.crypto.shuffle_verify import verify_shuffle_json
from voting.manifest import EQUAL_SHARES, winners_rule
from voting.mixnet import count_profile, fold_encoded, generator_seed, mix_context, option_profile, outcome_to_dict

KEYS = frozenset({"shuffled", "shuffle_proof", "partial_decryptions", "approvals", "outcome"})


class SharesCheckFailed(Exception):
    """What is wrong, in English, for the report."""


class SharesNotApplicable(Exception):
    """The record has no equal-shares count to check (the reason, for the report)."""


def section(record: Mapping[str, Any], manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record's ``equal_shares`` object, checked against the manifest's frozen rule."""
    rule = winners_rule(manifest)
    data = record["equal_shares"]
    if rule != EQUAL_SHARES:
        if data is not None:
            raise SharesCheckFailed(f"the manifest's winners rule is {rule!r}, yet the record holds an equal-shares count")
        raise SharesNotApplicable(f"winners by the rule {rule!r}, from the published totals")
    if not isinstance(data, Mapping) or set(data) != KEYS:
        raise SharesCheckFailed("the manifest says equal shares: equal_shares must hold exactly "
                                + ", ".join(sorted(KEYS)))
    return data


def check_shuffle(data: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], n_options: int,
                  public: ThresholdPublicKey, manifest_hash: str, head_hash: str) -> str:
    try:
        inputs = fold_encoded([entry["ballot"] for entry in entries], n_options)
    except (CryptoError, KeyError, TypeError, ValueError):
        raise SharesCheckFailed("not checked, a ballot of the box cannot be folded") from None
    if not inputs:
        if data["shuffled"] != [] or data["shuffle_proof"] is not None:
            raise SharesCheckFailed("the box is empty, yet shuffled ballots are published")
        return "the box is empty: nothing to shuffle"
    if not verify_shuffle_json(public.public_key, ballots_to_list(inputs), data["shuffled"], data["shuffle_proof"],
                               generator_seed=generator_seed(manifest_hash, head_hash),
                               context=mix_context(manifest_hash)):
        raise SharesCheckFailed("the proof of shuffle does not hold: the shuffled ballots may not be the box's "
                                "ballots (some added, dropped or changed)")
    return (f"the {len(inputs)} shuffled ballots are the box's ballots, folded, re-encrypted and permuted "
            "(proof of shuffle verified); no one can tie them to the box's rows")


def check_decryptions(data: Mapping[str, Any], public: ThresholdPublicKey, manifest_hash: str) -> list[PartialDecryption]:
    """Every published partial decryption of the shuffled ballots, each proven; raises otherwise."""
    shuffled = ballots_from_list(data["shuffled"]) if data["shuffled"] else []
    ciphertexts = flatten(shuffled)
    partials, bad, seen = [], [], set()
    for index, item in enumerate(data["partial_decryptions"]):
        try:
            partial = PartialDecryption.from_dict(item)
        except ValueError:
            bad.append(f"#{index + 1} (unreadable)")
            continue
        if partial.trustee in seen:
            bad.append(f"#{index + 1} (trustee {partial.trustee} again)")
        elif verify_partial_decryption(partial, public, ciphertexts, mix_context(manifest_hash)):
            partials.append(partial)
        else:
            bad.append(f"#{index + 1} (trustee {partial.trustee})")
        seen.add(partial.trustee)
    if bad:
        raise SharesCheckFailed(f"{', '.join(bad)} not proven correct: forged, or not a decryption of the "
                                "shuffled ballots")
    if len(partials) < public.threshold:
        raise SharesCheckFailed(f"{len(partials)} correct trustee decryption(s), {public.threshold} needed")
    return partials


def check_approvals(data: Mapping[str, Any], partials: Sequence[PartialDecryption], public: ThresholdPublicKey,
                    manifest: Mapping[str, Any], manifest_hash: str, counts: Sequence[int] | None) -> str:
    option_ids = [int(option["id"]) for option in manifest["options"]]
    shuffled = ballots_from_list(data["shuffled"]) if data["shuffled"] else []
    try:
        approvals = decrypt_folded(public, shuffled, partials, mix_context(manifest_hash), len(option_ids)) \
            if shuffled else []
    except NotEnoughSharesError:
        raise SharesCheckFailed("not enough correct decryptions of the shuffled ballots") from None
    except CryptoError:
        raise SharesCheckFailed("a shuffled ballot does not decrypt to a set of projects") from None
    profile = option_profile(approvals, option_ids)
    if profile != data["approvals"]:
        raise SharesCheckFailed("the published approval profile is not what the shuffled ballots decrypt to")
    if counts is not None:
        per_option = [sum(option_id in ballot for ballot in profile) for option_id in option_ids]
        if per_option != list(counts[: len(option_ids)]):
            raise SharesCheckFailed("the profile's votes per project differ from the decrypted totals")
    blank = sum(not ballot for ballot in profile)
    return (f"the {len(profile)} shuffled ballots decrypt to the published profile ({blank} approve nothing), "
            "with the same votes per project as the totals")


def check_winners(data: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    recomputed = outcome_to_dict(count_profile(manifest, data["approvals"]))
    published = data["outcome"]
    if published != recomputed:
        differs = sorted(k for k in recomputed if not isinstance(published, Mapping) or published.get(k) != recomputed[k])
        raise SharesCheckFailed(f"the published outcome differs from the recount ({', '.join(differs)}): recounted "
                                f"winners {recomputed['winners']}")
    return (f"recounted by the Method of Equal Shares: winners {recomputed['winners']}, "
            f"{recomputed['spent']} of {recomputed['envelope']} spent, as published")
