"""The dashboard: figures against the database, who sees which part, and figures that reveal
nobody (single counts and differences)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from navolging.audit.models import AuditEvent
from navolging.coaching.models import CoachAssignment, Consult, ConsultStatus
from navolging.lib.figures import shown
from navolging.organisation.models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind

from .. import metrics
from . import factories as f
from .factories import ABSENT, PRESENT

OVERVIEW = reverse("dashboard:overview")


def unit_url(unit: Unit) -> str:
    return reverse("dashboard:unit", args=[unit.pk])


def figure(html: str, key: str) -> str:
    """The shown text of figure `key` on a unit page."""
    found = re.search(
        rf'data-figure="{key}">\s*<dt>.*?</dt>\s*<dd><strong class="nv-dash-value">(.*?)</strong>',
        html,
        re.S,
    )
    assert found, f"no figure {key}"
    return found.group(1)


@pytest.fixture
def org(cast):
    """The cast's department gets two more teams: A (10 people) and B (1 person)."""
    a = f.team(cast.department, "Team A", 10)
    b = f.team(cast.department, "Team B", 1)
    f.base_done(cast.team)
    f.base_done(a)
    f.coach(cast.team, cast.trainer, visits_days_ago=[10])
    f.coach(a, cast.trainer, assigned_days_ago=200)
    return SimpleNamespace(a=a, b=b)


# -- figures against the database --------------------------------------------------------------


def test_the_overview_shows_the_shares_of_teams_as_the_database_has_them(org, client_as):
    html = client_as("office").get(OVERVIEW).content.decode()
    teams = Unit.objects.filter(kind=UnitKind.TEAM, active=True).count()
    done = BaseProgramme.objects.filter(
        scope=ProgrammeScope.TEAM, completed_on__isnull=False
    ).count()
    coached = CoachAssignment.objects.count()
    assert figure(html, "base_done") == f"{round(100 * done / teams)}%"
    assert figure(html, "coached") == f"{round(100 * coached / teams)}%"
    # Team Balie was visited 10 days ago; team A got its coach 200 days ago, never visited.
    assert figure(html, "on_track") == "50%"
    assert figure(html, "visits") == "1"


def test_a_rag_follows_the_targets_the_office_sets(org, client_as):
    client = client_as("office")
    html = client.get(OVERVIEW).content.decode()
    assert "nv-rag--red" in html.split('data-figure="base_done"')[1].split("</div>")[0]
    values = {
        field: 50
        for field in (
            "base_done_green base_done_amber coached_green coached_amber on_track_green "
            "on_track_amber attendance_green attendance_amber on_schedule_green "
            "on_schedule_amber buddies_green buddies_amber followup_green followup_amber"
        ).split()
    }
    response = client.post(
        reverse("dashboard:targets"),
        {**values, "decision_days_green": 30, "decision_days_amber": 60},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="dashboard.targets_set").exists()
    html = client.get(OVERVIEW).content.decode()
    assert "nv-rag--green" in html.split('data-figure="base_done"')[1].split("</div>")[0]


def test_targets_with_amber_above_green_are_refused_and_nothing_changes(cast, client_as):
    client = client_as("office")
    data = {
        name: 50
        for name in (
            "coached_green coached_amber on_track_green on_track_amber attendance_green "
            "attendance_amber on_schedule_green on_schedule_amber buddies_green buddies_amber "
            "followup_green followup_amber"
        ).split()
    }
    data.update(
        base_done_green=60, base_done_amber=90, decision_days_green=90, decision_days_amber=10
    )
    response = client.post(reverse("dashboard:targets"), data)
    assert response.status_code == 400
    with translation.override("nl"):
        assert escape(translation.gettext("Amber must not be higher than green.")) in (
            response.content.decode()
        )
    assert not AuditEvent.objects.filter(action="dashboard.targets_set").exists()


def test_month_by_month_counts_each_visit_in_its_month(org, cast, client_as):
    response = client_as("office").get(reverse("dashboard:trends"))
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    visit_month = timezone.localdate(timezone.now() - dt.timedelta(days=10))
    section = html.split('id="trend-visits"')[1].split("</section>")[0]
    month = visit_month.strftime("%Y")
    rows = re.findall(r'scope="row">(.*?)</th><td class="utrecht-table__cell">(.*?)</td>', section)
    assert len(rows) == 12
    assert sum(int(value) for _m, value in rows) == 1
    assert any(month in label and value == "1" for label, value in rows)


# -- who sees what -----------------------------------------------------------------------------


def test_a_team_leader_sees_their_team_and_nothing_above_or_beside_it(org, cast, client_as):
    client = client_as("team_leader")
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and response["Location"] == unit_url(cast.team)
    assert client.get(unit_url(cast.team)).status_code == 200
    for unit in (cast.department, cast.directorate, cast.organisation, org.a):
        assert client.get(unit_url(unit)).status_code == 404
        assert client.get(reverse("dashboard:unit_trends", args=[unit.pk])).status_code == 404
    assert client.get(reverse("dashboard:trends")).status_code == 404


