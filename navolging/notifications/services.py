"""The one way to tell people about planned things: mail, calendar invites, reminders, digests.

Every instrument plans through `item_plan` / `item_move` / `item_cancel` / `item_attendees_set`
and mails through `notify`. Mail is written to the outbox inside the caller's transaction and
sent after commit, so a mail server that is down never breaks the action (SECURITY R21);
`manage.py send_mail_queue` retries what is still waiting. Confidential items only ever show
in their neutral form (presentation.py, SECURITY R12).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from email.mime.text import MIMEText
from smtplib import SMTPException
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from navolging.audit.services import audit_record

from . import ical, presentation
from .models import (
    Attendance,
    DigestEntry,
    ItemStatus,
    MailMode,
    MailStatus,
    NotificationPreference,
    OutboxMessage,
    PlannedItem,
)

logger = logging.getLogger(__name__)

Change = DigestEntry.Change

#: Which mail template and iCalendar METHOD each change sends.
_INVITE = {
    Change.PLANNED: ("invite", "REQUEST"),
    Change.MOVED: ("update", "REQUEST"),
    Change.CANCELLED: ("cancel", "CANCEL"),
}

#: First retry after this long, doubling each attempt, never longer than a day.
RETRY_FIRST = dt.timedelta(minutes=5)
RETRY_LONGEST = dt.timedelta(hours=24)
#: A message being sent is not picked up by another run for this long.
SEND_LEASE = dt.timedelta(minutes=10)


# --- Mail -----------------------------------------------------------------------------------


def notify(
    *,
    user,
    template: str,
    context: dict[str, Any],
    item: PlannedItem | None = None,
    method: str | None = None,
    attendees: Iterable | None = None,
    confidential: bool = False,
) -> OutboxMessage:
    """Write one mail to `user` in their language; it is sent after the transaction commits.

    `confidential` (or a confidential item) keeps the message out of the office's outbox view.

    Renders notifications/mail/<template>_subject.txt, <template>.txt and <template>.html.
    With `item`, the templates get `item` in its neutral form (title, times, place, link) and
    nothing of the model itself. With `method` ("REQUEST" or "CANCEL") the item's calendar
    event is attached; its ATTENDEEs are `attendees` (default: the item's attendees).
    """
    with transaction.atomic():
        ics = ""
        if item is not None and method:
            if attendees is None:
                attendees = _attendee_users(item)
            event = presentation.item_event(item, language=user.language, attendees=attendees)
            ics = ical.calendar(method, [event]).decode()
        return _outbox_write(
            user=user,
            template=template,
            context=context,
            item=item,
            ics=ics,
            method=method or "",
            confidential=confidential or (item is not None and item.confidential),
        )


def _outbox_write(
    *,
    user,
    template: str,
    context: dict[str, Any],
    item: PlannedItem | None,
    ics: str,
    method: str,
    confidential: bool,
) -> OutboxMessage:
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(user.language), timezone.override(ical.TIME_ZONE):
        if item is not None:
            # After the caller's context: a caller cannot put the real title back in.
            context["item"] = _item_context(item, user.language)
        base = f"notifications/mail/{template}"
        subject = render_to_string(f"{base}_subject.txt", context)
        body_text = render_to_string(f"{base}.txt", context)
        body_html = render_to_string(f"{base}.html", context)
    message = OutboxMessage.objects.create(
        recipient=user,
        to_email=user.email,
        subject=" ".join(subject.split())[:255],  # a header: one line
        body_text=body_text,
        body_html=body_html,
        ics=ics,
        ics_method=method,
        confidential=confidential,
    )
    _deliver_after_commit(message.pk)
    return message


#: At most this many messages of one action go out at once, after its commit; the rest wait
#: for `send_mail_queue` (every few minutes), so planning a round does not hold the page.
SEND_AT_ONCE = 100


_written = threading.local()


def _deliver_after_commit(pk: int) -> None:
    """Send the message once its transaction commits; the messages of one transaction go out
    together, in one mail connection, from the first of their on-commit callbacks."""
    pending = getattr(_written, "pks", None)
    if pending is None:
        pending = _written.pks = []
    pending.append(pk)
    transaction.on_commit(_deliver_written)


def _deliver_written() -> None:
    pks, _written.pks = getattr(_written, "pks", None) or [], []
    # The pks of a transaction that was rolled back stay in the list until the next commit:
    # they find nothing, so the limit is taken over the messages that exist.
    found: list[int] = []
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        found += OutboxMessage.objects.filter(pk__in=chunk).values_list("pk", flat=True)
        if len(found) >= SEND_AT_ONCE:
            break
    if found:
        ahead = OutboxMessage.objects.filter(pk__in=sorted(found)[:SEND_AT_ONCE]).order_by("pk")
        outbox_deliver(messages=ahead)


def _item_context(item: PlannedItem, language: str) -> dict[str, Any]:
    """All a template may know of an item: its neutral form for a confidential one."""
    return {
        "title": presentation.item_title(item, language),
        "description": presentation.item_description(item),
        "location": item.location,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "same_day": timezone.localtime(item.starts_at).date()
        == timezone.localtime(item.ends_at).date(),
        "url": presentation.item_url(item),
        "confidential": item.confidential,
        "cancelled": item.status == ItemStatus.CANCELLED,
    }


def outbox_deliver(*, messages: Iterable[OutboxMessage], now: dt.datetime | None = None) -> int:
    """Send waiting messages; returns how many went out.

    A message that cannot be sent stays queued with attempts + 1 and a later next_attempt_at,
    and is marked failed after MAIL_MAX_ATTEMPTS. When the server cannot be reached at all the
    run stops: the rest wait for the next run. Not one transaction: a slow mail server must not
    hold the database, so each message is claimed and finished with its own UPDATE.
    """
    now = now or timezone.now()
    connection = get_connection()
    sent = 0
    for message in messages:
        if not _claim(message, now):
            continue  # sent, given up on, or being sent by another run
        try:
            connection.send_messages([_email(message, connection)])
        except (SMTPException, OSError) as exc:
            _attempt_failed(message, exc, now)
            if not isinstance(exc, SMTPException):
                break  # unreachable: every next message would wait for the same timeout
            continue
        except Exception as exc:  # a broken message must not block the queue or the action
            logger.exception("Outbox message %s could not be built or sent", message.pk)
            _attempt_failed(message, exc, now)
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=MailStatus.SENT,
            sent_at=timezone.now(),
            attempts=message.attempts + 1,
            last_error="",
            next_attempt_at=None,
        )
        sent += 1
    return sent


def outbox_due(*, now: dt.datetime | None = None):
    """The messages `send_mail_queue` should try now."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=MailStatus.QUEUED).exclude(next_attempt_at__gt=now)


def _claim(message: OutboxMessage, now: dt.datetime) -> bool:
    # An UPDATE that only one sender can win, so the on_commit send and a cron run that
    # overlap never send the same mail twice.
    claimed = (
        OutboxMessage.objects.filter(
            pk=message.pk,
            status=MailStatus.QUEUED,
            attempts=message.attempts,
            next_attempt_at=message.next_attempt_at,
        )
        .exclude(next_attempt_at__gt=now)
        .update(next_attempt_at=now + SEND_LEASE)
    )
    return bool(claimed)


def _attempt_failed(message: OutboxMessage, exc: Exception, now: dt.datetime) -> None:
    attempts = message.attempts + 1
    failed = attempts >= settings.MAIL_MAX_ATTEMPTS
    delay = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_LONGEST)
    # The error class and the server's words, never the message itself.
    error = f"{type(exc).__name__}: {exc}"[:255]
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=error,
        status=MailStatus.FAILED if failed else MailStatus.QUEUED,
        next_attempt_at=None if failed else now + delay,
    )
    logger.warning(
        "Outbox message %s not sent (attempt %s of %s): %s",
        message.pk,
        attempts,
        settings.MAIL_MAX_ATTEMPTS,
        type(exc).__name__,
    )


