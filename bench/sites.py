"""A town's pages on a platform of 2 sites and of 200 (a département's communes): the same queries, the same speed.

    .venv/bin/python bench/sites.py [--sites 200] [--requests 250] [--concurrency 16] [--workers 2] [--rounds 5]
                                    [--database parvis_bench_sites] [--election-day]

Steps: a fresh PostgreSQL database gets the migrations and the demo town
(``load_demo``, or ``--election-day``) on ``localhost``, then a second
collectivity's site (``territories.services.sites.create_site``: home and
starter pages, settings, collection, staff groups), so the host check is on;
a copy of it (``<database>_many``) then grows to ``--sites`` sites, one per
commune of a made-up département, each on its own ``*.localhost`` host name.
SQL queries of each page of ``bench/pages.py`` are counted in both (Django's
test client, page cache off, third request); then gunicorn serves one
database after the other with production settings, page cache off then on,
every request naming the demo town's host, and each page's share of
``/healthz`` (same host, same server run) is compared, as are the floor's
own requests per second (the host check and the sites' root paths are paid
by every request, the floor's too). The runs take turns (few, many, few,
many) so load from other processes falls on both alike.
Loopback only; every loop is bounded by a request count and a timeout.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import ROOT, database_url, production_env, queries_per_url, run_json  # noqa: E402
from bench.pages import PAGES, measure_pages, prepare  # noqa: E402

HOST = "localhost"  # the demo town's site
DEPARTEMENT = ("98", "Département de banc d'essai")  # no real département has this code


def step_grow(count: int) -> dict:
    """Sites up to ``count``: one per commune of the bench département (run in a Django-configured subprocess)."""
    import django

    django.setup()
    from wagtail.models import Site

    from territories.models import Territory
    from territories.services.sites import create_site

    Kind = Territory.Kind
    departement, _created = Territory.objects.get_or_create(
        kind=Kind.DEPARTEMENT, code=DEPARTEMENT[0], defaults={"name": DEPARTEMENT[1]})
    number, started = 0, time.perf_counter()
    while Site.objects.count() < count:
        number += 1
        code = f"{DEPARTEMENT[0]}{number:03d}"
        commune, _created = Territory.objects.get_or_create(
            kind=Kind.COMMUNE, code=code, defaults={"name": f"Commune {number}", "parent": departement})
        if commune.site_id is None:
            create_site(territory=commune, hostname=f"c{code}.localhost")
    return {"sites": Site.objects.count(), "seconds": round(time.perf_counter() - started, 1)}


def step_queries() -> dict:
    import django

    django.setup()
    return queries_per_url({name: path for name, path in PAGES.items() if path != "/healthz"}, host=HOST)


def copy_database(admin_url: str, source: str, target: str) -> None:
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"], check=True)
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {target} TEMPLATE {source}"], check=True)


def flush_cache(env: dict[str, str]) -> None:
    """Each server run starts with an empty Redis database (pages, routes, root paths of the other database)."""
    subprocess.run(["redis-cli", "-u", env["CELERY_BROKER_URL"], "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--requests", type=int, default=250, help="requests per URL and run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="parvis_bench_sites", help="throw-away database (and <name>_many)")
    parser.add_argument("--election-day", action="store_true", help="the election-day-sized demo town")
    parser.add_argument("--step", choices=["grow", "queries"], help=argparse.SUPPRESS)
    parser.add_argument("--arg", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step_grow(args.arg) if args.step == "grow" else step_queries()))
        return

    script = str(Path(__file__).relative_to(ROOT))
    many_db = f"{args.database}_many"
    envs = {}
    for label, name in (("2 sites", args.database), (f"{args.sites} sites", many_db)):
        envs[label] = production_env(database_url(args.admin_url, name), ALLOWED_HOSTS=".localhost,127.0.0.1")
    few, many = envs
    prepare(envs[few], args.admin_url, args.database, election_day=args.election_day)
    print("2 sites:", run_json(envs[few], [script, "--step", "grow", "--arg", "2"], timeout=600))
    copy_database(args.admin_url, args.database, many_db)
    print(f"{args.sites} sites:", run_json(envs[many], [script, "--step", "grow", "--arg", str(args.sites)],
                                          timeout=7200))
    try:
        queries = {}
        for label, env in envs.items():
            flush_cache(env)
            queries[label] = run_json({**env, "PAGE_CACHE_SECONDS": "0"}, [script, "--step", "queries"], timeout=300)
        shares: dict[tuple[str, str], dict] = {}
        floor: dict[tuple[str, str], list[float]] = {}
        for mode, seconds in (("cache off", "0"), ("cache on", "300")):
            for _turn in range(2):
                for label, env in envs.items():
                    flush_cache(env)
                    print(f"\n== {label}, {mode}", f"(load average {os.getloadavg()[0]:.2f})")
                    rates: dict[str, float] = {}
                    measured = measure_pages({**env, "PAGE_CACHE_SECONDS": seconds}, PAGES, workers=args.workers,
                                             requests=args.requests // 2, concurrency=args.concurrency,
                                             rounds=args.rounds, host=HOST, rates=rates)
                    previous = shares.setdefault((label, mode), {})
                    for name, share in measured.items():
                        previous.setdefault(name, []).append(share)
                    floor.setdefault((label, mode), []).append(rates[next(iter(PAGES))])
        report(envs, queries, shares, floor)
    finally:
        subprocess.run(["psql", args.admin_url, "-qc", f"DROP DATABASE IF EXISTS {many_db} WITH (FORCE)"], check=False)


def report(envs, queries, shares, floor) -> None:
    few, many = envs
    names = [name for name in PAGES if PAGES[name] != "/healthz"]
    print("\nSQL queries per page (page cache off) and share of the floor (mean of two runs each):")
    header = f"{'page':<14}{'queries':>14}"
    for mode in ("cache off", "cache on"):
        header += f"{mode + ' ' + few:>22}{mode + ' ' + many:>24}"
    print(header)
    for name in names:
        line = f"{name:<14}{queries[few][name]:>6} -> {queries[many][name]:<5}"
        for mode in ("cache off", "cache on"):
            for label in (few, many):
                values = shares[(label, mode)][name]
                line += f"{sum(values) / len(values):>{22 if label == few else 24}.3f}"
        flag = "" if queries[few][name] == queries[many][name] else "   <- grows with the sites!"
        print(line + flag)
    print("\nThe floor itself (/healthz req/s, each run):")
    for (label, mode), rates in floor.items():
        print(f"  {label:<10} {mode:<10} " + ", ".join(f"{rate:.0f}" for rate in rates))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
