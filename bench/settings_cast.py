"""Production settings plus the baseline view of ``bench/voting_cast.py`` (bench only).

Everything is ``parvis.settings.production`` (read from the environment);
only the root URLconf changes, to add ``POST /bench/insert`` and its two
signed-in twins (``/bench/insert-signed-in``, ``/bench/insert-verified/<pk>``,
see ``bench/urls_cast.py``) in front of the site's own URLs.
"""

from parvis.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls_cast"
