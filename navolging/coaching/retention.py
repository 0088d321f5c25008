"""Retention of team coaching data (SECURITY R18, docs/retention.md)."""

from __future__ import annotations

import datetime as dt

from navolging.lib.retention import Rule, register

from . import services


def _consults(*, cutoff: dt.datetime, now: dt.datetime) -> int:
    return services.consults_anonymise(cutoff=cutoff, now=now)


# Who asked, what about, the message and the appointment go; the coach and the month stay for
# the office's counts per coach per month. How many went tonight is itself confidential.
register(
    Rule(
        category="consult content",
        days_setting="RETENTION_CONSULT_DAYS",
        action="anonymise",
        run=_consults,
        confidential=True,
    )
)
