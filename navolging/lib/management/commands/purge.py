"""Cron, nightly: run the retention rules (SECURITY R18, docs/retention.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from navolging.lib.retention import RetentionFailed, reported, retention_run, rules


class Command(BaseCommand):
    help = (
        "Delete or anonymise what has been kept longer than its retention period, and record "
        "one summary event in the audit trail."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would go, remove nothing and record nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        try:
            counts = retention_run(dry_run=dry_run)
            failed: list[str] = []
        except RetentionFailed as exc:
            counts, failed = exc.counts, exc.categories
        if options["verbosity"] == 0 and not failed:
            return  # cron: quiet unless something failed
        outcome = "would go" if dry_run else "removed"
        for rule in rules():
            if rule.category in failed:
                self.stderr.write(f"{rule.category}: FAILED (see the log)")
                continue
            # A confidential count is printed as its band too: cron mails this output.
            count = reported(rule, counts[rule.category])
            self.stdout.write(
                f"{rule.category} ({rule.action} after {rule.days} days): {count} {outcome}"
            )
        total = len(counts)
        if dry_run:
            self.stdout.write(f"Dry run: {total} categories checked, nothing removed.")
        else:
            self.stdout.write(f"{total} categories purged; summary in the audit trail.")
        if failed:
            raise CommandError(f"Retention failed for: {', '.join(failed)}")
