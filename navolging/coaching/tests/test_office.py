"""The programme office's team coaching pages: assigning coaches, coverage and rhythm, coaches'
capacity, consult figures (bands only, never who or what) and the settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from navolging.audit.models import AuditEvent
from navolging.coaching import selectors, services
from navolging.coaching.models import (
    CoachAssignment,
    CoachingSettings,
    CoachProfile,
    Consult,
    ConsultStatus,
    ConsultTopic,
)
from navolging.coaching.views import office
from navolging.lib.browser import assert_no_axe_violations, log_in, new_visit, screenshot
from navolging.lib.testing import make_person
from navolging.notifications.models import PlannedItem
from navolging.organisation.models import BaseProgramme, ProgrammeScope, Unit, UnitKind

from .helpers import assign, make_coach, soon

MARKER = "Mijn leidinggevende schreeuwt tegen mij"


def nl(text: str) -> str:
    """The Dutch the page shows, HTML-escaped as the template writes it."""
    with translation.override("nl"):
        return escape(gettext(text))


def body(response) -> str:
    return response.content.decode()


def make_team(code: str, name: str, department: Unit) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=UnitKind.TEAM, parent=department)


def involve(team: Unit, trainer) -> None:
    programme, _ = BaseProgramme.objects.get_or_create(unit=team, scope=ProgrammeScope.TEAM)
    programme.trainers.add(trainer)


def behind_the_rhythm(team: Unit, coach) -> None:
    """`team` has `coach`, assigned long ago, and its last visit is twenty weeks back."""
    assign(team, coach)
    long_ago = timezone.now() - dt.timedelta(weeks=30)
    CoachAssignment.objects.filter(team=team).update(assigned_at=long_ago)
    start, end = soon()
    visit = services.visit_plan(
        team=team, kind="team_meeting", starts_at=start, ends_at=end, by=coach
    )
    back = dt.timedelta(weeks=20) + (start - timezone.now())
    PlannedItem.objects.filter(pk=visit.item_id).update(starts_at=start - back, ends_at=end - back)


@pytest.fixture
def insider(cast):
    """A trainer of the team's base programme."""
    coach = make_coach("insider@example.org", "Ida Insider")
    involve(cast.team, coach)
    return coach


@pytest.fixture
def other(cast):
    """A trainer from the pool who did not train the team."""
    return make_coach("other@example.org", "Otto Anders")


def post_assign(client, team, coach, reason=""):
    return client.post(
        reverse("coaching:assign", args=[team.pk]), {"coach": coach.pk, "reason": reason}
    )


# -- assigning a coach -------------------------------------------------------------------------


def test_the_assign_page_lists_the_teams_trainers_first_with_their_teams(
    cast, client_as, insider, other
):
    assign(make_team("T9", "Team Post", cast.department), other)
    page = body(client_as("office").get(reverse("coaching:assign", args=[cast.team.pk])))
    assert page.index("Ida Insider") < page.index("Otto Anders")
    assert page.index(nl("Trainers of this team's base programme")) < page.index("Ida Insider")
    assert page.index(nl("Other trainers")) < page.index("Otto Anders")
    taken = nl("%(taken)s of %(capacity)s teams")
    assert (
        taken % {"taken": 0, "capacity": 6} in page and taken % {"taken": 1, "capacity": 6} in page
    )


def test_one_of_the_teams_trainers_is_assigned_without_a_reason(cast, client_as, insider):
    response = post_assign(client_as("office"), cast.team, insider)
    assert response.status_code == 302 and response["Location"] == reverse("coaching:office")
    assignment = CoachAssignment.objects.get(team=cast.team)
    assert assignment.coach == insider and assignment.reason == ""
    event = AuditEvent.objects.listable().get(action="coaching.assign")
    assert event.actor == cast.office and event.object_id == str(cast.team.pk)
    assert event.changes["coach"] == [None, insider.email]
    follow = client_as("office").get(reverse("coaching:office"))
    assert "Ida Insider" in body(follow)


