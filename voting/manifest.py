"""A contest's manifest and the ballot shape it implies. No Django here.

The manifest is everything a contest is frozen to at sealing: question,
options (and costs), rule, dates, the roll's fingerprint, trustees and the
public key. Its SHA-256 over canonical JSON is published, is the context of
every proof (a ballot cannot be replayed in another contest), and seeds the
hash chain. The standalone verifier (``python -m voting.verify``) derives
the ballot shape from the published manifest with :func:`ballot_shape`,
exactly as the server does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .crypto.ballot import ContestParameters
from .crypto.group import Point

FORMAT = "parvis-manifest/3"
"""/2 adds ``key_ceremony``: the key comes from the trustees' ceremony, not a dealer.
/3 adds ``winners_rule``: how projects with costs win (``greedy`` or
``equal-shares``), frozen like the rest. Records of /1 and /2 manifests still verify."""
FORMATS = ("parvis-manifest/1", "parvis-manifest/2", FORMAT)

SINGLE, APPROVAL, PLURALITY, KNAPSACK = "single", "approval", "plurality", "knapsack"
GREEDY, EQUAL_SHARES = "greedy", "equal-shares"
WINNERS_RULES = (GREEDY, EQUAL_SHARES)


def winners_rule(manifest: Mapping[str, object]) -> str:
    """How the manifest's projects win: ``greedy`` before format /3, which had no other rule."""
    rule = manifest.get("winners_rule", GREEDY) if manifest.get("format") in FORMATS[:2] else manifest["winners_rule"]
    if rule not in WINNERS_RULES:
        raise ValueError(f"unknown winners rule {rule!r}")
    if rule == EQUAL_SHARES and (manifest["rule"] not in (APPROVAL, KNAPSACK) or not manifest.get("envelope")):
        raise ValueError("equal shares needs a vote on projects and an envelope")
    return str(rule)


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def manifest_hash(manifest: Mapping[str, object]) -> str:
    """Hex SHA-256 of the manifest's canonical JSON."""
    return hashlib.sha256(canonical_json(manifest).encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class BallotShape:
    """How a ballot is laid out for the crypto layer.

    One 0/1 slot per option, in manifest order, plus a last ``blank`` slot
    when blank votes are allowed. The ballot's proofs show the number of
    options chosen lies in ``[min_choices, max_choices]``; with a blank slot
    they also show it is set exactly when nothing else is.
    """

    n_options: int
    min_choices: int
    max_choices: int
    blank: bool

    @property
    def n_slots(self) -> int:
        return self.n_options + (1 if self.blank else 0)


def ballot_shape(manifest: Mapping[str, object]) -> BallotShape:
    """Derive the ballot shape from the manifest's rule."""
    options = manifest["options"]
    if not isinstance(options, Sequence):
        raise ValueError("the manifest's options must be a list")
    count = len(options)
    rule = manifest["rule"]
    if rule == SINGLE:
        low, high = 1, 1
    elif rule == APPROVAL:
        low, high = 1, min(int(manifest["max_choices"]), count)  # type: ignore[arg-type]
    elif rule == PLURALITY:
        low, high = 1, min(int(manifest["seats"]), count)  # type: ignore[arg-type]
    elif rule == KNAPSACK:
        low, high = 1, count  # the envelope is checked at casting, recorded here
    else:
        raise ValueError(f"unknown rule {rule!r}")
    blank = bool(manifest["allow_blank"])
    return BallotShape(n_options=count, min_choices=low, max_choices=high, blank=blank)


def ballot_parameters(manifest: Mapping[str, object], context: str, public_key: Point) -> ContestParameters:
    """The crypto layer's parameters of a contest, as the server, the voter's device and the verifier derive them.

    Projects within an envelope carry their costs and the envelope, so each
    ballot proves it stays within it; manifests of format /1 predate that
    proof (the server then checked the envelope itself), so theirs do not.
    """
    shape = ballot_shape(manifest)
    budget: dict[str, object] = {}
    if manifest["rule"] == KNAPSACK and manifest.get("format") != "parvis-manifest/1":
        options = manifest["options"]
        budget = {"costs": tuple(int(o["cost"]) for o in options), "envelope": int(manifest["envelope"])}  # type: ignore
    return ContestParameters(
        public_key=public_key, n_options=shape.n_options, min_choices=shape.min_choices,
        max_choices=shape.max_choices, blank=shape.blank, context=context, **budget,  # type: ignore[arg-type]
    )


def choices_vector(shape: BallotShape, chosen_positions: set[int]) -> list[int]:
    """The 0/1 vector for these chosen option positions (empty set = blank ballot)."""
    vector = [1 if i in chosen_positions else 0 for i in range(shape.n_options)]
    if shape.blank:
        vector.append(0 if chosen_positions else 1)
    return vector
