"""A départemental roll: import time and peak memory at 120k, 600k and 1.2M electors, and turnout by town.

    .venv/bin/python bench/territory_roll.py [--sizes 120000,600000,1200000] [--communes 300]
                                             [--turnout 0.3] [--keep-db]

Method. A throw-away PostgreSQL database (``parvis_bench_territory``,
production settings) holds a département (49) with ``--communes`` communes
in two intercommunalities, and the département's site (``create_site``), so
the roll's communes are checked against its territory as in production.
For each size a roll CSV is generated into a temporary directory in the
national register's extract layout (26 columns, "Code de la commune"
naming each elector's commune, communes of uneven sizes as in a real
département: a few towns, many villages). Each step runs in its own
subprocess, so ``ru_maxrss`` (peak RSS) is that step's alone:

* baseline: plain ``csv.reader`` over the same file, counting rows;
* ``import_roll`` of the file into a new roll of the département's site
  (the file first stored in private storage, not timed): rows/s, peak RSS
  and its growth during the import; flat memory means the growth does not
  depend on the size;
* turnout by town: a contest on the roll, ``--turnout`` of the electors
  given a voter record and a participation (online or paper) by SQL (not
  timed), then ``voting.services.by_commune.turnout_by_commune`` timed
  (best of 3; the issue asks for under 5 s at 1.2M electors), against the
  baseline of one ``count(*)`` of the roll's entries, with the query plan's
  top line.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    ADMIN_URL,
    create_database,
    database_url,
    drop_database,
    migrate,
    peak_rss_mib,
    production_env,
    run_json,
)
from bench.roll_import import FAMILY, GIVEN, REU_HEADER, STREETS  # noqa: E402

DATABASE = "parvis_bench_territory"
SIRENS = ("244900015", "200060127")  # Luhn-valid


def commune_codes(count: int) -> list[str]:
    return [f"49{n:03d}" for n in range(1, count + 1)]


def write_roll(path: Path, rows: int, communes: list[str], seed: int) -> int:
    """A départemental REU extract of ``rows`` electors; communes weighted 1/rank (a few towns, many villages)."""
    rng = random.Random(seed)
    weights = [1 / rank for rank in range(1, len(communes) + 1)]
    origin, span = date(1925, 1, 1), (date(2008, 12, 31) - date(1925, 1, 1)).days
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(REU_HEADER)
        for order, commune in enumerate(rng.choices(communes, weights=weights, k=rows)):
            station = f"{rng.randrange(1, 12):04d}"
            number, street = str(rng.randrange(1, 250)), rng.choice(STREETS)
            writer.writerow([
                "49", "MAINE-ET-LOIRE", commune, f"Commune {commune}", station, f"Bureau {station}", order + 1, "LP",
                rng.choice(FAMILY), "", rng.choice(GIVEN), rng.choice("FM"),
                (origin + timedelta(days=rng.randrange(span))).strftime("%d/%m/%Y"), "49007", "", "99100", "FRANCE",
                "Française", number, street, "", "", "", "49000", f"COMMUNE {commune}", "FRANCE",
            ])
    return path.stat().st_size


# --------------------------------------------------------------------------- steps (subprocesses)


def step_setup(args) -> dict:
    import django

    django.setup()
    from territories.models import Territory
    from territories.services.sites import create_site

    Kind = Territory.Kind
    dep = Territory.objects.create(kind=Kind.DEPARTEMENT, code="49", name="Maine-et-Loire")
    epcis = [Territory.objects.create(kind=Kind.INTERCOMMUNALITY, code=siren, name=f"EPCI {siren}", parent=dep)
             for siren in SIRENS]
    Territory.objects.bulk_create(
        Territory(kind=Kind.COMMUNE, code=code, name=f"Commune {code}", parent=epcis[n % 2])
        for n, code in enumerate(commune_codes(args.communes)))
    site = create_site(territory=dep, hostname="departement.localhost")
    return {"site": site.pk}


def step_csv(args) -> dict:
    start_rss = peak_rss_mib()
    start = time.perf_counter()
    rows = 0
    with open(args.csv, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for _row in reader:
            rows += 1
    return {"rows": rows, "seconds": time.perf_counter() - start, "peak": peak_rss_mib(),
            "growth": peak_rss_mib() - start_rss}


def step_import(args) -> dict:
    import django

    django.setup()
    from django.core.files import File

    from voting.models import RollEntry, VoterRoll
    from voting.services.roll import import_roll

    roll = VoterRoll.objects.create(name=f"Liste départementale {args.rows}", site_id=args.site)
    with open(args.csv, "rb") as handle:
        roll.source_file.save("liste.csv", File(handle), save=True)
    start_rss = peak_rss_mib()
    start = time.perf_counter()
    roll = import_roll(roll=roll)
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    if roll.status != VoterRoll.Status.READY or roll.rows_total != args.rows:
        raise SystemExit(f"import failed: status {roll.status}, errors {roll.errors[:3]}")
    communes = RollEntry.objects.filter(roll=roll).values("commune").distinct().count()
    return {"roll": roll.pk, "seconds": seconds, "peak": peak, "growth": peak - start_rss, "communes": communes}


def step_turnout(args) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from voting.models import Contest, Participation, RollEntry, Voter
    from voting.services.by_commune import turnout_by_commune

    now = timezone.now()
    contest = Contest.objects.create(title="Consultation départementale", question="?", roll_id=args.roll,
                                     site_id=args.site, opens_at=now, closes_at=now + timedelta(days=1),
                                     proclaims_at=now + timedelta(days=2))
    entry, voter, participation = RollEntry._meta.db_table, Voter._meta.db_table, Participation._meta.db_table
    per_mille = int(args.turnout * 1000)
    with connection.cursor() as cursor:  # the voters, by SQL: not timed
        cursor.execute(f"INSERT INTO {voter} (id, contest_id, roll_entry_id) SELECT gen_random_uuid(), %s, id "
                       f"FROM {entry} WHERE roll_id = %s AND id %% 1000 < %s", [contest.pk, args.roll, per_mille])
        cursor.execute(f"INSERT INTO {participation} (id, contest_id, voter_id, channel) SELECT gen_random_uuid(), "
                       f"contest_id, id, CASE WHEN random() < 0.7 THEN 'online' ELSE 'paper' END FROM {voter} "
                       "WHERE contest_id = %s", [contest.pk])
        for table in (entry, voter, participation):  # fresh statistics, as autovacuum would soon give
            cursor.execute(f"VACUUM ANALYZE {table}")
    timings, rows = [], []
    for _attempt in range(3):
        start = time.perf_counter()
        rows = turnout_by_commune(contest)
        timings.append(time.perf_counter() - start)
    baseline = []
    for _attempt in range(3):
        start = time.perf_counter()
        RollEntry.objects.filter(roll_id=args.roll).count()
        baseline.append(time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT e.commune, count(*), count(p.id) FROM {entry} e LEFT JOIN {voter} v "
                       f"ON v.roll_entry_id = e.id AND v.contest_id = %s LEFT JOIN {participation} p ON p.voter_id = v.id "
                       "WHERE e.roll_id = %s GROUP BY e.commune", [contest.pk, args.roll])
        plan = [line for (line,) in cursor.fetchall()]
    return {"seconds": min(timings), "baseline": min(baseline), "towns": len(rows),
            "voters": sum(row["total"] for row in rows), "electorate": sum(row["electorate"] for row in rows),
            "plan": " / ".join(line.strip() for line in plan[:4])}


def step_clear(_args) -> dict:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE voting_participation, voting_voter, voting_contest, voting_rollentry, "
                       "voting_voterroll CASCADE")
    return {}


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="120000,600000,1200000")
    parser.add_argument("--communes", type=int, default=300)
    parser.add_argument("--turnout", type=float, default=0.3)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--step", choices=["setup", "csv", "import", "turnout", "clear"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--roll", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--site", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps = {"setup": step_setup, "csv": step_csv, "import": step_import, "turnout": step_turnout,
                 "clear": step_clear}
        print(json.dumps(steps[args.step](args)))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    if any(not 1 <= s <= 10_000_000 for s in sizes) or not 2 <= args.communes <= 999 or not 0 < args.turnout <= 1:
        parser.error("sizes in [1, 10,000,000], communes in [2, 999], turnout in (0, 1]")
    work = Path(tempfile.mkdtemp(prefix="parvis_bench_territory_"))
    private = work / "private"
    private.mkdir()
    env = production_env(database_url(args.admin_url, DATABASE), PRIVATE_ROOT=str(private))
    create_database(args.admin_url, DATABASE)
    me = str(Path(__file__).resolve())
    try:
        migrate(env)
        site = run_json(env, [me, "--step", "setup", "--communes", str(args.communes)], timeout=600)["site"]
        print(f"département 49, {args.communes} communes, REU layout; each step in its own process; "
              "peak = ru_maxrss, growth = peak during the timed step minus RSS before it")
        print(f"{'electors':>10}  {'step':<30}{'seconds':>9}{'rows/s':>10}{'cost':>8}{'peak MiB':>10}{'growth MiB':>12}")
        summary = []
        for size in sizes:
            path = work / f"roll_{size}.csv"
            start = time.perf_counter()
            nbytes = write_roll(path, size, commune_codes(args.communes), seed=size)
            print(f"{size:>10,}  (generated {nbytes / 2**20:.0f} MiB in {time.perf_counter() - start:.1f} s)")
            common = ["--csv", str(path), "--rows", str(size)]
            base = run_json(env, [me, "--step", "csv", *common], timeout=3600)
            base_rate = size / base["seconds"]
            print(f"{size:>10,}  {'csv.reader (baseline)':<30}{base['seconds']:>9.2f}{base_rate:>10,.0f}{'1.0x':>8}"
                  f"{base['peak']:>10.0f}{base['growth']:>12.0f}")
            imported = run_json(env, [me, "--step", "import", *common, "--site", str(site)], timeout=7200)
            rate = size / imported["seconds"]
            print(f"{size:>10,}  {'import_roll (départemental)':<30}{imported['seconds']:>9.2f}{rate:>10,.0f}"
                  f"{base_rate / rate:>7.1f}x{imported['peak']:>10.0f}{imported['growth']:>12.0f}"
                  f"   {imported['communes']} communes")
            path.unlink()
            turnout = run_json(env, [me, "--step", "turnout", "--roll", str(imported["roll"]), "--site", str(site),
                                     "--turnout", str(args.turnout)], timeout=3600)
            print(f"{size:>10,}  {'turnout_by_commune':<30}{turnout['seconds']:>9.2f}{'':>10}"
                  f"{turnout['seconds'] / turnout['baseline']:>7.1f}x   {turnout['towns']} towns, "
                  f"{turnout['voters']:,} voters of {turnout['electorate']:,} (baseline: count(*) of the roll, "
                  f"{turnout['baseline']:.2f} s)")
            print(f"{'':>12}plan: {turnout['plan']}")
            summary.append((size, imported["peak"], imported["growth"], imported["seconds"], turnout["seconds"]))
            run_json(env, [me, "--step", "clear"], timeout=600)
        small, large = summary[0], summary[-1]
        print(f"\nelectors x{large[0] / small[0]:.0f} ({small[0]:,} -> {large[0]:,}): import {small[3]:.1f} -> "
              f"{large[3]:.1f} s, peak RSS {small[1]:.0f} -> {large[1]:.0f} MiB (growth {small[2]:.0f} -> "
              f"{large[2]:.0f} MiB); turnout by town {small[4]:.2f} -> {large[4]:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.keep_db:
            print(f"kept database {DATABASE}")
        else:
            drop_database(args.admin_url, DATABASE)


if __name__ == "__main__":
    main()
