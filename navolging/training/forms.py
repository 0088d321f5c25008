"""Forms for tailored training. Forms that change what the others agree on carry the request's
`version` in a hidden field (R22): the service refuses a stale one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from navolging.accounts.models import User
from navolging.lib.forms import MomentForm, NLDSFormMixin
from navolging.organisation.models import Unit

from .services import scopes_for

_WHAT_HELP = _("For example: a training on giving and receiving feedback for the whole team.")
_WHY_HELP = _("What did you see or hear that makes this needed? What should it bring?")


def target_choices(units: list[Unit]) -> list[tuple[str, str]]:
    choices = []
    for unit in units:
        for scope in scopes_for(unit):
            label = (
                unit.name
                if scope == "team"
                else _("Management team of %(unit)s") % {"unit": unit.name}
            )
            choices.append((f"{unit.pk}:{scope}", str(label)))
    return choices


class NeedForm(NLDSFormMixin, forms.Form):
    """What is needed and why: the heart of a request, new or changed."""

    what = forms.CharField(
        label=_("What is needed"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_WHAT_HELP,
    )
    why = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_WHY_HELP,
    )


class RequestForm(NeedForm):
    """A new request: for which team or MT, what is needed and why."""

    field_order = ["target", "what", "why"]
    target = forms.ChoiceField(label=_("For which team or management team"), choices=[])
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["target"].choices = target_choices(units)

    def unit_and_scope(self) -> tuple[Unit, str]:
        pk, scope = self.cleaned_data["target"].split(":")
        return self.units[int(pk)], scope


class EditForm(NeedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(NLDSFormMixin, forms.Form):
    """Submit: nothing to fill in but the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ProposalForm(NLDSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Yes: this activity")), ("no", _("No: nothing extra is needed now"))],
        widget=forms.RadioSelect,
    )
    activity = forms.CharField(
        label=_("Activity"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("With yes: what the team or MT will do, for example two workshops."),
    )
    trainer = forms.ModelChoiceField(
        label=_("Trainer"),
        queryset=User.objects.filter(is_trainer=True, is_active=True).order_by("name", "email"),
        required=False,
        help_text=_("With yes. The head trainer, unless you choose another trainer."),
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=0.5,
        max_value=9999,
        decimal_places=1,
        help_text=_("With yes: how many hours in total, for example 6 or 7.5."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("With no: why nothing extra is needed now."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        required = _("Fill this in.")
        if data["decision"] == "yes":
            for name in ("activity", "starts_on", "ends_on", "hours"):
                if not data.get(name):
                    self.add_error(name, required)
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if starts and ends and ends < starts:
                self.add_error("ends_on", _("The end date cannot be before the start date."))
        elif not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for no."))
        return data


class ViewForm(NLDSFormMixin, forms.Form):
    """Agree or not with the current proposal; which button was pressed says which."""

    remark = forms.CharField(
        label=_("Remark"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Needed when you do not agree: say what should be different."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SendBackForm(NLDSFormMixin, forms.Form):
    remark = forms.CharField(
        label=_("Remark for the manager"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What should the manager change before submitting it again?"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(MomentForm):
    """Date, times and place; times are Dutch time (Europe/Amsterdam)."""

    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example: room 2.14, Stadskantoor, or a link to the online meeting."),
    )


class EvaluationForm(NLDSFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How useful was it?"),
        coerce=int,
        choices=[
            (1, _("1 – not useful")),
            (2, _("2 – a little useful")),
            (3, _("3 – useful")),
            (4, _("4 – very useful")),
            (5, _("5 – extremely useful")),
        ],
        widget=forms.RadioSelect,
    )
    remark = forms.CharField(
        label=_("Remark"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("What went well, what could be better?"),
    )
