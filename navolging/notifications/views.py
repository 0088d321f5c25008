"""My agenda, the private calendar feed, one planned item, and the outbox for the office."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_GET, require_POST, require_safe

from navolging.audit.services import audit_record
from navolging.lib.access import login_required, programme_office_required, public
from navolging.lib.figures import shown

from . import ical, presentation, selectors, subscriptions
from .forms import PreferenceForm
from .models import Attendance, NotificationPreference, PlannedItem
from .services import outbox_retry_now

#: At most this many messages are sent while the office waits; the queue run sends the rest.
RETRY_AT_ONCE = 100


def _get_item_for_user(user, uid) -> PlannedItem:
    """An item only its attendees may know exists: anyone else gets 404 (STYLE 6, R10)."""
    item = PlannedItem.objects.for_user(user).select_related("organiser").filter(uid=uid).first()
    if item is None:
        raise Http404
    return item


def _feed_urls(feed) -> dict[str, str]:
    if feed is None:
        return {}
    url = settings.SITE_URL + reverse("notifications:feed", args=[feed.token])
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


def _agenda_page(request, form: PreferenceForm, status: int = 200):
    now = timezone.now()
    items = [
        (item, presentation.item_inside_title(item))
        for item in selectors.agenda_items(request.user, now=now)
    ]
    context = {
        "upcoming": [(i, t) for i, t in items if i.ends_at >= now],
        "past": [(i, t) for i, t in items if i.ends_at < now],
        "days_back": selectors.AGENDA_DAYS_BACK,
        "feed": selectors.live_feed(request.user),
        "form": form,
        "active_nav": "agenda",
    }
    context.update(_feed_urls(context["feed"]))
    return render(request, "notifications/agenda.html", context, status=status)


@require_GET
@login_required
def agenda(request):
    """What is planned for me, my calendar feed and my notification choices."""
    form = PreferenceForm(instance=NotificationPreference.for_user(request.user))
    return _agenda_page(request, form)


@require_POST
@login_required
def preferences(request):
    form = PreferenceForm(request.POST, instance=NotificationPreference.for_user(request.user))
    if not form.is_valid():
        return _agenda_page(request, form, status=400)
    subscriptions.preference_save(user=request.user, **form.cleaned_data, request=request)
    messages.success(request, _("Your choices are saved."))
    return redirect("notifications:agenda")


@require_POST
@login_required
def feed_renew(request):
    """Makes the feed, or gives it a new address: the old address stops working."""
    had_feed = selectors.live_feed(request.user) is not None
    subscriptions.feed_renew(user=request.user, request=request)
    if had_feed:
        text = _("Your calendar has a new address. Subscribe again with the new address.")
    else:
        text = _("Your calendar address is ready. Use it to subscribe in your calendar app.")
    messages.success(request, text)
    return redirect(reverse("notifications:agenda") + "#feed")


@require_POST
@login_required
def feed_revoke(request):
    if subscriptions.feed_revoke(user=request.user, request=request):
        messages.success(request, _("Your calendar address no longer works."))
    return redirect(reverse("notifications:agenda") + "#feed")


@public  # calendar apps have no session: the long random token is the key
@require_safe
def feed(request, token: str):
    """The person's items as an iCalendar feed (METHOD:PUBLISH)."""
    calendar_feed = selectors.feed_by_token(token)
    if calendar_feed is None:
        # Plain text: no page, no session, no cookie for a calendar app to trip over.
        response = HttpResponseNotFound(b"Not found", content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response
    user = calendar_feed.user
    language = user.language or settings.LANGUAGE_CODE
    events = [_feed_event(item, language) for item in selectors.agenda_items(user)]
    with override(language):
        name = _("Navolging")
    response = HttpResponse(
        ical.calendar("PUBLISH", events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="navolging.ics"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _feed_event(item: PlannedItem, language: str) -> ical.Event:
    event = presentation.item_event(item, language=language)
    if item.confidential:
        # The feed may end up in a shared or delegated calendar: not even the coach's name.
        event = dataclasses.replace(event, organiser=None)
    return event


def _record_read(request, item: PlannedItem, action: str) -> None:
    # Every view or download of a confidential item is recorded (R17), in the confidential
    # part of the log that neither the office nor an administrator lists.
    if item.confidential:
        audit_record(
            action=action, actor=request.user, obj=item, request=request, confidential=True
        )


@require_GET
@login_required
def item_detail(request, uid):
    """One planned item, for its attendees only (the link in mails and calendar events)."""
    item = _get_item_for_user(request.user, uid)
    _record_read(request, item, "planned_item.view")
    others = [
        attendance.user
        for attendance in Attendance.objects.filter(item=item)
        .exclude(user=request.user)
        .select_related("user__person")
        .order_by("user__name", "user__email")
    ]
    context = {
        "item": item,
        "title": presentation.item_inside_title(item),
        "neutral_title": presentation.item_title(item, request.LANGUAGE_CODE),
        "description": item.description,
        "others": others,
        "active_nav": "agenda",
    }
    return render(request, "notifications/item_detail.html", context)


@require_GET
@login_required
def item_ics(request, uid):
    """One item as an .ics file to add to a calendar by hand (METHOD:PUBLISH, same UID as the
    mailed invite, so later updates still land on it). Attendees only, like the page."""
    item = _get_item_for_user(request.user, uid)
    _record_read(request, item, "planned_item.download")
    event = _feed_event(item, request.LANGUAGE_CODE)
    response = HttpResponse(
        ical.calendar("PUBLISH", [event]), content_type="text/calendar; charset=utf-8"
    )
    filename = f"navolging-{timezone.localtime(item.starts_at):%Y-%m-%d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@programme_office_required
def outbox(request):
    """What waits or failed. Confidential messages only as a count: never to whom or what."""
    summary = selectors.outbox_summary()
    open_messages = list(selectors.outbox_open())
    context = {
        "summary": summary,
        # Always shown, as bands: "fewer than 5" for none as for four, so no consult shows.
        "confidential_waiting": shown(summary["confidential_waiting"]).text,
        "confidential_failed": shown(summary["confidential_failed"]).text,
        "open_messages": open_messages,
        "not_shown": summary["waiting"] + summary["failed"] - len(open_messages),
        "active_nav": "outbox",
    }
    return render(request, "notifications/outbox.html", context)


@require_POST
@programme_office_required
def outbox_retry(request):
    """Tries waiting and failed messages now, confidential ones included (unseen)."""
    sent, tried = outbox_retry_now(by=request.user, request=request, limit=RETRY_AT_ONCE)
    messages.success(
        request,
        _("%(sent)s of %(tried)s messages sent. The rest are tried again automatically.")
        % {"sent": sent, "tried": tried},
    )
    return redirect("notifications:outbox")
