"""axe-core finds no WCAG 2.0/2.1 A or AA violation on my agenda and the outbox (R25)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from navolging.lib.browser import assert_no_axe_violations, log_in, screenshot
from navolging.notifications.models import (
    Attendance,
    CalendarFeed,
    MailStatus,
    OutboxMessage,
    PlannedItem,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _plan(user, *, days: int, title: str, **fields) -> PlannedItem:
    starts_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)
    item = PlannedItem.objects.create(
        kind=fields.pop("kind", "intervision"),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        location="Stadskantoor, zaal 4",
        **fields,
    )
    Attendance.objects.create(item=item, user=user)
    return item


def test_my_agenda_with_items_and_a_feed(visit, browser_cast):
    user = browser_cast.employee.user
    _plan(user, days=5, title="Intervisie MT Burgerzaken")
    _plan(user, days=12, title="Gesprek met de coach", kind="consult", confidential=True)
    _plan(user, days=-4, title="Follow-up sessie Team Balie", kind="followup")
    CalendarFeed.objects.create(user=user)
    log_in(visit, user.email)
    visit.open("notifications:agenda")
    screenshot(visit.page, "my-agenda")
    assert_no_axe_violations(visit.page)


def test_an_item_page(visit, browser_cast):
    user = browser_cast.employee.user
    item = _plan(user, days=12, title="Gesprek met de coach", kind="consult", confidential=True)
    Attendance.objects.create(item=item, user=browser_cast.trainer)
    log_in(visit, user.email)
    visit.open("notifications:item", item.uid)
    assert_no_axe_violations(visit.page)


def test_the_outbox(visit, browser_cast):
    OutboxMessage.objects.create(
        to_email="a@example.org",
        subject="Intervisie verplaatst",
        body_text="-",
        status=MailStatus.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused",
    )
    OutboxMessage.objects.create(
        to_email="b@example.org", subject="-", body_text="-", confidential=True
    )
    log_in(visit, browser_cast.office.email)
    visit.open("notifications:outbox")
    screenshot(visit.page, "outbox")
    assert_no_axe_violations(visit.page)
