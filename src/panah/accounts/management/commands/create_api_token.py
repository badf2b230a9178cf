from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts import services
from panah.accounts.models import User
from panah.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Print a new personal API token for USERNAME (it acts with that user's rights; shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument("--days", type=int, default=None, help="Lifetime in days (default PANAH_TOKEN_DAYS).")

    def handle(self, *args: Any, username: str, name: str, days: int | None, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        try:
            issued = services.token_create(actor=user, name=name, days=days)
        except ApplicationError as error:
            raise CommandError("; ".join(f"{e.field}: {e.message}" for e in error.errors) or error.message) from error
        self.stdout.write(issued.secret)
