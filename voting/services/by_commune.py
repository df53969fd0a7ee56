"""Results of a vote across communes: turnout and paper results per town, next to the overall figures.

A départemental roll holds a million electors: turnout by town is one
aggregate query over the roll (an index-only scan of ``(roll, commune,
polling_station)``) joined to this vote's participations, never a loop.
"""

from django.db import connection

from ..models import Contest, PaperResult, Participation, RollEntry, Voter
from ..stations import entries_q, split_key


def turnout_by_commune(contest: Contest) -> list[dict]:
    """Per commune of the roll: electorate, online and paper voters, total and percentage, in code order.

    Empty for a vote without a roll (verified residents); a single town's roll gives one row, commune ``""``.
    """
    if not contest.roll_id:
        return []
    entry, voter, participation = RollEntry._meta.db_table, Voter._meta.db_table, Participation._meta.db_table
    where, params = "e.roll_id = %s", [contest.roll_id]
    if contest.polling_stations:
        sql, station_params = _stations_sql(contest.polling_stations)
        where += f" AND ({sql})"
        params += station_params
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.commune, count(*), "
            f"count(p.id) FILTER (WHERE p.channel = %s), count(p.id) FILTER (WHERE p.channel = %s) "
            f"FROM {entry} e "
            f"LEFT JOIN {voter} v ON v.roll_entry_id = e.id AND v.contest_id = %s "
            f"LEFT JOIN {participation} p ON p.voter_id = v.id "
            f"WHERE {where} GROUP BY e.commune ORDER BY e.commune",
            [Participation.Channel.ONLINE, Participation.Channel.PAPER, contest.pk, *params],
        )
        rows = cursor.fetchall()
    return [
        {"commune": commune, "electorate": electorate, "online": online, "paper": paper, "total": online + paper,
         "percent": round(100 * (online + paper) / electorate, 1) if electorate else None}
        for commune, electorate, online, paper in rows
    ]


def _stations_sql(keys) -> tuple[str, list]:
    clauses, params = [], []
    for key in keys:
        commune, station = split_key(key)
        clauses.append("(e.commune = %s AND e.polling_station = %s)")
        params += [commune, station]
    return " OR ".join(clauses), params


def paper_by_commune(contest: Contest) -> dict[str, dict]:
    """Per commune: the paper counts of its stations added up (option id -> n, blank, invalid, stations)."""
    towns: dict[str, dict] = {}
    for result in PaperResult.objects.filter(contest=contest).order_by("polling_station"):
        commune = split_key(result.polling_station)[0]
        town = towns.setdefault(commune, {"counts": {}, "blank": 0, "invalid": 0, "stations": 0})
        for option, count in result.counts.items():
            town["counts"][option] = town["counts"].get(option, 0) + int(count)
        town["blank"] += result.blank
        town["invalid"] += result.invalid
        town["stations"] += 1
    return towns


def stations_of(contest: Contest, commune: str) -> list[str]:
    """A commune's station keys in this vote (for the per-town table's links)."""
    rows = RollEntry.objects.filter(roll=contest.roll, commune=commune)
    if contest.polling_stations:
        rows = rows.filter(entries_q(contest.polling_stations))
    return sorted({f"{commune}-{s}" if commune else s for s in rows.values_list("polling_station", flat=True).distinct()})
