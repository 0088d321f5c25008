"""manage.py import_hr FILE [--dry-run] [--mapping JSON_FILE]: the HR import from cron or a
terminal. Prints the same preview as the web page; exits non-zero when the file has errors."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from navolging.organisation.importing import fields
from navolging.organisation.importing.messages import FileRefused
from navolging.organisation.importing.plan import Plan
from navolging.organisation.importing.services import (
    HRImportInvalid,
    hr_import_apply,
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
        with tqdm(
            total=len(table.rows), desc="check", unit="row", disable=options.get("verbosity", 1) < 1
        ) as bar:
            plan = hr_import_plan(table=table, mapping=chosen, progress=bar.update)
        self.report(plan)
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} error(s); nothing was changed.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            plan = hr_import_apply(table=table, mapping=chosen, by=None, filename=file.name)
        except HRImportInvalid as invalid:
            self.report(invalid.plan)
            raise CommandError("The file has errors; nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS("Import applied."))

    def report(self, plan: Plan) -> None:
        for problem in plan.errors:
            self.stderr.write(f"ERROR {render(problem)}")
        if plan.errors:
            return
        if plan.parsed is not None:
            for line in plan.parsed.shape.describe():
                self.stdout.write(line)
        for problem in plan.warnings:
            self.stdout.write(f"WARNING {render(problem)}")
        for name, count in plan.counts().items():
            self.stdout.write(f"{name.replace('_', ' ')}: {count}")
        for name in (
            "people_new",
            "people_changed",
            "people_gone",
            "units_new",
            "units_changed",
            "units_gone",
        ):
            for change in getattr(plan, name)[:SAMPLE]:
                detail = ", ".join(
                    f"{k}: {old} -> {new}"
                    for k, (old, new) in change.changes.items()
                    if not name.endswith("_new")
                )
                self.stdout.write(f"  {name}: {change.label} ({change.key}) {detail}".rstrip())
