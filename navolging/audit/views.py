from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from navolging.lib.access import programme_office_required

from .models import AuditEvent


@require_GET
@programme_office_required
def event_list(request):
    """The audit trail, newest first; read-only by design."""
    events = AuditEvent.objects.listable()
    action = request.GET.get("actie", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(
        request, "audit/event_list.html", {"page": page, "action": action, "active_nav": "audit"}
    )
