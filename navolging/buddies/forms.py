from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import NLDSFormMixin
from navolging.organisation.models import Person

from . import selectors
from .models import Wish
from .services import MAX_TRUSTED

#: Places on the private "not with" list.
MAX_NOT_WITH = 3


class ChoicesForm(NLDSFormMixin, forms.Form):
    wishes = forms.MultipleChoiceField(
        label=_("What would you like from a buddy?"),
        choices=Wish.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick one or more. We look for a buddy who fits."),
    )
    own_team_ok = forms.BooleanField(
        label=_("A buddy from my own team is fine"), required=False, initial=True
    )
    location = forms.CharField(
        label=_("Where you usually work"),
        max_length=100,
        required=False,
        help_text=_("For example: Stadskantoor. A buddy at the same place is easier to meet."),
    )
    language = forms.ChoiceField(
        label=_("The language you like to talk in"),
        choices=[("", _("No preference")), ("nl", _("Dutch")), ("en", _("English"))],
        required=False,
    )

    def clean_location(self) -> str:
        text = " ".join(self.cleaned_data["location"].split())
        return text[:1].upper() + text[1:]


@dataclass
class Slot:
    """One place for a colleague: who is in it, and what a search found."""

    group: str  # "trusted" or "not_with"
    number: int
    found: list[Person] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.group}_{self.number}"

    @property
    def query(self) -> str:
        return f"{self.name}_q"


def _label(person: Person) -> str:
    return f"{person.full_name} ({person.unit.name})"


class PeopleForm(NLDSFormMixin, forms.Form):
    """Trusted colleagues and the private "not with" list, found by name without JavaScript.

    Each place has a search field and, once there is someone to choose, radio buttons: the
    person in it now, the people the search found, or no one. A search that finds exactly one
    person fills the place at once.
    """

    def __init__(self, *args, person: Person, trusted=(), not_with=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.slots = [Slot("trusted", n) for n in range(1, MAX_TRUSTED + 1)]
        self.slots += [Slot("not_with", n) for n in range(1, MAX_NOT_WITH + 1)]
        initial = {"trusted": list(trusted), "not_with": list(not_with)}
        #: A name was typed in a search field (before a search that found one filled it in).
        self.queried = False
        if self.is_bound:
            self.data = self.data.copy()
            self.queried = any(self.data.get(s.query, "").strip() for s in self.slots)
        for slot in self.slots:
            current = self._current(slot, initial[slot.group])
            if self.is_bound:
                text = self.data.get(slot.query, "").strip()
                if text:
                    slot.found = selectors.people_search(text, asking=person)
                    if len(slot.found) == 1:  # found: into the place, the search is done
                        current = slot.found[0]
                        self.data[slot.name] = str(current.pk)
                        self.data[slot.query] = ""
                        slot.found = []
            options = ([current] if current else []) + [
                p for p in slot.found[: selectors.SEARCH_LIMIT] if p != current
            ]
            self.fields[slot.name] = forms.ChoiceField(
                label=self._legend(slot),
                choices=[(str(p.pk), _label(p)) for p in options] + [("", _("No one"))],
                widget=forms.RadioSelect,
                required=False,
                initial=str(current.pk) if current else "",
            )
            self.fields[slot.query] = forms.CharField(
                label=_("Search by name"), max_length=100, required=False
            )
        self.style_fields()

    def _current(self, slot: Slot, chosen: list[Person]) -> Person | None:
        if not self.is_bound:
            return chosen[slot.number - 1] if len(chosen) >= slot.number else None
        pk = self.data.get(slot.name, "")
        if not str(pk).isdigit():
            return None
        found = Person.objects.active().exclude(pk=self.person.pk).select_related("unit")
        return found.filter(pk=pk).first()

    @staticmethod
    def _legend(slot: Slot) -> str:
        if slot.group == "trusted":
            return _("Trusted colleague %(number)s") % {"number": slot.number}
        return _("Colleague %(number)s") % {"number": slot.number}

    def rows(self, group: str) -> list[tuple[Slot, forms.BoundField, forms.BoundField]]:
        return [(s, self[s.name], self[s.query]) for s in self.slots if s.group == group]

    @property
    def trusted_rows(self):
        return self.rows("trusted")

    @property
    def not_with_rows(self):
        return self.rows("not_with")

    def clean(self):
        data = super().clean()
        chosen: dict[str, list[Person]] = {"trusted": [], "not_with": []}
        people = {
            p.pk: p
            for p in Person.objects.filter(
                pk__in=[data[s.name] for s in self.slots if data.get(s.name)]
            )
        }
        for slot in self.slots:
            value = int(data.get(slot.name) or 0)
            if data.get(slot.query) and value not in {p.pk for p in slot.found}:
                self.add_error(slot.query, self._search_error(slot))
            elif value in people and people[value] not in chosen[slot.group]:
                chosen[slot.group].append(people[value])
        for person in set(chosen["trusted"]) & set(chosen["not_with"]):
            self.add_error(
                None,
                _(
                    "You chose %(name)s both as a trusted colleague and as someone you do not "
                    "want as a buddy. Choose one of the two."
                )
                % {"name": person.full_name},
            )
        data["trusted"], data["not_with"] = chosen["trusted"], chosen["not_with"]
        return data

    @staticmethod
    def _search_error(slot: Slot) -> str:
        if not slot.found:
            return _("Nobody found with this name. Check the spelling or type only a part.")
        if len(slot.found) > selectors.SEARCH_LIMIT:
            return _("More than %(count)s colleagues match. Type more of the name.") % {
                "count": selectors.SEARCH_LIMIT
            }
        return _("Several colleagues match. Choose who you mean.")


class RhythmForm(NLDSFormMixin, forms.Form):
    rhythm_weeks = forms.IntegerField(
        label=_("Weeks between two pairing rounds"),
        min_value=0,
        max_value=52,
        help_text=_("Every day we check whether a round is due. 0 means: only when you start one."),
        error_messages={
            "invalid": _("Give a whole number from 0 to 52."),
            "min_value": _("Give a whole number from 0 to 52."),
            "max_value": _("Give a whole number from 0 to 52."),
            "required": _("Give a whole number from 0 to 52."),
        },
    )
