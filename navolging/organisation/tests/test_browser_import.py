"""The HR import in a real browser (R25), as the programme office does it.

Log in through the form, open *HR import* from the menu, upload an export whose columns the
app does not all know, pick a field for each column, check the preview, apply, and then find
an imported person through the search box and open their unit. The database must hold what
the pages said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from navolging.audit.models import AuditEvent
from navolging.lib.browser import (
    assert_no_axe_violations,
    click_and_wait,
    dutch,
    log_in,
    screenshot,
)
from navolging.organisation.importing.messages import ROW_COLUMN
from navolging.organisation.models import Person, Unit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def dutch_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("nl"):
        return ngettext(singular, plural, count)


# An AFAS-like export. Some headers are known aliases (Medewerker, Roepnaam, Teamnaam...),
# some are not (Mailadres zakelijk, Functietitel, Afdelingsnaam), and one column is not for
# us at all (Kostenplaats): without the mapping step the file cannot be imported.
HEADERS = [
    "Medewerker",
    "Roepnaam",
    "Voorvoegsel",
    "Achternaam",
    "Mailadres zakelijk",
    "Functietitel",
    "Directie",
    "Afdelingsnaam",
    "Teamnaam",
    "Leidinggevende",
    "Kostenplaats",
]
# The field each column is, by the label the mapping page shows for it.
CHOICES = {
    "Medewerker": "Employee number",
    "Roepnaam": "First name",
    "Voorvoegsel": "Prefix (tussenvoegsel)",
    "Achternaam": "Last name",
    "Mailadres zakelijk": "E-mail address",
    "Functietitel": "Job title",
    "Directie": "Level: directorate",
    "Afdelingsnaam": "Level: department",
    "Teamnaam": "Level: team",
    "Leidinggevende": "Manager (employee number)",
    "Kostenplaats": "(do not use)",
}
UNKNOWN_HEADERS = {"Mailadres zakelijk", "Functietitel", "Afdelingsnaam", "Kostenplaats"}
# One directorate, two departments, three teams; eight people, none of them in the cast.
# Medewerker;Roepnaam;Voorvoegsel;Achternaam;Mailadres zakelijk;Functietitel;Directie;
# Afdelingsnaam;Teamnaam;Leidinggevende;Kostenplaats
ROWS = [
    line.split(";")
    for line in (
        "3001;Henk;;Kramer;H.Kramer@example.org;Directeur;Directie Stadsbeheer;;;;KP100",
        "3002;Els;de;Boer;e.deboer@example.org;Afdelingshoofd;Directie Stadsbeheer;"
        "Openbare Ruimte;;3001;KP110",
        "3003;Youssef;;Haddou;y.haddou@example.org;Teamleider;Directie Stadsbeheer;"
        "Openbare Ruimte;Team Groen;3002;KP111",
        "3004;Lotte;van;Dijk;l.vandijk@example.org;Hovenier;Directie Stadsbeheer;"
        "Openbare Ruimte;Team Groen;3003;KP111",
        "3005;Sem;;Öztürk;s.ozturk@example.org;Teamleider;Directie Stadsbeheer;"
        "Openbare Ruimte;Team Wegen;3002;KP112",
        "3006;Iris;van der;Linden;i.vanderlinden@example.org;Wegbeheerder;Directie Stadsbeheer;"
        "Openbare Ruimte;Team Wegen;3005;KP112",
        "3007;Ruud;;Koster;r.koster@example.org;Afdelingshoofd;Directie Stadsbeheer;"
        "Vergunningen;;3001;KP120",
        "3008;Anouk;;Jacobs;a.jacobs@example.org;Vergunningverlener;Directie Stadsbeheer;"
        "Vergunningen;Team Vergunningverlening;3007;KP121",
    )
]
FILENAME = "AFAS export medewerkers.csv"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The live server runs in this process, so it keeps the uploads here too.
    settings.MEDIA_ROOT = tmp_path / "media"


def write_export(directory: Path, rows: list[list[str]]) -> Path:
    """As Dutch Excel saves "CSV (puntkomma gescheiden)": ';', Windows-1252, CRLF."""
    assert all(len(row) == len(HEADERS) for row in rows)
    lines = [";".join(HEADERS)] + [";".join(row) for row in rows]
    path = directory / FILENAME
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def upload_through_the_menu(visit, path: Path) -> None:
    page = visit.page
    click_and_wait(page, page.locator("nav.nv-nav").get_by_role("link", name=dutch("HR import")))
    assert page.url == visit.url("organisation:import_upload")
    assert page.inner_text("h1") == dutch("HR import")
    page.get_by_label(dutch("HR export")).set_input_files(str(path))
    click_and_wait(page, page.get_by_role("button", name=dutch("Upload and continue")))


def column_select(page, header: str):
    label = dutch("Column “%(header)s”") % {"header": header}
    return page.get_by_label(label, exact=True)


def choose_columns(page) -> None:
    for header, field in CHOICES.items():
        column_select(page, header).select_option(label=dutch(field))


def preview_counts(page) -> dict[str, int]:
    rows = page.eval_on_selector_all(
        "main table.utrecht-table tbody tr",
        "rows => rows.map(r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim()])",
    )
    return {title: int(count) for title, count in rows}


def database_state() -> tuple:
    return (
        sorted(Person.objects.values_list("employee_number", "active", "unit__code")),
        sorted(Unit.objects.values_list("code", "active", "head__employee_number")),
    )


def test_office_imports_an_hr_export_and_finds_a_new_person(visit, browser_cast, tmp_path):
    page = visit.page
    export = write_export(tmp_path, ROWS)
    cast_people = Person.objects.count()
    log_in(visit, browser_cast.office.email)

    # Upload -> the mapping page, which knows some columns and leaves the rest to us.
    upload_through_the_menu(visit, export)
    assert "/kolommen/" in page.url
    assert page.inner_text("h1") == dutch("Which column is which?")
    assert FILENAME in page.inner_text("main")
    for header in HEADERS:
        selected = column_select(page, header).input_value()
        assert (selected == "") == (header in UNKNOWN_HEADERS), header
    assert column_select(page, "Medewerker").input_value() == "employee_number"

    choose_columns(page)
    assert column_select(page, "Mailadres zakelijk").input_value() == "email"
    assert column_select(page, "Kostenplaats").input_value() == ""
    assert_no_axe_violations(page)
    screenshot(page, "import-mapping")

    # Preview: eight new people in six new units; the cast, absent from the file, leaves. The
    # file has no organisation column, so its directorate goes under the cast's organisation,
    # which stays: four units leave, not five.
    click_and_wait(page, page.get_by_role("button", name=dutch("Save and show what will change")))
    assert "/voorbeeld/" in page.url
    assert page.inner_text("h1") == dutch("Check before you apply")
    assert page.locator(".nv-import-errors").count() == 0
    assert page.locator(".utrecht-alert--error").count() == 0
    counts = preview_counts(page)
    assert counts == {
        dutch("New people"): 8,
        dutch("Changed people"): 0,
        dutch("People who left (become inactive)"): cast_people,
        dutch("New units"): 6,
        dutch("Changed units"): 0,
        dutch("Units no longer in the file (become inactive)"): 4,
    }
    assert Unit.objects.exclude(pk=browser_cast.organisation.pk).count() == 4
    main = page.inner_text("main")
    for item in ("Lotte van Dijk (3004)", "Els de Boer (3002)", "Team Vergunningverlening"):
        assert item in main
    root = browser_cast.organisation.name
    assert dutch("Top-level units are placed under %(root)s.") % {"root": root} in main
    # Details read as names and labels, not as stored codes.
    assert f"{dutch('parent unit')}: {root}" in main
    assert f"{dutch('head')}: Youssef Haddou (3003)" in main
    with translation.override("nl"):
        assert f"{gettext('kind')}: {pgettext('unit kind', 'Directorate')}" in main
    assert f"{dutch('unit')}: Team Groen" in main  # not its code directie-stadsbeheer/...
    assert_no_axe_violations(page)
    screenshot(page, "import-preview")
    assert Person.objects.count() == cast_people  # nothing written before Apply

    # Apply -> back on the upload page with the counts the preview showed.
    click_and_wait(page, page.get_by_role("button", name=dutch("Apply"), exact=True))
    assert page.url == visit.url("organisation:import_upload")
    expected = dutch(
        "Import done. People: %(people_new)s new, %(people_changed)s changed, %(people_gone)s "
        "left. Units: %(units_new)s new, %(units_changed)s changed, %(units_gone)s gone."
    ) % {
        "people_new": 8,
        "people_changed": 0,
        "people_gone": cast_people,
        "units_new": 6,
        "units_changed": 0,
        "units_gone": counts[dutch("Units no longer in the file (become inactive)")],
    }
    assert page.locator(".utrecht-alert--ok").inner_text().strip() == expected
    screenshot(page, "import-done")

    # Find Lotte van Dijk with the search box on the organisation page, open her unit.
    click_and_wait(page, page.locator("nav.nv-nav").get_by_role("link", name=dutch("Organisation")))
    assert "Directie Stadsbeheer" in page.inner_text("main")
    page.get_by_label(dutch("Find a person by name or employee number")).fill("van Dijk")
    click_and_wait(page, page.get_by_role("button", name=dutch("Search"), exact=True))
    results = page.locator("main table.utrecht-table tbody tr")
    assert results.count() == 1
    row = results.first
    assert row.locator("td").nth(0).inner_text() == "Dijk, Lotte van"
    assert row.locator("td").nth(1).inner_text() == "3004"
    click_and_wait(page, row.get_by_role("link", name="Team Groen"))

    assert page.inner_text("h1") == "Team Groen"
    facts = page.locator("dl.nv-facts").inner_text()
    assert "Youssef Haddou" in facts  # the head, derived from whom Lotte reports to
    members = page.locator("main table.utrecht-table").last.inner_text()
    assert "Dijk, Lotte van" in members and "Haddou, Youssef" in members
    screenshot(page, "import-unit")

    # Switch to English on this page.
    click_and_wait(page, page.locator("button[name=language][value=en]"))
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Team Groen"
    assert "Head" in page.locator("dl.nv-facts").inner_text()
    assert page.locator("button[name=language][value=nl]").is_visible()
    assert page.locator("button[name=language][value=en]").count() == 0
    screenshot(page, "import-unit-en")

    # The database holds what the pages said.
    lotte = Person.objects.select_related("unit__head", "unit__parent", "user").get(
        employee_number="3004"
    )
    assert (lotte.first_name, lotte.prefix, lotte.last_name) == ("Lotte", "van", "Dijk")
    assert lotte.job_title == "Hovenier"
    assert lotte.unit.name == "Team Groen" and lotte.unit.kind == "team"
    assert lotte.unit.head.employee_number == "3003"
    assert lotte.unit.parent.name == "Openbare Ruimte"
    assert lotte.user.email == "l.vandijk@example.org" and lotte.user.is_active
    assert Person.objects.get(employee_number="3001").email == "h.kramer@example.org"
    assert Person.objects.get(employee_number="3005").last_name == "Öztürk"  # cp1252 read right
    assert Person.objects.filter(active=True).count() == 8
    assert Person.objects.filter(active=False).count() == cast_people
    active_units = Unit.objects.filter(active=True)
    assert sorted(active_units.values_list("name", flat=True)) == [
        "Directie Stadsbeheer",
        "Gemeente Voorbeeld",
        "Openbare Ruimte",
        "Team Groen",
        "Team Vergunningverlening",
        "Team Wegen",
        "Vergunningen",
    ]
    assert sorted(active_units.values_list("kind", flat=True)) == sorted(
        ["organisation", "directorate", "department", "department", "team", "team", "team"]
    )
    directorate = Unit.objects.get(name="Directie Stadsbeheer")
    assert directorate.parent == browser_cast.organisation
    assert AuditEvent.objects.filter(action="hr_import.apply").count() == 1
    assert visit.foreign_requests() == []


def test_a_duplicate_employee_number_is_shown_with_its_row_and_blocks_apply(
    visit, browser_cast, tmp_path
):
    page = visit.page
    rows = [list(row) for row in ROWS]
    rows[5][0] = "3004"  # Iris gets Lotte's number: spreadsheet row 7 repeats row 5
    export = write_export(tmp_path, rows)
    before = database_state()
    log_in(visit, browser_cast.office.email)

    upload_through_the_menu(visit, export)
    choose_columns(page)
    click_and_wait(page, page.get_by_role("button", name=dutch("Save and show what will change")))

    assert "/voorbeeld/" in page.url
    alert = page.locator(".utrecht-alert--error")
    assert alert.get_attribute("role") == "alert"
    summary = dutch_plural(
        "The file has %(counter)s error. Nothing has been changed. Fix the file and upload it "
        "again.",
        "The file has %(counter)s errors. Nothing has been changed. Fix the file and upload it "
        "again.",
        1,
    )
    assert alert.inner_text().strip() == summary % {"counter": 1}
    errors = page.locator(".nv-import-errors li")
    reason = dutch("Employee number %(value)s also appears in row %(other)s.") % {
        "value": "3004",
        "other": 5,
    }
    assert errors.all_inner_texts() == [
        dutch(ROW_COLUMN) % {"row": 7, "column": "Medewerker", "reason": reason}
    ]
    assert page.get_by_role("button", name=dutch("Apply"), exact=True).count() == 0
    assert page.locator("form[action*='/toepassen/']").count() == 0
    assert page.get_by_role("link", name=dutch("Upload a new file")).is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "import-preview-error")

    assert database_state() == before
    assert AuditEvent.objects.filter(action="hr_import.apply").count() == 0
