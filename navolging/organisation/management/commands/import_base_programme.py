"""manage.py import_base_programme FILE [--dry-run]: base programme status per team or MT.

Columns: unit code, scope (team or mt), completed on (dd-mm-yyyy, ISO or empty), trainers
(e-mail addresses of trainer logins, separated by commas or spaces)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from navolging.organisation.importing.messages import FileRefused
from navolging.organisation.importing.services import (
    BaseProgrammeImportInvalid,
    base_programme_import_apply,
    base_programme_import_check,
    hr_import_read,
    render,
)


class Command(BaseCommand):
    help = "Import the base programme status of teams and management teams (CSV or XLSX)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            table = hr_import_read(data=file.read_bytes(), filename=file.name)
        except FileRefused as refused:
            raise CommandError(render(refused.problem)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        problems, rows = base_programme_import_check(table=table)
        for problem in problems:
            self.stderr.write(f"ERROR {render(problem)}")
        if problems:
            raise CommandError(f"{len(problems)} error(s); nothing was changed.")
        for row in rows:
            self.stdout.write(
                f"  {row.unit_code} {row.scope}: {row.completed_on or '-'} "
                f"{', '.join(row.trainers)}".rstrip()
            )
        if dry_run:
            self.stdout.write(f"{len(rows)} row(s) valid. Dry run: nothing was changed.")
            return
        try:
            count = base_programme_import_apply(table=table, by=None, filename=file.name)
        except BaseProgrammeImportInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(f"ERROR {render(problem)}")
            raise CommandError("The file has errors; nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS(f"{count} row(s) imported."))
