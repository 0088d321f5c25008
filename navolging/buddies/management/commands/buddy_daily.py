"""Cron, daily: record today's buddy figures, and start a pairing round when the rhythm the
programme office set says one is due. Prints counts only, never who."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from navolging.buddies.services import counts_record, round_due, round_run


class Command(BaseCommand):
    help = "Record today's buddy figures and start a pairing round when one is due."

    def handle(self, *args, **options) -> None:
        units = counts_record()
        self.stdout.write(f"figures recorded for {units} units")
        if round_due():
            run = round_run(by=None)
            self.stdout.write(
                f"pairing round: {run.proposed} pairs proposed, {run.left_over} left over"
            )
        else:
            self.stdout.write("no pairing round due")
