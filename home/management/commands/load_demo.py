"""Fill an empty database with the demo town; running it again changes nothing."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from budget import demo as budget_demo
from councils import demo as councils_demo
from councils.kits import demo as kits_demo
from home import demo as home_demo
from home import demo_votes
from volunteering import demo as volunteering_demo

# In dependency order: kits dress the candidates of the demo election.
DEMO_LOADERS = [
    home_demo.load, councils_demo.load, demo_votes.load, budget_demo.load, volunteering_demo.load, kits_demo.load,
]


class Command(BaseCommand):
    help = "Load the demo town (pages, articles, tutorial, councils, consultations) and an admin account. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument(
            "--election-day", action="store_true",
            help="The town at election-day size: 8 councils, 135 candidates, 500 ideas, 500 missions, 200 articles.",
        )

    def handle(self, *args, admin_username, election_day, **options):
        if election_day:
            self._election_day()
        else:
            for loader in DEMO_LOADERS:
                loader()
        self._admin(admin_username)

    def _election_day(self) -> None:
        from home import demo_election_day as big
        from councils.votes import demo as votes_demo

        home_demo.load()
        councils_demo.load()
        big.councils()  # before the election, which runs in all eight councils
        votes_demo.load(candidates=big.candidates())
        # No campaign kits: 135 of them take minutes to render, and no public page shows them.
        for loader in (budget_demo.load, volunteering_demo.load, big.ideas, big.missions, big.articles):
            loader()

    def _admin(self, username: str) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin account “{username}” already exists (password unchanged; "
                              f"reset it with: python manage.py changepassword {username}).")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=f"{username}@parvis.localhost", password=password)
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded. Wagtail admin: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
        ))