def test_a_manager_sees_their_department_and_its_teams_only(org, cast, client_as):
    client = client_as("manager")
    response = client.get(unit_url(cast.department))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Team A", "Team B", "Team Balie"):
        assert name in html
    assert "Afdeling Belastingen" not in html
    assert client.get(unit_url(org.a)).status_code == 200
    for unit in (cast.other_department, cast.directorate, cast.organisation):
        assert client.get(unit_url(unit)).status_code == 404
    # No way up: the breadcrumbs start at the department, consults are not there at all.
    assert escape(translation.gettext("Whole organisation")) not in html
    assert 'data-figure="consults"' not in html
    trends = client.get(reverse("dashboard:unit_trends", args=[cast.department.pk]))
    assert 'id="trend-consults"' not in trends.content.decode()


@pytest.mark.parametrize("role", ["employee", "trainer", "as_adviser", "outsider"])
def test_other_roles_get_no_dashboard(cast, client_as, role):
    assert client_as(role).get(OVERVIEW).status_code == 403
    assert client_as(role).get(unit_url(cast.team)).status_code == 403


# -- figures that reveal nobody ----------------------------------------------------------------


def test_three_people_in_the_buddy_system_show_as_fewer_than_five(org, cast, client_as):
    f.buddies(Person.objects.filter(unit=org.a)[:3])
    html = client_as("manager").get(unit_url(org.a)).content.decode()
    with translation.override("nl"):
        assert figure(html, "buddies_count") == escape(shown(3).text)
        assert figure(html, "buddies") == escape(translation.gettext("too few to show"))


def test_a_share_is_hidden_where_the_department_minus_it_gives_away_a_small_team(
    org, cast, client_as
):
    # Team A: 5 of its 10 people take part; the rest of the department (Team Balie, Team B
    # and the head: 4 people) none. The department's 5 of 14 may be shown; A's 5 of 10 too on
    # its own, but together they would say that nobody else in the department takes part.
    f.buddies(Person.objects.filter(unit=org.a)[:5])
    # Beside it a department of 11 with 5 taking part, so the directorate does not need to
    # hide the department (the same rule one level up).
    f.buddies(f.people(cast.other_department, 10)[:5])
    client = client_as("manager")
    with translation.override("nl"):
        hidden = escape(translation.gettext("too few to show"))
        department = client.get(unit_url(cast.department)).content.decode()
        assert figure(department, "buddies") == "36%"
        rows = department.split('id="units-below"')[1]
        assert "%" not in rows.split("Team A")[1].split("</tr>")[0].split("<td")[6]  # buddies
        team_a = client.get(unit_url(org.a)).content.decode()
        assert figure(team_a, "buddies") == hidden


def test_attendance_is_shown_only_with_five_people_behind_it(org, cast, client_as):
    five = list(Person.objects.filter(unit=org.a)[:5])
    f.intervision(five, cast.trainer, [[PRESENT] * 5, [PRESENT] * 4 + [ABSENT]])
    client = client_as("office")
    html = client.get(unit_url(org.a)).content.decode()
    assert figure(html, "attendance") == "90%"
    four = list(Person.objects.filter(unit=org.b)) + [cast.employee, cast.team_leader]
    f.intervision(four[:3], cast.trainer, [[PRESENT, PRESENT, ABSENT]])
    with translation.override("nl"):
        html = client.get(unit_url(org.b)).content.decode()
        assert figure(html, "attendance") == escape(translation.gettext("too few to show"))


def test_consults_show_for_the_whole_organisation_as_a_band_only(org, cast, client_as):
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for _ in range(7):
        Consult.objects.create(
            coach=cast.trainer,
            status=ConsultStatus.CLOSED,
            month=last_month,
            anonymised_at=timezone.now(),
        )
    html = client_as("office").get(OVERVIEW).content.decode()
    with translation.override("nl"):
        assert figure(html, "consults") == escape(shown(7).text)
    assert reverse("coaching:consult_figures") in html
    # Never per unit, not even for the office.
    department = client_as("office").get(unit_url(cast.department)).content.decode()
    assert 'data-figure="consults"' not in department


# -- speed: the number of queries does not grow with the organisation --------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_organisation(org, cast, client_as):
    office, manager = client_as("office"), client_as("manager")
    urls = [
        (office, OVERVIEW),
        (office, reverse("dashboard:trends")),
        (manager, unit_url(cast.department)),
        (manager, reverse("dashboard:unit_trends", args=[cast.department.pk])),
    ]
    for client, url in urls:  # the first request of a client also reads its session
        client.get(url)
    before = [_queries(client, url) for client, url in urls]
    for i in range(6):
        unit = f.team(cast.department, f"Team extra {i}", 6)
        f.base_done(unit)
        f.coach(unit, cast.trainer, visits_days_ago=[5, 40])
        f.buddies(Person.objects.filter(unit=unit)[:5])
        f.followup(unit, cast.trainer, days_ago=20)
    assert [_queries(client, url) for client, url in urls] == before


