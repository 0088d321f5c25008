"""What a page may show of the buddy system (R11), always starting from the person asking.

Who is paired with whom is only ever read through `pair_for` and `situation_of`, which start
from one of the two. Figures are bands of five (navolging/lib/figures.py), never a person or a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from navolging.lib.figures import Shown, shown
from navolging.organisation.models import Person, Unit, UnitKind

from . import pairing, services
from .models import Count, Pair, PairStatus, Participant, Wish

#: The person picker shows at most this many names; more means: type more of the name.
SEARCH_LIMIT = 10


def participant_of(person: Person) -> Participant | None:
    return (
        Participant.objects.filter(person=person)
        .prefetch_related("trusted__person__unit", "not_with__person__unit")
        .first()
    )


def pair_for(person: Person, pk: int) -> Pair:
    """A pair or proposal `person` is in; anyone else gets 404, as if it did not exist."""
    pairs = Pair.objects.filter(Q(first__person=person) | Q(second__person=person))
    return get_object_or_404(
        pairs.select_related("first__person__unit", "second__person__unit"), pk=pk
    )


@dataclass(frozen=True)
class Situation:
    """Where a participant stands, as they alone may see it."""

    pair: Pair | None = None
    buddy: Person | None = None  # the other one of the pair or proposal
    accepted: bool = False  # this participant accepted the proposal

    @property
    def state(self) -> str:
        if self.pair is None:
            return "waiting"
        return "paired" if self.pair.status == PairStatus.ACTIVE else "proposal"


def situation_of(participant: Participant) -> Situation:
    pair = (
        Pair.objects.of(participant)
        .select_related("first__person__unit", "second__person__unit")
        .first()
    )
    if pair is None:
        return Situation()
    mine = pair.first_id == participant.pk
    buddy = (pair.second if mine else pair.first).person
    accepted = pair.first_accepted if mine else pair.second_accepted
    return Situation(pair=pair, buddy=buddy, accepted=accepted)


def enough_waiting() -> bool:
    """Whether at least two active participants are in no pair or proposal (a round needs
    two; the count itself is not shown)."""
    return Participant.objects.waiting()[:2].count() == 2


def home_state(person: Person) -> str:
    """One word for the buddy block on Mijn pagina: none, waiting, proposal or paired."""
    participant = Participant.objects.filter(person=person).first()
    return "none" if participant is None else situation_of(participant).state


def people_search(text: str, *, asking: Person) -> list[Person]:
    """Active colleagues by name for the person picker: one more than SEARCH_LIMIT, so the
    page can say there are more."""
    found = Person.objects.active().search(text).exclude(pk=asking.pk).select_related("unit")
    return list(found[: SEARCH_LIMIT + 1])


# -- the reasons of a proposal, as sentences for one of the two --------------------------------


def language_name(code: str) -> str:
    if code == "nl":
        return _("Dutch")
    if code == "en":
        return _("English")
    return code


def _wish_sentence(wish: str) -> str:
    sentences = {
        pairing.LISTENING_EAR: _("You would both like a listening ear."),
        pairing.SHARE_EXPERIENCE: _("You both want to share your experience."),
        pairing.NEW_IN_ROLE: _("You are both finding your way in a new job."),
        pairing.OTHER_DEPARTMENT: _(
            "You both want to learn from another part of the organisation, and you work in "
            "different departments."
        ),
        pairing.CAREER: _("You both want to talk about growth and career."),
    }
    if wish in sentences:
        return sentences[wish]
    label = dict(Wish.choices).get(wish, wish)
    return _("You both hope for: %(wish)s.") % {"wish": label}


def _reason_sentence(code: str, params: dict, *, me: int, buddy: Person) -> str | None:
    """One reason from the point of view of `me` (a person pk). A reason that names anyone
    but the two is left out: a proposal never tells about a third person."""
    name = buddy.full_name

    def who(pk) -> str | None:
        return "me" if pk == me else "buddy" if pk == buddy.pk else None

    if code == pairing.MUTUAL_CHOICE:
        return _("You named each other as a colleague you trust.")
    if code == pairing.NAMED_BY:
        by, named = who(params.get("by")), who(params.get("named"))
        if (by, named) == ("me", "buddy"):
            return _("You named %(name)s as a colleague you trust.") % {"name": name}
        if (by, named) == ("buddy", "me"):
            return _("%(name)s named you as a colleague they trust.") % {"name": name}
        return None
    if code == pairing.WAITED:
        rounds = int(params.get("rounds") or 1)
        person = who(params.get("person"))
        if person == "me":
            return ngettext(
                "You were not paired in the last round, so you went first this time.",
                "You were not paired in the last %(count)s rounds, so you went first this time.",
                rounds,
            ) % {"count": rounds}
        if person == "buddy":
            return ngettext(
                "%(name)s was not paired in the last round, so they went first this time.",
                "%(name)s was not paired in the last %(count)s rounds, so they went first "
                "this time.",
                rounds,
            ) % {"count": rounds, "name": name}
        return None
    if code == pairing.SHARED_WISH:
        return _wish_sentence(str(params.get("wish", "")))
    if code == pairing.EXPERIENCE_FOR_NEW:
        new, old = who(params.get("new")), who(params.get("experienced"))
        if (new, old) == ("me", "buddy"):
            return _(
                "You are new in your job, and %(name)s would like to share their experience."
            ) % {"name": name}
        if (new, old) == ("buddy", "me"):
            return _(
                "%(name)s is new in their job, and you would like to share your experience."
            ) % {"name": name}
        return None
    if code == pairing.SAME_LOCATION:
        return _("You both work at %(location)s.") % {"location": params.get("location", "")}
    if code == pairing.SAME_LANGUAGE:
        return _("You both like to talk in %(language)s.") % {
            "language": language_name(str(params.get("language", "")))
        }
    if code == pairing.SAME_TEAM:
        return _("You work in the same team, and you both said that is fine.")
    return None


def reason_sentences(pair: Pair, *, me: Person, buddy: Person) -> list[str]:
    sentences = []
    for reason in pair.reasons or []:
        text = _reason_sentence(
            reason.get("code", ""), reason.get("params") or {}, me=me.pk, buddy=buddy
        )
        if text and text not in sentences:
            sentences.append(text)
    return sentences


# -- figures: bands of five, never a person ----------------------------------------------------


@dataclass(frozen=True)
class Figures:
    label: str
    level: int  # depth below the first row shown, for indenting
    taking_part: Shown
    waiting: Shown
    paired: Shown


def _figures(label: str, level: int, counts: tuple[int, int]) -> Figures:
    part, paired = counts
    return Figures(label, level, shown(part), shown(part - paired), shown(paired))


def counts_today() -> dict[int | None, tuple[int, int]]:
    """Unit pk (None: the organisation) -> (taking part, paired): today's recorded figures,
    or, when none were recorded yet today, the same figures worked out now without storing
    them (a page that is only read writes nothing)."""
    rows = Count.objects.filter(day=timezone.localdate()).values_list(
        "unit_id", "taking_part", "paired"
    )
    if rows.exists():
        return {unit: (part, paired) for unit, part, paired in rows}
    return {unit: (part, paired) for unit, (part, paired) in services.counts_now().items()}


def _active_tree() -> tuple[dict[int, dict], dict[int | None, list[int]]]:
    units = {
        u["pk"]: u
        for u in Unit.objects.filter(active=True).values("pk", "name", "kind", "parent_id")
    }
    children: dict[int | None, list[int]] = {}
    for pk, unit in sorted(units.items(), key=lambda item: item[1]["name"].lower()):
        parent = unit["parent_id"] if unit["parent_id"] in units else None
        children.setdefault(parent, []).append(pk)
    return units, children


def _walk(start: list[int], children, units, kinds: set[str] | None, level: int = 0):
    for pk in start:
        keep = kinds is None or units[pk]["kind"] in kinds
        if keep:
            yield pk, level
        yield from _walk(children.get(pk, []), children, units, kinds, level + keep)


def organisation_figures() -> tuple[Figures, list[Figures]]:
    """For the programme office: the whole organisation, then each directorate and department
    in the order of the chart."""
    counts = counts_today()
    units, children = _active_tree()
    kinds = {UnitKind.DIRECTORATE, UnitKind.DEPARTMENT}
    rows = [
        _figures(units[pk]["name"], level, counts.get(pk, (0, 0)))
        for pk, level in _walk(children.get(None, []), children, units, kinds, level=1)
    ]
    return _figures(_("The whole organisation"), 0, counts.get(None, (0, 0))), rows


def manager_figures(person: Person) -> list[Figures]:
    """For a manager: each unit they lead and every unit below it. Empty for anyone else."""
    units, children = _active_tree()
    headed = list(person.headed_units.filter(active=True).values_list("pk", flat=True))
    below = {
        pk
        for top in headed
        for pk, _level in _walk(children.get(top, []), children, units, kinds=None)
    }
    tops = sorted(
        (pk for pk in headed if pk in units and pk not in below),
        key=lambda pk: units[pk]["name"].lower(),
    )
    if not tops:
        return []
    counts = counts_today()
    return [
        _figures(units[pk]["name"], level, counts.get(pk, (0, 0)))
        for pk, level in _walk(tops, children, units, None)
    ]


@dataclass(frozen=True)
class Moment:
    day: date
    taking_part: Shown
    waiting: Shown
    paired: Shown


def figures_over_time(months: int = 12) -> list[Moment]:
    """The organisation's recorded figures: the last recorded day of each month, at most
    `months` of them, oldest first."""
    since = timezone.localdate() - timedelta(days=31 * months)
    last_of_month: dict[tuple[int, int], Count] = {}
    for row in Count.objects.filter(unit__isnull=True, day__gte=since).order_by("day"):
        last_of_month[(row.day.year, row.day.month)] = row
    rows = sorted(last_of_month.values(), key=lambda row: row.day)[-months:]
    return [
        Moment(row.day, shown(row.taking_part), shown(row.waiting), shown(row.paired))
        for row in rows
    ]
