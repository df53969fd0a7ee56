"""Serve the demo site like production and measure its pages against a trivial view.

    .venv/bin/python bench/pages.py [--election-day] [--requests 400] [--concurrency 16] [--workers 2] [--rounds 5]
                                    [--database parvis_bench]

Steps: a fresh PostgreSQL database (``parvis_bench``) gets the migrations and
the demo town (``--election-day``: ``load_demo --election-day``, 8 councils,
135 candidates, 500 ideas, 500 missions, 200 articles); SQL queries per page
are counted with Django's test client under the same settings, page cache off
(second request, what is kept between requests warm); then gunicorn serves
it with ``parvis.settings.production`` (DEBUG off, Redis cache, WhiteNoise)
three times: anonymous visitors with the page cache on, with it off, and a
signed-in resident (page cache on, which they bypass). A thread pool of
keep-alive HTTP clients sends the same number of requests to each URL, the
URLs taking turns over ``--rounds`` rounds (load from other processes then
falls on all of them alike).
``/healthz`` is the floor, measured in each of the three runs: the cost of
Django + gunicorn for an empty response; each page's share of the floor is
its rate divided by the floor's (1.0: as cheap as the trivial view).
Loopback only; every loop is bounded by a request count and a timeout.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (  # noqa: E402
    ROOT, create_database, database_url, drop_database, free_port, migrate, production_env, queries_per_url, run_json,
)

PAGES = {
    "healthz (baseline)": "/healthz",
    "home": "/",
    "article": "/comprendre/voter-en-ligne-est-ce-sur/",
    "council": "/conseils-de-quartier/centre-ville/",
    "budget": "/budget-participatif/",
    "election": "/consultations/elections-conseils-2027/",
    "volunteering": "/benevolat/",
}


def step_queries() -> dict:
    """SQL queries per page (run in a Django-configured subprocess with the benchmark's settings)."""
    import django

    django.setup()
    return queries_per_url({name: path for name, path in PAGES.items() if path != "/healthz"})


def step_session() -> dict:
    """A signed-in resident's session cookie (run in a Django-configured subprocess)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from bench._support import cookie_names, login_sessions

    user, _created = get_user_model().objects.get_or_create(username="bench-resident",
                                                           defaults={"email": "bench-resident@parvis.localhost"})
    session = login_sessions([user])[0]
    return {"cookie": f"{cookie_names()['session_cookie']}={session['session']}"}


def prepare(env: dict[str, str], admin_url: str, database: str, *, election_day: bool = False) -> None:
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {database}"], check=True)
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {database}"], check=True)
    demo = ["load_demo", "--election-day"] if election_day else ["load_demo"]
    for command in (["migrate", "--noinput", "-v0"], demo, ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fetch_many(port: int, path: str, count: int, concurrency: int, headers=None,
               host: str = "127.0.0.1") -> tuple[float, list[float]]:
    """Send ``count`` GETs over ``concurrency`` keep-alive connections; return (seconds, latencies)."""

    def worker(share: int) -> list[float]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies = []
        for _ in range(share):
            start = time.perf_counter()
            connection.request("GET", path, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            latencies.append(time.perf_counter() - start)
        connection.close()
        return latencies

    shares = [count // concurrency + (1 if i < count % concurrency else 0) for i in range(concurrency)]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = [latency for result in pool.map(worker, shares) for latency in result]
    return time.perf_counter() - start, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="URLs take turns this many times (shared machines)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="parvis_bench", help="throw-away database (dropped and created)")
    parser.add_argument("--election-day", action="store_true", help="the election-day-sized demo town")
    parser.add_argument("--step", choices=["queries", "session"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step_queries() if args.step == "queries" else step_session()))
        return

    env = production_env(database_url(args.admin_url, args.database))
    prepare(env, args.admin_url, args.database, election_day=args.election_day)
    script = str(Path(__file__).relative_to(ROOT))
    uncached = {**env, "PAGE_CACHE_SECONDS": "0"}
    queries = run_json(uncached, [script, "--step", "queries"], timeout=300)
    print("SQL queries per page, page cache off: " + ", ".join(f"{name} {count}" for name, count in queries.items()))
    cookie = run_json(env, [script, "--step", "session"], timeout=300)["cookie"]

    shares = {}
    for mode, mode_env, headers in (("anonymous, cache on", env, None), ("anonymous, cache off", uncached, None),
                                    ("signed-in resident", env, {"Cookie": cookie})):
        print(f"\n== {mode}")
        shares[mode] = measure_pages(mode_env, PAGES, workers=args.workers, requests=args.requests,
                                     concurrency=args.concurrency, headers=headers, rounds=args.rounds)
    names = [name for name in PAGES if PAGES[name] != "/healthz"]
    print("\nShare of the floor (page req/s / healthz req/s, same server run):")
    print(f"{'page':<14}" + "".join(f"{mode:>22}" for mode in shares) + f"{'queries (off)':>15}")
    for name in names:
        print(f"{name:<14}" + "".join(f"{shares[mode][name]:>22.3f}" for mode in shares) + f"{queries[name]:>15}")


def measure_pages(env: dict[str, str], pages: dict[str, str], *, workers: int, requests: int, concurrency: int,
                  headers=None, rounds: int = 1, host: str = "127.0.0.1", rates: dict | None = None) -> dict[str, float]:
    """Serve with gunicorn and print each URL's throughput and latency; the first URL is the baseline.

    Returns each URL's rate as a share of the baseline's (``headers`` go with every request but the baseline's;
    every request names ``host``); ``rates``, if given, receives each URL's requests per second.
    """
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "parvis.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch_many(port, "/healthz", 1, 1, host=host)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for path in pages.values():  # warm caches and renditions
            fetch_many(port, path, 20, 2, headers, host=host)

        width = max(len(name) for name in pages) + 2
        print(f"gunicorn {workers} workers, {concurrency} clients, {requests} requests per URL in {rounds} rounds")
        print(f"{'URL':<{width}}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}{'cost vs baseline':>18}")
        # URLs take turns, a share of their requests each round: a burst of load from another process on a
        # shared machine then weighs on every URL alike instead of on whichever was being measured.
        spent = {name: 0.0 for name in pages}
        latencies: dict[str, list[float]] = {name: [] for name in pages}
        for round_number in range(rounds):
            share = requests // rounds + (1 if round_number < requests % rounds else 0)
            for position, (name, path) in enumerate(pages.items()):
                seconds, measured = fetch_many(port, path, share, concurrency, headers if position else None, host=host)
                spent[name] += seconds
                latencies[name] += measured
        baseline = None
        shares = {}
        for name in pages:
            rate = len(latencies[name]) / spent[name]
            baseline = baseline or rate
            shares[name] = rate / baseline
            if rates is not None:
                rates[name] = rate
            p95 = statistics.quantiles(latencies[name], n=20)[-1]
            print(f"{name:<{width}}{rate:>9.0f}{statistics.median(latencies[name]) * 1000:>11.1f}"
                  f"{p95 * 1000:>9.1f}{baseline / rate:>17.1f}x")
        return shares
    finally:
        server.terminate()
        server.wait(timeout=30)

if __name__ == "__main__":
    os.chdir(ROOT)
    main()


def seeded_page_benchmark(
    script: str, *, admin_url: str, database: str, sizes: tuple[int, int], noun: str, page_key: str, urls,
    workers: int, requests: int, concurrency: int,
) -> None:
    """The run shared by the budget and volunteering page benchmarks.

    A fresh database gets the demo town; ``script --step seed --arg N``
    brings it to N ``noun`` and returns ``{noun: count, page_key: value}``;
    ``script --step queries --arg value`` counts the SQL queries of each
    page, first at the small size then at the large one (they must not
    grow); then each page of ``urls(value)`` is measured against /healthz.
    """
    env = production_env(database_url(admin_url, database))
    create_database(admin_url, database)
    try:
        migrate(env)
        for command in (["load_demo"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        counts = []
        for size in sizes:
            seeded = run_json(env, [script, "--step", "seed", "--arg", str(size)], timeout=300)
            counts.append(run_json(env, [script, "--step", "queries", "--arg", str(seeded[page_key])], timeout=300))
        few, many = counts
        print(f"SQL queries per page (warm caches): {sizes[0]} {noun} -> {seeded[noun]} {noun}")
        width = max(len(name) for name in few) + 2
        for name in few:
            flag = "" if few[name] == many[name] else f"   <- grows with the {noun}!"
            print(f"  {name:<{width}}{few[name]:>4} -> {many[name]:<4}{flag}")
        measure_pages(env, urls(seeded[page_key]), workers=workers, requests=requests, concurrency=concurrency)
    finally:
        drop_database(admin_url, database)
