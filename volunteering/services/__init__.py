"""The volunteering space's rules, as plain functions called by views, blocks, admin and tasks.

Every function takes keyword-only arguments and, where time matters, a
``now`` (default: the current time). Refusals raise
:mod:`volunteering.exceptions` errors whose messages are shown as they are;
whenever one is raised nothing has been saved.

E-mails about an offer or an association leave in Celery tasks after the
commit (:mod:`.emails`). The rules are split by job into the modules of this
package; every function is importable from ``volunteering.services`` as before.
"""

from .associations import *  # noqa: F401,F403
from .emails import *  # noqa: F401,F403
from .missions import *  # noqa: F401,F403
from .offers import *  # noqa: F401,F403
from .residents import *  # noqa: F401,F403
