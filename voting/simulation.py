"""Playing trustees' and voters' devices on the server, for the demo town and the tests only.

On a real vote every secret lives on a trustee's device and every choice is
encrypted on the voter's: the server never runs this module's code for
them. The demo loader uses it so the demo town has sealed, open and counted
votes without anyone at a keyboard, and the tests use it to reach each
phase. It goes through the same services, checks included, as real devices.
"""

import json
from pathlib import Path

from django.utils import timezone

from .crypto.dkg import TrusteeSecrets
from .models import Contest
from .services import casting, ceremony, counting
from .trustee import steps
from .trustee.keyfile import open_key_file
from .voter import encrypt_choice

DEMO_PASSPHRASE = "demo passphrase, never for a real vote"


def run_key_ceremony(contest: Contest, *, actor=None, key_files: Path | None = None) -> dict[int, TrusteeSecrets]:
    """Start (if need be) and finish the key ceremony as every trustee; return their secrets by index.

    ``key_files``: a folder where each trustee's key file is also written
    (sealed with :data:`DEMO_PASSPHRASE`), so the demo can be counted later.
    """
    if not contest.ceremony_hash:
        contest = ceremony.start_key_ceremony(contest=contest, actor=actor)
    secrets: dict[int, TrusteeSecrets] = {}
    trustees = list(contest.trustees.order_by("index"))
    for step in ("certificate", "polynomial", "check"):
        for trustee in trustees:
            trustee.refresh_from_db()
            task = ceremony.ceremony_task(trustee=trustee)
            assert task is not None and task["step"] == step, (trustee.index, task and task["step"], step)
            if step == "certificate":
                sealed, answer = steps.new_keys(task, DEMO_PASSPHRASE, iterations=1_000)
                secrets[trustee.index] = open_key_file(sealed, DEMO_PASSPHRASE)
                if key_files is not None:
                    key_files.mkdir(parents=True, exist_ok=True)
                    key_file_path(key_files, contest, trustee.index).write_text(json.dumps(sealed, indent=2))
            else:
                answer = steps.answer(task, secrets[trustee.index])
            ceremony.submit_ceremony_answer(trustee=trustee, user=trustee.user, answer=answer)
    contest.refresh_from_db()
    return secrets


def key_file_path(folder: Path, contest: Contest, index: int) -> Path:
    return folder / f"contest-{contest.pk}-trustee-{index}.json"


def load_secrets(contest: Contest, folder: Path) -> dict[int, TrusteeSecrets]:
    """The demo trustees' secrets, from the key files :func:`run_key_ceremony` wrote."""
    return {
        trustee.index: open_key_file(key_file_path(folder, contest, trustee.index).read_text(), DEMO_PASSPHRASE)
        for trustee in contest.trustees.order_by("index")
    }


def decrypt_as_trustees(contest: Contest, secrets: dict[int, TrusteeSecrets], *, indices=None, now=None) -> None:
    """After the close, the trustees numbered ``indices`` (default: the first k) decrypt the totals."""
    now = now or timezone.now()
    indices = indices or sorted(secrets)[: contest.threshold]
    for trustee in contest.trustees.filter(index__in=indices).order_by("index"):
        task = counting.decryption_task(trustee=trustee, now=now)
        counting.submit_partial_decryption(
            trustee=trustee, user=trustee.user, answer=steps.answer(task, secrets[trustee.index]), now=now
        )


def cast_as_device(*, contest: Contest, user, option_ids, now=None) -> str:
    """Encrypt a selection as the voter's device would, then cast it; return the tracker."""
    ballot, _choices, _nonces = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, option_ids)
    return casting.cast_ballot(contest=contest, user=user, payload=ballot.to_json(), now=now)