def _email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = _CalendarEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.ics:
        # As Outlook, Google and Apple send invites: the calendar once as an alternative of
        # the body (shown inline with accept buttons) and once as invite.ics attachment.
        email.method = message.ics_method
        email.attach_alternative(message.ics, "text/calendar")
        email.attach(_calendar_part(message.ics, message.ics_method, attachment=True))
    return email


class _CalendarEmail(EmailMultiAlternatives):
    method = ""

    def _create_mime_attachment(self, content, mimetype):
        if mimetype == "text/calendar":
            return _calendar_part(content, self.method, attachment=False)
        return super()._create_mime_attachment(content, mimetype)


def _calendar_part(ics: str, method: str, *, attachment: bool) -> MIMEText:
    # Content-Type: text/calendar; charset="utf-8"; method=REQUEST; name="invite.ics"
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.set_param("name", "invite.ics")
    part.add_header("Content-Class", "urn:content-classes:calendarmessage")
    if attachment:
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


# --- Planned items --------------------------------------------------------------------------


def item_plan(
    *,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    attendees: Iterable,
    by,
    organiser=None,
    location: str = "",
    description: str = "",
    confidential: bool = False,
    obligation: bool = False,
) -> PlannedItem:
    """Plan an item for `attendees` (Users) and send each of them the invite."""
    _check_times(starts_at, ends_at)
    people = _unique(attendees)
    with transaction.atomic():
        item = PlannedItem.objects.create(
            kind=kind,
            title=title,
            description=description,
            location=location,
            starts_at=starts_at,
            ends_at=ends_at,
            confidential=confidential,
            obligation=obligation,
            organiser=organiser,
        )
        Attendance.objects.bulk_create(Attendance(item=item, user=user) for user in people)
        audit_record(
            action="planned_item.plan",
            actor=by,
            obj=item,
            confidential=item.confidential,
            changes={
                "kind": kind,
                "starts_at": _iso(starts_at),
                "ends_at": _iso(ends_at),
                "attendees": sorted(user.pk for user in people),
                "confidential": confidential,
                "obligation": obligation,
            },
        )
        _item_tell(item=item, users=people, change=Change.PLANNED)
    return item


