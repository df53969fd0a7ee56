"""The voter's device, in Python: the reference twin of ``voting/static/voting/js/crypto.js``.

Given a sealed contest's manifest, its hash and the election key, it turns
chosen option ids into an encrypted ballot with its proofs, exactly as the
browser does. The server never runs it on a real voter's choice; the demo
loader, the tests and the benchmarks use it to play voters. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .crypto import Ballot, ThresholdPublicKey, encrypt_ballot_with_nonces
from .manifest import ballot_parameters, ballot_shape, choices_vector


def choices_for(manifest: Mapping[str, object], option_ids: Iterable[int]) -> list[int]:
    """The 0/1 vector of a selection (no id = blank); ValueError for an id not in the manifest."""
    positions = {option["id"]: index for index, option in enumerate(manifest["options"])}  # type: ignore[union-attr]
    chosen = set()
    for option_id in option_ids:
        if option_id not in positions:
            raise ValueError(f"option {option_id!r} is not in this contest")
        chosen.add(positions[option_id])
    return choices_vector(ballot_shape(manifest), chosen)


def encrypt_choice(manifest: Mapping[str, object], manifest_hash: str, public_key: Mapping[str, object],
                   option_ids: Iterable[int]) -> tuple[Ballot, list[int], list[int]]:
    """Encrypt a selection: (ballot, choices vector, nonces). ValueError if the rules forbid it."""
    key = ThresholdPublicKey.from_dict(public_key).public_key
    choices = choices_for(manifest, option_ids)
    ballot, nonces = encrypt_ballot_with_nonces(ballot_parameters(manifest, manifest_hash, key), choices)
    return ballot, choices, nonces
