"""Polling stations across communes: a station is the pair (commune, number).

Communes number their stations from 1 each, so a départemental roll holds many
"station 001". A station is therefore named by its *key*: ``"49050-001"`` on
a roll with communes, plain ``"001"`` on a single town's roll (whose entries
have no commune). Keys are what paper day's URLs, paper results and a
contest's ``polling_stations`` hold; a plain key in ``polling_stations``
matches that station number in any commune of the roll.
"""

import re

from django.db.models import Q

from .normalize import code_key

_KEYED = re.compile(r"^(\d[\dAB]\d{3})-(.+)$")


def station_key(commune: str, station: str) -> str:
    return f"{commune}-{station}" if commune else station


def split_key(key: str) -> tuple[str, str]:
    """``"49050-001"`` -> ``("49050", "001")``; ``"001"`` -> ``("", "001")``."""
    key = code_key(key)
    match = _KEYED.match(key)
    return (match[1], match[2]) if match else ("", key)


def entries_q(keys, prefix: str = "") -> Q:
    """Roll entries of these stations (``prefix``: the path to the entry, e.g. ``"voter__roll_entry__"``)."""
    query = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for key in keys:
        commune, station = split_key(key)
        # A plain key ("001") names the station in whatever commune: a single town's roll may still carry
        # its commune's code (REU extracts do), and its votes list stations by number.
        where = {f"{prefix}commune": commune} if commune else {}
        query |= Q(**where, **{f"{prefix}polling_station": station})
    return query
