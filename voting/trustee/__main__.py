"""``python -m voting.trustee TASK --key KEY``: a trustee's step, done offline.

Download the task from your trustee page ("Download the task file"), carry
it to the machine that holds your key file, run this, carry the answer back
and upload it on the same page. The first step (``certificate``) creates the
key file; keep it and its passphrase safe until the results are proclaimed.

Exit status: 0 done, 1 refused (the message says why), 2 unreadable input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from . import keyfile, steps


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    passphrase = getpass.getpass("Passphrase of your key file: ")
    if confirm and getpass.getpass("Type it again: ") != passphrase:
        raise steps.TaskError("the two passphrases differ")
    return passphrase


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voting.trustee", description=__doc__.split("\n\n")[0])
    parser.add_argument("task", type=Path, help="the task file downloaded from your trustee page")
    parser.add_argument("--key", type=Path, required=True, help="your key file (created at the first step)")
    parser.add_argument("--out", type=Path, help="where to write the answer (default: answer-<step>.json)")
    parser.add_argument("--passphrase-file", help="read the passphrase from this file instead of asking")
    args = parser.parse_args(argv)
    try:
        task = json.loads(args.task.read_text(encoding="utf-8"))
        step = task["step"]
    except (OSError, ValueError, TypeError, KeyError) as error:
        print(f"Cannot read the task file: {error}", file=sys.stderr)
        return 2
    out = args.out or args.task.with_name(f"answer-{step}.json")
    try:
        if step == "certificate":
            if args.key.exists():
                raise steps.TaskError(f"{args.key} exists already: choose another name, never overwrite a key file")
            sealed, answer = steps.new_keys(task, _passphrase(args, confirm=True))
            args.key.write_text(json.dumps(sealed, indent=2), encoding="utf-8")
            print(f"Key file written to {args.key}: keep it, with its passphrase, until the results are proclaimed.")
        else:
            try:
                document = args.key.read_text(encoding="utf-8")
            except OSError as error:
                print(f"Cannot read the key file: {error}", file=sys.stderr)
                return 2
            keyfile.read_header(document, ceremony=task.get("ceremony"), trustee=task.get("trustee"))
            secrets = keyfile.open_key_file(document, _passphrase(args, confirm=False), ceremony=task.get("ceremony"))
            answer = steps.answer(task, secrets)
    except (steps.TaskError, keyfile.KeyFileError) as error:
        print(f"Refused: {error}.", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        print("Refused: the task file is malformed; download it again from your trustee page.", file=sys.stderr)
        return 1
    out.write_text(json.dumps(answer, indent=2), encoding="utf-8")
    what = "a complaint: upload it, the officer will be told who sent a wrong share" if "complaint" in answer else step
    print(f"Answer ({what}) written to {out}: upload it on your trustee page.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
