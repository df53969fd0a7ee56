"""Record pabutools' equal-shares winners for the .pb files beside this script (expected.json).

Run from the repository root with pabutools installed (the test extra):
    python tests/voting/pabulib/expected.py
pabutools' Method of Equal Shares with cost utilities and voter_budget_increment=1
(the add1 completion), then its greedy utilitarian completion, with Parvis' tie-break
(most votes, then lower cost, then lower id); projects nobody voted for are left out,
as Parvis never funds them. It takes a few minutes: the test reads the result.
"""

import json
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.voting.pabutools_reference import pabutools_winners  # noqa: E402
from voting.rules.pabulib import read_pb  # noqa: E402

files = {}
for path in sorted(HERE.glob("*.pb")):
    election = read_pb(path.read_text(encoding="utf-8"))
    files[path.name] = pabutools_winners(election.costs, election.ballots, election.budget)
    print(path.name, len(files[path.name]), "winners", flush=True)
(HERE / "expected.json").write_text(json.dumps({"pabutools": version("pabutools"), "files": files}, indent=1) + "\n")
