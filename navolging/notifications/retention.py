"""Retention of mail (SECURITY R18, docs/retention.md): a sent mail has done its work, and a
mail given up on (failed) is not tried again by itself."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from navolging.lib.retention import Rule, register

from .models import MailStatus, OutboxMessage


def _sent_mail(*, cutoff: dt.datetime, now: dt.datetime) -> int:
    # Waiting mail stays: it has not reached anyone yet. Failed mail goes the same number of
    # days after it was written: the office had that long to try it again.
    deleted, _by_model = OutboxMessage.objects.filter(
        Q(status=MailStatus.SENT, sent_at__lt=cutoff)
        | Q(status=MailStatus.FAILED, created_at__lt=cutoff)
    ).delete()
    return deleted


register(
    Rule(
        category="sent mail",
        days_setting="RETENTION_SENT_MAIL_DAYS",
        action="delete",
        run=_sent_mail,
    )
)
