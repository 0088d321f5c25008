"""Cron, weekly: one mail per person who chose the weekly digest, listing their changes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from navolging.notifications.services import digest_send


class Command(BaseCommand):
    help = "Send the weekly digest of changes to the people who chose it."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{digest_send()} digests")
