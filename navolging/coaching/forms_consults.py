"""Forms of the confidential consult pages: asking a coach, and the coach's time."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from navolging.accounts.models import User
from navolging.lib.forms import MomentForm, NLDSFormMixin

from .models import ConsultTopic

#: A short message is enough to prepare the conversation; the rest is said in person.
MESSAGE_AT_MOST = 1000
PREFERRED_TIMES_AT_MOST = 200


class ConsultRequestForm(NLDSFormMixin, forms.Form):
    coach = forms.TypedChoiceField(
        label=_("Which coach do you want to talk to?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a coach."),
            "invalid_choice": _("Choose one of the coaches in the list."),
        },
    )
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=ConsultTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what it is about."),
            "invalid_choice": _("Choose what it is about."),
        },
    )
    message = forms.CharField(
        label=_("A short message for the coach"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MESSAGE_AT_MOST,
        required=False,
        error_messages={
            "max_length": _("Your message is too long. Use at most %(limit_value)s characters.")
        },
    )
    preferred_times = forms.CharField(
        label=_("When suits you?"),
        max_length=PREFERRED_TIMES_AT_MOST,
        required=False,
        help_text=_("For example: Tuesday afternoon, or Thursday morning before 11."),
        error_messages={"max_length": _("Use at most %(limit_value)s characters.")},
    )

    def __init__(self, *args, coaches: list[User], own: User | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coaches = {coach.pk: coach for coach in coaches}
        self.fields["coach"].choices = [
            (coach.pk, self._label(coach, own=own is not None and coach.pk == own.pk))
            for coach in coaches
        ]
        if own is not None:
            self.fields["coach"].initial = own.pk
        # Here, not on the field: the number goes into the text in the reader's language.
        self.fields["message"].help_text = gettext(
            "At most %(count)s characters. Do not write names if you do not need to: "
            "you can tell the coach more in the conversation."
        ) % {"count": MESSAGE_AT_MOST}
        self.style_fields()  # the help text above is new: link it to the field

    @staticmethod
    def _label(coach: User, *, own: bool) -> str:
        if own:
            return gettext("%(name)s (the coach of your team)") % {"name": coach.display_name}
        return coach.display_name

    def clean_coach(self) -> User:
        return self.coaches[self.cleaned_data["coach"]]


class ConsultTimeForm(MomentForm):
    """The coach's time for the conversation, in Amsterdam time."""

    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A room, or a video call. Only you and the person who asked see it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].label, self.fields["end"].label = _("From"), _("Until")
