"""The dashboard in a real browser (issue 8): the programme office opens the overview, drills
down from the organisation to a team, opens a chart's table and downloads the Excel file and
the PDF report; the files' figures are checked against the database."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from navolging.coaching.models import CoachAssignment
from navolging.lib.browser import assert_no_axe_violations, click_and_wait, log_in, screenshot
from navolging.lib.testing import pdf_drawn_text
from navolging.organisation.models import BaseProgramme, ProgrammeScope, Unit, UnitKind

from ..report import COLUMNS
from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole)


def test_the_office_drills_down_and_downloads_the_figures(browser_cast, tab):
    cast = browser_cast
    team_a = f.team(cast.department, "Team Aanpak", 8)
    f.base_done(cast.team)
    f.coach(cast.team, cast.trainer, visits_days_ago=[12, 60])
    f.coach(team_a, cast.trainer, assigned_days_ago=150)

    office = tab()
    log_in(office, cast.office.email)
    office.open("home")
    click_and_wait(office.page, f"nav a[href='{reverse('dashboard:overview')}']")
    assert_no_axe_violations(office.page)
    screenshot(office.page, "dashboard-overview")
    teams = Unit.objects.filter(kind=UnitKind.TEAM, active=True).count()
    coached = CoachAssignment.objects.count()
    shown = office.page.inner_text("[data-figure=coached] .nv-dash-value")
    assert shown == f"{_percent(coached, teams)}%"

    # -- from the organisation down to a team, through the table of units below
    for unit in (cast.directorate, cast.department, cast.team):
        click_and_wait(
            office.page, f"#units-below ~ * a[href='{reverse('dashboard:unit', args=[unit.pk])}']"
        )
        assert office.page.inner_text("h1") == unit.name
    assert office.page.inner_text("[data-figure=base_done] .nv-dash-value") == "100%"
    assert_no_axe_violations(office.page)
    screenshot(office.page, "dashboard-team")

    # -- month by month: a chart, and its figures as a table
    click_and_wait(
        office.page, f"a[href='{reverse('dashboard:unit_trends', args=[cast.team.pk])}']"
    )
    visits = office.page.locator("#trend-visits ~ details")
    assert not visits.locator("table").is_visible()
    visits.locator("summary").click()
    assert visits.locator("table").is_visible()
    cells = visits.locator("tbody td").all_inner_texts()
    assert sum(int(cell) for cell in cells) == 2
    assert office.page.locator("#trend-visits ~ figure svg[role=img]").count() == 1
    assert_no_axe_violations(office.page)
    screenshot(office.page, "dashboard-trends")

    # -- the downloads of the whole organisation
    office.open("dashboard:overview")
    with office.page.expect_download() as download:
        office.page.click(f"a[href='{reverse('dashboard:export_xlsx')}']")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    with translation.override("nl"):
        column = rows[0].index(str(dict(COLUMNS)["base_done"]))
    department = next(row for row in rows[1:] if row[1] == cast.department.name)
    done = BaseProgramme.objects.filter(
        scope=ProgrammeScope.TEAM, completed_on__isnull=False, unit__parent=cast.department
    ).count()
    department_teams = Unit.objects.filter(parent=cast.department, kind=UnitKind.TEAM).count()
    assert department[column] == _percent(done, department_teams) / 100

    with office.page.expect_download() as download:
        office.page.click(f"a[href='{reverse('dashboard:report_pdf')}?taal=nl']")
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    text = pdf_drawn_text(pdf)
    assert cast.directorate.name in text
    assert f"{_percent(coached, teams)}%" in text
    assert download.value.suggested_filename.endswith(".pdf")
