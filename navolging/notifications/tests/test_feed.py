"""The private calendar feed: a long random token instead of a session (R10, R12)."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from navolging.notifications.models import Attendance, CalendarFeed, PlannedItem

SECRET = "Moeilijk gesprek met Kees over zijn gedrag"  # must never leave the app


def _item(*attendees, title="Intervisie MT Burgerzaken", days=3, **fields) -> PlannedItem:
    starts_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)
    item = PlannedItem.objects.create(
        kind=fields.pop("kind", "intervision"),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1, minutes=30),
        **fields,
    )
    for user in attendees:
        Attendance.objects.create(item=item, user=user)
    return item


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("notifications:feed", args=[feed.token])


def _events(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_a_calendar_app_reads_the_feed_without_a_session(cast):
    user = cast.employee.user
    item = _item(user, location="Stadskantoor, zaal 2")
    feed = CalendarFeed.objects.create(user=user)

    response = Client().get(_feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # a calendar app needs no cookie, and gets none
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["method"] == "PUBLISH"
    assert str(calendar["x-wr-calname"]) == "Navolging"
    event = _events(response)[f"{item.uid}@navolging"]
    assert str(event["summary"]) == "Intervisie MT Burgerzaken"
    assert str(event["location"]) == "Stadskantoor, zaal 2"
    assert event["dtstart"].dt == item.starts_at
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"


def test_a_calendar_app_may_ask_with_head(cast):
    feed = CalendarFeed.objects.create(user=cast.employee.user)
    assert Client().head(_feed_url(feed)).status_code == 200


def test_it_lists_only_that_persons_items(cast):
    mine = _item(cast.employee.user, cast.team_leader.user)
    not_mine = _item(cast.outsider.user, title="Intervisie Belastingen")
    feed = CalendarFeed.objects.create(user=cast.employee.user)

    # Whoever else is logged in in this browser does not matter: the token decides.
    response = _client_for(cast.outsider.user).get(_feed_url(feed))

    assert set(_events(response)) == {f"{mine.uid}@navolging"}
    assert str(not_mine.uid) not in response.content.decode()
    assert "Belastingen" not in response.content.decode()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_confidential_item_shows_only_in_its_neutral_form(cast):
    coach = cast.trainer
    employee = cast.employee.user
    item = _item(
        employee,
        coach,
        kind="consult",
        title=SECRET,
        description=f"{SECRET}, voorbereiding",
        confidential=True,
        organiser=coach,
    )
    feed = CalendarFeed.objects.create(user=employee)

    response = Client().get(_feed_url(feed))

    text = response.content.decode()
    assert "Moeilijk gesprek" not in text
    assert coach.display_name not in text and coach.email not in text
    event = _events(response)[f"{item.uid}@navolging"]
    assert str(event["summary"]) == "Afspraak"  # the employee reads Dutch
    assert str(event["class"]) == "PRIVATE"
    assert "description" not in event
    assert "attendee" not in event


def test_it_shows_the_last_30_days_and_what_is_coming_but_not_cancelled_items(cast):
    user = cast.employee.user
    recent = _item(user, days=-10)
    old = _item(user, days=-40)
    cancelled = _item(user, status="cancelled")
    feed = CalendarFeed.objects.create(user=user)

    uids = set(_events(Client().get(_feed_url(feed))))

    assert f"{recent.uid}@navolging" in uids
    assert f"{old.uid}@navolging" not in uids
    assert f"{cancelled.uid}@navolging" not in uids


def test_an_unknown_token_is_not_found(cast):
    CalendarFeed.objects.create(user=cast.employee.user)
    response = Client().get(reverse("notifications:feed", args=["x" * 43]))
    assert response.status_code == 404
    assert not response.cookies


def test_a_revoked_feed_is_not_found(cast):
    feed = CalendarFeed.objects.create(user=cast.employee.user, revoked_at=timezone.now())
    assert Client().get(_feed_url(feed)).status_code == 404


def test_after_renewing_only_the_new_address_works(cast, client_as):
    old = CalendarFeed.objects.create(user=cast.employee.user)

    client_as("employee").post(reverse("notifications:feed_renew"))

    new = CalendarFeed.objects.get(user=cast.employee.user, revoked_at__isnull=True)
    assert new.token != old.token
    assert Client().get(_feed_url(old)).status_code == 404
    assert Client().get(_feed_url(new)).status_code == 200


def test_after_stopping_the_address_no_longer_works(cast, client_as):
    feed = CalendarFeed.objects.create(user=cast.employee.user)
    client_as("employee").post(reverse("notifications:feed_revoke"))
    assert Client().get(_feed_url(feed)).status_code == 404


def test_the_feed_of_someone_who_may_no_longer_log_in_stops(cast):
    user = cast.employee.user
    feed = CalendarFeed.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get(_feed_url(feed)).status_code == 404


def test_the_feed_is_not_redirected_to_https_or_login_behind_the_proxy(cast, settings):
    settings.SECURE_SSL_REDIRECT = True
    feed = CalendarFeed.objects.create(user=cast.employee.user)
    response = Client().get(_feed_url(feed), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")
