"""Where an uncached page's time goes: each page of ``bench/pages.py`` rendered in-process, profiled.

    DJANGO_SETTINGS_MODULE=parvis.settings.production DATABASE_URL=... PAGE_CACHE_SECONDS=0 \\
        .venv/bin/python bench/profile_pages.py [--repeat 20] [--signed-in] [--top 25] [--page home]

Run against a database ``bench/pages.py`` prepared (or ``load_demo
--election-day``). Each page is fetched with Django's test client twice
(caches warm, as in a running server), then ``--repeat`` times under
cProfile; prints milliseconds per page and, per page, the functions with
the most cumulative time among ours, Django's templates, Wagtail's blocks,
images and rich text, and the database driver. ``--signed-in`` fetches as a
resident (the page cache does not serve them).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# What is worth reading in a profile: our code, templates, blocks, images, rich text, SQL.
INTERESTING = ("/wt", "/work/main/", "template/", "wagtail/blocks", "wagtail/images", "wagtail/rich_text",
               "wagtail/contrib/settings", "psycopg", "django/db/models/sql", "django/utils/translation",
               "django/urls", "wagtail/models")


def report(profile, *, repeat: int, top: int) -> str:
    """The ``top`` functions by cumulative time per page, leaving out the request's outer layers.

    Middleware and the template engine's own recursion wrap everything; a
    line is kept when it spends less than 60 % of the page (what it does is
    then visible) and belongs to code worth reading (``INTERESTING``).
    """
    stats = pstats.Stats(profile, stream=io.StringIO()).stats
    total = max(cumulative for (_calls, _n, _tottime, cumulative, _callers) in stats.values())
    rows = []
    for (filename, line, function), (_calls, count, tottime, cumulative, _callers) in stats.items():
        if cumulative < 0.6 * total and any(part in filename for part in INTERESTING):
            where = filename.split("site-packages/")[-1].replace("/work/wt17/", "")
            rows.append((cumulative, tottime, count, f"{where}:{line}({function})"))
    rows.sort(reverse=True)
    lines = [f"{'ms/page cum':>12}{'ms/page own':>12}{'calls/page':>11}  function"]
    for cumulative, tottime, count, label in rows[:top]:
        lines.append(f"{cumulative / repeat * 1000:>12.2f}{tottime / repeat * 1000:>12.2f}{count / repeat:>11.0f}  {label}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--page", action="append", help="only these pages (names of bench/pages.py)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import PAGES

    client = Client()
    if args.signed_in:
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(username="bench-resident",
                                                         defaults={"email": "bench-resident@parvis.localhost"})
        client.force_login(user)
    pages = {name: path for name, path in PAGES.items() if not args.page or name in args.page}
    summary = []
    for name, path in pages.items():
        for _ in range(2):
            response = client.get(path, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path, HTTP_HOST="127.0.0.1")
        queries = len(captured)
        reset_queries()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            client.get(path, HTTP_HOST="127.0.0.1")
        plain = (time.perf_counter() - start) / args.repeat * 1000
        cpu = (time.process_time() - cpu) / args.repeat * 1000
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(path, HTTP_HOST="127.0.0.1")
        profile.disable()
        summary.append((name, plain, cpu, queries, len(response.content)))
        print(f"\n===== {name} {path}: {plain:.1f} ms/page, {queries} queries, {len(response.content)} bytes")
        print(report(profile, repeat=args.repeat, top=args.top))
    # CPU time of this process (Python + driver, not PostgreSQL's): steadier than wall time on a shared machine.
    print("\npage           ms/page  CPU ms  queries  bytes")
    for name, ms, cpu, queries, size in summary:
        print(f"{name:<14}{ms:>8.1f}{cpu:>8.1f}{queries:>9}{size:>8}")


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main()
