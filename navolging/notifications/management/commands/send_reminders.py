"""Cron, daily or hourly: remind attendees REMINDER_DAYS days before a planned item."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from navolging.notifications.services import reminders_send


class Command(BaseCommand):
    help = "Send each attendee one reminder REMINDER_DAYS days before a planned item."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{reminders_send()} reminders")
