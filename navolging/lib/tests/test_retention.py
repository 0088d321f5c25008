"""Retention (SECURITY R18): what has been kept long enough goes, the rest stays, one summary
event says what went (never a small exact count of consults), and running again is harmless."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from navolging.audit.models import AuditEvent
from navolging.coaching import selectors, services
from navolging.coaching.models import Consult, ConsultStatus
from navolging.coaching.tests.helpers import ask, assign, make_coach, soon
from navolging.lib import retention
from navolging.lib.retention import AUDIT_ACTION, Rule, reported, retention_run
from navolging.notifications.models import Attendance, MailStatus, OutboxMessage, PlannedItem

SECRET = "Mijn teamleider schreeuwt in het overleg"
START = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


def at(days: float):
    return time_machine.travel(START + dt.timedelta(days=days), tick=False)


def planned(person, coach, *, days: int = 3, message: str = SECRET) -> Consult:
    consult = ask(person, coach, message=message, preferred_times="maandagochtend")
    start, end = soon(days)
    services.consult_plan(consult=consult, starts_at=start, ends_at=end, by=coach)
    consult.refresh_from_db()
    return consult


@pytest.fixture
def coach(cast):
    coach = make_coach()
    with at(0):
        assign(cast.team, coach)
    return coach


@pytest.fixture
def consults(cast, coach) -> dict[str, Consult]:
    """Consults in every state, the old ones from early February, one from May."""
    made = {}
    with at(0):
        made["closed"] = planned(cast.employee, coach, days=3)
        made["declined"] = ask(cast.team_leader, coach, message=SECRET)
        services.consult_decline(consult=made["declined"], by=coach)
        made["never_closed"] = planned(cast.manager, coach, days=5)  # the pool's coach
        made["untouched"] = ask(cast.outsider, coach, message=SECRET)
    with at(4):
        services.consult_close(consult=made["closed"], by=coach)
    with at(96):
        made["recent"] = planned(cast.employee, coach, days=1, message="Recent en nog nodig")
    with at(98):
        services.consult_close(consult=made["recent"], by=cast.employee.user)
    return made


def figures() -> list[tuple[int, list]]:
    months = [dt.date(2027, 2, 1), dt.date(2027, 5, 1)]
    return [(row.coach.pk, row.months) for row in selectors.consult_figures(months)]


def mail(status: str, *, sent_days: float | None, created_days: float = 0) -> OutboxMessage:
    with at(created_days):
        message = OutboxMessage.objects.create(
            to_email="iemand@example.org", subject="Afspraak", body_text="...", status=status
        )
    if sent_days is not None:
        sent_at = START + dt.timedelta(days=sent_days)
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=sent_at)
    return message


def test_purge_anonymises_consults_kept_long_enough_and_keeps_the_rest(consults, coach):
    before = figures()
    old_items = [c.item_id for c in consults.values() if c.item_id and c is not consults["recent"]]
    assert len(old_items) == 2 and Attendance.objects.filter(item_id__in=old_items).count() == 4

    with at(100):
        counts = retention_run()

    assert counts["consult content"] == 4
    for name in ("closed", "declined", "never_closed", "untouched"):
        consult = Consult.objects.get(pk=consults[name].pk)
        assert consult.anonymised_at is not None, name
        assert consult.requester is None and consult.topic == ""
        assert consult.message == "" and consult.preferred_times == ""
        assert consult.item is None and consult.starts_at is None and consult.location == ""
        assert consult.status in (ConsultStatus.CLOSED, ConsultStatus.DECLINED)
        assert consult.coach_id == coach.pk  # kept for the office's counts
    assert not PlannedItem.objects.filter(pk__in=old_items).exists()
    assert not Attendance.objects.filter(item_id__in=old_items).exists()
    # Nobody sees an anonymised consult any more, not even its coach.
    assert set(Consult.objects.visible_to(coach)) == {consults["recent"]}

    recent = Consult.objects.get(pk=consults["recent"].pk)
    assert recent.message == "Recent en nog nodig" and recent.requester_id is not None
    assert recent.item is not None and recent.item.attendances.count() == 2
    # The office's consults per coach per month are what they were.
    assert figures() == before


def test_a_never_closed_appointment_waits_for_its_end_not_its_request(consults):
    # 92 days after the request, but the appointment ended on day 5: not yet due.
    with at(93):
        retention_run()
    assert Consult.objects.get(pk=consults["never_closed"].pk).anonymised_at is None
    assert Consult.objects.get(pk=consults["untouched"].pk).anonymised_at is not None


def test_purge_writes_one_listable_summary_without_a_small_exact_consult_count(consults):
    with at(100):
        retention_run()
    event = AuditEvent.objects.listable().get(action=AUDIT_ACTION)
    assert event.actor is None and event.actor_label == "system"
    assert event.changes["consult content"] == ["anonymise after 90 days", "fewer than 5"]
    assert event.changes["sent mail"] == ["delete after 30 days", 0]
    assert "4" not in str(event.changes["consult content"])
    assert SECRET not in str(event.changes)


def test_a_second_run_removes_nothing_and_still_records_its_summary(consults):
    mail(MailStatus.SENT, sent_days=1)
    with at(100):
        first = retention_run()
    with at(100.5):
        second = retention_run()
    assert first == {"consult content": 4, "sent mail": 1}
    assert second == {"consult content": 0, "sent mail": 0}
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 2
    assert Consult.objects.filter(anonymised_at__isnull=False).count() == 4


def test_sent_and_failed_mail_go_after_their_days_and_waiting_mail_stays(db):
    old_sent = mail(MailStatus.SENT, sent_days=0)
    recent_sent = mail(MailStatus.SENT, sent_days=15)
    waiting = mail(MailStatus.QUEUED, sent_days=None)
    old_failed = mail(MailStatus.FAILED, sent_days=None)
    recent_failed = mail(MailStatus.FAILED, sent_days=None, created_days=20)
    with at(31):
        counts = retention_run()
    assert counts["sent mail"] == 2
    left = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert old_sent.pk not in left and old_failed.pk not in left
    assert {recent_sent.pk, waiting.pk, recent_failed.pk} <= left
    with at(46):
        assert retention_run()["sent mail"] == 1
    assert not OutboxMessage.objects.filter(pk=recent_sent.pk).exists()
    assert OutboxMessage.objects.filter(pk=waiting.pk).exists()


def test_purge_leaves_no_who_in_the_audit_rows_of_an_anonymised_consult(cast, consults):
    closed = consults["closed"]
    item_id = str(closed.item_id)
    with at(0.5):
        services.consult_seen(consult=closed, by=cast.employee.user)
    rows = AuditEvent.objects.filter(object_id__in=[str(closed.pk), item_id], confidential=True)
    assert rows.filter(actor=cast.employee.user).exists()
    with at(100):
        retention_run()
    rows = AuditEvent.objects.filter(object_id__in=[str(closed.pk), item_id], confidential=True)
    assert rows.count() >= 4  # what happened stays: request, plan, view, close ...
    for row in rows:
        assert row.actor_id is None and row.actor_label == "" and row.changes == {}
        assert row.origin_ip is None
    # Of when it was asked and closed, only the month stays.
    consult = Consult.objects.get(pk=closed.pk)
    assert timezone.localtime(consult.created_at).day == 1
    assert consult.closed_at == consult.created_at
    # The recent consult's rows still say who did what.
    assert AuditEvent.objects.filter(
        object_id=str(consults["recent"].pk), actor__isnull=False
    ).exists()


def test_the_retention_periods_come_from_settings(consults, settings):
    settings.RETENTION_CONSULT_DAYS = 120
    with at(100):
        assert retention_run()["consult content"] == 0
    with at(127):
        assert retention_run()["consult content"] == 4
    event = AuditEvent.objects.filter(action=AUDIT_ACTION).order_by("-id").first()
    assert event.changes["consult content"][0] == "anonymise after 120 days"


def test_the_purge_command_prints_a_line_per_category(consults):
    mail(MailStatus.SENT, sent_days=1)
    out = StringIO()
    with at(100):
        call_command("purge", stdout=out)
    lines = out.getvalue().splitlines()
    assert "consult content (anonymise after 90 days): fewer than 5 removed" in lines
    assert "sent mail (delete after 30 days): 1 removed" in lines
    assert lines[-1] == "2 categories purged; summary in the audit trail."
    assert SECRET not in out.getvalue()
    assert not Consult.objects.filter(message=SECRET).exists()


def test_the_purge_command_is_quiet_for_cron_but_still_purges(db):
    sent = mail(MailStatus.SENT, sent_days=0)
    out = StringIO()
    with at(40):
        call_command("purge", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert not OutboxMessage.objects.filter(pk=sent.pk).exists()
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 1


def test_a_dry_run_says_what_would_go_and_removes_nothing(consults):
    sent = mail(MailStatus.SENT, sent_days=1)
    out = StringIO()
    with at(100):
        call_command("purge", "--dry-run", stdout=out)
    assert "consult content (anonymise after 90 days): fewer than 5 would go" in out.getvalue()
    assert "sent mail (delete after 30 days): 1 would go" in out.getvalue()
    assert "nothing removed" in out.getvalue()
    assert Consult.objects.filter(anonymised_at__isnull=True).count() == 5
    assert Consult.objects.get(pk=consults["closed"].pk).message == SECRET
    assert OutboxMessage.objects.filter(pk=sent.pk).exists()
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


def test_a_failing_rule_leaves_the_others_done_and_the_command_fails(db, monkeypatch):
    def broken(*, cutoff, now):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        retention._rules, "broken", Rule("broken", "RETENTION_SENT_MAIL_DAYS", "delete", broken)
    )
    sent = mail(MailStatus.SENT, sent_days=0)
    err = StringIO()
    with at(40), pytest.raises(CommandError, match="broken"):
        call_command("purge", stdout=StringIO(), stderr=err)
    assert "broken: FAILED" in err.getvalue()
    assert not OutboxMessage.objects.filter(pk=sent.pk).exists()
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert event.changes["broken"] == ["delete after 30 days", "failed"]


def test_a_confidential_count_is_only_ever_a_band():
    rule = Rule("consult content", "RETENTION_CONSULT_DAYS", "anonymise", lambda **_: 0, True)
    plain = Rule("sent mail", "RETENTION_SENT_MAIL_DAYS", "delete", lambda **_: 0)
    assert [reported(rule, n) for n in (0, 1, 4, 5, 12)] == [
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "5 to 9",
        "10 to 14",
    ]
    with translation.override("nl"):  # the audit trail stays in English whatever is active
        assert reported(rule, 3) == "fewer than 5"
    assert reported(plain, 3) == 3


def test_every_app_rule_is_found():
    found = {rule.category: rule for rule in retention.rules()}
    assert found["consult content"].confidential
    assert found["consult content"].days == 90
    assert found["sent mail"].action == "delete" and not found["sent mail"].confidential
