from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from panah.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo organisations and one demo-<role> user per role (idempotent; demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.PANAH_DEMO_MODE:
            raise CommandError("demo data is only created with PANAH_DEMO_MODE=1")
        report = seed_demo()
        self.stdout.write(
            f"demo data: {len(report.created)} objects created" if report.changed else "demo data: nothing to do"
        )
        if report.password:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo users (demo-admin, demo-im, demo-psea, …) have the password: {report.password}\n"
                    f"It is kept in {settings.VAR_DIR / 'demo_password'}."
                )
            )
