from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from navolging.accounts.models import Role
from navolging.buddies import selectors as buddy_selectors
from navolging.coaching import selectors as coaching_selectors
from navolging.lib.access import login_required, public
from navolging.organisation.models import OrganisationSettings


@require_GET
@login_required
def home(request):
    """'Mijn pagina': what the instruments hold for me."""
    person = request.user.person_or_none
    context = {"person": person, "roles": role_labels(request.user, request.LANGUAGE_CODE)}
    if person is not None:
        context.update(
            unit=person.unit,
            manager=person.manager(),
            # A manager sees the base-programme status of the units they lead.
            headed_units=person.headed_units.filter(active=True)
            .prefetch_related("base_programmes")
            .order_by("name"),
            buddy_state=buddy_selectors.home_state(person) if person.active else None,
            coach=coaching_selectors.coach_of(person) if person.active else None,
        )
    return render(request, "home.html", context)


def role_labels(user, language: str) -> list[str]:
    """The user's roles as words; the AS role carries the label the organisation chose."""
    labels = []
    for role in Role:
        if user.has_role(role):
            if role == Role.AS:
                labels.append(OrganisationSettings.load().as_label(language))
            else:
                labels.append(str(role.label))
    return labels


@public
@require_GET
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@public
@require_GET
def security_txt(request):
    expires = (timezone.now() + timedelta(days=180)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        f"Contact: {settings.SECURITY_CONTACT}\n"
        f"Expires: {expires}\n"
        "Preferred-Languages: nl, en\n"
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
