"""Team pages and visits to team meetings (issue 6, items 1, 2 and 6).

Who reads a team's page, its visits and their reflections: the team's members, its manager and
its coach. "Its manager" is the team's own leader (`Unit.leader()`): the team leader, or, for a
team without one, the first head above it. Managers higher up (the department head above a
team leader, the director) do not read it: the issue gives the mirror to "the team and its
manager", and a reflection shared further up would make teams careful about what the coach
may see. Everyone else gets 404. The coach's private note is for the visit's coach alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.debug import SafeExceptionReporterFilter

from navolging.coaching import services
from navolging.coaching.models import CoachAssignment, Visit, VisitKind
from navolging.coaching.views import visits as views
from navolging.lib.testing import make_person
from navolging.notifications.models import ItemStatus, OutboxMessage, PlannedItem
from navolging.organisation.models import Unit, UnitKind

from .helpers import ask, assign, make_coach, soon

NOTE = "Zag spanning tussen Jan en de teamleider, eerst apart bespreken"
REFLECTION = "Het team luistert goed naar elkaar en spreekt elkaar aan"
CONSULT_SECRET = "Mijn collega maakt steeds grapjes over mij"

#: May read the team page and its visits.
READERS = ["employee", "team_leader", "coach"]
#: Get 404 for the team page and its visits.
OTHERS = ["outsider", "office", "trainer", "manager", "director", "as_adviser", "admin"]


def nl(text: str) -> str:
    """The Dutch the page shows, HTML-escaped as the template writes it."""
    with translation.override("nl"):
        return escape(gettext(text))


@pytest.fixture
def coach(cast):
    coach = make_coach(phone="06 1234 5678")
    assign(cast.team, coach)
    return coach


@pytest.fixture
def as_(cast, coach, client):
    """as_("team_leader") -> a client logged in as that member of the cast, or the coach."""

    def make(role: str):
        user = coach if role == "coach" else cast.user(role)
        client.logout()
        client.force_login(user)
        return client

    return make


def plan(cast, coach, *, by=None, days: int = 3, **extra) -> Visit:
    start, end = soon(days)
    values = {"kind": VisitKind.TEAM_MEETING, "location": "Zaal 2.14", **extra}
    return services.visit_plan(
        team=cast.team, starts_at=start, ends_at=end, by=by or coach, **values
    )


def took_place(visit: Visit, days_ago: int = 1) -> Visit:
    """Move the visit's calendar item into the past, as if time went by."""
    start = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    PlannedItem.objects.filter(pk=visit.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    visit.refresh_from_db()
    return visit


@pytest.fixture
def visit(cast, coach) -> Visit:
    return plan(cast, coach)


@pytest.fixture
def reflected(cast, coach, visit) -> Visit:
    took_place(visit)
    return services.visit_reflect(visit=visit, reflection=REFLECTION, private_note=NOTE, by=coach)


def form_data(day: dt.date, start="10:00", end="11:00", **extra) -> dict:
    data = {"kind": VisitKind.TEAM_MEETING, "day": day.isoformat(), "start": start, "end": end}
    return {"location": "Zaal 2.14", **data, **extra}


def in_a_week() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


# -- Team coach: who is our coach ---------------------------------------------------------------


def test_mine_shows_the_coach_and_how_to_reach_them(cast, coach, as_):
    body = as_("employee").get(reverse("coaching:mine")).content.decode()
    assert cast.team.name in body
    assert coach.display_name in body
    assert f'href="mailto:{coach.email}"' in body
    assert "06 1234 5678" in body
    assert reverse("coaching:consult_request") in body
    assert nl("Ask for a conversation in confidence") in body


def test_mine_says_so_when_the_team_has_no_coach(cast, as_):
    CoachAssignment.objects.all().delete()
    response = as_("employee").get(reverse("coaching:mine"))
    assert response.status_code == 200
    assert nl("This team has no team coach yet. The programme office chooses one.") in (
        response.content.decode()
    )


def test_mine_shows_nothing_about_consults(cast, coach, as_):
    consult = ask(cast.employee, coach, message=CONSULT_SECRET, preferred_times="dinsdag")
    for role in ("employee", "team_leader"):
        body = as_(role).get(reverse("coaching:mine")).content.decode()
        assert CONSULT_SECRET not in body
        assert "dinsdag" not in body
        assert str(consult.pk) not in body
        assert reverse("coaching:coach_consults") not in body


@pytest.mark.parametrize("role", ["office", "coach"])
def test_a_login_without_an_employee_gets_an_explanation(cast, as_, role):
    response = as_(role).get(reverse("coaching:mine"))
    assert response.status_code == 200
    assert "Team Balie" not in response.content.decode()


def test_a_team_leader_sees_the_team_they_lead_and_may_plan(cast, coach, as_):
    other_team = Unit.objects.create(
        code="TEAM2", name="Team Loket", kind=UnitKind.TEAM, parent=cast.department
    )
    other_team.head = cast.team_leader
    other_team.save(update_fields=["head"])
    body = as_("team_leader").get(reverse("coaching:mine")).content.decode()
    assert "Team Balie" in body and "Team Loket" in body
    assert reverse("coaching:visit_plan", args=[cast.team.pk]) in body
    assert reverse("coaching:visit_plan", args=[other_team.pk]) not in body  # no coach yet
    body = as_("employee").get(reverse("coaching:mine")).content.decode()
    assert "Team Loket" not in body
    assert reverse("coaching:visit_plan", args=[cast.team.pk]) not in body


def test_mine_shows_visits_and_the_latest_reflections_with_a_link_to_all(cast, coach, as_):
    upcoming = plan(cast, coach, days=10)
    for days_ago in range(1, 6):
        old = took_place(plan(cast, coach), days_ago=days_ago * 30)
        services.visit_reflect(
            visit=old, reflection=f"Spiegel nummer {days_ago}", private_note="", by=coach
        )
    body = as_("employee").get(reverse("coaching:mine")).content.decode()
    assert reverse("coaching:visit_detail", args=[upcoming.pk]) in body
    shown = [n for n in range(1, 6) if f"Spiegel nummer {n}" in body]
    assert shown == [1, 2, 3]  # the newest, up to the limit
    assert body.index("Spiegel nummer 1") < body.index("Spiegel nummer 2")
    assert reverse("coaching:team_detail", args=[cast.team.pk]) in body
    team_page = as_("employee").get(reverse("coaching:team_detail", args=[cast.team.pk]))
    assert all(f"Spiegel nummer {n}" in team_page.content.decode() for n in range(1, 6))


# -- who reads a team and its visits ------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_members_manager_and_coach_read_the_team_and_its_reflection(cast, reflected, as_, role):
    client = as_(role)
    for url in (
        reverse("coaching:team_detail", args=[cast.team.pk]),
        reverse("coaching:visit_detail", args=[reflected.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert REFLECTION in response.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_anyone_else_gets_404_for_the_team_and_its_visits(cast, reflected, as_, role):
    client = as_(role)
    assert client.get(reverse("coaching:team_detail", args=[cast.team.pk])).status_code == 404
    assert client.get(reverse("coaching:visit_detail", args=[reflected.pk])).status_code == 404


def test_the_department_head_reads_a_team_without_a_team_leader(cast, reflected, as_):
    cast.team.head = None
    cast.team.save(update_fields=["head"])
    client = as_("manager")
    response = client.get(reverse("coaching:team_detail", args=[cast.team.pk]))
    assert response.status_code == 200
    assert REFLECTION in response.content.decode()


def test_a_unit_that_is_not_a_team_has_no_team_page(cast, coach, as_):
    url = reverse("coaching:team_detail", args=[cast.department.pk])
    assert as_("manager").get(url).status_code == 404


def test_the_previous_coach_still_reads_their_own_visit(cast, coach, reflected, as_):
    other = make_coach("ander@example.org", "Otto Ander")
    assign(cast.team, other)
    client = as_("coach")
    assert client.get(reverse("coaching:team_detail", args=[cast.team.pk])).status_code == 404
    response = client.get(reverse("coaching:visit_detail", args=[reflected.pk]))
    assert response.status_code == 200
    assert NOTE in response.content.decode()


# -- the private note ---------------------------------------------------------------------------


def _reachable(visit: Visit, team: Unit) -> list[str]:
    return [
        reverse("coaching:mine"),
        reverse("coaching:coach_home"),
        reverse("coaching:team_detail", args=[team.pk]),
        reverse("coaching:visit_detail", args=[visit.pk]),
        reverse("coaching:visit_edit", args=[visit.pk]),
        reverse("coaching:visit_reflect", args=[visit.pk]),
        reverse("notifications:agenda"),
        reverse("notifications:item", args=[visit.item.uid]),
        reverse("notifications:item_ics", args=[visit.item.uid]),
        reverse("home"),
    ]


@pytest.mark.parametrize("role", ["employee", "team_leader", "manager", "office", "trainer"])
def test_the_private_note_is_in_no_page_of_anyone_but_the_coach(cast, reflected, as_, role):
    services.visit_move(
        visit=reflected,
        starts_at=reflected.item.starts_at,
        ends_at=reflected.item.ends_at,
        location="",
        invite_team=True,  # the employee is invited too: the agenda pages open for them
        by=reflected.coach,
    )
    client = as_(role)
    for url in _reachable(reflected, cast.team):
        response = client.get(url)
        assert NOTE not in response.content.decode(), url
        assert "eerst apart" not in response.content.decode(), url
    for mail in OutboxMessage.objects.all():
        assert NOTE not in mail.body_text + mail.body_html + mail.subject + mail.ics


def test_the_coach_reads_their_private_note(cast, reflected, as_):
    client = as_("coach")
    assert (
        NOTE in client.get(reverse("coaching:visit_detail", args=[reflected.pk])).content.decode()
    )
    form = client.get(reverse("coaching:visit_reflect", args=[reflected.pk])).content.decode()
    assert NOTE in form and REFLECTION in form


def test_the_private_note_is_not_plain_text_in_the_database(cast, reflected):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_note, reflection FROM coaching_visit WHERE id = %s",
            [reflected.pk.hex if connection.vendor == "sqlite" else reflected.pk],
        )
        stored_note, stored_reflection = cursor.fetchone()
    assert NOTE not in stored_note and "spanning" not in stored_note
    assert stored_reflection == REFLECTION  # the mirror is for the team, not a secret
    assert Visit.objects.get(pk=reflected.pk).private_note == NOTE


# -- planning -----------------------------------------------------------------------------------


def _invited(visit: Visit) -> set[int]:
    return set(visit.item.attendances.values_list("user_id", flat=True))


def _invites(visit: Visit) -> set[int]:
    return {
        m.recipient_id
        for m in OutboxMessage.objects.filter(ics_method="REQUEST")
        if str(visit.item.uid) in m.ics
    }


def test_the_coach_plans_a_visit_and_coach_and_manager_get_invites(cast, coach, as_):
    client = as_("coach")
    url = reverse("coaching:visit_plan", args=[cast.team.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(in_a_week()))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:visit_detail", args=[visit.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        gettext("The visit is planned. Everyone invited gets an invitation.")
    ]
    expected = {coach.pk, cast.team_leader.user_id}
    assert _invited(visit) == expected
    assert _invites(visit) == expected
    assert visit.planned_by == coach and visit.coach == coach
    assert visit.item.location == "Zaal 2.14"


def test_the_manager_plans_a_visit_for_the_whole_team(cast, coach, as_):
    url = reverse("coaching:visit_plan", args=[cast.team.pk])
    response = as_("team_leader").post(url, form_data(in_a_week(), invite_team="on"))
    assert response.status_code == 302
    visit = Visit.objects.get()
    expected = {coach.pk, cast.team_leader.user_id, cast.employee.user_id}
    assert visit.invite_team and visit.coach == coach
    assert _invited(visit) == expected
    assert _invites(visit) == expected


def test_the_times_are_dutch_time(cast, coach, as_):
    summer = dt.date(timezone.localdate().year + 1, 7, 1)
    as_("coach").post(
        reverse("coaching:visit_plan", args=[cast.team.pk]), form_data(summer, "09:30", "11:00")
    )
    item = Visit.objects.get().item
    local = timezone.localtime(item.starts_at, timezone.get_default_timezone())
    assert (local.date(), local.hour, local.minute) == (summer, 9, 30)
    assert item.starts_at.astimezone(dt.UTC).hour == 7  # CEST is UTC+2
    assert item.ends_at - item.starts_at == dt.timedelta(minutes=90)


@pytest.mark.parametrize("role", ["employee", "outsider", "trainer", "manager", "office"])
def test_others_cannot_plan_a_visit(cast, coach, as_, role):
    client = as_(role)
    url = reverse("coaching:visit_plan", args=[cast.team.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(in_a_week())).status_code == 404
    assert not Visit.objects.exists()


def test_planning_for_a_team_that_does_not_exist_is_404(cast, coach, as_):
    assert as_("coach").get(reverse("coaching:visit_plan", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            form_data(dt.date(2020, 1, 6)),
            "Choose a moment in the future.",
        ),
        (
            form_data(dt.date(2099, 1, 6), "11:00", "10:00"),
            "The end time must be later than the start time.",
        ),
        ({"kind": "lunch"}, None),
    ],
)
def test_bad_input_is_refused_with_a_message(cast, coach, as_, data, message):
    response = as_("coach").post(reverse("coaching:visit_plan", args=[cast.team.pk]), data)
    assert response.status_code == 400
    if message:
        assert nl(message) in response.content.decode()
    assert not Visit.objects.exists()
    assert not OutboxMessage.objects.filter(ics_method="REQUEST").exists()


def test_a_team_without_a_coach_cannot_plan_yet(cast, as_):
    CoachAssignment.objects.all().delete()
    client = as_("team_leader")
    url = reverse("coaching:visit_plan", args=[cast.team.pk])
    text = nl(
        "This team has no coach yet. The programme office first chooses a coach; "
        "then you can plan a visit."
    )
    response = client.get(url)
    assert response.status_code == 200 and text in response.content.decode()
    assert 'name="day"' not in response.content.decode()
    response = client.post(url, form_data(in_a_week()))
    assert response.status_code == 400 and text in response.content.decode()
    assert not Visit.objects.exists()


# -- one visit ----------------------------------------------------------------------------------


def test_the_visit_page_shows_what_where_who_and_the_calendar_links(cast, coach, visit, as_):
    body = as_("team_leader").get(reverse("coaching:visit_detail", args=[visit.pk])).content
    body = body.decode()
    assert "Zaal 2.14" in body
    assert cast.team_leader.full_name in body and coach.display_name in body
    assert reverse("notifications:item_ics", args=[visit.item.uid]) in body
    assert reverse("notifications:item", args=[visit.item.uid]) in body
    assert reverse("coaching:visit_edit", args=[visit.pk]) in body
    assert reverse("coaching:visit_cancel", args=[visit.pk]) in body
    assert reverse("coaching:visit_reflect", args=[visit.pk]) not in body


def test_a_member_not_invited_gets_no_calendar_links_and_no_buttons(cast, visit, as_):
    body = as_("employee").get(reverse("coaching:visit_detail", args=[visit.pk])).content
    body = body.decode()
    assert reverse("notifications:item_ics", args=[visit.item.uid]) not in body
    assert reverse("coaching:visit_edit", args=[visit.pk]) not in body
    assert reverse("coaching:visit_cancel", args=[visit.pk]) not in body


def test_the_coach_gets_the_reflection_button_once_the_visit_started(cast, visit, as_):
    client = as_("coach")
    url = reverse("coaching:visit_detail", args=[visit.pk])
    assert (
        reverse("coaching:visit_reflect", args=[visit.pk]) not in client.get(url).content.decode()
    )
    took_place(visit)
    body = client.get(url).content.decode()
    assert reverse("coaching:visit_reflect", args=[visit.pk]) in body
    assert reverse("coaching:visit_edit", args=[visit.pk]) not in body  # it took place


# -- the reflection -----------------------------------------------------------------------------


def test_a_reflection_before_the_visit_started_is_refused(cast, visit, as_):
    client = as_("coach")
    url = reverse("coaching:visit_reflect", args=[visit.pk])
    response = client.get(url)
    text = nl("You can write the reflection once the visit has started.")
    assert response.status_code == 200 and text in response.content.decode()
    assert 'name="reflection"' not in response.content.decode()
    response = client.post(url, {"reflection": REFLECTION, "private_note": NOTE})
    assert response.status_code == 400 and text in response.content.decode()
    visit.refresh_from_db()
    assert visit.reflection == "" and visit.private_note == ""


def test_the_first_reflection_mails_the_people_invited_once(cast, coach, visit, as_):
    took_place(visit)
    client = as_("coach")
    url = reverse("coaching:visit_reflect", args=[visit.pk])
    last = OutboxMessage.objects.order_by("pk").last().pk
    mails = OutboxMessage.objects.filter(pk__gt=last)
    response = client.post(url, {"reflection": REFLECTION, "private_note": NOTE})
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:visit_detail", args=[visit.pk])
    assert [m.recipient_id for m in mails] == [cast.team_leader.user_id]
    assert REFLECTION not in mails.get().body_text and NOTE not in mails.get().body_text
    visit.refresh_from_db()
    assert (visit.reflection, visit.private_note) == (REFLECTION, NOTE)
    client.post(url, {"reflection": REFLECTION + " Meer.", "private_note": ""})
    assert mails.count() == 1
    visit.refresh_from_db()
    assert visit.private_note == "" and visit.reflection.endswith("Meer.")


@pytest.mark.parametrize(("role", "status"), [("trainer", 404), ("team_leader", 403)])
def test_only_the_visit_s_coach_writes_the_reflection(cast, visit, as_, role, status):
    took_place(visit)
    client = as_(role)
    url = reverse("coaching:visit_reflect", args=[visit.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reflection": "Nep", "private_note": "Nep"}).status_code == status
    visit.refresh_from_db()
    assert visit.reflection == "" and visit.private_note == ""


def test_the_reflection_view_hides_the_texts_from_error_reports(cast, coach, visit):
    request = RequestFactory().post("/", {"reflection": REFLECTION, "private_note": NOTE})
    request.user = coach
    response = views.visit_reflect(request, pk=visit.pk)  # before the start: refused
    assert response.status_code == 400
    masked = SafeExceptionReporterFilter().get_post_parameters(request)
    assert NOTE not in masked.values() and REFLECTION not in masked.values()


# -- moving and cancelling ---------------------------------------------------------------------


def test_the_manager_moves_the_visit_and_invites_the_team(cast, coach, visit, as_):
    client = as_("team_leader")
    url = reverse("coaching:visit_edit", args=[visit.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'value="Zaal 2.14"' in response.content.decode()
    day = in_a_week()
    response = client.post(
        url, form_data(day, "14:00", "15:30", location="Kantine", invite_team="on")
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    local = timezone.localtime(visit.item.starts_at)
    assert (local.date(), local.hour) == (day, 14)
    assert visit.item.location == "Kantine" and visit.item.sequence >= 1
    assert visit.invite_team
    assert cast.employee.user_id in _invited(visit)


@pytest.mark.parametrize("role", ["employee", "outsider", "trainer", "manager"])
def test_others_cannot_move_or_cancel(cast, visit, as_, role):
    client = as_(role)
    before = (visit.item.starts_at, visit.item.sequence)
    edit = reverse("coaching:visit_edit", args=[visit.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(in_a_week(), "14:00", "15:00")).status_code == 404
    assert client.post(reverse("coaching:visit_cancel", args=[visit.pk])).status_code == 404
    visit.item.refresh_from_db()
    assert (visit.item.starts_at, visit.item.sequence) == before
    assert visit.item.status == ItemStatus.PLANNED


def test_moving_into_the_past_is_refused(cast, visit, as_):
    response = as_("coach").post(
        reverse("coaching:visit_edit", args=[visit.pk]), form_data(dt.date(2020, 1, 6))
    )
    assert response.status_code == 400
    assert nl("Choose a moment in the future.") in response.content.decode()
    visit.item.refresh_from_db()
    assert visit.item.sequence == 0


def test_the_coach_cancels_and_everyone_invited_hears_it(cast, coach, visit, as_):
    response = as_("coach").post(reverse("coaching:visit_cancel", args=[visit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:team_detail", args=[cast.team.pk])
    visit.item.refresh_from_db()
    assert visit.item.status == ItemStatus.CANCELLED
    cancels = OutboxMessage.objects.filter(ics_method="CANCEL")
    assert {m.recipient_id for m in cancels} == {coach.pk, cast.team_leader.user_id}
    body = as_("employee").get(reverse("coaching:mine")).content.decode()
    assert reverse("coaching:visit_detail", args=[visit.pk]) not in body
    edit = as_("coach").post(
        reverse("coaching:visit_edit", args=[visit.pk]), form_data(in_a_week())
    )
    assert edit.status_code == 400


def test_a_visit_that_took_place_cannot_be_cancelled(cast, visit, as_):
    took_place(visit)
    as_("team_leader").post(reverse("coaching:visit_cancel", args=[visit.pk]))
    visit.item.refresh_from_db()
    assert visit.item.status == ItemStatus.PLANNED


# -- My teams ----------------------------------------------------------------------------------


def _more_teams(cast, coach, count: int) -> None:
    """`count` more teams for the coach, each with members and a visit; the first has no
    team leader of its own (its manager is the department head)."""
    for n in range(count):
        team = Unit.objects.create(
            code=f"T{n}", name=f"Team {n}", kind=UnitKind.TEAM, parent=cast.department
        )
        leader = make_person(f"9{n:03}", "Lid", f"Leider{n}", team)
        if n:
            team.head = leader
            team.save(update_fields=["head"])
        make_person(f"8{n:03}", "Lid", f"Medewerker{n}", team)
        assign(team, coach)
        start, end = soon(5 + n)
        services.visit_plan(team=team, kind="team_day", starts_at=start, ends_at=end, by=coach)


def test_my_teams_shows_teams_visits_reflections_to_write_and_open_consults(
    cast, coach, visit, as_
):
    held = took_place(plan(cast, coach))
    ask(cast.employee, coach, message=CONSULT_SECRET)
    ask(cast.team_leader, make_coach("ander@example.org", "Otto Ander"))  # not for this coach
    response = as_("coach").get(reverse("coaching:coach_home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("coaching:team_detail", args=[cast.team.pk]) in body
    assert cast.team_leader.full_name in body
    assert reverse("coaching:visit_detail", args=[visit.pk]) in body  # upcoming
    assert reverse("coaching:visit_reflect", args=[held.pk]) in body  # to write
    assert reverse("coaching:coach_consults") in body
    assert response.context["open_consults"] == 1
    assert response.context["rows"][0]["members"] == 2
    assert CONSULT_SECRET not in body


def test_my_teams_takes_a_fixed_number_of_queries(cast, coach, visit, as_):
    client = as_("coach")
    url = reverse("coaching:coach_home")
    client.get(url)
    with CaptureQueriesContext(connection) as one_team:
        client.get(url)
    _more_teams(cast, coach, 3)
    with CaptureQueriesContext(connection) as four_teams:
        response = client.get(url)
    assert len(response.context["rows"]) == 4
    leaders = {row["state"].team.name: row["leader"] for row in response.context["rows"]}
    assert leaders["Team 0"] == cast.manager  # no team leader of its own
    assert leaders["Team Balie"] == cast.team_leader
    assert len(four_teams) == len(one_team)


def test_no_page_writes_on_get(cast, coach, reflected, as_):
    for role in ("coach", "team_leader", "employee"):
        client = as_(role)
        for url in _reachable(reflected, cast.team)[:6]:
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            writes = [
                q["sql"]
                for q in queries.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                and "django_session" not in q["sql"]
            ]
            assert not writes, (role, url, writes)
