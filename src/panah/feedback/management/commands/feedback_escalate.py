"""`manage.py feedback_escalate`: one escalation run, for a timer (cron or systemd) every few minutes.

Runs in the command's own process rather than through the task queue, like `audit_verify`: a timer that fires while
the worker is down still escalates, and the exit code tells the timer whether it worked. `--enqueue` hands the run
to the worker instead (for a deployment whose timers may not reach the database directly).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panah.feedback.escalation import escalate_due


class Command(BaseCommand):
    help = "Escalate feedback tickets at 80% of their service-level time and when breached (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the run for the task worker instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from panah.feedback.tasks import escalate_overdue

            result = escalate_overdue.enqueue()
            self.stdout.write(f"Queued escalation run {result.id}.")
            return
        report = escalate_due()
        self.stdout.write(
            f"Checked {report.checked} running clocks: {len(report.warned)} at 80%, {len(report.breached)} overdue."
        )
