from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from panah.geo.services import reference_load


class Command(BaseCommand):
    help = "Load the shipped reference geography (OCHA P-codes 2022-09-09, boundaries, border crossings). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reference_load()
        for line in report.lines():
            self.stdout.write(line)
        if not (report.added or report.changed):
            self.stdout.write(self.style.SUCCESS("Reference geography already up to date."))