def test_a_trainer_from_outside_needs_a_reason_and_nothing_is_stored_without(
    cast, client_as, insider, other
):
    client = client_as("office")
    response = post_assign(client, cast.team, other)
    assert response.status_code == 400
    assert nl(
        "This coach is not one of the trainers of the team's base programme. "
        "Write down why you choose them."
    ) in body(response)
    assert not CoachAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action="coaching.assign").exists()
    response = post_assign(client, cast.team, other, reason="  Ida is op zwangerschapsverlof  ")
    assert response.status_code == 302
    assignment = CoachAssignment.objects.get(team=cast.team)
    assert assignment.coach == other and assignment.reason == "Ida is op zwangerschapsverlof"
    assert "Ida is op zwangerschapsverlof" in body(
        client.get(reverse("coaching:assign", args=[cast.team.pk]))
    )


def test_a_full_coach_is_refused_with_a_message(cast, client_as, insider):
    CoachProfile.objects.filter(user=insider).update(capacity=1)
    assign(make_team("T9", "Team Post", cast.department), insider)
    page = body(client_as("office").get(reverse("coaching:assign", args=[cast.team.pk])))
    assert nl("Full") in page
    response = post_assign(client_as("office"), cast.team, insider)
    assert response.status_code == 400
    expected = nl(
        "This coach already has %(capacity)s teams, the most they can take on. "
        "Choose another coach, or first give this coach room for more teams."
    ) % {"capacity": 1}
    assert expected in body(response)
    assert not CoachAssignment.objects.filter(team=cast.team).exists()


