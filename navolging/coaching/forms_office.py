"""The programme office's forms for team coaching: choosing a coach, a coach's profile and the
organisation's settings. The rules themselves live in services.py; these forms only read the
input and turn a service's refusal into a message on the right field."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import NLDSFormMixin

from .services import CoachingError

#: Texts the organisation types in for the counsellor and the complaints procedure.
TEXT_AT_MOST = 2000


class AssignForm(NLDSFormMixin, forms.Form):
    """One coach for one team. `options` are the coaches to choose from (see views.office)."""

    coach = forms.TypedChoiceField(
        label=_("Coach"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a coach."),
            "invalid_choice": _("Choose a coach from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when the coach is not one of the trainers of this team's base programme."
        ),
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {option.user.pk: option for option in options}
        self.fields["coach"].choices = [
            (option.user.pk, option.user.display_name) for option in options
        ]

    def clean_coach(self):
        return self.options[self.cleaned_data["coach"]].user

    def refused(self, error: CoachingError) -> None:
        """Show why the service refused, on the field it is about."""
        if error.code == "reason_needed":
            self.add_error(
                "reason",
                _(
                    "This coach is not one of the trainers of the team's base programme. "
                    "Write down why you choose them."
                ),
            )
        elif error.code == "over_capacity":
            self.add_error(
                "coach",
                _(
                    "This coach already has %(capacity)s teams, the most they can take on. "
                    "Choose another coach, or first give this coach room for more teams."
                )
                % {"capacity": error.params.get("capacity", "")},
            )
        elif error.code == "not_a_trainer":
            self.add_error(
                "coach", _("This person is not an active trainer. Choose another coach.")
            )
        elif error.code == "not_a_team":
            self.add_error(
                None,
                _("This team is no longer in the organisation chart, so it cannot get a coach."),
            )
        else:
            raise error


def _whole_number(low: int, high: int) -> dict:
    message = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return {key: message for key in ("invalid", "min_value", "max_value", "required")}


class CoachProfileForm(NLDSFormMixin, forms.Form):
    capacity = forms.IntegerField(
        label=_("Teams at most"),
        min_value=0,
        max_value=50,
        help_text=_("How many teams this coach can take on."),
        error_messages=_whole_number(0, 50),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        help_text=_("Shown to the teams of this coach, so they can call."),
        validators=[
            RegexValidator(
                r"^[0-9+()\- ]*$",
                _("Use only digits, spaces and + - ( ). For example: 06 12345678."),
            )
        ],
    )
    takes_consults = forms.BooleanField(
        label=_("Open to consults from any team"),
        required=False,
        help_text=_("Employees from other teams may choose this coach for a confidential consult."),
    )

    def clean_phone(self) -> str:
        return " ".join(self.cleaned_data["phone"].split())


class SettingsForm(NLDSFormMixin, forms.Form):
    visit_every_weeks = forms.IntegerField(
        label=_("Weeks between two visits to a team, at most"),
        min_value=1,
        max_value=52,
        help_text=_(
            "For example 13: a visit to every team at least once a quarter. A team without a "
            "visit for longer is shown as behind the rhythm."
        ),
        error_messages=_whole_number(1, 52),
    )
    counsellor_nl = forms.CharField(
        label=_("Confidential counsellor, in Dutch"),
        required=False,
        max_length=TEXT_AT_MOST,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who the confidential counsellor is and how to reach them."),
    )
    counsellor_en = forms.CharField(
        label=_("Confidential counsellor, in English"),
        required=False,
        max_length=TEXT_AT_MOST,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to show the Dutch text to everyone."),
    )
    complaints_nl = forms.CharField(
        label=_("Complaints procedure, in Dutch"),
        required=False,
        max_length=TEXT_AT_MOST,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where the complaints procedure is and how to file a complaint."),
    )
    complaints_en = forms.CharField(
        label=_("Complaints procedure, in English"),
        required=False,
        max_length=TEXT_AT_MOST,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to show the Dutch text to everyone."),
    )
