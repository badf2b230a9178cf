from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts import services
from panah.accounts.models import User
from panah.core.errors import ApplicationError
from panah.core.roles import Role
from panah.geo import selectors as geo_selectors


class Command(BaseCommand):
    help = (
        "Give USERNAME a ROLE over an admin area (P-code, PK for the whole country). For setting up a new "
        "deployment, e.g. the first system administrator; audited as a change made from the command line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("area", nargs="?", default="PK", help="P-code of the admin area (default PK).")
        parser.add_argument("--reason", default="granted from the command line")

    def handle(self, *args: Any, username: str, role: str, area: str, reason: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r} (create one with manage.py createsuperuser)")
        try:
            admin_area = geo_selectors.area_by_pcode(area)
        except ApplicationError:
            raise CommandError(f"no admin area with P-code {area!r} (run manage.py load_geography first)") from None
        try:
            services.role_grant(actor=None, user=user, role=role, area=admin_area, reason=reason)
        except ApplicationError as error:
            raise CommandError("; ".join(e.message for e in error.errors) or error.message) from error
        self.stdout.write(f"{username} is now {Role(role).label} over {admin_area}")
