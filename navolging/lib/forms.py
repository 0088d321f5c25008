from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_WIDGET_CLASSES = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.FileInput: "utrecht-textbox utrecht-textbox--html-input nv-file",
}


class NLDSFormMixin:
    """Gives every widget its NL Design System class and the ARIA links to help and errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Also for forms that add fields after __init__."""
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "utrecht-textbox utrecht-textbox--html-input",
            )
            widget.attrs.setdefault("class", css)
            self._describe(name, invalid=False)

    def full_clean(self) -> None:
        # Marked after validation, not in __init__: reading self.errors there would validate
        # before a form has finished setting up its fields (e.g. a queryset set in __init__).
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self._describe(name, invalid=True)

    def _describe(self, name: str, *, invalid: bool) -> None:
        field = self.fields[name]
        described = []
        if field.help_text:
            described.append(f"id_{self.add_prefix(name)}_help")
        if invalid:
            described.append(f"id_{self.add_prefix(name)}_error")
        if described and not isinstance(
            field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            field.widget.attrs["aria-describedby"] = " ".join(described)


class MomentForm(NLDSFormMixin, forms.Form):
    """A date with a start and end time in Dutch time (Europe/Amsterdam), in the future: the
    one place for when a visit, session, consult or training takes place."""

    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give a date."), "invalid": _("Give a valid date.")},
    )
    start = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Give a time."), "invalid": _("Give a valid time.")},
    )
    end = forms.TimeField(
        label=_("End time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Give a time."), "invalid": _("Give a valid time.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            if data["end"] <= data["start"]:
                self.add_error("end", _("The end time must be later than the start time."))
            elif self.starts_at() <= timezone.now():
                self.add_error("day", _("Choose a moment in the future."))
        return data

    def _at(self, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["day"], time, timezone.get_default_timezone())

    def starts_at(self) -> dt.datetime:
        return self._at(self.cleaned_data["start"])

    def ends_at(self) -> dt.datetime:
        return self._at(self.cleaned_data["end"])
