"""Fill an empty database with the demo town; running it again changes nothing."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from demo import loaders


class Command(BaseCommand):
    help = "Load the demo town (pages, articles, tutorial, councils, consultations) and an admin account. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument(
            "--election-day", action="store_true",
            help="The town at election-day size: 8 councils, 135 candidates, 500 ideas, 500 missions, 200 articles.",
        )
        parser.add_argument(
            "--territory", action="store_true",
            help="The town and its département: two intercommunalities, four towns, each with its site "
                 "(*.localhost on the same port).",
        )

    def handle(self, *args, admin_username, election_day, territory, **options):
        if election_day:
            loaders.load_election_day()
        elif territory:
            loaders.load_territory()
        else:
            loaders.load()
        self._admin(admin_username)

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
