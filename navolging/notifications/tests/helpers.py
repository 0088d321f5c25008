"""Reading what the notifications sent: the parsed invite, its attendees, all text of a mail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(days_ahead: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time `days_ahead` days from today, Amsterdam."""
    day = timezone.now().astimezone(AMSTERDAM).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def ics_of(message) -> icalendar.Calendar | None:
    """The invite.ics attachment of a sent mail, parsed; None without one."""
    for part in message.attachments:
        if getattr(part, "get_filename", lambda: None)() == "invite.ics":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return None


def event_of(message) -> icalendar.Event:
    return ics_of(message).walk("VEVENT")[0]


def attendee_emails(event) -> set[str]:
    values = event.get("attendee", [])
    if not isinstance(values, list):
        values = [values]
    return {str(v).lower().removeprefix("mailto:") for v in values}


def everything_in(message) -> str:
    """Subject, headers, text, HTML and every attachment of a sent mail, decoded."""
    parts = [message.subject, message.body, str(message.to), str(message.cc)]
    parts += [alternative.content for alternative in message.alternatives]
    for attachment in message.attachments:
        parts.append(attachment.get_payload(decode=True).decode())
    parts.append(message.message().as_string())
    return "\n".join(parts)
