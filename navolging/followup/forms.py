"""Forms for goals, themes, planning and recording sessions, and best practices."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import MomentForm, NLDSFormMixin

from .models import BestPractice, FollowUpSession, Goal, GoalProgress, Instrument, Theme
from .services import PracticeIn


class GoalForm(NLDSFormMixin, forms.Form):
    text_nl = forms.CharField(label=_("Goal in Dutch"), max_length=300)
    text_en = forms.CharField(
        label=_("Goal in English"),
        max_length=300,
        required=False,
        help_text=_("People who use Navolging in English see this. Empty: they see the Dutch."),
    )


class ThemeForm(NLDSFormMixin, forms.Form):
    name_nl = forms.CharField(label=_("Theme in Dutch"), max_length=100)
    name_en = forms.CharField(label=_("Theme in English"), max_length=100, required=False)


# -- planning ---------------------------------------------------------------------------------


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class SessionChooseForm(NLDSFormMixin, forms.Form):
    """Step one: for which unit, and what kind of session."""

    unit = UnitChoice(label=_("For which unit"), queryset=None, empty_label=None)
    scope = forms.ChoiceField(
        label=_("Who is it for"),
        choices=FollowUpSession._meta.get_field("scope").choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name + (f" ({_('trainer')})" if obj.is_trainer else "")


class SessionPlanForm(MomentForm):
    """Step two: when, where, who leads it and who is invited. Times are Dutch time."""

    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example: room 2.14, Stadskantoor, or a link to the online meeting."),
    )
    led_by = LeaderChoice(
        label=_("Who leads the session"),
        queryset=None,
        empty_label=None,
        help_text=_("This person records the outcome after the session."),
    )
    participants = PersonChoice(
        label=_("Participants"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone ticked gets an invitation for their calendar."),
    )

    def __init__(self, *args, leaders=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["led_by"].queryset = leaders
        self.fields["participants"].queryset = people
        self.fields["participants"].initial = list(people) if people is not None else []


# -- the record -------------------------------------------------------------------------------

_NOT_DISCUSSED = [("", _("Not discussed"))]


class RecordForm(NLDSFormMixin, forms.Form):
    """What the session found: a score and a remark per goal in use, what went well, and
    whether the team or MT needs more. `version` is the record's version the form was made on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, session: FollowUpSession, goals: list[Goal], **kwargs):
        existing = {p.goal_id: p for p in session.progress.all()}
        initial = {
            "version": session.version,
            "went_well": session.went_well,
            "needs_more": session.needs_more,
            "need_what": session.need_what,
            "need_why": session.need_why,
        }
        for goal in goals:
            found = existing.get(goal.pk)
            initial[f"score_{goal.pk}"] = found.score if found else ""
            initial[f"remark_{goal.pk}"] = found.remark if found else ""
        super().__init__(*args, initial=initial, **kwargs)
        language = get_language() or "nl"
        self.goals = goals
        for goal in goals:
            self.fields[f"score_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.text(language),
                choices=_NOT_DISCUSSED + list(GoalProgress.Score.choices),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"remark_{goal.pk}"] = forms.CharField(
                label=_("Remark on this goal"), max_length=500, required=False
            )
        self.fields["went_well"] = forms.CharField(
            label=_("What went well"),
            widget=forms.Textarea(attrs={"rows": 5}),
            required=False,
            max_length=5000,
        )
        self.fields["needs_more"] = forms.BooleanField(
            label=_("The team or MT needs more: extra, tailored training"), required=False
        )
        self.fields["need_what"] = forms.CharField(
            label=_("What is needed"),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=5000,
        )
        self.fields["need_why"] = forms.CharField(
            label=_("Why"),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=5000,
        )
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("needs_more"):
            for name in ("need_what", "need_why"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Fill this in when the team or MT needs more."))
        return data

    def progress(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {g.pk: (data[f"score_{g.pk}"], data[f"remark_{g.pk}"]) for g in self.goals}


class ThemeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name(get_language() or "nl")


class PracticeForm(NLDSFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("The story"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("What happened, what did you do, and what did it bring? Keep it short."),
    )
    themes = ThemeChoice(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    shared = forms.BooleanField(
        label=_("Share with the whole organisation"),
        required=False,
        help_text=_("Not ticked: only you can read it."),
    )
    anonymous = forms.BooleanField(
        label=_("Publish without my name"),
        required=False,
        help_text=_("Nobody sees that you wrote it: not on the page, not in a list or export."),
    )

    def practice(self) -> PracticeIn:
        data = self.cleaned_data
        return PracticeIn(
            title=data["title"],
            text=data["text"],
            themes=list(data["themes"]),
            instrument=data.get("instrument") or Instrument.FOLLOWUP,
            shared=data["shared"],
            anonymous=data["anonymous"],
        )

    @staticmethod
    def initial_for(practice: BestPractice) -> dict:
        return {
            "title": practice.title,
            "text": practice.text,
            "themes": list(practice.themes.all()),
            "instrument": practice.instrument,
            "shared": practice.shared,
            "anonymous": practice.anonymous,
        }


class SessionPracticeForm(PracticeForm):
    """A best practice written in the record of a session: its instrument is the session."""

    instrument = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("Title of the best practice")


PracticeFormSet = forms.formset_factory(SessionPracticeForm, extra=1, max_num=5)


class PracticeFilterForm(forms.Form):
    """The library's search: words in title or text, a theme, an instrument."""

    q = forms.CharField(label=_("Search in title and text"), required=False, max_length=200)
    thema = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("All")
    )
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=[("", _("All"))] + list(Instrument.choices), required=False
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class SessionMoveForm(MomentForm):
    """Another date, time or place for a session that has not started."""

    location = forms.CharField(label=_("Place"), max_length=200, required=False)
