"""Downloads of the dashboard: the overview as Excel or CSV and the management report as PDF,
for the whole organisation (the programme office) or one unit and everything below it (the
office, or the manager who leads it). They carry exactly what the pages show (report.Overview),
so they are not recorded in the audit trail: a GET writes nothing (R16), and no confidential
item leaves (R17)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from navolging.accounts.models import Role
from navolging.lib.access import roles_required

from . import access, exports, metrics, trends
from .report import Overview

dashboard_required = roles_required(Role.PROGRAMME_OFFICE, Role.MANAGER)

LANGUAGES = ("nl", "en")


def _language(request) -> str:
    """?taal=nl or ?taal=en; otherwise the language the user reads the application in."""
    asked = request.GET.get("taal", "")
    if asked in LANGUAGES:
        return asked
    current = (translation.get_language() or "nl").split("-")[0]
    return current if current in LANGUAGES else "nl"


def _subject(request, pk: int | None) -> exports.Subject:
    """The unit `pk` (None: the organisation) when this user may see it; 404 otherwise."""
    tree = metrics.current_tree()
    access.unit_for(request.user, pk, tree)
    return exports.subject(Overview(tree), pk)


def _download(kind: str, body, name: str):
    content_types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
        "pdf": "application/pdf",
    }
    response = HttpResponse(body, content_type=content_types[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@dashboard_required
def export_xlsx(request, pk: int | None = None):
    about = _subject(request, pk)
    language = _language(request)
    with translation.override(language):
        series = trends.unit_series(pk, about.overview.tree)
        body = exports.overview_xlsx(about, series)
        name = exports.filename(about, "overzicht", "xlsx")
    return _download("xlsx", body, name)


@require_GET
@dashboard_required
def export_csv(request, pk: int | None = None):
    about = _subject(request, pk)
    language = _language(request)
    text = io.StringIO(newline="")
    with translation.override(language):
        exports.overview_csv(about.overview, pk, text)
        name = exports.filename(about, "overzicht", "csv")
    body = text.getvalue().encode("utf-8")
    return _download("csv", body, name)


@require_GET
@dashboard_required
def report_pdf(request, pk: int | None = None):
    about = _subject(request, pk)
    language = _language(request)
    with translation.override(language):
        series = trends.unit_series(pk, about.overview.tree)
        body = exports.report_pdf(about, series)
        name = exports.filename(about, "rapport", "pdf")
    return _download("pdf", body, name)
