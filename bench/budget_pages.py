"""Serve a budget page with 500 ideas, and an idea page, like production; report req/s and SQL queries per page.

    .venv/bin/python bench/budget_pages.py [--ideas 500] [--requests 400] [--concurrency 8] [--workers 2]

Steps: a throw-away PostgreSQL database (``parvis_bench_budget``) gets the
migrations, the demo town and ideas added to the demo's current budget
(the gallery shows 24 a page, one idea in five with a photo). SQL queries
per page are counted with Django's test client under the same production
settings, once with 100 ideas and once with ``--ideas``: the counts must not
grow with the number of ideas. Then gunicorn serves the site and a thread
pool of keep-alive clients sends the same number of requests to each URL;
``/healthz`` (a trivial Django view on the same stack) is the baseline.
Loopback only; every loop is bounded by a request count and a timeout.
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

DATABASE = "parvis_bench_budget"
BUDGET = "/budget-participatif/"


def urls(idea_id: int | str) -> dict[str, str]:
    return {
        "healthz (baseline)": "/healthz",
        "home page (reference)": "/",
        "budget page": BUDGET,
        "budget page, filtered": BUDGET + "?category=sport",
        "budget page, page 10": BUDGET + "?page=10",
        "idea page": f"{BUDGET}idees/{idea_id}/",
        "past budget (results)": "/budget-participatif-2026/",
    }


# --- Steps run in a Django-configured subprocess (production settings) --------------------------

def _django():
    import django

    django.setup()


def step_seed(total: int) -> dict:
    """Bring the demo's current budget to ``total`` ideas (bulk insert); return an idea's id."""
    _django()
    from django.contrib.auth import get_user_model

    from budget.models import BudgetPage, Idea
    from councils.models import Council
    from home.demo import placeholder_image

    budget = BudgetPage.objects.get(slug=BUDGET.strip("/"))
    authors = list(get_user_model().objects.filter(username__endswith="-demo"))
    councils = [None, *Council.objects.all()]
    categories = Idea.Category.values
    image = placeholder_image("Idée du banc", "#1d4f91")
    existing = budget.ideas.count()
    Idea.objects.bulk_create(
        Idea(budget=budget, title=f"Idée n° {number}", description="Une idée pour le quartier. " * 8,
             author=authors[number % len(authors)], council=councils[number % len(councils)],
             category=categories[number % len(categories)], cost=500 + (number * 37) % 15_000,
             image=image if number % 5 == 0 else None)
        for number in range(existing, total)
    )
    return {"ideas": budget.ideas.count(), "idea_id": budget.ideas.order_by("pk").first().pk}


def step_queries(idea_id: str) -> dict:
    """SQL queries per URL (second request: caches warm, like a running server)."""
    _django()
    return queries_per_url(urls(idea_id))


# --- The benchmark --------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=500)
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
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
        sizes=(100, args.ideas), noun="ideas", page_key="idea_id", urls=urls,
        workers=args.workers, requests=args.requests, concurrency=args.concurrency,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
