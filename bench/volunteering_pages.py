"""Serve the volunteering space with 500 missions like production; report req/s and SQL queries per page.

    BENCH_REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/volunteering_pages.py [--missions 500]
        [--requests 300] [--concurrency 4] [--workers 1]

Steps: a throw-away PostgreSQL database (``parvis_bench_volunteering``) gets
the migrations, the demo town and missions added to the demo's associations
(three skills each, one in three with accepted offers). SQL queries per page
are counted with Django's test client under the same production settings,
once with the demo's 6 missions and once with ``--missions``: the counts must
not grow with the number of missions. Then gunicorn serves the site and
keep-alive clients send the same number of requests to each URL;
``/healthz`` is the baseline. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import ADMIN_URL, ROOT, queries_per_url  # noqa: E402
from bench.pages import seeded_page_benchmark  # noqa: E402

DATABASE = "parvis_bench_volunteering"
INDEX = "/benevolat/"


def urls(mission_path: str) -> dict[str, str]:
    return {
        "healthz (baseline)": "/healthz",
        "home page (missions block)": "/",
        "missions index": INDEX,
        "missions, filtered": INDEX + "?period=month&skill=sport",
        "missions, page 10": INDEX + "?page=10",
        "mission page": mission_path,
        "association page": INDEX + "associations/coup-de-pouce-aux-tilleuls/",
    }


def _django():
    import django

    django.setup()


def step_seed(total: int) -> dict:
    """Bring the demo to ``total`` missions (bulk insert); return a mission page's path."""
    _django()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from volunteering.models import Association, Mission, Offer, Skill
    from volunteering.services import index_page

    associations = list(Association.objects.all())
    skills = list(Skill.objects.all())
    volunteers = list(get_user_model().objects.filter(username__endswith="-demo"))
    now, existing = timezone.now(), Mission.objects.count()
    created = Mission.objects.bulk_create(
        Mission(association=associations[number % len(associations)], title=f"Mission n° {number}",
                slug=f"mission-{number}", description="Un coup de main pour le quartier. " * 6, place="Maison de quartier",
                council=associations[number % len(associations)].council, volunteers_needed=5 + number % 20,
                minimum_age=(0, 16, 18)[number % 3], schedule="Tous les samedis" if number % 4 == 0 else "",
                starts_at=now + timedelta(days=1 + number % 60, hours=number % 9),
                ends_at=now + timedelta(days=1 + number % 60, hours=4 + number % 9) + timedelta(weeks=8 * (number % 4 == 0)))
        for number in range(existing, total)
    )
    Through = Mission.skills.through
    Through.objects.bulk_create(
        Through(mission_id=mission.pk, skill_id=skills[(mission.pk + offset) % len(skills)].pk)
        for mission in created for offset in range(3)
    )
    Offer.objects.bulk_create(
        Offer(mission=mission, volunteer=volunteer, status=Offer.Status.ACCEPTED)
        for mission in created[::3] for volunteer in volunteers[:2]
    )
    mission = Mission.objects.order_by("pk").first()
    index = index_page()
    return {"missions": Mission.objects.count(),
            "mission_path": index.url + index.reverse_subpage("mission", args=[mission.pk, mission.slug])}


def step_queries(mission_path: str) -> dict:
    """SQL queries per URL (second request: caches warm, like a running server)."""
    _django()
    return queries_per_url(urls(mission_path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--missions", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--step", choices=["seed", "queries"], help=argparse.SUPPRESS)
    parser.add_argument("--arg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "seed":
        print(json.dumps(step_seed(int(args.arg))))
        return
    if args.step == "queries":
        print(json.dumps(step_queries(args.arg)))
        return

    seeded_page_benchmark(
        str(Path(__file__).relative_to(ROOT)), admin_url=args.admin_url, database=DATABASE,
        sizes=(6, args.missions), noun="missions", page_key="mission_path", urls=urls,
        workers=args.workers, requests=args.requests, concurrency=args.concurrency,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
