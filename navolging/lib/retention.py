"""Retention (SECURITY R18, docs/retention.md): each app says how long its data stays, and
`manage.py purge` (nightly, from cron) removes what has been kept long enough.

An app declares its rules in `<app>/retention.py` with `register(Rule(...))`; this module
finds them with `autodiscover_modules("retention")`. A rule deletes or anonymises whatever is
older than its cutoff and says how many rows it removed. Each rule runs in its own
transaction, so a rule that fails leaves the others done; one summary audit event,
`retention.purge`, records what each category removed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules

from navolging.audit.services import audit_record
from navolging.lib.figures import shown

logger = logging.getLogger(__name__)

AUDIT_ACTION = "retention.purge"

Action = Literal["delete", "anonymise"]


@dataclass(frozen=True)
class Rule:
    category: str  # plain English, as it appears in the audit trail ("sent mail")
    days_setting: str  # the settings name holding the number of days ("RETENTION_..._DAYS")
    action: Action
    #: run(cutoff=..., now=...) removes what is older than the cutoff; returns how many.
    run: Callable[..., int]
    #: The removed count itself could single someone out (a consult): the summary holds only
    #: its band of five.
    confidential: bool = False

    @property
    def days(self) -> int:
        return int(getattr(settings, self.days_setting))


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Called at import time by `<app>/retention.py`; registering a category again replaces it."""
    if rule.action not in ("delete", "anonymise"):
        raise ValueError(f"unknown retention action {rule.action!r}")
    _rules[rule.category] = rule
    return rule


def rules() -> list[Rule]:
    autodiscover_modules("retention")
    return sorted(_rules.values(), key=lambda rule: rule.category)


class DryRun(Exception):
    """Raised inside a rule's transaction to roll back what it just did."""


def reported(rule: Rule, count: int) -> int | str:
    """The count as the audit trail and the command output may hold it.

    For a confidential category the exact number is never written: "1 consult anonymised
    tonight", read next to the office's own knowledge of who saw a coach ninety days ago,
    could point at a person. The band of five ("fewer than 5", "5 to 9") says enough to see
    that the job runs, and is the same rule the office's consult figures follow (figures.py).
    Rendered in English, like every other audit text, whatever language is active.
    """
    if not rule.confidential:
        return count
    with translation.override("en"):
        return shown(count).text


def retention_run(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Run every rule; returns the exact number removed per category (for the caller, never
    stored). With `dry_run` each rule runs and is rolled back, so the counts are what a real
    run would remove, and nothing is written, not even the summary."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    summary: dict[str, list] = {}
    failed: list[str] = []
    for rule in rules():
        cutoff = now - dt.timedelta(days=rule.days)
        try:
            with transaction.atomic():
                count = rule.run(cutoff=cutoff, now=now)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        except Exception:
            # One broken rule must not keep the others from running; the summary and the
            # command's exit status say it failed.
            logger.exception("Retention rule %r failed", rule.category)
            failed.append(rule.category)
            summary[rule.category] = [f"{rule.action} after {rule.days} days", "failed"]
            continue
        counts[rule.category] = count
        # [what, how many]: the audit page shows a change as "old → new".
        summary[rule.category] = [f"{rule.action} after {rule.days} days", reported(rule, count)]
    if not dry_run:
        with transaction.atomic():
            audit_record(
                action=AUDIT_ACTION,
                object_type="retention",
                object_label="retention",
                changes=summary,
            )
    if failed:
        raise RetentionFailed(failed, counts)
    return counts


class RetentionFailed(RuntimeError):
    def __init__(self, categories: list[str], counts: dict[str, int]) -> None:
        super().__init__(f"retention failed for: {', '.join(categories)}")
        self.categories = categories
        self.counts = counts
