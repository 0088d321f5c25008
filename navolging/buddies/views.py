"""Buddy pages: *Mijn buddy* for every employee, figures and pairing rounds for the programme
office. Who is paired with whom is shown only to the two (R11): the office and managers get
bands of five, never a name, a pair or a list."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.lib.access import login_required, programme_office_required
from navolging.lib.figures import bar, chart_top
from navolging.organisation.models import Person

from . import selectors, services
from .forms import ChoicesForm, PeopleForm, RhythmForm
from .models import BuddySettings, PairStatus, Participant


def _person(request) -> Person | None:
    person = request.user.person_or_none
    return person if person is not None and person.active else None


def _participant_or_404(request) -> Participant:
    person = _person(request)
    participant = selectors.participant_of(person) if person else None
    if participant is None:
        raise Http404
    return participant


# -- Mijn buddy ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def mine(request):
    person = _person(request)
    if person is None:
        if request.method == "POST":
            raise Http404
        return render(request, "buddies/no_person.html", {"active_nav": "buddy"})
    participant = selectors.participant_of(person)
    if request.method == "GET":
        return _mine_page(request, person, participant)
    return _save(request, person, participant)


def _save(request, person, participant):
    """Join or change one's choices; a search shows who it found and saves nothing."""
    choices = ChoicesForm(request.POST)
    people = PeopleForm(request.POST, person=person)
    # A search button (also Enter in a field) without a name typed anywhere saves.
    searching = request.POST.get("action") == "search" and people.queried
    valid = choices.is_valid() & people.is_valid()  # both, so every error shows
    if searching and valid:
        messages.info(request, _("Check the colleagues found, then save."))
    if searching or not valid:
        return _mine_page(
            request, person, participant, choices, people, status=200 if valid else 400
        )
    try:
        services.participant_save(
            person=person,
            **choices.cleaned_data,
            trusted=people.cleaned_data["trusted"],
            not_with=people.cleaned_data["not_with"],
            request=request,
        )
    except services.BuddyError:
        people.add_error(None, _("You can name at most three trusted colleagues."))
        return _mine_page(request, person, participant, choices, people, status=400)
    if participant is None:
        messages.success(
            request,
            _("Welcome to the buddy system! After the next pairing round you hear from us."),
        )
    else:
        messages.success(request, _("Your choices are saved."))
    return redirect("buddies:mine")


def _mine_page(request, person, participant, choices=None, people=None, status=200):
    situation = selectors.situation_of(participant) if participant else None
    if participant is not None and choices is None:
        choices = ChoicesForm(
            initial={
                "wishes": participant.wishes,
                "own_team_ok": participant.own_team_ok,
                "location": participant.location,
                "language": participant.language,
            }
        )
        people = PeopleForm(
            person=person,
            trusted=[t.person for t in participant.trusted.all() if t.person.active],
            not_with=[n.person for n in participant.not_with.all() if n.person.active],
        )
    context = {
        "person": person,
        "participant": participant,
        "situation": situation,
        "reasons": (
            selectors.reason_sentences(situation.pair, me=person, buddy=situation.buddy)
            if situation and situation.state == "proposal"
            else []
        ),
        "choices": choices or ChoicesForm(),
        "people": people or PeopleForm(person=person),
        "open_form": participant is None or status != 200 or request.method == "POST",
        "unit_figures": selectors.manager_figures(person),
        "active_nav": "buddy",
    }
    return render(request, "buddies/mine.html", context, status=status)


@require_POST
@login_required
def accept(request, pk: int):
    return _answer(request, pk, accept=True)


@require_POST
@login_required
def decline(request, pk: int):
    return _answer(request, pk, accept=False)


def _answer(request, pk: int, *, accept: bool):
    participant = _participant_or_404(request)
    pair = selectors.pair_for(participant.person, pk)
    try:
        pair = services.pair_answer(
            pair=pair, participant=participant, accept=accept, request=request
        )
    except services.BuddyError:
        messages.info(request, _("You already answered this proposal."))
        return redirect("buddies:mine")
    if pair is None:
        messages.success(
            request,
            _(
                "You declined the proposal. You will not be proposed to each other again. "
                "In the next round we look for another buddy for you."
            ),
        )
    elif pair.status == PairStatus.ACTIVE:
        messages.success(request, _("You both accepted: you are buddies now!"))
    else:
        messages.success(
            request, _("You accepted. When the other person accepts too, you are buddies.")
        )
    return redirect("buddies:mine")


