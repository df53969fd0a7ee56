"""Counting by equal shares: the closed box shuffled with a proof, its ballots decrypted by the trustees.

The Method of Equal Shares needs each ballot's whole approval set, which the
totals cannot give. After the close the server folds each ballot into a few
ciphertexts, shuffles and re-encrypts them with a proof of shuffle
(:func:`mix_box`; the permutation and nonces are dropped at once), and the
trustees' devices decrypt the shuffled ciphertexts partially, with proofs,
along with the totals (:mod:`.counting`). The decrypted ballots can no longer
be tied to the box's rows. The steps shared with the verifier are in
:mod:`voting.mixnet`.
"""

import json

from django.db import transaction
from django.utils.translation import gettext as _

from ..crypto import PartialDecryption, ThresholdPublicKey, verify_partial_decryption
from ..crypto.errors import DecodeError
from ..crypto.folding import chunk_sizes, decrypt_folded, flatten
from ..crypto.shuffle import shuffle_and_prove
from ..crypto.shuffle_proof import ballots_from_list, ballots_to_list
from ..exceptions import InvalidAnswer, NotReady
from ..manifest import EQUAL_SHARES, ballot_shape, winners_rule
from ..mixnet import count_profile, fold_encoded, generator_seed, mix_context, option_profile, outcome_to_dict
from ..models import Contest, Mix
from .audit import log


def counts_by_equal_shares(contest: Contest) -> bool:
    """Whether the sealed manifest says projects win by equal shares."""
    return bool(contest.manifest) and winners_rule(contest.manifest) == EQUAL_SHARES


def answer_limit(contest: Contest) -> int:
    """Largest trustee answer accepted: an equal-shares decryption adds a factor and a proof per
    shuffled ciphertext (about 300 bytes, indented, for each of the ballots' w chunks)."""
    from .ceremony import MAX_ANSWER_BYTES

    if not counts_by_equal_shares(contest):
        return MAX_ANSWER_BYTES
    chunks = len(chunk_sizes(ballot_shape(contest.manifest).n_options))
    return MAX_ANSWER_BYTES + 400 * chunks * contest.ballot_count


def folded_box(contest: Contest) -> list:
    """The box's ballots in chain order, folded: the mix-net's input (anyone can recompute it)."""
    n_options = ballot_shape(contest.manifest).n_options
    payloads = contest.ballots.order_by("position").values_list("payload", flat=True)
    return fold_encoded([json.loads(payload) for payload in payloads.iterator(chunk_size=5000)], n_options)


def mix_box(*, contest: Contest) -> Mix:
    """Shuffle the closed box once, with its proof; later calls return the same mix.

    Runs under the contest's row lock, so two trustees asking at once get
    one mix. Raises NotReady while the box is not closed.
    """
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        existing = Mix.objects.filter(contest=contest).first()
        if existing is not None:
            return existing
        if contest.box_closed_at is None:
            raise NotReady(_("The ballots are shuffled once the ballot box is closed."))
        inputs = folded_box(contest)
        shuffled, proof = [], None
        if inputs:
            public = ThresholdPublicKey.from_dict(contest.public_key).public_key
            outputs, shuffle_proof = shuffle_and_prove(
                public, inputs, generator_seed=generator_seed(contest.manifest_hash, contest.head_hash),
                context=mix_context(contest.manifest_hash),
            )
            shuffled, proof = ballots_to_list(outputs), shuffle_proof.to_dict()
        mix = Mix.objects.create(contest=contest, shuffled=shuffled, proof=proof)
        log(contest=contest, action="mixed", ballots=len(shuffled))
    return mix


def shuffled_or_queued(contest: Contest) -> Mix:
    """The box's mix; if not made yet, queue it (a Celery worker takes seconds per thousand ballots,
    too long for a web request) and raise NotReady so the trustee comes back. Inline in development."""
    from .. import tasks

    mix = Mix.objects.filter(contest=contest).first()
    if mix is None:
        tasks.mix_box.delay(contest.pk)
        mix = Mix.objects.filter(contest=contest).first()  # done already when tasks run inline
    if mix is None:
        raise NotReady(_("The ballots are being shuffled before you decrypt them: come back in a few minutes."))
    return mix


def mix_task(contest: Contest, mix: Mix) -> dict:
    """What a trustee's device needs to check the shuffle before decrypting its output."""
    return {
        "inputs": ballots_to_list(folded_box(contest)),
        "outputs": mix.shuffled,
        "proof": mix.proof,
        "head_hash": contest.head_hash,
        "n_options": ballot_shape(contest.manifest).n_options,
    }


def _shuffled(mix: Mix) -> list:
    return ballots_from_list(mix.shuffled) if mix.shuffled else []


def checked_mix_decryption(*, contest: Contest, trustee_index: int, data: object) -> dict:
    """A trustee's partial decryption of the shuffled ballots, checked; InvalidAnswer otherwise."""
    mix = Mix.objects.get(contest=contest)
    try:
        partial = PartialDecryption.from_dict(data)
        public = ThresholdPublicKey.from_dict(contest.public_key)
        valid = partial.trustee == trustee_index and verify_partial_decryption(
            partial, public, flatten(_shuffled(mix)), mix_context(contest.manifest_hash)
        )
    except (DecodeError, KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise InvalidAnswer(_("The decryption of the shuffled ballots does not match your key and this vote's "
                              "shuffled ballots: nothing was recorded. Check you used your own key file."))
    return partial.to_dict()


def count_mix(contest: Contest) -> tuple[list[list[int]], dict]:
    """The approval profile (option ids, shuffled order) and the frozen rule's outcome."""
    mix = Mix.objects.get(contest=contest)
    shape = ballot_shape(contest.manifest)
    partials = [
        PartialDecryption.from_dict(data)
        for data in contest.trustees.exclude(mix_decryption=None).order_by("index").values_list("mix_decryption", flat=True)
    ]
    shuffled = _shuffled(mix)
    approvals = []
    if shuffled:
        public = ThresholdPublicKey.from_dict(contest.public_key)
        approvals = decrypt_folded(public, shuffled, partials, mix_context(contest.manifest_hash), shape.n_options)
    option_ids = [int(option["id"]) for option in contest.manifest["options"]]
    profile = option_profile(approvals, option_ids)
    return profile, outcome_to_dict(count_profile(contest.manifest, profile))