def item_move(
    *,
    item: PlannedItem,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by,
    location: str | None = None,
) -> PlannedItem:
    """Move an item (and optionally its place); attendees get an update with SEQUENCE + 1."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.CANCELLED:
            raise ValueError("A cancelled item cannot be moved.")
        new_location = item.location if location is None else location
        old = {"starts_at": item.starts_at, "ends_at": item.ends_at, "location": item.location}
        new = {"starts_at": starts_at, "ends_at": ends_at, "location": new_location}
        if old == new:
            return item
        item.starts_at, item.ends_at, item.location = starts_at, ends_at, new_location
        item.sequence += 1
        item.save(update_fields=["starts_at", "ends_at", "location", "sequence", "updated_at"])
        if old["starts_at"] != starts_at:
            Attendance.objects.filter(item=item).update(reminded_at=None)  # remind of the new date
        changes = {
            key: [_iso(old[key]), _iso(new[key])]
            for key in ("starts_at", "ends_at")
            if old[key] != new[key]
        }
        if old["location"] != new_location:
            changes["location"] = [old["location"], new_location]
        audit_record(
            action="planned_item.move",
            actor=by,
            obj=item,
            changes=changes,
            confidential=item.confidential,
        )
        _item_tell(item=item, users=_attendee_users(item), change=Change.MOVED)
    return item


def item_cancel(*, item: PlannedItem, by) -> PlannedItem:
    """Cancel an item; attendees get METHOD:CANCEL. Cancelling twice does nothing."""
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.CANCELLED:
            return item
        item.status = ItemStatus.CANCELLED
        item.sequence += 1
        item.save(update_fields=["status", "sequence", "updated_at"])
        audit_record(
            action="planned_item.cancel",
            actor=by,
            obj=item,
            confidential=item.confidential,
            changes={"status": [ItemStatus.PLANNED, ItemStatus.CANCELLED]},
        )
        _item_tell(item=item, users=_attendee_users(item), change=Change.CANCELLED)
    return item


def item_attendees_set(*, item: PlannedItem, attendees: Iterable, by) -> PlannedItem:
    """Make `attendees` the item's attendees: newcomers get the invite, people taken off a
    METHOD:CANCEL naming only themselves. The others are not mailed."""
    people = _unique(attendees)
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.CANCELLED:
            raise ValueError("A cancelled item has no attendees to change.")
        current = {a.user_id: a.user for a in item.attendances.select_related("user")}
        wanted = {user.pk: user for user in people}
        added = [user for pk, user in wanted.items() if pk not in current]
        removed = [user for pk, user in current.items() if pk not in wanted]
        if not added and not removed:
            return item
        Attendance.objects.filter(item=item, user__in=removed).delete()
        Attendance.objects.bulk_create(Attendance(item=item, user=user) for user in added)
        item.sequence += 1
        item.save(update_fields=["sequence", "updated_at"])
        audit_record(
            action="planned_item.attendees",
            actor=by,
            obj=item,
            confidential=item.confidential,
            changes={"attendees": [sorted(current), sorted(wanted)]},
        )
        _item_tell(item=item, users=added, change=Change.PLANNED)
        for user in removed:
            _item_tell(
                item=item, users=[user], change=Change.CANCELLED, attendees=[user], removed=True
            )
    return item


def _item_tell(
    *, item: PlannedItem, users: Iterable, change: str, attendees=None, removed: bool = False
) -> None:
    """Tell each person about a change the way they chose; obligations always invite."""
    if attendees is None:
        attendees = _attendee_users(item)
    now = timezone.now()
    for user in users:
        if not user.is_active:
            continue
        preference = NotificationPreference.for_user(user)
        if not item.obligation and preference.mail_mode == MailMode.WEEKLY:
            DigestEntry.objects.create(user=user, item=item, change=change)
            continue
        if item.obligation or preference.invites:
            template, method = _INVITE[change]
            notify(
                user=user,
                template=template,
                context={"removed": removed},
                item=item,
                method=method,
                attendees=attendees,
            )
        else:
            notify(
                user=user,
                template="notice",
                context={"change": change, "removed": removed},
                item=item,
            )
        if change != Change.CANCELLED and item.starts_at - now <= _reminder_ahead():
            # The mail they just got is the reminder: do not send another one tomorrow.
            Attendance.objects.filter(item=item, user=user).update(reminded_at=now)


# --- Reminders and the weekly digest --------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind each attendee REMINDER_DAYS days before an item, once. Returns the count."""
    now = now or timezone.now()
    due = (
        Attendance.objects.filter(
            reminded_at__isnull=True,
            item__status=ItemStatus.PLANNED,
            item__starts_at__gt=now,
            item__starts_at__lte=now + _reminder_ahead(),
            user__is_active=True,
        )
        .select_related("item", "item__organiser", "user")
        .order_by("item__starts_at", "pk")
    )
    count = 0
    for attendance in list(due):  # read first: SQLite does not isolate a read while writing
        with transaction.atomic():
            # Only the run that sets reminded_at sends: running twice gives one mail.
            if not Attendance.objects.filter(pk=attendance.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            notify(user=attendance.user, template="reminder", context={}, item=attendance.item)
        count += 1
    return count


def digest_send(*, now: dt.datetime | None = None) -> int:
    """One mail per person listing their waiting changes, then marked sent. Returns the count."""
    now = now or timezone.now()
    waiting = DigestEntry.objects.filter(sent_at__isnull=True)
    count = 0
    for user_id in waiting.values_list("user_id", flat=True).distinct().order_by("user_id"):
        with transaction.atomic():
            entries = list(
                waiting.filter(user_id=user_id)
                .select_for_update()
                .select_related("user", "item")
                .order_by("created_at", "pk")
            )
            if not entries:
                continue  # another run took them
            user = entries[0].user
            DigestEntry.objects.filter(pk__in=[e.pk for e in entries]).update(sent_at=now)
            if not user.is_active or _digest_write(user=user, entries=entries) is None:
                continue
        count += 1
    return count


def _digest_write(*, user, entries: list[DigestEntry]) -> OutboxMessage | None:
    # One line per item. What the person never heard of is told as planned (planned, then
    # moved) or not at all (planned, then cancelled).
    changes: dict[int, tuple[str, str, PlannedItem]] = {}
    for entry in entries:
        first = changes.get(entry.item_id, (entry.change,))[0]
        changes[entry.item_id] = (first, entry.change, entry.item)
    rows = []
    for first, last, item in changes.values():
        if first == Change.PLANNED and last == Change.CANCELLED:
            continue
        rows.append((Change.PLANNED if first == Change.PLANNED else last, item))
    if not rows:
        return None
    rows.sort(key=lambda row: (row[1].starts_at, row[1].pk))
    with translation.override(user.language), timezone.override(ical.TIME_ZONE):
        lines = [
            {"change": change, "item": _item_context(item, user.language)} for change, item in rows
        ]
    return _outbox_write(
        user=user,
        template="digest",
        context={"entries": lines},
        item=None,
        ics="",
        method="",
        confidential=any(item.confidential for _, item in rows),
    )


# --- Helpers --------------------------------------------------------------------------------


def _attendee_users(item: PlannedItem) -> list:
    return [a.user for a in item.attendances.select_related("user").order_by("user_id")]


def _locked(item: PlannedItem) -> PlannedItem:
    # of=("self",): PostgreSQL cannot lock the nullable side of the organiser join.
    return (
        PlannedItem.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=item.pk)
    )


