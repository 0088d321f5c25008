"""How a planned item shows outside the app (mail, invite, feed) and on its pages.

One place for the neutral form of confidential items (SECURITY R12): the subject and the
event title are "Afspraak" / "Appointment", there is no description and no third party.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import ical
from .models import PlannedItem


def item_title(item: PlannedItem, language: str) -> str:
    """The title in the reader's language; neutral for a confidential item."""
    with override(language):
        if item.confidential:
            return _("Appointment")
        return item.title or str(item.get_kind_display())


def item_inside_title(item: PlannedItem) -> str:
    """The real title, for attendees inside the app only; outside it is item_title."""
    return item.title or str(item.get_kind_display())


def item_description(item: PlannedItem) -> str:
    return "" if item.confidential else item.description


def item_url(item: PlannedItem) -> str:
    """A link with only the opaque UID in it; the page behind it needs a login."""
    return settings.SITE_URL + reverse("notifications:item", args=[item.uid])


def item_event(item: PlannedItem, *, language: str, attendees: list | None = None) -> ical.Event:
    """The calendar event for `item` as one reader sees it.

    `attendees` are Users; a feed passes none (the feed shows the person's own calendar).
    """
    people = tuple(ical.Person(name=u.display_name, email=u.email) for u in attendees or [])
    organiser = None
    if item.organiser is not None and _organiser_may_show(item):
        organiser = ical.Person(name=item.organiser.display_name, email=item.organiser.email)
    else:
        organiser = ical.Person(name="Navolging", email=settings.DEFAULT_FROM_ADDRESS)
    return ical.Event(
        uid=f"{item.uid}@navolging",
        sequence=item.sequence,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        summary=item_title(item, language),
        description=item_description(item),
        location=item.location,
        url=item_url(item),
        organiser=organiser,
        attendees=people,
        private=item.confidential,
        cancelled=item.status == "cancelled",
    )


def _organiser_may_show(item: PlannedItem) -> bool:
    # Whoever planned a confidential item without taking part (a coordinator, a manager) is a
    # third party: the invite then comes from Navolging itself (R12).
    return not item.confidential or item.attendances.filter(user_id=item.organiser_id).exists()
