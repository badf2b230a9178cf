"""`manage.py audit_verify`: walk the audit hash chain; exit 0 when intact, 1 when anything does not add up.

Read-only on purpose (unlike the verification task, it writes no event), so it can run against a replica or a
restored backup while investigating.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from panah.core import audit


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain. Exit code 0: intact; 1: problems found (each one is printed)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        self.stdout.write(f"Checked {result.checked} audit events.")
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(problem))
        if not result.ok:
            raise CommandError(f"audit chain is broken: {len(result.problems)} problem(s) found", returncode=1)
        self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
