"""Results of a vote across communes: turnout and paper results per town, next to the overall figures.

A départemental roll holds a million electors: turnout by town is one
aggregate query over the roll (an index-only scan of ``(roll, commune,
polling_station)``) joined to this vote's participations, never a loop.
"""

from django.db import connection
from wagtail import hooks

from ..groups import OTHER
from ..models import Contest, PaperResult, Participation, Result, RollEntry, Voter
from ..stations import split_key
from . import areas


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
        if commune:
            clauses.append("(e.commune = %s AND e.polling_station = %s)")
            params += [commune, station]
        else:  # a plain station number, in whatever commune (as voting.stations.entries_q)
            clauses.append("e.polling_station = %s")
            params.append(station)
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


def results_by_commune(contest: Contest) -> list[dict]:
    """The proclaimed result per group of communes: each commune counted apart, small ones together.

    Each row: ``name`` (a commune code, or ``"other"``), ``label`` (the commune's name), ``communes``,
    turnout figures, and per option the online (decrypted for that group only), paper and total votes.
    Empty for a vote counted as a whole. The rows add up to the overall result.
    """
    result = Result.objects.filter(contest=contest).first()
    if result is None or not result.groups:
        return []
    turnout = {row["commune"]: row for row in turnout_by_commune(contest)}
    paper = paper_by_commune(contest)
    names = commune_names([code for group in result.groups for code in group["communes"]])
    rows = []
    for group in result.groups:
        communes = group["communes"]
        row = {"name": group["name"], "communes": communes, "other": group["name"] == OTHER,
               "label": names.get(group["name"], group["name"]) if group["name"] != OTHER else "",
               "electorate": sum(turnout.get(c, {}).get("electorate", 0) for c in communes),
               # Without a roll (a residents' vote) there is no electorate: its online voters only.
               "voters": (sum(turnout.get(c, {}).get("total", 0) for c in communes) if turnout
                          else group["ballots"]), "options": []}
        row["percent"] = round(100 * row["voters"] / row["electorate"], 1) if row["electorate"] else None
        for option in contest.manifest["options"]:
            key = str(option["id"])
            online = group["counts"].get(key, 0)
            on_paper = sum(paper.get(c, {}).get("counts", {}).get(key, 0) for c in communes)
            row["options"].append({"label": option["label"], "online": online, "paper": on_paper,
                                   "total": online + on_paper})
        row["blank"] = group["blank"] + sum(paper.get(c, {}).get("blank", 0) for c in communes)
        rows.append(row)
    return rows


def commune_names(codes) -> dict[str, str]:
    """Commune code -> name, from the registered hooks (none: the codes stand for themselves)."""
    names: dict[str, str] = {}
    for provider in hooks.get_hooks(areas.COMMUNE_NAMES_HOOK):
        names.update(provider(list(codes)) or {})
    return names
