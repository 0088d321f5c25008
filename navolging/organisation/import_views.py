"""Imports from the web, for the programme office: the HR export (upload -> column mapping ->
preview -> apply) and the base programme status (upload -> preview -> apply).

The uploaded file waits under MEDIA_ROOT/imports with a random UUID name; the session says
which tokens belong to this user, so nobody can reach another upload and no path ever comes
from the browser.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.intervision.amend import amend_summary, rounds_amend_running
from navolging.lib.access import programme_office_required
from navolging.lib.forms import NLDSFormMixin

from .importing import base_programme, fields
from .importing.display import plan_display
from .importing.messages import FileRefused
from .importing.reader import Table, check_size
from .importing.services import (
    BaseProgrammeImportInvalid,
    HRImportInvalid,
    base_programme_import_apply,
    base_programme_import_preview,
    hr_import_apply,
    hr_import_current_state,
    hr_import_plan,
    hr_import_read,
    import_mapping_for,
    import_mapping_save,
    import_upload_delete,
    import_upload_load,
    import_upload_store,
)
from .importing.services import render as render_problem
from .models import ProgrammeScope

SESSION_KEY = "hr_imports"
KEEP_UPLOADS = 5
SAMPLE_SIZE = 20
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "hr-export.csv"
BASE_PROGRAMME_EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "base-programme.csv"
# Which import an upload is for; an upload is only ever opened by the pages of its own kind.
HR, BASE_PROGRAMME = "hr", "base_programme"


class UploadForm(NLDSFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HR export"),
        help_text=gettext_lazy("A .csv or .xlsx file, with one row per employee."),
    )


class BaseProgrammeUploadForm(UploadForm):
    file = forms.FileField(
        label=gettext_lazy("Base programme status"),
        help_text=gettext_lazy("A .csv or .xlsx file, with one row per team or management team."),
    )


def _mapping_form(headers: list[str], table: Table):
    """One choice per column of the file; the example value helps to recognise it."""
    choices = [("", _("(do not use)"))] + [(f.name, _(f.label)) for f in fields.FIELDS]
    form_fields = {}
    for index, header in enumerate(headers):
        example = next((row[index] for row in table.rows[:50] if row[index]), "")
        form_fields[f"col_{index}"] = forms.ChoiceField(
            label=header,
            choices=choices,
            required=False,
            help_text=_("For example: %(value)s") % {"value": example[:60]} if example else "",
        )
    return type("MappingForm", (NLDSFormMixin, forms.Form), form_fields)


def _uploads(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _load(request, token: uuid.UUID, kind: str = HR) -> tuple[dict, Table]:
    meta = _uploads(request).get(str(token))
    data = import_upload_load(token=token) if meta is not None else None
    if meta is None or data is None or meta.get("kind", HR) != kind:
        raise Http404
    return meta, hr_import_read(data=data, filename=meta["filename"])


def _remember(request, token: uuid.UUID, meta: dict) -> None:
    uploads = dict(_uploads(request))
    uploads[str(token)] = meta
    for old in list(uploads)[:-KEEP_UPLOADS]:
        import_upload_delete(token=uuid.UUID(old))
        del uploads[old]
    request.session[SESSION_KEY] = uploads


def _forget(request, token: uuid.UUID) -> None:
    import_upload_delete(token=token)
    uploads = dict(_uploads(request))
    uploads.pop(str(token), None)
    request.session[SESSION_KEY] = uploads


def _store(request, form: forms.Form, kind: str) -> uuid.UUID | None:
    """Check the uploaded file and keep it for the next steps. None, with the reason on the
    form, when the file is refused; then nothing is stored."""
    upload_file = form.cleaned_data["file"]
    try:
        # Refuse by the declared size before reading a byte of a huge file.
        check_size(upload_file.size, max_bytes=settings.IMPORT_MAX_BYTES)
        data = upload_file.read(settings.IMPORT_MAX_BYTES + 1)
        hr_import_read(data=data, filename=upload_file.name)
    except FileRefused as refused:
        form.add_error("file", render_problem(refused.problem))
        return None
    token = import_upload_store(data=data)
    suffix = ".xlsx" if upload_file.name.lower().endswith(".xlsx") else ".csv"
    meta = {"filename": f"upload{suffix}", "name": upload_file.name[:100], "kind": kind}
    _remember(request, token, meta)
    return token


@require_http_methods(["GET", "POST"])
@programme_office_required
def upload(request):
    if request.method == "GET" and request.GET.get("voorbeeld") == "csv":
        return FileResponse(EXAMPLE.open("rb"), as_attachment=True, filename="hr-export.csv")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        token = _store(request, form, HR)
        if token is not None:
            return redirect("organisation:import_mapping", token=token)
    return render(
        request,
        "organisation/import_upload.html",
        {
            "form": form,
            "columns": [(_(f.label), ", ".join(f.aliases[:3])) for f in fields.FIELDS],
            "active_nav": "import",
        },
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def mapping(request, token: uuid.UUID):
    meta, table = _load(request, token)
    initial, was_saved = import_mapping_for(headers=table.headers)
    if meta.get("mapping"):
        initial = meta["mapping"]
    form_class = _mapping_form(table.headers, table)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={f"col_{i}": initial.get(h, "") for i, h in enumerate(table.headers)},
    )
    if request.method == "POST" and form.is_valid():
        chosen = {h: form.cleaned_data[f"col_{i}"] for i, h in enumerate(table.headers)}
        problems = fields.check_mapping(chosen)
        for problem in problems:
            form.add_error(None, render_problem(problem))
        if not problems:
            import_mapping_save(
                headers=table.headers, mapping=chosen, by=request.user, request=request
            )
            _remember(request, token, {**meta, "mapping": chosen})
            return redirect("organisation:import_preview", token=token)
    shape = fields.detect_shape(initial)
    return render(
        request,
        "organisation/import_mapping.html",
        {
            "form": form,
            "token": token,
            "name": meta.get("name", ""),
            "was_saved": was_saved,
            "rows": len(table.rows),
            "shape": [_(line) for line in shape.describe()] if shape else [],
            "active_nav": "import",
        },
    )


@require_http_methods(["GET"])
@programme_office_required
def preview(request, token: uuid.UUID):
    meta, table = _load(request, token)
    if not meta.get("mapping"):
        return redirect("organisation:import_mapping", token=token)
    state = hr_import_current_state()
    plan = hr_import_plan(table=table, mapping=meta["mapping"], state=state)
    return render(
        request,
        "organisation/import_preview.html",
        {
            "token": token,
            "name": meta.get("name", ""),
            "rows": len(table.rows),
            **plan_display(plan, state, SAMPLE_SIZE),
            "active_nav": "import",
        },
    )


@require_POST
@programme_office_required
def apply(request, token: uuid.UUID):
    meta, table = _load(request, token)
    if not meta.get("mapping"):
        return redirect("organisation:import_mapping", token=token)
    try:
        with transaction.atomic():
            plan = hr_import_apply(
                table=table,
                mapping=meta["mapping"],
                by=request.user,
                request=request,
                filename=meta.get("name", ""),
            )
            amended = rounds_amend_running(by=request.user, request=request)
    except HRImportInvalid:
        messages.error(request, _("The file has errors; nothing was changed."))
        return redirect("organisation:import_preview", token=token)
    _forget(request, token)
    counts = plan.counts()
    messages.success(
        request,
        _(
            "Import done. People: %(people_new)s new, %(people_changed)s changed, %(people_gone)s "
            "left. Units: %(units_new)s new, %(units_changed)s changed, %(units_gone)s gone."
        )
        % counts,
    )
    for line in amend_summary(amended):
        messages.info(request, line)
    return redirect("organisation:import_upload")


# -- base programme status --------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@programme_office_required
def base_programme_upload(request):
    if request.method == "GET" and request.GET.get("voorbeeld") == "csv":
        example = BASE_PROGRAMME_EXAMPLE.open("rb")
        return FileResponse(example, as_attachment=True, filename="base-programme.csv")
    post = request.method == "POST"
    form = (
        BaseProgrammeUploadForm(request.POST, request.FILES) if post else BaseProgrammeUploadForm()
    )
    if post and form.is_valid():
        token = _store(request, form, BASE_PROGRAMME)
        if token is not None:
            return redirect("organisation:base_programme_import_preview", token=token)
    columns = [
        (_(label), ", ".join(base_programme.COLUMNS[name][:2]))
        for name, label in base_programme.LABELS.items()
    ]
    return render(
        request,
        "organisation/base_programme_import_upload.html",
        {"form": form, "columns": columns, "active_nav": "import"},
    )


@require_GET
@programme_office_required
def base_programme_preview(request, token: uuid.UUID):
    meta, table = _load(request, token, BASE_PROGRAMME)
    problems, changes = base_programme_import_preview(table=table)
    return render(
        request,
        "organisation/base_programme_import_preview.html",
        {
            "token": token,
            "name": meta.get("name", ""),
            "errors": [render_problem(p) for p in problems],
            "changes": [(c, ProgrammeScope(c.row.scope).label) for c in changes if c.changed],
            "unchanged": sum(1 for c in changes if not c.changed),
            "active_nav": "import",
        },
    )


@require_POST
@programme_office_required
def base_programme_apply(request, token: uuid.UUID):
    meta, table = _load(request, token, BASE_PROGRAMME)
    try:
        count = base_programme_import_apply(
            table=table, by=request.user, request=request, filename=meta.get("name", "")
        )
    except BaseProgrammeImportInvalid:
        messages.error(request, _("The file has errors; nothing was changed."))
        return redirect("organisation:base_programme_import_preview", token=token)
    _forget(request, token)
    messages.success(
        request,
        ngettext(
            "Base programme status imported: %(count)s row.",
            "Base programme status imported: %(count)s rows.",
            count,
        )
        % {"count": count},
    )
    return redirect("organisation:tree")
