"""`manage.py kobo_pull [--source ID]`: pull new KoboToolbox submissions (all sources, or one)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.intake.kobo import services
from panah.intake.models import KoboSource


class Command(BaseCommand):
    help = "Pull new submissions of KoboToolbox forms into their imports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, help="Id of one KoboSource (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = KoboSource.objects.select_related("created_by").order_by("pk")
        if options["source"] is not None:
            sources = sources.filter(pk=options["source"])
            if not sources.exists():
                raise CommandError(f"No KoboSource with id {options['source']}.")
        failed = 0
        for source in sources:
            # Pulled as the person who configured the source: their data-entry scope decides what is held.
            result = services.kobo_pull(actor=source.created_by, source=source)
            if result.error:
                failed += 1
                self.stderr.write(f"{source}: {result.error}")
            else:
                self.stdout.write(f"{source}: {result.fetched} fetched, {result.new} new")
        if failed:
            raise CommandError(f"{failed} source(s) failed.")