def test_choosing_nobody_or_a_non_trainer_is_a_clear_error(cast, client_as, insider):
    client = client_as("office")
    url = reverse("coaching:assign", args=[cast.team.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and nl("Choose a coach.") in body(response)
    response = client.post(url, {"coach": cast.employee.user_id})
    assert response.status_code == 400 and nl("Choose a coach from the list.") in body(response)
    assert not CoachAssignment.objects.exists()


def test_a_team_gone_from_the_chart_gets_no_new_coach(cast, client_as, insider):
    Unit.objects.filter(pk=cast.team.pk).update(active=False)
    response = post_assign(client_as("office"), cast.team, insider)
    assert response.status_code == 400
    assert nl(
        "This team is no longer in the organisation chart, so it cannot get a coach."
    ) in body(response)
    assert not CoachAssignment.objects.exists()


def test_only_teams_can_get_a_coach(cast, client_as, insider):
    for unit in (cast.department, cast.directorate):
        url = reverse("coaching:assign", args=[unit.pk])
        assert client_as("office").get(url).status_code == 404
        assert client_as("office").post(url, {"coach": insider.pk}).status_code == 404


def test_the_office_removes_a_teams_coach(cast, client_as, insider):
    assign(cast.team, insider)
    client = client_as("office")
    page = body(client.get(reverse("coaching:assign", args=[cast.team.pk])))
    assert 'name="action" value="remove"' in page
    response = client.post(reverse("coaching:assign", args=[cast.team.pk]), {"action": "remove"})
    assert response.status_code == 302
    assert not CoachAssignment.objects.filter(team=cast.team).exists()
    event = AuditEvent.objects.listable().get(action="coaching.unassign")
    assert event.changes == {"coach": [insider.email, None]}
    follow = client.get(reverse("coaching:office"))
    assert nl("%(team)s has no coach now.") % {"team": "Team Balie"} in body(follow)


# -- a coach's profile -------------------------------------------------------------------------


def test_the_office_sets_a_coachs_capacity_phone_and_consults(cast, client_as, insider):
    assign(cast.team, insider)
    client = client_as("office")
    url = reverse("coaching:coach_edit", args=[insider.pk])
    page = body(client.get(url))
    assert "Team Balie" in page and 'value="6"' in page
    response = client.post(url, {"capacity": "3", "phone": " 06  12345678 ", "takes_consults": ""})
    assert response.status_code == 302
    profile = CoachProfile.objects.get(user=insider)
    assert (profile.capacity, profile.phone, profile.takes_consults) == (3, "06 12345678", False)
    event = AuditEvent.objects.listable().get(action="coaching.profile_save")
    assert event.changes["capacity"] == [6, 3]


def test_a_trainer_without_a_profile_gets_one_and_bad_input_stores_nothing(cast, client_as):
    client = client_as("office")
    url = reverse("coaching:coach_edit", args=[cast.trainer.pk])
    assert client.get(url).status_code == 200
    assert not CoachProfile.objects.exists()  # a GET writes nothing
    response = client.post(url, {"capacity": "-1", "phone": "bel mij"})
    assert response.status_code == 400
    page = body(response)
    assert nl("Give a whole number from %(low)s to %(high)s.") % {"low": 0, "high": 50} in page
    assert nl("Use only digits, spaces and + - ( ). For example: 06 12345678.") in page
    assert not CoachProfile.objects.exists()
    assert client.post(url, {"capacity": "2", "takes_consults": "on"}).status_code == 302
    assert CoachProfile.objects.get(user=cast.trainer).capacity == 2


def test_coach_edit_is_404_for_someone_who_is_not_a_trainer(cast, client_as):
    for user in (cast.employee.user, cast.office):
        url = reverse("coaching:coach_edit", args=[user.pk])
        assert client_as("office").get(url).status_code == 404


# -- settings ----------------------------------------------------------------------------------


def test_the_office_sets_the_rhythm_and_the_contact_texts(cast, client_as):
    client = client_as("office")
    page = body(client.get(reverse("coaching:settings")))
    assert 'value="13"' in page
    assert (
        nl(
            "The texts about the confidential counsellor and the complaints procedure are shown "
            "on the page where employees ask a coach for a conversation. Navolging only shows "
            "these texts: it sends nothing to the confidential counsellor or to the complaints "
            "desk."
        )
        in page
    )
    values = {
        "visit_every_weeks": "8",
        "counsellor_nl": "Mevrouw Jansen, 06 11111111",
        "counsellor_en": "",
        "complaints_nl": "Zie intranet: klachtenregeling",
        "complaints_en": "See the intranet",
    }
    assert client.post(reverse("coaching:settings"), values).status_code == 302
    current = CoachingSettings.load()
    assert current.visit_every_weeks == 8
    assert current.counsellor("en") == "Mevrouw Jansen, 06 11111111"
    assert current.complaints("en") == "See the intranet"
    assert AuditEvent.objects.listable().get(action="coaching.settings").changes[
        "visit_every_weeks"
    ] == [13, 8]


@pytest.mark.parametrize("weeks", ["0", "53", "elf", ""])
def test_a_rhythm_outside_1_to_52_weeks_is_refused(cast, client_as, weeks):
    response = client_as("office").post(reverse("coaching:settings"), {"visit_every_weeks": weeks})
    assert response.status_code == 400
    assert nl("Give a whole number from %(low)s to %(high)s.") % {"low": 1, "high": 52} in body(
        response
    )
    assert not CoachingSettings.objects.exists()


# -- the overview: coverage and rhythm ---------------------------------------------------------


@pytest.fixture
def three_teams(cast, insider):
    """Team Balie has no coach; Team Post is behind the rhythm; Team Kassa is on track."""
    post = make_team("T2", "Team Post", cast.department)
    kassa = make_team("T3", "Team Kassa", cast.other_department)
    behind_the_rhythm(post, insider)
    assign(kassa, insider)
    return cast.team, post, kassa


def test_the_overview_shows_teams_without_a_coach_first_and_teams_behind(
    cast, client_as, three_teams
):
    _balie, post, _kassa = three_teams
    page = body(client_as("office").get(reverse("coaching:office")))
    with translation.override("nl"):
        counts = [
            ngettext("%(count)s team without a coach", "%(count)s teams without a coach", 1),
            ngettext("%(count)s team behind the rhythm", "%(count)s teams behind the rhythm", 1),
        ]
    for text in counts:
        assert escape(text % {"count": 1}) in page
    assert page.index("Team Balie") < page.index("Team Post") < page.index("Team Kassa")
    assert nl("No coach") in page and nl("On track") in page
    due = selectors.team_states([post])[0].due
    with translation.override("nl"):
        assert (
            escape(gettext("A visit was due on %(date)s.") % {"date": date_format(due, "j F Y")})
            in page
        )
    assert "Afdeling Belastingen" in page  # Team Kassa's department
    assert reverse("coaching:assign", args=[cast.team.pk]) in page
    assert reverse("coaching:settings") in page and reverse("coaching:consult_figures") in page


def test_the_filters_show_teams_without_a_coach_or_behind(cast, client_as, three_teams):
    client = client_as("office")
    page = body(client.get(reverse("coaching:office"), {"toon": "zonder-coach"}))
    assert "Team Balie" in page and "Team Post" not in page and "Team Kassa" not in page
    page = body(client.get(reverse("coaching:office"), {"toon": "achter"}))
    assert "Team Post" in page and "Team Balie" not in page and "Team Kassa" not in page
    page = body(client.get(reverse("coaching:office"), {"q": "kassa"}))
    assert "Team Kassa" in page and "Team Post" not in page


def test_the_coaches_table_shows_teams_capacity_phone_and_consults(cast, client_as, insider):
    CoachProfile.objects.filter(user=insider).update(capacity=1, phone="06 22222222")
    assign(cast.team, insider)
    page = body(client_as("office").get(reverse("coaching:office")))
    assert nl("%(taken)s of %(capacity)s") % {"taken": 1, "capacity": 1} in page
    assert nl("Full") in page and "06 22222222" in page
    assert reverse("coaching:coach_edit", args=[insider.pk]) in page


def _make_teams(cast, numbers: range, coach) -> None:
    """Teams with a member each; every other one with the coach, a visit and a new trainer."""
    CoachProfile.objects.filter(user=coach).update(capacity=1000)
    for n in numbers:
        team = make_team(f"Q{n}", f"Team {n:03}", cast.department)
        make_person(f"9{n:03}", "Lid", f"Nummer{n}", team)
        if n % 2:
            make_coach(f"c{n}@example.org", f"Coach {n}")
            assign(team, coach)
            start, end = soon(days=n + 1)
            services.visit_plan(
                team=team, kind="team_meeting", starts_at=start, ends_at=end, by=coach
            )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("coaching:office")).status_code == 200
    return len(queries)


def test_the_overview_takes_the_same_number_of_queries_for_3_or_30_teams(cast, client_as, insider):
    client = client_as("office")
    _make_teams(cast, range(3), insider)
    client.get(reverse("coaching:office"))  # the first request of a session also saves it
    few = _queries(client)
    _make_teams(cast, range(3, 30), insider)
    assert _queries(client) == few
    assert few <= 12


def test_the_team_list_is_paged_and_keeps_the_filter(cast, client_as):
    for n in range(60):
        make_team(f"P{n}", f"Team P{n:03}", cast.department)
    client = client_as("office")
    page = body(client.get(reverse("coaching:office"), {"toon": "zonder-coach"}))
    assert "Team P000" in page and "Team P059" not in page
    assert "?toon=zonder-coach&amp;pagina=2" in page
    page = body(client.get(reverse("coaching:office"), {"toon": "zonder-coach", "pagina": 2}))
    assert "Team P059" in page and "Team P000" not in page


# -- consult figures ---------------------------------------------------------------------------


def _consults(coach, requester, month: dt.date, count: int) -> None:
    for _n in range(count):
        Consult.objects.create(
            requester=requester,
            coach=coach,
            topic=ConsultTopic.OWN_BEHAVIOUR,
            message=MARKER,
            preferred_times="dinsdagmiddag",
            status=ConsultStatus.CLOSED,
            month=month,
            location="Kamer 3.14",
        )


def test_consult_figures_are_bands_per_coach_per_completed_month(cast, client_as, insider, other):
    months = selectors.consult_months()
    _consults(insider, cast.employee, months[-1], 3)
    _consults(other, cast.outsider, months[0], 7)
    _consults(other, cast.outsider, timezone.localdate().replace(day=1), 2)  # running month
    response = client_as("office").get(reverse("coaching:consult_figures"))
    assert response.status_code == 200
    page = body(response)
    fewer = nl("fewer than %(count)s") % {"count": 5}
    five_to_nine = nl("%(low)s to %(high)s") % {"low": 5, "high": 9}
    insider_row = page[page.index("Ida Insider") : page.index("</tr>", page.index("Ida Insider"))]
    other_row = page[page.index("Otto Anders") : page.index("</tr>", page.index("Otto Anders"))]
    assert insider_row.count(fewer) == 6
    assert other_row.count(five_to_nine) == 1 and other_row.count(fewer) == 5
    assert ">3<" not in page and ">7<" not in page and ">9<" not in page
    assert "<svg" in page and 'role="img"' in page
    assert "Totaal" not in page and "Total" not in page
    with translation.override("nl"):
        assert date_format(months[0], "F Y") in page  # the oldest month, as a column


def test_consult_figures_never_show_who_or_what(cast, client_as, insider):
    months = selectors.consult_months()
    _consults(insider, cast.employee, months[-1], 7)
    page = body(client_as("office").get(reverse("coaching:consult_figures")))
    for text in (
        MARKER,
        "dinsdagmiddag",
        "Kamer 3.14",
        cast.employee.full_name,
        cast.employee.email,
        "Team Balie",
        nl("Reflect on my own behaviour"),
        ConsultTopic.OWN_BEHAVIOUR.value,
    ):
        assert text not in page
    for text in (
        "Every figure is a band of five: below five we show “fewer than 5”, above that for "
        "example “5 to 9”. So nobody can work out who saw a coach, also not by comparing "
        "figures.",
        "Only the last six complete months are shown. The running month is not shown, because "
        "a figure that changes from day to day would tell when someone saw a coach.",
        "No names, subjects or messages are ever shown, here or anywhere else. Only the person "
        "who asked and their coach know about a conversation.",
    ):
        assert nl(text) in page


def test_the_office_pages_are_for_the_programme_office_only(cast, client_as, insider):
    for role in ("employee", "manager", "trainer", "admin"):
        for name in ("coaching:office", "coaching:consult_figures", "coaching:settings"):
            assert client_as(role).get(reverse(name)).status_code == 403


def test_the_chart_draws_a_band_not_a_number(cast, insider):
    months = selectors.consult_months()
    _consults(insider, cast.employee, months[-1], 7)
    chart = office.consult_chart(months, selectors.consult_figures(months))
    (row,) = [r for r in chart["rows"] if r["coach"] == insider]
    first, last = row["bars"][0], row["bars"][-1]
    assert first["solid"] == 0 and first["light"] > 0  # fewer than 5: light from 0 to 5
    assert last["solid"] == first["light"] and last["light"] == first["light"]  # 5 to 9


# -- in a real browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_office_assigns_a_coach_in_the_browser_on_accessible_pages(
    browser_cast, browser, live_server
):
    cast = browser_cast
    insider = make_coach("insider@example.org", "Ida Insider")
    involve(cast.team, insider)
    other = make_coach("other@example.org", "Otto Anders")
    behind_the_rhythm(make_team("T2", "Team Post", cast.department), other)
    _consults(other, cast.outsider, selectors.consult_months()[-1], 7)
    visit = new_visit(browser, live_server)
    page = visit.page
    try:
        log_in(visit, cast.office.email)
        visit.open("coaching:office")
        assert page.locator("tr.nv-team--no-coach th").first.inner_text() == "Team Balie"
        assert_no_axe_violations(page)
        screenshot(page, "coaching-office-overview")
        with page.expect_navigation():
            page.click(f"a[href='{reverse('coaching:assign', args=[cast.team.pk])}']")
        assert_no_axe_violations(page)
        page.check(f"input[name=coach][value='{other.pk}']")
        with page.expect_navigation():
            page.click("button[name=action][value=assign]")
        assert page.locator("#id_reason_error").is_visible()
        assert page.get_attribute("#id_reason", "aria-invalid") == "true"
        assert_no_axe_violations(page)
        screenshot(page, "coaching-office-assign-error")
        page.fill("#id_reason", "Ida is met verlof")
        with page.expect_navigation():
            page.click("button[name=action][value=assign]")
        assert page.url.endswith(reverse("coaching:office"))
        assert CoachAssignment.objects.get(team=cast.team).coach == other
        for name, args in (
            ("coaching:coach_edit", [other.pk]),
            ("coaching:consult_figures", []),
            ("coaching:settings", []),
        ):
            visit.open(name, *args)
            assert_no_axe_violations(page)
            screenshot(page, name.replace(":", "-"))
        assert cast.outsider.full_name not in page.content()
        assert visit.foreign_requests() == []
    finally:
        page.context.close()
