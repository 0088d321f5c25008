"""The base programme import pages: upload -> preview -> apply, for the programme office only."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from navolging.audit.models import AuditEvent
from navolging.organisation.models import BaseProgramme

from .test_import_fixtures import csv_bytes, xlsx_bytes

HEADERS = ["Eenheidscode", "Voor", "Afgerond op", "Trainers"]
VALID = [
    ["TEAM1", "team", "15-03-2026", "trainer@example.org"],
    ["AFD1", "mt", "", ""],
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(client_as, settings) -> Client:
    """The programme office, reading the English msgids (the texts the tests look for)."""
    client = client_as("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client: Client, data: bytes, name: str = "basis.csv"):
    return client.post(
        reverse("organisation:base_programme_import_upload"),
        {"file": SimpleUploadedFile(name, data)},
    )


def token_of(response) -> str:
    return response["Location"].rstrip("/").split("/")[-2]


def test_the_office_uploads_checks_and_applies_a_valid_file(cast, office):
    assert office.get(reverse("organisation:base_programme_import_upload")).status_code == 200
    response = upload(office, csv_bytes(HEADERS, VALID))
    token = token_of(response)
    assert response["Location"] == reverse(
        "organisation:base_programme_import_preview", args=[token]
    )

    body = office.get(response["Location"]).content.decode()
    assert "Team Balie" in body
    assert "15-03-2026" in body
    assert "trainer@example.org" in body
    assert "1 row is already the same" in body  # AFD1: no date, no trainers, as now
    assert reverse("organisation:base_programme_import_apply", args=[token]) in body
    assert not BaseProgramme.objects.exists()  # the preview writes nothing

    response = office.post(reverse("organisation:base_programme_import_apply", args=[token]))
    assert response.status_code == 302
    team = BaseProgramme.objects.get(unit=cast.team, scope="team")
    assert team.completed_on == dt.date(2026, 3, 15)
    assert list(team.trainers.all()) == [cast.trainer]
    assert BaseProgramme.objects.get(unit=cast.department, scope="mt").completed_on is None
    event = AuditEvent.objects.get(action="base_programme.set")
    assert event.actor == cast.office
    assert event.changes["completed_on"] == [None, "2026-03-15"]
    run = AuditEvent.objects.get(action="base_programme.import")
    assert run.actor == cast.office
    assert run.changes == {"rows": 2, "file": "basis.csv"}
    # The upload is gone once applied.
    preview = reverse("organisation:base_programme_import_preview", args=[token])
    assert office.get(preview).status_code == 404


def test_the_preview_shows_the_old_and_the_new_status(cast, office):
    programme = BaseProgramme.objects.create(
        unit=cast.team, scope="team", completed_on=dt.date(2025, 1, 10)
    )
    programme.trainers.set([cast.trainer])
    token = token_of(upload(office, xlsx_bytes(HEADERS, [VALID[0]]), "basis.xlsx"))
    url = reverse("organisation:base_programme_import_preview", args=[token])
    body = office.get(url).content.decode()
    assert "10-01-2025 → 15-03-2026" in body
    assert "trainer@example.org →" not in body  # the trainers stay the same


@pytest.mark.parametrize(
    "row, message",
    [
        (["NOPE", "team", "", ""], "Row 3, column “Eenheidscode”: Unknown unit NOPE."),
        (
            ["TEAM1", "team", "", "bureau@example.org"],
            "Row 3, column “Trainers”: bureau@example.org is not a trainer in Navolging.",
        ),
        (
            ["TEAM1", "team", "gisteren", ""],
            "Row 3, column “Afgerond op”: “gisteren” is not a date; use dd-mm-yyyy.",
        ),
    ],
)
def test_a_wrong_row_is_shown_with_its_reason_and_nothing_is_written(cast, office, row, message):
    token = token_of(upload(office, csv_bytes(HEADERS, [VALID[1], row])))
    body = office.get(
        reverse("organisation:base_programme_import_preview", args=[token])
    ).content.decode()
    assert message in body
    apply_url = reverse("organisation:base_programme_import_apply", args=[token])
    assert apply_url not in body
    response = office.post(apply_url)
    assert response["Location"] == reverse(
        "organisation:base_programme_import_preview", args=[token]
    )
    assert not BaseProgramme.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="base_programme").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_page(cast, office):
    response = upload(office, b"Eenheidscode;Voor\r\n", "basis.pdf")
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file" in response.content.decode()


def test_the_example_file_can_be_downloaded(cast, office):
    url = reverse("organisation:base_programme_import_upload") + "?voorbeeld=csv"
    response = office.get(url)
    assert response.status_code == 200
    assert b"Eenheidscode;Voor" in b"".join(response.streaming_content)


def test_an_hr_upload_cannot_be_applied_as_a_base_programme(cast, office):
    response = office.post(
        reverse("organisation:import_upload"),
        {"file": SimpleUploadedFile("hr.csv", csv_bytes(HEADERS, VALID))},
    )
    token = token_of(response)
    url = reverse("organisation:base_programme_import_apply", args=[token])
    assert office.post(url).status_code == 404


def test_the_tree_and_the_hr_import_link_to_it(cast, office):
    url = reverse("organisation:base_programme_import_upload")
    assert url in office.get(reverse("organisation:tree")).content.decode()
    assert url in office.get(reverse("organisation:import_upload")).content.decode()


URLS = [
    ("organisation:base_programme_import_upload", []),
    ("organisation:base_programme_import_preview", [uuid.uuid4()]),
    ("organisation:base_programme_import_apply", [uuid.uuid4()]),
]


def _method(name: str) -> str:
    return "post" if name.endswith("_apply") else "get"


@pytest.mark.parametrize("name, args", URLS)
def test_anonymous_visitors_are_sent_to_login(cast, client, name, args):
    response = getattr(client, _method(name))(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name, args", URLS)
def test_an_employee_is_refused(cast, client_as, name, args):
    response = getattr(client_as("employee"), _method(name))(reverse(name, args=args))
    assert response.status_code == 403


def test_apply_takes_only_post(cast, office):
    token = token_of(upload(office, csv_bytes(HEADERS, VALID)))
    url = reverse("organisation:base_programme_import_apply", args=[token])
    assert office.get(url).status_code == 405
    assert not BaseProgramme.objects.exists()