def _unique(users: Iterable) -> list:
    seen: dict[int, Any] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Times must be aware.")
    if ends_at <= starts_at:
        raise ValueError("An item must end after it starts.")


def _reminder_ahead() -> dt.timedelta:
    return dt.timedelta(days=settings.REMINDER_DAYS)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, ZoneInfo(ical.TIME_ZONE)).isoformat()
    return value


def outbox_retry_now(*, by, request=None, limit: int = 100) -> tuple[int, int]:
    """The office's "try again now": failed messages get one more try, waiting ones are made
    due, and up to `limit` are sent at once (the queue command sends the rest).

    Returns (sent, tried).
    """
    now = timezone.now()
    with transaction.atomic():
        failed = OutboxMessage.objects.filter(status=MailStatus.FAILED).update(
            status=MailStatus.QUEUED, next_attempt_at=None
        )
        # Not those a sender may hold at this moment (claimed up to SEND_LEASE ahead): they
        # would go twice.
        waiting = (
            OutboxMessage.objects.filter(status=MailStatus.QUEUED, next_attempt_at__isnull=False)
            .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__gt=now + 2 * SEND_LEASE))
            .update(next_attempt_at=None)
        )
        audit_record(
            action="outbox.retry",
            actor=by,
            object_type=OutboxMessage._meta.label_lower,
            changes={"failed_retried": failed, "waiting_made_due": waiting},
            request=request,
        )
    due = list(outbox_due(now=now)[:limit])
    return outbox_deliver(messages=due, now=now), len(due)
