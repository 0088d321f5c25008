"""iCalendar files that Outlook, Google Calendar and Apple Calendar accept (RFC 5545).

Plain Python, no Django: the services hand in plain data and get bytes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar

TIME_ZONE = "Europe/Amsterdam"
PRODID = "-//Navolging//Follow-up//NL"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Event:
    uid: str
    sequence: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    organiser: Person | None = None
    attendees: tuple[Person, ...] = field(default_factory=tuple)
    private: bool = False
    cancelled: bool = False
    stamp: dt.datetime | None = None  # DTSTAMP; now when not given


def calendar(method: str, events: list[Event], *, name: str = "") -> bytes:
    """A VCALENDAR with the given METHOD (REQUEST, CANCEL, or PUBLISH for a feed)."""
    zone = ZoneInfo(TIME_ZONE)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TIME_ZONE)
    cal.add_component(_amsterdam())  # before the events: Outlook reads it first
    for event in events:
        cal.add_component(_vevent(event, method, zone))
    return cal.to_ical()


def _amsterdam() -> icalendar.Timezone:
    """Europe/Amsterdam as Outlook itself writes it: two yearly rules (EU summer time since
    1996), not the long list of dates a tz database conversion gives."""
    zone = icalendar.Timezone()
    zone.add("tzid", TIME_ZONE)
    for name, kind, month, offset_from, offset_to in (
        ("CET", icalendar.TimezoneStandard, 10, dt.timedelta(hours=2), dt.timedelta(hours=1)),
        ("CEST", icalendar.TimezoneDaylight, 3, dt.timedelta(hours=1), dt.timedelta(hours=2)),
    ):
        part = kind()
        part.add("tzname", name)
        part.add(
            "dtstart", dt.datetime(1996, month, 27 if month == 10 else 31, 3 if month == 10 else 2)
        )
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def _vevent(event: Event, method: str, zone: ZoneInfo) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", (event.stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("class", "PRIVATE" if event.private else "PUBLIC")
    cancelled = event.cancelled or method == "CANCEL"
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if event.organiser is not None:
        vevent.add("organizer", _address(event.organiser))
    for person in event.attendees:
        attendee = _address(person)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "FALSE"
        vevent.add("attendee", attendee, encode=False)
    return vevent


def _address(person: Person) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = icalendar.vText(person.name)
    return address
