"""The participatory budget's rules, as plain functions called by views, blocks, admin and tasks.

Every function takes keyword-only arguments and, where time matters, a
``now`` (default: the current time), so phase boundaries are testable
exactly. Refusals raise :mod:`budget.exceptions` errors whose messages are
shown as they are; whenever one is raised nothing has been saved.

The finalist vote is a contest of the ballot engine (``voting``), created
and sealed here through its models and services: one option per finalist,
``Option.reference`` holding the idea's id.

The rules are split by job into the modules of this package; every
function is importable from ``budget.services`` as before.
"""

from .announcements import *  # noqa: F401,F403
from .finalists import *  # noqa: F401,F403
from .formatting import *  # noqa: F401,F403
from .ideas import *  # noqa: F401,F403
from .notices import *  # noqa: F401,F403
from .residents import *  # noqa: F401,F403
from .results import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403
