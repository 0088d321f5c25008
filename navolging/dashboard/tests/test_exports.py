"""The dashboard's exports (issue 8): the overview as Excel and CSV, the management report as PDF.

The files are read back and their figures checked against the database rows they come from,
worked out here independently of metrics.py; every text cell is formula-safe (SECURITY R14);
each role gets only its part.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.buddies.models import Participant
from navolging.coaching.models import CoachAssignment, CoachProfile, Visit, VisitKind
from navolging.dashboard import metrics
from navolging.dashboard.exports import filename, pdf_text, subject, text_cell
from navolging.dashboard.report import Overview
from navolging.followup.models import FollowUpSession, Goal, GoalProgress, SessionScope
from navolging.intervision.models import (
    AttendanceRecord,
    CompositionMode,
    Group,
    Membership,
    Presence,
    Round,
    RoundStatus,
)
from navolging.intervision.models import Session as IntervisionSession
from navolging.lib.testing import make_person, pdf_drawn_text
from navolging.notifications.models import ItemKind, PlannedItem
from navolging.organisation.models import (
    BaseProgramme,
    OrganisationSettings,
    Person,
    ProgrammeScope,
    Unit,
    UnitKind,
)
from navolging.training.models import Stage, TrainingRequest

# -- a small organisation with every instrument in use -----------------------------------------


@dataclass
class Programme:
    teams: dict[str, Unit]  # by name
    coach: User
    formula: Unit  # a team whose name (from the HR import) looks like a formula


FORMULA_NAME = '=HYPERLINK("http://x")'


def _item(kind: str, when: dt.datetime) -> PlannedItem:
    return PlannedItem.objects.create(
        kind=kind, starts_at=when, ends_at=when + dt.timedelta(hours=1)
    )


def _people(unit: Unit, count: int, start: int) -> list:
    return [
        make_person(str(start + i), f"Mens{start + i}", f"Achternaam{start + i}", unit)
        for i in range(count)
    ]


def build_programme(cast) -> Programme:
    """The cast's organisation grown to six teams, with base programmes, coaches, visits,
    intervision, buddies, follow-up sessions and tailored-training requests.

    Burgerzaken (the manager's department): Team Balie, Team Loket, Team Archief.
    Belastingen (elsewhere): Team Aanslag, Team Invordering and a team named like a formula.
    """
    now = timezone.now()
    department, other = cast.department, cast.other_department
    teams = {"Team Balie": cast.team}
    for code, name, parent in (
        ("TEAM2", "Team Loket", department),
        ("TEAM3", "Team Archief", department),
        ("TEAM4", "Team Aanslag", other),
        ("TEAM5", "Team Invordering", other),
    ):
        teams[name] = Unit.objects.create(code=code, name=name, kind=UnitKind.TEAM, parent=parent)
    formula = Unit.objects.create(code="TEAM6", name=FORMULA_NAME, kind=UnitKind.TEAM, parent=other)
    people = {
        "Team Balie": [cast.team_leader, cast.employee, *_people(cast.team, 8, 2000)],
        "Team Loket": _people(teams["Team Loket"], 3, 2100),  # fewer than 5
        "Team Archief": _people(teams["Team Archief"], 6, 2200),
        "Team Aanslag": _people(teams["Team Aanslag"], 7, 2300),
        "Team Invordering": _people(teams["Team Invordering"], 5, 2400),
    }
    _people(formula, 2, 2500)

    # Base programme done: Balie, Archief, Aanslag, Invordering (Loket not yet, formula never).
    for name in ("Team Balie", "Team Archief", "Team Aanslag", "Team Invordering"):
        BaseProgramme.objects.create(
            unit=teams[name], scope=ProgrammeScope.TEAM, completed_on=dt.date(2025, 1, 15)
        )
    BaseProgramme.objects.create(unit=teams["Team Loket"], scope=ProgrammeScope.TEAM)

    # A coach for Balie and Loket (2 of the department's 3 teams) and for Aanslag.
    coach = User.objects.create_user("coach@example.org", name="Carla Coach", is_trainer=True)
    CoachProfile.objects.create(user=coach)
    for name in ("Team Balie", "Team Loket", "Team Aanslag"):
        CoachAssignment.objects.create(
            team=teams[name], coach=coach, assigned_at=now - dt.timedelta(days=200)
        )
    for name, days in (("Team Balie", 14), ("Team Balie", 70), ("Team Aanslag", 120)):
        Visit.objects.create(
            team=teams[name],
            coach=coach,
            kind=VisitKind.TEAM_MEETING,
            item=_item(ItemKind.COACH_VISIT, now - dt.timedelta(days=days)),
        )

    # Intervision: the managers and five team members meet; six sessions recorded.
    round_ = Round.objects.create(
        name="Ronde 1",
        mode=CompositionMode.MIXED,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2027, 1, 1),
        status=RoundStatus.PUBLISHED,
    )
    group = Group.objects.create(round=round_, name="Groep A")
    members = [cast.director, cast.manager, cast.outsider, *people["Team Archief"][:5]]
    for person in members:
        Membership.objects.create(group=group, person=person)
    for number, days in enumerate((90, 45), start=1):
        session = IntervisionSession.objects.create(
            group=group,
            number=number,
            item=_item(ItemKind.INTERVISION, now - dt.timedelta(days=days)),
        )
        for i, person in enumerate(members):
            presence = Presence.ABSENT if (i + number) % 4 == 0 else Presence.PRESENT
            AttendanceRecord.objects.create(session=session, person=person, presence=presence)

    # Buddies: six in Balie, five in Aanslag take part.
    for person in people["Team Balie"][:6] + people["Team Aanslag"][:5]:
        Participant.objects.create(person=person)

    # Follow-up: sessions for Balie (recent) and Aanslag, with progress on one goal.
    goal = Goal.objects.create(text_nl="We spreken elkaar aan", text_en="We speak up")
    for i, (name, days) in enumerate(
        (("Team Balie", 30), ("Team Balie", 60), ("Team Balie", 100), ("Team Aanslag", 250))
    ):
        session = FollowUpSession.objects.create(
            unit=teams[name],
            scope=SessionScope.TEAM,
            item=_item(ItemKind.FOLLOWUP, now - dt.timedelta(days=days)),
            led_by=coach,
        )
        GoalProgress.objects.create(session=session, goal=goal, score=2 + i % 3)

    # Tailored training: two submitted for Balie (one decided), a draft for Aanslag.
    for name, stage, submitted, decided in (
        ("Team Balie", Stage.DECIDED_YES, 40, 20),
        ("Team Balie", Stage.SUBMITTED, 10, None),
        ("Team Aanslag", Stage.DRAFT, None, None),
    ):
        TrainingRequest.objects.create(
            unit=teams[name],
            scope="team",
            requested_by=cast.team_leader.user,
            what="Training",
            why="Omdat",
            stage=stage,
            submitted_at=None if submitted is None else now - dt.timedelta(days=submitted),
            decided_at=None if decided is None else now - dt.timedelta(days=decided),
        )
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"name": "Gemeente Voorbeeld"})
    return Programme(teams, coach, formula)


@pytest.fixture
def programme(cast):
    return build_programme(cast)


# -- reading the files back --------------------------------------------------------------------

#: Most tests read the files in English: the msgids are fixed, Dutch labels follow locale/nl.
ENGLISH = {"taal": "en"}


def _nl(msgid: str) -> str:
    with translation.override("nl"):
        return gettext(msgid)


def _workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _table(sheet, header_row: int = 1) -> list[dict]:
    """The sheet's rows below its header as {heading: cell}."""
    rows = list(sheet.iter_rows(min_row=header_row))
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel only reads UTF-8 with the byte order mark
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


# -- what the database says, worked out here ---------------------------------------------------


def _teams_below(unit: Unit | None) -> list[Unit]:
    teams = Unit.objects.filter(kind=UnitKind.TEAM, active=True)
    if unit is None:
        return list(teams)
    below, frontier = set(), {unit.pk}
    while frontier:
        below |= frontier
        frontier = set(Unit.objects.filter(parent__in=frontier).values_list("pk", flat=True))
    return [team for team in teams if team.pk in below]


def _percent_coached(unit: Unit | None) -> int:
    teams = _teams_below(unit)
    coached = CoachAssignment.objects.filter(team__in=teams).count()
    return round(100 * coached / len(teams))


def _percent_base_done(unit: Unit | None) -> int:
    teams = _teams_below(unit)
    done = BaseProgramme.objects.filter(
        unit__in=teams, scope=ProgrammeScope.TEAM, completed_on__isnull=False
    ).count()
    return round(100 * done / len(teams))


# -- Excel -------------------------------------------------------------------------------------


def test_the_excel_overview_has_every_unit_with_the_figures_of_the_database(
    cast, client_as, programme
):
    book = _workbook(client_as("office").get(reverse("dashboard:export_xlsx"), ENGLISH))
    assert book.sheetnames == ["Overview", "Figures", "Month by month", "About these figures"]
    rows = {row["Unit"].value: row for row in _table(book["Overview"])}
    names = {unit.name for unit in Unit.objects.filter(active=True)}
    assert set(rows) == names - {FORMULA_NAME} | {"'" + FORMULA_NAME}

    for unit in (cast.department, cast.other_department, cast.organisation):
        cell = rows[unit.name]["Teams with a coach"]
        assert cell.data_type == "n" and cell.number_format == "0%"
        assert round(cell.value * 100) == _percent_coached(unit)
        base = rows[unit.name]["Base programme done"]
        assert round(base.value * 100) == _percent_base_done(unit)

    # Three people in Team Loket: a band in words, never the count.
    assert Person.objects.filter(unit=programme.teams["Team Loket"]).count() == 3
    employees = rows["Team Loket"]["Employees"]
    assert employees.data_type == "s" and employees.value == "fewer than 5"
    assert rows["Team Balie"]["Employees"].value == "10 to 14"
    assert rows["Team Balie"]["Tailored-training requests"].value == (
        TrainingRequest.objects.filter(unit=cast.team).exclude(stage=Stage.DRAFT).count()
    )

    # Judged figures have their status in words beside them; a level says where a unit sits.
    assert rows["Team Balie"]["Teams with a coach: status"].value == "On target"
    assert rows["Team Loket"]["Base programme done: status"].value == "Behind target"
    assert rows["Team Balie"]["Level"].value == rows[cast.department.name]["Level"].value + 1
    assert rows["Team Balie"]["Part of"].value == cast.department.name
    assert rows["Team Balie"]["Kind"].value == "Team"


def test_the_excel_is_in_the_users_language(cast, client_as, programme):
    book = _workbook(client_as("office").get(reverse("dashboard:export_xlsx")))
    assert book.sheetnames[0] == _nl("Overview")
    rows = {row[_nl("Unit")].value: row for row in _table(book.worksheets[0])}
    assert rows["Team Loket"][_nl("Employees")].value == "minder dan 5"
    assert rows[cast.department.name][_nl("Kind")].value == "Afdeling"


def test_the_excel_has_the_units_figures_and_its_months(cast, client_as, programme):
    response = client_as("office").get(
        reverse("dashboard:unit_export_xlsx", args=[cast.department.pk]), {"taal": "en"}
    )
    assert "navolging-overzicht-afdeling-burgerzaken-" in response["Content-Disposition"]
    book = _workbook(response)
    assert book.sheetnames == ["Overview", "Figures", "Month by month", "About these figures"]

    figures = {row["Figure"].value: row for row in _table(book["Figures"], header_row=3)}
    coached = figures["Teams with a coach"]
    assert round(coached["Value"].value * 100) == _percent_coached(cast.department)
    assert coached["Status"].value == "Behind target"  # 67% against a target of 100%
    assert coached["Instrument"].value == "Team coaching"
    year_ago = timezone.now() - dt.timedelta(days=365)
    visits = Visit.objects.filter(
        team__in=_teams_below(cast.department), item__starts_at__gt=year_ago
    ).count()
    assert figures["Coach visits held, last 12 months"]["Value"].value == visits == 2
    assert figures["Taking part in the buddy system"]["Value"].value == "5 to 9"  # six people

    months = _table(book["Month by month"], header_row=4)
    by_title = {row["Figure"].value: list(row.values())[1:] for row in months}
    coached_now = by_title["Teams with a coach"][-1]
    assert (
        coached_now.value
        == CoachAssignment.objects.filter(team__in=_teams_below(cast.department)).count()
    )
    held = by_title["Coach visits held"]
    assert sum(cell.value for cell in held) == visits
    assert all(cell.data_type == "n" for cell in held)
    header = next(book["Month by month"].iter_rows(min_row=4, max_row=4))
    assert header[-1].value.date() == timezone.localdate().replace(day=1)


def test_a_formula_in_a_unit_name_stays_text(cast, client_as, programme):
    """SECURITY R14: the HR import named a team =HYPERLINK(...); no export runs it."""
    book = _workbook(client_as("office").get(reverse("dashboard:export_xlsx"), ENGLISH))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    names = [row["Unit"] for row in _table(book["Overview"])]
    cell = next(cell for cell in names if "HYPERLINK" in cell.value)
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA_NAME

    rows = _csv(client_as("office").get(reverse("dashboard:export_csv"), ENGLISH))
    line = next(row for row in rows if "HYPERLINK" in row["Unit"])
    assert line["Unit"] == "'" + FORMULA_NAME
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_safe_cells_come_after_taking_out_what_a_sheet_cannot_hold():
    assert text_cell("\x01=SUM(A1)") == "'=SUM(A1)"
    assert text_cell(None) == ""


# -- CSV ---------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_unit_with_the_same_figures(cast, client_as, programme):
    response = client_as("office").get(reverse("dashboard:export_csv"), ENGLISH)
    assert response["Content-Disposition"].endswith('.csv"')
    assert "navolging-overzicht-organisatie-" in response["Content-Disposition"]
    rows = {row["Unit"]: row for row in _csv(response)}
    assert len(rows) == Unit.objects.filter(active=True).count()
    department = rows[cast.department.name]
    assert department["Teams with a coach"] == f"{_percent_coached(cast.department)}%"
    assert department["Base programme done"] == f"{_percent_base_done(cast.department)}%"
    assert department["Level"] == "3"
    assert department["Kind"] == "Department"
    assert department["Part of"] == cast.directorate.name
    assert rows["Team Loket"]["Employees"] == "fewer than 5"
    assert rows["Team Balie"]["Tailored-training requests"] == str(
        TrainingRequest.objects.filter(unit=cast.team).exclude(stage=Stage.DRAFT).count()
    )
    assert rows["Team Balie"]["Visits on track: status"] == "On target"
    assert rows["Team Balie"]["Intervision attendance"] == "–"  # nobody recorded


def test_the_csv_is_in_the_users_language(cast, client_as, programme):
    rows = _csv(client_as("office").get(reverse("dashboard:export_csv")))
    loket = next(row for row in rows if row[_nl("Unit")] == "Team Loket")
    assert loket[_nl("Employees")] == "minder dan 5"


# -- who gets what -----------------------------------------------------------------------------


def test_a_manager_exports_only_their_own_units(cast, client_as, programme):
    manager = client_as("manager")  # heads Afdeling Burgerzaken
    own = {cast.department.name, "Team Balie", "Team Loket", "Team Archief"}

    url = reverse("dashboard:unit_export_xlsx", args=[cast.department.pk])
    book = _workbook(manager.get(url, ENGLISH))
    assert {row["Unit"].value for row in _table(book["Overview"])} == own
    for sheet in book.worksheets:
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        for elsewhere in ("Belastingen", "Aanslag", "Invordering", "HYPERLINK", "Dienstverlening"):
            assert elsewhere not in text, f"{elsewhere} in {sheet.title}"

    url = reverse("dashboard:unit_export_csv", args=[cast.department.pk])
    assert {row["Unit"] for row in _csv(manager.get(url, ENGLISH))} == own

    team = reverse("dashboard:unit_export_csv", args=[programme.teams["Team Loket"].pk])
    assert [row["Unit"] for row in _csv(manager.get(team, ENGLISH))] == ["Team Loket"]


@pytest.mark.parametrize("name", ["export_xlsx", "export_csv", "report_pdf"])
def test_only_the_office_exports_the_whole_organisation(cast, client_as, programme, name):
    assert client_as("office").get(reverse(f"dashboard:{name}")).status_code == 200
    assert client_as("manager").get(reverse(f"dashboard:{name}")).status_code == 404
    assert client_as("team_leader").get(reverse(f"dashboard:{name}")).status_code == 404


@pytest.mark.parametrize("name", ["unit_export_xlsx", "unit_export_csv", "unit_report_pdf"])
def test_who_may_export_a_unit(cast, client_as, programme, name):
    def status(role: str, unit: Unit) -> int:
        return client_as(role).get(reverse(f"dashboard:{name}", args=[unit.pk])).status_code

    assert status("office", cast.other_department) == 200
    assert status("manager", cast.department) == 200
    assert status("manager", cast.team) == 200  # below their department
    assert status("manager", cast.other_department) == 404  # not theirs: not confirmed
    assert status("manager", cast.directorate) == 404  # above them
    assert status("team_leader", cast.team) == 200
    assert status("team_leader", cast.department) == 404
    assert status("director", cast.other_department) == 200
    for role in ("employee", "outsider", "trainer", "as_adviser"):
        assert status(role, cast.team) == 403
    assert client_as("office").get(reverse(f"dashboard:{name}", args=[999999])).status_code == 404
    anonymous = client_as("anonymous").get(reverse(f"dashboard:{name}", args=[cast.team.pk]))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]


