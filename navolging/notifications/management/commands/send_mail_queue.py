"""Cron, every few minutes: send the mail that is still waiting in the outbox."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from navolging.notifications.services import outbox_deliver, outbox_due


class Command(BaseCommand):
    help = "Send the waiting mail in the outbox; retries with backoff, gives up after a while."

    def handle(self, *args, **options) -> None:
        # Read first: SQLite does not isolate a running read from the updates made while sending.
        due = list(outbox_due())
        sent = outbox_deliver(
            messages=tqdm(due, disable=options["verbosity"] < 2 or len(due) < 50, unit="mail")
        )
        self.stdout.write(f"{sent} sent")
