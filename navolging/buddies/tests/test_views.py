"""Buddy pages: joining with the person picker, answering, ending, leaving, the office's figures
and, above all, that nobody but the two ever learns who is paired with whom (R11)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from navolging.audit.models import AuditEvent
from navolging.buddies import pairing, services
from navolging.buddies.models import (
    BuddySettings,
    Count,
    Declined,
    NotWith,
    Pair,
    PairStatus,
    Participant,
    Trusted,
)
from navolging.buddies.tests.helpers import join
from navolging.lib.testing import make_person
from navolging.notifications.models import OutboxMessage

#: Everyone who is not one of the two buddies (employee and outsider in `paired`).
OTHERS = ["team_leader", "manager", "office", "admin", "trainer", "as_adviser"]


def nl(text: str) -> str:
    """The Dutch the page shows, HTML-escaped as the template writes it."""
    with translation.override("nl"):
        return escape(gettext(text))


def names(*people) -> list[str]:
    return [text for p in people for text in (p.full_name, p.email)]


@pytest.fixture
def proposed(cast) -> Pair:
    """The employee and the outsider named each other; the employee privately excluded the
    director. A round proposed the two."""
    join(cast.employee, trusted=[cast.outsider], not_with=[cast.director])
    join(cast.outsider, trusted=[cast.employee])
    services.round_run(by=cast.office)
    return Pair.objects.get()


@pytest.fixture
def paired(cast, proposed) -> Pair:
    for person in (cast.employee, cast.outsider):
        services.pair_answer(
            pair=Pair.objects.get(), participant=person.buddy_participant, accept=True
        )
    pair = Pair.objects.get()
    assert pair.status == PairStatus.ACTIVE
    return pair


def page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code in (200, 403, 404), name
    return response.content.decode()


# -- joining and the person picker --------------------------------------------------------------


def test_a_login_without_a_person_gets_a_friendly_explanation(cast, client_as):
    client = client_as("office")
    body = page(client, "buddies:mine")
    assert (
        nl(
            "The buddy system is for employees of the organisation. Your login is not linked "
            "to an employee in the HR data, so you cannot join."
        )
        in body
    )
    assert client.post(reverse("buddies:mine"), {"action": "save"}).status_code == 404
    assert client.get(reverse("buddies:leave")).status_code == 404


def test_the_page_explains_the_buddy_system_before_joining(cast, client_as):
    body = page(client_as("employee"), "buddies:mine")
    assert nl("Taking part is voluntary. You can stop at any time.") in body
    assert nl("This list is private.") in body
    assert 'name="trusted_1_q"' in body and 'name="not_with_3_q"' in body


def test_an_employee_joins_and_a_name_with_one_match_is_filled_in(cast, client_as):
    client = client_as("employee")
    response = client.post(
        reverse("buddies:mine"),
        {
            "action": "save",
            "wishes": [pairing.LISTENING_EAR, pairing.CAREER],
            "own_team_ok": "on",
            "location": "  stadskantoor ",
            "language": "nl",
            "trusted_1_q": "Jansen",
            "not_with_1_q": "ineke bakker",
        },
        follow=True,
    )

    participant = Participant.objects.get(person=cast.employee)
    assert participant.wishes == sorted([pairing.LISTENING_EAR, pairing.CAREER])
    assert participant.location == "Stadskantoor"
    assert [t.person for t in participant.trusted.all()] == [cast.outsider]
    assert [n.person for n in participant.not_with.all()] == [cast.director]
    body = response.content.decode()
    assert nl("Welcome to the buddy system! After the next pairing round you hear from us.") in (
        body
    )
    assert nl("You take part") in body
    assert "Kees Jansen (Afdeling Belastingen)" in body  # their own choice, shown to them


def test_search_shows_who_was_found_before_saving(cast, client_as):
    response = client_as("employee").post(
        reverse("buddies:mine"), {"action": "search", "trusted_1_q": "Jansen"}
    )

    assert response.status_code == 200
    assert not Participant.objects.exists()
    body = response.content.decode()
    assert f'value="{cast.outsider.pk}"' in body and "checked" in body
    assert nl("Check the colleagues found, then save.") in body


def test_several_matches_ask_to_choose_and_show_only_name_and_unit_of_active_people(
    cast, client_as
):
    one = make_person("3001", "Sanne", "Visser", cast.team)
    other = make_person("3002", "Sem", "Visser", cast.other_department)
    gone = make_person("3003", "Saar", "Visser", cast.team, active=False)
    client = client_as("employee")

    response = client.post(reverse("buddies:mine"), {"action": "save", "trusted_1_q": "visser"})

    assert response.status_code == 400
    assert not Participant.objects.exists()
    body = response.content.decode()
    assert nl("Several colleagues match. Choose who you mean.") in body
    assert "Sanne Visser (Team Balie)" in body and "Sem Visser (Afdeling Belastingen)" in body
    assert gone.full_name not in body
    assert one.email not in body and "3001" not in body  # name and unit, nothing else

    response = client.post(
        reverse("buddies:mine"),
        {"action": "save", "trusted_1_q": "visser", "trusted_1": str(other.pk)},
    )
    assert response.status_code == 302
    assert Trusted.objects.get().person == other


def test_nobody_found_and_a_colleague_in_both_lists_get_a_clear_message(cast, client_as):
    client = client_as("employee")
    response = client.post(reverse("buddies:mine"), {"action": "save", "trusted_1_q": "Xyzzy"})
    assert response.status_code == 400
    assert nl("Nobody found with this name. Check the spelling or type only a part.") in (
        response.content.decode()
    )

    response = client.post(
        reverse("buddies:mine"),
        {"action": "save", "trusted_1": str(cast.outsider.pk), "not_with_2": cast.outsider.pk},
    )
    assert response.status_code == 400
    assert "Kees Jansen" in response.content.decode()
    assert not Participant.objects.exists()


def test_one_cannot_pick_oneself_or_a_leaver(cast, client_as):
    gone = make_person("3003", "Saar", "Visser", cast.team, active=False)
    client = client_as("employee")
    body = client.post(
        reverse("buddies:mine"), {"action": "search", "trusted_1_q": "van den berg"}
    ).content.decode()
    assert nl("Nobody found with this name. Check the spelling or type only a part.") in body

    response = client.post(
        reverse("buddies:mine"),
        {"action": "save", "trusted_1": str(cast.employee.pk), "trusted_2": str(gone.pk)},
    )
    assert response.status_code == 400  # not among the choices
    assert not Participant.objects.exists()


def test_a_participant_changes_their_choices(cast, client_as):
    join(cast.employee, trusted=[cast.outsider])
    client = client_as("employee")
    body = page(client, "buddies:mine")
    assert f'value="{cast.outsider.pk}" class' in body or f'value="{cast.outsider.pk}"' in body

    response = client.post(
        reverse("buddies:mine"), {"action": "save", "trusted_1": "", "language": "en"}, follow=True
    )

    participant = Participant.objects.get()
    assert participant.language == "en" and not participant.trusted.exists()
    assert nl("Your choices are saved.") in response.content.decode()


# -- a proposal, a pair, ending and leaving ---------------------------------------------------


def test_both_see_the_proposal_with_the_reasons_and_accept(cast, client_as, proposed):
    employee, outsider = client_as("employee"), client_as("outsider")
    body = page(outsider, "buddies:mine")
    assert nl("A buddy proposal for you") in body
    assert "Jan van den Berg" in body
    assert nl("You named each other as a colleague you trust.") in body
    assert cast.employee.email not in body  # the e-mail address only once they are buddies

    response = employee.post(reverse("buddies:accept", args=[proposed.pk]), follow=True)
    assert nl("You accepted. When the other person accepts too, you are buddies.") in (
        response.content.decode()
    )
    response = outsider.post(reverse("buddies:accept", args=[proposed.pk]), follow=True)

    assert Pair.objects.get().status == PairStatus.ACTIVE
    body = response.content.decode()
    assert nl("You both accepted: you are buddies now!") in body
    assert cast.employee.email in body and "Team Balie" in body
    assert cast.outsider.email in page(employee, "buddies:mine")


def test_declining_needs_no_reason_and_the_proposal_is_gone(cast, client_as, proposed):
    response = client_as("outsider").post(
        reverse("buddies:decline", args=[proposed.pk]), follow=True
    )
    assert response.status_code == 200
    assert not Pair.objects.exists() and Declined.objects.count() == 1
    assert nl("You take part") in response.content.decode()


def test_accepting_twice_gives_a_message_not_an_error(cast, client_as, paired):
    response = client_as("employee").post(reverse("buddies:accept", args=[paired.pk]), follow=True)
    assert response.status_code == 200
    assert nl("You already answered this proposal.") in response.content.decode()


def test_a_buddy_ends_the_pair(cast, client_as, paired):
    response = client_as("outsider").post(reverse("buddies:end", args=[paired.pk]), follow=True)
    assert not Pair.objects.exists()
    assert Participant.objects.count() == 2
    body = response.content.decode()
    assert nl("You take part") in body and cast.employee.email not in body


def test_leaving_asks_once_then_deletes_everything_of_the_person(cast, client_as, paired):
    join(cast.team_leader, trusted=[cast.employee])
    Declined.objects.create(
        first=min(cast.employee.buddy_participant, cast.team_leader.buddy_participant, key=_pk),
        second=max(cast.employee.buddy_participant, cast.team_leader.buddy_participant, key=_pk),
    )
    client = client_as("employee")
    body = page(client, "buddies:leave")
    assert nl("Yes, leave the buddy system") in body
    assert Participant.objects.filter(person=cast.employee).exists()  # GET changes nothing

    response = client.post(reverse("buddies:leave"), follow=True)

    assert not Participant.objects.filter(person=cast.employee).exists()
    assert not Trusted.objects.filter(person=cast.outsider).exists()
    assert not NotWith.objects.exists()
    assert not Pair.objects.exists() and not Declined.objects.exists()
    assert Trusted.objects.filter(person=cast.employee).exists()  # the team leader's own choice
    event = AuditEvent.objects.get(action="buddy.leave")
    assert event.confidential and event.changes == {} and event.object_id == ""
    stored = json.dumps([event.changes, event.object_label, event.object_id])
    for pk in (cast.outsider.pk, paired.pk, cast.outsider.buddy_participant.pk):
        assert f": {pk}" not in stored and f'"{pk}"' not in stored
    assert cast.outsider.full_name not in event.object_label
    assert nl("You have left the buddy system. Everything you gave us for it is deleted.") in (
        response.content.decode()
    )


def _pk(participant: Participant) -> int:
    return participant.pk


# -- R11: nobody else finds the pair ----------------------------------------------------------


@pytest.mark.parametrize("role", OTHERS)
def test_nobody_else_sees_who_is_paired_with_whom(cast, client_as, paired, role):
    client = client_as(role)
    pages = ["home", "buddies:mine", "buddies:office", "notifications:outbox", "audit:list"]
    for name in pages:
        body = page(client, name)
        for text in names(cast.employee, cast.outsider):
            assert text not in body, f"{role} sees {text} on {name}"
    me = client.get("/api/me").content.decode()
    assert "buddy" not in me.lower()


@pytest.mark.parametrize("role", [*OTHERS, "director", "third"])
@pytest.mark.parametrize("action", ["buddies:accept", "buddies:decline", "buddies:end"])
def test_the_actions_of_someone_elses_pair_are_404(cast, client, proposed, role, action):
    if role == "director":
        user = cast.director.user
    elif role == "third":  # a participant with a proposal of their own
        third, fourth = (
            make_person(f"40{k}", name, "Derde", cast.other_department)
            for k, name in enumerate(["Cas", "Dewi"])
        )
        join(third, trusted=[fourth])
        join(fourth, trusted=[third])
        services.round_run(by=cast.office)
        user = third.user
    else:
        user = cast.user(role)
    client.force_login(user)

    assert client.post(reverse(action, args=[proposed.pk])).status_code == 404
    assert Pair.objects.get(pk=proposed.pk).status == PairStatus.PROPOSED


def test_the_office_page_shows_bands_only(cast, client_as, paired):
    body = page(client_as("office"), "buddies:office")
    for text in names(cast.employee, cast.outsider, cast.director):
        assert text not in body
    assert nl("fewer than %(count)s") % {"count": 5} in body
    assert "Afdeling Burgerzaken" in body and "Directie Dienstverlening" in body
    assert "Team Balie" not in body  # directorates and departments only


def test_bands_hide_the_exact_number(cast, client_as):
    for k in range(7):
        join(make_person(f"50{k}", f"Naam{k}", "Team", cast.team))
    body = page(client_as("office"), "buddies:office")
    assert nl("%(low)s to %(high)s") % {"low": 5, "high": 9} in body
    assert ">7<" not in body


def test_the_private_not_with_list_is_shown_to_nobody_else(cast, client_as, proposed):
    assert nl("Colleague %(number)s") % {"number": 1} in page(client_as("employee"), "buddies:mine")
    body = page(client_as("outsider"), "buddies:mine")  # the proposed buddy, with the reasons
    assert cast.director.full_name not in body
    assert str(cast.director.pk) not in json.dumps(proposed.reasons)
    client = client_as("employee")
    client.force_login(cast.director.user)
    for name in ("home", "buddies:mine"):
        assert cast.employee.full_name not in page(client, name)
    for role in ("office", "manager", "admin", "team_leader"):
        body = page(client_as(role), "buddies:office") + page(client_as(role), "buddies:mine")
        assert cast.director.full_name not in body


def test_the_outbox_shows_buddy_mail_only_as_a_confidential_count(cast, client_as, proposed):
    assert OutboxMessage.objects.filter(confidential=True).count() == 2
    body = page(client_as("office"), "notifications:outbox")
    assert "nv-confidential-count" in body
    for text in names(cast.employee, cast.outsider):
        assert text not in body
    subject = OutboxMessage.objects.first().subject
    assert subject not in body


def test_the_log_the_office_reads_shows_no_buddy_event(cast, client_as, proposed):
    assert AuditEvent.objects.filter(action__startswith="buddy.").count() >= 3
    body = page(client_as("office"), "audit:list")
    assert "buddy.join" not in body and "buddy.answer" not in body
    for text in names(cast.employee, cast.outsider):
        assert text not in body


def test_the_mail_names_nobody_and_links_to_my_buddy(cast, proposed):
    message = OutboxMessage.objects.get(recipient=cast.outsider.user)
    for text in (message.subject, message.body_text, message.body_html):
        assert cast.employee.full_name not in text and cast.employee.email not in text
    assert settings.SITE_URL + reverse("buddies:mine") in message.body_text


def test_neither_the_admin_nor_the_api_knows_buddies(cast, client_as, paired):
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "buddies" not in registered
    schema = client_as("admin").get("/api/openapi.json").content.decode().lower()
    assert "buddy" not in schema and "buddies" not in schema and "pair" not in schema


def test_a_page_of_a_participant_writes_nothing_on_get(cast, client_as, proposed):
    client, office = client_as("outsider"), client_as("office")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("buddies:mine"))
        client.get(reverse("home"))
        office.get(reverse("buddies:office"))
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert not writes


# -- managers and the programme office --------------------------------------------------------


def test_a_manager_sees_banded_figures_of_their_units_and_nothing_else(cast, client_as):
    for k in range(6):
        join(make_person(f"60{k}", f"Lid{k}", "Balie", cast.team))
    body = page(client_as("manager"), "buddies:mine")  # head of Afdeling Burgerzaken
    assert nl("Figures for the units you lead") in body
    assert "Afdeling Burgerzaken" in body and "Team Balie" in body
    assert nl("%(low)s to %(high)s") % {"low": 5, "high": 9} in body
    assert "Lid0" not in body and "Afdeling Belastingen" not in body
    assert nl("Figures for the units you lead") not in page(client_as("employee"), "buddies:mine")
    home = page(client_as("manager"), "home")
    assert reverse("buddies:mine") in home


def test_the_office_starts_a_round_and_hears_counts_only(cast, client_as):
    join(cast.employee, trusted=[cast.outsider])
    join(cast.outsider)
    join(cast.team_leader)
    response = client_as("office").post(reverse("buddies:round_run"), follow=True)
    body = response.content.decode()
    assert Pair.objects.count() == 1
    assert "1" in body
    for text in names(cast.employee, cast.outsider, cast.team_leader):
        assert text not in body
    assert Count.objects.filter(unit__isnull=True).exists()


def test_no_round_with_fewer_than_two_waiting(cast, client_as):
    join(cast.employee)
    response = client_as("office").post(reverse("buddies:round_run"), follow=True)
    assert nl("No pairing round: not enough people are waiting.") in (response.content.decode())
    assert not Count.objects.exists()


def test_the_office_sets_the_rhythm(cast, client_as):
    client = client_as("office")
    assert client.post(reverse("buddies:rhythm"), {"rhythm_weeks": "6"}).status_code == 302
    assert BuddySettings.load().rhythm_weeks == 6
    assert AuditEvent.objects.get(action="buddy.settings").changes == {"rhythm_weeks": [4, 6]}
    response = client.post(reverse("buddies:rhythm"), {"rhythm_weeks": "-1"})
    assert response.status_code == 400
    assert nl("Give a whole number from 0 to 52.") in response.content.decode()


def test_the_office_gets_the_link_a_qr_code_and_texts_to_announce_it(cast, client_as):
    body = page(client_as("office"), "buddies:office")
    link = settings.SITE_URL + reverse("buddies:mine")
    assert f'href="{link}"' in body
    assert 'class="nv-buddy-qr"' in body and '<path d="M' in body
    assert body.count(link) >= 6  # the link, the QR title and the four texts
    assert "vrijwillig" in body and "voluntary" in body
    assert "niemand controleert het" in body and "nobody monitors it" in body


def test_the_figures_over_time_come_as_a_table_and_a_chart(cast, client_as):
    join(cast.employee)
    services.counts_record()
    body = page(client_as("office"), "buddies:office")
    assert "<svg" in body and 'role="img"' in body and "<table" in body


def test_my_page_has_a_buddy_block(cast, client_as, proposed):
    assert nl("There is a buddy proposal for you.") in page(client_as("employee"), "home")
    assert reverse("buddies:mine") in page(client_as("employee"), "home")
    assert reverse("buddies:mine") not in page(client_as("trainer"), "home")
