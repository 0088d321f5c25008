"""manage.py import_hr FILE [--dry-run] [--mapping JSON_FILE]: the HR import from cron or a
terminal. Prints the same preview as the web page; exits non-zero when the file has errors."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from navolging.intervision.amend import amend_summary, rounds_amend_running
from navolging.organisation.importing import fields
from navolging.organisation.importing.display import plan_display
from navolging.organisation.importing.messages import FileRefused
from navolging.organisation.importing.services import (
    HRImportInvalid,
    hr_import_apply,
    hr_import_current_state,
    hr_import_plan,
    hr_import_read,
    import_mapping_for,
    render,
)

SAMPLE = 10


class Command(BaseCommand):
    help = "Import the HR export (CSV or XLSX): people, units and heads."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show the changes only.")
        parser.add_argument(
            "--mapping",
            type=Path,
            help='JSON file {"file header": "field"}; default: the saved mapping or known names.',
        )

    def handle(self, *args, file: Path, dry_run: bool, mapping: Path | None, **options) -> None:
        try:
            table = hr_import_read(data=file.read_bytes(), filename=file.name)
        except FileRefused as refused:
            raise CommandError(render(refused.problem)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        if mapping is not None:
            chosen = fields.guess_mapping(table.headers, saved=json.loads(mapping.read_text()))
        else:
            chosen, _saved = import_mapping_for(headers=table.headers)
        state = hr_import_current_state()
        with tqdm(
            total=len(table.rows), desc="check", unit="row", disable=options.get("verbosity", 1) < 1
        ) as bar:
            plan = hr_import_plan(table=table, mapping=chosen, state=state, progress=bar.update)
        self.report(plan_display(plan, state, SAMPLE))
        if plan.errors:
            raise CommandError(
                ngettext(
                    "The file has %(count)s error; nothing was changed.",
                    "The file has %(count)s errors; nothing was changed.",
                    len(plan.errors),
                )
                % {"count": len(plan.errors)}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        try:
            with transaction.atomic():
                hr_import_apply(table=table, mapping=chosen, by=None, filename=file.name)
                amended = rounds_amend_running(by=None)
        except HRImportInvalid as invalid:
            self.report(plan_display(invalid.plan, hr_import_current_state(), SAMPLE))
            raise CommandError(_("The file has errors; nothing was changed.")) from None
        self.stdout.write(self.style.SUCCESS(_("Import applied.")))
        for line in amend_summary(amended):
            self.stdout.write(line)

    def report(self, shown: dict) -> None:
        """The preview page as text: errors, or how the file was read and what will change."""
        for error in shown["errors"]:
            self.stderr.write(error)
        if shown["errors"]:
            return
        for line in shown["shape"]:
            self.stdout.write(line)
        for warning in shown["warnings"]:
            self.stdout.write(self.style.WARNING(warning))
        for title, count, items in shown["sections"]:
            self.stdout.write(f"{title}: {count}")
            for item in items:
                details = "; ".join(
                    f"{label}: {new}" if item["new"] else f"{label}: {old or '–'} → {new or '–'}"
                    for label, old, new in item["changes"]
                )
                self.stdout.write(f"  {item['label']} ({item['key']}) {details}".rstrip())