@require_POST
@login_required
def end(request, pk: int):
    participant = _participant_or_404(request)
    pair = selectors.pair_for(participant.person, pk)
    if pair.status != PairStatus.ACTIVE:
        raise Http404
    services.pair_end(pair=pair, participant=participant, request=request)
    messages.success(
        request,
        _(
            "Your buddy pair has ended. You take part in the next pairing round, unless you "
            "leave the buddy system."
        ),
    )
    return redirect("buddies:mine")


@require_http_methods(["GET", "POST"])
@login_required
def leave(request):
    participant = _participant_or_404(request)
    if request.method == "GET":
        return render(request, "buddies/leave.html", {"active_nav": "buddy"})
    services.participant_leave(participant=participant, request=request)
    messages.success(
        request, _("You have left the buddy system. Everything you gave us for it is deleted.")
    )
    return redirect("buddies:mine")


# -- the programme office: figures only ------------------------------------------------------


def signup_url() -> str:
    return settings.SITE_URL + reverse("buddies:mine")


def qr_path(text: str) -> tuple[int, str]:
    """The QR code of `text` as (size, SVG path data): drawn by our own template, so no
    markup from a library goes into the page unescaped."""
    rows = list(segno.make(text, error="m").matrix_iter(scale=1, border=4))
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return len(rows), "".join(parts)


#: The bar chart over time: sizes in SVG units.
CHART_WIDTH, CHART_LABEL, CHART_BAR, CHART_ROW = 480, 110, 14, 40


def chart(moments) -> dict:
    """Bars for the figures over time: solid up to the lowest value of the band, light over
    the five values it may be (a band never shows a smaller number as exact)."""
    top = chart_top(m.taking_part for m in moments)
    room = CHART_WIDTH - CHART_LABEL - 10
    rows = []
    for k, moment in enumerate(moments):
        y = k * CHART_ROW + 4
        bars = []
        for j, figure in enumerate((moment.taking_part, moment.paired)):
            drawn = bar(figure, top=top, room=room)
            bars.append(
                {
                    "y": y + j * (CHART_BAR + 2),
                    "solid": drawn.solid,
                    "light_x": CHART_LABEL + drawn.solid,
                    "light": drawn.light,
                    "kind": "part" if j == 0 else "paired",
                }
            )
        rows.append({"moment": moment, "label_y": y + CHART_BAR + 2, "bars": bars})
    return {
        "rows": rows,
        "width": CHART_WIDTH,
        "height": len(moments) * CHART_ROW + 8,
        "x": CHART_LABEL,
    }


def _office_page(request, rhythm_form=None, status=200):
    link = signup_url()
    size, path = qr_path(link)
    whole, units = selectors.organisation_figures()
    moments = selectors.figures_over_time()
    announcements = {
        name: render_to_string(f"buddies/announcement/{name}.txt", {"link": link})
        for name in ("intranet_nl", "newsletter_nl", "intranet_en", "newsletter_en")
    }
    context = {
        "whole_rows": [whole, *units],
        "moments": moments,
        "chart": chart(moments) if moments else None,
        "rhythm_form": rhythm_form
        or RhythmForm(initial={"rhythm_weeks": BuddySettings.load().rhythm_weeks}),
        "link": link,
        "qr": {"size": size, "path": path},
        "announcements": announcements,
        "active_nav": "buddy_office",
    }
    return render(request, "buddies/office.html", context, status=status)


@require_GET
@programme_office_required
def office(request):
    return _office_page(request)


@require_POST
@programme_office_required
def round_run(request):
    if not selectors.enough_waiting():
        messages.info(request, _("No pairing round: not enough people are waiting."))
        return redirect("buddies:office")
    run = services.round_run(by=request.user, request=request)
    # Banded like every other figure: a round's own counts may be small too.
    messages.success(
        request,
        _("Pairing round done. People with a proposal: %(proposed)s; left over: %(left_over)s.")
        % {
            "proposed": selectors.shown(2 * run.proposed).text,
            "left_over": selectors.shown(run.left_over).text,
        },
    )
    return redirect("buddies:office")


@require_POST
@programme_office_required
def rhythm(request):
    form = RhythmForm(request.POST)
    if not form.is_valid():
        return _office_page(request, rhythm_form=form, status=400)
    services.settings_set(
        rhythm_weeks=form.cleaned_data["rhythm_weeks"], by=request.user, request=request
    )
    messages.success(request, _("Saved."))
    return redirect("buddies:office")