def test_a_manager_of_two_units_chooses_one(org, cast, client_as):
    org.b.head = cast.team_leader
    org.b.save(update_fields=["head"])
    response = client_as("team_leader").get(OVERVIEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert unit_url(cast.team) in html and unit_url(org.b) in html
    assert unit_url(org.a) not in html


# -- the API gives the same figures to the same people -----------------------------------------


def test_the_api_gives_the_pages_figures_to_the_same_people(org, cast, client_as):
    f.buddies(Person.objects.filter(unit=org.a)[:3])
    office = client_as("office").get("/api/dashboard").json()
    assert [row["name"] for row in office["below"]] == [cast.directorate.name]
    manager = client_as("manager")
    mine = manager.get(f"/api/dashboard?unit={cast.department.pk}").json()
    figures = {f["key"]: f for s in mine["sections"] for f in s["figures"]}
    assert figures["buddies_count"]["value"] is None
    with translation.override("nl"):
        assert figures["buddies_count"]["text"] == shown(3).text
    assert figures["coached"]["value"] == 67  # 2 of the department's 3 teams
    assert {row["name"] for row in mine["below"]} == {"Team A", "Team B", "Team Balie"}
    for unit in (None, cast.other_department.pk, cast.directorate.pk):
        query = "" if unit is None else f"?unit={unit}"
        assert manager.get(f"/api/dashboard{query}").status_code == 404
    assert client_as("employee").get("/api/dashboard").status_code == 404


def test_month_by_month_a_share_is_hidden_where_the_department_gives_away_a_small_team(
    org, cast, client_as
):
    # One session: five people of team A and the one person of team B. Team A's 4 of 5
    # present is safe on its own, but the department's 5 of 6 minus team A would tell how
    # the one person in team B did, so team A's month is hidden as on the overview.
    five = list(Person.objects.filter(unit=org.a)[:5])
    one = list(Person.objects.filter(unit=org.b))
    f.intervision(five + one, cast.trainer, [[PRESENT] * 4 + [ABSENT, PRESENT]])
    client = client_as("manager")

    def months(unit) -> list[str]:
        html = client.get(reverse("dashboard:unit_trends", args=[unit.pk])).content.decode()
        section = html.split('id="trend-attendance"')[1].split("</section>")[0]
        return re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', section)

    with translation.override("nl"):
        hidden = escape(translation.gettext("too few to show"))
        department, team_a = months(cast.department), months(org.a)
        assert "83%" in department, "|".join(department)  # 5 of 6 present
        assert "80%" not in team_a and hidden in team_a
        overview = client.get(unit_url(org.a)).content.decode()
        assert figure(overview, "attendance") == hidden


def test_kept_figures_are_refreshed_beside_the_page_and_never_twice_too_old(
    cast, settings, monkeypatch
):
    settings.DASHBOARD_CACHE_SECONDS = 300
    clock = [1000.0]
    started = []
    monkeypatch.setattr(metrics.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(metrics, "start_refresh", started.append)
    monkeypatch.setattr(metrics, "_kept", None)
    first = metrics.current_tree()
    assert metrics.current_tree() is first
    clock[0] += 301  # too old: the page still gets them, new ones are worked out beside it
    assert metrics.current_tree() is first and len(started) == 1
    assert metrics.current_tree() is first and len(started) == 1  # one refresh at a time
    started[0]()
    second = metrics.current_tree()
    assert second is not first
    clock[0] += 601  # twice too old (a quiet night): worked out while the page waits
    third = metrics.current_tree()
    assert third is not second and len(started) == 1


def test_an_organisation_without_units_shows_dashes_not_an_error(db, client):
    from navolging.accounts.models import User

    office = User.objects.create_user("leeg@example.org", is_programme_office=True)
    client.force_login(office)
    html = client.get(OVERVIEW).content.decode()
    assert figure(html, "base_done") == "–"
    assert client.get(reverse("dashboard:trends")).status_code == 200
    assert client.get(reverse("dashboard:export_xlsx")).status_code == 200
    assert client.get(reverse("dashboard:report_pdf")).status_code == 200


def test_month_by_month_the_days_to_a_decision_count_in_the_month_decided(org, cast, client_as):
    from navolging.training.models import Stage, TrainingRequest

    decided = timezone.now() - dt.timedelta(days=3)
    TrainingRequest.objects.create(
        unit=cast.team,
        scope=ProgrammeScope.TEAM,
        requested_by=cast.team_leader.user,
        what="Oefenen met aanspreken",
        why="Het team vraagt erom",
        stage=Stage.DECIDED_YES,
        submitted_at=decided - dt.timedelta(days=20),
        decided_at=decided,
    )
    html = (
        client_as("manager")
        .get(reverse("dashboard:unit_trends", args=[cast.department.pk]))
        .content.decode()
    )
    section = html.split('id="trend-decision_days"')[1].split("</section>")[0]
    cells = re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', section)
    same_month = timezone.localdate(decided).month == timezone.localdate().month
    assert cells.count("–") == 11
    assert cells[-1 if same_month else -2] == "20,0"  # Dutch decimals
