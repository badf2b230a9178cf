from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.core.errors import ApplicationError
from panah.geo.services import CodImportReport, cod_import


class Command(BaseCommand):
    help = (
        "Import a newer OCHA COD-AB release for Pakistan from a CSV (admN_pcode/admN_name or ADMN_PCODE/ADMN_EN "
        "columns) or a GeoJSON layer: adds, renames, re-parents and retires P-codes. Retired P-codes are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV or GeoJSON file of the release")
        parser.add_argument("--dry-run", action="store_true", help="show what would change and change nothing")
        parser.add_argument(
            "--valid-on", type=date.fromisoformat, help="release date (YYYY-MM-DD) when the file has none"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = cod_import(
                actor=None, path=options["path"], dry_run=options["dry_run"], valid_on=options["valid_on"]
            )
        except ApplicationError as error:
            details = "\n".join(f"  {e.message}" for e in error.errors[1:])
            raise CommandError(error.message + ("\n" + details if details else "")) from None
        self._print(report)

    def _print(self, report: CodImportReport) -> None:
        mode = "DRY RUN, nothing changed" if report.dry_run else "applied"
        levels = ", ".join(str(level) for level in report.levels)
        self.stdout.write(f"COD release {report.valid_on} (levels {levels}): {mode}.")
        sections: list[tuple[str, list[str]]] = [
            ("Added", [f"{a.pcode} {a.name}" for a in report.added]),
            ("Renamed", [f"{r.pcode} {r.old_name} -> {r.new_name}" for r in report.renamed]),
            ("Re-parented", [f"{r.pcode} {r.old_parent} -> {r.new_parent}" for r in report.reparented]),
            ("Retired", [f"{a.pcode} {a.name}" for a in report.retired]),
            ("Reinstated", [f"{a.pcode} {a.name}" for a in report.reinstated]),
        ]
        for title, lines in sections:
            self.stdout.write(f"{title}: {len(lines)}")
            for line in lines:
                self.stdout.write(f"  {line}")
        self.stdout.write(f"Unchanged: {report.unchanged}")