def test_an_export_answers_only_get(cast, client_as, programme):
    response = client_as("office").post(reverse("dashboard:export_xlsx"))
    assert response.status_code == 405


def test_an_export_writes_nothing(cast, client_as, programme):
    # Aggregate figures, not a confidential item (R17): a GET stays free of writes (R16).
    office, manager = client_as("office"), client_as("manager")  # logging in is recorded
    before = AuditEvent.objects.count()
    assert office.get(reverse("dashboard:export_csv")).status_code == 200
    url = reverse("dashboard:unit_report_pdf", args=[cast.department.pk])
    assert manager.get(url).status_code == 200
    assert AuditEvent.objects.count() == before


# -- the PDF report ----------------------------------------------------------------------------


def _pages(data: bytes) -> int:
    return int(re.search(rb"/Count (\d+)", data).group(1))


def test_the_pdf_report_in_english(cast, client_as, programme):
    response = client_as("office").get(
        reverse("dashboard:unit_report_pdf", args=[cast.department.pk]), {"taal": "en"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "navolging-rapport-afdeling-burgerzaken-" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    pages = _pages(data)
    assert pages >= 4
    text = pdf_drawn_text(data)
    assert "Gemeente Voorbeeld" in text  # the organisation's name, from its settings
    assert "Afdeling Burgerzaken" in text
    for heading in ("Management report", "Figures per instrument", "Team coaching"):
        assert heading in text
    assert "The units directly below" in text and "Month by month" in text
    assert re.search(rf"Page 1 of\s*{pages}", text)  # fpdf2 draws the total apart
    # The department's share of coached teams, and the units below it with their figures.
    assert f"{_percent_coached(cast.department)}%" in text
    for team in ("Team Balie", "Team Loket", "Team Archief"):
        assert team in text
    assert "Team Aanslag" not in text and "Belastingen" not in text
    assert "fewer than 5" in text  # Team Loket's three people
    assert "Behind target" in text and "On target" in text
    assert "“fewer than 5”" in text  # curly quotes kept (Windows-1252 core fonts)
    # A chart per series, each with its table of months.
    with translation.override("en"):
        month = date_format(timezone.localdate(), "YEAR_MONTH_FORMAT")
    assert text.count(month) >= 7


def test_the_pdf_report_in_dutch_for_the_whole_organisation(cast, client_as, programme):
    response = client_as("office").get(reverse("dashboard:report_pdf"), {"taal": "nl"})
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_drawn_text(data)
    assert "Gemeente Voorbeeld" in text
    assert "De hele organisatie" in text
    assert "Teamcoaching" in text and "Team coaching" not in text
    assert re.search(rf"Pagina 1 van\s*{_pages(data)}", text)
    assert "Geëvalueerd" in text  # ë through the core fonts
    assert "minder dan 5" in text
    # The whole organisation's table starts below the organisation unit itself.
    assert "Directie Dienstverlening" in text


def test_the_pdf_follows_the_users_language_by_default(cast, client_as, programme):
    user = cast.office
    user.language = "en"
    user.save(update_fields=["language"])
    text = pdf_drawn_text(client_as("office").get(reverse("dashboard:report_pdf")).content)
    assert "Figures per instrument" in text and "Page 1 of" in text
    asked = client_as("office").get(reverse("dashboard:report_pdf"), {"taal": "nl"})
    assert "Pagina 1 van" in pdf_drawn_text(asked.content)


def test_a_name_beyond_the_pdf_fonts_is_written_as_near_as_it_can(cast, client_as, programme):
    team = programme.teams["Team Loket"]
    team.name = "Team Łódź “Zeeën” ≥ 中"
    team.save(update_fields=["name"])
    response = client_as("office").get(reverse("dashboard:unit_report_pdf", args=[team.pk]))
    assert response.status_code == 200
    assert "Team Lódz “Zeeën” >= ?" in pdf_drawn_text(response.content)  # ó is in Windows-1252


def test_pdf_text_keeps_dutch_typography_and_brings_the_rest_near():
    dutch = "“Zeeën” – ‘ja’ … € café"
    assert pdf_text(dutch) == dutch
    assert pdf_text("Şule Çelik ≥ 5 → ok") == "Sule Çelik >= 5 -> ok"
    assert pdf_text("团队 Ø") == "?? Ø"


def test_a_filename_is_plain_ascii(cast, programme):
    overview = Overview(metrics.Tree())
    about = subject(overview, cast.department.pk)
    day = timezone.localdate().isoformat()
    assert filename(about, "overzicht", "xlsx") == (
        f"navolging-overzicht-afdeling-burgerzaken-{day}.xlsx"
    )
    team = programme.teams["Team Loket"]
    team.name = "团队"
    team.save(update_fields=["name"])
    about = subject(Overview(metrics.Tree()), team.pk)
    assert filename(about, "rapport", "pdf") == f"navolging-rapport-eenheid-{team.pk}-{day}.pdf"
    assert filename(subject(overview, None), "overzicht", "csv").startswith(
        "navolging-overzicht-organisatie-"
    )
